"""The seizure form: one report (individual seizure or aggregate) with its drug items.

Keyboard first: Ctrl+N new, Ctrl+S save, Ctrl+Enter save and start the next report
with the same agency, date and place, Esc leave (asking about unsaved changes),
Insert add an item, Ctrl+Delete remove the item being edited. Every edit is checked
by the domain rules at once; saving an invalid record lists its problems.
"""

from __future__ import annotations

import copy
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from inl_desktop.domain.drafts import SeizureDraft
from inl_desktop.domain.fields import SEIZURE_EVENT
from inl_desktop.domain.validation import validate_seizure
from inl_desktop.gui.common.editor_base import RecordEditor
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.record_form import (
    INVALID_STYLE,
    Problem,
    field_inputs,
    label_inputs,
    set_tab_order,
    settle_code,
    show_problem_lines,
    show_start,
    tab_stops,
    write_field,
)
from inl_desktop.gui.common.widgets import CodeComboBox
from inl_desktop.gui.seizures.seizure_fields import districts_of
from inl_desktop.gui.seizures.seizure_items import INPUT_FIELDS, ItemsGrid
from inl_desktop.services.context import AppContext
from inl_desktop.services.duplicates import find_possible_duplicates
from inl_desktop.services.history import record_history
from inl_desktop.services.records import Saved, new_uuid
from inl_desktop.services.seizures import case_period, load_seizure, save_seizure

# What save-and-new carries over to the next report of the same batch.
KEPT_FIELDS = (
    "agency",
    "basis",
    "event_date",
    "date_precision",
    "period_start",
    "period_end",
    "province",
    "district",
    "place",
    "status",
)
CASE_ONLY = ("event_date", "date_precision")
AGGREGATE_ONLY = ("period_start", "period_end")


class SeizureForm(RecordEditor, QWidget):
    """Enter a new seizure report or correct a stored one."""

    record_saved = Signal(str)
    closed = Signal()

    RECORD_NAME = "seizure"
    WHAT = "This seizure"
    NEW_TITLE = "New seizure"
    TITLE = "Seizure"

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        ui = self._build_editor(ctx, prompts, "seizure_form", (ItemsGrid,))
        self.setWindowTitle(ui.windowTitle())
        self.setStyleSheet(INVALID_STYLE)
        self.items_grid = self._child(ui, ItemsGrid, "itemsGrid")
        self._scroll = self._child(ui, QScrollArea, "detailsScroll")
        self._report_form = self._child(ui, QFormLayout, "reportForm")
        self.inputs = field_inputs(ui, (self.items_grid,))
        missing = set(SEIZURE_EVENT.names) - set(self.inputs)
        assert not missing, f"ui/seizure_form.ui has no input for {sorted(missing)}"
        self._same_as_uuid: str | None = None
        self._loaded = SeizureDraft()
        self._problems: list[Problem] = []
        self._tab_stops = tab_stops(ui, "seizure_form")
        self._chain_tab_order()
        self._label_fields(ui)
        self._fill_choices(SEIZURE_EVENT)
        self.items_grid.set_catalog(self._catalog)
        self._connect_inputs(SEIZURE_EVENT)
        self._connect_signals()
        self._connect_form_buttons(ui)
        self._child(ui, QPushButton, "addItemButton").clicked.connect(self._on_add_item_requested)
        self._add_form_keys(
            (
                ("Insert", self._on_add_item_requested),
                ("Ctrl+Delete", self._on_remove_item_requested),
            )
        )
        self.new_record()

    # -- building ----------------------------------------------------------------

    def _label_fields(self, ui: QWidget) -> None:
        """Labels and accessible names from the field definitions, with mnemonics."""
        chain = self._focus_chain()
        texts = [
            (label, SEIZURE_EVENT[self._field_of(label.buddy())].label)
            for label in self._labelled_inputs(ui)
        ]
        texts += [(header, header.text()) for header in self.items_grid.input_headers()]
        # Letters go in order of importance: tab order (the item columns before
        # transport and routes), except that the record status, set on every
        # report, comes before the rarely known route details.
        status_rank = chain.index(self.inputs["transport_mode"]) - 0.5

        def importance(pair: tuple[QLabel, str]) -> float:
            buddy = pair[0].buddy()
            return status_rank if buddy is self.inputs["status"] else chain.index(buddy)

        texts.sort(key=importance)
        # The period rows replace the date rows, so they may reuse those letters.
        label_inputs(
            texts,
            alternatives=[
                (self.inputs[case], self.inputs[aggregate])
                for case, aggregate in zip(CASE_ONLY, AGGREGATE_ONLY, strict=True)
            ],
        )

    def _connect_signals(self) -> None:
        self._combo("basis").currentIndexChanged.connect(self._on_basis_changed)
        self._code_combo("province").code_changed.connect(self._on_province_changed)
        self._code_combo("district").code_changed.connect(self._on_district_changed)
        self.items_grid.edited.connect(self._on_input_changed)
        self.items_grid.cell_finished.connect(self._on_items_grid_cell_finished)
        self.items_grid.rows_changed.connect(self._on_items_grid_rows_changed)

    def _combo(self, name: str) -> QComboBox:
        widget = self.inputs[name]
        assert isinstance(widget, QComboBox)
        return widget

    def _code_combo(self, name: str) -> CodeComboBox:
        widget = self.inputs[name]
        assert isinstance(widget, CodeComboBox)
        return widget

    def _line_edit(self, name: str) -> QLineEdit:
        widget = self.inputs[name]
        assert isinstance(widget, QLineEdit)
        return widget

    # -- the contract ------------------------------------------------------------

    def new_record(self, keep_from: SeizureDraft | None = None) -> None:
        """Start an empty report, or the next one of a batch with ``keep_from``'s
        agency, basis, date or period, province, district, place and status."""
        draft = SeizureDraft()
        if keep_from is not None:
            for name in KEPT_FIELDS:
                setattr(draft, name, copy.copy(getattr(keep_from, name)))
        self._uuid = self._revision = self._same_as_uuid = None
        self._populate(draft)
        if keep_from is not None:
            self._focus(self.items_grid.rows()[0].drug)
        else:
            self._focus_first_field()

    def open_record(self, uuid: str) -> None:
        """Show the stored seizure ``uuid`` for correction.

        Raises RecordNotFound (a UserError) when there is none; the form is then
        left as it was.
        """
        draft = load_seizure(self._ctx, uuid)
        self._uuid, self._revision = draft.uuid, draft.revision
        self._same_as_uuid = draft.same_as_uuid
        self._populate(draft)
        self._focus_first_field()

    def save(self) -> bool:
        """Save the report; False when it is refused or the user cancels."""
        self._all_touched = True
        self._settle_codes()
        draft, problems = self._check()
        self._show_marks()
        if problems:
            messages = [problem.text for problem in problems]
            return self._refused(messages, self._widget_for(problems[0].key))

        def write() -> Saved | None:
            if draft.uuid is None and not self._linked_or_kept(draft):
                return None
            # New items get their UUIDs here, so the form knows them without a reload.
            for item in draft.items:
                item.uuid = item.uuid or new_uuid()
            return save_seizure(self._ctx, copy.deepcopy(draft))

        saved = self._store(write)
        if saved is None:
            return False
        filled = [row for row in self.items_grid.rows() if not row.is_blank()]
        for row, item in zip(filled, draft.items, strict=True):
            row.uuid = item.uuid
        self._same_as_uuid = draft.same_as_uuid
        draft.uuid, draft.revision = saved.uuid, saved.revision
        self._loaded = draft
        self._stored_as(saved.uuid, saved.revision)
        self.record_saved.emit(saved.uuid)
        return True

    def _linked_or_kept(self, draft: SeizureDraft) -> bool:
        """Ask about stored seizures the new one may repeat; False when the user cancels
        (linked: ``draft`` names the one it repeats)."""
        candidates = find_possible_duplicates(self._ctx, draft)
        if not candidates:
            return True
        decision, same_as = self._prompts.duplicate_seizure(self, candidates, self._catalog)
        if decision == "link" and same_as is not None:
            draft.same_as_uuid = same_as
            return True
        return decision == "keep"

    def _next_record(self) -> None:
        """The next report keeps agency, date and place."""
        self.new_record(keep_from=self._loaded)

    def _closed(self) -> None:
        self.closed.emit()

    def _populate_loaded(self) -> None:
        self._populate(self._loaded)

    # -- reading and checking ----------------------------------------------------

    def _read(self) -> tuple[SeizureDraft, list[Problem], list[int]]:
        """The draft in the form, what could not be read, and each item's grid row."""
        draft = SeizureDraft(
            uuid=self._uuid, revision=self._revision, same_as_uuid=self._same_as_uuid
        )
        basis = self._combo("basis").currentData()
        hidden = AGGREGATE_ONLY if basis == "case" else CASE_ONLY
        problems = self._read_inputs(SEIZURE_EVENT, draft, skip=hidden)
        items, item_problems = self.items_grid.read()
        draft.items = [item for _, item in items]
        problems += [Problem(field, row, message) for row, field, message in item_problems]
        return draft, problems, [row for row, _ in items]

    def _check(self) -> tuple[SeizureDraft, list[Problem]]:
        """The draft and every problem with it, in the order of the form."""
        draft, problems, rows = self._read()
        unreadable = {problem.key for problem in problems}
        for error in validate_seizure(draft, self._catalog, self._ctx.today()):
            row = None if error.row is None else rows[error.row]
            if (error.field, row) not in unreadable:
                problems.append(Problem(error.field, row, error.message))
        chain = self._focus_chain()

        def position(problem: Problem) -> int:
            widget = self._widget_for(problem.key)
            return chain.index(widget) if widget in chain else len(chain)

        problems.sort(key=position)
        return draft, problems

    def _settle_codes(self) -> None:
        """Settle what was typed in code combos, as leaving each of them would."""
        super()._settle_codes()
        for row in self.items_grid.rows():
            settle_code(row.drug)
            settle_code(row.unit)

    def _state(self) -> object:
        draft, problems, _rows = self._read()
        return draft, tuple(problem.text for problem in problems)

    def _widget_for(self, key: tuple[str, int | None]) -> QWidget | None:
        field, row = key
        rows = self.items_grid.rows()
        if field == "items":
            return rows[0].drug
        if row is not None:
            return rows[row].cell(field) if row < len(rows) and field in INPUT_FIELDS else None
        return self.inputs.get(field)

    def _focus_chain(self) -> list[QWidget]:
        """The form's inputs and buttons in tab order, the item rows in their place."""
        chain: list[QWidget] = []
        for widget in self._tab_stops:
            chain.extend(self.items_grid.tab_widgets() if widget is self.items_grid else [widget])
        return chain

    def _chain_tab_order(self) -> None:
        set_tab_order(self._focus_chain())

    # -- showing problems --------------------------------------------------------

    def _recheck(self) -> None:
        _draft, self._problems = self._check()
        self._show_marks()

    def _show_marks(self) -> None:
        """Mark the touched fields that have problems; list their messages."""
        shown = [p for p in self._problems if self._all_touched or p.key in self._touched]
        messages: dict[QWidget, list[str]] = {}
        for problem in shown:
            widget = self._widget_for(problem.key)
            if widget is not None:
                messages.setdefault(widget, []).append(problem.message)
        cells = [cell for row in self.items_grid.rows() for cell in row.inputs()]
        widgets = {*self.inputs.values(), *cells}
        self._marker.forget(widgets)
        for widget in widgets:
            found = messages.get(widget)
            self._marker.mark(widget, "\n".join(found) if found else None)
        show_problem_lines(self.problems_label, [problem.text for problem in shown])

    # -- filling -----------------------------------------------------------------

    def _populate(self, draft: SeizureDraft) -> None:
        """Show ``draft``; it becomes what unsaved changes are measured against."""
        self._populating = True
        try:
            self._write_inputs(SEIZURE_EVENT, draft, skip=("district",))
            self._offer_districts(draft.province, keep=draft.district)
            district = self._code_combo("district")
            write_field(SEIZURE_EVENT["district"], district, draft.district, self._catalog)
            show_start(district)
            self.items_grid.set_items(copy.deepcopy(draft.items))
            self._show_basis_rows()
        finally:
            self._populating = False
        self._loaded = copy.deepcopy(draft)
        self._shown_afresh()

    def _offer_districts(self, province: str | None, keep: str | None = None) -> None:
        """Offer the districts of ``province`` (all of them when none is chosen)."""
        self._code_combo("district").set_choices(districts_of(self._catalog, province, keep))

    def _show_basis_rows(self) -> None:
        case = self._combo("basis").currentData() == "case"
        for name in CASE_ONLY:
            self._report_form.setRowVisible(self.inputs[name], case)
        for name in AGGREGATE_ONLY:
            self._report_form.setRowVisible(self.inputs[name], not case)

    def _focus_first_field(self) -> None:
        case = self._combo("basis").currentData() == "case"
        self._focus(self.inputs["event_date" if case else "period_start"])

    def _reveal(self, widget: QWidget) -> None:
        self._scroll.ensureWidgetVisible(widget)

    # -- history -----------------------------------------------------------------

    def _show_history(self, uuid: str) -> None:
        self.history_view.show_entries(record_history(self._ctx, uuid), self._catalog)

    # -- slots -------------------------------------------------------------------

    def _on_items_grid_rows_changed(self) -> None:
        self._chain_tab_order()
        self._refresh()

    def _on_items_grid_cell_finished(self, row: int, field: str) -> None:
        self._touch(field, row)

    def _on_basis_changed(self, _index: int) -> None:
        if self._populating:
            return
        if self._combo("basis").currentData() == "aggregate":
            start, end = self._line_edit("period_start"), self._line_edit("period_end")
            try:
                day = SEIZURE_EVENT["event_date"].parse(self._line_edit("event_date").text())
            except ValueError:
                day = None
            if isinstance(day, date) and not start.text() and not end.text():
                precision = self._combo("date_precision").currentData()
                first, last = case_period(day, precision)
                start.setText(first.isoformat())
                end.setText(last.isoformat())
        self._show_basis_rows()
        self._refresh()

    def _on_province_changed(self, province: str | None) -> None:
        district = self._code_combo("district")
        current = district.code()
        if (
            current is not None
            and province is not None
            and self._catalog.parent_of("districts", current) != province
        ):
            current = None
        self._offer_districts(province, keep=current)
        district.set_code(current)

    def _on_district_changed(self, district: str | None) -> None:
        province = self._code_combo("province")
        if district is None or self._populating or province.code() is not None:
            return
        parent = self._catalog.parent_of("districts", district)
        if parent is not None:
            province.set_code(parent)

    def _on_add_item_requested(self) -> None:
        row = self.items_grid.add_row()
        self._focus(row.drug)

    def _on_remove_item_requested(self) -> None:
        index = self.items_grid.row_of(QApplication.focusWidget())
        if index is None:
            return
        self.items_grid.remove_row(index)
        rows = self.items_grid.rows()
        self._focus(rows[min(index, len(rows) - 1)].drug)
