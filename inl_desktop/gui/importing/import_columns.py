"""The middle steps of the import wizard: which column fills which field (or one value
for every row), and which reference code each text of the file means."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
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
from inl_desktop.domain.import_values import DateOrder, Decimals
from inl_desktop.exchange.ragged import RaggedRows, ragged_rows
from inl_desktop.exchange.sources import Cell
from inl_desktop.gui.common.widgets import CodeComboBox, CodeListEdit, buddy_label
from inl_desktop.gui.importing.import_row_filter import RowFilter
from inl_desktop.gui.importing.import_source import (
    WARNING_STYLE,
    ImportState,
    cell_text,
    decimal_columns,
    rows_as_read,
)
from inl_desktop.services.importing.run import suggested_mapping
from inl_desktop.services.importing.targets import Reads, Target, targets_of

NOT_IN_FILE = "— not in the file —"
REPAIR_TEXT = "&Join decimal commas split across cells (12630,15)"
MAX_TEXTS = 200
UNKNOWN_BRUSH = QBrush(QColor("#ffd8a8"))
NEW_VALUE_BRUSH = QBrush(QColor("#d3f9d8"))


class ColumnsPage(QWizardPage):
    """One row per field: the column that fills it, or a value for every row."""

    FIELD, COLUMN, SAMPLE, CONSTANT = range(4)

    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._key: tuple[object, ...] | None = None
        self._loading = False
        self._ragged_by_decimals: dict[frozenset[int], RaggedRows] = {}
        self.column_combos: dict[str, QComboBox] = {}
        self.constant_editors: dict[str, QWidget] = {}
        self.setTitle("Columns")
        self.setSubTitle(
            "Choose the column of the file that fills each field, or give one value for "
            "every row when the file has no such column. * marks what a record needs."
        )
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4, self)
        self.table.setAccessibleName("Fields and columns")
        self.table.setHorizontalHeaderLabels(
            ["Field", "Column in the file", "First value", "Or, for every row"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.FIELD, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.SAMPLE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(self.FIELD, 250)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)

        reading = QHBoxLayout()
        self.decimals_combo = QComboBox(self)
        self.decimals_combo.addItem("Detect from the file", None)
        self.decimals_combo.addItem("Point: 3.26", Decimals.POINT)
        self.decimals_combo.addItem("Comma: 3,26", Decimals.COMMA)
        self.date_order_combo = QComboBox(self)
        self.date_order_combo.addItem("Detect from the file", None)
        self.date_order_combo.addItem("Day first: 03/04/2019 is 3 April", DateOrder.DAY_FIRST)
        self.date_order_combo.addItem("Month first: 03/04/2019 is 4 March", DateOrder.MONTH_FIRST)
        form = QFormLayout()
        form.addRow(
            buddy_label("Decimal &separator:", self.decimals_combo, self), self.decimals_combo
        )
        form.addRow(buddy_label("Date &order:", self.date_order_combo, self), self.date_order_combo)
        self.repair_check = QCheckBox(REPAIR_TEXT, self)
        form.addRow(self.repair_check)
        reading.addLayout(form)
        reading.addSpacing(24)
        self.row_filter = RowFilter(self)
        reading.addWidget(self.row_filter, 1)
        layout.addLayout(reading)
        self.message_label = QLabel("", self)
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(WARNING_STYLE)
        self.message_label.setAccessibleName("Columns problem")
        layout.addWidget(self.message_label)
        self.repair_check.toggled.connect(self._on_repair_check_toggled)

    def initializePage(self) -> None:
        state = self._state
        assert state.table is not None
        headers = state.table.headers
        key = (id(state.mapping), tuple(headers))
        if key == self._key:
            return
        self._key = key
        mapping = state.mapping
        catalog = state.ctx.catalog()
        constants = dict(mapping.constants)
        columns = mapping.columns
        if not columns:
            suggested = suggested_mapping(mapping.kind, state.table, catalog)
            columns = suggested.columns
            constants = {**suggested.constants, **constants}
        targets = list(targets_of(mapping.kind).values())
        self._loading = True
        self._ragged_by_decimals.clear()
        self.column_combos.clear()
        self.constant_editors.clear()
        self.table.setRowCount(len(targets))
        for row, target in enumerate(targets):
            label = QTableWidgetItem(f"{target.label} *" if target.required else target.label)
            label.setToolTip(target.label)
            label.setData(Qt.ItemDataRole.UserRole, target.name)
            self.table.setItem(row, self.FIELD, label)
            self.table.setItem(row, self.SAMPLE, QTableWidgetItem(""))
            combo = QComboBox(self.table)
            combo.setAccessibleName(f"Column for {target.label}")
            combo.addItem(NOT_IN_FILE, None)
            for header in headers:
                combo.addItem(header, [header])
            chosen = [h for h in columns.get(target.name, []) if h in headers]
            if len(chosen) > 1:
                combo.addItem(" + ".join(chosen), chosen)
            if chosen:
                combo.setCurrentIndex(combo.findData(chosen))
            self.table.setCellWidget(row, self.COLUMN, combo)
            editor = _constant_editor(target, catalog, self.table)
            _set_constant(editor, constants.get(target.name, ""))
            self.table.setCellWidget(row, self.CONSTANT, editor)
            self.column_combos[target.name] = combo
            self.constant_editors[target.name] = editor
            combo.currentIndexChanged.connect(
                lambda _index, r=row, name=target.name: self._on_column_combo_changed(r, name)
            )
            self._on_column_combo_changed(row, target.name)
        self._loading = False
        self.table.setColumnWidth(self.SAMPLE, 180)
        self.decimals_combo.setCurrentIndex(self.decimals_combo.findData(mapping.decimal_separator))
        self.date_order_combo.setCurrentIndex(self.date_order_combo.findData(mapping.date_order))
        self.repair_check.blockSignals(True)
        self.repair_check.setChecked(mapping.repair_decimal_commas)
        self.repair_check.blockSignals(False)
        self._show_repairable()
        self.row_filter.load(state.table.headers, self._rows_as_read(), mapping.where)
        self.message_label.clear()

    def choose_column(self, name: str, header: str | None) -> None:
        """Fill a field from ``header`` (None: not from the file)."""
        combo = self.column_combos[name]
        combo.setCurrentIndex(combo.findData([header]) if header else 0)

    def validatePage(self) -> bool:
        problem = self.row_filter.problem()
        if problem is not None:
            self.message_label.setText(problem)
            return False
        self.message_label.clear()
        mapping = self._state.mapping
        mapping.where = self.row_filter.where()
        mapping.repair_decimal_commas = self.repair_check.isChecked()
        mapping.columns = {}
        mapping.constants = {}
        for name, combo in self.column_combos.items():
            headers = combo.currentData()
            if headers:
                mapping.columns[name] = list(headers)
                continue
            constant = _constant(self.constant_editors[name])
            if constant:
                mapping.constants[name] = constant
        mapping.decimal_separator = self.decimals_combo.currentData()
        mapping.date_order = self.date_order_combo.currentData()
        return True

    def _on_column_combo_changed(self, row: int, name: str) -> None:
        state = self._state
        assert state.table is not None
        headers = self.column_combos[name].currentData()
        self.constant_editors[name].setEnabled(not headers)
        sample = ""
        if headers:
            places = [state.table.headers.index(header) for header in headers]
            for cells in state.table.rows[state.table.header_row :]:
                sample = " ".join(
                    text for i in places if i < len(cells) and (text := cell_text(cells[i]))
                )
                if sample.strip():
                    break
        item = self.table.item(row, self.SAMPLE)
        assert item is not None
        item.setText(sample)
        item.setToolTip(sample)
        if not self._loading:
            self._show_repairable()
            self.row_filter.set_data(self._rows_as_read())

    def _ragged(self) -> RaggedRows:
        """The file's ragged rows, and their repairs with the columns chosen."""
        state = self._state
        assert state.table is not None
        columns = {name: combo.currentData() or [] for name, combo in self.column_combos.items()}
        decimals = frozenset(decimal_columns(state.table, columns, state.mapping.kind))
        if decimals not in self._ragged_by_decimals:
            self._ragged_by_decimals[decimals] = ragged_rows(state.table, decimals or None)
        return self._ragged_by_decimals[decimals]

    def _rows_as_read(self) -> list[tuple[int, list[Cell]]]:
        assert self._state.table is not None
        return rows_as_read(self._state.table, self._ragged(), self.repair_check.isChecked())

    def _show_repairable(self) -> None:
        """Offer the decimal-comma join only when it repairs every ragged row."""
        repairable = self._ragged().repairable
        self.repair_check.setEnabled(repairable)
        self.repair_check.setToolTip(
            "Rows with more cells than the header: 12630,15 was read as two cells. "
            "Joining them gives back the header's cells on every such row."
            if repairable
            else "Only for a comma-separated file whose rows have more cells than the "
            "header because of decimal commas, each in a column of numbers."
        )

    def _on_repair_check_toggled(self, _checked: bool) -> None:
        self.row_filter.set_data(self._rows_as_read())


def _constant_editor(target: Target, catalog: Catalog, parent: QWidget) -> QWidget:
    editor: QWidget
    if target.reads is Reads.CODE and target.reference_list:
        editor = CodeComboBox(parent)
        editor.set_reference_list(catalog, target.reference_list)
    elif target.reads is Reads.CODES and target.reference_list:
        editor = CodeListEdit(parent)
        editor.set_reference_list(catalog, target.reference_list)
    elif target.reads is Reads.CHOICE and target.field is not None:
        editor = CodeComboBox(parent)
        editor.set_choices(list(target.field.choices))
    else:
        editor = QLineEdit(parent)
        if target.reads is Reads.DATE:
            editor.setPlaceholderText("2019-03-13")
        elif target.reads is Reads.PERIOD:
            editor.setPlaceholderText("2019, FY2020, 2019Q1")
    editor.setAccessibleName(f"{target.label} for every row")
    return editor


def _constant(editor: QWidget) -> str:
    if isinstance(editor, CodeComboBox):
        return editor.code() or ""
    if isinstance(editor, CodeListEdit):
        return ", ".join(editor.codes())
    assert isinstance(editor, QLineEdit)
    return editor.text().strip()


def _set_constant(editor: QWidget, value: str) -> None:
    if isinstance(editor, CodeComboBox):
        editor.set_code(value or None)
    elif isinstance(editor, CodeListEdit):
        editor.set_codes([part.strip() for part in value.split(",") if part.strip()])
    else:
        assert isinstance(editor, QLineEdit)
        editor.setText(value)
