"""The seizure list's table model: rows fetched from SQL a page at a time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from sqlalchemy import Connection

from inl_desktop.domain.fields import REPORTING_BASIS
from inl_desktop.domain.units import mg_to_kg
from inl_desktop.gui.common.paged_model import UUID_ROLE as UUID_ROLE
from inl_desktop.gui.common.paged_model import PagedTableModel
from inl_desktop.services.context import AppContext
from inl_desktop.services.record_lists import SEIZURE_COLUMNS as COLUMNS
from inl_desktop.services.record_lists import SEIZURE_PAGE_SIZE as PAGE_SIZE
from inl_desktop.services.record_lists import SeizureFilter, seizure_rows

FLAGGED = QColor("#b00020")
DRAFT = QColor("#6b6b6b")

_BASIS = dict(REPORTING_BASIS)
_LABEL_LISTS = {
    "agency": "agencies",
    "drug": "drugs",
    "unit": "units",
    "province": "provinces",
    "district": "districts",
    "transport_mode": "transport_modes",
}


def date_text(row: dict[str, Any]) -> str:
    """A seizure's date as reported: a day, a month, a year or an aggregate's period."""
    start, end = row["period_start"], row["period_end"]
    if row["basis"] == "aggregate":
        return f"{start} – {end}" if start else ""
    day = row["event_date"]
    if day is None:
        return ""
    if row["date_precision"] == "month":
        return str(day)[:7]
    if row["date_precision"] == "year":
        return str(day)[:4]
    return str(day)


def kg_text(mg: int | None) -> str:
    """Kilograms to the gram, with thousands separators."""
    kg = mg_to_kg(mg)
    if kg is None:
        return ""
    return f"{kg.quantize(Decimal('0.001')):,}"


class SeizureTableModel(PagedTableModel):
    """One row per drug item, fetched on demand in pages; thin: it only formats cells."""

    columns = COLUMNS
    page_size = PAGE_SIZE

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(ctx, SeizureFilter(), "date", True, parent)

    def fetch_page(self, connection: Connection, offset: int) -> list[dict[str, Any]]:
        return seizure_rows(connection, self._filter, self._sort_key, self._descending, offset)

    def _row_data(self, row: dict[str, Any], column: Any, role: int) -> Any:
        flagged = column.key == "kg_equivalent" and row["kg_equivalent_mg"] is None
        if role == Qt.ItemDataRole.ToolTipRole and flagged:
            return "No kg-equivalent: this drug has no known mass per unit"
        if role == Qt.ItemDataRole.ForegroundRole:
            if flagged:
                return QBrush(FLAGGED)
            if row["status"] == "draft":
                return QBrush(DRAFT)
        return None

    # Cells ----------------------------------------------------------------------

    def _cell(self, row: dict[str, Any], key: str) -> str:
        catalog = self._ctx.catalog()
        if key == "date":
            return date_text(row)
        if key == "basis":
            return _BASIS.get(row["basis"], row["basis"] or "")
        if key in _LABEL_LISTS:
            return catalog.label(_LABEL_LISTS[key], row[key])
        if key == "quantity":
            return f"{Decimal(row['quantity']):,f}" if row["quantity"] else ""
        if key == "kg_equivalent":
            text = kg_text(row["kg_equivalent_mg"])
            return text or "no kg-equivalent"
        return super()._cell(row, key)
