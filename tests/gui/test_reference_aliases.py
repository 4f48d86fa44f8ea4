"""Aliases on the reference lists page: shown in their column and found by the filter,
typed in the dialog, saved and logged, and used by the next import; an alias that
names another code is refused in the dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inl_desktop.gui.common.reference_item_dialog import ReferenceItemDialog
from inl_desktop.gui.common.reference_page import ReferenceListsPage
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.spellings import suggest_code
from inl_desktop.store.models import ChangeLogEntry, ReferenceItem


@pytest.fixture
def page(qtbot: QtBot, app: QApplication, ctx: AppContext) -> ReferenceListsPage:
    """The page, shown, on the PK-ISB database."""
    shown = ReferenceListsPage(ctx)
    qtbot.addWidget(shown)
    shown.resize(1100, 650)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def choose(qtbot: QtBot, page: ReferenceListsPage, title: str) -> None:
    found = page.list_chooser.findItems(title, Qt.MatchFlag.MatchExactly)
    rect = page.list_chooser.visualItemRect(found[0])
    qtbot.mouseClick(page.list_chooser.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.list_heading.text() == title


def column(page: ReferenceListsPage, header: str) -> int:
    headers = [
        page.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(page.proxy.columnCount())
    ]
    return headers.index(header)


def cell(page: ReferenceListsPage, code: str, header: str) -> str:
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, 0).data() == code:
            return str(page.proxy.index(row, column(page, header)).data())
    raise AssertionError(f"{code} is not shown")


def edit_code(qtbot: QtBot, page: ReferenceListsPage, code: str) -> ReferenceItemDialog:
    """Click a code's row, then Edit."""
    codes = [str(page.proxy.index(r, 0).data()) for r in range(page.proxy.rowCount())]
    index = page.proxy.index(codes.index(code), 1)
    page.table.scrollTo(index)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    click(qtbot, page.edit_button)
    dialog = page.item_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def aliases_input(dialog: ReferenceItemDialog) -> QLineEdit:
    found = [w for w in dialog.findChildren(QLineEdit) if w.accessibleName() == "Aliases"]
    assert len(found) == 1
    return found[0]


def type_into(qtbot: QtBot, editor: QLineEdit, text: str) -> None:
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


def press_ok(qtbot: QtBot, dialog: ReferenceItemDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None
    click(qtbot, ok)


def stored_aliases(ctx: AppContext, list_name: str, code: str) -> str:
    with ctx.sessions() as session:
        return str(
            session.scalar(
                select(ReferenceItem.aliases).where(
                    ReferenceItem.list_name == list_name, ReferenceItem.code == code
                )
            )
        )


def test_the_aliases_of_the_lists_are_shown_and_found_by_the_filter(
    qtbot: QtBot, page: ReferenceListsPage
) -> None:
    choose(qtbot, page, "Provinces")

    assert "NWFP" in cell(page, "PK-KP", "Aliases").split(" | ")
    qtbot.keyClicks(page.filter_edit, "kpk")
    assert [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())] == ["PK-KP"]


def test_aliases_typed_in_the_dialog_are_saved_logged_and_used_by_imports(
    qtbot: QtBot, page: ReferenceListsPage, ctx: AppContext
) -> None:
    choose(qtbot, page, "Agencies")
    assert suggest_code(ctx.catalog(), "agencies", "Narcotics Control Division") is None
    dialog = edit_code(qtbot, page, "MNC")
    assert aliases_input(dialog).text() == ""

    type_into(qtbot, aliases_input(dialog), "Narcotics Control Division; N.C.D. | ncd")
    with qtbot.waitSignal(page.lists_changed):
        press_ok(qtbot, dialog)

    assert stored_aliases(ctx, "agencies", "MNC") == "Narcotics Control Division|N.C.D."
    assert cell(page, "MNC", "Aliases") == "Narcotics Control Division | N.C.D."
    with ctx.sessions() as session:
        logged = session.execute(
            select(ChangeLogEntry.action, ChangeLogEntry.old_value, ChangeLogEntry.new_value).where(
                ChangeLogEntry.record_uuid == "agencies:MNC", ChangeLogEntry.field == "aliases"
            )
        ).all()
    assert logged == [("update", None, "Narcotics Control Division|N.C.D.")]
    catalog = ctx.catalog()
    assert suggest_code(catalog, "agencies", "NARCOTICS CONTROL DIVISION.") == "MNC"
    assert suggest_code(catalog, "agencies", "NCD") == "MNC"

    dialog = edit_code(qtbot, page, "MNC")
    assert aliases_input(dialog).text() == "Narcotics Control Division | N.C.D."
    type_into(qtbot, aliases_input(dialog), "")
    press_ok(qtbot, dialog)
    assert stored_aliases(ctx, "agencies", "MNC") == ""
    assert suggest_code(ctx.catalog(), "agencies", "NCD") is None


def test_an_alias_naming_another_code_is_refused_in_the_dialog(
    qtbot: QtBot, page: ReferenceListsPage, ctx: AppContext
) -> None:
    choose(qtbot, page, "Provinces")
    dialog = edit_code(qtbot, page, "PK-PB")

    type_into(qtbot, aliases_input(dialog), "Panjab | N.W.F.P")
    with qtbot.assertNotEmitted(page.lists_changed):
        press_ok(qtbot, dialog)

    assert dialog.isVisible()
    assert "'N.W.F.P' already names PK-KP (Khyber Pakhtunkhwa)" in dialog.error_label.text()
    assert dialog.focusWidget() is aliases_input(dialog)
    assert stored_aliases(ctx, "provinces", "PK-PB") == "Panjab"
    assert suggest_code(ctx.catalog(), "provinces", "NWFP") == "PK-KP"


def test_a_new_code_is_added_with_its_aliases(
    qtbot: QtBot, page: ReferenceListsPage, ctx: AppContext
) -> None:
    choose(qtbot, page, "Agencies")
    click(qtbot, page.add_button)
    dialog = page.item_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    inputs = {w.accessibleName(): w for w in dialog.findChildren(QLineEdit)}
    type_into(qtbot, inputs["Code"], "NACTA")
    type_into(qtbot, inputs["Label"], "National Counter Terrorism Authority")
    type_into(qtbot, aliases_input(dialog), "N.A.C.T.A. | Counter Terrorism Authority")

    press_ok(qtbot, dialog)

    assert stored_aliases(ctx, "agencies", "NACTA") == "N.A.C.T.A.|Counter Terrorism Authority"
    assert suggest_code(ctx.catalog(), "agencies", "Authority, Counter-Terrorism") == "NACTA"
