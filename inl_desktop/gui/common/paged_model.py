"""A table model over an SQL query, fetched a page at a time as the view scrolls."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from sqlalchemy import Connection

from inl_desktop.services.context import AppContext
from inl_desktop.services.pages import read_page

Index = QModelIndex | QPersistentModelIndex


class PagedTableModel(QAbstractTableModel):
    """Rows (dicts) from ``fetch_page``, in pages of ``page_size``; never the whole table.

    Subclasses name their ``columns`` (each with a ``key``), their first filter and
    sort, implement ``fetch_page`` and format cells in ``data``.
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

    def _fetch(self, offset: int) -> list[dict[str, Any]]:
        return read_page(self._ctx, self.fetch_page, offset)

    # Qt overrides ---------------------------------------------------------------

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
