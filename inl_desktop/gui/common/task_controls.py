"""The controls of a long job on a page (export, consolidation): the button that starts
it, Cancel, a progress bar while it runs, and what a failure tells the user."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from inl_desktop.domain.errors import UserError
from inl_desktop.gui.common.workers import Cancelled, Task


class TaskControls(QWidget):
    """Start, Cancel and a progress bar in a row, kept in step with ``task``.

    While the work runs Start is off, Cancel on and the bar shown. Made before the page
    connects its own handlers to the task's ``succeeded`` and ``failed``, the row is back
    at rest when they run (Qt calls slots in the order they were connected), so a
    handler that starts the work again is not undone by it.
    """

    def __init__(
        self, task: Task, start: str, progress: str, parent: QWidget, *, narrow: bool = False
    ) -> None:
        """``start`` is the start button's text, ``progress`` the bar's accessible name;
        ``narrow`` buttons keep their width while the bar is hidden (else they share
        the row)."""
        super().__init__(parent)
        self._task = task
        self.start_button = QPushButton(start, self)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.progress.setAccessibleName(progress)
        if narrow:
            for button in (self.start_button, self.cancel_button):
                button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress, 1)
        self.cancel_button.clicked.connect(task.cancel)
        task.succeeded.connect(self._on_task_ended)
        task.failed.connect(self._on_task_ended)

    def start(self, work: Callable[[Callable[[int, str], None]], Any], steps: int = 0) -> None:
        """Run ``work`` on the task, with a bar of ``steps`` steps (0: busy, no count)."""
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, steps)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._task.start(work)

    def _on_task_ended(self, _outcome: object) -> None:
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)


def show_task_failure(
    label: QLabel,
    error: object,
    *,
    unexpected: str,
    cancelled: str | None = None,
    expected: str = "",
) -> None:
    """Say in ``label`` why a task ended without a result.

    ``Cancelled`` says ``cancelled`` (on pages that offer Cancel); a UserError says its
    own message after ``expected``. Anything else is a bug: ``unexpected`` is shown with
    it, and it goes to ``sys.excepthook`` to be reported like any crash rather than
    live on only in a label.
    """
    if cancelled is not None and isinstance(error, Cancelled):
        label.setText(cancelled)
    elif isinstance(error, UserError):
        label.setText(f"{expected}{error}")
    else:
        label.setText(f"{unexpected}: {error}")
        if isinstance(error, BaseException):
            sys.excepthook(type(error), error, error.__traceback__)
