"""A table model over an SQL query, fetched a page at a time as the view scrolls.

The record lists (seizures, sessions, persons) format their rows alike: headers from
the list's columns, figures aligned right, each row's UUID and revision under roles
of their own, the record status and the time of the last change in the same words.
What differs (their cells, colours and tips) is said by each list's model.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from sqlalchemy import Connection

from inl_desktop.services.context import AppContext
from inl_desktop.services.pages import read_page
from inl_desktop.services.record_lists import parse_timestamp

Index = QModelIndex | QPersistentModelIndex
UUID_ROLE = Qt.ItemDataRole.UserRole
REVISION_ROLE = Qt.ItemDataRole.UserRole + 1
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def changed_at_text(value: Any) -> str:
    """When a record last changed, in local time to the minute ("" if unknown)."""
    stamp = parse_timestamp(value)
    if stamp is None:
        return ""
    return stamp.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


class PagedTableModel(QAbstractTableModel):
    """Rows (dicts) from ``fetch_page``, in pages of ``page_size``; never the whole table.

    Subclasses name their ``columns`` (each with a ``key``, ``label`` and
    ``numeric``), their first filter and sort, implement ``fetch_page`` and format
    their own cells (``_cell``), tips and colours (``_row_data``).
    """

    query_changed = Signal()
    columns: ClassVar[tuple[Any, ...]] = ()
    page_size: ClassVar[int] = 200

    def __init__(
        self,
        ctx: AppContext,
        filter_: Any,
        sort_key: str,
        descending: bool,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._rows: list[dict[str, Any]] = []
        self._exhausted = True
        self._filter = filter_
        self._sort_key = sort_key
        self._descending = descending

    def fetch_page(self, connection: Connection, offset: int) -> list[dict[str, Any]]:
        """One page of rows for the current filter and sort, from ``offset``."""
        raise NotImplementedError

    @property
    def current_filter(self) -> Any:
        """The filter the rows answer."""
        return self._filter

    @property
    def sort_column(self) -> int:
        """The column the rows are sorted by."""
        return next(n for n, column in enumerate(self.columns) if column.key == self._sort_key)

    @property
    def sort_order(self) -> Qt.SortOrder:
        """The direction the rows are sorted in."""
        if self._descending:
            return Qt.SortOrder.DescendingOrder
        return Qt.SortOrder.AscendingOrder

    def set_filter(self, filter_: Any) -> None:
        """Show what ``filter_`` selects (from the first page)."""
        self._filter = filter_
        self.reload()

    def reload(self) -> None:
        """Fetch the first page again (after a save, delete or filter change)."""
        self.beginResetModel()
        self._rows = self._fetch(0)
        self._exhausted = len(self._rows) < self.page_size
        self.endResetModel()
        self.query_changed.emit()

    def is_sortable(self, column: int) -> bool:
        """Whether the list can be sorted by a column."""
        return 0 <= column < len(self.columns)

    def uuid_at(self, row: int) -> str | None:
        """The UUID of the record of a row."""
        return self._rows[row]["uuid"] if 0 <= row < len(self._rows) else None

    def _fetch(self, offset: int) -> list[dict[str, Any]]:
        return read_page(self._ctx, self.fetch_page, offset)

    # Cells ----------------------------------------------------------------------

    def _cell(self, row: dict[str, Any], key: str) -> str:
        """The text of a cell; a subclass formats its own keys and leaves the rest here."""
        if key == "status":
            return "Final" if row["status"] == "final" else "Draft"
        if key == "updated_at":
            return changed_at_text(row["updated_at"])
        value = row.get(key)
        return "" if value is None else str(value)

    def _header_tip(self, column: Any) -> str | None:
        """The tooltip of a column's header, if it has one."""
        return None

    def _row_data(self, row: dict[str, Any], column: Any, role: int) -> Any:
        """What a cell shows in the roles a subclass answers (tips, colours)."""
        return None

    # Qt overrides ---------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.label
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tip(column)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(row, column.key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column.numeric else LEFT
        if role == UUID_ROLE:
            return row["uuid"]
        if role == REVISION_ROLE:
            return row["revision"]
        return self._row_data(row, column, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not self.is_sortable(column):
            return
        self._sort_key = self.columns[column].key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        page = self._fetch(len(self._rows))
        self._exhausted = len(page) < self.page_size
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()
