"""The first-start dialog: choose country and post, save them with the reference data."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from inl_desktop.gui.common.post_setup import PostSetupDialog
from inl_desktop.services.context import AppContext
from inl_desktop.store.models import PostIdentity, ReferenceItem
from inl_desktop.store.reference import list_files, read_list

# The offscreen platform used for tests cannot resize native windows to their size
# hints and says so once per shown window; it is noise, not a fault of the app.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)


@pytest.fixture
def dialog(qtbot: QtBot, app: QApplication, first_start_ctx: AppContext) -> PostSetupDialog:
    """The dialog, shown, on a database without a post."""
    shown = PostSetupDialog(first_start_ctx)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def button(dialog: PostSetupDialog, which: QDialogButtonBox.StandardButton) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox, "buttons")
    assert box is not None
    found = box.button(which)
    assert found is not None
    return found


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def choose_post(dialog: PostSetupDialog, code: str) -> None:
    """Pick a post from the combo's list, as a user does with the mouse or arrow keys."""
    index = dialog.post_combo.findText(code)
    assert index >= 0, f"{code} is not offered"
    dialog.post_combo.setCurrentIndex(index)


def type_post_code(qtbot: QtBot, dialog: PostSetupDialog, text: str) -> None:
    """Replace the post combo's text by typing into it."""
    editor = dialog.post_combo.lineEdit()
    assert editor is not None, "the post code combo is not editable"
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


def stored_post(ctx: AppContext) -> PostIdentity | None:
    with ctx.sessions() as session:
        return session.scalar(select(PostIdentity))


def reference_item_count(ctx: AppContext) -> int:
    with ctx.sessions() as session:
        return session.scalar(select(func.count()).select_from(ReferenceItem)) or 0


def test_the_form_is_shown_inside_the_dialog(dialog: PostSetupDialog) -> None:
    """The fields and buttons must be on screen, not in a hidden window of their own."""
    ok = button(dialog, QDialogButtonBox.StandardButton.Ok)

    for widget in (dialog.country_combo, dialog.post_combo, dialog.name_edit, ok):
        assert widget.isVisible(), widget.objectName() or widget.text()
        assert widget.window() is dialog
    assert dialog.width() >= dialog.country_combo.width() > 0


def test_country_combo_offers_pakistan(dialog: PostSetupDialog) -> None:
    combo = dialog.country_combo
    offered = [combo.itemText(i) for i in range(combo.count())]

    assert any("Pakistan" in text for text in offered)
    assert "Pakistan" in combo.currentText()


def test_choosing_a_post_fills_its_name(dialog: PostSetupDialog) -> None:
    choose_post(dialog, "PK-LHE")

    assert dialog.name_edit.text() == "Lahore"


def test_ok_saves_the_post_and_seeds_the_reference_lists(
    qtbot: QtBot, dialog: PostSetupDialog, first_start_ctx: AppContext
) -> None:
    assert reference_item_count(first_start_ctx) == 0
    choose_post(dialog, "PK-LHE")

    click(qtbot, button(dialog, QDialogButtonBox.StandardButton.Ok))

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    post = first_start_ctx.post()
    assert (post.code, post.name, post.country) == ("PK-LHE", "Lahore", "PK")
    catalog = first_start_ctx.catalog()
    for list_name in ("provinces", "agencies", "drugs", "units"):
        expected = {row.code for row in read_list(list_files("PK")[list_name])}
        assert set(catalog.codes[list_name]) == expected, list_name


def test_invalid_post_code_shows_an_error_and_stores_nothing(
    qtbot: QtBot, dialog: PostSetupDialog, first_start_ctx: AppContext
) -> None:
    assert dialog.error_label.text() == ""
    type_post_code(qtbot, dialog, "XX")

    click(qtbot, button(dialog, QDialogButtonBox.StandardButton.Ok))

    assert dialog.isVisible()
    assert "XX" in dialog.error_label.text()
    assert stored_post(first_start_ctx) is None
    assert reference_item_count(first_start_ctx) == 0


def test_after_a_refused_code_a_listed_post_can_still_be_saved(
    qtbot: QtBot, dialog: PostSetupDialog, first_start_ctx: AppContext
) -> None:
    type_post_code(qtbot, dialog, "XX")
    click(qtbot, button(dialog, QDialogButtonBox.StandardButton.Ok))
    choose_post(dialog, "PK-PEW")

    click(qtbot, button(dialog, QDialogButtonBox.StandardButton.Ok))

    assert dialog.result() == QDialog.DialogCode.Accepted
    post = stored_post(first_start_ctx)
    assert post is not None
    assert (post.code, post.name) == ("PK-PEW", "Peshawar")


def test_typing_a_listed_post_code_saves_that_post_s_name(
    qtbot: QtBot, dialog: PostSetupDialog, first_start_ctx: AppContext
) -> None:
    """The post combo is editable: a typed code must not keep the first post's name."""
    type_post_code(qtbot, dialog, "PK-KHI")

    click(qtbot, button(dialog, QDialogButtonBox.StandardButton.Ok))

    post = stored_post(first_start_ctx)
    assert post is not None
    assert (post.code, post.name) == ("PK-KHI", "Karachi")


def test_cancel_stores_nothing(
    qtbot: QtBot, dialog: PostSetupDialog, first_start_ctx: AppContext
) -> None:
    click(qtbot, button(dialog, QDialogButtonBox.StandardButton.Cancel))

    assert dialog.result() == QDialog.DialogCode.Rejected
    assert stored_post(first_start_ctx) is None


def test_every_input_is_named_after_its_label(dialog: PostSetupDialog) -> None:
    """Screen readers announce accessibleName; it must match the visible label."""
    labels = {
        label.buddy(): label for label in dialog.findChildren(QLabel) if label.buddy() is not None
    }
    inputs: list[QWidget] = [
        *dialog.findChildren(QComboBox),
        # The editable combo's own line edit is part of the combo, not a separate input.
        *(e for e in dialog.findChildren(QLineEdit) if not isinstance(e.parent(), QComboBox)),
    ]

    assert len(inputs) == 3
    for widget in inputs:
        assert widget in labels, f"{widget.objectName()} has no label"
        assert widget.accessibleName() == labels[widget].text().replace("&", "")
