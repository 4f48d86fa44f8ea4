"""The row that runs a long job: Start, Cancel and the bar follow the work, and a
failure is said in the page's words, a bug also reported like any crash."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from inl_desktop.domain.errors import UserError
from inl_desktop.gui.common.task_controls import TaskControls, show_task_failure
from inl_desktop.gui.common.workers import Task


def run_failing(qtbot: QtBot, page: QWidget, error: Exception) -> tuple[TaskControls, QLabel]:
    """Run work that raises ``error`` on ``page`` and wait until the page has said so."""
    task = Task(page)
    controls = TaskControls(task, "&Run", "Run progress", page)
    label = QLabel(page)
    task.failed.connect(
        lambda failure: show_task_failure(
            label, failure, expected="Nothing was run: ", unexpected="The run failed unexpectedly"
        )
    )

    def work(_report: Callable[[int, str], None]) -> None:
        raise error

    with qtbot.waitSignal(task.failed, timeout=10_000):
        controls.start(work)
        assert not controls.start_button.isEnabled()
        assert controls.cancel_button.isEnabled()
    return controls, label


@pytest.fixture
def page(qtbot: QtBot, app: QApplication) -> QWidget:
    """A page for the row; the test holds it, Qt owns what is put on it."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def reported(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """The exceptions handed to sys.excepthook during the test."""
    seen: list[BaseException] = []

    def hook(_kind: type[BaseException], error: BaseException, _tb: TracebackType | None) -> None:
        seen.append(error)

    monkeypatch.setattr(sys, "excepthook", hook)
    return seen


def test_a_refusal_is_said_and_the_row_is_ready_again(
    qtbot: QtBot, page: QWidget, reported: list[BaseException]
) -> None:
    controls, label = run_failing(qtbot, page, UserError("the file is locked"))

    assert label.text() == "Nothing was run: the file is locked"
    assert controls.start_button.isEnabled()
    assert not controls.cancel_button.isEnabled()
    assert controls.progress.isHidden()
    assert reported == []


def test_a_bug_is_said_and_reported(
    qtbot: QtBot, page: QWidget, reported: list[BaseException]
) -> None:
    controls, label = run_failing(qtbot, page, ZeroDivisionError("division by zero"))

    assert label.text() == "The run failed unexpectedly: division by zero"
    assert [type(error) for error in reported] == [ZeroDivisionError]
    assert controls.start_button.isEnabled()
