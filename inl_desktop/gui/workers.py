"""Running slow reads off the GUI thread; results come back by signal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    finished = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, ticket: int, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._ticket = ticket
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:
            # A bug, not a user error: tell the GUI thread and report it like any other.
            self._deliver(self._relay.failed, f"{type(error).__name__}: {error}")
            sys.excepthook(*sys.exc_info())
            return
        self._deliver(self._relay.finished, result)

    def _deliver(self, signal: Any, payload: object) -> None:
        # RuntimeError: the receiving window is gone (the app is closing): nobody to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(self._ticket, payload)


class LatestOnly(QObject):
    """Run a function in the thread pool; only the newest request's result is delivered.

    Typing in a search box starts many requests; older answers are dropped so the
    display never goes back to a stale figure. ``work`` must not touch widgets.
    """

    result_ready = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticket = 0
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_relay_finished)
        self._relay.failed.connect(self._on_relay_failed)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def start(self, work: Callable[[], Any]) -> None:
        """Queue ``work``; a result from an earlier request will be ignored."""
        self._ticket += 1
        self._pool.clear()
        self._pool.start(_Job(self._ticket, work, self._relay))

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued work is done (for shutdown and tests)."""
        return self._pool.waitForDone(msecs)

    def _on_relay_finished(self, ticket: int, result: object) -> None:
        if ticket == self._ticket:
            self.result_ready.emit(result)

    def _on_relay_failed(self, ticket: int, message: str) -> None:
        if ticket == self._ticket:
            self.failed.emit(message)
