"""A grid of a record's parts (a session's participants or counts) as a table view.

One row per part, one column per field (domain.fields). Cells hold what was typed
(codes for lists and choices, text otherwise) and are parsed when the form reads
them, so a bad value stays visible, marked, until it is corrected. A model and a
delegate rather than a widget per cell: a session of 300 participants opens at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import FieldDef, FieldType
from inl_desktop.gui.common.record_form import settle_code
from inl_desktop.gui.common.widgets import CodeComboBox

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


class _CellCodeComboBox(CodeComboBox):
    """A code list as a grid cell's editor: Tab moves to the next cell.

    Tab in the open completion list reaches the combo only through this (the list
    hands the key to the combo's line, which asks its parent for the next field).
    """

    def __init__(self, delegate: PartDelegate, parent: QWidget) -> None:
        super().__init__(parent)
        self._delegate = delegate

    def focusNextPrevChild(self, next: bool) -> bool:
        hint = QAbstractItemDelegate.EndEditHint
        self._delegate.commitData.emit(self)
        self._delegate.closeEditor.emit(self, hint.EditNextItem if next else hint.EditPreviousItem)
        return True


class PartDelegate(QStyledItemDelegate):
    """Editors by field type: a choice list, a code list you can type into, or a line."""

    def __init__(self, model: PartModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        column = self._model.columns[index.column()]
        definition = column.field
        editor: QWidget
        if definition.type is FieldType.CHOICE:
            combo = QComboBox(parent)
            combo.addItem("", None)
            for code, label in definition.choices:
                combo.addItem(label, code)
            editor = combo
        elif definition.type is FieldType.CODE and definition.reference_list:
            code_combo = _CellCodeComboBox(self, parent)
            code_combo.setMinimumContentsLength(8)
            current = index.data(Qt.ItemDataRole.EditRole)
            keep = (
                current
                if self._model.catalog.has(definition.reference_list, current or "")
                else None
            )
            code_combo.set_reference_list(self._model.catalog, definition.reference_list, keep=keep)
            editor = code_combo
        else:
            line = QLineEdit(parent)
            if definition.type in NUMERIC:
                line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if definition.type is FieldType.DATE:
                line.setPlaceholderText("YYYY-MM-DD")
            if definition.max_length:
                line.setMaxLength(definition.max_length)
            editor = line
        editor.setAccessibleName(column.header)
        editor.setProperty("field", column.name)
        return editor

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        view = self.parent()
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
            and isinstance(view, PartView)
            and view.pastes_rows
            and _holds_rows(QApplication.clipboard().text())
            and isinstance(editor, QWidget)
        ):
            # Rows copied from a spreadsheet are a roster to paste, not a cell's text.
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.RevertModelCache)
            view.paste_requested.emit()
            return True
        return super().eventFilter(editor, event)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, CodeComboBox):
            editor.set_code(value)
            if value and editor.code() is None:
                editor.setEditText(value)
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0) if value else 0)
        elif isinstance(editor, QLineEdit):
            editor.setText(value or "")

    def setModelData(self, editor: QWidget, model: QAbstractTableModel, index: Index) -> None:
        if not isinstance(editor, QComboBox | QLineEdit):
            # An editor the view is already taking apart (its Python part gone, its
            # QWidget part still asked to commit): it holds nothing to store.
            return
        column = self._model.columns[index.column()]
        value: str | None
        if isinstance(editor, CodeComboBox):
            settle_code(editor)
            value = editor.code() or editor.typed_text() or None
        elif isinstance(editor, QComboBox):
            value = editor.currentData()
        else:
            value = editor.text()
            if column.field.type is FieldType.DATE:
                try:
                    day = column.field.parse(value)
                except ValueError:
                    day = None
                if day is not None:
                    value = str(day)
        model.setData(index, value, Qt.ItemDataRole.EditRole)


def _holds_rows(text: str) -> bool:
    """Whether pasted text is more than one cell (tab- or line-separated)."""
    return "\t" in text or "\n" in text.strip("\r\n")


class PartView(QTableView):
    """The grid: typing starts editing, Tab walks the cells and leaves after the last,
    Delete clears the selected cells, Ctrl+D fills them down.

    ``paste_requested`` fires on Ctrl+V when no cell is being edited.
    """

    paste_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Whether Ctrl+V in a cell's editor with rows on the clipboard pastes rows.
        self.pastes_rows = False
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.part_model: PartModel | None = None

    def set_part_model(self, model: PartModel) -> None:
        """Show ``model`` with its editors and column widths."""
        self.part_model = model
        self.setModel(model)
        self.setItemDelegate(PartDelegate(model, self))
        for n, column in enumerate(model.columns):
            self.setColumnWidth(n, column.width)

    # -- editing -----------------------------------------------------------------

    def commit_editing(self) -> None:
        """Store what is typed in an open editor (before saving, say) and close it."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.indexWidget(self.currentIndex())
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def edit_cell(self, row: int, name: str) -> None:
        """Move to a cell and open its editor (just select it if it is read-only)."""
        assert self.part_model is not None
        index = self.part_model.index(row, self.part_model.column_of(name))
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.setCurrentIndex(index)
        self.scrollTo(index)
        if index.flags() & Qt.ItemFlag.ItemIsEditable:
            self.edit(index)

    def editor(self) -> QWidget | None:
        """The open editor, if any."""
        if self.state() != QAbstractItemView.State.EditingState:
            return None
        return self.indexWidget(self.currentIndex())

    def current_row(self) -> int | None:
        """The row of the current cell, if any."""
        index = self.currentIndex()
        return index.row() if index.isValid() else None

    # -- keys --------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_requested.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Delete and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self._clear_selected()
            event.accept()
            return
        if event.key() == Qt.Key.Key_D and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
            self.fill_down()
            event.accept()
            return
        super().keyPressEvent(event)

    def fill_down(self) -> None:
        """Ctrl+D as in a spreadsheet: the top selected cell of each column is copied
        into the cells selected below it (a single cell takes the one above)."""
        model = self.model()
        if model is None:
            return
        by_column: dict[int, list[int]] = {}
        for index in self.selectedIndexes() or [self.currentIndex()]:
            if index.isValid():
                by_column.setdefault(index.column(), []).append(index.row())
        for column, selected in by_column.items():
            selected.sort()
            if len(selected) == 1:
                selected = [selected[0] - 1, selected[0]]
            if selected[0] < 0:
                continue
            value = model.index(selected[0], column).data(Qt.ItemDataRole.EditRole)
            for row in selected[1:]:
                index = model.index(row, column)
                if index.flags() & Qt.ItemFlag.ItemIsEditable:
                    model.setData(index, value, Qt.ItemDataRole.EditRole)

    def focusNextPrevChild(self, next: bool) -> bool:
        if self._at_edge(next):
            # Past the last cell (before the first), Tab leaves the grid like a form field.
            return QWidget.focusNextPrevChild(self, next)
        return super().focusNextPrevChild(next)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        Hint = QAbstractItemDelegate.EndEditHint
        if hint in (Hint.EditNextItem, Hint.EditPreviousItem):
            forward = hint == Hint.EditNextItem
            if self._at_edge(forward):
                super().closeEditor(editor, Hint.NoHint)
                QWidget.focusNextPrevChild(self, forward)
                return
        super().closeEditor(editor, hint)

    def _at_edge(self, forward: bool) -> bool:
        """Whether the current cell is the last one (the first one going back)."""
        model = self.model()
        current = self.currentIndex()
        if model is None or not model.rowCount() or not current.isValid():
            return True
        edge = (model.rowCount() - 1, model.columnCount() - 1) if forward else (0, 0)
        return (current.row(), current.column()) == edge

    def _clear_selected(self) -> None:
        model = self.model()
        if model is None:
            return
        for index in self.selectedIndexes():
            if index.flags() & Qt.ItemFlag.ItemIsEditable:
                model.setData(index, None, Qt.ItemDataRole.EditRole)
