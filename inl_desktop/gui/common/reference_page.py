"""The settings page of the reference lists: browse, filter, add, edit, retire, delete,
and the aliases of each code (other names an import recognises)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.errors import UserError
from inl_desktop.domain.roles import Permission
from inl_desktop.gui.common.forms import load_form
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.reference_item_dialog import (
    ALIAS_JOINER,
    ReferenceItemDialog,
    attribute_title,
)
from inl_desktop.gui.common.widgets import find_child
from inl_desktop.services.context import AppContext
from inl_desktop.services.reference_lists import (
    AttributeSpec,
    CodeInUse,
    ListSpec,
    ReferenceEntry,
    delete_item,
    editable_lists,
    list_items,
    list_spec,
    set_retired,
)

AnyIndex = QModelIndex | QPersistentModelIndex
RETIRED_COLOUR = QColor("#767676")
LABEL_COLUMN = 1
MAX_COLUMN_WIDTH = 160


@dataclass(frozen=True)
class Column:
    """A column of the table: its header and how an entry shows in it."""

    header: str
    value: Callable[[ReferenceEntry], str | int]
    numeric: bool = False


class ReferenceTableModel(QAbstractTableModel):
    """The codes of one list as rows; retired codes grey and italic."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns: list[Column] = []
        self._entries: list[ReferenceEntry] = []

    def set_rows(self, columns: list[Column], entries: list[ReferenceEntry]) -> None:
        """Show ``entries`` in ``columns`` (replaces everything)."""
        self.beginResetModel()
        self._columns, self._entries = list(columns), list(entries)
        self.endResetModel()

    def entry(self, row: int) -> ReferenceEntry:
        """The entry shown in ``row``."""
        return self._entries[row]

    def row_of(self, code: str) -> int | None:
        """The row of a code, None when the list does not hold it."""
        return next((i for i, e in enumerate(self._entries) if e.code == code), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        entry, column = self._entries[index.row()], self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.value(entry)
        if role == Qt.ItemDataRole.UserRole:
            return entry.code
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if entry.retired and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(RETIRED_COLOUR)
        if entry.retired and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].header
        return None


def _choice_text(attribute: AttributeSpec, value: str) -> str:
    return dict(attribute.choices).get(value, value)


def columns_for(spec: ListSpec, entries: list[ReferenceEntry], catalog: Catalog) -> list[Column]:
    """Code, label, parent, the list's attributes (declared, then any extra), aliases, in
    use, retired."""
    columns = [
        Column("Code", lambda e: e.code),
        Column("Label", lambda e: f"{e.label} (retired)" if e.retired else e.label),
    ]
    if spec.parent_list is not None:
        parent_list = spec.parent_list
        columns.append(Column(spec.parent_label, lambda e: catalog.label(parent_list, e.parent)))
    for attribute in spec.attributes:
        numeric = attribute.kind == "decimal"
        columns.append(Column(attribute.header, _attribute_cell(attribute, catalog), numeric))
    extra = sorted({n for e in entries for n in e.attributes if spec.attribute(n) is None})
    for name in extra:
        undeclared = AttributeSpec(name, attribute_title(name))
        columns.append(Column(undeclared.label, _attribute_cell(undeclared, catalog)))
    columns.append(Column("Aliases", lambda e: ALIAS_JOINER.join(e.aliases)))
    columns.append(Column("In use", lambda e: e.in_use, numeric=True))
    columns.append(Column("Retired", lambda e: "Yes" if e.retired else ""))
    return columns


def _attribute_cell(
    attribute: AttributeSpec, catalog: Catalog
) -> Callable[[ReferenceEntry], str | int]:
    def cell(entry: ReferenceEntry) -> str:
        value = entry.attributes.get(attribute.name, "")
        if attribute.kind == "flag":
            return "Yes" if value == "1" else "No"
        if attribute.kind == "choice":
            return _choice_text(attribute, value)
        if attribute.kind == "code" and attribute.reference_list and value:
            return catalog.label(attribute.reference_list, value)
        return value

    return cell


class ReferenceListsPage(QWidget):
    """Choose a reference list, then add, edit, retire, restore or delete its codes."""

    lists_changed = Signal()

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._prompts = prompts or Prompts()
        self._spec: ListSpec | None = None
        self.item_dialog: ReferenceItemDialog | None = None
        self._hidden_since_load = False
        form = load_form("reference_page", self)
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        self.list_chooser = find_child(form, QListWidget, "listChooser")
        self.list_heading = find_child(form, QLabel, "listHeading")
        self.filter_edit = find_child(form, QLineEdit, "filterEdit")
        self.count_label = find_child(form, QLabel, "countLabel")
        self.table = find_child(form, QTableView, "table")
        self.add_button = find_child(form, QPushButton, "addButton")
        self.edit_button = find_child(form, QPushButton, "editButton")
        self.retire_button = find_child(form, QPushButton, "retireButton")
        self.delete_button = find_child(form, QPushButton, "deleteButton")
        heading_font = self.list_heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.3)
        heading_font.setBold(True)
        self.list_heading.setFont(heading_font)

        self.model = ReferenceTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table.setModel(self.proxy)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # list order until asked
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)

        for name, title in editable_lists():
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.list_chooser.addItem(item)
        self.list_chooser.currentRowChanged.connect(self._on_list_chooser_current_row_changed)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.activated.connect(self._on_edit_button_clicked)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.retire_button.clicked.connect(self._on_retire_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.list_chooser.setCurrentRow(0)

    # --- What is shown --------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        # Records saved on other pages change the use counts: re-read on every return.
        if self._hidden_since_load and not event.spontaneous():
            self._hidden_since_load = False
            self.reload()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        if not event.spontaneous():
            self._hidden_since_load = True
        super().hideEvent(event)

    def current_list(self) -> str | None:
        """The name of the chosen list."""
        return self._spec.name if self._spec else None

    def choose_list(self, list_name: str) -> None:
        """Show a list (as picking its title in the chooser does)."""
        for row in range(self.list_chooser.count()):
            if self.list_chooser.item(row).data(Qt.ItemDataRole.UserRole) == list_name:
                self.list_chooser.setCurrentRow(row)
                return
        raise KeyError(list_name)

    def selected_entry(self) -> ReferenceEntry | None:
        """The entry of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.entry(self.proxy.mapToSource(rows[0]).row())

    def reload(self, select_code: str | None = None) -> None:
        """Re-read the chosen list (and its use counts) from the database."""
        if self._spec is None:
            return
        keep = select_code or (entry.code if (entry := self.selected_entry()) else None)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            entries = list_items(self._ctx, self._spec.name)
            columns = columns_for(self._spec, entries, self._ctx.catalog())
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.model.set_rows(columns, entries)
        self._fit_columns()
        if keep is not None:
            self._select(keep)
        self._update_counts()
        self._update_buttons()

    def _fit_columns(self) -> None:
        """Columns as wide as their contents (within reason); the label takes the rest."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(header.sectionSize(column), MAX_COLUMN_WIDTH))
        header.setSectionResizeMode(LABEL_COLUMN, QHeaderView.ResizeMode.Stretch)

    def _select(self, code: str) -> None:
        row = self.model.row_of(code)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.scrollTo(index)

    def _update_counts(self) -> None:
        total = self.model.rowCount()
        retired = sum(1 for row in range(total) if self.model.entry(row).retired)
        shown = self.proxy.rowCount()
        text = f"{total:,} codes" if shown == total else f"{shown:,} of {total:,} codes"
        self.count_label.setText(text + (f", {retired:,} retired" if retired else ""))

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        # Only an admin changes the lists (the services refuse anyone else too).
        may = self._ctx.may(Permission.REFERENCE_LISTS)
        self.add_button.setEnabled(may)
        for button in (self.edit_button, self.retire_button, self.delete_button):
            button.setEnabled(may and entry is not None)
        self.retire_button.setText("Res&tore" if entry and entry.retired else "&Retire")

    def _on_list_chooser_current_row_changed(self, row: int) -> None:
        item = self.list_chooser.item(row)
        if item is None:
            return
        self._spec = list_spec(item.data(Qt.ItemDataRole.UserRole))
        self.list_heading.setText(self._spec.title)
        self.filter_edit.clear()
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.clearSelection()
        self.reload()

    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_counts()
        self._update_buttons()

    def _on_table_selection_changed(self) -> None:
        self._update_buttons()

    # --- Changes --------------------------------------------------------------------

    def _changed(self, code: str | None) -> None:
        self.reload(code)
        self.lists_changed.emit()

    def _open_dialog(self, entry: ReferenceEntry | None) -> None:
        if self._spec is None:
            return
        dialog = ReferenceItemDialog(self._ctx, self._spec, entry, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_item_dialog_saved)
        dialog.finished.connect(self._on_item_dialog_finished)
        self.item_dialog = dialog
        dialog.open()

    def _on_item_dialog_saved(self, code: str) -> None:
        self._changed(code)

    def _on_item_dialog_finished(self) -> None:
        self.item_dialog = None

    def _on_add_button_clicked(self) -> None:
        self._open_dialog(None)

    def _on_edit_button_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self._open_dialog(entry)

    def _on_retire_button_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is None or self._spec is None:
            return
        try:
            set_retired(self._ctx, self._spec.name, entry.code, not entry.retired)
        except UserError as error:
            self._prompts.inform(self, "Cannot change the code", str(error))
        self._changed(entry.code)

    def _on_delete_button_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is None or self._spec is None:
            return
        spec = self._spec
        if entry.in_use == 0 and not self._prompts.yes_no(
            self,
            f"Delete {spec.item_noun}",
            f"Delete {entry.code} ({entry.label}) from {spec.title.lower()}? "
            "This cannot be undone.",
            default_yes=True,
        ):
            return
        try:
            delete_item(self._ctx, spec.name, entry.code)
        except CodeInUse as refused:
            if entry.retired:
                self._prompts.inform(self, "Code in use", str(refused))
            elif self._prompts.yes_no(
                self, "Code in use", f"{refused}\n\nRetire {entry.code} now?", default_yes=True
            ):
                set_retired(self._ctx, spec.name, entry.code, True)
                self._changed(entry.code)
            else:
                self.reload(entry.code)  # the use count may have changed meanwhile
            return
        except UserError as error:
            self._prompts.inform(self, "Cannot delete the code", str(error))
        self._changed(None)
