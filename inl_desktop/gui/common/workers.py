"""Running slow reads off the GUI thread; results come back by signal."""

from __future__ import annotations

import contextlib
import sys
import threading
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


class _Jobs:
    """The jobs a pool has been given, kept alive by Python until the pool is idle.

    Qt does not delete them (auto-delete off): a job's Python object, freed by a
    garbage collection in the GUI thread while its ``run`` was still going in the
    worker, would take the object the worker is running with it.
    """

    def __init__(self, pool: QThreadPool) -> None:
        self._pool = pool
        self._held: list[QRunnable] = []

    def start(self, job: QRunnable) -> None:
        """Hand ``job`` to the pool, holding it (and letting go of finished ones)."""
        if self._pool.activeThreadCount() == 0:
            self._held.clear()  # nothing runs: every job held has returned or was dropped
        job.setAutoDelete(False)
        self._held.append(job)
        self._pool.start(job)


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
        # No parent: a child relay is deleted with this object's children, possibly
        # before the pool waits for a job that then emits on it. Unparented, the relay
        # lives as long as Python holds it, and every job does.
        self._relay = _Relay()
        self._relay.finished.connect(self._on_relay_finished)
        self._relay.failed.connect(self._on_relay_failed)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._jobs = _Jobs(self._pool)

    def start(self, work: Callable[[], Any]) -> None:
        """Queue ``work``; a result from an earlier request will be ignored."""
        self._ticket += 1
        self._pool.clear()
        self._jobs.start(_Job(self._ticket, work, self._relay))

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued work is done (for shutdown and tests)."""
        return self._pool.waitForDone(msecs)

    def _on_relay_finished(self, ticket: int, result: object) -> None:
        if ticket == self._ticket:
            self.result_ready.emit(result)

    def _on_relay_failed(self, ticket: int, message: str) -> None:
        if ticket == self._ticket:
            self.failed.emit(message)


class Cancelled(Exception):
    """Raised inside a task's progress callback when the user pressed Cancel."""


class _TaskRelay(QObject):
    progressed = Signal(int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class _TaskJob(QRunnable):
    def __init__(self, work: Callable[[Callable[[int, str], None]], Any], task: Task) -> None:
        super().__init__()
        self._work = work
        self._task = task

    def run(self) -> None:
        relay = self._task.relay
        try:
            result = self._work(self._task.report)
        except Exception as error:  # delivered to the GUI thread, which decides
            with contextlib.suppress(RuntimeError):
                relay.failed.emit(error)
            return
        with contextlib.suppress(RuntimeError):
            relay.succeeded.emit(result)


class Task(QObject):
    """Long work (export, consolidation) in a worker thread, with progress and Cancel.

    ``work(report)`` runs off the GUI thread and must not touch widgets; it calls
    ``report(done, what)`` now and then, which raises ``Cancelled`` once the user has
    cancelled. Results and errors (the exception object) come back by signal.
    """

    progressed = Signal(int, str)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.relay = _TaskRelay()  # no parent: see LatestOnly; the running job holds it
        self.relay.progressed.connect(self.progressed)
        self.relay.succeeded.connect(self._on_relay_succeeded)
        self.relay.failed.connect(self._on_relay_failed)
        self._cancel = threading.Event()
        self._running = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._jobs = _Jobs(self._pool)

    @property
    def running(self) -> bool:
        """Whether work is under way."""
        return self._running

    def start(self, work: Callable[[Callable[[int, str], None]], Any]) -> None:
        """Run ``work`` in the background."""
        self._cancel.clear()
        self._running = True
        self._jobs.start(_TaskJob(work, self))

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._cancel.set()

    def report(self, done: int, what: str) -> None:
        """Called by the work (in its thread)."""
        if self._cancel.is_set():
            raise Cancelled
        with contextlib.suppress(RuntimeError):
            self.relay.progressed.emit(done, what)

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the work is done (shutdown and tests)."""
        return self._pool.waitForDone(msecs)

    def _on_relay_succeeded(self, result: object) -> None:
        self._running = False
        self.succeeded.emit(result)

    def _on_relay_failed(self, error: object) -> None:
        self._running = False
        self.failed.emit(error)
