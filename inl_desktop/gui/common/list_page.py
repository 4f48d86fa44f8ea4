"""What the record lists (seizures, training sessions, people) do alike.

A list page shows a filter bar over a paged table and a line that counts what the
filter selects. The count is computed off the GUI thread, only the newest request's
answer is shown, and (where typing changes the filter) only once typing pauses, so
it never competes with the next keystroke's page. Enter opens the record of the
current row, Delete deletes it; the header's column order and widths are kept
between runs. The seizure and session pages also hold their entry form, which
takes the list's place while a record is open (``RecordListPage``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.errors import UserError
from inl_desktop.gui.common.filter_bar import FilterBar
from inl_desktop.gui.common.keys import pressed_key
from inl_desktop.gui.common.widgets import fill_column_menu, sync_column_menu
from inl_desktop.gui.common.workers import LatestOnly
from inl_desktop.services.context import AppContext

Selection = QAbstractItemView.SelectionMode


class ListPage(QWidget):
    """A filtered, paged list with a count; a subclass builds its widgets and says
    how to count (``_count_job``, ``_show_count``) and what Enter and Delete do."""

    COUNT_FAILED = "Totals could not be computed"

    count_label: QLabel
    table: QTableView
    # The list's table model (a PagedTableModel): ``uuid_at``, ``current_filter``,
    # ``set_filter``, ``reload``, ``sort_column`` and ``sort_order``.
    model: Any

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._counter = LatestOnly(self)
        self._counter.result_ready.connect(self._on_counter_result_ready)
        self._counter.failed.connect(self._on_counter_failed)
        self._count_timer: QTimer | None = None

    def _count_after_pauses(self, delay_ms: int) -> None:
        """Count only once the filter has not changed for ``delay_ms``."""
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(delay_ms)
        self._count_timer.timeout.connect(self._count_now)

    def _build_table(
        self,
        parent: QWidget,
        name: str,
        model: Any,
        *,
        selection: Selection = Selection.SingleSelection,
        word_wrap: bool = True,
    ) -> QTableView:
        """The list's table on ``model``: rows selected whole, sortable, its columns
        movable; Enter and Delete go to ``_open_current`` and ``delete_selected``."""
        table = QTableView(parent)
        table.setAccessibleName(name)
        table.setModel(model)
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(selection)
        table.setAlternatingRowColors(True)
        if not word_wrap:
            table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.doubleClicked.connect(self._on_table_double_clicked)
        table.installEventFilter(self)
        return table

    # -- counting -----------------------------------------------------------------

    def _count_later(self) -> None:
        """Count what the filter selects (after a pause in typing, where there is one)."""
        if self._count_timer is None:
            self._count_now()
        else:
            self._count_timer.start()

    def _count_now(self) -> None:
        self._counter.start(self._count_job())

    def _wait_for_count(self) -> None:
        """Block until the count is computed (shutdown, tests and benchmarks)."""
        if self._count_timer is not None and self._count_timer.isActive():
            self._count_timer.stop()
            self._count_now()
        self._counter.wait()

    def _count_job(self) -> Callable[[], object]:
        """The work that counts the rows of the current filter (it must not touch
        widgets: it runs in the thread pool)."""
        raise NotImplementedError

    def _show_count(self, result: Any) -> None:
        """Show what ``_count_job`` found."""
        raise NotImplementedError

    def _show_count_text(self, text: str) -> None:
        """Show a count, marked as one of deleted records in the deleted view."""
        if self.model.current_filter.deleted:
            text = "Deleted: " + text
        self.count_label.setText(text)

    def _on_model_query_changed(self) -> None:
        # Counting waits for a pause in typing, so it never competes with the next
        # keystroke's page.
        self.count_label.setText("Counting…")
        self._count_later()

    def _on_counter_result_ready(self, result: object) -> None:
        self._show_count(result)

    def _on_counter_failed(self, message: str) -> None:
        self.count_label.setText(f"{self.COUNT_FAILED}: {message}")

    # -- rows and keys ----------------------------------------------------------------

    def _current_row(self) -> int | None:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else None

    def _select_row(self, row: int) -> None:
        """Select ``row``, or the last one when the list got shorter."""
        count = self.table.model().rowCount()
        if count:
            self.table.selectRow(min(row, count - 1))

    def _open_current(self) -> None:
        """Open the record of the current row."""
        raise NotImplementedError

    def delete_selected(self) -> None:
        """Delete the record of the current row."""
        raise NotImplementedError

    def _on_table_double_clicked(self, _index: object) -> None:
        self._open_current()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        key = pressed_key(event) if watched is self.table else None
        if key is not None:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_current()
                return True
            if key == Qt.Key.Key_Delete:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)

    # -- the header -------------------------------------------------------------------

    def _restore_header_state(self, key: str) -> bool:
        """Put back the header as it was left; False when it never was saved."""
        state = QSettings().value(key)
        if not isinstance(state, QByteArray | bytes):
            return False
        self.table.horizontalHeader().restoreState(state)
        return True

    def _save_header_state(self, key: str) -> None:
        QSettings().setValue(key, self.table.horizontalHeader().saveState())

    def _on_header_sort_indicator_changed(self, _section: int, _order: Qt.SortOrder) -> None:
        # A column the list cannot be sorted by keeps the indicator where the rows are.
        header = self.table.horizontalHeader()
        column, order = self.model.sort_column, self.model.sort_order
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (column, order):
            header.blockSignals(True)
            header.setSortIndicator(column, order)
            header.blockSignals(False)


class RecordListPage(ListPage):
    """A list whose records open in a form that takes the list's place.

    The list panel holds the filter bar, the table and a footer with the totals, a
    Columns menu, Restore (in the deleted view) and New. A subclass builds its
    filter bar and its form (``_form_for_records``) and provides the record actions.
    """

    records_changed = Signal()

    filter_bar: FilterBar

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._list_stale = False
        self.stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.list_panel = QWidget(self)
        self.panel_layout = QVBoxLayout(self.list_panel)

    def _build_footer(
        self, new_text: str, new_name: str, extra: Sequence[QWidget] = ()
    ) -> QHBoxLayout:
        """The totals line, ``extra`` buttons, Columns, Restore and New, under the list."""
        panel = self.list_panel
        footer = QHBoxLayout()
        self.totals_label = self.count_label = QLabel("", panel)
        self.totals_label.setAccessibleName("Totals")
        footer.addWidget(self.totals_label, 1)
        for widget in extra:
            footer.addWidget(widget)
        self.columns_button = QToolButton(panel)
        self.columns_button.setText("Co&lumns")
        self.columns_button.setAccessibleName("Columns")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_button.setMenu(QMenu(self.columns_button))
        footer.addWidget(self.columns_button)
        self.restore_button = QPushButton("&Restore", panel)
        self.restore_button.setAccessibleName("Restore")
        self.restore_button.setVisible(False)
        footer.addWidget(self.restore_button)
        self.new_button = QPushButton(new_text, panel)
        self.new_button.setAccessibleName(new_name)
        footer.addWidget(self.new_button)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        return footer

    def _list_table(self, name: str, model: Any, *, word_wrap: bool = True) -> QTableView:
        """The table of records: its last column stretches, its header's menu shows
        and hides columns."""
        table = self._build_table(self.list_panel, name, model, word_wrap=word_wrap)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(30)  # size columns from a sample of rows
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)
        return table

    def _on_new_keys(self, slot: Callable[[], None]) -> None:
        """Ctrl+N in the list, and the New button, start a new record."""
        shortcut = QShortcut(QKeySequence.StandardKey.New, self.list_panel)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        self.new_button.clicked.connect(slot)

    def _build_column_menu(self, columns: Sequence[Any]) -> None:
        fill_column_menu(self.table, self.columns_button.menu(), columns)

    def _restore_columns(self, key: str) -> bool:
        """The header as it was left, its menu ticked to match; False when never saved."""
        if not self._restore_header_state(key):
            return False
        sync_column_menu(self.table, self.columns_button.menu())
        return True

    # -- what a subclass provides -----------------------------------------------------

    def _form_for_records(self) -> Any:
        """The entry form (``new_record``, ``open_record``), built if need be."""
        raise NotImplementedError

    def _may_leave_form(self) -> bool:
        """Whether the form may show another record (a subclass may ask first)."""
        return True

    def _set_deleted(self, uuid: str, deleted: bool) -> None:
        """Delete the record ``uuid`` (soft: it can be restored), or restore it."""
        raise NotImplementedError

    def _describe(self, row: int, uuid: str) -> str:
        """The record of ``row`` as the Undo message names it."""
        raise NotImplementedError

    def _deleted(self, uuid: str, description: str) -> None:
        """Tell the window a record was deleted (it offers Undo)."""
        raise NotImplementedError

    def _list_shown_again(self) -> None:
        """The list shows again after a record was saved: read it again."""
        self.model.reload()

    # -- the records ------------------------------------------------------------------

    def _new(self) -> None:
        """Open the form on a new, empty record."""
        if not self._may_leave_form():
            return
        form = self._form_for_records()
        form.new_record()
        self.stack.setCurrentWidget(form)

    def _open(self, uuid: str) -> None:
        """Open the form on the stored record ``uuid`` (a record that cannot be read is
        explained under the list)."""
        if not self._may_leave_form():
            return
        form = self._form_for_records()
        try:
            form.open_record(uuid)
        except UserError as error:
            self.totals_label.setText(str(error))
            return
        self.stack.setCurrentWidget(form)

    def refresh_reference_lists(self) -> None:
        """Offer the current reference lists in the filters (after they were edited)."""
        self.filter_bar.set_catalog(self._ctx.catalog())
        self.model.reload()

    def wait_for_totals(self) -> None:
        """Block until the totals are computed (shutdown, tests and benchmarks)."""
        self._wait_for_count()

    def _selected_uuid(self) -> tuple[int | None, str | None]:
        """The current row and the record it shows."""
        row = self._current_row()
        return row, (self.model.uuid_at(row) if row is not None else None)

    def delete_selected(self) -> None:
        """Soft-delete the record of the selected row (Undo restores it)."""
        row, uuid = self._selected_uuid()
        if row is None or uuid is None or self.model.current_filter.deleted:
            return
        try:
            description = self._describe(row, uuid)
            self._set_deleted(uuid, True)
        except UserError as error:
            self.totals_label.setText(str(error))
            return
        self.model.reload()
        self._select_row(row)
        self._deleted(uuid, description)
        self.records_changed.emit()

    def restore(self, uuid: str) -> None:
        """Bring a deleted record back (Undo and the deleted view's Restore)."""
        self._set_deleted(uuid, False)
        self.model.reload()
        self.records_changed.emit()

    def apply_filter(self, filter_: Any) -> None:
        """Show what ``filter_`` selects."""
        self.restore_button.setVisible(filter_.deleted)
        self.model.set_filter(filter_)

    def _open_current(self) -> None:
        _row, uuid = self._selected_uuid()
        if uuid and not self.model.current_filter.deleted:
            self._open(uuid)

    def _on_restore_button_clicked(self) -> None:
        _row, uuid = self._selected_uuid()
        if uuid:
            self.restore(uuid)

    def _on_filter_bar_filter_changed(self, filter_: object) -> None:
        self.apply_filter(filter_)

    def _on_form_record_saved(self, _uuid: str) -> None:
        # The list is hidden while the form is open: read it again when it shows, and
        # let the save return as soon as it is committed.
        self._list_stale = True
        QTimer.singleShot(0, self.records_changed.emit)

    def _on_form_closed(self) -> None:
        self.stack.setCurrentWidget(self.list_panel)
        if self._list_stale:
            self._list_stale = False
            self._list_shown_again()
        self.table.setFocus()

    def _on_header_context_menu_requested(self, _pos: object) -> None:
        self.columns_button.menu().exec(self.cursor().pos())
