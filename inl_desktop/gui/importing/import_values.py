"""The Values step of the import wizard: which reference code each text of the file
means, or a new value to add to the list."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.import_values import row_skip_reason
from inl_desktop.domain.roster import fold
from inl_desktop.exchange.ragged import ragged_rows
from inl_desktop.gui.common.widgets import CodeComboBox, line_edit_of
from inl_desktop.gui.importing.import_row_filter import where_text
from inl_desktop.gui.importing.import_source import (
    ImportState,
    cell_text,
    decimal_columns,
    rows_as_read,
)
from inl_desktop.services.importing.spellings import suggest_code, unit_text_code
from inl_desktop.services.importing.targets import Reads, Target, targets_of

MAX_TEXTS = 200
UNKNOWN_BRUSH = QBrush(QColor("#ffd8a8"))
NEW_VALUE_BRUSH = QBrush(QColor("#d3f9d8"))


@dataclass
class SourceValue:
    """A distinct text of a code field's column, and what it is taken to mean."""

    target: Target
    text: str
    rows: int
    suggested: str | None


def source_values(state: ImportState) -> list[SourceValue]:
    """The distinct texts of the columns that fill reference-code fields, most used first
    (at most MAX_TEXTS per field), with the code the mapping or a suggestion gives; only
    the rows the mapping selects are read, as the importer reads them."""
    table = state.table
    assert table is not None
    mapping = state.mapping
    catalog = state.ctx.catalog()
    headers = table.headers
    found: list[SourceValue] = []
    selectors = [(header, headers.index(header)) for header in mapping.where if header in headers]
    ragged = ragged_rows(table, decimal_columns(table, mapping.columns, mapping.kind) or None)
    data = [
        cells
        for _number, cells in rows_as_read(table, ragged, mapping.repair_decimal_commas)
        if row_skip_reason(cells) is None
        and all(mapping.keeps(header, where_text(cells[i])) for header, i in selectors)
    ]
    for name, target in targets_of(mapping.kind).items():
        list_name = target.reference_list
        if list_name is None or name not in mapping.columns:
            continue
        places = [headers.index(header) for header in mapping.columns[name]]
        counts: Counter[str] = Counter()
        for cells in data:
            text = " ".join(cell_text(cells[i]) for i in places if cells[i] is not None)
            parts = re.split(r"[,;]", text) if target.reads is Reads.CODES else [text]
            counts.update(part.strip() for part in parts if part.strip())
        for text, rows in counts.most_common(MAX_TEXTS):
            code = mapping.value_code(name, text)
            if code is None:
                code = _suggested_code(catalog, list_name, text)
            found.append(SourceValue(target, text, rows, code))
    return found


def _suggested_code(catalog: Catalog, list_name: str, text: str) -> str | None:
    if catalog.has(list_name, text.upper()):
        return text.upper()
    if list_name == "units":
        return unit_text_code(catalog, text)
    return suggest_code(catalog, list_name, text)


def new_code_for(text: str) -> str:
    """A code made from a text ("Frontier Police X" -> "FRONTIER_POLICE_X")."""
    return "_".join(fold(text).upper().split())[:20]


class ValuesPage(QWizardPage):
    """Each text of a code column and the code it becomes, or a new value to add."""

    FIELD, TEXT, ROWS, CODE, NEW, NEW_CODE, NEW_LABEL = range(7)

    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.values: list[SourceValue] = []
        self.setTitle("Values")
        self.setSubTitle(
            "Check which code each text of the file means. Texts that match no code are "
            "highlighted: choose a code, or tick “New value” to add it to the list."
        )
        layout = QVBoxLayout(self)
        self.empty_label = QLabel(
            "No column of this file is mapped to a field with a list of codes.", self
        )
        layout.addWidget(self.empty_label)
        self.table = QTableWidget(0, 7, self)
        self.table.setAccessibleName("Values and codes")
        self.table.setHorizontalHeaderLabels(
            ["Field", "In the file", "Rows", "Code", "New value", "New code", "New label"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        for column in (self.FIELD, self.TEXT, self.ROWS, self.NEW):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.CODE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.NEW_CODE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.NEW_LABEL, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(self.NEW_CODE, 150)
        header.resizeSection(self.NEW_LABEL, 150)
        layout.addWidget(self.table, 1)
        self.unknown_label = QLabel("", self)
        self.unknown_label.setAccessibleName("Unknown values")
        layout.addWidget(self.unknown_label)

    def initializePage(self) -> None:
        state = self._state
        catalog = state.ctx.catalog()
        self.values = source_values(state)
        self.empty_label.setVisible(not self.values)
        self.table.setVisible(bool(self.values))
        self.table.setRowCount(len(self.values))
        for row, value in enumerate(self.values):
            list_name = value.target.reference_list
            assert list_name is not None
            added = state.mapping.new_codes.get(list_name, {})
            self.table.setItem(row, self.FIELD, QTableWidgetItem(value.target.label))
            self.table.setItem(row, self.TEXT, QTableWidgetItem(value.text))
            rows = QTableWidgetItem(f"{value.rows:,}")
            rows.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, self.ROWS, rows)
            combo = CodeComboBox(self.table)
            combo.setAccessibleName(f"Code for {value.text}")
            combo.set_reference_list(catalog, list_name)
            new = QCheckBox("Add", self.table)
            new.setAccessibleName(f"Add {value.text} as a new value")
            new_code = QLineEdit(self.table)
            new_label = QLineEdit(self.table)
            if value.suggested in added:
                new.setChecked(True)
                new_code.setText(value.suggested)
                new_label.setText(added[value.suggested])
            else:
                combo.set_code(value.suggested)
                line_edit_of(combo).setCursorPosition(0)
                new_code.setText(new_code_for(value.text))
                new_label.setText(value.text)
            for column, widget in (
                (self.CODE, combo),
                (self.NEW, new),
                (self.NEW_CODE, new_code),
                (self.NEW_LABEL, new_label),
            ):
                self.table.setCellWidget(row, column, widget)
            combo.code_changed.connect(lambda _code, r=row: self._on_row_changed(r))
            new.toggled.connect(lambda _checked, r=row: self._on_row_changed(r))
            self._show_state(row)
        self._count_unknown()
        self.table.resizeRowsToContents()

    def code_combo(self, row: int) -> CodeComboBox:
        """The code chosen for a row's text."""
        widget = self.table.cellWidget(row, self.CODE)
        assert isinstance(widget, CodeComboBox)
        return widget

    def new_check(self, row: int) -> QCheckBox:
        """Whether a row's text is added as a new value."""
        widget = self.table.cellWidget(row, self.NEW)
        assert isinstance(widget, QCheckBox)
        return widget

    def row_of(self, text: str) -> int:
        """The row listing a text of the file (-1 if none)."""
        return next((row for row, value in enumerate(self.values) if value.text == text), -1)

    def is_unknown(self, row: int) -> bool:
        """Whether a row's text has neither a code nor a new value."""
        return self.code_combo(row).code() is None and not self.new_check(row).isChecked()

    def validatePage(self) -> bool:
        mapping = self._state.mapping
        for row, value in enumerate(self.values):
            name = value.target.name
            list_name = value.target.reference_list
            assert list_name is not None
            folded = fold(value.text)
            table = mapping.values.setdefault(name, {})
            table.pop(folded, None)
            if self.new_check(row).isChecked():
                code = self._line(row, self.NEW_CODE).text().strip().upper()
                label = self._line(row, self.NEW_LABEL).text().strip() or value.text
                if not code:
                    self.unknown_label.setText(f"Give {value.text!r} a new code.")
                    return False
                mapping.new_codes.setdefault(list_name, {})[code] = label
                table[folded] = code
            else:
                chosen = self.code_combo(row).code()
                if chosen is not None and fold(chosen) != folded:
                    table[folded] = chosen
        mapping.values = {name: table for name, table in mapping.values.items() if table}
        targets = targets_of(mapping.kind)
        used = {
            (targets[name].reference_list, code)
            for name, table in mapping.values.items()
            for code in table.values()
        }
        mapping.new_codes = {
            list_name: kept
            for list_name, codes in mapping.new_codes.items()
            if (kept := {c: label for c, label in codes.items() if (list_name, c) in used})
        }
        return True

    def _line(self, row: int, column: int) -> QLineEdit:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, QLineEdit)
        return widget

    def _show_state(self, row: int) -> None:
        new = self.new_check(row).isChecked()
        self.code_combo(row).setEnabled(not new)
        self._line(row, self.NEW_CODE).setEnabled(new)
        self._line(row, self.NEW_LABEL).setEnabled(new)
        item = self.table.item(row, self.TEXT)
        assert item is not None
        if new:
            item.setBackground(NEW_VALUE_BRUSH)
            item.setToolTip("Added to the list when the rows are imported")
        elif self.is_unknown(row):
            item.setBackground(UNKNOWN_BRUSH)
            item.setToolTip("Matches no code: choose one, or add it as a new value")
        else:
            item.setBackground(QBrush())
            item.setToolTip("")

    def _on_row_changed(self, row: int) -> None:
        self._show_state(row)
        self._count_unknown()

    def _count_unknown(self) -> None:
        unknown = sum(1 for r in range(len(self.values)) if self.is_unknown(r))
        if unknown == 1:
            self.unknown_label.setText("1 text matches no code; its rows will be rejected.")
        elif unknown:
            self.unknown_label.setText(
                f"{unknown} texts match no code; their rows will be rejected."
            )
        else:
            self.unknown_label.clear()
