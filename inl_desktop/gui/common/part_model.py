"""The model of a grid of a record's parts: its columns, its rows as typed, and the
problems marked on its cells.

Cells hold what was typed (codes for lists and choices, text otherwise) and are
parsed when the form reads them, so a bad value stays visible, marked, until it is
corrected.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import FieldDef, FieldType

Index = QModelIndex | QPersistentModelIndex
INVALID_BACKGROUND = QBrush(QColor("#ffd9d9"))
READ_ONLY_FOREGROUND = QBrush(QColor("#505050"))
NUMERIC = (FieldType.INTEGER, FieldType.DECIMAL, FieldType.MONEY)
_row_keys = itertools.count(1)


@dataclass(frozen=True)
class Column:
    """A column: the field it edits, its header (the accessible name of its editor)
    and its width. ``person`` columns describe the participant, not the enrollment:
    editable only for a person the session creates."""

    field: FieldDef
    header: str
    width: int
    person: bool = False

    @property
    def name(self) -> str:
        """The field's name."""
        return self.field.name


@dataclass
class GridRow:
    """One part as typed: ``values`` by field name (codes, or text as typed)."""

    values: dict[str, str | None] = field(default_factory=dict)
    uuid: str | None = None
    person_uuid: str | None = None
    new_person: bool = False
    touched: set[str] = field(default_factory=set)
    key: int = field(default_factory=lambda: next(_row_keys))

    def is_blank(self) -> bool:
        """Nothing typed in any cell (such a row is not a part)."""
        return not any(self.values.values())


def code_lookup(catalog: Catalog, list_name: str) -> dict[str, str]:
    """Folded code, label and "Label (CODE)" of a list's items, to their codes."""
    lookup: dict[str, str] = {}
    for code, label in catalog.codes.get(list_name, {}).items():
        for text in (code, label, f"{label} ({code})"):
            lookup.setdefault(text.casefold().strip(), code)
    return lookup


def parse_cell(
    column: FieldDef, text: str | None, lookups: Mapping[str, Mapping[str, str]]
) -> tuple[object, str | None]:
    """The value of a cell as its field's type, and the message when it is not one."""
    if text is None or not text.strip():
        return None, None
    if column.type is FieldType.CHOICE:
        return text, None
    if column.type is FieldType.CODE and column.reference_list:
        code = lookups.get(column.reference_list, {}).get(text.casefold().strip())
        if code is None:
            return None, f"{column.label}: “{text}” is not in the list"
        return code, None
    try:
        return column.parse(text), None
    except ValueError as error:
        return None, str(error)


class PartModel(QAbstractTableModel):
    """Rows of parts; cells show labels for codes and choices, and problems when marked.

    ``version`` rises with every change of what the rows hold (not of the marks), so
    a form can keep what it read from them until they change.
    """

    cell_edited = Signal(int, str)

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.catalog = Catalog(codes={})
        self.lookups: dict[str, dict[str, str]] = {}
        self._rows: list[GridRow] = []
        self._problems: dict[tuple[int, str], str] = {}
        self.version = 0
        self._column_of = {column.name: n for n, column in enumerate(self.columns)}

    # -- content -----------------------------------------------------------------

    def set_catalog(self, catalog: Catalog) -> None:
        """The reference lists whose labels the cells show."""
        self.beginResetModel()
        self.version += 1
        self.catalog = catalog
        lists = {c.field.reference_list for c in self.columns if c.field.reference_list}
        self.lookups = {name: code_lookup(catalog, name) for name in lists if name}
        self.endResetModel()

    def rows(self) -> list[GridRow]:
        """The rows, top to bottom (the model's own objects)."""
        return self._rows

    def set_rows(self, rows: list[GridRow]) -> None:
        """Show exactly ``rows``."""
        self.beginResetModel()
        self.version += 1
        self._rows = rows
        self._problems = {}
        self.endResetModel()

    def append_rows(self, rows: Sequence[GridRow]) -> int:
        """Add rows at the end; returns the index of the first."""
        first = len(self._rows)
        if rows:
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.version += 1
            self._rows.extend(rows)
            self.endInsertRows()
        return first

    def remove_row(self, row: int) -> None:
        """Remove one row."""
        self.beginRemoveRows(QModelIndex(), row, row)
        self.version += 1
        del self._rows[row]
        self._problems = {}
        self.endRemoveRows()

    def row_changed(self, row: int) -> None:
        """Repaint a row whose values were changed from outside."""
        self.version += 1
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, row, row)

    def column_of(self, name: str) -> int:
        """The column of a field."""
        return self._column_of[name]

    def has_column(self, name: str) -> bool:
        """Whether a field has a column."""
        return name in self._column_of

    def set_problems(self, problems: Mapping[tuple[int, str], str]) -> None:
        """Mark cells (row, field) with messages; cells no longer listed are cleared."""
        changed = {
            key
            for key in (*self._problems, *problems)
            if self._problems.get(key) != problems.get(key)
        }
        self._problems = dict(problems)
        for row, name in changed:
            if row < len(self._rows) and name in self._column_of:
                cell = self.index(row, self._column_of[name])
                self.dataChanged.emit(cell, cell)

    def problem_at(self, row: int, name: str) -> str | None:
        """The message marked on a cell, if any."""
        return self._problems.get((row, name))

    def is_editable(self, row: GridRow, column: Column) -> bool:
        """Whether the cell may be typed into (a stored person's details may not)."""
        return not column.person or row.new_person

    # -- Qt ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        value = row.values.get(column.name)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.shown(column, value)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            problem = self._problems.get((index.row(), column.name))
            if problem is not None or role == Qt.ItemDataRole.AccessibleDescriptionRole:
                return problem
            if column.person and not row.new_person:
                return "From the people directory (correct it there)"
            return self.shown(column, value) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            if (index.row(), column.name) in self._problems:
                return INVALID_BACKGROUND
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return None if self.is_editable(row, column) else READ_ONLY_FOREGROUND
        if role == Qt.ItemDataRole.TextAlignmentRole and column.field.type in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def shown(self, column: Column, value: str | None) -> str:
        """A cell's text: labels for codes and choices, else as typed."""
        if value is None:
            return ""
        if column.field.type is FieldType.CHOICE:
            return column.field.choice_label(value)
        if column.field.type is FieldType.CODE and column.field.reference_list:
            list_name = column.field.reference_list
            return (
                self.catalog.label(list_name, value)
                if self.catalog.has(list_name, value)
                else value
            )
        return value

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        text = None if value is None else str(value).strip() or None
        row.touched.add(column.name)
        if row.values.get(column.name) != text:
            self.version += 1
            row.values[column.name] = text
            self.dataChanged.emit(index, index)
        self.cell_edited.emit(index.row(), column.name)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_editable(self._rows[index.row()], self.columns[index.column()]):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return self.columns[section].header
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None
