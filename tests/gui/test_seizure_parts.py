"""The seizure form's parts: duplicate dialog, history labels, code list input, mnemonics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import SEIZURE_EVENT
from inl_desktop.gui.common.history_view import field_title, shown_value
from inl_desktop.gui.common.record_form import with_mnemonics
from inl_desktop.gui.common.widgets import CodeListEdit
from inl_desktop.gui.seizures.duplicate_dialog import DuplicateDialog
from inl_desktop.gui.seizures.seizure_items import format_kg
from inl_desktop.services.context import AppContext
from inl_desktop.services.duplicates import PossibleDuplicate


def candidate(uuid: str, agency: str, place: str) -> PossibleDuplicate:
    return PossibleDuplicate(
        uuid=uuid,
        revision=1,
        period_start=date(2026, 3, 14),
        period_end=date(2026, 3, 14),
        agency=agency,
        drug="HEROIN",
        quantity=Decimal("1.5"),
        unit="LB",
        place=place,
        source_reference="ANF/KP/2026/0113",
    )


@pytest.fixture
def dialog(qtbot: QtBot, app: QApplication, ctx: AppContext) -> DuplicateDialog:
    shown = DuplicateDialog(
        [candidate("uuid-anf", "ANF", "Torkham"), candidate("uuid-fc", "FC_KP", "Landi Kotal")],
        ctx.catalog(),
    )
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_duplicate_dialog_lists_the_candidates_as_users_know_them(
    dialog: DuplicateDialog,
) -> None:
    table = dialog.table
    first_row = [table.item(0, column).text() for column in range(table.columnCount())]

    assert table.rowCount() == 2
    assert first_row == [
        "2026-03-14",
        "Anti-Narcotics Force",
        "Heroin",
        "1.5 Pound",
        "Torkham",
        "ANF/KP/2026/0113",
    ]


def test_link_links_to_the_chosen_seizure(qtbot: QtBot, dialog: DuplicateDialog) -> None:
    dialog.table.selectRow(1)

    click(qtbot, dialog.link_button)

    assert dialog.decision() == ("link", "uuid-fc")


def test_keep_both_and_cancel(qtbot: QtBot, dialog: DuplicateDialog) -> None:
    click(qtbot, dialog.keep_button)
    assert dialog.decision() == ("keep", None)

    dialog.show()
    click(qtbot, dialog.cancel_button)
    assert dialog.decision() == ("cancel", None)


def test_history_names_fields_by_their_labels(ctx: AppContext) -> None:
    assert field_title("agency") == "Seizing agency"
    assert field_title("items[2].quantity") == "Item 2: Quantity"
    assert field_title("same_as_uuid") == "Same seizure as"
    assert field_title(None) == ""
    catalog = ctx.catalog()
    assert shown_value(SEIZURE_EVENT["agency"], "ANF", catalog) == "Anti-Narcotics Force"
    assert shown_value(SEIZURE_EVENT["status"], "final", catalog) == "Final"
    assert (
        shown_value(SEIZURE_EVENT["joint_agencies"], "CUSTOMS, FC_KP", catalog)
        == "Pakistan Customs, Frontier Corps Khyber Pakhtunkhwa"
    )


def test_kg_equivalents_read_as_stored() -> None:
    assert format_kg(Decimal("0.680388555")) == "0.680389 kg"
    assert format_kg(Decimal("61400000")) == "61,400,000 kg"
    assert format_kg(Decimal("0.100")) == "0.1 kg"


@pytest.fixture
def code_list(qtbot: QtBot, app: QApplication) -> CodeListEdit:
    edit = CodeListEdit()
    edit.set_reference_list(
        Catalog(
            codes={
                "agencies": {
                    "ANF": "Anti-Narcotics Force",
                    "CUSTOMS": "Pakistan Customs",
                    "OLD": "Retired agency",
                }
            },
            retired={"agencies": frozenset({"OLD"})},
        ),
        "agencies",
    )
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    edit.setFocus()
    return edit


def test_a_code_list_takes_codes_or_labels_and_names_what_it_does_not_know(
    qtbot: QtBot, code_list: CodeListEdit
) -> None:
    qtbot.keyClicks(code_list, "anf, Pakistan Customs, Atlantis, OLD")

    assert code_list.codes() == ("ANF", "CUSTOMS")
    assert code_list.unknown_parts() == ["Atlantis", "OLD"]  # retired codes are not offered


def test_a_code_list_completes_the_part_being_typed(qtbot: QtBot, code_list: CodeListEdit) -> None:
    qtbot.keyClicks(code_list, "ANF, cust")
    popup = code_list.completer().popup()
    assert popup.isVisible()
    assert popup.model().rowCount() == 1

    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)

    assert code_list.text() == "ANF, CUSTOMS, "
    assert code_list.codes() == ("ANF", "CUSTOMS")
    code_list.editingFinished.emit()
    assert code_list.text() == "ANF, CUSTOMS"


def test_mnemonics_are_distinct_while_letters_last() -> None:
    labels = ["Date of seizure", "Date precision", "District", "Drug"]

    marked = with_mnemonics(labels)

    assert [text.replace("&", "") for text in marked] == labels
    letters = [text[text.index("&") + 1].casefold() for text in marked]
    assert len(set(letters)) == len(labels)
    assert marked[0] == "&Date of seizure"
