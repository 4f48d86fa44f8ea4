"""The seizure form: one report (individual seizure or aggregate) with its drug items.

Keyboard first: Ctrl+N new, Ctrl+S save, Ctrl+Enter save and start the next report
with the same agency, date and place, Esc leave (asking about unsaved changes),
Insert add an item, Ctrl+Delete remove the item being edited. Every edit is checked
by the domain rules at once; saving an invalid record lists its problems.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from inl_desktop.domain.drafts import SeizureDraft
from inl_desktop.domain.errors import UserError, ValidationFailed
from inl_desktop.domain.fields import SEIZURE_EVENT, FieldType
from inl_desktop.domain.validation import validate_seizure
from inl_desktop.gui.common.history_view import HistoryView
from inl_desktop.gui.common.record_form import (
    add_shortcuts,
    ask_unsaved,
    set_tab_order,
    show_problem_lines,
    tab_stops,
)
from inl_desktop.gui.common.widgets import CodeComboBox, CodeListEdit
from inl_desktop.gui.seizures.duplicate_dialog import ask_duplicate
from inl_desktop.gui.seizures.seizure_fields import (
    INVALID_STYLE,
    Marker,
    Problem,
    districts_of,
    label_inputs,
    load_ui,
    read_field,
    write_field,
)
from inl_desktop.gui.seizures.seizure_items import INPUT_FIELDS, ItemsGrid, settle_code, show_start
from inl_desktop.services.context import AppContext
from inl_desktop.services.duplicates import PossibleDuplicate, find_possible_duplicates
from inl_desktop.services.records import history, new_uuid
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


class SeizureForm(QWidget):
    """Enter a new seizure report or correct a stored one."""

    record_saved = Signal(str)
    closed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._catalog = ctx.catalog()
        ui = load_ui("seizure_form", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(ui)
        self.setWindowTitle(ui.windowTitle())
        self.setStyleSheet(INVALID_STYLE)
        self.tabs: QTabWidget = ui.findChild(QTabWidget, "tabs")
        self.items_grid: ItemsGrid = ui.findChild(ItemsGrid, "itemsGrid")
        self.history_view: HistoryView = ui.findChild(HistoryView, "historyTable")
        self.problems_label: QLabel = ui.findChild(QLabel, "problemsLabel")
        self._scroll: QScrollArea = ui.findChild(QScrollArea, "detailsScroll")
        self._report_form: QFormLayout = ui.findChild(QFormLayout, "reportForm")
        self.inputs: dict[str, QWidget] = {
            str(widget.property("field")): widget
            for widget in ui.findChildren(QWidget)
            if widget.property("field") and not self.items_grid.isAncestorOf(widget)
        }
        missing = set(SEIZURE_EVENT.names) - set(self.inputs)
        assert not missing, f"ui/seizure_form.ui has no input for {sorted(missing)}"
        self._uuid: str | None = None
        self._revision: int | None = None
        self._same_as_uuid: str | None = None
        self._loaded = SeizureDraft()
        self._baseline: object = None
        self._touched: set[tuple[str, int | None]] = set()
        self._all_touched = False
        self._populating = False
        self._history_stale = True
        self._problems: list[Problem] = []
        self._marker = Marker()
        self._tab_stops = tab_stops(ui, "seizure_form")
        self._chain_tab_order()
        self._label_fields(ui)
        self._fill_choices()
        self._connect_inputs()
        self._connect_buttons(ui)
        self._add_shortcuts()
        self.new_record()

    # -- building ----------------------------------------------------------------

    def _label_fields(self, ui: QWidget) -> None:
        """Labels and accessible names from the field definitions, with mnemonics."""
        chain = self._focus_chain()
        labels = [
            label
            for label in ui.findChildren(QLabel)
            if label.buddy() is not None and label.buddy() in self.inputs.values()
        ]
        fields = {widget: name for name, widget in self.inputs.items()}
        texts = [(label, SEIZURE_EVENT[fields[label.buddy()]].label) for label in labels]
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

    def _fill_choices(self) -> None:
        for field in SEIZURE_EVENT:
            widget = self.inputs[field.name]
            if field.type is FieldType.CHOICE:
                assert isinstance(widget, QComboBox)
                for code, label in field.choices:
                    widget.addItem(label, code)
            elif isinstance(widget, CodeComboBox | CodeListEdit) and field.reference_list:
                widget.set_reference_list(self._catalog, field.reference_list)
        self.items_grid.set_catalog(self._catalog)

    def _connect_inputs(self) -> None:
        for name, widget in self.inputs.items():
            if isinstance(widget, CodeComboBox):
                widget.editTextChanged.connect(self._on_input_changed)
                widget.lineEdit().editingFinished.connect(
                    lambda n=name, w=widget: self._on_code_combo_finished(n, w)
                )
                widget.activated.connect(lambda _i, n=name: self._touch(n))
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i, n=name: self._touch(n))
            elif isinstance(widget, QPlainTextEdit):
                widget.textChanged.connect(lambda n=name: self._touch(n))
            elif isinstance(widget, QLineEdit):
                widget.textChanged.connect(self._on_input_changed)
                widget.editingFinished.connect(lambda n=name: self._on_line_edit_finished(n))
        self.inputs["basis"].currentIndexChanged.connect(self._on_basis_changed)
        self.inputs["province"].code_changed.connect(self._on_province_changed)
        self.inputs["district"].code_changed.connect(self._on_district_changed)
        self.items_grid.edited.connect(self._on_input_changed)
        self.items_grid.cell_finished.connect(self._on_items_grid_cell_finished)
        self.items_grid.rows_changed.connect(self._on_items_grid_rows_changed)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

    def _connect_buttons(self, ui: QWidget) -> None:
        def button(name: str) -> QPushButton:
            found: QPushButton = ui.findChild(QPushButton, name)
            return found

        button("saveButton").clicked.connect(self.save)
        button("saveAndNewButton").clicked.connect(self.save_and_new)
        button("newButton").clicked.connect(self._on_new_requested)
        button("closeButton").clicked.connect(self._on_close_requested)
        button("addItemButton").clicked.connect(self._on_add_item_requested)

    def _add_shortcuts(self) -> None:
        bindings = (
            ("Ctrl+N", self._on_new_requested),
            ("Ctrl+S", self.save),
            ("Ctrl+Return", self.save_and_new),
            ("Ctrl+Enter", self.save_and_new),
            ("Esc", self._on_close_requested),
            ("Insert", self._on_add_item_requested),
            ("Ctrl+Delete", self._on_remove_item_requested),
        )
        add_shortcuts(self, bindings)

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

    def has_unsaved_changes(self) -> bool:
        """Whether the form differs from the record as loaded, saved or started."""
        return self._state() != self._baseline

    def confirm_discard(self) -> bool:
        """Ask Save/Discard/Cancel when there are unsaved changes; True means go on.

        Discard puts the form back as it was loaded, saved or started.
        """
        if not self.has_unsaved_changes():
            return True
        answer = self._ask_unsaved()
        if answer == "save":
            return self.save()
        if answer == "discard":
            self._populate(self._loaded)
            return True
        return False

    def save(self) -> bool:
        """Save the report; False when it is refused or the user cancels."""
        self._all_touched = True
        self._settle_codes()
        draft, problems = self._check()
        self._show_marks()
        if problems:
            self._show_problems([problem.text for problem in problems])
            self._focus(self._widget_for(problems[0].key))
            return False
        try:
            if draft.uuid is None:
                candidates = find_possible_duplicates(self._ctx, draft)
                if candidates:
                    decision, same_as = self._ask_duplicate(candidates)
                    if decision == "link" and same_as is not None:
                        draft.same_as_uuid = same_as
                    elif decision != "keep":
                        return False
            # New items get their UUIDs here, so the form knows them without a reload.
            for item in draft.items:
                item.uuid = item.uuid or new_uuid()
            saved = save_seizure(self._ctx, copy.deepcopy(draft))
        except ValidationFailed as error:
            self._show_problems([str(field_error) for field_error in error.errors])
            return False
        except UserError as error:
            self._show_error(str(error))
            return False
        filled = [row for row in self.items_grid.rows() if not row.is_blank()]
        for row, item in zip(filled, draft.items, strict=True):
            row.uuid = item.uuid
        self._uuid, self._revision = saved.uuid, saved.revision
        self._same_as_uuid = draft.same_as_uuid
        draft.uuid, draft.revision = saved.uuid, saved.revision
        self._loaded = draft
        self._baseline = self._state()
        self._show_title()
        self._history_stale = True
        self._refresh_history_if_shown()
        self.record_saved.emit(saved.uuid)
        return True

    def save_and_new(self) -> bool:
        """Save, then start the next report keeping agency, date and place."""
        if not self.save():
            return False
        self.new_record(keep_from=self._loaded)
        return True

    # -- what the user is asked (tests replace these) -----------------------------

    def _show_problems(self, messages: list[str]) -> None:
        listed = "\n".join(f"• {message}" for message in messages)
        QMessageBox.warning(
            self, "This seizure cannot be saved yet", f"Please correct:\n\n{listed}"
        )

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self, "The seizure was not saved", message)

    def _ask_unsaved(self) -> str:
        """The answer: "save", "discard" or "cancel"."""
        return ask_unsaved(self, "This seizure")

    def _ask_duplicate(self, candidates: Sequence[PossibleDuplicate]) -> tuple[str, str | None]:
        """("link", uuid), ("keep", None) or ("cancel", None)."""
        return ask_duplicate(candidates, self._catalog, self)

    # -- reading and checking ----------------------------------------------------

    def _read(self) -> tuple[SeizureDraft, list[Problem], list[int]]:
        """The draft in the form, what could not be read, and each item's grid row."""
        draft = SeizureDraft(
            uuid=self._uuid, revision=self._revision, same_as_uuid=self._same_as_uuid
        )
        problems: list[Problem] = []
        basis = self.inputs["basis"].currentData()
        hidden = AGGREGATE_ONLY if basis == "case" else CASE_ONLY
        for field in SEIZURE_EVENT:
            if field.name in hidden:
                setattr(draft, field.name, None)
                continue
            value, message = read_field(field, self.inputs[field.name])
            if message is not None:
                problems.append(Problem(field.name, None, message))
            setattr(draft, field.name, value)
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
        combos = [w for w in self.inputs.values() if isinstance(w, CodeComboBox)]
        combos += [combo for row in self.items_grid.rows() for combo in (row.drug, row.unit)]
        for combo in combos:
            settle_code(combo)

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

    def _refresh(self) -> None:
        # Focus moves while a closed form's widgets are being deleted; nothing to show then.
        if self._populating or not isValid(self.problems_label):
            return
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

    def _touch(self, name: str, row: int | None = None) -> None:
        if self._populating or not isValid(self.problems_label):
            return
        self._touched.add((name, row))
        self._refresh()

    # -- filling -----------------------------------------------------------------

    def _populate(self, draft: SeizureDraft) -> None:
        """Show ``draft``; it becomes what unsaved changes are measured against."""
        self._populating = True
        try:
            for field in SEIZURE_EVENT:
                if field.name != "district":
                    write_field(
                        field, self.inputs[field.name], getattr(draft, field.name), self._catalog
                    )
            self._offer_districts(draft.province, keep=draft.district)
            write_field(
                SEIZURE_EVENT["district"], self.inputs["district"], draft.district, self._catalog
            )
            for widget in self.inputs.values():
                if isinstance(widget, CodeComboBox):
                    show_start(widget)
            self.items_grid.set_items(copy.deepcopy(draft.items))
            self._show_basis_rows()
        finally:
            self._populating = False
        self._loaded = copy.deepcopy(draft)
        self._show_title()
        self._touched.clear()
        self._all_touched = draft.uuid is not None
        self._history_stale = True
        self._refresh_history_if_shown()
        self._refresh()
        self._baseline = self._state()

    def _show_title(self) -> None:
        if self._uuid is None:
            self.setWindowTitle("New seizure")
        else:
            self.setWindowTitle(f"Seizure (revision {self._revision})")

    def _offer_districts(self, province: str | None, keep: str | None = None) -> None:
        """Offer the districts of ``province`` (all of them when none is chosen)."""
        district: CodeComboBox = self.inputs["district"]
        district.set_choices(districts_of(self._catalog, province, keep))

    def _show_basis_rows(self) -> None:
        case = self.inputs["basis"].currentData() == "case"
        for name in CASE_ONLY:
            self._report_form.setRowVisible(self.inputs[name], case)
        for name in AGGREGATE_ONLY:
            self._report_form.setRowVisible(self.inputs[name], not case)

    def _focus_first_field(self) -> None:
        case = self.inputs["basis"].currentData() == "case"
        self._focus(self.inputs["event_date" if case else "period_start"])

    def _focus(self, widget: QWidget | None) -> None:
        if widget is None:
            return
        if self.tabs.currentIndex() != 0:
            self.tabs.setCurrentIndex(0)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self._scroll.ensureWidgetVisible(widget)

    # -- history -----------------------------------------------------------------

    def _refresh_history_if_shown(self) -> None:
        if self.tabs.currentWidget() is not self.history_view.parentWidget():
            return
        if self._uuid is None:
            self.history_view.clear_entries()
        elif self._history_stale:
            self.history_view.show_entries(history(self._ctx, self._uuid), self._catalog)
        self._history_stale = False

    # -- slots -------------------------------------------------------------------

    def _on_input_changed(self, *_args: object) -> None:
        self._refresh()

    def _on_line_edit_finished(self, name: str) -> None:
        widget = self.inputs[name]
        field = SEIZURE_EVENT[name]
        if field.type is FieldType.DATE:
            try:
                value = field.parse(widget.text())
            except ValueError:
                value = None
            if value is not None and widget.text() != value.isoformat():
                widget.setText(value.isoformat())
        self._touch(name)

    def _on_code_combo_finished(self, name: str, combo: CodeComboBox) -> None:
        settle_code(combo)
        self._touch(name)

    def _on_items_grid_rows_changed(self) -> None:
        self._chain_tab_order()
        self._refresh()

    def _on_items_grid_cell_finished(self, row: int, field: str) -> None:
        self._touch(field, row)

    def _on_basis_changed(self, _index: int) -> None:
        if self._populating:
            return
        if self.inputs["basis"].currentData() == "aggregate":
            start, end = self.inputs["period_start"], self.inputs["period_end"]
            try:
                day = SEIZURE_EVENT["event_date"].parse(self.inputs["event_date"].text())
            except ValueError:
                day = None
            if day is not None and not start.text() and not end.text():
                precision = self.inputs["date_precision"].currentData()
                first, last = case_period(day, precision)
                start.setText(first.isoformat())
                end.setText(last.isoformat())
        self._show_basis_rows()
        self._refresh()

    def _on_province_changed(self, province: str | None) -> None:
        district: CodeComboBox = self.inputs["district"]
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
        province: CodeComboBox = self.inputs["province"]
        if district is None or self._populating or province.code() is not None:
            return
        parent = self._catalog.parent_of("districts", district)
        if parent is not None:
            province.set_code(parent)

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._refresh_history_if_shown()

    def _on_new_requested(self) -> None:
        if self.confirm_discard():
            self.new_record()

    def _on_close_requested(self) -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            # Esc in an open completion list closes the list, not the form.
            popup.close()
            return
        if self.confirm_discard():
            self.closed.emit()

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
