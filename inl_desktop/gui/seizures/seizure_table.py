"""The seizure list's table model: rows fetched from SQL a page at a time."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from sqlalchemy import Connection

from inl_desktop.domain.fields import REPORTING_BASIS
from inl_desktop.domain.units import mg_to_kg
from inl_desktop.gui.common.paged_model import Index, PagedTableModel
from inl_desktop.services.context import AppContext
from inl_desktop.services.record_lists import SEIZURE_COLUMNS as COLUMNS
from inl_desktop.services.record_lists import SEIZURE_PAGE_SIZE as PAGE_SIZE
from inl_desktop.services.record_lists import SeizureFilter, parse_timestamp, seizure_rows

UUID_ROLE = Qt.ItemDataRole.UserRole
REVISION_ROLE = Qt.ItemDataRole.UserRole + 1
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

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            column = COLUMNS[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.label
            if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(row, column.key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        flagged = column.key == "kg_equivalent" and row["kg_equivalent_mg"] is None
        if role == Qt.ItemDataRole.ToolTipRole and flagged:
            return "No kg-equivalent: this drug has no known mass per unit"
        if role == Qt.ItemDataRole.ForegroundRole:
            if flagged:
                return QBrush(FLAGGED)
            if row["status"] == "draft":
                return QBrush(DRAFT)
        if role == UUID_ROLE:
            return row["uuid"]
        if role == REVISION_ROLE:
            return row["revision"]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_key = COLUMNS[column].key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

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
        if key == "status":
            return "Final" if row["status"] == "final" else "Draft"
        if key == "updated_at":
            stamp = parse_timestamp(row["updated_at"])
            if stamp is None:
                return ""
            return stamp.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
        value = row.get(key)
        return "" if value is None else str(value)

    def uuid_at(self, row: int) -> str | None:
        """The event UUID of a row."""
        return self._rows[row]["uuid"] if 0 <= row < len(self._rows) else None
