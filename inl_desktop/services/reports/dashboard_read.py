"""The dashboard's figures for the seizure list's filter, read on a connection of their own.

The trainings' charts follow the seizures' period: the dashboard has one filter bar.
"""

from __future__ import annotations

from inl_desktop.domain.catalog import Catalog
from inl_desktop.services.context import AppContext
from inl_desktop.services.reports.dashboard import DashboardFigures, dashboard_figures
from inl_desktop.store.seizure_list import SeizureFilter
from inl_desktop.store.training_list import TrainingFilter

__all__ = ["DashboardFigures", "SeizureFilter", "read_dashboard"]


def read_dashboard(ctx: AppContext, seizures: SeizureFilter, catalog: Catalog) -> DashboardFigures:
    """The figures of every chart: seizures as ``seizures`` selects, trainings in its period.

    ``catalog`` is passed in, read on the GUI thread: the context caches it, and a
    worker thread must not fill that cache.
    """
    trainings = TrainingFilter(start=seizures.start, end=seizures.end)
    with ctx.engine.connect() as connection:
        return dashboard_figures(connection, seizures, trainings, catalog)
