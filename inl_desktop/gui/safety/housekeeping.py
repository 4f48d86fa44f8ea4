"""The day's check and backup, run in the background once the window is up.

Progress shows in the status bar; the clerk saves, searches and quits meanwhile.
Quitting abandons the work: the backup being written is removed, never left
half-written under a backup's name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from inl_desktop.gui.common.workers import Cancelled, Task
from inl_desktop.services.backups import (
    HousekeepingResult,
    HousekeepingStopped,
    check_and_back_up,
)

DONE_NOTICE_MS = 10_000


class Housekeeping(QObject):
    """Runs ``check_and_back_up`` once in a worker thread and shows how far it got."""

    finished = Signal(object)  # HousekeepingResult
    failed = Signal(str)

    def __init__(
        self,
        db_path: Path,
        now: Callable[[], datetime],
        status_bar: QStatusBar,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db_path = db_path
        self._now = now
        # Set when the window closes: the work stops at its next step.
        self.stopping = threading.Event()
        self.task = Task(self)
        self.label = QLabel(status_bar)
        self.label.setAccessibleName("Housekeeping")
        self.progress = QProgressBar(status_bar)
        self.progress.setAccessibleName("Housekeeping progress")
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        status_bar.insertPermanentWidget(0, self.label)
        status_bar.insertPermanentWidget(1, self.progress)
        self.label.setVisible(False)
        self.progress.setVisible(False)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self._on_hide_timer_timeout)
        self.task.progressed.connect(self._on_task_progressed)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)

    @property
    def running(self) -> bool:
        """Whether the check or backup is under way."""
        return self.task.running

    def start(self) -> None:
        """Begin the check and backup in the background."""
        now = self._now()
        path = self._db_path
        stop = self.stopping.is_set
        self.task.start(lambda report: check_and_back_up(path, now, report, stop))

    def abandon(self) -> None:
        """Stop the work at its next step and wait for it (the window is closing)."""
        self.stopping.set()
        self.task.cancel()
        self.task.wait()

    def _on_task_progressed(self, percent: int, what: str) -> None:
        self.label.setText(what if percent < 0 else f"{what} {percent}%")
        self.progress.setRange(0, 0 if percent < 0 else 100)
        if percent >= 0:
            self.progress.setValue(percent)
        self.label.setVisible(True)
        self.progress.setVisible(True)

    def _on_task_succeeded(self, result: HousekeepingResult) -> None:
        self.progress.setVisible(False)
        if result.backup is not None:
            self.label.setText("Today's backup is made")
            self.label.setVisible(True)
            self._hide_timer.start(DONE_NOTICE_MS)
        else:
            self.label.setVisible(False)
        self.finished.emit(result)

    def _on_task_failed(self, error: object) -> None:
        self.progress.setVisible(False)
        self.label.setVisible(False)
        if isinstance(error, Cancelled | HousekeepingStopped):
            return
        self.failed.emit(f"The daily check and backup could not run: {error}")

    def _on_hide_timer_timeout(self) -> None:
        self.label.setVisible(False)
