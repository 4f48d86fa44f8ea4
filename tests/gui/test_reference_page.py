"""The reference-lists settings page: choose a list, filter it, add, edit, retire, delete."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.gui.common.reference_item_dialog import ReferenceItemDialog
from inl_desktop.gui.common.reference_page import ReferenceListsPage
from inl_desktop.services.context import AppContext
from inl_desktop.services.reference_lists import add_item, editable_lists
from inl_desktop.services.seizures import save_seizure
from inl_desktop.store.models import ReferenceItem
from tests.gui.prompts import ScriptedPrompts


def open_page(
    qtbot: QtBot, ctx: AppContext, prompts: ScriptedPrompts | None = None
) -> ReferenceListsPage:
    """The page, shown (after the test's own records are saved), asking ``prompts``."""
    shown = ReferenceListsPage(ctx, prompts=prompts or ScriptedPrompts())
    qtbot.addWidget(shown)
    shown.resize(1100, 650)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


@pytest.fixture
def page(qtbot: QtBot, app: QApplication, ctx: AppContext) -> ReferenceListsPage:
    """The page, shown, on the PK-ISB database."""
    return open_page(qtbot, ctx)


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def choose(qtbot: QtBot, page: ReferenceListsPage, title: str) -> None:
    """Click a list's title in the chooser."""
    found = page.list_chooser.findItems(title, Qt.MatchFlag.MatchExactly)
    assert len(found) == 1, f"{title} is not offered"
    rect = page.list_chooser.visualItemRect(found[0])
    qtbot.mouseClick(page.list_chooser.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.list_heading.text() == title


def shown_column(page: ReferenceListsPage, column: int) -> list[str]:
    """The cells of one column, as the table shows them (filtered, sorted)."""
    return [str(page.proxy.index(row, column).data()) for row in range(page.proxy.rowCount())]


def row_of(page: ReferenceListsPage, code: str) -> QModelIndex:
    codes = shown_column(page, 0)
    assert code in codes, f"{code} is not shown"
    return page.proxy.index(codes.index(code), 1)


def select_code(qtbot: QtBot, page: ReferenceListsPage, code: str) -> None:
    """Click a code's row in the table."""
    index = row_of(page, code)
    page.table.scrollTo(index)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    entry = page.selected_entry()
    assert entry is not None and entry.code == code


def open_dialog(qtbot: QtBot, page: ReferenceListsPage, button: QWidget) -> ReferenceItemDialog:
    click(qtbot, button)
    dialog = page.item_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def field(dialog: ReferenceItemDialog, name: str) -> QWidget:
    """The dialog's input whose accessible name is ``name``."""
    found = [
        w
        for w in dialog.findChildren(QWidget)
        if w.accessibleName() == name and not isinstance(w.parent(), QComboBox)
    ]
    assert len(found) == 1, f"no single input named {name!r}"
    return found[0]


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    editor = widget.lineEdit() if isinstance(widget, QComboBox) else widget
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


def press_ok(qtbot: QtBot, dialog: ReferenceItemDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None
    click(qtbot, ok)


def stored(ctx: AppContext, list_name: str, code: str) -> ReferenceItem | None:
    with ctx.sessions() as session:
        return session.scalar(
            select(ReferenceItem).where(
                ReferenceItem.list_name == list_name, ReferenceItem.code == code
            )
        )


def seizure_by(ctx: AppContext, agency: str) -> None:
    save_seizure(
        ctx,
        SeizureDraft(
            event_date=date(2026, 5, 2),
            agency=agency,
            items=[SeizureItemDraft(drug="HEROIN", quantity=Decimal("1"), unit="KG")],
        ),
    )


def test_the_chooser_offers_every_list(page: ReferenceListsPage) -> None:
    offered = [page.list_chooser.item(i).text() for i in range(page.list_chooser.count())]

    assert offered == [title for _name, title in editable_lists()]


def test_choosing_a_list_shows_its_codes_and_columns(
    qtbot: QtBot, page: ReferenceListsPage, ctx: AppContext
) -> None:
    choose(qtbot, page, "Districts")

    headers = [
        page.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(page.proxy.columnCount())
    ]
    assert headers[:3] == ["Code", "Label", "Province"]
    assert set(shown_column(page, 0)) == set(ctx.catalog().codes["districts"])
    islamabad = row_of(page, "IS-ISB").row()
    assert page.proxy.index(islamabad, 2).data() == "Islamabad Capital Territory"


def test_adding_an_agency_in_the_dialog_saves_and_shows_it(
    qtbot: QtBot, page: ReferenceListsPage, ctx: AppContext
) -> None:
    choose(qtbot, page, "Agencies")
    dialog = open_dialog(qtbot, page, page.add_button)

    type_into(qtbot, field(dialog, "Code"), "nacta")
    type_into(qtbot, field(dialog, "Label"), "National Counter Terrorism Authority")
    with qtbot.waitSignal(page.lists_changed):
        press_ok(qtbot, dialog)

    assert page.item_dialog is None
    assert "NACTA" in shown_column(page, 0)
    selected = page.selected_entry()
    assert selected is not None and selected.code == "NACTA"
    item = stored(ctx, "agencies", "NACTA")
    assert item is not None and item.label == "National Counter Terrorism Authority"
    assert ctx.catalog().has("agencies", "NACTA")


def test_an_invalid_code_is_shown_in_the_dialog_and_nothing_is_saved(
    qtbot: QtBot, page: ReferenceListsPage, ctx: AppContext
) -> None:
    choose(qtbot, page, "Units")
    dialog = open_dialog(qtbot, page, page.add_button)
    type_into(qtbot, field(dialog, "Code"), "a b")
    type_into(qtbot, field(dialog, "Label"), "A bag")

    with qtbot.assertNotEmitted(page.lists_changed):
        press_ok(qtbot, dialog)

    assert dialog.isVisible()
    problems = dialog.error_label.text()
    assert "Code" in problems and "Kind is required" in problems
    assert dialog.focusWidget() is field(dialog, "Code")
    assert stored(ctx, "units", "A B") is None
    assert "A B" not in shown_column(page, 0)


def test_a_district_is_added_under_the_province_typed(
    qtbot: QtBot, page: ReferenceListsPage, ctx: AppContext
) -> None:
    choose(qtbot, page, "Districts")
    dialog = open_dialog(qtbot, page, page.add_button)
    type_into(qtbot, field(dialog, "Code"), "IS-RURAL")
    type_into(qtbot, field(dialog, "Label"), "Islamabad rural")
    type_into(qtbot, field(dialog, "Province"), "PK-IS")

    press_ok(qtbot, dialog)

    item = stored(ctx, "districts", "IS-RURAL")
    assert item is not None and item.parent_code == "PK-IS"


def test_editing_changes_the_label_but_never_the_code(
    qtbot: QtBot, page: ReferenceListsPage, ctx: AppContext
) -> None:
    choose(qtbot, page, "Agencies")
    select_code(qtbot, page, "ANF")
    dialog = open_dialog(qtbot, page, page.edit_button)
    code_field = field(dialog, "Code")
    assert isinstance(code_field, QLineEdit) and code_field.isReadOnly()

    type_into(qtbot, field(dialog, "Label"), "Anti-Narcotics Force, Pakistan")
    press_ok(qtbot, dialog)

    assert row_of(page, "ANF").data() == "Anti-Narcotics Force, Pakistan"
    item = stored(ctx, "agencies", "ANF")
    assert item is not None and item.label == "Anti-Narcotics Force, Pakistan"


def test_every_dialog_input_is_named_after_its_label(
    qtbot: QtBot, page: ReferenceListsPage
) -> None:
    choose(qtbot, page, "Drugs")
    dialog = open_dialog(qtbot, page, page.add_button)
    labels = [label for label in dialog.findChildren(QLabel) if label.buddy() is not None]

    assert len(labels) == 6  # code, label, group, mass per unit, counted, aliases
    mnemonics = []
    for label in labels:
        text = label.text()
        assert "&" in text, f"{text} has no mnemonic"
        mnemonics.append(text[text.index("&") + 1].lower())
        assert label.buddy().accessibleName() == text.replace("&", "")
    assert len(set(mnemonics)) == len(mnemonics)


def test_the_filter_narrows_the_rows_as_you_type(qtbot: QtBot, page: ReferenceListsPage) -> None:
    choose(qtbot, page, "Agencies")
    everything = page.proxy.rowCount()

    qtbot.keyClicks(page.filter_edit, "coast")

    labels = shown_column(page, 1)
    assert 0 < len(labels) < everything
    assert all("coast" in label.lower() for label in labels)
    assert f"of {everything} codes" in page.count_label.text()
    page.filter_edit.clear()
    assert page.proxy.rowCount() == everything


def test_deleting_a_code_in_use_shows_why_and_offers_retiring(
    qtbot: QtBot, app: QApplication, ctx: AppContext
) -> None:
    seizure_by(ctx, "ANF")
    prompts = ScriptedPrompts(yes_no=[False])
    page = open_page(qtbot, ctx, prompts)
    choose(qtbot, page, "Agencies")
    select_code(qtbot, page, "ANF")

    click(qtbot, page.delete_button)

    [(kind, _title, question)] = prompts.asked
    assert kind == "yes_no"
    assert "1 seizure" in question and "Retire" in question
    item = stored(ctx, "agencies", "ANF")
    assert item is not None and not item.retired
    assert "ANF" in shown_column(page, 0)


def test_accepting_the_offer_retires_the_code_in_use(
    qtbot: QtBot, app: QApplication, ctx: AppContext
) -> None:
    seizure_by(ctx, "ANF")
    page = open_page(qtbot, ctx, ScriptedPrompts(yes_no=[True]))
    choose(qtbot, page, "Agencies")
    select_code(qtbot, page, "ANF")

    with qtbot.waitSignal(page.lists_changed):
        click(qtbot, page.delete_button)

    item = stored(ctx, "agencies", "ANF")
    assert item is not None and item.retired
    assert "ANF" in ctx.catalog().retired["agencies"]


def test_deleting_a_retired_code_in_use_only_informs(
    qtbot: QtBot, app: QApplication, ctx: AppContext
) -> None:
    seizure_by(ctx, "ANF")
    prompts = ScriptedPrompts()
    page = open_page(qtbot, ctx, prompts)
    choose(qtbot, page, "Agencies")
    select_code(qtbot, page, "ANF")
    click(qtbot, page.retire_button)

    click(qtbot, page.delete_button)

    [(kind, _title, text)] = prompts.asked
    assert kind == "inform" and "already retired" in text
    assert stored(ctx, "agencies", "ANF") is not None


def test_an_unused_code_is_deleted_after_confirming(
    qtbot: QtBot, app: QApplication, ctx: AppContext
) -> None:
    add_item(ctx, "agencies", "TYPO", "Added by mistake")
    prompts = ScriptedPrompts(yes_no=[True])
    page = open_page(qtbot, ctx, prompts)
    choose(qtbot, page, "Agencies")
    select_code(qtbot, page, "TYPO")

    with qtbot.waitSignal(page.lists_changed):
        click(qtbot, page.delete_button)

    [(kind, _title, question)] = prompts.asked
    assert kind == "yes_no" and "cannot be undone" in question
    assert stored(ctx, "agencies", "TYPO") is None
    assert "TYPO" not in shown_column(page, 0)


def test_retired_codes_show_grey_italic_and_can_be_restored(
    qtbot: QtBot, page: ReferenceListsPage, ctx: AppContext
) -> None:
    choose(qtbot, page, "Agencies")
    select_code(qtbot, page, "PCG")

    click(qtbot, page.retire_button)

    label = row_of(page, "PCG")
    assert label.data() == "Pakistan Coast Guards (retired)"
    font = label.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic()
    assert label.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert page.retire_button.text() == "Res&tore"
    item = stored(ctx, "agencies", "PCG")
    assert item is not None and item.retired

    click(qtbot, page.retire_button)

    assert row_of(page, "PCG").data() == "Pakistan Coast Guards"
    item = stored(ctx, "agencies", "PCG")
    assert item is not None and not item.retired


def test_the_table_model_behaves_as_qt_expects(
    qtbot: QtBot, app: QApplication, ctx: AppContext, qtmodeltester: object
) -> None:
    add_item(ctx, "drugs", "KRATOM", "Kratom", None, {"group": "NPS"})
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "Drugs")
    select_code(qtbot, page, "KRATOM")
    click(qtbot, page.retire_button)

    qtmodeltester.check(page.model)  # type: ignore[attr-defined]


def test_returning_to_the_page_shows_uses_saved_meanwhile(
    qtbot: QtBot, page: ReferenceListsPage, ctx: AppContext
) -> None:
    choose(qtbot, page, "Agencies")
    in_use = page.proxy.columnCount() - 2
    assert page.proxy.index(row_of(page, "PCG").row(), in_use).data() == 0

    seizure_by(ctx, "PCG")
    page.hide()
    page.show()

    assert page.proxy.index(row_of(page, "PCG").row(), in_use).data() == 1


def test_enter_on_a_row_opens_it_for_editing(qtbot: QtBot, page: ReferenceListsPage) -> None:
    choose(qtbot, page, "Agencies")
    select_code(qtbot, page, "CUSTOMS")

    qtbot.keyClick(page.table, Qt.Key.Key_Return)

    dialog = page.item_dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Edit agency CUSTOMS"
    label = field(dialog, "Label")
    assert isinstance(label, QLineEdit) and label.text() == "Pakistan Customs"
