"""The main window's areas: their numbers and titles, how each is built on first use,
and the small watchers the window keeps on them.

Each area's module is imported when the area is first built, never at start: the
window opens as soon as the area on show is ready.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast, overload

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.services.context import AppContext

OVERVIEW_AREA, SEIZURES_AREA, TRAININGS_AREA, PEOPLE_AREA, EXPORT_AREA = 0, 1, 2, 3, 4
CONSOLIDATE_AREA, REFERENCE_AREA, DASHBOARD_AREA, REPORT_AREA, BACKUPS_AREA = 5, 6, 7, 8, 9
AREA_TITLES = (
    "Overview",
    "Seizures",
    "Trainings",
    "People",
    "Export for HQ",
    "Consolidate (HQ)",
    "Reference lists",
    "Dashboard",
    "Report",
    "Backups",
)

P = TypeVar("P")


class AreaHost(Protocol):
    """A window that builds its areas on first use."""

    def area(self, row: int) -> QWidget: ...


class Area(Generic[P]):
    """An area of the window by name (``window.seizures``), built when first asked for."""

    def __init__(self, row: int, doc: str) -> None:
        self.row = row
        self.__doc__ = doc

    @overload
    def __get__(self, host: None, owner: type | None = None) -> Area[P]: ...
    @overload
    def __get__(self, host: AreaHost, owner: type | None = None) -> P: ...
    def __get__(self, host: AreaHost | None, owner: type | None = None) -> Area[P] | P:
        if host is None:
            return self
        # The page built for this row is of the class the area is declared with.
        return cast(P, host.area(self.row))


def build_area(
    row: int,
    ctx: AppContext,
    window: QWidget,
    prompts: Prompts,
    db_path: Path,
    *,
    read_only: bool,
) -> Any:
    """The page of area ``row``, its module imported now."""
    if row == OVERVIEW_AREA:
        from inl_desktop.gui.reports.overview import OverviewPage

        return OverviewPage(window)
    if row == SEIZURES_AREA:
        from inl_desktop.gui.seizures.seizure_page import SeizurePage

        return SeizurePage(ctx, window, prompts=prompts)
    if row == TRAININGS_AREA:
        from inl_desktop.gui.trainings.training_page import TrainingPage

        return TrainingPage(ctx, window, prompts=prompts)
    if row == PEOPLE_AREA:
        from inl_desktop.gui.people.people_page import PeoplePage

        return PeoplePage(ctx, window, prompts=prompts)
    if row == EXPORT_AREA:
        from inl_desktop.gui.exchange.export_page import ExportPage

        return ExportPage(ctx, window, prompts=prompts)
    if row == CONSOLIDATE_AREA:
        from inl_desktop.gui.exchange.consolidate_page import ConsolidatePage

        return ConsolidatePage(ctx, window, prompts=prompts)
    if row == REFERENCE_AREA:
        from inl_desktop.gui.common.reference_page import ReferenceListsPage

        return ReferenceListsPage(ctx, window, prompts=prompts)
    if row == DASHBOARD_AREA:
        from inl_desktop.gui.reports.dashboard_page import DashboardPage

        return DashboardPage(ctx, window)
    if row == REPORT_AREA:
        from inl_desktop.gui.reports.report_page import ReportPage

        return ReportPage(ctx, window, prompts=prompts)
    if row == BACKUPS_AREA:
        from inl_desktop.gui.safety.backups_page import BackupsPage

        return BackupsPage(ctx, db_path, window, read_only=read_only, prompts=prompts)
    raise ValueError(f"no area {row}")


def first_tab_stop(page: QWidget) -> QWidget | None:
    """The first widget inside ``page`` that Tab reaches (None when there is none).

    Found among the page's children in the order they were made, which is their
    tab order on these pages, not by walking Qt's focus chain: every
    ``nextInFocusChain()`` from Python would make the widget it returns a Python
    child of the one before (see gui.record_form.tab_stops).
    """
    for widget in page.findChildren(QWidget):
        if (
            widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.isVisibleTo(page)
            and widget.isEnabled()
        ):
            return widget
    return None


class FirstPaint(QObject):
    """Tells once that the widget it watches was painted, then stops watching."""

    painted = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self.painted.emit()
        return False
