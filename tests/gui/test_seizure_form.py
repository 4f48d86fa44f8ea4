"""The seizure form: typed by keyboard, checked inline, saved, warned about duplicates.

Every test drives the real widgets (found by their accessible names) and then reads
the database file, as a clerk would find the record in the list.
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
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.domain.errors import RecordNotFound
from inl_desktop.domain.fields import SEIZURE_EVENT, SEIZURE_ITEM
from inl_desktop.gui.seizures.seizure_form import SeizureForm
from inl_desktop.services.context import AppContext
from inl_desktop.services.duplicates import PossibleDuplicate
from inl_desktop.services.seizures import load_seizure, save_seizure
from tests.gui.prompts import FormPrompts

# 1.5 lb x 0.45359237 kg/lb = 0.680388555 kg, stored as whole milligrams.
HEROIN_1_5_LB_MG = 680_389
# 1,000 yaba tablets x 0.1 g = 0.1 kg.
THOUSAND_YABA_TABLETS_MG = 100_000

TABLES = ("seizure_events", "seizure_items", "seizure_joint_agencies", "change_log")


def focused() -> QWidget:
    """The widget with the keyboard focus."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    """Press a key where the window system would deliver it.

    That is an open completion list if there is one (it hides itself on Tab or
    Enter and passes the key on), else the focused widget.
    """
    target = QApplication.activePopupWidget() or focused()
    qtbot.keyClick(target, key, modifier or Qt.KeyboardModifier.NoModifier)


def type_then_tab(qtbot: QtBot, text: str, expect: str) -> None:
    """Type into the focused input, which must be the one named ``expect``; then Tab."""
    assert focused().accessibleName() == expect
    if text:
        qtbot.keyClicks(focused(), text)
    press(qtbot, Qt.Key.Key_Tab)


def named(form: SeizureForm, name: str, *, hidden: bool = False) -> QWidget:
    """The one event input a screen reader announces as ``name`` (visible unless
    ``hidden``)."""
    found = [
        widget
        for widget in form.findChildren(QWidget)
        if widget.accessibleName() == name
        and widget.isVisibleTo(form) != hidden
        and not form.items_grid.isAncestorOf(widget)
    ]
    assert len(found) == 1, f"{len(found)} inputs named {name!r}"
    return found[0]


def item_cells(form: SeizureForm, name: str) -> list[QWidget]:
    """The item grid's inputs named ``name`` ("Drug", "Quantity", "Unit"), top to bottom
    (rows after the first say their row: "Drug, item 2")."""
    cells = [
        widget
        for widget in form.items_grid.findChildren(QWidget)
        if widget.accessibleName().split(", item ")[0] == name and widget.isVisibleTo(form)
    ]
    return sorted(cells, key=lambda widget: widget.y())


def kg_labels(form: SeizureForm) -> list[str]:
    """The live kg-equivalents shown, top to bottom."""
    labels = [
        label
        for label in form.items_grid.findChildren(QLabel)
        if label.accessibleName() == "Kg-equivalent" and label.isVisibleTo(form)
    ]
    return [label.text() for label in sorted(labels, key=lambda label: label.y())]


def fill(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Replace what ``widget`` shows by typing ``text``, then leave it with Tab."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(widget, text)
    press(qtbot, Qt.Key.Key_Tab)


def mnemonic(form: SeizureForm, name: str) -> Qt.Key:
    """The Alt+letter key of the label of the input named ``name``."""
    labels = [
        label
        for label in form.findChildren(QLabel)
        if label.buddy() is not None and label.buddy().accessibleName() == name
    ]
    assert len(labels) == 1
    text = labels[0].text()
    letter = text[text.index("&") + 1].upper()
    return Qt.Key(ord(letter))


def choose_status(qtbot: QtBot, form: SeizureForm, status: str) -> None:
    """Alt+mnemonic to the record status, then type the status's first letter."""
    press(qtbot, mnemonic(form, "Record status"), Qt.KeyboardModifier.AltModifier)
    assert focused().accessibleName() == "Record status"
    qtbot.keyClicks(focused(), status[0])
    assert named(form, "Record status").currentText() == status


def rows(ctx: AppContext, sql: str, *params: object) -> list[tuple[object, ...]]:
    """All rows of a query, straight from the file."""
    with ctx.engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql, params)]


def counts(ctx: AppContext) -> dict[str, int]:
    """Rows in the seizure tables and the change log."""
    return {table: int(rows(ctx, f"SELECT count(*) FROM {table}")[0][0]) for table in TABLES}


def torkham_heroin(**overrides: object) -> SeizureDraft:
    """A final ANF seizure of 1.5 lb of heroin at Torkham on 14 March 2026."""
    draft = SeizureDraft(
        basis="case",
        event_date=date(2026, 3, 14),
        agency="ANF",
        province="PK-KP",
        district="KP-KBR",
        place="Torkham",
        source_reference="ANF/KP/2026/0113",
        status="final",
        items=[SeizureItemDraft(drug="HEROIN", quantity=Decimal("1.5"), unit="LB")],
    )
    for name, value in overrides.items():
        setattr(draft, name, value)
    return draft


class Asked(FormPrompts):
    """The form's questions, answered as the test says and recorded."""

    @property
    def duplicates(self) -> list[list[PossibleDuplicate]]:
        """The candidates of each duplicate warning."""
        return [shown[0] for shown in self.shown("duplicate_seizure")]

    @property
    def duplicate_answer(self) -> tuple[str, str | None] | None:
        return self.standing.get("duplicate_seizure")

    @duplicate_answer.setter
    def duplicate_answer(self, answer: tuple[str, str | None] | None) -> None:
        self.always("duplicate_seizure", answer)


@pytest.fixture
def asked() -> Asked:
    """What the form asked the user, with the answers the test gives."""
    return Asked()


@pytest.fixture
def form(qtbot: QtBot, app: QApplication, ctx: AppContext, asked: Asked) -> Iterator[SeizureForm]:
    """A new-record form on the PK-ISB database, shown and focused, its questions recorded."""
    shown = SeizureForm(ctx, prompts=asked)
    qtbot.addWidget(shown)
    shown.resize(1200, 860)
    shown.show()
    qtbot.waitExposed(shown)
    shown.activateWindow()
    shown.new_record()
    yield shown


def save_keys(qtbot: QtBot) -> None:
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_a_final_seizure_typed_by_keyboard_is_stored_exactly(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext, asked: Asked
) -> None:
    saved: list[str] = []
    form.record_saved.connect(saved.append)

    type_then_tab(qtbot, "2026-03-14", "Date of seizure")
    type_then_tab(qtbot, "", "Date precision")
    type_then_tab(qtbot, "ANF", "Seizing agency")
    type_then_tab(qtbot, "CUSTOMS", "Joint agencies")
    type_then_tab(qtbot, "PK-KP", "Province")
    type_then_tab(qtbot, "KP-KBR", "District")
    type_then_tab(qtbot, "Torkham border crossing", "Place")
    type_then_tab(qtbot, "ANF/KP/2026/0113", "Source reference")
    type_then_tab(qtbot, "HEROIN", "Drug")
    type_then_tab(qtbot, "1.5", "Quantity")
    assert focused().accessibleName() == "Unit"
    qtbot.keyClicks(focused(), "LB")
    press(qtbot, Qt.Key.Key_Insert)
    type_then_tab(qtbot, "METH_TABLETS", "Drug, item 2")
    type_then_tab(qtbot, "1,000", "Quantity, item 2")
    type_then_tab(qtbot, "TABLET", "Unit, item 2")
    type_then_tab(qtbot, "", "Remove item 2")
    type_then_tab(qtbot, "ROAD_COMMERCIAL", "Transport mode")
    type_then_tab(qtbot, "", "Concealment")
    type_then_tab(qtbot, "", "Installation")
    type_then_tab(qtbot, "", "Route type")
    type_then_tab(qtbot, "2", "Arrests (nationals)")
    type_then_tab(qtbot, "AF", "Producing country")
    choose_status(qtbot, form, "Final")
    assert kg_labels(form) == ["0.680389 kg", "0.1 kg"]
    assert form.has_unsaved_changes()

    save_keys(qtbot)

    assert asked.problems == [] and asked.errors == []
    assert len(saved) == 1
    events = rows(
        ctx,
        "SELECT uuid, basis, event_date, date_precision, agency, province, district, place, "
        "source_reference, transport_mode, producing_country, arrests_nationals, status, "
        "revision, created_by FROM seizure_events",
    )
    assert events == [
        (
            saved[0],
            "case",
            "2026-03-14",
            "day",
            "ANF",
            "PK-KP",
            "KP-KBR",
            "Torkham border crossing",
            "ANF/KP/2026/0113",
            "ROAD_COMMERCIAL",
            "AF",
            2,
            "final",
            1,
            "clerk",
        )
    ]
    assert rows(ctx, "SELECT agency FROM seizure_joint_agencies") == [("CUSTOMS",)]
    assert rows(
        ctx, "SELECT drug, quantity, unit, kg_equivalent_mg FROM seizure_items ORDER BY position"
    ) == [
        ("HEROIN", "1.5", "LB", HEROIN_1_5_LB_MG),
        ("METH_TABLETS", "1000", "TABLET", THOUSAND_YABA_TABLETS_MG),
    ]
    assert not form.has_unsaved_changes()


def test_an_invalid_final_record_is_refused_with_each_field_named(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext, asked: Asked
) -> None:
    before = counts(ctx)
    type_then_tab(qtbot, "2026-07-01", "Date of seizure")  # after the clock's 2026-06-15
    fill(qtbot, item_cells(form, "Drug")[0], "HEROIN")
    fill(qtbot, item_cells(form, "Quantity")[0], "abc")
    fill(qtbot, item_cells(form, "Unit")[0], "KG")
    choose_status(qtbot, form, "Final")

    save_keys(qtbot)

    assert len(asked.problems) == 1
    messages = asked.problems[0]
    assert "Date of seizure is in the future (2026-07-01)" in messages
    assert "Seizing agency is required" in messages
    assert "Item 1: Quantity must be a number" in messages
    assert len(messages) == 3
    assert counts(ctx) == before
    for widget in (
        named(form, "Date of seizure"),
        named(form, "Seizing agency"),
        item_cells(form, "Quantity")[0],
    ):
        assert widget.property("invalid") is True
        assert widget.accessibleDescription() in " ".join(messages)
        assert widget.accessibleDescription() == widget.toolTip() != ""
    assert "Seizing agency is required" in form.problems_label.text()


def test_problems_show_inline_once_a_field_is_left(qtbot: QtBot, form: SeizureForm) -> None:
    quantity = item_cells(form, "Quantity")[0]
    assert form.problems_label.text() == ""

    fill(qtbot, quantity, "12kg")

    assert quantity.property("invalid") is True
    assert quantity.accessibleDescription() == "Quantity must be a number"
    assert "Item 1: Quantity must be a number" in form.problems_label.text()
    assert form.problems_label.isVisible()
    # Untouched fields are not accused before a save is tried.
    assert named(form, "Seizing agency").property("invalid") is not True

    fill(qtbot, quantity, "12")

    assert quantity.property("invalid") is False
    assert quantity.accessibleDescription() == ""
    assert "Quantity" not in form.problems_label.text()


def test_text_matching_no_code_is_a_problem_of_that_field(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext, asked: Asked
) -> None:
    fill(qtbot, named(form, "Seizing agency"), "Narcotics Police")
    fill(qtbot, named(form, "Transit countries"), "AF, Atlantis")
    fill(qtbot, named(form, "Date of seizure"), "14/03/2026")

    save_keys(qtbot)

    assert asked.problems == [
        [
            "Date of seizure must be a date (YYYY-MM-DD)",
            "Seizing agency: “Narcotics Police” is not in the list",
            "Transit countries: “Atlantis” is not in the list",
        ]
    ]
    assert counts(ctx)["seizure_events"] == 0


def test_typed_labels_settle_on_their_codes(qtbot: QtBot, form: SeizureForm) -> None:
    agency = named(form, "Seizing agency")
    assert isinstance(agency, QComboBox)
    fill(qtbot, agency, "anti-narcotics force")
    assert agency.currentText() == "Anti-Narcotics Force (ANF)"
    unit = item_cells(form, "Unit")[0]
    fill(qtbot, unit, "kilo")  # found in one item only
    assert unit.currentText() == "Kilogram (KG)"


def test_save_and_new_keeps_agency_date_and_place_and_clears_the_items(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext
) -> None:
    type_then_tab(qtbot, "2026-03-14", "Date of seizure")
    fill(qtbot, named(form, "Seizing agency"), "ANF")
    fill(qtbot, named(form, "Province"), "PK-BA")
    fill(qtbot, named(form, "District"), "BA-CGI")
    fill(qtbot, named(form, "Place"), "Nokkundi")
    fill(qtbot, named(form, "Source reference"), "ANF/BA/1")
    fill(qtbot, item_cells(form, "Drug")[0], "OPIUM")
    fill(qtbot, item_cells(form, "Quantity")[0], "120")
    fill(qtbot, item_cells(form, "Unit")[0], "KG")

    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert rows(ctx, "SELECT place, source_reference FROM seizure_events") == [
        ("Nokkundi", "ANF/BA/1")
    ]
    assert named(form, "Date of seizure").text() == "2026-03-14"
    assert named(form, "Seizing agency").currentText() == "Anti-Narcotics Force (ANF)"
    assert named(form, "Province").currentText() == "Balochistan (PK-BA)"
    assert named(form, "District").currentText() == "Chagai (BA-CGI)"
    assert named(form, "Place").text() == "Nokkundi"
    assert named(form, "Source reference").text() == ""
    assert [cell.currentText() for cell in item_cells(form, "Drug")] == [""]
    assert [cell.text() for cell in item_cells(form, "Quantity")] == [""]
    assert focused() is item_cells(form, "Drug")[0]
    assert not form.has_unsaved_changes()
    form.tabs.setCurrentIndex(form.tabs.indexOf(form.history_view.parentWidget()))
    assert form.history_view.rowCount() == 0  # a new record has no history yet
    form.tabs.setCurrentIndex(0)
    item_cells(form, "Drug")[0].setFocus()

    # The next report of the batch: only its drug and source are typed.
    qtbot.keyClicks(focused(), "HASHISH")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "35")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "KG")
    press(qtbot, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)

    assert rows(
        ctx,
        "SELECT e.place, e.agency, e.event_date, i.drug, i.quantity FROM seizure_items i "
        "JOIN seizure_events e ON e.id = i.event_id ORDER BY e.id",
    ) == [
        ("Nokkundi", "ANF", "2026-03-14", "OPIUM", "120"),
        ("Nokkundi", "ANF", "2026-03-14", "HASHISH", "35"),
    ]


def test_a_draft_saves_incomplete(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext, asked: Asked
) -> None:
    assert named(form, "Record status").currentText() == "Draft"
    type_then_tab(qtbot, "2026-03", "Date of seizure")
    assert "Date of seizure must be a date (YYYY-MM-DD)" in form.problems_label.text()
    fill(qtbot, named(form, "Date of seizure"), "2026-03-01")
    assert form.problems_label.text() == ""
    named(form, "Date precision").setFocus()
    qtbot.keyClicks(focused(), "M")
    fill(qtbot, named(form, "Remarks"), "Details to follow from ANF Quetta")

    save_keys(qtbot)

    assert asked.problems == []
    assert rows(
        ctx, "SELECT status, agency, date_precision, period_start, period_end FROM seizure_events"
    ) == [("draft", None, "month", "2026-03-01", "2026-03-31")]
    assert counts(ctx)["seizure_items"] == 0


def test_a_corrected_record_raises_its_revision_and_shows_the_change_in_history(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext
) -> None:
    uuid = save_seizure(ctx, torkham_heroin()).uuid
    form.open_record(uuid)
    assert named(form, "Place").text() == "Torkham"
    assert not form.has_unsaved_changes()

    fill(qtbot, named(form, "Place"), "Landi Kotal")
    fill(qtbot, item_cells(form, "Quantity")[0], "2")
    assert form.has_unsaved_changes()
    save_keys(qtbot)

    stored = load_seizure(ctx, uuid)
    assert (stored.revision, stored.place, stored.items[0].quantity) == (2, "Landi Kotal", 2)
    form.tabs.setCurrentIndex(form.tabs.indexOf(form.history_view.parentWidget()))
    table: QTableWidget = form.history_view
    shown = [
        tuple(table.item(row, column).text() for column in range(1, 6))
        for row in range(table.rowCount())
    ]
    assert ("clerk", "Changed", "Place", "Torkham", "Landi Kotal") in shown
    assert ("clerk", "Changed", "Item 1: Quantity", "1.5", "2") in shown
    assert ("clerk", "Created", "Seizing agency", "", "Anti-Narcotics Force") in shown


def test_opening_a_missing_record_says_so_and_keeps_the_form(
    qtbot: QtBot, form: SeizureForm
) -> None:
    fill(qtbot, named(form, "Place"), "Torkham")

    with pytest.raises(RecordNotFound, match="No seizure with ID nope"):
        form.open_record("nope")

    assert named(form, "Place").text() == "Torkham"
    assert form.has_unsaved_changes()


def test_a_stale_edit_is_refused_with_the_service_message(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext, asked: Asked
) -> None:
    uuid = save_seizure(ctx, torkham_heroin()).uuid
    form.open_record(uuid)
    elsewhere = load_seizure(ctx, uuid)
    elsewhere.remarks = "corrected in another window"
    save_seizure(ctx, elsewhere)

    fill(qtbot, named(form, "Place"), "Landi Kotal")
    save_keys(qtbot)

    assert len(asked.errors) == 1 and "changed elsewhere" in asked.errors[0]
    assert load_seizure(ctx, uuid).place == "Torkham"
    assert form.has_unsaved_changes()


def test_escape_with_unsaved_changes_asks_and_discard_leaves_without_saving(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext, asked: Asked
) -> None:
    fill(qtbot, named(form, "Place"), "Torkham")
    asked.unsaved_answer = "cancel"
    closed: list[bool] = []
    form.closed.connect(lambda: closed.append(True))

    press(qtbot, Qt.Key.Key_Escape)

    assert (asked.count("unsaved"), closed) == (1, [])
    assert named(form, "Place").text() == "Torkham"

    asked.unsaved_answer = "discard"
    with qtbot.waitSignal(form.closed, timeout=1000):
        press(qtbot, Qt.Key.Key_Escape)

    assert asked.count("unsaved") == 2
    assert counts(ctx)["seizure_events"] == 0
    assert named(form, "Place").text() == ""
    assert not form.has_unsaved_changes()


def test_escape_without_changes_leaves_at_once(
    qtbot: QtBot, form: SeizureForm, asked: Asked
) -> None:
    with qtbot.waitSignal(form.closed, timeout=1000):
        press(qtbot, Qt.Key.Key_Escape)
    assert asked.count("unsaved") == 0


def test_ctrl_n_asks_first_and_save_keeps_the_work(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext, asked: Asked
) -> None:
    fill(qtbot, named(form, "Seizing agency"), "ANF")
    asked.unsaved_answer = "save"

    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    assert asked.count("unsaved") == 1
    assert rows(ctx, "SELECT agency, status FROM seizure_events") == [("ANF", "draft")]
    assert named(form, "Seizing agency").currentText() == ""


def test_a_second_identical_report_can_be_linked_as_the_same_seizure(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext, asked: Asked
) -> None:
    first = save_seizure(ctx, torkham_heroin()).uuid
    asked.duplicate_answer = ("link", first)
    type_then_tab(qtbot, "2026-03-14", "Date of seizure")
    fill(qtbot, named(form, "Seizing agency"), "FC_KP")
    fill(qtbot, named(form, "Joint agencies"), "ANF")
    fill(qtbot, item_cells(form, "Drug")[0], "HEROIN")
    fill(qtbot, item_cells(form, "Quantity")[0], "0.68")  # 1.5 lb in kg, within 1%
    fill(qtbot, item_cells(form, "Unit")[0], "KG")

    save_keys(qtbot)

    assert [[c.uuid for c in candidates] for candidates in asked.duplicates] == [[first]]
    assert rows(ctx, "SELECT agency, same_as_uuid FROM seizure_events ORDER BY id") == [
        ("ANF", None),
        ("FC_KP", first),
    ]


def test_cancelling_the_duplicate_warning_writes_nothing(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext, asked: Asked
) -> None:
    save_seizure(ctx, torkham_heroin())
    before = counts(ctx)
    asked.duplicate_answer = ("cancel", None)
    type_then_tab(qtbot, "2026-03-14", "Date of seizure")
    fill(qtbot, named(form, "Seizing agency"), "ANF")
    fill(qtbot, item_cells(form, "Drug")[0], "HEROIN")
    fill(qtbot, item_cells(form, "Quantity")[0], "1.5")
    fill(qtbot, item_cells(form, "Unit")[0], "LB")

    save_keys(qtbot)

    assert len(asked.duplicates) == 1
    assert counts(ctx) == before
    assert form.has_unsaved_changes()

    asked.duplicate_answer = ("keep", None)
    save_keys(qtbot)

    assert rows(ctx, "SELECT same_as_uuid FROM seizure_events") == [(None,), (None,)]


def test_every_input_is_named_after_its_label(form: SeizureForm) -> None:
    """Screen readers announce accessibleName; it must match the visible label."""
    form.items_grid.add_row()
    labels = {
        label.buddy(): label for label in form.findChildren(QLabel) if label.buddy() is not None
    }
    inputs: list[QWidget] = [
        *form.findChildren(QComboBox),
        *form.findChildren(QPlainTextEdit),
        *(e for e in form.findChildren(QLineEdit) if not isinstance(e.parent(), QComboBox)),
    ]
    headers = {label.text().replace("&", ""): label for label in form.items_grid.headers.values()}
    expected = {f.label for f in SEIZURE_EVENT} | {f.label for f in SEIZURE_ITEM if not f.derived}

    assert len(inputs) == len(SEIZURE_EVENT.fields) + 2 * 3
    letters = [
        label.text().split("&")[1][0].casefold()
        for label in labels.values()
        if "&" in label.text() and label.isVisibleTo(form)
    ]
    assert len(letters) == len(set(letters)), "two visible labels share an Alt+letter"
    assert not {"f", "h"} & set(letters), "a label takes the letter of a menu"
    for label in labels.values():
        text = label.text().replace("&", "").rstrip(":")
        assert label.buddy().accessibleName() == text
    for widget in inputs:
        name = widget.accessibleName()
        if form.items_grid.isAncestorOf(widget) and ", item " in name:
            # Rows after the first are labelled by their column and say their row.
            name, row = name.split(", item ")
            assert int(row) >= 2
        assert name in expected, f"{widget.objectName()} is named {name!r}"
        if form.items_grid.isAncestorOf(widget):
            assert name in headers
        else:
            assert widget in labels, f"{name} has no buddy label"


def test_the_district_list_offers_only_the_chosen_province(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext
) -> None:
    parents = ctx.catalog().parents["districts"]
    district = named(form, "District")
    assert isinstance(district, QComboBox)

    def offered() -> set[str]:
        return {district.itemData(i) for i in range(district.count())} - {None}

    fill(qtbot, named(form, "Province"), "Khyber Pakhtunkhwa")
    assert offered() == {code for code, parent in parents.items() if parent == "PK-KP"}
    fill(qtbot, district, "KP-KBR")

    fill(qtbot, named(form, "Province"), "PK-SD")

    assert offered() == {code for code, parent in parents.items() if parent == "PK-SD"}
    assert district.currentText() == ""


def test_choosing_a_district_first_fills_its_province(qtbot: QtBot, form: SeizureForm) -> None:
    fill(qtbot, named(form, "District"), "Khyber")

    assert named(form, "Province").currentText() == "Khyber Pakhtunkhwa (PK-KP)"
    assert named(form, "District").currentText() == "Khyber (KP-KBR)"


def test_escape_in_an_open_completion_list_closes_only_the_list(
    qtbot: QtBot, form: SeizureForm, asked: Asked
) -> None:
    agency = named(form, "Seizing agency")
    agency.setFocus()
    qtbot.keyClicks(agency, "police")
    assert QApplication.activePopupWidget() is not None
    closed: list[bool] = []
    form.closed.connect(lambda: closed.append(True))

    press(qtbot, Qt.Key.Key_Escape)

    assert QApplication.activePopupWidget() is None
    assert (closed, asked.count("unsaved")) == ([], 0)


def test_an_aggregate_report_takes_a_period_instead_of_a_date(
    qtbot: QtBot, form: SeizureForm, ctx: AppContext, asked: Asked
) -> None:
    assert not named(form, "Date of seizure").isHidden()
    named(form, "Reporting basis").setFocus()
    qtbot.keyClicks(focused(), "A")
    assert named(form, "Reporting basis").currentText() == "Aggregate report"
    assert named(form, "Date of seizure", hidden=True).isHidden()
    assert focused().accessibleName() == "Reporting basis"
    press(qtbot, Qt.Key.Key_Tab)
    type_then_tab(qtbot, "20260101", "Period from")  # digits only: the dashes are added
    assert named(form, "Period from").text() == "2026-01-01"
    type_then_tab(qtbot, "2026-03-31", "Period to")
    type_then_tab(qtbot, "EXCISE_PB", "Seizing agency")
    fill(qtbot, item_cells(form, "Drug")[0], "CANNABIS_PLANTS")
    fill(qtbot, item_cells(form, "Quantity")[0], "300")
    fill(qtbot, item_cells(form, "Unit")[0], "PLANT")
    assert kg_labels(form) == ["no kg-equivalent (no mass per unit)"]
    choose_status(qtbot, form, "Final")

    save_keys(qtbot)

    assert asked.problems == []
    assert rows(
        ctx, "SELECT basis, event_date, period_start, period_end, agency FROM seizure_events"
    ) == [("aggregate", None, "2026-01-01", "2026-03-31", "EXCISE_PB")]
    assert rows(ctx, "SELECT kg_equivalent_mg FROM seizure_items") == [(None,)]


def test_ctrl_delete_removes_the_item_being_edited(qtbot: QtBot, form: SeizureForm) -> None:
    fill(qtbot, item_cells(form, "Drug")[0], "HEROIN")
    item_cells(form, "Drug")[0].setFocus()
    press(qtbot, Qt.Key.Key_Insert)
    qtbot.keyClicks(focused(), "OPIUM")
    assert len(item_cells(form, "Drug")) == 2

    item_cells(form, "Drug")[0].setFocus()
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)

    assert [cell.currentText() for cell in item_cells(form, "Drug")] == ["OPIUM"]
