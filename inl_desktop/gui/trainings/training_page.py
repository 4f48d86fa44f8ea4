"""The Trainings area: the sessions list with its filters, figures and totals, and the
session form."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.errors import UserError
from inl_desktop.gui.common.widgets import fill_column_menu, sync_column_menu
from inl_desktop.gui.common.workers import LatestOnly
from inl_desktop.gui.trainings.training_filters import TrainingFilterBar
from inl_desktop.gui.trainings.training_form import TrainingForm
from inl_desktop.gui.trainings.training_table import TrainingTableModel
from inl_desktop.gui.trainings.training_totals_view import TrainingTotalsView, how_many
from inl_desktop.services.context import AppContext
from inl_desktop.services.trainings import set_training_deleted
from inl_desktop.store.training_list import (
    COLUMN_KEYS,
    COLUMNS,
    ListTotals,
    TrainingFilter,
    fetch_list_totals,
    fetch_providers,
)

SETTINGS_HEADER = "training_list/header"
SETTINGS_SPLITTER = "training_list/splitter"
SETTINGS_TOTALS_SHOWN = "training_list/totals_shown"
DEFAULT_SORT = COLUMN_KEYS.index("start_date")


class TrainingPage(QWidget):
    """List of training sessions (one row per session) and the form to enter one."""

    records_changed = Signal()
    training_deleted = Signal(str, str)  # uuid, description for the Undo message

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
        self.filter_bar = TrainingFilterBar(
            ctx.catalog(), ctx.today(), self._providers(), self.list_panel
        )
        panel.addWidget(self.filter_bar)

        self.model = TrainingTableModel(ctx, self)
        self.table = QTableView(self.list_panel)
        self.table.setAccessibleName("Training sessions")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(30)  # size columns from a sample of rows
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)

        self.totals_view = TrainingTotalsView(ctx, self.list_panel)
        self.totals_view.setVisible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self.list_panel)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.totals_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        panel.addWidget(self.splitter, 1)

        footer = QHBoxLayout()
        self.totals_label = QLabel("", self.list_panel)
        self.totals_label.setAccessibleName("Totals")
        footer.addWidget(self.totals_label, 1)
        self.totals_button = QPushButton("&Totals by sex and audience", self.list_panel)
        self.totals_button.setAccessibleName("Totals by sex and audience")
        self.totals_button.setToolTip(
            "Unique persons and person-trainings (completed only) for the sessions listed"
        )
        self.totals_button.setCheckable(True)
        footer.addWidget(self.totals_button)
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
        self.new_button = QPushButton("&New session (Ctrl+N)", self.list_panel)
        self.new_button.setAccessibleName("New session")
        footer.addWidget(self.new_button)
        panel.addLayout(footer)
        self.stack.addWidget(self.list_panel)

        self.form = TrainingForm(ctx, self)
        self.stack.addWidget(self.form)

        self._totals = LatestOnly(self)
        self._totals.result_ready.connect(self._on_totals_result_ready)
        self._totals.failed.connect(self._on_totals_failed)
        self._build_column_menu()

        new_shortcut = QShortcut(QKeySequence.StandardKey.New, self.list_panel)
        new_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_shortcut.activated.connect(self.new_training)
        self.new_button.clicked.connect(self.new_training)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.totals_button.toggled.connect(self._on_totals_button_toggled)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.installEventFilter(self)
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self.filter_bar.filter_changed.connect(self._on_filter_bar_filter_changed)
        self.form.record_saved.connect(self._on_form_record_saved)
        self.form.closed.connect(self._on_form_closed)
        self.model.query_changed.connect(self._on_model_query_changed)
        self.model.sort(DEFAULT_SORT, Qt.SortOrder.DescendingOrder)
        self._restore_layout()  # after the first page: columns are sized to its rows
        header.setSortIndicator(DEFAULT_SORT, Qt.SortOrder.DescendingOrder)

    # Actions --------------------------------------------------------------------

    def new_training(self) -> None:
        """Open the form on a new, empty session."""
        if not self._may_leave_form():
            return
        self.form.new_record()
        self.stack.setCurrentWidget(self.form)

    def open_training(self, uuid: str) -> None:
        """Open the form on a stored session."""
        if not self._may_leave_form():
            return
        try:
            self.form.open_record(uuid)
        except UserError as error:
            self.totals_label.setText(str(error))
            return
        self.stack.setCurrentWidget(self.form)

    def delete_selected(self) -> None:
        """Soft-delete the session of the selected row (its roster and counts go with it)."""
        row = self._selected_row()
        uuid = self.model.uuid_at(row) if row is not None else None
        if row is None or uuid is None or self.model.current_filter.deleted:
            return
        description = self._describe(row)
        try:
            set_training_deleted(self._ctx, uuid, True)
        except UserError as error:
            self.totals_label.setText(str(error))
            return
        self.model.reload()
        self._select_row(row)
        self.training_deleted.emit(uuid, description)
        self.records_changed.emit()

    def restore(self, uuid: str) -> None:
        """Bring a deleted session back (Undo and the deleted view's Restore)."""
        set_training_deleted(self._ctx, uuid, False)
        self.model.reload()
        self.records_changed.emit()

    def apply_filter(self, filter_: TrainingFilter) -> None:
        """Show what ``filter_`` selects."""
        self.restore_button.setVisible(filter_.deleted)
        self.model.set_filter(filter_)

    def refresh_reference_lists(self) -> None:
        """Offer the current reference lists in the filters (after they were edited)."""
        self.filter_bar.set_catalog(self._ctx.catalog())
        self.filter_bar.set_providers(self._providers())
        self.model.reload()

    def wait_for_totals(self) -> None:
        """Block until the totals are computed (shutdown, tests and benchmarks)."""
        self._totals.wait()
        self.totals_view.wait()

    def save_layout(self) -> None:
        """Remember column order, widths and visibility, and the totals panel."""
        settings = QSettings()
        settings.setValue(SETTINGS_HEADER, self.table.horizontalHeader().saveState())
        settings.setValue(SETTINGS_SPLITTER, self.splitter.saveState())
        settings.setValue(SETTINGS_TOTALS_SHOWN, self.totals_button.isChecked())

    # Slots -----------------------------------------------------------------------

    def _on_filter_bar_filter_changed(self, filter_: TrainingFilter) -> None:
        self.apply_filter(filter_)

    def _on_model_query_changed(self) -> None:
        engine = self._ctx.engine
        filter_ = self.model.current_filter
        self.totals_label.setText("Counting…")

        def count() -> ListTotals:
            with engine.connect() as connection:
                return fetch_list_totals(connection, filter_)

        self._totals.start(count)
        if self.totals_button.isChecked():
            self.totals_view.show_totals_for(filter_)

    def _on_totals_result_ready(self, totals: ListTotals) -> None:
        filter_ = self.model.current_filter
        text = (
            f"{how_many(totals.sessions, 'session')} · {totals.enrolled:,} enrolled · "
            f"{totals.completed:,} completed · {totals.completed_women:,} completed women"
        )
        if totals.completed_sex_not_recorded:
            text += f" · {totals.completed_sex_not_recorded:,} completed, sex not recorded"
        if filter_.audience is not None:
            audience = self._ctx.catalog().label("audience_categories", filter_.audience)
            text += f" (participants: {audience} only)"
        if filter_.deleted:
            text = "Deleted: " + text
        self.totals_label.setText(text)

    def _on_totals_failed(self, message: str) -> None:
        self.totals_label.setText(f"Totals could not be computed: {message}")

    def _on_totals_button_toggled(self, shown: bool) -> None:
        self.totals_view.setVisible(shown)
        if shown:
            self.totals_view.show_totals_for(self.model.current_filter)

    def _on_header_sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        # Figures counted per page cannot order the whole list: put the arrow back.
        if not self.model.is_sortable(column):
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column, self.model.sort_order)
            header.blockSignals(False)

    def _on_table_double_clicked(self, _index: object) -> None:
        row = self._selected_row()
        uuid = self.model.uuid_at(row) if row is not None else None
        if uuid and not self.model.current_filter.deleted:
            self.open_training(uuid)

    def _on_restore_button_clicked(self) -> None:
        row = self._selected_row()
        uuid = self.model.uuid_at(row) if row is not None else None
        if uuid:
            self.restore(uuid)

    def _on_form_record_saved(self, _uuid: str) -> None:
        # The list is hidden while the form is open: read it again when it shows, and
        # let the save return as soon as it is committed.
        self._list_stale = True
        QTimer.singleShot(0, self.records_changed.emit)

    def _on_form_closed(self) -> None:
        self.stack.setCurrentWidget(self.list_panel)
        if self._list_stale:
            self._list_stale = False
            self.filter_bar.set_providers(self._providers())  # a session may name a new one
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

    def _providers(self) -> list[str]:
        with self._ctx.engine.connect() as connection:
            return fetch_providers(connection)

    def _may_leave_form(self) -> bool:
        """Whether the form may show another session (unsaved work is asked about)."""
        if self.stack.currentWidget() is not self.form:
            return True
        return bool(self.form.confirm_discard())

    def _selected_row(self) -> int | None:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else None

    def _select_row(self, row: int) -> None:
        if self.model.rowCount() == 0:
            return
        row = min(row, self.model.rowCount() - 1)
        self.table.selectRow(row)

    def _describe(self, row: int) -> str:
        def cell(key: str) -> str:
            return str(self.model.data(self.model.index(row, COLUMN_KEYS.index(key))) or "")

        title, start = cell("title"), cell("start_date")
        return f"“{title}” of {start}" if start else f"“{title}”"

    def _build_column_menu(self) -> None:
        fill_column_menu(self.table, self.columns_button.menu(), COLUMNS)

    def _sync_column_menu(self) -> None:
        sync_column_menu(self.table, self.columns_button.menu())

    def _restore_layout(self) -> None:
        settings = QSettings()
        state = settings.value(SETTINGS_HEADER)
        if isinstance(state, QByteArray | bytes):
            self.table.horizontalHeader().restoreState(state)
            self._sync_column_menu()
        else:
            self.table.resizeColumnsToContents()
            # Long titles and topic labels must not push the figures out of sight.
            for key, letters in (("title", 34), ("topic", 22), ("provider", 18)):
                section = COLUMN_KEYS.index(key)
                widest = self.table.fontMetrics().horizontalAdvance("n" * letters)
                self.table.setColumnWidth(section, min(self.table.columnWidth(section), widest))
        splitter = settings.value(SETTINGS_SPLITTER)
        if isinstance(splitter, QByteArray | bytes):
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([600, 340])  # the list keeps most of the height
        shown = settings.value(SETTINGS_TOTALS_SHOWN, False, type=bool)
        self.totals_button.setChecked(bool(shown))
        self.totals_view.setVisible(bool(shown))
