"""The training session form: typed by keyboard, rosters picked and pasted, checked, saved.

Every test drives the real widgets (inputs found by their accessible names, grid
cells through the editors the grid opens) and then reads the database file, as a
clerk would find the session in the list.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    TrainingDraft,
)
from inl_desktop.domain.fields import TRAINING
from inl_desktop.gui.trainings.training_form import TrainingForm
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import save_person
from inl_desktop.services.trainings import load_training, save_training
from tests.gui.prompts import FormPrompts

TABLES = ("training_sessions", "enrollments", "attendance_counts", "persons", "change_log")


def focused() -> QWidget:
    """The widget with the keyboard focus."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    """Press a key where the window system would deliver it (an open completion list
    first, else the focused widget)."""
    target = QApplication.activePopupWidget() or focused()
    qtbot.keyClick(target, key, modifier or Qt.KeyboardModifier.NoModifier)


def type_then_tab(qtbot: QtBot, text: str, expect: str) -> None:
    """Type into the focused input, which must be the one named ``expect``; then Tab."""
    assert focused().accessibleName() == expect
    if text:
        qtbot.keyClicks(focused(), text)
    press(qtbot, Qt.Key.Key_Tab)


def named(form: TrainingForm, name: str) -> QWidget:
    """The one session input (outside the grids) a screen reader announces as ``name``."""
    found = [
        widget
        for widget in form.findChildren(QWidget)
        if widget.accessibleName() == name
        and not form.roster_grid.isAncestorOf(widget)
        and not form.counts_grid.isAncestorOf(widget)
        and not isinstance(widget.parent(), QComboBox)
    ]
    assert len(found) == 1, f"{len(found)} inputs named {name!r}"
    return found[0]


def fill(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Replace what ``widget`` shows by typing ``text``, then leave it with Tab."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(widget, text)
    press(qtbot, Qt.Key.Key_Tab)


def shown(form: TrainingForm, column: str) -> list[str]:
    """The roster's cells of one column as shown, top to bottom."""
    model = form.roster_grid.roster_model
    n = model.column_of(column)
    return [
        model.index(row, n).data(Qt.ItemDataRole.DisplayRole) for row in range(model.rowCount())
    ]


def rows(ctx: AppContext, sql: str, *params: object) -> list[tuple[object, ...]]:
    """All rows of a query, straight from the file."""
    with ctx.engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql, params)]


def counts(ctx: AppContext) -> dict[str, int]:
    """Rows in the training tables, the persons and the change log."""
    return {table: int(rows(ctx, f"SELECT count(*) FROM {table}")[0][0]) for table in TABLES}


def person(name: str, sex: str, agency: str, national_id: str | None, rank: str = "SI") -> str:
    """A person's fields for the directory (see ``directory``)."""
    return "\t".join((name, sex, agency, national_id or "", rank))


@pytest.fixture
def directory(ctx: AppContext) -> dict[str, str]:
    """Three persons in the directory, by first name: their UUIDs."""
    people = {
        "Ayesha": PersonDraft("Ayesha Khan", "F", "ICT_POLICE", None, "Sub-Inspector", None,
                              "61101-1234567-2"),
        "Bilal": PersonDraft("Bilal Ahmed", "M", "PROSECUTION_PB", None, "Deputy Prosecutor",
                             None, "35202-7654321-3"),
        "Imran": PersonDraft("Imran Shah", "M", "ANF", None, "Inspector", None, None),
    }  # fmt: skip
    return {first: save_person(ctx, draft).uuid for first, draft in people.items()}


def course(person_uuids: list[str], **overrides: object) -> TrainingDraft:
    """A final planned course in Lahore with the given participants (vetting pending)."""
    draft = TrainingDraft(
        title="Trial advocacy for prosecutors",
        topic="EFFECTIVE_PROSECUTIONS",
        provider="INL Pakistan",
        venue_type="IN_COUNTRY",
        location="Lahore",
        venue_country="PK",
        start_date=date(2026, 9, 7),
        end_date=date(2026, 9, 11),
        funding_program="INCLE",
        training_status="planned",
        status="final",
        enrollments=[
            EnrollmentDraft(person_uuid=uuid, audience="PROSECUTOR", vetting_status="pending")
            for uuid in person_uuids
        ],
    )
    for name, value in overrides.items():
        setattr(draft, name, value)
    return draft


class Asked(FormPrompts):
    """The form's questions, answered as the test says and recorded."""

    @property
    def switches(self) -> list[str]:
        """What each question about switching the attendance mode said."""
        return [text for kind, title, text in self.asked if title == "Switch attendance"]

    @property
    def same_people(self) -> list[tuple[str | None, list[str | None]]]:
        """Each participant asked about, with the uuids of the persons offered."""
        return [
            (typed.full_name, [candidate.uuid for candidate in candidates])
            for typed, candidates in self.shown("same_participant")
        ]

    @property
    def switch_answer(self) -> bool | None:
        return self.standing.get("yes_no")

    @switch_answer.setter
    def switch_answer(self, answer: bool | None) -> None:
        self.always("yes_no", answer)

    @property
    def same_person_answer(self) -> tuple[str, str | None] | None:
        return self.standing.get("same_participant")

    @same_person_answer.setter
    def same_person_answer(self, answer: tuple[str, str | None] | None) -> None:
        self.always("same_participant", answer)


@pytest.fixture
def asked() -> Asked:
    """What the form asked the user, with the answers the test gives."""
    return Asked()


@pytest.fixture
def form(qtbot: QtBot, app: QApplication, ctx: AppContext, asked: Asked) -> Iterator[TrainingForm]:
    """A new-session form on the PK-ISB database, shown and focused, its questions recorded."""
    shown_form = TrainingForm(ctx, prompts=asked)
    qtbot.addWidget(shown_form)
    shown_form.resize(1366, 860)
    shown_form.show()
    qtbot.waitExposed(shown_form)
    shown_form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown_form)
    shown_form.new_record()
    yield shown_form


def save_keys(qtbot: QtBot) -> None:
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def pick(qtbot: QtBot, form: TrainingForm, search: str) -> None:
    """F4, type ``search`` into the picker, Enter to take the first person found."""
    press(qtbot, Qt.Key.Key_F4)
    picker = form.picker
    assert picker is not None and picker.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is picker.search_edit)
    qtbot.keyClicks(picker.search_edit, search)
    qtbot.keyClick(picker.search_edit, Qt.Key.Key_Return)
    assert form.picker is None
    # The form's window gets the keyboard back once the window system reactivates it.
    qtbot.waitUntil(lambda: form.isAncestorOf(QApplication.focusWidget()))


def test_a_session_with_a_roster_typed_by_keyboard_is_stored(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked, directory: dict[str, str]
) -> None:
    saved: list[str] = []
    form.record_saved.connect(saved.append)

    type_then_tab(qtbot, "Effective prosecutions workshop", "Title")
    type_then_tab(qtbot, "EFFECTIVE_PROSECUTIONS", "Topic")
    type_then_tab(qtbot, "INL Pakistan", "Provider")
    type_then_tab(qtbot, "C", "Session status")
    type_then_tab(qtbot, "Two trainers from DOJ", "Remarks")
    type_then_tab(qtbot, "in-country", "Venue")
    type_then_tab(qtbot, "Islamabad", "Location")
    assert named(form, "Venue country").currentText() == "Pakistan (PK)"  # from the venue
    type_then_tab(qtbot, "", "Venue country")
    type_then_tab(qtbot, "20260302", "Start date")
    assert named(form, "Start date").text() == "2026-03-02"
    type_then_tab(qtbot, "2026-03-06", "End date")
    type_then_tab(qtbot, "30", "Contact hours")
    type_then_tab(qtbot, "INCLE", "Funding program")
    type_then_tab(qtbot, "INL-PK-101", "Project code")
    type_then_tab(qtbot, "89,600.10", "Instruction cost")
    type_then_tab(qtbot, "12000", "Participant cost")
    type_then_tab(qtbot, "", "Travel cost")
    type_then_tab(qtbot, "F", "Record status")
    type_then_tab(qtbot, "", "Attendance recorded as")
    assert focused() is form.roster_grid

    pick(qtbot, form, "61101-123")  # part of Ayesha's CNIC
    type_then_tab(qtbot, "PROSECUTOR", "Audience category")
    type_then_tab(qtbot, "C", "Completion")
    type_then_tab(qtbot, "45", "Pre-test score")
    type_then_tab(qtbot, "82.5", "Post-test score")
    type_then_tab(qtbot, "EP-2026-001", "Certificate number")
    type_then_tab(qtbot, "A", "Leahy vetting")
    type_then_tab(qtbot, "INV-7781", "INVEST case number")
    type_then_tab(qtbot, "2026-01-10", "Vetting submitted")
    type_then_tab(qtbot, "2026-02-01", "Vetting cleared")

    press(qtbot, Qt.Key.Key_Insert)  # a participant not in the directory yet
    type_then_tab(qtbot, "Sana Malik", "Name (as on ID)")
    type_then_tab(qtbot, "F", "Sex")
    type_then_tab(qtbot, "anti-narcotics force", "Agency")
    type_then_tab(qtbot, "Inspector", "Rank")
    type_then_tab(qtbot, "35202-1111111-2", "National ID")
    type_then_tab(qtbot, "investigator", "Audience category")
    type_then_tab(qtbot, "C", "Completion")
    assert shown(form, "full_name") == ["Ayesha Khan", "Sana Malik"]
    assert shown(form, "agency") == ["Islamabad Capital Territory Police", "Anti-Narcotics Force"]
    assert form.summary_label.text() == "2 participants: 2 women, 0 men; 2 completed"
    assert form.has_unsaved_changes()

    save_keys(qtbot)

    assert asked.problems == [] and asked.errors == []
    assert len(saved) == 1
    assert rows(
        ctx,
        "SELECT uuid, title, topic, provider, venue_type, location, venue_country, start_date, "
        "end_date, contact_hours, funding_program, project_code, cost_instruction, "
        "cost_participant, cost_travel, training_status, attendance_mode, remarks, status, "
        "revision FROM training_sessions",
    ) == [
        (
            saved[0],
            "Effective prosecutions workshop",
            "EFFECTIVE_PROSECUTIONS",
            "INL Pakistan",
            "IN_COUNTRY",
            "Islamabad",
            "PK",
            "2026-03-02",
            "2026-03-06",
            "30",
            "INCLE",
            "INL-PK-101",
            8960010,
            1200000,
            None,
            "completed",
            "roster",
            "Two trainers from DOJ",
            "final",
            1,
        )
    ]
    assert rows(
        ctx,
        "SELECT p.full_name, p.sex, p.agency, p.rank, p.national_id, e.audience, e.completion, "
        "e.pre_score, e.post_score, e.certificate_number, e.vetting_status, "
        "e.invest_case_number, e.vetting_submitted, e.vetting_cleared "
        "FROM enrollments e JOIN persons p ON p.id = e.person_id ORDER BY e.position",
    ) == [
        ("Ayesha Khan", "F", "ICT_POLICE", "Sub-Inspector", "61101-1234567-2", "PROSECUTOR",
         "completed", "45", "82.5", "EP-2026-001", "approved", "INV-7781", "2026-01-10",
         "2026-02-01"),
        ("Sana Malik", "F", "ANF", "Inspector", "35202-1111111-2", "INVESTIGATOR", "completed",
         None, None, None, None, None, None, None),
    ]  # fmt: skip
    assert rows(ctx, "SELECT count(*) FROM persons") == [(4,)]  # Sana created, Ayesha reused
    assert not form.has_unsaved_changes()
    assert form.windowTitle() == "Training session (revision 1)"

    # The new person is now in the directory: a correction keeps her, not a second Sana.
    fill(qtbot, named(form, "Location"), "Islamabad Serena")
    save_keys(qtbot)
    assert asked.problems == [] and asked.errors == []
    assert rows(ctx, "SELECT count(*), max(revision) FROM training_sessions") == [(1, 2)]
    assert rows(ctx, "SELECT count(*) FROM persons") == [(4,)]
    assert rows(ctx, "SELECT count(*) FROM enrollments") == [(2,)]


def test_a_roster_pasted_from_excel_reuses_known_people_and_reports_bad_rows(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked, directory: dict[str, str]
) -> None:
    fill(qtbot, named(form, "Title"), "Prison management course")
    fill(qtbot, named(form, "Topic"), "CORRECTIONS_MANAGEMENT")
    form.roster_grid.setFocus()
    QApplication.clipboard().setText(
        "S.No\tName\tGender\tDepartment\tDesignation\tCNIC No.\r\n"
        "1\tAyesha K.\tFemale\tIslamabad Capital Territory Police\tSI\t6110112345672\r\n"
        "2\tNadia Siddiqui\tW\tpunjab police\tASI\t35202-2222222-4\r\n"
        "3\tOmar Farooq\tX\tANF\t\t\r\n"
        "4\tbilal ahmed\tM\tPROSECUTION_PB\t\t\r\n"  # no CNIC: same name and agency
    )

    press(qtbot, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    assert shown(form, "full_name") == ["Ayesha Khan", "Nadia Siddiqui", "Bilal Ahmed"]
    report = form.paste_report_label.text()
    assert report.startswith(
        "Pasted 3 participants: 2 found in the people directory, 1 new (created when the "
        "session is saved)."
    )
    assert "Columns ignored: S.No." in report
    assert (
        "Row 4, column Gender: “X” is not one of F, Female, W, Woman, M, Male, U or Not recorded"
        in report
    )
    assert form.paste_report_label.isVisible()
    vertical = form.roster_grid.roster_model
    assert [vertical.headerData(n, Qt.Orientation.Vertical) for n in range(3)] == [
        "1",
        "2 new",
        "3",
    ]
    # Everyone pasted still needs an audience category: typed once, filled down (Ctrl+D).
    assert focused().accessibleName() == "Audience category"
    type_then_tab(qtbot, "Prison official", "Audience category")
    press(qtbot, Qt.Key.Key_Backtab)  # back to the audience cell
    press(qtbot, Qt.Key.Key_Escape)  # and out of its editor
    press(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert shown(form, "audience") == ["Prison official"] * 3

    save_keys(qtbot)

    assert asked.problems == [] and asked.errors == []
    assert rows(
        ctx,
        "SELECT p.uuid, p.full_name, p.national_id, e.audience FROM enrollments e "
        "JOIN persons p ON p.id = e.person_id ORDER BY e.position",
    ) == [
        (directory["Ayesha"], "Ayesha Khan", "61101-1234567-2", "PRISON_OFFICIAL"),
        (rows(ctx, "SELECT uuid FROM persons WHERE full_name = 'Nadia Siddiqui'")[0][0],
         "Nadia Siddiqui", "35202-2222222-4", "PRISON_OFFICIAL"),
        (directory["Bilal"], "Bilal Ahmed", "35202-7654321-3", "PRISON_OFFICIAL"),
    ]  # fmt: skip
    assert rows(ctx, "SELECT count(*) FROM persons") == [(4,)]  # only Nadia is new
    assert rows(ctx, "SELECT agency FROM persons WHERE full_name = 'Nadia Siddiqui'") == [
        ("PUNJAB_POLICE",)
    ]

    # Pasting the same rows again adds no one twice.
    form.roster_grid.setFocus()
    form.paste_report_label.clear()
    press(qtbot, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(shown(form, "full_name")) == 3
    assert "Row 2: Ayesha Khan is participant 1 already; not added again" in (
        form.paste_report_label.text()
    )


def test_rows_pasted_into_a_new_rows_name_become_participants(
    qtbot: QtBot, form: TrainingForm, directory: dict[str, str]
) -> None:
    press(qtbot, Qt.Key.Key_Insert)
    assert focused().accessibleName() == "Name (as on ID)"
    QApplication.clipboard().setText("Zainab Bibi\tF\tANF\r\nImran Shah\tM\tANF\r\n")

    press(qtbot, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    assert shown(form, "full_name") == ["Zainab Bibi", "Imran Shah"]  # the blank row is gone
    assert form.roster_grid.rows()[1].person_uuid == directory["Imran"]

    # One cell's text is still pasted into the cell.
    press(qtbot, Qt.Key.Key_Insert)
    QApplication.clipboard().setText("Sana Malik")
    press(qtbot, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert focused().text() == "Sana Malik"


def test_a_counts_session_keeps_women_and_men_apart(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked
) -> None:
    fill(qtbot, named(form, "Title"), "Regional conference on women in policing")
    fill(qtbot, named(form, "Topic"), "GENDER_WOMEN_POLICE")
    fill(qtbot, named(form, "Venue"), "THIRD_COUNTRY")
    fill(qtbot, named(form, "Start date"), "2026-04-14")
    fill(qtbot, named(form, "End date"), "2026-04-16")
    mode = named(form, "Attendance recorded as")
    mode.setFocus()
    qtbot.keyClicks(mode, "C")  # an empty roster: nothing to lose, nothing asked
    assert mode.currentText() == "Counts only" and asked.switches == []
    press(qtbot, Qt.Key.Key_Insert)
    type_then_tab(qtbot, "police officer", "Audience category")
    type_then_tab(qtbot, "F", "Sex")
    type_then_tab(qtbot, "12", "Enrolled")
    type_then_tab(qtbot, "11", "Completed")
    press(qtbot, Qt.Key.Key_Insert)
    type_then_tab(qtbot, "POLICE_OFFICER", "Audience category")
    type_then_tab(qtbot, "M", "Sex")
    type_then_tab(qtbot, "30", "Enrolled")
    type_then_tab(qtbot, "28", "Completed")
    assert form.summary_label.text() == "Enrolled 42 (12 women); completed 39"

    save_keys(qtbot)

    assert asked.problems == [] and asked.errors == []
    assert rows(
        ctx, "SELECT attendance_mode, venue_type, venue_country FROM training_sessions"
    ) == [("counts", "THIRD_COUNTRY", None)]
    assert rows(
        ctx, "SELECT audience, sex, enrolled, completed FROM attendance_counts ORDER BY position"
    ) == [("POLICE_OFFICER", "F", 12, 11), ("POLICE_OFFICER", "M", 30, 28)]
    assert rows(ctx, "SELECT count(*) FROM enrollments") == [(0,)]


def test_a_count_whose_sex_is_not_recorded_is_chosen_and_stored_as_such(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked
) -> None:
    # The post's report gives no sex: the clerk picks Not recorded, never Male.
    fill(qtbot, named(form, "Title"), "Narcotics investigation course")
    fill(qtbot, named(form, "Start date"), "2026-04-14")
    fill(qtbot, named(form, "End date"), "2026-04-16")
    form.inputs["attendance_mode"].setCurrentIndex(1)
    press(qtbot, Qt.Key.Key_Insert)
    type_then_tab(qtbot, "police officer", "Audience category")
    assert focused().accessibleName() == "Sex"
    assert "Not recorded" in [focused().itemText(n) for n in range(focused().count())]
    type_then_tab(qtbot, "N", "Sex")
    type_then_tab(qtbot, "200", "Enrolled")
    type_then_tab(qtbot, "193", "Completed")
    model = form.counts_grid.counts_model
    assert model.index(0, model.column_of("sex")).data(Qt.ItemDataRole.DisplayRole) == (
        "Not recorded"
    )
    assert form.summary_label.text() == (
        "Enrolled 200 (0 women, 200 sex not recorded); completed 193"
    )

    save_keys(qtbot)

    assert asked.problems == [] and asked.errors == []
    assert rows(ctx, "SELECT audience, sex, enrolled, completed FROM attendance_counts") == [
        ("POLICE_OFFICER", "U", 200, 193)
    ]


def test_counts_are_whole_numbers_with_no_more_completed_than_enrolled_and_no_repeats(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked
) -> None:
    fill(qtbot, named(form, "Title"), "Conference")
    form.inputs["attendance_mode"].setCurrentIndex(1)
    for audience, sex, enrolled, completed in (
        ("JUDGE", "F", "4", "5"),
        ("JUDGE", "F", "2.5", "0"),
        ("JUDGE", "M", "-1", "0"),
    ):
        press(qtbot, Qt.Key.Key_Insert)
        type_then_tab(qtbot, audience, "Audience category")
        type_then_tab(qtbot, sex, "Sex")
        type_then_tab(qtbot, enrolled, "Enrolled")
        type_then_tab(qtbot, completed, "Completed")
    before = counts(ctx)

    save_keys(qtbot)

    assert asked.problems == [
        [
            "Count 1: Completed is more than Enrolled",
            "Count 2: The same audience category and sex are counted twice",
            "Count 2: Enrolled must be a whole number",
            "Count 3: Enrolled must not be less than 0",
        ]
    ]
    assert counts(ctx) == before
    model = form.counts_grid.counts_model
    assert model.problem_at(1, "enrolled") == "Enrolled must be a whole number"
    assert model.index(1, model.column_of("enrolled")).data(Qt.ItemDataRole.BackgroundRole)


def test_participants_not_vetted_in_a_session_not_yet_held_are_named_in_a_warning(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked, directory: dict[str, str]
) -> None:
    uuid = save_training(ctx, course([directory["Ayesha"], directory["Bilal"]])).uuid
    form.open_record(uuid)

    warning = form.vetting_label
    assert warning.isVisible()
    assert "Ayesha Khan (pending), Bilal Ahmed (pending)" in warning.text()
    assert "US-funded" in warning.text()

    form.roster_grid.edit_cell(0, "vetting_status")
    type_then_tab(qtbot, "A", "Leahy vetting")
    assert "Ayesha" not in warning.text() and "Bilal Ahmed (pending)" in warning.text()

    status = named(form, "Session status")
    assert isinstance(status, QComboBox)
    status.setCurrentIndex(status.findData("cancelled"))  # no one attends
    assert not warning.isVisible()

    # A warning, not a block: the session saves with Bilal still pending.
    status.setCurrentIndex(status.findData("planned"))
    save_keys(qtbot)
    assert asked.problems == [] and asked.errors == []
    assert [e.vetting_status for e in load_training(ctx, uuid).enrollments] == [
        "approved",
        "pending",
    ]


def test_an_invalid_session_is_refused_with_each_problem_named_and_nothing_written(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked, directory: dict[str, str]
) -> None:
    before = counts(ctx)
    fill(qtbot, named(form, "Start date"), "2026-03-10")
    fill(qtbot, named(form, "End date"), "2026-03-02")
    fill(qtbot, named(form, "Instruction cost"), "12,50")
    named(form, "Record status").setCurrentIndex(1)  # final: required fields too
    form.roster_grid.setFocus()
    pick(qtbot, form, "Bilal")
    press(qtbot, Qt.Key.Key_Escape)  # leave the audience cell empty
    press(qtbot, Qt.Key.Key_Insert)
    type_then_tab(qtbot, "Sana Malik", "Name (as on ID)")
    type_then_tab(qtbot, "", "Sex")
    form.roster_grid.edit_cell(1, "post_score")
    type_then_tab(qtbot, "140", "Post-test score")

    save_keys(qtbot)

    assert asked.problems == [
        [
            "Title is required",
            "Topic is required",
            "Venue is required",
            "End date (2026-03-02) is before Start date (2026-03-10)",
            "Instruction cost must be a number",
            "Participant 1: Audience category is required",
            "Participant 2: Sex is required",
            "Participant 2: Audience category is required",
            "Participant 2: Post-test score must not be more than 100",
        ]
    ]
    assert counts(ctx) == before
    for name in ("Title", "End date", "Instruction cost"):
        widget = named(form, name)
        assert widget.property("invalid") is True
        assert widget.accessibleDescription() == widget.toolTip() != ""
    model = form.roster_grid.roster_model
    assert model.problem_at(1, "post_score") == "Post-test score must not be more than 100"
    assert form.problems_label.text().endswith(
        "• Participant 1: Audience category is required\n… and 3 more"
    )
    assert focused() is named(form, "Title")
    assert form.has_unsaved_changes()


def test_a_draft_saves_incomplete_but_well_formed(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked
) -> None:
    assert named(form, "Record status").currentText() == "Draft"
    type_then_tab(qtbot, "Border management course", "Title")

    save_keys(qtbot)

    assert asked.problems == []
    assert rows(ctx, "SELECT title, topic, status, attendance_mode FROM training_sessions") == [
        ("Border management course", None, "draft", "roster")
    ]


def test_problems_show_inline_once_a_cell_is_left(
    qtbot: QtBot, form: TrainingForm, directory: dict[str, str]
) -> None:
    form.roster_grid.setFocus()
    pick(qtbot, form, "Imran")
    type_then_tab(qtbot, "JUDGE", "Audience category")
    type_then_tab(qtbot, "", "Completion")
    model = form.roster_grid.roster_model
    assert form.problems_label.text() == ""

    type_then_tab(qtbot, "high", "Pre-test score")

    assert model.problem_at(0, "pre_score") == "Pre-test score must be a number"
    assert "Participant 1: Pre-test score must be a number" in form.problems_label.text()
    # Untouched fields and cells are not accused before a save is tried.
    assert model.problem_at(0, "post_score") is None
    assert named(form, "Title").property("invalid") is not True

    form.roster_grid.edit_cell(0, "pre_score")
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_then_tab(qtbot, "64", "Pre-test score")
    assert model.problem_at(0, "pre_score") is None
    assert form.problems_label.text() == ""


def test_a_new_person_already_in_the_directory_is_offered_instead(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked, directory: dict[str, str]
) -> None:
    fill(qtbot, named(form, "Title"), "Investigation skills")
    press(qtbot, Qt.Key.Key_Insert)
    type_then_tab(qtbot, "Imran  SHAH", "Name (as on ID)")
    type_then_tab(qtbot, "M", "Sex")
    type_then_tab(qtbot, "ANF", "Agency")
    form.roster_grid.edit_cell(0, "audience")
    type_then_tab(qtbot, "INVESTIGATOR", "Audience category")
    asked.same_person_answer = ("use", directory["Imran"])

    save_keys(qtbot)

    assert asked.same_people == [("Imran  SHAH", [directory["Imran"]])]
    assert rows(ctx, "SELECT p.uuid FROM enrollments e JOIN persons p ON p.id = e.person_id") == [
        (directory["Imran"],)
    ]
    assert rows(ctx, "SELECT count(*) FROM persons") == [(3,)]
    assert shown(form, "full_name") == ["Imran Shah"]


def test_switching_attendance_with_a_roster_asks_before_discarding_it(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked, directory: dict[str, str]
) -> None:
    form.roster_grid.setFocus()
    pick(qtbot, form, "Ayesha")
    mode = named(form, "Attendance recorded as")
    assert isinstance(mode, QComboBox)
    asked.switch_answer = False

    mode.setCurrentIndex(mode.findData("counts"))

    assert asked.switches == [
        "Recording attendance as counts discards the roster of 1 participant in this session. "
        "Switch to counts?"
    ]
    assert mode.currentData() == "roster"
    assert shown(form, "full_name") == ["Ayesha Khan"]

    asked.switch_answer = True
    mode.setCurrentIndex(mode.findData("counts"))

    assert mode.currentData() == "counts"
    assert form.counts_grid.isVisible() and not form.roster_grid.isVisible()
    assert shown(form, "full_name") == []


def test_escape_with_unsaved_changes_asks_and_discard_leaves_without_saving(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked, directory: dict[str, str]
) -> None:
    fill(qtbot, named(form, "Title"), "Maritime interdiction")
    form.roster_grid.setFocus()
    pick(qtbot, form, "Bilal")
    press(qtbot, Qt.Key.Key_Escape)  # first Esc leaves the open cell
    asked.unsaved_answer = "cancel"
    closed: list[bool] = []
    form.closed.connect(lambda: closed.append(True))

    press(qtbot, Qt.Key.Key_Escape)

    assert (asked.count("unsaved"), closed) == (1, [])
    assert shown(form, "full_name") == ["Bilal Ahmed"]

    asked.unsaved_answer = "discard"
    with qtbot.waitSignal(form.closed, timeout=1000):
        press(qtbot, Qt.Key.Key_Escape)

    assert asked.count("unsaved") == 2
    assert counts(ctx)["training_sessions"] == 0
    assert named(form, "Title").text() == ""
    assert shown(form, "full_name") == []
    assert not form.has_unsaved_changes()


def test_ctrl_n_asks_first_and_save_keeps_the_work(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked
) -> None:
    fill(qtbot, named(form, "Title"), "Court administration")
    asked.unsaved_answer = "save"

    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    assert asked.count("unsaved") == 1
    assert rows(ctx, "SELECT title, status FROM training_sessions") == [
        ("Court administration", "draft")
    ]
    assert named(form, "Title").text() == ""


def test_save_and_new_keeps_topic_provider_venue_and_dates(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked, directory: dict[str, str]
) -> None:
    fill(qtbot, named(form, "Title"), "Crime scene course, batch 1")
    fill(qtbot, named(form, "Topic"), "CRIME_SCENE_FORENSICS")
    fill(qtbot, named(form, "Provider"), "ICITAP")
    fill(qtbot, named(form, "Venue"), "UNITED_STATES")
    fill(qtbot, named(form, "Location"), "Quantico, Virginia")
    fill(qtbot, named(form, "Start date"), "2026-05-04")
    fill(qtbot, named(form, "End date"), "2026-05-08")
    form.roster_grid.setFocus()
    pick(qtbot, form, "Imran")
    type_then_tab(qtbot, "FORENSIC_EXPERT", "Audience category")

    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert asked.problems == [] and asked.errors == []
    assert rows(ctx, "SELECT title, venue_country FROM training_sessions") == [
        ("Crime scene course, batch 1", "US")
    ]
    assert named(form, "Title").text() == ""
    assert named(form, "Topic").currentText() == "Crime scene and forensics (CRIME_SCENE_FORENSICS)"
    assert named(form, "Provider").text() == "ICITAP"
    assert named(form, "Venue").currentText() == "United States (UNITED_STATES)"
    assert named(form, "Location").text() == "Quantico, Virginia"
    assert named(form, "Start date").text() == "2026-05-04"
    assert named(form, "End date").text() == "2026-05-08"
    assert shown(form, "full_name") == []
    assert focused() is named(form, "Title")
    assert not form.has_unsaved_changes()
    assert form.windowTitle() == "New training session"


def test_a_correction_raises_the_revision_and_the_history_names_the_participants(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked, directory: dict[str, str]
) -> None:
    uuid = save_training(ctx, course([directory["Ayesha"], directory["Bilal"]])).uuid
    form.open_record(uuid)
    assert named(form, "Title").text() == "Trial advocacy for prosecutors"
    assert shown(form, "full_name") == ["Ayesha Khan", "Bilal Ahmed"]
    assert not form.has_unsaved_changes()

    form.roster_grid.setCurrentIndex(form.roster_grid.model().index(0, 0))
    form.roster_grid.setFocus()
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)  # Ayesha leaves
    form.roster_grid.edit_cell(0, "vetting_status")
    type_then_tab(qtbot, "A", "Leahy vetting")
    assert form.has_unsaved_changes()
    save_keys(qtbot)

    stored = load_training(ctx, uuid)
    assert (stored.revision, [e.person_uuid for e in stored.enrollments]) == (
        2,
        [directory["Bilal"]],
    )
    assert stored.enrollments[0].vetting_status == "approved"
    form.tabs.setCurrentIndex(form.tabs.indexOf(form.history_view.parentWidget()))
    table = form.history_view
    logged = [
        tuple(table.item(row, column).text() for column in range(2, 6))
        for row in range(table.rowCount())
    ]
    assert ("Changed", "Participant 1: Person", "Ayesha Khan", "Bilal Ahmed") in logged
    assert ("Changed", "Participant 1: Leahy vetting", "Pending", "Approved") in logged
    assert ("Changed", "Participant 2: Person", "Bilal Ahmed", "") in logged


def test_a_stale_edit_is_refused_with_the_service_message(
    qtbot: QtBot, form: TrainingForm, ctx: AppContext, asked: Asked, directory: dict[str, str]
) -> None:
    uuid = save_training(ctx, course([directory["Ayesha"]])).uuid
    form.open_record(uuid)
    elsewhere = load_training(ctx, uuid)
    elsewhere.remarks = "corrected in another window"
    save_training(ctx, elsewhere)
    before = counts(ctx)

    fill(qtbot, named(form, "Location"), "Multan")
    press(qtbot, Qt.Key.Key_Insert)
    type_then_tab(qtbot, "Sana Malik", "Name (as on ID)")
    type_then_tab(qtbot, "F", "Sex")
    form.roster_grid.edit_cell(1, "audience")
    type_then_tab(qtbot, "JUDGE", "Audience category")
    save_keys(qtbot)

    assert len(asked.errors) == 1 and "changed elsewhere" in asked.errors[0]
    assert counts(ctx) == before  # Sana was not created either
    assert load_training(ctx, uuid).location == "Lahore"
    assert form.has_unsaved_changes()


def test_a_stored_counts_session_opens_on_its_counts(form: TrainingForm, ctx: AppContext) -> None:
    uuid = save_training(
        ctx,
        course(
            [],
            attendance_mode="counts",
            counts=[AttendanceCountDraft(audience="JUDGE", sex="F", enrolled=3, completed=0)],
        ),
    ).uuid

    form.open_record(uuid)

    assert form.counts_grid.isVisible()
    model = form.counts_grid.counts_model
    assert [model.index(0, n).data() for n in range(4)] == ["Judge", "Female", "3", "0"]
    assert not form.buttons["pasteButton"].isVisible()
    assert form.buttons["addRowButton"].text() == "Add count"
    assert not form.has_unsaved_changes()


def test_every_input_is_named_after_its_label(form: TrainingForm) -> None:
    """Screen readers announce accessibleName; it must match the visible label."""
    labels = {
        label.buddy(): label for label in form.findChildren(QLabel) if label.buddy() is not None
    }
    inputs: list[QWidget] = [
        *form.findChildren(QComboBox),
        *form.findChildren(QPlainTextEdit),
        *(e for e in form.findChildren(QLineEdit) if not isinstance(e.parent(), QComboBox)),
    ]

    assert len(inputs) == len(TRAINING.fields)
    for widget in inputs:
        assert widget in labels, f"{widget.accessibleName()} has no buddy label"
        label = labels[widget]
        assert "&" in label.text(), f"{label.text()} has no mnemonic"
        assert widget.accessibleName() == label.text().replace("&", "")
    letters = [label.text()[label.text().index("&") + 1].lower() for label in labels.values()]
    assert len(letters) == len(set(letters)), "two labels share a mnemonic"
    for button in form.findChildren(QPushButton):
        assert button.accessibleName() == button.text().replace("&", "")
    model = form.roster_grid.roster_model
    headers = [model.headerData(n, Qt.Orientation.Horizontal) for n in range(model.columnCount())]
    assert headers[:5] == ["Name (as on ID)", "Sex", "Agency", "Rank", "National ID"]
    assert "Leahy vetting" in headers and "INVEST case number" in headers


def test_tab_walks_the_grid_and_leaves_it_after_the_last_cell(
    qtbot: QtBot, form: TrainingForm
) -> None:
    form.inputs["attendance_mode"].setCurrentIndex(1)
    press(qtbot, Qt.Key.Key_Insert)
    for name in ("Audience category", "Sex", "Enrolled"):
        type_then_tab(qtbot, "", name)

    type_then_tab(qtbot, "", "Completed")

    assert not form.counts_grid.isAncestorOf(focused()) and focused() is not form.counts_grid


def test_opening_a_session_of_three_hundred_shows_every_participant(
    form: TrainingForm, ctx: AppContext
) -> None:
    uuids = [
        save_person(ctx, PersonDraft(f"Officer {n:03}", "FM"[n % 2], "ANF", status="final")).uuid
        for n in range(300)
    ]
    uuid = save_training(ctx, course(uuids, contact_hours=Decimal(40))).uuid

    form.open_record(uuid)

    assert form.roster_grid.roster_model.rowCount() == 300
    assert shown(form, "full_name")[299] == "Officer 299"
    assert form.summary_label.text() == "300 participants: 150 women, 150 men"
    assert not form.has_unsaved_changes()
    assert form.save()
    assert rows(ctx, "SELECT count(*) FROM enrollments") == [(300,)]
