"""The list areas by keyboard alone: switching areas and Ctrl+N, typing a period, Delete
and Ctrl+Z, and the mnemonic letters of everything shown at once.

Keys go where a user's keys go: into the open popup, else to the widget with the focus.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import PersonDraft, SeizureDraft, SeizureItemDraft, TrainingDraft
from inl_desktop.gui.common.reference_page import ReferenceListsPage
from inl_desktop.gui.main_window import REFERENCE_AREA, MainWindow
from inl_desktop.gui.seizures.seizure_table import UUID_ROLE
from inl_desktop.services.context import AppContext
from inl_desktop.services.demo import generate_demo
from inl_desktop.services.persons import save_person
from inl_desktop.services.seizures import save_seizure
from inl_desktop.services.trainings import save_training

# The offscreen platform cannot resize, raise or grab for the windows and popups it
# shows, and says so; it is noise, not a fault of the app.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise",
    "This plugin does not support grabbing",
    extend=True,
)

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
AREAS = 10  # navigation rows: overview to backups
MNEMONIC = re.compile(r"&(.)")


@dataclass
class Records:
    """What the lists hold; dates chosen around 2019 and FY2020's first quarter."""

    march_2019: str  # 2019-03-04, ANF: heroin 5 kg and hashish 7 kg
    november_2019: str  # 2019-11-20 (FY2020Q1), FC Balochistan: opium 15 kg
    may_2020: str  # 2020-05-01, ANF: heroin 2.5 kg
    course_2019: str  # starts 2019-02-11
    course_fy2020q1: str  # starts 2019-12-02
    course_2020: str  # starts 2020-06-01
    person: str


def seizure(ctx: AppContext, day: date, agency: str, *items: tuple[str, str]) -> str:
    draft = SeizureDraft(
        event_date=day,
        agency=agency,
        province="PK-PB",
        status="final",
        items=[SeizureItemDraft(drug, Decimal(kg), "KG") for drug, kg in items],
    )
    return save_seizure(ctx, draft).uuid


def course(ctx: AppContext, title: str, start: date) -> str:
    draft = TrainingDraft(
        title=title,
        topic="EFFECTIVE_PROSECUTIONS",
        venue_type="IN_COUNTRY",
        start_date=start,
        end_date=start,
        training_status="completed",
        attendance_mode="roster",
        status="final",
    )
    return save_training(ctx, draft).uuid


@pytest.fixture
def records(ctx: AppContext) -> Records:
    return Records(
        march_2019=seizure(ctx, date(2019, 3, 4), "ANF", ("HEROIN", "5"), ("HASHISH", "7")),
        november_2019=seizure(ctx, date(2019, 11, 20), "FC_BA", ("OPIUM", "15")),
        may_2020=seizure(ctx, date(2020, 5, 1), "ANF", ("HEROIN", "2.5")),
        course_2019=course(ctx, "Evidence handling", date(2019, 2, 11)),
        course_fy2020q1=course(ctx, "Case management", date(2019, 12, 2)),
        course_2020=course(ctx, "Courtroom practice", date(2020, 6, 1)),
        person=save_person(ctx, PersonDraft(full_name="Ayesha Khan", sex="F")).uuid,
    )


def shown_window(qtbot: QtBot, ctx: AppContext, db_path: Path) -> MainWindow:
    """A main window, shown and active (window shortcuts answer only then)."""
    window = MainWindow(ctx, db_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def settle(window: MainWindow) -> None:
    """Let the background counts of the areas built so far finish before the window goes."""
    window.wait_for_work()


@pytest.fixture
def window(
    qtbot: QtBot, app: QApplication, ctx: AppContext, db_path: Path, records: Records
) -> Iterator[MainWindow]:
    """The main window on the records above."""
    shown = shown_window(qtbot, ctx, db_path)
    yield shown
    settle(shown)


@pytest.fixture
def demo_window(
    qtbot: QtBot, app: QApplication, ctx: AppContext, db_path: Path
) -> Iterator[MainWindow]:
    """The main window on a small demonstration database."""
    generate_demo(ctx, seizure_items=60, trainings=3)
    shown = shown_window(qtbot, ctx, db_path)
    yield shown
    settle(shown)


def keyboard() -> QWidget:
    """Where the user's keys go: into the open popup, else to the widget with the focus."""
    popup, focus = QApplication.activePopupWidget(), QApplication.focusWidget()
    target = popup if popup is not None and not popup.isAncestorOf(focus) else focus
    assert target is not None, "nothing has the keyboard focus"
    return target


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    qtbot.keyClick(keyboard(), key, modifier or Qt.KeyboardModifier.NoModifier)


def type_text(qtbot: QtBot, text: str) -> None:
    for character in text:
        qtbot.keyClicks(keyboard(), character)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def event_uuids(window: MainWindow, area: str) -> set[str]:
    """The seizures or sessions the list of ``area`` shows."""
    model = getattr(window, area).model
    return {model.data(model.index(row, 0), UUID_ROLE) for row in range(model.rowCount())}


def is_deleted(ctx: AppContext, table: str, uuid: str) -> bool:
    with ctx.engine.connect() as connection:
        return bool(
            connection.exec_driver_sql(
                f"SELECT deleted_at IS NOT NULL FROM {table} WHERE uuid = ?", (uuid,)
            ).scalar()
        )


# Ctrl+N right after switching areas ------------------------------------------------


def test_ctrl_n_starts_a_seizure_right_after_ctrl_2(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, Qt.Key.Key_3, CTRL)  # from another area, as a user arrives
    press(qtbot, Qt.Key.Key_2, CTRL)
    assert window.seizures.table.hasFocus()

    press(qtbot, Qt.Key.Key_N, CTRL)

    page = window.seizures
    assert page.stack.currentWidget() is page.form
    assert page.form.isAncestorOf(focused())  # ready to type the first field
    press(qtbot, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list_panel


def test_ctrl_n_starts_a_session_right_after_ctrl_3(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, Qt.Key.Key_3, CTRL)
    assert window.trainings.table.hasFocus()

    press(qtbot, Qt.Key.Key_N, CTRL)

    page = window.trainings
    assert page.stack.currentWidget() is page.form
    assert page.form.isAncestorOf(focused())
    press(qtbot, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list_panel


def test_ctrl_n_adds_a_person_right_after_ctrl_4(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, Qt.Key.Key_4, CTRL)
    assert window.people.table.hasFocus()

    press(qtbot, Qt.Key.Key_N, CTRL)

    dialog = window.people.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.inputs["full_name"].hasFocus()
    assert dialog.inputs["full_name"].text() == ""
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_coming_back_to_an_area_with_its_form_open_returns_to_the_form(
    qtbot: QtBot, window: MainWindow
) -> None:
    press(qtbot, Qt.Key.Key_2, CTRL)
    press(qtbot, Qt.Key.Key_N, CTRL)
    field = focused()
    assert window.seizures.form.isAncestorOf(field)

    press(qtbot, Qt.Key.Key_3, CTRL)
    assert window.trainings.table.hasFocus()
    press(qtbot, Qt.Key.Key_2, CTRL)

    assert focused() is field
    press(qtbot, Qt.Key.Key_Escape)
    assert window.seizures.table.hasFocus()


# Typing a period --------------------------------------------------------------------


def type_period(qtbot: QtBot, text: str, then: Qt.Key) -> None:
    """Alt+P to the period box, type over what it shows, finish with ``then``."""
    press(qtbot, Qt.Key.Key_P, ALT)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, text)
    press(qtbot, then)


@pytest.mark.parametrize(("area", "key"), [("seizures", Qt.Key.Key_2), ("trainings", Qt.Key.Key_3)])
def test_a_year_typed_and_entered_filters_the_list(
    qtbot: QtBot, window: MainWindow, records: Records, area: str, key: Qt.Key
) -> None:
    press(qtbot, key, CTRL)
    combo = getattr(window, area).filter_bar.period_combo
    presets = combo.count()

    type_period(qtbot, "2019", Qt.Key.Key_Return)

    expected = {
        "seizures": {records.march_2019, records.november_2019},
        "trainings": {records.course_2019, records.course_fy2020q1},
    }[area]
    assert event_uuids(window, area) == expected
    assert combo.count() == presets  # nothing added to the choices
    # Enter again, then Tab away: still 2019.
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Tab)
    assert not combo.isAncestorOf(focused()) and focused() is not combo
    assert event_uuids(window, area) == expected


@pytest.mark.parametrize(("area", "key"), [("seizures", Qt.Key.Key_2), ("trainings", Qt.Key.Key_3)])
def test_a_fiscal_quarter_typed_then_tab_filters_the_list(
    qtbot: QtBot, window: MainWindow, records: Records, area: str, key: Qt.Key
) -> None:
    press(qtbot, key, CTRL)

    type_period(qtbot, "FY2020Q1", Qt.Key.Key_Tab)

    expected = {"seizures": {records.november_2019}, "trainings": {records.course_fy2020q1}}
    assert event_uuids(window, area) == expected[area]


@pytest.mark.parametrize(("area", "key"), [("seizures", Qt.Key.Key_2), ("trainings", Qt.Key.Key_3)])
def test_an_unreadable_period_is_named_and_does_not_mean_all_dates(
    qtbot: QtBot, window: MainWindow, records: Records, area: str, key: Qt.Key
) -> None:
    press(qtbot, key, CTRL)
    bar = getattr(window, area).filter_bar
    type_period(qtbot, "2019", Qt.Key.Key_Return)
    before = event_uuids(window, area)

    type_period(qtbot, "last summer", Qt.Key.Key_Return)

    problem = bar.period_combo.problem_label
    assert problem.isVisible()
    assert problem.text().startswith("Period 'last summer' is not understood")
    assert problem.text().endswith("Still showing 2019.")
    assert event_uuids(window, area) == before  # 2019 still, not every date

    type_period(qtbot, "FY2020Q1", Qt.Key.Key_Return)
    assert not problem.isVisible()


def test_choosing_all_dates_after_a_typed_period_shows_every_date(
    qtbot: QtBot, window: MainWindow, records: Records
) -> None:
    press(qtbot, Qt.Key.Key_2, CTRL)
    type_period(qtbot, "2019", Qt.Key.Key_Return)

    press(qtbot, Qt.Key.Key_Down, ALT)  # the choices open
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Return)

    assert window.seizures.filter_bar.period_combo.currentText() == "All dates"
    assert event_uuids(window, "seizures") == {
        records.march_2019,
        records.november_2019,
        records.may_2020,
    }


def test_a_year_typed_and_entered_is_the_period_exported(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    out = tmp_path / "isb-2019.xlsx"
    press(qtbot, Qt.Key.Key_5, CTRL)
    type_period(qtbot, "2019", Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_S, ALT)  # Save to
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, str(out))

    with qtbot.waitSignal(window.export.task.succeeded, timeout=30_000):
        press(qtbot, Qt.Key.Key_X, ALT)

    assert out.exists()
    assert window.export.history.item(0, 2).text() == "2019"


# Delete, then Ctrl+Z ---------------------------------------------------------------


def test_delete_names_the_whole_seizure_and_ctrl_z_undoes_it(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, records: Records
) -> None:
    press(qtbot, Qt.Key.Key_2, CTRL)
    press(qtbot, Qt.Key.Key_End, CTRL)  # the oldest row: one of March's two items

    press(qtbot, Qt.Key.Key_Delete)

    assert QApplication.activeModalWidget() is None  # nothing asked
    assert is_deleted(ctx, "seizure_events", records.march_2019)
    assert records.march_2019 not in event_uuids(window, "seizures")
    assert window.statusBar().currentMessage() == (
        "Deleted seizure of 2019-03-04 by Anti-Narcotics Force: "
        "Heroin 5 Kilogram, Hashish (cannabis resin, charas) 7 Kilogram"
    )
    assert window.undo_button.isVisible()

    press(qtbot, Qt.Key.Key_Z, CTRL)

    assert not is_deleted(ctx, "seizure_events", records.march_2019)
    assert records.march_2019 in event_uuids(window, "seizures")
    assert not window.undo_button.isVisible()
    assert window.statusBar().currentMessage() == "Restored."


def test_delete_then_ctrl_z_brings_a_session_back(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, records: Records
) -> None:
    press(qtbot, Qt.Key.Key_3, CTRL)
    press(qtbot, Qt.Key.Key_Home, CTRL)  # newest first: Courtroom practice
    press(qtbot, Qt.Key.Key_Delete)
    assert is_deleted(ctx, "training_sessions", records.course_2020)
    assert "Courtroom practice" in window.statusBar().currentMessage()

    press(qtbot, Qt.Key.Key_Z, CTRL)

    assert not is_deleted(ctx, "training_sessions", records.course_2020)
    assert records.course_2020 in event_uuids(window, "trainings")


def test_delete_then_ctrl_z_brings_a_person_back(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, records: Records
) -> None:
    press(qtbot, Qt.Key.Key_4, CTRL)
    press(qtbot, Qt.Key.Key_Home, CTRL)
    press(qtbot, Qt.Key.Key_Delete)
    assert is_deleted(ctx, "persons", records.person)
    assert window.statusBar().currentMessage() == "Deleted Ayesha Khan from the directory"

    press(qtbot, Qt.Key.Key_Z, CTRL)

    assert not is_deleted(ctx, "persons", records.person)
    assert window.people.model.name_at(0) == "Ayesha Khan"


def test_ctrl_z_in_the_search_box_undoes_typing_not_the_delete(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, records: Records
) -> None:
    press(qtbot, Qt.Key.Key_2, CTRL)
    press(qtbot, Qt.Key.Key_Home, CTRL)
    press(qtbot, Qt.Key.Key_Delete)
    press(qtbot, Qt.Key.Key_S, ALT)
    type_text(qtbot, "tork")

    press(qtbot, Qt.Key.Key_Z, CTRL)

    assert window.seizures.filter_bar.search_edit.text() == ""
    assert is_deleted(ctx, "seizure_events", records.may_2020)
    assert window.undo_button.isVisible()


# Mnemonics -------------------------------------------------------------------------


def mnemonic(text: str) -> str | None:
    """The letter ``&x`` underlines in ``text`` ("&&" is a literal ampersand)."""
    found = MNEMONIC.findall(text.replace("&&", ""))
    return found[0].casefold() if found else None


def shown_mnemonics(window: MainWindow) -> list[tuple[str, str]]:
    """(letter, text) of every mnemonic the user can press in the window right now."""
    texts = [action.text() for action in window.menuBar().actions() if action.isVisible()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if labelled or isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts.extend(
                widget.tabText(tab) for tab in range(widget.count()) if widget.isTabVisible(tab)
            )
    return [(letter, text) for text in texts if (letter := mnemonic(text)) is not None]


def clashes(window: MainWindow) -> dict[str, list[str]]:
    """The letters more than one shown widget claims, with those widgets' texts."""
    found = shown_mnemonics(window)
    twice = [letter for letter, count in Counter(x for x, _ in found).items() if count > 1]
    return {letter: [text for x, text in found if x == letter] for letter in sorted(twice)}


def test_no_mnemonic_clashes_on_any_list_page(qtbot: QtBot, demo_window: MainWindow) -> None:
    window = demo_window
    found: dict[str, dict[str, list[str]]] = {}

    def check(where: str) -> None:
        if problems := clashes(window):
            found[where] = problems

    for row in range(AREAS):
        window.show_area(row)
        area = window.navigation.item(row).text()
        assert window.pages.currentWidget().isVisible(), area
        if row == REFERENCE_AREA:  # built on first show, not a placeholder
            assert isinstance(window.pages.currentWidget(), ReferenceListsPage)
        check(area)
    # What the list areas show only on request: the deleted view's Restore, the totals.
    # (A mnemonic clicks its button as an animated click, which ends a moment later.)
    for key, page in ((Qt.Key.Key_2, window.seizures), (Qt.Key.Key_3, window.trainings)):
        press(qtbot, key, CTRL)
        press(qtbot, Qt.Key.Key_E, ALT)  # Show deleted
        qtbot.waitUntil(page.restore_button.isVisible)
        check(f"{window.navigation.currentItem().text()}, deleted view")
        press(qtbot, Qt.Key.Key_E, ALT)
        qtbot.waitUntil(lambda page=page: not page.restore_button.isVisible())
    press(qtbot, Qt.Key.Key_4, CTRL)
    press(qtbot, Qt.Key.Key_E, ALT)
    qtbot.waitUntil(window.people.restore_button.isVisible)
    check("People, deleted view")
    press(qtbot, Qt.Key.Key_3, CTRL)
    press(qtbot, Qt.Key.Key_T, ALT)  # Totals by sex and audience
    qtbot.waitUntil(window.trainings.totals_view.isVisible)
    check("Trainings, totals panel")

    assert found == {}, "\n".join(f"{area}: {letters}" for area, letters in found.items())


def test_the_undo_button_takes_no_letter(
    qtbot: QtBot, window: MainWindow, records: Records
) -> None:
    press(qtbot, Qt.Key.Key_2, CTRL)
    press(qtbot, Qt.Key.Key_Home, CTRL)
    press(qtbot, Qt.Key.Key_Delete)

    assert window.undo_button.isVisible()
    assert window.undo_button.text() == "Undo (Ctrl+Z)"
    assert window.undo_button.accessibleName() == "Undo"
    assert clashes(window) == {}
