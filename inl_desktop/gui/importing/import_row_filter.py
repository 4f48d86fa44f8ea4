"""The import wizard's row filter: keep only the rows whose column (a country, an
agency) has one of the values ticked; the other rows are *not selected*."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.import_values import row_skip_reason
from inl_desktop.exchange.sources import Cell
from inl_desktop.gui.common.widgets import buddy_label
from inl_desktop.services.importing.mapping import where_key
from inl_desktop.services.importing.run import cell_key

EVERY_ROW = "— every row —"
LIST_LINES = 5


def where_text(cell: Cell) -> str:
    """A cell as the importer compares it with the values kept (dates in ISO form)."""
    return cell_key(cell)


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count:,} rows"


class RowFilter(QWidget):
    """“Keep only rows where [column] is one of [values]”: one column chosen, and the
    distinct values of that column to tick, each with how many rows have it.

    A saved mapping may select on several columns; the first one the file has is
    shown here, the others are kept as they are (and said) unless dropped."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._data: list[tuple[int, list[Cell]]] = []
        self._ticked: dict[str, list[str]] = {}  # header -> values kept, as chosen so far
        self._others: dict[str, list[str]] = {}  # the saved mapping's other columns
        # The importer compares values folded ("PAKISTAN " is "Pakistan"): one item each.
        self._counts: Counter[str] = Counter()  # folded value -> rows
        self._spellings: dict[str, str] = {}  # folded value -> its first spelling
        self._rows = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.column_combo = QComboBox(self)
        self.column_combo.setMinimumContentsLength(12)
        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText("Find a value")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setAccessibleName("Find a value to keep")
        top.addWidget(buddy_label("&Keep only rows where:", self.column_combo, self))
        top.addWidget(self.column_combo)
        top.addWidget(QLabel("is one of:", self))
        top.addWidget(self.find_edit, 1)
        layout.addLayout(top)
        self.values_list = QListWidget(self)
        self.values_list.setAccessibleName("Values to keep")
        self.values_list.setUniformItemSizes(True)
        self.values_list.setMaximumHeight(self.fontMetrics().lineSpacing() * LIST_LINES + 12)
        layout.addWidget(self.values_list)
        self.kept_label = QLabel("", self)
        self.kept_label.setWordWrap(True)
        self.kept_label.setAccessibleName("Rows kept")
        layout.addWidget(self.kept_label)
        others = QHBoxLayout()
        self.others_label = QLabel("", self)
        self.others_label.setWordWrap(True)
        self.others_label.setAccessibleName("Other columns rows are selected by")
        self.drop_others_button = QPushButton("Use every row of these", self)
        others.addWidget(self.others_label, 1)
        others.addWidget(self.drop_others_button)
        layout.addLayout(others)
        self._set_enabled()

        self.column_combo.currentIndexChanged.connect(self._on_column_combo_current_index_changed)
        self.values_list.itemChanged.connect(self._on_values_list_item_changed)
        self.find_edit.textChanged.connect(self._on_find_edit_text_changed)
        self.drop_others_button.clicked.connect(self._on_drop_others_button_clicked)

    def load(
        self, headers: list[str], data: list[tuple[int, list[Cell]]], where: dict[str, list[str]]
    ) -> None:
        """Show the columns (``headers``) of the rows (``data``, as the importer reads
        them) and the mapping's selection (``where``)."""
        self._headers, self._data = headers, data
        self._ticked = {header: list(values) for header, values in where.items()}
        shown = next((header for header in where if header in headers), None)
        self._others = {h: list(v) for h, v in where.items() if h != shown}
        self.column_combo.blockSignals(True)
        self.column_combo.clear()
        self.column_combo.addItem(EVERY_ROW, None)
        for header in headers:
            self.column_combo.addItem(header, header)
        self.column_combo.setCurrentIndex(max(self.column_combo.findData(shown), 0))
        self.column_combo.blockSignals(False)
        self._fill_values()

    def set_data(self, data: list[tuple[int, list[Cell]]]) -> None:
        """Count the values again in ``data`` (the rows as read have changed), keeping
        what is ticked."""
        self._data = data
        self._fill_values()

    def header(self) -> str | None:
        """The column chosen (None: every row)."""
        header = self.column_combo.currentData()
        return str(header) if header is not None else None

    def choose(self, header: str | None) -> None:
        """Select rows by ``header`` (None: every row)."""
        self.column_combo.setCurrentIndex(max(self.column_combo.findData(header), 0))

    def set_kept(self, value: str, kept: bool = True) -> None:
        """Tick (or untick) a value of the chosen column."""
        for item in self._items():
            if where_key(item.data(Qt.ItemDataRole.UserRole)) == where_key(value):
                item.setCheckState(Qt.CheckState.Checked if kept else Qt.CheckState.Unchecked)
                return
        raise KeyError(value)

    def kept(self) -> list[str]:
        """The values ticked, in the list's order."""
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def problem(self) -> str | None:
        """What stops the selection being used, if anything."""
        header = self.header()
        if header is not None and not self.kept():
            return f"Tick the values of {header} to keep, or choose “{EVERY_ROW}”."
        return None

    def where(self) -> dict[str, list[str]]:
        """The mapping's ``where``: the column chosen first, then the others kept."""
        header = self.header()
        chosen = {header: self.kept()} if header is not None else {}
        return chosen | {h: v for h, v in self._others.items() if h != header}

    def _items(self) -> list[QListWidgetItem]:
        return [self.values_list.item(row) for row in range(self.values_list.count())]

    def _fill_values(self) -> None:
        header = self.header()
        self.values_list.blockSignals(True)
        self.values_list.clear()
        self._counts.clear()
        self._spellings.clear()
        self._rows = 0
        if header is not None:
            place = self._headers.index(header)
            for _number, cells in self._data:
                if row_skip_reason(cells) == "empty":
                    continue
                self._rows += 1
                text = where_text(cells[place])
                if folded := where_key(text):
                    self._counts[folded] += 1
                    self._spellings.setdefault(folded, text)
            ticked = {where_key(value): value for value in self._ticked.get(header, [])}
            spellings = {**ticked, **self._spellings}
            for folded in sorted(spellings):
                text, count = spellings[folded], self._counts.get(folded, 0)
                shown = f"{text}  ({_rows(count)})" if count else f"{text}  (no rows in this file)"
                item = QListWidgetItem(shown, self.values_list)
                item.setData(Qt.ItemDataRole.UserRole, text)
                item.setFlags(
                    Qt.ItemFlag.ItemIsUserCheckable
                    | Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                )
                checked = folded in ticked
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.values_list.blockSignals(False)
        self._filter_values(self.find_edit.text())
        self._set_enabled()
        self._show_kept()

    def _filter_values(self, text: str) -> None:
        wanted = where_key(text)
        for item in self._items():
            item.setHidden(bool(wanted) and wanted not in where_key(item.text()))

    def _set_enabled(self) -> None:
        chosen = self.header() is not None
        self.values_list.setEnabled(chosen)
        self.find_edit.setEnabled(chosen)

    def _show_kept(self) -> None:
        header = self.header()
        if header is None:
            self.kept_label.clear()
        else:
            kept = {where_key(value) for value in self.kept()}
            rows = sum(count for folded, count in self._counts.items() if folded in kept)
            self.kept_label.setText(
                f"Keeps {rows:,} of {_rows(self._rows)}; the others are not selected."
            )
        others = {h: v for h, v in self._others.items() if h != header}
        self.others_label.setText(
            "The saved mapping also keeps only rows where "
            + "; and where ".join(f"{h} is one of {', '.join(v)}" for h, v in others.items())
            + "."
            if others
            else ""
        )
        self.others_label.setVisible(bool(others))
        self.drop_others_button.setVisible(bool(others))

    def _on_column_combo_current_index_changed(self, _index: int) -> None:
        self._fill_values()

    def _on_values_list_item_changed(self, _item: QListWidgetItem) -> None:
        header = self.header()
        if header is not None:
            self._ticked[header] = self.kept()
        self._show_kept()

    def _on_find_edit_text_changed(self, text: str) -> None:
        self._filter_values(text)

    def _on_drop_others_button_clicked(self) -> None:
        self._others = {}
        self._show_kept()
