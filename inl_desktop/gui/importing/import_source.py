"""The first step of the import wizard: the file, the kind of record, a saved mapping,
and how the file is read (sheet, header row, encoding, delimiter), with a raw preview."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from inl_desktop.domain.errors import UserError
from inl_desktop.exchange.import_errors import ERRORS_SHEET
from inl_desktop.exchange.ragged import RaggedRows, ragged_rows
from inl_desktop.exchange.sources import Cell, SourceTable, column_name, read_source, sheet_names
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.widgets import buddy_label, line_edit_of
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.mapping import ImportMapping, load_mapping
from inl_desktop.services.importing.run import ImportPlan
from inl_desktop.services.importing.targets import ImportKind, Reads, targets_of

PREVIEW_ROWS = 20
KIND_LABELS = {
    ImportKind.SEIZURES: "Seizures (one drug item per row, or totals for a period)",
    ImportKind.TRAININGS: "Training sessions",
    ImportKind.PERSONS: "People (the participant directory)",
}
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "windows-1252")
DELIMITERS = ((",", "Comma ,"), (";", "Semicolon ;"), ("\t", "Tab"), ("|", "Bar |"))
HEADER_BRUSH = QBrush(QColor("#cfe2ff"))
WARNING_STYLE = "color: #9a3412;"


@dataclass
class ImportState:
    """What the wizard's steps have decided so far, shared by its pages."""

    ctx: AppContext
    kind: ImportKind
    table: SourceTable | None = None
    profile: ImportMapping | None = None
    profile_path: Path | None = None
    mapping: ImportMapping = field(init=False)
    plan: ImportPlan | None = None
    allow_duplicates: bool = False  # import look-alikes of stored seizures too

    def __post_init__(self) -> None:
        self.mapping = ImportMapping(self.kind)

    def fresh_mapping(self) -> None:
        """Start the mapping over from the loaded profile (or from nothing)."""
        profile = self.profile
        if profile is not None and profile.kind is self.kind:
            self.mapping = ImportMapping(
                self.kind,
                name=profile.name,
                decimal_separator=profile.decimal_separator,
                date_order=profile.date_order,
                columns={name: list(headers) for name, headers in profile.columns.items()},
                constants=dict(profile.constants),
                values={name: dict(table) for name, table in profile.values.items()},
                new_codes={name: dict(codes) for name, codes in profile.new_codes.items()},
                where={header: list(wanted) for header, wanted in profile.where.items()},
                repair_decimal_commas=profile.repair_decimal_commas,
            )
        else:
            self.mapping = ImportMapping(self.kind)
        self.plan = None


def cell_text(cell: Cell) -> str:
    """A cell as the user reads it ("" for blank)."""
    if cell is None:
        return ""
    if isinstance(cell, datetime) and cell.time() == datetime.min.time():
        return cell.date().isoformat()
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def decimal_columns(
    table: SourceTable, columns: dict[str, list[str]], kind: ImportKind
) -> set[int]:
    """The columns mapped to fields that hold decimals: where a decimal comma may have
    split a cell in two (as the importer looks for them)."""
    targets = targets_of(kind)
    headers = table.headers
    return {
        headers.index(header)
        for name, chosen in columns.items()
        if name in targets and targets[name].reads is Reads.NUMBER
        for header in chosen
        if header in headers
    }


def rows_as_read(
    table: SourceTable, ragged: RaggedRows, repair: bool
) -> list[tuple[int, list[Cell]]]:
    """The data rows as the importer reads them: a ragged row with its decimal commas
    joined when the user chose so, and left out otherwise (it is refused, and its cells
    after the split are in the wrong columns)."""
    width = table.width
    rows = []
    for number, cells in table.data():
        if number in ragged.counts:
            repaired = ragged.repairs.get(number) if repair else None
            if repaired is None:
                continue
            cells = repaired.cells + [None] * (width - len(repaired.cells))
        rows.append((number, cells))
    return rows


class SourcePage(QWizardPage):
    """Choose the file and what its rows are; check that it is read the right way."""

    def __init__(
        self, state: ImportState, parent: QWidget | None = None, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._prompts = prompts or Prompts()
        self._read_key: tuple[object, ...] | None = None
        self.setTitle("File")
        self.setSubTitle(
            "Choose the spreadsheet and what its rows are. Check below that the row "
            "with the column names is highlighted."
        )
        layout = QVBoxLayout(self)
        form = QFormLayout()
        file_row = QHBoxLayout()
        self.file_edit = QLineEdit(self)
        self.file_edit.setPlaceholderText("an .xlsx, .csv or .tsv file")
        self.browse_button = QPushButton("&Browse…", self)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        form.addRow(buddy_label("&File:", self.file_edit, self), file_row)

        self.kind_combo = QComboBox(self)
        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(label, kind)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(state.kind))
        form.addRow(buddy_label("Rows &are:", self.kind_combo, self), self.kind_combo)

        profile_row = QHBoxLayout()
        self.profile_label = QLabel("none: columns and values are suggested", self)
        self.profile_label.setAccessibleName("Saved mapping")
        self.profile_button = QPushButton("&Load a saved mapping…", self)
        self.clear_profile_button = QPushButton("Clear", self)
        self.clear_profile_button.setEnabled(False)
        profile_row.addWidget(self.profile_label, 1)
        profile_row.addWidget(self.profile_button)
        profile_row.addWidget(self.clear_profile_button)
        form.addRow(QLabel("Saved mapping:", self), profile_row)

        reading = self._reading_row()
        form.addRow(QLabel("Read as:", self), reading)
        layout.addLayout(form)

        self.message_label = QLabel("", self)
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(WARNING_STYLE)
        self.message_label.setAccessibleName("File problem")
        layout.addWidget(self.message_label)
        self.preview = QTableWidget(0, 0, self)
        self.preview.setAccessibleName("First rows of the file")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        layout.addWidget(self.preview, 1)
        # Rows with more cells than the header (decimal commas in a comma-separated
        # file) are said before any mapping, so the file can be fixed or repaired.
        self.ragged_label = QLabel("", self)
        self.ragged_label.setWordWrap(True)
        self.ragged_label.setStyleSheet(WARNING_STYLE)
        self.ragged_label.setAccessibleName("Rows with too many or too few cells")
        self.ragged_label.setVisible(False)
        layout.addWidget(self.ragged_label)
        self._set_reading_enabled()

        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.file_edit.editingFinished.connect(self._on_file_edit_editing_finished)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_current_index_changed)
        self.profile_button.clicked.connect(self._on_profile_button_clicked)
        self.clear_profile_button.clicked.connect(self._on_clear_profile_button_clicked)
        self.sheet_combo.currentIndexChanged.connect(self._on_sheet_combo_current_index_changed)
        self.header_spin.valueChanged.connect(self._on_header_spin_value_changed)
        self.encoding_combo.activated.connect(self._on_reading_changed)
        line_edit_of(self.encoding_combo).editingFinished.connect(self._on_reading_changed)
        self.delimiter_combo.activated.connect(self._on_reading_changed)

    def _reading_row(self) -> QHBoxLayout:
        """How the file is read: its sheet, header row, encoding and delimiter."""
        reading = QHBoxLayout()
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.setMinimumContentsLength(14)
        self.header_spin = QSpinBox(self)
        self.header_spin.setSpecialValueText("none")
        self.encoding_combo = QComboBox(self)
        self.encoding_combo.setEditable(True)
        self.encoding_combo.addItems(ENCODINGS)
        self.delimiter_combo = QComboBox(self)
        for delimiter, label in DELIMITERS:
            self.delimiter_combo.addItem(label, delimiter)
        for text, widget in (
            ("&Sheet:", self.sheet_combo),
            ("&Header row:", self.header_spin),
            ("&Encoding:", self.encoding_combo),
            ("&Delimiter:", self.delimiter_combo),
        ):
            reading.addWidget(buddy_label(text, widget, self))
            reading.addWidget(widget)
            reading.addSpacing(12)
        reading.addStretch(1)
        return reading

    def kind(self) -> ImportKind:
        """The kind of record chosen."""
        return ImportKind(self.kind_combo.currentData())

    def open_file(self, path: Path) -> None:
        """Read ``path`` as the profile says, the rest detected."""
        self.file_edit.setText(str(path))
        profile = self._state.profile
        sheet = profile.sheet if profile else None
        if path.suffix.lower() == ".xlsx" and sheet is None:
            try:
                if ERRORS_SHEET in sheet_names(path):
                    self._read(path, sheet=ERRORS_SHEET, header_row=1)
                    return
            except UserError as error:
                self._show_unreadable(error)
                return
        self._read(
            path,
            sheet=sheet,
            header_row=profile.header_row if profile else None,
            encoding=profile.encoding if profile else None,
            delimiter=profile.delimiter if profile else None,
        )

    def load_profile(self, path: Path) -> bool:
        """Use a saved mapping; False (with the reason shown) if it cannot be used."""
        try:
            profile = load_mapping(path)
        except UserError as error:
            self.message_label.setText(str(error))
            return False
        self._state.profile, self._state.profile_path = profile, path
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(profile.kind))
        self.profile_label.setText(f"{profile.name or path.stem} ({path.name})")
        self.clear_profile_button.setEnabled(True)
        self.message_label.clear()
        if self._state.table is not None:
            self.open_file(self._state.table.path)
        return True

    def isComplete(self) -> bool:
        return self._state.table is not None

    def validatePage(self) -> bool:
        state = self._state
        table = state.table
        assert table is not None
        key = (self.kind(), table.path, table.sheet, table.header_row, id(state.profile))
        if key != self._read_key:
            self._read_key = key
            state.kind = self.kind()
            state.fresh_mapping()
        state.mapping.sheet = table.sheet
        state.mapping.header_row = table.header_row
        state.mapping.encoding = table.encoding
        state.mapping.delimiter = table.delimiter
        return True

    def _read(
        self,
        path: Path,
        *,
        sheet: str | None = None,
        header_row: int | None = None,
        encoding: str | None = None,
        delimiter: str | None = None,
    ) -> None:
        try:
            table = read_source(
                path, sheet=sheet, header_row=header_row, encoding=encoding, delimiter=delimiter
            )
        except UserError as error:
            self._show_unreadable(error)
            return
        self._state.table = table
        self.message_label.clear()
        self._show_reading(table)
        self._fill_preview()
        self.completeChanged.emit()

    def _show_unreadable(self, error: UserError) -> None:
        self._state.table = None
        self.message_label.setText(str(error))
        self._show_ragged()
        self.preview.setRowCount(0)
        self.preview.setColumnCount(0)
        self.completeChanged.emit()

    def _show_reading(self, table: SourceTable) -> None:
        widgets = (self.sheet_combo, self.header_spin, self.encoding_combo, self.delimiter_combo)
        for widget in widgets:
            widget.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(table.sheets)
        self.sheet_combo.setCurrentText(table.sheet or "")
        self.header_spin.setRange(0, len(table.rows))
        self.header_spin.setValue(table.header_row)
        self.encoding_combo.setCurrentText(table.encoding or "")
        self.delimiter_combo.setCurrentIndex(max(self.delimiter_combo.findData(table.delimiter), 0))
        for widget in widgets:
            widget.blockSignals(False)
        self._set_reading_enabled()

    def _set_reading_enabled(self) -> None:
        table = self._state.table
        text_file = table is not None and table.sheet is None
        self.sheet_combo.setEnabled(table is not None and len(table.sheets) > 1)
        self.header_spin.setEnabled(table is not None)
        self.encoding_combo.setEnabled(text_file)
        self.delimiter_combo.setEnabled(text_file)

    def _fill_preview(self) -> None:
        table = self._state.table
        assert table is not None
        shown = table.rows[: max(PREVIEW_ROWS, table.header_row + 5)]
        self.preview.clear()
        self.preview.setRowCount(len(shown))
        self.preview.setColumnCount(table.width)
        self.preview.setHorizontalHeaderLabels(
            [column_name(i).removeprefix("Column ") for i in range(table.width)]
        )
        self.preview.setVerticalHeaderLabels([str(number) for number in range(1, len(shown) + 1)])
        bold = QFont(self.font())
        bold.setBold(True)
        for row, cells in enumerate(shown):
            header = row + 1 == table.header_row
            for column in range(table.width):
                item = QTableWidgetItem(cell_text(cells[column]) if column < len(cells) else "")
                if header:
                    item.setBackground(HEADER_BRUSH)
                    item.setFont(bold)
                    item.setToolTip("The column names")
                self.preview.setItem(row, column, item)
        self.preview.resizeColumnsToContents()
        for column in range(table.width):
            if self.preview.columnWidth(column) > 260:
                self.preview.setColumnWidth(column, 260)
        header_item = self.preview.item(table.header_row - 1, 0) if table.header_row else None
        if header_item is not None:
            self.preview.scrollToItem(header_item)
        self._show_ragged()

    def _show_ragged(self) -> None:
        table = self._state.table
        ragged = ragged_rows(table) if table is not None else None
        if ragged is None or not ragged.counts:
            self.ragged_label.clear()
            self.ragged_label.setVisible(False)
            return
        text = ragged.summary()
        if ragged.repairable:
            text += " You choose it on the next step, Columns."
        self.ragged_label.setText(text)
        self.ragged_label.setVisible(True)

    def _path(self) -> Path | None:
        text = self.file_edit.text().strip()
        return Path(text).expanduser() if text else None

    def _on_browse_button_clicked(self) -> None:
        path = self._prompts.open_file(
            self,
            "Choose the spreadsheet to import",
            self.file_edit.text(),
            "Spreadsheets (*.xlsx *.csv *.tsv *.txt)",
        )
        if path is not None:
            self.open_file(path)

    def _on_file_edit_editing_finished(self) -> None:
        path = self._path()
        table = self._state.table
        if path is not None and (table is None or table.path != path):
            self.open_file(path)

    def _on_kind_combo_current_index_changed(self, _index: int) -> None:
        profile = self._state.profile
        if profile is not None and profile.kind is not self.kind():
            self.message_label.setText(
                f"The saved mapping is for {profile.kind}; it is not used for {self.kind()}."
            )

    def _on_profile_button_clicked(self) -> None:
        path = self._prompts.open_file(
            self, "Load a saved mapping", str(self._path() or ""), "Mappings (*.json)"
        )
        if path is not None:
            self.load_profile(path)

    def _on_clear_profile_button_clicked(self) -> None:
        self._state.profile = self._state.profile_path = None
        self.profile_label.setText("none: columns and values are suggested")
        self.clear_profile_button.setEnabled(False)

    def _on_sheet_combo_current_index_changed(self, _index: int) -> None:
        table = self._state.table
        if table is not None:
            self._read(table.path, sheet=self.sheet_combo.currentText())

    def _on_header_spin_value_changed(self, value: int) -> None:
        table = self._state.table
        if table is not None:
            table.header_row = value
            self._fill_preview()

    def _on_reading_changed(self) -> None:
        table = self._state.table
        if table is None or table.sheet is not None:
            return
        encoding = self.encoding_combo.currentText().strip() or None
        delimiter = self.delimiter_combo.currentData()
        if encoding != table.encoding or delimiter != table.delimiter:
            self._read(table.path, encoding=encoding, delimiter=delimiter)
