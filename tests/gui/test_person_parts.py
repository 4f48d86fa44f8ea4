"""The person screens' parts: the question whether a new person is one already recorded."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.gui.people.same_person_dialog import SamePersonDialog
from inl_desktop.services.context import AppContext


@pytest.fixture
def dialog(qtbot: QtBot, app: QApplication, ctx: AppContext) -> SamePersonDialog:
    matches = [
        PersonDraft(
            uuid="uuid-ayesha",
            full_name="Ayesha Khan",
            sex="F",
            agency="ICT_POLICE",
            rank="Inspector",
            province="PK-KP",
            national_id="61101-1234567-2",
        ),
        PersonDraft(uuid="uuid-other", full_name="Ayesha Khan", agency="ICT_POLICE"),
    ]
    shown = SamePersonDialog(matches, ctx.catalog())
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_the_persons_already_recorded_are_listed_as_users_know_them(
    dialog: SamePersonDialog,
) -> None:
    table = dialog.table
    first_row = [table.item(0, column).text() for column in range(table.columnCount())]

    assert table.rowCount() == 2
    assert first_row == [
        "Ayesha Khan",
        "Female",
        "Islamabad Capital Territory Police",
        "Inspector",
        "Khyber Pakhtunkhwa",
        "61101-1234567-2",
    ]
    assert table.item(1, 1).text() == ""  # sex not recorded stays blank


def test_open_existing_opens_the_person_chosen(qtbot: QtBot, dialog: SamePersonDialog) -> None:
    dialog.table.selectRow(1)

    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)

    assert dialog.decision() == ("open", "uuid-other")
    assert not dialog.isVisible()


def test_add_anyway_and_cancel(qtbot: QtBot, dialog: SamePersonDialog) -> None:
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.decision() == ("add", None)

    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.decision() == ("cancel", None)
