"""A grid of a record's parts (a session's participants or counts) as a table view.

One row per part, one column per field (domain.fields). Cells hold what was typed
(codes for lists and choices, text otherwise) and are parsed when the form reads
them, so a bad value stays visible, marked, until it is corrected. A model and a
delegate rather than a widget per cell: a session of 300 participants opens at once.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence
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

from inl_desktop.domain.fields import FieldType
from inl_desktop.gui.common.part_model import (
    NUMERIC,
    Column,
    GridRow,
    Index,
    PartModel,
    parse_cell,
)
from inl_desktop.gui.common.record_form import settle_code
from inl_desktop.gui.common.widgets import CodeComboBox

__all__ = ["Column", "GridRow", "PartDelegate", "PartModel", "PartView", "parse_cell"]


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

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
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
