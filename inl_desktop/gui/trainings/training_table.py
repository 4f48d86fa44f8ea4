"""The training sessions list's table model: rows fetched from SQL a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from sqlalchemy import Connection

from inl_desktop.domain.fields import ATTENDANCE_MODE, TRAINING_STATUS
from inl_desktop.gui.common.paged_model import UUID_ROLE as UUID_ROLE
from inl_desktop.gui.common.paged_model import PagedTableModel
from inl_desktop.services.context import AppContext
from inl_desktop.services.record_lists import SESSION_COLUMNS as COLUMNS
from inl_desktop.services.record_lists import SESSION_PAGE_SIZE as PAGE_SIZE
from inl_desktop.services.record_lists import SESSION_SORTABLE_KEYS as SORTABLE_KEYS
from inl_desktop.services.record_lists import TrainingFilter, session_rows

DRAFT = QColor("#6b6b6b")
CANCELLED = QColor("#6b6b6b")

_TRAINING_STATUS = dict(TRAINING_STATUS)
_ATTENDANCE_MODE = dict(ATTENDANCE_MODE)
_LABEL_LISTS = {
    "topic": "training_topics",
    "venue_type": "venue_types",
    "funding_program": "funding_programs",
}
_FIGURE_TIPS = {
    "enrolled": "Participants of this session (counted for the rows shown)",
    "completed": "Participants who completed this session",
    "completed_women": "Women who completed this session (those whose sex is not "
    "recorded are shown apart, after +)",
}


class TrainingTableModel(PagedTableModel):
    """One row per session, fetched on demand in pages; thin: it only formats cells."""

    columns = COLUMNS
    page_size = PAGE_SIZE

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(ctx, TrainingFilter(), "start_date", True, parent)

    def fetch_page(self, connection: Connection, offset: int) -> list[dict[str, Any]]:
        return session_rows(connection, self._filter, self._sort_key, self._descending, offset)

    def is_sortable(self, column: int) -> bool:
        """Whether the list can be sorted by a column (counted figures cannot)."""
        return super().is_sortable(column) and COLUMNS[column].key in SORTABLE_KEYS

    def _header_tip(self, column: Any) -> str | None:
        if column.key in _FIGURE_TIPS:
            return _FIGURE_TIPS[column.key] + "; the list cannot be sorted by it"
        return None

    def _row_data(self, row: dict[str, Any], column: Any, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column.key == "title":
            return row["title"]
        if role == Qt.ItemDataRole.ForegroundRole:
            if row["status"] == "draft":
                return QBrush(DRAFT)
            if row["training_status"] == "cancelled":
                return QBrush(CANCELLED)
        return None

    # Cells ----------------------------------------------------------------------

    def _cell(self, row: dict[str, Any], key: str) -> str:
        if key in _LABEL_LISTS:
            return self._ctx.catalog().label(_LABEL_LISTS[key], row[key])
        if key == "training_status":
            return _TRAINING_STATUS.get(row[key], row[key] or "")
        if key == "attendance_mode":
            return _ATTENDANCE_MODE.get(row[key], row[key] or "")
        if key == "completed_women" and row.get("completed_sex_not_recorded"):
            # Never a bare figure of women when some sex is unknown: it says so.
            unknown = int(row["completed_sex_not_recorded"])
            return f"{int(row[key]):,} (+{unknown:,} sex not recorded)"
        if key in _FIGURE_TIPS:
            return f"{int(row[key]):,}"
        return super()._cell(row, key)
