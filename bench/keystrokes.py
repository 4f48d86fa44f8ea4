"""How many keys a clerk presses, beyond what they type, to record a two-item seizure.

    python bench/keystrokes.py [--json]

On a fresh database in the real main window (offscreen), from the Seizures list:
a seizure on 14 March 2026 by the Anti-Narcotics Force at Torkham, district
Khyber, with 1.5 kg of heroin and 12 kg of hashish. The province and the units are
left for the form to fill in (from the district and the drugs). Keys are sent with
QTest where the window system would deliver them (an open completion list first);
the Alt-letters are read from the labels, as a clerk reads them. Prints the key
sequence, the count of keys that are not typed text, and checks the stored record;
the last line is one JSON object. Exit code 1 when the record is not stored as typed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from inl_desktop.gui.app import make_application
from inl_desktop.gui.main_window import MainWindow
from inl_desktop.services.context import AppContext, utc_now
from inl_desktop.services.setup import set_up_post
from inl_desktop.store.migrate import open_database

TARGET_KEYS = 10
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier


class Clerk:
    """Presses keys and types text where the keyboard is, keeping the tally."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        self.app = app
        self.window = window
        self.sequence: list[str] = []
        self.keys = 0

    def target(self) -> QWidget:
        return QApplication.activePopupWidget() or QApplication.focusWidget() or self.window

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = NONE, name: str = "") -> None:
        QTest.keyClick(self.target(), key, modifier)
        self.app.processEvents()
        self.keys += 1
        self.sequence.append(name or Qt.Key(key).name.removeprefix("Key_"))

    def alt_to(self, accessible_name: str) -> None:
        """Alt + the letter underlined in the label of the field named so."""
        form = self.window.seizures.form
        labels = [
            label
            for label in form.findChildren(QLabel)
            if label.buddy() is not None
            and label.buddy().accessibleName() == accessible_name
            and "&" in label.text()
        ]
        if len(labels) != 1:
            raise SystemExit(f"no Alt-letter for {accessible_name!r}")
        text = labels[0].text()
        letter = text[text.index("&") + 1].upper()
        self.press(Qt.Key(ord(letter)), ALT, f"Alt+{letter}")

    def type(self, text: str) -> None:
        QTest.keyClicks(self.target(), text)
        self.app.processEvents()
        self.sequence.append(f"“{text}”")


def record_two_item_seizure(clerk: Clerk) -> None:
    """The keys of the seizure this benchmark counts."""
    clerk.press(Qt.Key.Key_2, CTRL, "Ctrl+2")
    clerk.press(Qt.Key.Key_N, CTRL, "Ctrl+N")
    clerk.type("2026-03-14")
    clerk.alt_to("Seizing agency")
    clerk.type("Anti-Narcotics F")
    clerk.alt_to("District")
    clerk.type("Khyber")
    clerk.press(Qt.Key.Key_Tab)
    clerk.type("Torkham")
    clerk.alt_to("Drug")
    clerk.type("heroi")
    clerk.press(Qt.Key.Key_Tab)
    clerk.type("1.5")
    clerk.press(Qt.Key.Key_Insert)
    clerk.type("hashish")
    clerk.press(Qt.Key.Key_Tab)
    clerk.type("12")
    clerk.press(Qt.Key.Key_S, CTRL, "Ctrl+S")


def stored(ctx: AppContext) -> dict[str, object]:
    """The one seizure in the database, as the list would show it."""
    with ctx.engine.connect() as connection:
        events = connection.exec_driver_sql(
            "SELECT event_date, agency, province, district, place FROM seizure_events"
        ).fetchall()
        items = connection.exec_driver_sql(
            "SELECT drug, quantity, unit FROM seizure_items ORDER BY drug"
        ).fetchall()
    return {"events": [list(map(str, e)) for e in events], "items": [list(i) for i in items]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    app = make_application()
    folder = Path(tempfile.mkdtemp(prefix="inl-keystrokes-"))
    path = folder / "post.sqlite"
    ctx = AppContext(open_database(path, now=utc_now), user="clerk", now=utc_now)
    set_up_post(ctx, "PK-ISB", "PK")
    window = MainWindow(ctx, path)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    clerk = Clerk(app, window)
    record_two_item_seizure(clerk)
    found = stored(ctx)
    expected = {
        "events": [["2026-03-14", "ANF", "PK-KP", "KP-KBR", "Torkham"]],
        "items": [["HASHISH", "12", "KG"], ["HEROIN", "1.5", "KG"]],
    }
    ok = found == expected
    result = {
        "keys": clerk.keys,
        "target": TARGET_KEYS,
        "sequence": clerk.sequence,
        "stored_as_typed": ok,
        "stored": found,
    }
    if not args.json:
        print("sequence:", " ".join(clerk.sequence))
        print(f"keys beyond typed text: {clerk.keys} (target at most {TARGET_KEYS})")
        print("stored as typed:", "yes" if ok else f"no: {found}")
    print(json.dumps(result))
    window.close()
    ctx.engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
