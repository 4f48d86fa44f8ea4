"""The counts grid: enrolled and completed by audience category and sex, for events
without a roster (large conferences)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import AttendanceCountDraft
from inl_desktop.domain.fields import ATTENDANCE_COUNT
from inl_desktop.gui.common.part_grid import Column, GridRow, PartModel, PartView
from inl_desktop.gui.trainings.grid_cells import CellProblem, read_cells

_WIDTHS = {"audience": 220, "sex": 90, "enrolled": 90, "completed": 90}
COUNT_COLUMNS = tuple(Column(f, f.label, _WIDTHS[f.name]) for f in ATTENDANCE_COUNT)


class CountsView(PartView):
    """Rows of (audience category, sex, enrolled, completed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts_model = PartModel(COUNT_COLUMNS, self)
        self.set_part_model(self.counts_model)
        self.horizontalHeader().setStretchLastSection(False)

    def set_catalog(self, catalog: Catalog) -> None:
        """Offer and show the audience categories of ``catalog``."""
        self.counts_model.set_catalog(catalog)

    def rows(self) -> list[GridRow]:
        """The rows, top to bottom."""
        return self.counts_model.rows()

    def set_counts(self, counts: Sequence[AttendanceCountDraft]) -> None:
        """Show a session's counts."""
        rows = []
        for count in counts:
            values = {c.name: getattr(count, c.name) for c in COUNT_COLUMNS}
            shown = {name: None if value is None else str(value) for name, value in values.items()}
            rows.append(GridRow(values=shown, uuid=count.uuid))
        self.counts_model.set_rows(rows)

    def add_row(self) -> int:
        """Append a blank row; returns it."""
        return self.counts_model.append_rows([GridRow()])

    def remove_row(self, at: int) -> None:
        """Remove a row."""
        self.counts_model.remove_row(at)

    def read(self) -> tuple[list[tuple[int, AttendanceCountDraft]], list[CellProblem]]:
        """The counts typed (each with its row) and the problems of reading them."""
        lookups = self.counts_model.lookups
        counts: list[tuple[int, AttendanceCountDraft]] = []
        problems: list[CellProblem] = []
        for n, row in enumerate(self.rows()):
            if row.is_blank():
                continue
            count = AttendanceCountDraft(uuid=row.uuid)
            read_cells(count, COUNT_COLUMNS, row, n, lookups, problems)
            counts.append((n, count))
        return counts, problems
