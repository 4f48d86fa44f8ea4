"""The Seizures area: the list with its filters and totals, and the entry form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
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

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.domain.errors import UserError
from inl_desktop.gui.common.widgets import fill_column_menu, sync_column_menu
from inl_desktop.gui.common.workers import LatestOnly
from inl_desktop.gui.seizures.seizure_filters import SeizureFilterBar
from inl_desktop.gui.seizures.seizure_table import SeizureTableModel, date_text
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import load_seizure, set_seizure_deleted
from inl_desktop.store.seizure_list import COLUMNS, ListTotals, SeizureFilter, fetch_totals

if TYPE_CHECKING:
    from inl_desktop.gui.seizures.seizure_form import SeizureForm

SETTINGS_HEADER = "seizure_list/header"
TOTALS_DELAY_MS = 150


def seizure_description(draft: SeizureDraft, catalog: Catalog) -> str:
    """A seizure as the Undo message names it, in the list's wording: its date, its
    agency and every drug item ("of 2019-03-04 by Anti-Narcotics Force: Heroin 5
    Kilogram, Hashish 7 Kilogram")."""
    when = date_text(
        {
            "basis": draft.basis,
            "event_date": draft.event_date,
            "date_precision": draft.date_precision,
            "period_start": draft.period_start,
            "period_end": draft.period_end,
        }
    )
    agency = catalog.label("agencies", draft.agency)
    head = _joined(f"of {when}" if when else "", f"by {agency}" if agency else "")
    items = ", ".join(_item_text(item, catalog) for item in draft.items)
    return f"{head}: {items}" if items else head


def _item_text(item: SeizureItemDraft, catalog: Catalog) -> str:
    quantity = f"{item.quantity:,f}" if item.quantity is not None else ""
    return _joined(catalog.label("drugs", item.drug), quantity, catalog.label("units", item.unit))


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part)


class SeizurePage(QWidget):
    """List of seizure items (one row per drug item) and the form to enter one."""

    records_changed = Signal()
    seizure_deleted = Signal(str, str)  # uuid, description for the Undo message

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._list_stale = False
        self.stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.list_panel = QWidget(self)
        panel = QVBoxLayout(self.list_panel)
        self.filter_bar = SeizureFilterBar(ctx.catalog(), ctx.today(), self.list_panel)
        panel.addWidget(self.filter_bar)

        self.model = SeizureTableModel(ctx, self)
        self.table = QTableView(self.list_panel)
        self.table.setAccessibleName("Seizure list")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(30)  # size columns from a sample of rows
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)
        panel.addWidget(self.table, 1)

        footer = QHBoxLayout()
        self.totals_label = QLabel("", self.list_panel)
        self.totals_label.setAccessibleName("Totals")
        footer.addWidget(self.totals_label, 1)
        self.columns_button = QToolButton(self.list_panel)
        self.columns_button.setText("Co&lumns")
        self.columns_button.setAccessibleName("Columns")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_button.setMenu(QMenu(self.columns_button))
        footer.addWidget(self.columns_button)
        self.restore_button = QPushButton("&Restore", self.list_panel)
        self.restore_button.setAccessibleName("Restore")
        self.restore_button.setVisible(False)
        footer.addWidget(self.restore_button)
        self.new_button = QPushButton("&New seizure (Ctrl+N)", self.list_panel)
        self.new_button.setAccessibleName("New seizure")
        footer.addWidget(self.new_button)
        panel.addLayout(footer)
        self.stack.addWidget(self.list_panel)

        self._form: SeizureForm | None = None  # built when first opened

        self._totals_timer = QTimer(self)
        self._totals_timer.setSingleShot(True)
        self._totals_timer.setInterval(TOTALS_DELAY_MS)
        self._totals_timer.timeout.connect(self._on_totals_timer_timeout)
        self._totals = LatestOnly(self)
        self._totals.result_ready.connect(self._on_totals_result_ready)
        self._totals.failed.connect(self._on_totals_failed)
        self._build_column_menu()
        self._restore_header()

        new_shortcut = QShortcut(QKeySequence.StandardKey.New, self.list_panel)
        new_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_shortcut.activated.connect(self.new_seizure)
        self.new_button.clicked.connect(self.new_seizure)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.installEventFilter(self)
        self.filter_bar.filter_changed.connect(self._on_filter_bar_filter_changed)
        self.model.query_changed.connect(self._on_model_query_changed)
        self.model.sort(0, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)

    @property
    def form(self) -> SeizureForm:
        """The entry form, built the first time it is needed (not at start-up)."""
        if self._form is None:
            # Built while the list is up, the hidden form could take the keyboard focus
            # and drop it; the widget that had it keeps it.
            from inl_desktop.gui.seizures.seizure_form import SeizureForm

            had_focus = QApplication.focusWidget()
            self._form = SeizureForm(self._ctx, self)
            self.stack.addWidget(self._form)
            self._form.record_saved.connect(self._on_form_record_saved)
            self._form.closed.connect(self._on_form_closed)
            if had_focus is not None and QApplication.focusWidget() is not had_focus:
                had_focus.setFocus(Qt.FocusReason.OtherFocusReason)
        return self._form

    def form_open(self) -> bool:
        """Whether the form is on show (rather than the list)."""
        return self._form is not None and self.stack.currentWidget() is self._form

    # Actions --------------------------------------------------------------------

    def new_seizure(self) -> None:
        """Open the form on a new, empty report."""
        self.form.new_record()
        self.stack.setCurrentWidget(self.form)

    def open_seizure(self, uuid: str) -> None:
        """Open the form on a stored seizure."""
        try:
            self.form.open_record(uuid)
        except UserError as error:
            self.totals_label.setText(str(error))
            return
        self.stack.setCurrentWidget(self.form)

    def delete_selected(self) -> None:
        """Soft-delete the seizure of the selected row (the whole event, all its items)."""
        row = self._selected_row()
        uuid = self.model.uuid_at(row) if row is not None else None
        if uuid is None or self.model.current_filter.deleted:
            return
        try:
            # A row is one drug item; the message names the whole seizure, so read it first.
            description = seizure_description(load_seizure(self._ctx, uuid), self._ctx.catalog())
            set_seizure_deleted(self._ctx, uuid, True)
        except UserError as error:
            self.totals_label.setText(str(error))
            return
        self.model.reload()
        self._select_row(row)
        self.seizure_deleted.emit(uuid, description)
        self.records_changed.emit()

    def restore(self, uuid: str) -> None:
        """Bring a deleted seizure back (Undo and the deleted view's Restore)."""
        set_seizure_deleted(self._ctx, uuid, False)
        self.model.reload()
        self.records_changed.emit()

    def apply_filter(self, filter_: SeizureFilter) -> None:
        """Show what ``filter_`` selects."""
        self.restore_button.setVisible(filter_.deleted)
        self.model.set_filter(filter_)

    def refresh_reference_lists(self) -> None:
        """Offer the current reference lists in the filters (after they were edited)."""
        self.filter_bar.set_catalog(self._ctx.catalog())
        self.model.reload()

    def wait_for_totals(self) -> None:
        """Block until the totals are computed (shutdown, tests and benchmarks)."""
        if self._totals_timer.isActive():
            self._totals_timer.stop()
            self._on_totals_timer_timeout()
        self._totals.wait()

    # Slots -----------------------------------------------------------------------

    def _on_filter_bar_filter_changed(self, filter_: SeizureFilter) -> None:
        self.apply_filter(filter_)

    def _on_model_query_changed(self) -> None:
        # Counting waits for a pause in typing, so it never competes with the next
        # keystroke's page.
        self.totals_label.setText("Counting…")
        self._totals_timer.start()

    def _on_totals_timer_timeout(self) -> None:
        engine = self._ctx.engine
        filter_ = self.model.current_filter

        def count() -> ListTotals:
            with engine.connect() as connection:
                return fetch_totals(connection, filter_)

        self._totals.start(count)

    def _on_totals_result_ready(self, totals: ListTotals) -> None:
        text = f"{totals.items:,} items · {totals.kg_equivalent:,.3f} kg-equivalent"
        if totals.items_without_kg:
            text += f" ({totals.items_without_kg:,} without kg-equivalent)"
        if self.model.current_filter.deleted:
            text = "Deleted: " + text
        self.totals_label.setText(text)

    def _on_totals_failed(self, message: str) -> None:
        self.totals_label.setText(f"Totals could not be computed: {message}")

    def _on_table_double_clicked(self, index: object) -> None:
        row = self._selected_row()
        uuid = self.model.uuid_at(row) if row is not None else None
        if uuid and not self.model.current_filter.deleted:
            self.open_seizure(uuid)

    def _on_restore_button_clicked(self) -> None:
        row = self._selected_row()
        uuid = self.model.uuid_at(row) if row is not None else None
        if uuid:
            self.restore(uuid)

    def _on_form_record_saved(self, uuid: str) -> None:
        # The list is hidden while the form is open: read it again when it shows, and
        # let the save return as soon as it is committed.
        self._list_stale = True
        QTimer.singleShot(0, self.records_changed.emit)

    def _on_form_closed(self) -> None:
        self.stack.setCurrentWidget(self.list_panel)
        if self._list_stale:
            self._list_stale = False
            self.model.reload()
        self.table.setFocus()

    def _on_header_context_menu_requested(self, _pos: object) -> None:
        self.columns_button.menu().exec(self.cursor().pos())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and isinstance(event, QKeyEvent):
            if event.type() != QEvent.Type.KeyPress:
                return super().eventFilter(watched, event)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._on_table_double_clicked(None)
                return True
            if key == Qt.Key.Key_Delete:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)

    # Helpers ---------------------------------------------------------------------

    def _selected_row(self) -> int | None:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else None

    def _select_row(self, row: int) -> None:
        if self.model.rowCount() == 0:
            return
        row = min(row, self.model.rowCount() - 1)
        self.table.selectRow(row)

    def _build_column_menu(self) -> None:
        fill_column_menu(self.table, self.columns_button.menu(), COLUMNS)

    def _sync_column_menu(self) -> None:
        sync_column_menu(self.table, self.columns_button.menu())

    def _restore_header(self) -> None:
        state = QSettings().value(SETTINGS_HEADER)
        if isinstance(state, QByteArray | bytes):
            self.table.horizontalHeader().restoreState(state)
            self._sync_column_menu()
        else:
            self.table.resizeColumnsToContents()

    def save_layout(self) -> None:
        """Remember column order, widths and visibility."""
        QSettings().setValue(SETTINGS_HEADER, self.table.horizontalHeader().saveState())
