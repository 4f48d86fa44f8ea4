"""The Trainings area: the sessions list with its filters, figures and totals, and the
session form."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtWidgets import QPushButton, QSplitter, QWidget

from inl_desktop.gui.common.list_page import RecordListPage
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.trainings.training_filters import TrainingFilterBar
from inl_desktop.gui.trainings.training_form import TrainingForm
from inl_desktop.gui.trainings.training_table import TrainingTableModel
from inl_desktop.gui.trainings.training_totals_view import TrainingTotalsView, how_many
from inl_desktop.services.context import AppContext
from inl_desktop.services.record_lists import SESSION_COLUMN_KEYS as COLUMN_KEYS
from inl_desktop.services.record_lists import SESSION_COLUMNS as COLUMNS
from inl_desktop.services.record_lists import SessionTotals, providers, session_totals
from inl_desktop.services.trainings import set_training_deleted

SETTINGS_HEADER = "training_list/header"
SETTINGS_SPLITTER = "training_list/splitter"
SETTINGS_TOTALS_SHOWN = "training_list/totals_shown"
DEFAULT_SORT = COLUMN_KEYS.index("start_date")


class TrainingPage(RecordListPage):
    """List of training sessions (one row per session) and the form to enter one."""

    training_deleted = Signal(str, str)  # uuid, description for the Undo message

    filter_bar: TrainingFilterBar

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, prompts: Prompts | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self._prompts = prompts or Prompts()
        self.filter_bar = TrainingFilterBar(
            ctx.catalog(), ctx.today(), providers(ctx), self.list_panel
        )
        self.panel_layout.addWidget(self.filter_bar)
        self.model = TrainingTableModel(ctx, self)
        self.table = self._list_table("Training sessions", self.model, word_wrap=False)
        self.totals_view = TrainingTotalsView(ctx, self.list_panel)
        self.totals_view.setVisible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self.list_panel)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.totals_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.panel_layout.addWidget(self.splitter, 1)
        self.totals_button = QPushButton("&Totals by sex and audience", self.list_panel)
        self.totals_button.setAccessibleName("Totals by sex and audience")
        self.totals_button.setToolTip(
            "Unique persons and person-trainings (completed only) for the sessions listed"
        )
        self.totals_button.setCheckable(True)
        footer = self._build_footer(
            "&New session (Ctrl+N)", "New session", extra=(self.totals_button,)
        )
        self.panel_layout.addLayout(footer)
        self.stack.addWidget(self.list_panel)
        self.form = TrainingForm(ctx, self, prompts=self._prompts)
        self.stack.addWidget(self.form)
        self._build_column_menu(COLUMNS)
        self._connect_list()
        self.model.sort(DEFAULT_SORT, Qt.SortOrder.DescendingOrder)
        self._restore_layout()  # after the first page: columns are sized to its rows
        self.table.horizontalHeader().setSortIndicator(DEFAULT_SORT, Qt.SortOrder.DescendingOrder)

    def _connect_list(self) -> None:
        self._on_new_keys(self.new_training)
        self.totals_button.toggled.connect(self._on_totals_button_toggled)
        header = self.table.horizontalHeader()
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self.filter_bar.filter_changed.connect(self._on_filter_bar_filter_changed)
        self.form.record_saved.connect(self._on_form_record_saved)
        self.form.closed.connect(self._on_form_closed)
        self.model.query_changed.connect(self._on_model_query_changed)

    # Actions --------------------------------------------------------------------

    def new_training(self) -> None:
        """Open the form on a new, empty session."""
        self._new()

    def open_training(self, uuid: str) -> None:
        """Open the form on a stored session."""
        self._open(uuid)

    def _form_for_records(self) -> TrainingForm:
        return self.form

    def _set_deleted(self, uuid: str, deleted: bool) -> None:
        set_training_deleted(self._ctx, uuid, deleted)

    def _deleted(self, uuid: str, description: str) -> None:
        self.training_deleted.emit(uuid, description)

    def refresh_reference_lists(self) -> None:
        """Offer the current reference lists and providers in the filters."""
        self.filter_bar.set_providers(providers(self._ctx))
        super().refresh_reference_lists()

    def wait_for_totals(self) -> None:
        """Block until the totals, and those by sex and audience, are computed."""
        super().wait_for_totals()
        self.totals_view.wait()

    def save_layout(self) -> None:
        """Remember column order, widths and visibility, and the totals panel."""
        self._save_header_state(SETTINGS_HEADER)
        settings = QSettings()
        settings.setValue(SETTINGS_SPLITTER, self.splitter.saveState())
        settings.setValue(SETTINGS_TOTALS_SHOWN, self.totals_button.isChecked())

    # Slots -----------------------------------------------------------------------

    def _on_model_query_changed(self) -> None:
        super()._on_model_query_changed()
        if self.totals_button.isChecked():
            self.totals_view.show_totals_for(self.model.current_filter)

    def _count_job(self) -> Callable[[], SessionTotals]:
        ctx, filter_ = self._ctx, self.model.current_filter
        return lambda: session_totals(ctx, filter_)

    def _show_count(self, totals: SessionTotals) -> None:
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
        self._show_count_text(text)

    def _on_totals_button_toggled(self, shown: bool) -> None:
        self.totals_view.setVisible(shown)
        if shown:
            self.totals_view.show_totals_for(self.model.current_filter)

    def _list_shown_again(self) -> None:
        self.filter_bar.set_providers(providers(self._ctx))  # a session may name a new one
        self.model.reload()

    # Helpers ---------------------------------------------------------------------

    def _may_leave_form(self) -> bool:
        """Whether the form may show another session (unsaved work is asked about)."""
        if self.stack.currentWidget() is not self.form:
            return True
        return bool(self.form.confirm_discard())

    def _describe(self, row: int, uuid: str) -> str:
        def cell(key: str) -> str:
            return str(self.model.data(self.model.index(row, COLUMN_KEYS.index(key))) or "")

        title, start = cell("title"), cell("start_date")
        return f"“{title}” of {start}" if start else f"“{title}”"

    def _restore_layout(self) -> None:
        if not self._restore_columns(SETTINGS_HEADER):
            self.table.resizeColumnsToContents()
            # Long titles and topic labels must not push the figures out of sight.
            for key, letters in (("title", 34), ("topic", 22), ("provider", 18)):
                section = COLUMN_KEYS.index(key)
                widest = self.table.fontMetrics().horizontalAdvance("n" * letters)
                self.table.setColumnWidth(section, min(self.table.columnWidth(section), widest))
        settings = QSettings()
        splitter = settings.value(SETTINGS_SPLITTER)
        if isinstance(splitter, QByteArray | bytes):
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([600, 340])  # the list keeps most of the height
        shown = settings.value(SETTINGS_TOTALS_SHOWN, False, type=bool)
        self.totals_button.setChecked(bool(shown))
        self.totals_view.setVisible(bool(shown))
