"""The people directory: the model, search and filters, delete and restore, the person
dialog (labels, validation, training history, duplicates) and merging two persons."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import EnrollmentDraft, PersonDraft, TrainingDraft
from inl_desktop.domain.fields import PERSON
from inl_desktop.gui.people.merge_dialog import MergeChoice, MergeDialog
from inl_desktop.gui.people.people_page import PeoplePage
from inl_desktop.gui.people.people_table import UUID_ROLE, PeopleTableModel
from inl_desktop.gui.people.person_dialog import PersonDialog
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import load_person, save_person
from inl_desktop.services.trainings import load_training, save_training
from inl_desktop.store.people_list import COLUMN_KEYS, PAGE_SIZE
from tests.gui.prompts import ScriptedPrompts

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)


def person(ctx: AppContext, name: str, sex: str, agency: str, national_id: str | None) -> str:
    draft = PersonDraft(
        full_name=name, sex=sex, agency=agency, province="PK-KP", national_id=national_id
    )
    return save_person(ctx, draft).uuid


def course(ctx: AppContext, title: str, start: date, enrolled: dict[str, str]) -> str:
    """A session; ``enrolled`` maps person UUIDs to their completion."""
    draft = TrainingDraft(
        title=title,
        topic="EFFECTIVE_PROSECUTIONS",
        venue_type="IN_COUNTRY",
        start_date=start,
        end_date=start,
        training_status="completed",
        enrollments=[
            EnrollmentDraft(person_uuid=uuid, audience="PROSECUTOR", completion=completion)
            for uuid, completion in enrolled.items()
        ],
    )
    return save_training(ctx, draft).uuid


@pytest.fixture
def people(ctx: AppContext) -> dict[str, str]:
    uuids = {
        "ayesha": person(ctx, "Ayesha Khan", "F", "ICT_POLICE", "61101-1234567-2"),
        "bilal": person(ctx, "Bilal Ahmed", "M", "PROSECUTION_PB", "3520276543213"),
        "nadia": person(ctx, "Nadia Khanum", "F", "ANF", None),
    }
    course(ctx, "Evidence handling", date(2025, 3, 1), {uuids["ayesha"]: "completed"})
    course(ctx, "Case management", date(2026, 1, 10), {uuids["ayesha"]: "partial"})
    return uuids


@pytest.fixture
def prompts() -> ScriptedPrompts:
    """The page's questions, answered as each test queues."""
    return ScriptedPrompts()


@pytest.fixture
def page(
    qtbot: QtBot, app: QApplication, ctx: AppContext, prompts: ScriptedPrompts
) -> Iterator[PeoplePage]:
    shown = PeoplePage(ctx, prompts=prompts)
    qtbot.addWidget(shown)
    shown.resize(1200, 720)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.wait_for_counts()


def shown_names(page: PeoplePage) -> list[str]:
    return [page.model.name_at(row) for row in range(page.model.rowCount())]


def cell(page: PeoplePage, row: int, key: str) -> str:
    return page.model.data(page.model.index(row, COLUMN_KEYS.index(key)))


def count_text(qtbot: QtBot, page: PeoplePage) -> str:
    page.wait_for_counts()
    qtbot.waitUntil(lambda: page.count_label.text() != "Counting…")
    return page.count_label.text()


def stored(ctx: AppContext, sql: str, *params: object) -> object:
    with ctx.engine.connect() as connection:
        return connection.exec_driver_sql(sql, params).scalar()


def test_the_model_passes_qts_model_checks(
    qtmodeltester: ModelTester, ctx: AppContext, people: dict[str, str]
) -> None:
    model = PeopleTableModel(ctx)
    model.reload()
    qtmodeltester.check(model)
    model.sort(COLUMN_KEYS.index("agency"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_the_model_fetches_more_rows_as_the_view_needs_them(ctx: AppContext) -> None:
    for n in range(PAGE_SIZE + 3):
        save_person(ctx, PersonDraft(full_name=f"Officer {n:03d}", sex="M"))
    model = PeopleTableModel(ctx)
    model.reload()
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE + 3
    assert not model.canFetchMore()


def test_the_list_shows_labels_and_numbers_of_trainings(
    qtbot: QtBot, page: PeoplePage, people: dict[str, str]
) -> None:
    page.reload()
    assert shown_names(page) == ["Ayesha Khan", "Bilal Ahmed", "Nadia Khanum"]
    assert cell(page, 0, "sex") == "Female"
    assert cell(page, 0, "agency") == "Islamabad Capital Territory Police"
    assert cell(page, 0, "national_id") == "61101-1234567-2"
    assert [cell(page, row, "trainings") for row in range(3)] == ["2", "0", "0"]
    assert page.model.data(page.model.index(0, 0), UUID_ROLE) == people["ayesha"]
    assert count_text(qtbot, page) == "3 persons"


def test_the_count_follows_when_typing_pauses(
    qtbot: QtBot, page: PeoplePage, people: dict[str, str]
) -> None:
    qtbot.keyClicks(page.search_edit, "khan")
    assert page.count_label.text() == "Counting…"
    qtbot.waitUntil(lambda: page.count_label.text() == "2 persons", timeout=5000)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("khan", ["Ayesha Khan", "Nadia Khanum"]),
        ("Nadia K", ["Nadia Khanum"]),
        ("61101-1234567-2", ["Ayesha Khan"]),
        ("6110112345672", ["Ayesha Khan"]),
        ("35202-7654321-3", ["Bilal Ahmed"]),
        ("nobody", []),
    ],
)
def test_typing_in_the_search_box_narrows_the_list(
    qtbot: QtBot, page: PeoplePage, people: dict[str, str], typed: str, expected: list[str]
) -> None:
    page.reload()
    qtbot.keyClicks(page.search_edit, typed)
    assert shown_names(page) == expected
    assert count_text(qtbot, page).startswith(f"{len(expected)} person")


def test_filters_by_agency_sex_and_province(page: PeoplePage, people: dict[str, str]) -> None:
    bar = page.filter_bar
    bar.sex_combo.setCurrentIndex(bar.sex_combo.findData("F"))
    assert shown_names(page) == ["Ayesha Khan", "Nadia Khanum"]
    bar.agency_combo.set_code("ANF")
    assert shown_names(page) == ["Nadia Khanum"]
    bar.province_combo.set_code("PK-PB")
    assert shown_names(page) == []
    bar.province_combo.set_code(None)
    bar.agency_combo.set_code(None)
    bar.sex_combo.setCurrentIndex(0)
    assert len(shown_names(page)) == 3


def test_the_trainings_column_cannot_be_sorted_and_the_indicator_stays(
    page: PeoplePage, people: dict[str, str]
) -> None:
    header = page.table.horizontalHeader()
    page.table.sortByColumn(COLUMN_KEYS.index("agency"), Qt.SortOrder.DescendingOrder)
    assert shown_names(page)[0] == "Bilal Ahmed"  # PROSECUTION_PB sorts last
    header.setSortIndicator(COLUMN_KEYS.index("trainings"), Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == COLUMN_KEYS.index("agency")
    assert shown_names(page)[0] == "Bilal Ahmed"


def test_delete_emits_the_name_and_restore_brings_the_person_back(
    qtbot: QtBot, ctx: AppContext, page: PeoplePage, people: dict[str, str]
) -> None:
    page.reload()
    page.table.setFocus()
    page.table.selectRow(1)
    with qtbot.waitSignal(page.person_deleted) as deleted:
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)

    assert deleted.args == [people["bilal"], "Bilal Ahmed"]
    assert shown_names(page) == ["Ayesha Khan", "Nadia Khanum"]
    assert stored(ctx, "SELECT deleted_by FROM persons WHERE uuid = ?", people["bilal"]) == "clerk"
    page.restore(people["bilal"])
    assert "Bilal Ahmed" in shown_names(page)


def test_the_deleted_view_lists_deleted_persons_and_restores_them(
    qtbot: QtBot, page: PeoplePage, people: dict[str, str]
) -> None:
    page.reload()
    page.table.selectRow(2)
    page.delete_selected()
    page.filter_bar.deleted_check.setChecked(True)
    assert shown_names(page) == ["Nadia Khanum"]
    assert page.restore_button.isVisible()
    assert count_text(qtbot, page) == "Deleted: 1 person"
    page.table.selectRow(0)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert shown_names(page) == []
    page.filter_bar.deleted_check.setChecked(False)
    assert "Nadia Khanum" in shown_names(page)


def test_enter_opens_the_person_with_their_training_history(
    qtbot: QtBot, page: PeoplePage, people: dict[str, str]
) -> None:
    page.reload()
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)

    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.inputs["full_name"].text() == "Ayesha Khan"
    table = dialog.trainings_table
    rows = [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]
    assert rows == [
        ["2026-01-10", "2026-01-10", "Case management", "Prosecutor", "Partial"],
        ["2025-03-01", "2025-03-01", "Evidence handling", "Prosecutor", "Completed"],
    ]
    assert dialog.trainings_summary.text() == "2 training sessions, 1 completed."
    dialog.tabs.setCurrentIndex(2)
    assert dialog.history_view.rowCount() > 0


def test_every_input_of_the_dialog_is_named_as_its_visible_label(
    app: QApplication, ctx: AppContext
) -> None:
    dialog = PersonDialog(ctx)
    labels = [label for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    assert {label.buddy() for label in labels} == set(dialog.inputs.values())
    for label in labels:
        assert label.buddy().accessibleName() == label.text().replace("&", "")
    for field in PERSON:
        assert dialog.inputs[field.name].accessibleName() == field.label
    texts = [label.text() for label in labels]
    texts += [dialog.save_button.text(), dialog.close_button.text()]
    texts += [dialog.tabs.tabText(n) for n in range(dialog.tabs.count())]
    letters = [text[text.index("&") + 1].casefold() for text in texts]
    assert len(set(letters)) == len(letters)  # Alt+letter reaches each one


def type_person(qtbot: QtBot, dialog: PersonDialog, name: str, national_id: str) -> None:
    qtbot.keyClicks(dialog.inputs["full_name"], name)
    dialog.inputs["sex"].setCurrentIndex(dialog.inputs["sex"].findData("F"))
    dialog.inputs["agency"].set_code("ICT_POLICE")
    qtbot.keyClicks(dialog.inputs["national_id"], national_id)


def test_an_invalid_cnic_is_marked_as_it_is_typed_and_not_saved(
    qtbot: QtBot, ctx: AppContext, page: PeoplePage, prompts: ScriptedPrompts
) -> None:
    dialog = page.new_person()
    assert dialog is not None
    type_person(qtbot, dialog, "Sana Malik", "61101-12345")
    dialog.inputs["national_id"].editingFinished.emit()

    national_id = dialog.inputs["national_id"]
    assert national_id.property("invalid") is True
    assert "National ID" in national_id.toolTip() and "CNIC" in national_id.toolTip()
    assert not dialog.save()
    assert any("CNIC" in message for message in prompts.problems[0])
    assert stored(ctx, "SELECT count(*) FROM persons") == 0


def test_a_new_person_is_saved_and_listed(qtbot: QtBot, ctx: AppContext, page: PeoplePage) -> None:
    dialog = page.new_person()
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    type_person(qtbot, dialog, "Sana Malik", "6110198765432")
    qtbot.keyClick(dialog.inputs["national_id"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert dialog.uuid is not None
    assert load_person(ctx, dialog.uuid).full_name == "Sana Malik"
    assert shown_names(page) == ["Sana Malik"]


def test_a_person_whose_sex_is_not_recorded_is_chosen_saved_and_filtered(
    qtbot: QtBot, ctx: AppContext, page: PeoplePage, people: dict[str, str]
) -> None:
    dialog = page.new_person()
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.inputs["full_name"], "Zarak Khan")
    sex = dialog.inputs["sex"]
    assert sex.currentData() is None  # chosen, never assumed
    sex.setFocus()
    qtbot.keyClicks(sex, "N")
    assert (sex.currentText(), sex.currentData()) == ("Not recorded", "U")
    qtbot.keyClick(sex, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert dialog.uuid is not None
    assert stored(ctx, "SELECT sex FROM persons WHERE full_name = 'Zarak Khan'") == "U"
    bar = page.filter_bar
    assert bar.sex_combo.itemText(0) == "Any sex"
    bar.sex_combo.setCurrentIndex(bar.sex_combo.findData("U"))
    assert shown_names(page) == ["Zarak Khan"]
    assert cell(page, 0, "sex") == "Not recorded"
    bar.sex_combo.setCurrentIndex(bar.sex_combo.findData("M"))
    assert shown_names(page) == ["Bilal Ahmed"]


@pytest.mark.parametrize(
    ("name", "national_id", "why"),
    [
        ("Ayesha K. Khan", "6110112345672", "same CNIC without dashes"),
        ("  ayesha  khan ", "", "same name and agency"),
    ],
)
def test_adding_someone_already_recorded_offers_the_existing_record(
    qtbot: QtBot,
    ctx: AppContext,
    page: PeoplePage,
    prompts: ScriptedPrompts,
    people: dict[str, str],
    name: str,
    national_id: str,
    why: str,
) -> None:
    dialog = page.new_person()
    assert dialog is not None
    prompts.queue("same_person", lambda matches: ("open", matches[0].uuid))
    type_person(qtbot, dialog, name, national_id)

    assert not dialog.save(), why
    offered = [
        [match.full_name for match in matches] for (matches,) in prompts.shown("same_person")
    ]
    assert offered == [["Ayesha Khan"]]
    assert dialog.uuid == people["ayesha"]
    assert dialog.inputs["full_name"].text() == "Ayesha Khan"
    assert dialog.trainings_table.rowCount() == 2
    assert stored(ctx, "SELECT count(*) FROM persons") == 3


@pytest.mark.parametrize(("answer", "persons"), [("add", 4), ("cancel", 3)])
def test_a_duplicate_is_added_only_when_the_user_says_so(
    qtbot: QtBot,
    ctx: AppContext,
    page: PeoplePage,
    prompts: ScriptedPrompts,
    people: dict[str, str],
    answer: str,
    persons: int,
) -> None:
    dialog = page.new_person()
    assert dialog is not None
    prompts.queue("same_person", (answer, None))
    type_person(qtbot, dialog, "Ayesha Khan", "")

    assert dialog.save() is (answer == "add")
    assert stored(ctx, "SELECT count(*) FROM persons") == persons


def test_closing_with_unsaved_changes_asks_first(
    qtbot: QtBot, page: PeoplePage, prompts: ScriptedPrompts
) -> None:
    dialog = page.new_person()
    assert dialog is not None
    prompts.queue("unsaved", "cancel")
    qtbot.keyClicks(dialog.inputs["full_name"], "Sana")
    qtbot.keyClick(dialog.inputs["full_name"], Qt.Key.Key_Escape)
    assert prompts.kinds() == ["unsaved"]
    assert dialog.isVisible()
    prompts.queue("unsaved", "discard")
    dialog.reject()
    assert not dialog.isVisible()


def enrollments_of(ctx: AppContext, uuid: str) -> int:
    return int(
        stored(  # type: ignore[arg-type]
            ctx,
            "SELECT count(*) FROM enrollments e JOIN persons p ON p.id = e.person_id "
            "WHERE p.uuid = ?",
            uuid,
        )
    )


@pytest.fixture
def twice(ctx: AppContext, people: dict[str, str]) -> str:
    """Ayesha again, without a CNIC but with a phone, enrolled in a session of her own
    and in one she is also enrolled in as the first record (completed there)."""
    again = save_person(
        ctx,
        PersonDraft(full_name="Aysha Khan", sex="F", agency="ICT_POLICE", phone="0300-1112223"),
    ).uuid
    course(ctx, "Gender-responsive policing", date(2026, 2, 1), {again: "completed"})
    with ctx.engine.connect() as connection:
        first_course = connection.exec_driver_sql(
            "SELECT uuid FROM training_sessions WHERE title = 'Case management'"
        ).scalar_one()
    draft = load_training(ctx, first_course)
    draft.enrollments.append(
        EnrollmentDraft(person_uuid=again, audience="PROSECUTOR", completion="completed")
    )
    save_training(ctx, draft)
    return again


def test_merging_the_two_selected_rows_keeps_every_training(
    qtbot: QtBot,
    ctx: AppContext,
    page: PeoplePage,
    prompts: ScriptedPrompts,
    people: dict[str, str],
    twice: str,
) -> None:
    page.reload()
    assert shown_names(page)[:2] == ["Ayesha Khan", "Aysha Khan"]
    shown: list[MergeDialog] = []

    def merge_in_the_dialog(first: str, second: str) -> MergeChoice:
        dialog = MergeDialog(ctx, first, second, (2, 2), page)
        shown.append(dialog)
        qtbot.addWidget(dialog)
        qtbot.mouseClick(dialog.keep_buttons[0], Qt.MouseButton.LeftButton)
        return dialog.choice()

    prompts.queue("merge", merge_in_the_dialog)
    page.table.selectRow(0)
    page.table.selectionModel().select(
        page.model.index(1, 0),
        page.table.selectionModel().SelectionFlag.Select
        | page.table.selectionModel().SelectionFlag.Rows,
    )
    qtbot.keyClick(page.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)

    dialog = shown[0]
    # The phone only the second record has is taken; the CNIC of the kept one stays.
    assert dialog.value_buttons["phone"][1].isChecked()
    assert dialog.value_buttons["national_id"][0].isChecked()
    assert shown_names(page) == ["Ayesha Khan", "Bilal Ahmed", "Nadia Khanum"]
    kept = load_person(ctx, people["ayesha"])
    assert (kept.national_id, kept.phone) == ("61101-1234567-2", "0300-1112223")
    # 2 of her own + 2 of the other record, one of them in the same session: 3 left.
    assert enrollments_of(ctx, people["ayesha"]) == 3
    assert enrollments_of(ctx, twice) == 0
    assert cell(page, 0, "trainings") == "3"
    assert (
        stored(
            ctx,
            "SELECT new_value FROM change_log WHERE record_uuid = ? AND field = 'merged_into'",
            twice,
        )
        == people["ayesha"]
    )


def test_merge_into_asks_for_the_other_person_first(
    ctx: AppContext,
    page: PeoplePage,
    prompts: ScriptedPrompts,
    people: dict[str, str],
    twice: str,
) -> None:
    page.reload()
    page.table.selectRow(1)  # Aysha Khan, the second record

    def keep_second(first: str, second: str) -> MergeChoice:
        dialog = MergeDialog(ctx, first, second, (1, 2), page)
        dialog.set_kept(1)
        return dialog.choice()

    prompts.queue("pick_person", people["ayesha"])
    prompts.queue("merge", keep_second)
    page.merge_selected()

    assert prompts.shown("pick_person") == [(twice,)]
    assert shown_names(page) == ["Ayesha Khan", "Bilal Ahmed", "Nadia Khanum"]
    assert enrollments_of(ctx, people["ayesha"]) == 3


def test_the_merge_dialog_keeps_the_record_with_more_trainings_by_default(
    app: QApplication, ctx: AppContext, people: dict[str, str], twice: str
) -> None:
    dialog = MergeDialog(ctx, twice, people["ayesha"], (2, 3))
    assert dialog.keep_buttons[1].isChecked()
    assert not dialog.value_buttons["sex"][0].isEnabled()  # both the same: nothing to choose
    dialog.take_value("full_name", 0)
    choice = dialog.choice()
    assert (choice.keep_uuid, choice.merged_uuid) == (people["ayesha"], twice)
    assert choice.values.full_name == "Aysha Khan"
    assert choice.values.national_id == "61101-1234567-2"
