"""Start-up's questions in the window: a second instance opens read-only, and the
questions can be answered by a test instead of a person.

What opening does with the answers is in tests/services/test_opening.py; the slower
checks and the day's backup run after the window is shown (test_housekeeping).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from inl_desktop.gui.main_window import MainWindow
from inl_desktop.gui.startup import PROGRAM, StartupQuestions
from inl_desktop.services.opening import (
    DatabaseInUse,
    Purpose,
    open_database_for,
)
from inl_desktop.store.lock import WriterLock, this_process
from tests.conftest import Clock
from tests.scripted_opening import ScriptedAnswers

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)


class ScriptedQuestions(ScriptedAnswers, StartupQuestions):
    """Start-up's questions (the window's kind) answered as the test says, and recorded."""

    def __init__(self, *, read_only: bool = True, restore: bool = True, move: bool = True) -> None:
        StartupQuestions.__init__(self)
        ScriptedAnswers.__init__(self, read_only=read_only, restore=restore, move=move)


def test_a_second_instance_opens_a_read_only_window(
    qtbot: QtBot, app: QApplication, db_path: Path, clock: Clock
) -> None:
    with WriterLock(db_path, this_process(PROGRAM, "clerk")):
        questions = ScriptedQuestions(read_only=True)
        database = open_database_for(db_path, Purpose(PROGRAM), questions, clock)
        assert database is not None
        try:
            assert len(questions.asked) == 1 and "by clerk" in questions.asked[0]
            window = MainWindow(database.ctx, database.path, read_only=True)
            qtbot.addWidget(window)
            assert window.windowTitle().endswith("(read-only)")
            assert not window.backups.restore_file_button.isEnabled()
        finally:
            database.close()


def answer_the_message_box(qtbot: QtBot, button_text: str, seen: list[str]) -> None:
    """Click the button of the message box that is about to show, and note its text."""

    def click(attempts_left: int = 50) -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        shown = [box for box in boxes if box.isVisible()]
        if shown:
            box = shown[0]
            seen.append(box.informativeText())
            (button,) = [b for b in box.buttons() if b.text() == button_text]
            button.click()
        elif attempts_left:
            QTimer.singleShot(20, lambda: click(attempts_left - 1))

    QTimer.singleShot(0, click)


@pytest.mark.parametrize(("button", "answer"), [("Open &read-only", True), ("&Quit", False)])
def test_the_in_use_question_names_the_holder_and_returns_the_choice(
    qtbot: QtBot, app: QApplication, db_path: Path, button: str, answer: bool
) -> None:
    seen: list[str] = []
    busy = DatabaseInUse(db_path, this_process(PROGRAM, "clerk"))
    answer_the_message_box(qtbot, button, seen)

    assert StartupQuestions().open_read_only(busy) is answer

    assert len(seen) == 1 and "by clerk" in seen[0] and str(db_path) in seen[0]
