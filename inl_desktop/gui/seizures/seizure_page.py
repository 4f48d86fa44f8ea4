"""The Seizures area: the list with its filters and totals, and the entry form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.gui.common.list_page import RecordListPage
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.seizures.seizure_filters import SeizureFilterBar
from inl_desktop.gui.seizures.seizure_table import SeizureTableModel, date_text
from inl_desktop.services.context import AppContext
from inl_desktop.services.record_lists import SEIZURE_COLUMNS as COLUMNS
from inl_desktop.services.record_lists import SeizureTotals, seizure_totals
from inl_desktop.services.seizures import load_seizure, set_seizure_deleted

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


class SeizurePage(RecordListPage):
    """List of seizure items (one row per drug item) and the form to enter one."""

    seizure_deleted = Signal(str, str)  # uuid, description for the Undo message

    filter_bar: SeizureFilterBar

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, prompts: Prompts | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self._prompts = prompts or Prompts()
        self.filter_bar = SeizureFilterBar(ctx.catalog(), ctx.today(), self.list_panel)
        self.panel_layout.addWidget(self.filter_bar)
        self.model = SeizureTableModel(ctx, self)
        self.table = self._list_table("Seizure list", self.model)
        self.panel_layout.addWidget(self.table, 1)
        self.panel_layout.addLayout(self._build_footer("&New seizure (Ctrl+N)", "New seizure"))
        self.stack.addWidget(self.list_panel)
        self._form: SeizureForm | None = None  # built when first opened
        self._count_after_pauses(TOTALS_DELAY_MS)
        self._build_column_menu(COLUMNS)
        if not self._restore_columns(SETTINGS_HEADER):
            self.table.resizeColumnsToContents()
        self._on_new_keys(self.new_seizure)
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
            self._form = SeizureForm(self._ctx, self, prompts=self._prompts)
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
        self._new()

    def open_seizure(self, uuid: str) -> None:
        """Open the form on a stored seizure."""
        self._open(uuid)

    def _form_for_records(self) -> SeizureForm:
        return self.form

    def _describe(self, row: int, uuid: str) -> str:
        # A row is one drug item; the message names the whole seizure, so read it first.
        return seizure_description(load_seizure(self._ctx, uuid), self._ctx.catalog())

    def _set_deleted(self, uuid: str, deleted: bool) -> None:
        set_seizure_deleted(self._ctx, uuid, deleted)

    def _deleted(self, uuid: str, description: str) -> None:
        self.seizure_deleted.emit(uuid, description)

    def save_layout(self) -> None:
        """Remember column order, widths and visibility."""
        self._save_header_state(SETTINGS_HEADER)

    # Totals ----------------------------------------------------------------------

    def _count_job(self) -> Callable[[], SeizureTotals]:
        ctx, filter_ = self._ctx, self.model.current_filter
        return lambda: seizure_totals(ctx, filter_)

    def _show_count(self, totals: SeizureTotals) -> None:
        text = f"{totals.items:,} items · {totals.kg_equivalent:,.3f} kg-equivalent"
        if totals.items_without_kg:
            text += f" ({totals.items_without_kg:,} without kg-equivalent)"
        self._show_count_text(text)
