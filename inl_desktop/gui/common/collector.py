"""Python's cycle collector, run in the GUI thread only.

Left to itself, the collector runs in whichever thread happens to allocate when
its thresholds trip, often a worker thread busy reading the database. If the
garbage it finds holds a widget that Python owns (a closed dialog or page in a
reference cycle), the widget is destroyed in that worker thread, which Qt does
not allow: at best warnings, at worst a crash some time later. So while the GUI
runs, automatic collection is off and this timer collects in the GUI thread,
by the same thresholds the collector itself would use.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    """Turns automatic collection off and collects on a GUI-thread timer until
    ``stop`` (which turns it back on as it was)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def collect_due(self) -> int | None:
        """Collect the generations whose thresholds are passed; the oldest collected."""
        first, second, third = gc.get_threshold()
        young, middle, old = gc.get_count()
        if young <= first:
            return None
        generation = 2 if old > third else 1 if middle > second else 0
        gc.collect(generation)
        return generation

    def stop(self) -> None:
        """Collect everything once, here, and give collection back to Python."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def _on_timer_timeout(self) -> None:
        self.collect_due()
