"""The people directory's table model: persons fetched from SQL a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from sqlalchemy import Connection

from inl_desktop.domain.fields import SEX
from inl_desktop.gui.common.paged_model import LEFT, REVISION_ROLE, RIGHT, Index, PagedTableModel
from inl_desktop.gui.common.paged_model import UUID_ROLE as UUID_ROLE
from inl_desktop.services.context import AppContext
from inl_desktop.services.record_lists import PEOPLE_COLUMNS as COLUMNS
from inl_desktop.services.record_lists import PEOPLE_PAGE_SIZE as PAGE_SIZE
from inl_desktop.services.record_lists import PeopleFilter, people_rows

DRAFT = QColor("#6b6b6b")

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ROLES = frozenset((_DISPLAY, _ALIGNMENT, _FOREGROUND, int(UUID_ROLE), int(REVISION_ROLE)))
_SEX = dict(SEX)
_LABEL_LISTS = {"agency": "agencies", "province": "provinces"}


class PeopleTableModel(PagedTableModel):
    """One row per person, fetched on demand in pages; thin: it only formats cells."""

    columns = COLUMNS
    page_size = PAGE_SIZE

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(ctx, PeopleFilter(), "full_name", False, parent)
        self._draft_brush = QBrush(DRAFT)

    def fetch_page(self, connection: Connection, offset: int) -> list[dict[str, Any]]:
        return people_rows(connection, self._filter, self._sort_key, self._descending, offset)

    def is_sortable(self, column: int) -> bool:
        """Whether the list can be sorted by a column (counted figures cannot)."""
        return super().is_sortable(column) and COLUMNS[column].sort_sql is not None

    def _header_tip(self, column: Any) -> str | None:
        if column.sort_sql is None:
            return f"{column.label} (in sessions not deleted); the list cannot be sorted by it"
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # Called for every role of every visible cell on each repaint: answer the roles
        # the list does not use before looking at the row.
        if role not in _ROLES or not index.isValid():
            return None
        number = index.row()
        if not 0 <= number < len(self._rows):
            return None
        row = self._rows[number]
        if role == _DISPLAY:
            return self._cell(row, COLUMNS[index.column()].key)
        if role == _ALIGNMENT:
            return RIGHT if COLUMNS[index.column()].numeric else LEFT
        if role == _FOREGROUND:
            return self._draft_brush if row["status"] == "draft" else None
        if role == UUID_ROLE:
            return row["uuid"]
        return row["revision"]

    # Cells ----------------------------------------------------------------------

    def _cell(self, row: dict[str, Any], key: str) -> str:
        value = row[key]
        if value is None:
            return ""
        if key in _LABEL_LISTS:
            return self._ctx.catalog().label(_LABEL_LISTS[key], value)
        if key == "sex":
            return str(_SEX.get(value, value))
        if key == "trainings":
            return f"{value:,}"
        return str(value)

    def name_at(self, row: int) -> str:
        """The name of the person of a row ("" for no row)."""
        return self._rows[row]["full_name"] if 0 <= row < len(self._rows) else ""
