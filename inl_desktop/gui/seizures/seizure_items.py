"""The seizure form's grid of drug items: drug, quantity, unit and a live kg-equivalent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)
from shiboken6 import isValid

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import SeizureItemDraft
from inl_desktop.domain.fields import SEIZURE_ITEM
from inl_desktop.domain.units import UnitKind, kg_equivalent, kg_to_mg, mg_to_kg, proposed_unit
from inl_desktop.gui.common.record_form import settle_code as settle_code
from inl_desktop.gui.common.record_form import show_start as show_start
from inl_desktop.gui.common.widgets import CodeComboBox

INPUT_FIELDS = ("drug", "quantity", "unit")
KG_LABEL = SEIZURE_ITEM["kg_equivalent"].label
NO_KG_COUNTED = "no kg-equivalent (no mass per unit)"
NO_KG = "no kg-equivalent"
# Columns: drug, quantity, unit, kg-equivalent, remove button.
_STRETCH = (6, 2, 3, 4, 0)


def format_kg(kg: Decimal) -> str:
    """Kilograms as stored (whole milligrams), grouped, without trailing zeros."""
    stored = mg_to_kg(kg_to_mg(kg))
    assert stored is not None
    text = f"{stored:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} kg"


@dataclass
class ItemRow:
    """The widgets of one drug item and the stored item's UUID (None if new)."""

    drug: CodeComboBox
    quantity: QLineEdit
    unit: CodeComboBox
    kg_label: QLabel
    remove_button: QToolButton
    uuid: str | None = None
    # The unit put in for the clerk (not typed), replaced when the drug changes.
    proposed_unit: str | None = None

    def cell(self, field: str) -> QWidget:
        """The input of ``field`` ("drug", "quantity" or "unit")."""
        widget: QWidget = getattr(self, field)
        return widget

    def inputs(self) -> list[QWidget]:
        """The row's inputs in tab order."""
        return [self.drug, self.quantity, self.unit]

    def is_blank(self) -> bool:
        """Nothing typed in any cell (such a row is not an item)."""
        return not (
            self.drug.typed_text() or self.quantity.text().strip() or self.unit.typed_text()
        )


class ItemsGrid(QWidget):
    """Rows of drug items under a header whose labels are the first row's buddies.

    There is always at least one row; blank rows are not items. ``edited`` fires on
    every change, ``cell_finished(row, field)`` when editing a cell ends.
    """

    edited = Signal()
    cell_finished = Signal(int, str)
    rows_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = Catalog(codes={})
        self._rows: list[ItemRow] = []
        self._filling = False
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(8)
        for column, stretch in enumerate(_STRETCH):
            self._grid.setColumnStretch(column, stretch)
        self.headers: dict[str, QLabel] = {}
        for column, name in enumerate((*INPUT_FIELDS, "kg_equivalent")):
            header = QLabel(SEIZURE_ITEM[name].label, self)
            header.setObjectName(f"{name}Header")
            self._grid.addWidget(header, 0, column)
            self.headers[name] = header
        self.add_row()

    # -- rows --------------------------------------------------------------------

    def input_headers(self) -> list[QLabel]:
        """The column labels of the inputs (buddies of the first row's cells)."""
        return [self.headers[name] for name in INPUT_FIELDS]

    def rows(self) -> list[ItemRow]:
        """The rows, top to bottom."""
        return list(self._rows)

    def set_catalog(self, catalog: Catalog) -> None:
        """Offer the drugs and units of ``catalog`` in every row."""
        self._catalog = catalog
        for row in self._rows:
            self._fill_choices(row)
            self._update_kg(row)

    def add_row(self, item: SeizureItemDraft | None = None) -> ItemRow:
        """Append a row (filled from ``item`` if given) and return it."""
        row = ItemRow(
            drug=CodeComboBox(self),
            quantity=QLineEdit(self),
            unit=CodeComboBox(self),
            kg_label=QLabel(self),
            remove_button=QToolButton(self),
        )
        for field in INPUT_FIELDS:
            cell = row.cell(field)
            cell.setAccessibleName(SEIZURE_ITEM[field].label)
            cell.setProperty("field", field)
        row.drug.setMinimumContentsLength(12)
        row.unit.setMinimumContentsLength(6)
        for combo in (row.drug, row.unit):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        row.quantity.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.quantity.setMinimumWidth(70)
        row.kg_label.setAccessibleName(KG_LABEL)
        row.kg_label.setWordWrap(True)
        row.kg_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        row.kg_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.remove_button.setText("✕")
        row.remove_button.setAutoRaise(True)
        row.remove_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        row.remove_button.setToolTip("Remove this item (Ctrl+Delete)")
        self._fill_choices(row)
        if item is not None:
            self._fill(row, item)
        self._connect(row)
        self._rows.append(row)
        self._relayout()
        for widget in (*row.inputs(), row.kg_label, row.remove_button):
            # A layout shows new children only later (queued); the cursor goes in now.
            widget.setVisible(True)
        self._update_kg(row)
        self.rows_changed.emit()
        return row

    def remove_row(self, index: int) -> None:
        """Remove a row; the last one left is cleared instead."""
        if len(self._rows) == 1:
            self.set_items([])
            self.edited.emit()
            return
        row = self._rows.pop(index)
        for widget in (*row.inputs(), row.kg_label, row.remove_button):
            self._grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self._relayout()
        self.rows_changed.emit()
        self.edited.emit()

    def set_items(self, items: list[SeizureItemDraft]) -> None:
        """Show exactly ``items`` (one blank row when there are none)."""
        wanted = items or [SeizureItemDraft()]
        while len(self._rows) > len(wanted):
            row = self._rows.pop()
            for widget in (*row.inputs(), row.kg_label, row.remove_button):
                self._grid.removeWidget(widget)
                widget.hide()
                widget.deleteLater()
        for row, item in zip(self._rows, wanted, strict=False):
            self._fill(row, item)
            self._update_kg(row)
        for item in wanted[len(self._rows) :]:
            self.add_row(item)
        self._relayout()
        self.rows_changed.emit()

    def row_of(self, widget: QWidget | None) -> int | None:
        """The index of the row holding ``widget`` (or a child of it), if any."""
        while widget is not None and widget is not self:
            for index, row in enumerate(self._rows):
                if widget in (*row.inputs(), row.remove_button):
                    return index
            widget = widget.parentWidget()
        return None

    def tab_widgets(self) -> list[QWidget]:
        """The rows' inputs and remove buttons in tab order (the form chains them in)."""
        return [widget for row in self._rows for widget in (*row.inputs(), row.remove_button)]

    # -- reading -----------------------------------------------------------------

    def read(self) -> tuple[list[tuple[int, SeizureItemDraft]], list[tuple[int, str, str]]]:
        """The items typed, each with its row index, and the problems of parsing them.

        A problem is (row, field, message): a quantity that is not a number, or a
        drug or unit whose text matches nothing in its list.
        """
        items: list[tuple[int, SeizureItemDraft]] = []
        problems: list[tuple[int, str, str]] = []
        for index, row in enumerate(self._rows):
            if row.is_blank():
                continue
            item = SeizureItemDraft(uuid=row.uuid)
            for field, combo in (("drug", row.drug), ("unit", row.unit)):
                code = combo.code()
                if code is None and combo.typed_text():
                    label = SEIZURE_ITEM[field].label
                    problems.append(
                        (index, field, f"{label}: “{combo.typed_text()}” is not in the list")
                    )
                setattr(item, field, code)
            try:
                quantity = SEIZURE_ITEM["quantity"].parse(row.quantity.text())
            except ValueError as error:
                problems.append((index, "quantity", str(error)))
            else:
                assert quantity is None or isinstance(quantity, Decimal)
                item.quantity = quantity
            items.append((index, item))
        return items, problems

    # -- internals ---------------------------------------------------------------

    def _fill_choices(self, row: ItemRow) -> None:
        row.drug.set_reference_list(self._catalog, "drugs", keep=row.drug.code())
        row.unit.set_reference_list(self._catalog, "units", keep=row.unit.code())

    def _fill(self, row: ItemRow, item: SeizureItemDraft) -> None:
        self._filling = True
        try:
            self._fill_cells(row, item)
        finally:
            self._filling = False

    def _fill_cells(self, row: ItemRow, item: SeizureItemDraft) -> None:
        row.uuid = item.uuid
        row.proposed_unit = None
        if item.drug is not None and row.drug.findData(item.drug) < 0:
            row.drug.set_reference_list(self._catalog, "drugs", keep=item.drug)
        if item.unit is not None and row.unit.findData(item.unit) < 0:
            row.unit.set_reference_list(self._catalog, "units", keep=item.unit)
        row.drug.set_code(item.drug)
        row.unit.set_code(item.unit)
        show_start(row.drug)
        show_start(row.unit)
        row.quantity.setText("" if item.quantity is None else format(item.quantity, "f"))

    def _connect(self, row: ItemRow) -> None:
        def changed(*_args: object) -> None:
            self._update_kg(row)
            self.edited.emit()

        def finished(field: str) -> None:
            if not isValid(self) or not self.isVisible():
                # Focus leaves a cell while a closed form is taken apart (the grid
                # itself may be gone already, its cells not yet): nothing to check.
                return
            cell = row.cell(field)
            if isinstance(cell, CodeComboBox):
                settle_code(cell)
            if row in self._rows:
                self.cell_finished.emit(self._rows.index(row), field)

        row.drug.code_changed.connect(lambda _code: self._propose_unit(row))
        row.drug.editTextChanged.connect(changed)
        row.unit.editTextChanged.connect(changed)
        row.quantity.textChanged.connect(changed)
        _typed_line(row.drug).editingFinished.connect(lambda: finished("drug"))
        _typed_line(row.unit).editingFinished.connect(lambda: finished("unit"))
        row.drug.activated.connect(lambda _i: finished("drug"))
        row.unit.activated.connect(lambda _i: finished("unit"))
        row.quantity.editingFinished.connect(lambda: finished("quantity"))
        row.remove_button.clicked.connect(
            lambda: self.remove_row(self._rows.index(row)) if row in self._rows else None
        )

    def _propose_unit(self, row: ItemRow) -> None:
        """Put in the unit the drug suggests (or the item above kept), unless the
        clerk has typed a unit of their own."""
        if self._filling or row not in self._rows:
            return
        current = row.unit.code()
        if row.unit.typed_text() and current != row.proposed_unit:
            return
        drug = self._catalog.drugs.get(row.drug.code() or "")
        if drug is None:
            return
        index = self._rows.index(row)
        above = self._rows[index - 1].unit.code() if index > 0 else None
        previous = self._catalog.units.get(above or "")
        proposal = proposed_unit(drug, previous, self._catalog.units)
        row.proposed_unit = proposal
        if proposal is not None and proposal != current:
            row.unit.set_code(proposal)
            show_start(row.unit)

    def _update_kg(self, row: ItemRow) -> None:
        text, flagged = self._kg_text(row)
        row.kg_label.setText(text)
        row.kg_label.setProperty("flagged", flagged)
        row.kg_label.setToolTip(
            "The reported quantity cannot be converted to kilograms; the item is flagged in totals"
            if flagged
            else ""
        )
        row.kg_label.style().unpolish(row.kg_label)
        row.kg_label.style().polish(row.kg_label)

    def _kg_text(self, row: ItemRow) -> tuple[str, bool]:
        drug = self._catalog.drugs.get(row.drug.code() or "")
        unit = self._catalog.units.get(row.unit.code() or "")
        try:
            quantity = SEIZURE_ITEM["quantity"].parse(row.quantity.text())
        except ValueError:
            return "—", False
        if drug is None or unit is None or not isinstance(quantity, Decimal):
            return "—", False
        kg = kg_equivalent(quantity, unit, drug)
        if kg is None:
            return (NO_KG_COUNTED if unit.kind is UnitKind.COUNT else NO_KG), True
        return format_kg(kg), False

    def _relayout(self) -> None:
        for index, row in enumerate(self._rows, start=1):
            for column, widget in enumerate((*row.inputs(), row.kg_label, row.remove_button)):
                self._grid.removeWidget(widget)
                self._grid.addWidget(widget, index, column)
            row.remove_button.setAccessibleName(f"Remove item {index}")
            for field in INPUT_FIELDS:
                label = SEIZURE_ITEM[field].label
                row.cell(field).setAccessibleName(label if index == 1 else f"{label}, item {index}")
        first = self._rows[0]
        for field in INPUT_FIELDS:
            self.headers[field].setBuddy(first.cell(field))


def _typed_line(combo: CodeComboBox) -> QLineEdit:
    """The line a code list is typed into."""
    line = combo.lineEdit()
    assert line is not None
    return line
