"""Seizure list and form at a million items, driven through the real widgets offscreen.

    python bench/seizures.py [--items 1000000] [--db PATH] [--runs 7]

Builds the database with `inl-desktop demo` (or reuses --db / bench/data/), then
times, as medians over --runs: the first page of the list, sorts on date and on
quantity, a search keystroke for a rare and for a common word, a filter change, and
saving one new record through the form; each includes the repaint of the table. Also
the process's peak RSS and the ratio of the app's start-up (process start to the first
painted list) over a bare PySide6 QMainWindow's (process start to its first paint),
both measured here. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RARE_WORDS = ["Kharan", "Chitral", "Hunza", "Tharparkar", "Ziarat", "Awaran", "Kohistan"]
COMMON_WORDS = ["Checkpost", "Airport", "Residence", "Warehouse", "Border area"]
AGENCIES = ["ANF", "CUSTOMS", "FC_BA", "PUNJAB_POLICE", "PCG", "SINDH_POLICE", "ASF"]

APP_STARTUP = """
import sys, time
import inl_desktop.services.context, inl_desktop.store.migrate  # as inl_desktop.cli does
from PySide6.QtCore import QEvent, QObject
from inl_desktop.gui.app import make_application
from inl_desktop.gui.main_window import MainWindow
from inl_desktop.services.context import AppContext, utc_now
from inl_desktop.store.migrate import open_database
from pathlib import Path
app = make_application()
path = Path(sys.argv[1])
window = MainWindow(AppContext(open_database(path, now=utc_now)), path)
window.show_area(1)
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            app.exit(0)
        return False
viewport = window.seizures.table.viewport()
painted = Painted()
viewport.installEventFilter(painted)
window.show()
app.exec()
window.seizures.wait_for_totals()
"""

BARE_STARTUP = """
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication([])
window = QMainWindow()
table = QTableView()
window.setCentralWidget(table)
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            app.exit(0)
        return False
painted = Painted()
table.viewport().installEventFilter(painted)
window.resize(1200, 720)
window.show()
app.exec()
"""


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def child_environment() -> dict[str, str]:
    """Offscreen, and with bytecode caching as on a user's machine."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def time_start_up(script: str, *args: str) -> float:
    """Seconds from starting a Python process to its first paint."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        check=True,
        capture_output=True,
        text=True,
        env=child_environment(),
    ).stdout
    assert "painted" in out, out
    return time.perf_counter() - started


def ensure_database(path: Path, items: int) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {path} with {items:,} items…", file=sys.stderr)
    subprocess.run(
        [
            str(BIN / "inl-desktop"),
            "demo",
            "--db",
            str(path),
            "--seizures",
            str(items),
            "--trainings",
            "100",
        ],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    db = args.db or ROOT / "bench" / "data" / f"seizures-{args.items}.sqlite"
    ensure_database(db, args.items)

    subprocess.run(  # warm the bytecode cache, as an installed app has it
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "inl_desktop")],
        check=True,
        env=child_environment(),
    )
    app_startups = [time_start_up(APP_STARTUP, str(db)) for _ in range(args.runs)]
    bare_startups = [time_start_up(BARE_STARTUP) for _ in range(args.runs)]

    from PySide6.QtCore import Qt

    from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
    from inl_desktop.gui.app import make_application
    from inl_desktop.gui.main_window import MainWindow
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.store.migrate import open_database
    from inl_desktop.store.seizure_list import COLUMN_KEYS

    app = make_application()
    ctx = AppContext(open_database(db, now=utc_now), user="bench")
    window = MainWindow(ctx, db)
    window.show_area(1)
    window.show()
    app.processEvents()
    page = window.seizures
    table = page.table
    bar = page.filter_bar

    def timed(action: Callable[[], object]) -> float:
        started = time.perf_counter()
        action()
        table.viewport().repaint()
        return time.perf_counter() - started

    first_page = [timed(page.model.reload) for _ in range(args.runs)]
    date_column = COLUMN_KEYS.index("date")
    quantity_column = COLUMN_KEYS.index("quantity")
    orders = [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder]
    sort_date = [
        timed(lambda n=n: table.sortByColumn(date_column, orders[n % 2])) for n in range(args.runs)
    ]
    sort_quantity = [
        timed(lambda n=n: table.sortByColumn(quantity_column, orders[n % 2]))
        for n in range(args.runs)
    ]
    table.sortByColumn(date_column, Qt.SortOrder.DescendingOrder)

    def keystrokes(words: list[str]) -> list[float]:
        samples = []
        for n in range(args.runs):
            word = words[n % len(words)]
            bar.search_edit.setText(word[:-1])
            samples.append(timed(lambda word=word: bar.search_edit.setText(word)))
        bar.search_edit.clear()
        return samples

    search_rare = keystrokes(RARE_WORDS)
    search_common = keystrokes(COMMON_WORDS)
    filters = [
        timed(lambda n=n: bar.agency_combo.set_code(AGENCIES[n % len(AGENCIES)]))
        for n in range(args.runs)
    ]
    bar.agency_combo.set_code(None)

    form = page.form
    saves = []
    today = ctx.today()
    for n in range(args.runs):
        page.new_seizure()
        form._populate(  # the values a clerk would have typed
            SeizureDraft(
                event_date=today - timedelta(days=n),
                agency="ANF",
                province="PK-BA",
                district="BA-QTA" if "BA-QTA" in ctx.catalog().codes["districts"] else None,
                place=f"Bench checkpost {n}",
                status="final",
                items=[SeizureItemDraft("HEROIN", Decimal("12.5") + n, "KG")],
            )
        )
        form._ask_duplicate = lambda candidates: ("keep", None)  # type: ignore[method-assign]
        started = time.perf_counter()
        assert form.save(), "the bench record was refused"
        saves.append(time.perf_counter() - started)
    page.wait_for_totals()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    figures = {
        "items": args.items,
        "db": str(db),
        "first_page_ms": median_ms(first_page),
        "sort_date_ms": median_ms(sort_date),
        "sort_quantity_ms": median_ms(sort_quantity),
        "search_rare_ms": median_ms(search_rare),
        "search_common_ms": median_ms(search_common),
        "filter_ms": median_ms(filters),
        "save_ms": median_ms(saves),
        "peak_rss_mib": round(peak_rss, 1),
        "app_startup_ms": median_ms(app_startups),
        "bare_qt_startup_ms": median_ms(bare_startups),
        "startup_ratio": round(
            statistics.median(app_startups) / statistics.median(bare_startups), 2
        ),
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
