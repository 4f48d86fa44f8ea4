"""The training sessions page: the model, filters and search, figures and totals, the
Totals panel, delete and undo, the deleted view, the keyboard and remembered columns.

The session form is replaced by a stand-in with the same contract, so these tests
follow the list whatever the form does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, Signal
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QLineEdit, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    TrainingDraft,
)
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.trainings import training_page
from inl_desktop.gui.trainings.training_page import TrainingPage
from inl_desktop.gui.trainings.training_table import UUID_ROLE, TrainingTableModel
from inl_desktop.services.context import AppContext
from inl_desktop.services.demo import generate_demo
from inl_desktop.services.persons import save_person
from inl_desktop.services.trainings import load_training, save_training
from inl_desktop.store.training_list import COLUMN_KEYS, PAGE_SIZE


class StandInForm(QWidget):
    """The session form's contract, recording what the page asked of it."""

    record_saved = Signal(str)
    closed = Signal()

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.shown: str | None = None
        self.unsaved = False
        self.discard = True

    def new_record(self, keep_from: object = None) -> None:
        self.shown = "new"

    def open_record(self, uuid: str) -> None:
        load_training(self._ctx, uuid)  # RecordNotFound, as the real form raises
        self.shown = uuid

    def has_unsaved_changes(self) -> bool:
        return self.unsaved

    def confirm_discard(self) -> bool:
        return not self.unsaved or self.discard

    def save(self) -> bool:
        return True

    def save_and_new(self) -> bool:
        return True


@dataclass
class Sessions:
    prosecutions: str
    bangkok: str
    gender: str


def person(ctx: AppContext, name: str, sex: str) -> str:
    return save_person(ctx, PersonDraft(full_name=name, sex=sex, status="final")).uuid


def session(ctx: AppContext, title: str, start: date, **values: Any) -> str:
    draft = TrainingDraft(
        title=title,
        start_date=start,
        end_date=start,
        training_status="completed",
        attendance_mode="roster",
        status="final",
    )
    for name, value in values.items():
        setattr(draft, name, value)
    return save_training(ctx, draft).uuid


@pytest.fixture
def sessions(ctx: AppContext) -> Sessions:
    """Three sessions; their figures are worked out beside each."""
    ayesha = person(ctx, "Ayesha Khan", "F")
    imran = person(ctx, "Imran Shah", "M")
    kamran = person(ctx, "Kamran Ali", "M")
    return Sessions(
        # Enrolled 3, completed 2 (Ayesha, Imran), women 1; Kamran did not show.
        prosecutions=session(
            ctx,
            "Effective prosecutions",
            date(2020, 3, 2),
            topic="EFFECTIVE_PROSECUTIONS",
            venue_type="IN_COUNTRY",
            provider="INL Pakistan",
            location="Islamabad",
            enrollments=[
                EnrollmentDraft(person_uuid=ayesha, audience="PROSECUTOR", completion="completed"),
                EnrollmentDraft(person_uuid=imran, audience="INVESTIGATOR", completion="completed"),
                EnrollmentDraft(person_uuid=kamran, audience="PROSECUTOR", completion="no_show"),
            ],
        ),
        # Enrolled 1, completed 1: Imran's second training.
        bangkok=session(
            ctx,
            "Investigation skills",
            date(2020, 11, 10),
            topic="INVESTIGATION_SKILLS",
            venue_type="THIRD_COUNTRY",
            provider="ILEA Bangkok",
            location="Bangkok",
            enrollments=[
                EnrollmentDraft(person_uuid=imran, audience="INVESTIGATOR", completion="completed")
            ],
        ),
        # Counts: enrolled 42, completed 39, women 11.
        gender=session(
            ctx,
            "Gender-responsive policing",
            date(2019, 5, 20),
            topic="GENDER_WOMEN_POLICE",
            venue_type="IN_COUNTRY",
            provider="UNODC",
            attendance_mode="counts",
            counts=[
                AttendanceCountDraft(audience="POLICE_OFFICER", sex="F", enrolled=12, completed=11),
                AttendanceCountDraft(audience="POLICE_OFFICER", sex="M", enrolled=30, completed=28),
            ],
        ),
    )


@pytest.fixture
def page(
    qtbot: QtBot,
    app: QApplication,
    ctx: AppContext,
    sessions: Sessions,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[TrainingPage]:
    """The page, shown, on the three sessions."""
    monkeypatch.setattr(training_page, "TrainingForm", StandInForm)
    shown = TrainingPage(ctx)
    qtbot.addWidget(shown)
    shown.resize(1200, 720)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.wait_for_totals()


def shown_uuids(page: TrainingPage) -> list[str]:
    model = page.model
    return [model.data(model.index(row, 0), UUID_ROLE) for row in range(model.rowCount())]


def cell(page: TrainingPage, row: int, key: str) -> str:
    return page.model.data(page.model.index(row, COLUMN_KEYS.index(key)))


def footer(qtbot: QtBot, page: TrainingPage) -> str:
    page.wait_for_totals()
    qtbot.waitUntil(lambda: page.totals_label.text() != "Counting…")
    return page.totals_label.text()


def test_the_model_passes_qts_model_checks(
    qtmodeltester: ModelTester, ctx: AppContext, sessions: Sessions
) -> None:
    model = TrainingTableModel(ctx)
    model.reload()
    qtmodeltester.check(model)
    model.sort(COLUMN_KEYS.index("title"), Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)


def test_the_model_fetches_more_rows_as_the_view_needs_them(ctx: AppContext) -> None:
    generate_demo(ctx, seizure_items=0, trainings=PAGE_SIZE + 10)
    model = TrainingTableModel(ctx)
    model.reload()
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE + 10
    assert not model.canFetchMore()


def test_the_list_shows_labels_and_each_sessions_figures(
    qtbot: QtBot, page: TrainingPage, sessions: Sessions
) -> None:
    # Newest first.
    assert shown_uuids(page) == [sessions.bangkok, sessions.prosecutions, sessions.gender]
    assert cell(page, 0, "topic") == "Investigation skills"
    assert cell(page, 0, "venue_type") == "Third country"
    assert cell(page, 0, "training_status") == "Completed"
    assert [
        (
            cell(page, row, "enrolled"),
            cell(page, row, "completed"),
            cell(page, row, "completed_women"),
        )
        for row in range(3)
    ] == [("1", "1", "0"), ("3", "2", "1"), ("42", "39", "11")]
    assert footer(qtbot, page) == ("3 sessions · 46 enrolled · 42 completed · 12 completed women")


def test_participants_whose_sex_is_not_recorded_are_said_apart_never_as_men(
    qtbot: QtBot, ctx: AppContext, sessions: Sessions, page: TrainingPage
) -> None:
    zarak = person(ctx, "Zarak Khan", "U")
    session(
        ctx,
        "Narcotics investigation",
        date(2021, 1, 5),
        topic="INVESTIGATION_SKILLS",
        venue_type="IN_COUNTRY",
        attendance_mode="counts",
        counts=[
            AttendanceCountDraft(audience="POLICE_OFFICER", sex="U", enrolled=200, completed=193)
        ],
    )
    session(
        ctx,
        "Case management",
        date(2021, 2, 1),
        topic="INVESTIGATION_SKILLS",
        venue_type="IN_COUNTRY",
        enrollments=[
            EnrollmentDraft(person_uuid=zarak, audience="PROSECUTOR", completion="completed")
        ],
    )
    page.model.reload()

    assert [cell(page, row, "completed_women") for row in range(3)] == [
        "0 (+1 sex not recorded)",
        "0 (+193 sex not recorded)",
        "0",
    ]
    assert footer(qtbot, page) == (
        "5 sessions · 247 enrolled · 236 completed · 12 completed women"
        " · 194 completed, sex not recorded"
    )
    qtbot.mouseClick(page.totals_button, Qt.MouseButton.LeftButton)
    view = page.totals_view
    page.wait_for_totals()
    qtbot.waitUntil(lambda: view.summary_label.text() != "Counting…")
    columns = view.table.columnCount()
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(columns)]
    assert headers[:4] == [
        "Unique persons\nwomen",
        "Unique persons\nmen",
        "Unique persons\nsex not recorded",
        "Unique persons\ntotal",
    ]
    table = {
        view.table.verticalHeaderItem(r).text(): [
            view.table.item(r, c).text() for c in range(columns)
        ]
        for r in range(view.table.rowCount())
    }
    # Women: Ayesha + 11 counted; men: Imran (twice) + 28 counted; not recorded: Zarak + 193.
    assert table["All audiences"] == ["12", "29", "194", "235", "12", "30", "194", "236"]
    assert table["Police officer"] == ["11", "28", "193", "232", "11", "28", "193", "232"]
    assert "Sex is not recorded for 194 unique persons" in view.note_label.text()
    assert "232 completions (11 women, 28 men, 193 sex not recorded)" in view.note_label.text()


def test_typing_a_search_narrows_the_list_and_the_footer(
    qtbot: QtBot, page: TrainingPage, sessions: Sessions
) -> None:
    qtbot.keyClicks(page.filter_bar.search_edit, "bangkok")
    assert shown_uuids(page) == [sessions.bangkok]
    assert footer(qtbot, page) == "1 session · 1 enrolled · 1 completed · 0 completed women"


def test_a_period_typed_as_a_fiscal_year_selects_sessions_starting_in_it(
    page: TrainingPage, sessions: Sessions
) -> None:
    period = page.filter_bar.period_combo
    period.setEditText("FY2020")
    period.lineEdit().editingFinished.emit()
    assert shown_uuids(page) == [sessions.prosecutions]
    period.setEditText("2020-11")
    period.lineEdit().editingFinished.emit()
    assert shown_uuids(page) == [sessions.bangkok]
    period.setEditText("2019-01-01..2020-06-30")
    period.lineEdit().editingFinished.emit()
    assert shown_uuids(page) == [sessions.prosecutions, sessions.gender]


def test_an_unreadable_period_is_marked_and_explained(
    page: TrainingPage, sessions: Sessions
) -> None:
    period = page.filter_bar.period_combo
    period.setEditText("next year")
    period.lineEdit().editingFinished.emit()
    assert "not understood" in period.toolTip()
    assert len(shown_uuids(page)) == 3  # all dates, not nothing


@pytest.mark.parametrize(
    ("combo", "choice", "expected"),
    [
        ("topic_combo", "INVESTIGATION_SKILLS", ["bangkok"]),
        ("venue_combo", "IN_COUNTRY", ["prosecutions", "gender"]),
        ("provider_combo", "UNODC", ["gender"]),
        ("audience_combo", "POLICE_OFFICER", ["gender"]),
        ("audience_combo", "INVESTIGATOR", ["bangkok", "prosecutions"]),
    ],
)
def test_each_list_filter_selects_its_sessions(
    page: TrainingPage, sessions: Sessions, combo: str, choice: str, expected: list[str]
) -> None:
    getattr(page.filter_bar, combo).set_code(choice)
    assert shown_uuids(page) == [getattr(sessions, name) for name in expected]


def test_the_session_status_filter_selects_planned_sessions(
    ctx: AppContext, page: TrainingPage, sessions: Sessions
) -> None:
    planned = session(
        ctx,
        "Corrections management",
        date(2026, 9, 1),
        topic="CORRECTIONS_MANAGEMENT",
        venue_type="UNITED_STATES",
        training_status="planned",
    )
    combo = page.filter_bar.training_status_combo
    combo.setCurrentIndex(combo.findData("planned"))
    assert shown_uuids(page) == [planned]


def test_an_audience_filter_counts_that_audience_only(
    qtbot: QtBot, page: TrainingPage, sessions: Sessions
) -> None:
    page.filter_bar.audience_combo.set_code("PROSECUTOR")
    assert shown_uuids(page) == [sessions.prosecutions]
    # Ayesha completed, Kamran did not show.
    assert (cell(page, 0, "enrolled"), cell(page, 0, "completed")) == ("2", "1")
    assert footer(qtbot, page) == (
        "1 session · 2 enrolled · 1 completed · 1 completed women (participants: Prosecutor only)"
    )
    page.totals_button.setChecked(True)
    view = page.totals_view
    page.wait_for_totals()
    qtbot.waitUntil(lambda: view.summary_label.text() != "Counting…")
    assert view.summary_label.text() == (
        "1 session · 1 unique person · 1 person-training (completed)"
        " · participants: Prosecutor only"
    )
    assert [view.table.verticalHeaderItem(row).text() for row in range(2)] == [
        "Total",
        "Prosecutor",
    ]


def test_the_totals_panel_shows_unique_persons_and_person_trainings(
    qtbot: QtBot, page: TrainingPage, sessions: Sessions
) -> None:
    qtbot.mouseClick(page.totals_button, Qt.MouseButton.LeftButton)
    view = page.totals_view
    assert view.isVisible()
    page.wait_for_totals()
    qtbot.waitUntil(lambda: view.summary_label.text() != "Counting…")

    # Women: Ayesha + 11 counted. Men: Imran (twice) + 28 counted.
    assert view.summary_label.text() == (
        "3 sessions · 41 unique persons · 42 person-trainings (completed)"
    )

    def row(label: str) -> list[str]:
        for number in range(view.table.rowCount()):
            if view.table.verticalHeaderItem(number).text() == label:
                return [view.table.item(number, c).text() for c in range(6)]
        raise AssertionError(f"no row {label}")

    assert row("All audiences") == ["12", "29", "41", "12", "30", "42"]
    assert row("Investigator") == ["0", "1", "1", "0", "2", "2"]
    assert row("Prosecutor") == ["1", "0", "1", "1", "0", "1"]
    assert row("Police officer") == ["11", "28", "39", "11", "28", "39"]
    assert "39 completions (11 women, 28 men)" in view.note_label.text()

    # It follows the filter.
    qtbot.keyClicks(page.filter_bar.search_edit, "bangkok")
    page.wait_for_totals()
    qtbot.waitUntil(lambda: view.summary_label.text().startswith("1 session"))
    assert row("All audiences") == ["0", "1", "1", "0", "1", "1"]
    assert "rosters of named participants" in view.note_label.text()


def test_the_totals_table_copies_as_tab_separated_text(
    qtbot: QtBot, page: TrainingPage, sessions: Sessions
) -> None:
    page.totals_button.setChecked(True)
    page.wait_for_totals()
    qtbot.waitUntil(lambda: page.totals_view.table.rowCount() > 0)
    qtbot.mouseClick(page.totals_view.copy_button, Qt.MouseButton.LeftButton)
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:2] == ["Audience category", "Unique persons women"]
    assert lines[1].split("\t") == ["All audiences", "12", "29", "41", "12", "30", "42"]


def test_delete_removes_the_session_and_offers_its_description_for_undo(
    qtbot: QtBot, page: TrainingPage, ctx: AppContext, sessions: Sessions
) -> None:
    page.table.setFocus()
    page.table.selectRow(0)
    with qtbot.waitSignal(page.training_deleted) as deleted:
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)

    assert deleted.args == [sessions.bangkok, "“Investigation skills” of 2020-11-10"]
    assert shown_uuids(page) == [sessions.prosecutions, sessions.gender]
    with ctx.engine.connect() as connection:
        gone = connection.exec_driver_sql(
            "SELECT deleted_at IS NOT NULL FROM training_sessions WHERE uuid = ?",
            (sessions.bangkok,),
        ).scalar()
    assert gone == 1
    assert footer(qtbot, page).startswith("2 sessions · 45 enrolled")

    page.restore(sessions.bangkok)  # what the main window's Undo calls
    assert shown_uuids(page)[0] == sessions.bangkok


def test_the_deleted_view_lists_deleted_sessions_and_restores_them(
    qtbot: QtBot, page: TrainingPage, sessions: Sessions
) -> None:
    page.table.selectRow(shown_uuids(page).index(sessions.gender))
    page.delete_selected()
    page.filter_bar.deleted_check.setChecked(True)
    assert shown_uuids(page) == [sessions.gender]
    assert page.restore_button.isVisible()
    assert footer(qtbot, page).startswith("Deleted: 1 session · 42 enrolled")
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # nothing to delete in this view
    assert shown_uuids(page) == [sessions.gender]
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert shown_uuids(page) == []
    page.filter_bar.deleted_check.setChecked(False)
    assert sessions.gender in shown_uuids(page)


def test_enter_and_double_click_open_the_selected_session(
    qtbot: QtBot, page: TrainingPage, sessions: Sessions
) -> None:
    page.table.setFocus()
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.form
    assert page.form.shown == sessions.prosecutions

    page.form.closed.emit()
    assert page.stack.currentWidget() is page.list_panel
    index = page.model.index(2, COLUMN_KEYS.index("title"))
    where = page.table.visualRect(index).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert page.form.shown == sessions.gender


def test_ctrl_n_starts_a_new_session_and_a_save_refreshes_the_list(
    qtbot: QtBot, page: TrainingPage, ctx: AppContext, sessions: Sessions
) -> None:
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.stack.currentWidget() is page.form
    assert page.form.shown == "new"

    uuid = session(
        ctx,
        "Maritime security",
        date(2021, 2, 1),
        topic="MARITIME_SECURITY",
        venue_type="IN_COUNTRY",
        provider="Maritime Security Agency",
    )
    with qtbot.waitSignal(page.records_changed):
        page.form.record_saved.emit(uuid)
    page.form.closed.emit()

    assert shown_uuids(page)[0] == uuid
    assert page.filter_bar.provider_combo.findData("Maritime Security Agency") >= 0


def test_opening_another_session_asks_about_unsaved_changes(
    page: TrainingPage, sessions: Sessions
) -> None:
    page.open_training(sessions.gender)
    page.form.unsaved, page.form.discard = True, False  # the user answers Cancel
    page.open_training(sessions.bangkok)
    assert page.form.shown == sessions.gender
    page.form.discard = True
    page.open_training(sessions.bangkok)
    assert page.form.shown == sessions.bangkok


def test_a_session_that_is_gone_is_reported_not_opened(page: TrainingPage) -> None:
    page.open_training("00000000-0000-0000-0000-000000000000")
    assert page.stack.currentWidget() is page.list_panel
    assert "No training session" in page.totals_label.text()


def test_the_counted_columns_do_not_sort(
    qtbot: QtBot, page: TrainingPage, sessions: Sessions
) -> None:
    header = page.table.horizontalHeader()
    before = shown_uuids(page)
    enrolled = COLUMN_KEYS.index("enrolled")
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(enrolled) + 5, 5),
    )
    assert shown_uuids(page) == before
    assert header.sortIndicatorSection() == COLUMN_KEYS.index("start_date")

    header.setSortIndicator(COLUMN_KEYS.index("title"), Qt.SortOrder.AscendingOrder)
    assert [cell(page, row, "title") for row in range(3)] == [
        "Effective prosecutions",
        "Gender-responsive policing",
        "Investigation skills",
    ]


def test_hidden_columns_and_the_totals_panel_are_remembered(
    qtbot: QtBot, app: QApplication, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(training_page, "TrainingForm", StandInForm)
    first = TrainingPage(ctx)
    qtbot.addWidget(first)
    location = COLUMN_KEYS.index("location")
    first.columns_button.menu().actions()[location].setChecked(False)
    first.totals_button.setChecked(True)
    first.save_layout()
    first.wait_for_totals()
    QSettings().sync()

    second = TrainingPage(ctx)
    qtbot.addWidget(second)
    assert second.table.isColumnHidden(location)
    assert not second.columns_button.menu().actions()[location].isChecked()
    assert second.totals_button.isChecked()
    second.wait_for_totals()


def test_every_filter_has_a_label_with_a_mnemonic_and_its_accessible_name(
    page: TrainingPage,
) -> None:
    bar = page.filter_bar
    inputs = bar.findChildren(QLineEdit) + bar.findChildren(QComboBox)
    inputs = [w for w in inputs if not isinstance(w.parent(), QComboBox)]  # combo editors
    labels = {label.buddy(): label.text() for label in bar.findChildren(QLabel)}
    assert len(inputs) == 7
    for widget in inputs:
        text = labels[widget]
        assert "&" in text, text
        assert widget.accessibleName() == text.replace("&", "").rstrip(":")
    check = bar.findChild(QCheckBox)
    assert check.accessibleName() == check.text().replace("&", "")


def test_enter_opens_the_session_in_the_real_form_and_closing_returns_to_the_list(
    qtbot: QtBot, app: QApplication, ctx: AppContext, sessions: Sessions
) -> None:
    shown = TrainingPage(ctx)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    shown.table.setFocus()
    shown.table.selectRow(0)
    qtbot.keyClick(shown.table, Qt.Key.Key_Return)

    assert shown.stack.currentWidget() is shown.form
    assert shown.form.inputs["title"].text() == "Investigation skills"
    shown.form.closed.emit()
    assert shown.stack.currentWidget() is shown.list_panel
    shown.wait_for_totals()
