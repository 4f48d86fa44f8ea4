"""The People area: the directory of persons trained, with search, filters, the deleted
view, and the actions on a person (open, add, delete, restore, merge).

Keyboard: type in the search box (Alt+S) and the list answers at once; Down or Tab
moves into the list; Enter opens the person, Delete deletes, Ctrl+N adds a person,
Ctrl+M merges the two selected rows (or asks for the other person when one is).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.fields import SEX
from inl_desktop.gui.common.filter_bar import choice_combo
from inl_desktop.gui.common.keys import pressed_key
from inl_desktop.gui.common.list_page import ListPage, Selection
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.widgets import CodeComboBox, buddy_label
from inl_desktop.gui.people.people_table import PeopleTableModel
from inl_desktop.gui.people.person_dialog import PersonDialog
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import merge_persons, set_person_deleted
from inl_desktop.services.record_lists import PEOPLE_COLUMN_KEYS as COLUMN_KEYS
from inl_desktop.services.record_lists import PEOPLE_COLUMNS as COLUMNS
from inl_desktop.services.record_lists import PeopleFilter, people_count, person_training_count

SETTINGS_HEADER = "people_list/header"
COUNT_DELAY_MS = 150
_TYPICAL = {
    "full_name": "Muhammad Abdullah Khan Afridi",
    "sex": "Female",
    "agency": "Islamabad Capital Territory Police",
    "unit": "Special Branch",
    "rank": "Deputy Prosecutor",
    "province": "Khyber Pakhtunkhwa",
    "national_id": "61101-1234567-2",
    "trainings": "Trainings",
}


class PeopleFilterBar(QWidget):
    """Search, agency, sex, province and the deleted view; emits ``filter_changed``."""

    filter_changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Name, national ID, unit, phone or email (3+ letters)")
        self.search_edit.setClearButtonEnabled(True)
        self.agency_combo = CodeComboBox(self, blank_text="All agencies")
        # Any sex: women, men and those whose sex is not recorded.
        self.sex_combo = choice_combo(self, "Any sex", SEX)
        self.province_combo = CodeComboBox(self, blank_text="All provinces")
        for combo in (self.agency_combo, self.province_combo):
            combo.setMinimumContentsLength(8)
        self.deleted_check = QCheckBox("Show d&eleted", self)
        self.deleted_check.setAccessibleName("Show deleted")
        self.set_catalog(ctx)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, widget, stretch in (
            ("&Search:", self.search_edit, 3),
            ("A&gency:", self.agency_combo, 2),
            ("Se&x:", self.sex_combo, 0),
            ("Pro&vince:", self.province_combo, 1),
        ):
            layout.addWidget(buddy_label(text, widget, self))
            layout.addWidget(widget, stretch)
        layout.addWidget(self.deleted_check)
        self.search_edit.textChanged.connect(self._on_any_changed)
        self.agency_combo.code_changed.connect(self._on_any_changed)
        self.sex_combo.currentIndexChanged.connect(self._on_any_changed)
        self.province_combo.code_changed.connect(self._on_any_changed)
        self.deleted_check.toggled.connect(self._on_any_changed)

    def set_catalog(self, ctx: AppContext) -> None:
        """Refill the code lists (after reference lists change)."""
        catalog = ctx.catalog()
        self.agency_combo.set_reference_list(catalog, "agencies")
        self.province_combo.set_reference_list(catalog, "provinces")

    def current_filter(self) -> PeopleFilter:
        """The filter the widgets describe."""
        return PeopleFilter(
            text=self.search_edit.text(),
            agency=self.agency_combo.code(),
            sex=self.sex_combo.currentData(),
            province=self.province_combo.code(),
            deleted=self.deleted_check.isChecked(),
        )

    def _on_any_changed(self, *_args: object) -> None:
        self.filter_changed.emit(self.current_filter())


class PeoplePage(ListPage):
    """The directory of persons; a person opens in a dialog."""

    records_changed = Signal()
    person_deleted = Signal(str, str)  # uuid, name for the Undo message

    COUNT_FAILED = "The persons could not be counted"

    model: PeopleTableModel

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, prompts: Prompts | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self._prompts = prompts or Prompts()
        self.dialog: PersonDialog | None = None
        layout = QVBoxLayout(self)
        self.filter_bar = PeopleFilterBar(ctx, self)
        self.search_edit = self.filter_bar.search_edit
        layout.addWidget(self.filter_bar)

        self.model = PeopleTableModel(ctx, self)
        self.table = self._build_table(
            self, "People", self.model, selection=Selection.ExtendedSelection, word_wrap=False
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        layout.addWidget(self.table, 1)

        footer = QHBoxLayout()
        self.count_label = QLabel("", self)
        self.count_label.setAccessibleName("Number of persons")
        footer.addWidget(self.count_label, 1)
        self.restore_button = QPushButton("&Restore", self)
        self.restore_button.setAccessibleName("Restore")
        self.restore_button.setVisible(False)
        footer.addWidget(self.restore_button)
        self.merge_button = QPushButton("&Merge… (Ctrl+M)", self)
        self.merge_button.setAccessibleName("Merge")
        self.merge_button.setToolTip(
            "Merge the two selected persons, or choose the person to merge the selected one into"
        )
        footer.addWidget(self.merge_button)
        self.new_button = QPushButton("&New person (Ctrl+N)", self)
        self.new_button.setAccessibleName("New person")
        footer.addWidget(self.new_button)
        layout.addLayout(footer)

        self._count_after_pauses(COUNT_DELAY_MS)
        for keys, slot in (("Ctrl+N", self.new_person), ("Ctrl+M", self.merge_selected)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.new_button.clicked.connect(self.new_person)
        self.merge_button.clicked.connect(self.merge_selected)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.search_edit.installEventFilter(self)
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self.filter_bar.filter_changed.connect(self._on_filter_bar_filter_changed)
        self.model.query_changed.connect(self._on_model_query_changed)
        self.model.reload()
        self._restore_header()

    # Actions --------------------------------------------------------------------

    def new_person(self) -> PersonDialog | None:
        """Open the person dialog on a new, empty person (None if the user stays on
        unsaved changes in the dialog already open)."""
        dialog = self._dialog()
        if dialog is None:
            return None
        dialog.new_record()
        dialog.open()
        return dialog

    def open_person(self, uuid: str) -> PersonDialog | None:
        """Open a stored person in the person dialog (None if it cannot be found, or the
        user stays on unsaved changes in the dialog already open)."""
        dialog = self._dialog()
        if dialog is None:
            return None
        try:
            dialog.open_record(uuid)
        except UserError as error:
            self._show_error(str(error))
            return None
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        """Soft-delete the person of the current row (Undo restores them)."""
        row = self._current_row()
        uuid = self.model.uuid_at(row) if row is not None else None
        if uuid is None or row is None or self.model.current_filter.deleted:
            return
        name = self.model.name_at(row)
        try:
            set_person_deleted(self._ctx, uuid, True)
        except UserError as error:
            self._show_error(str(error))
            return
        self.model.reload()
        self._select_row(row)
        self.person_deleted.emit(uuid, name)
        self.records_changed.emit()

    def restore(self, uuid: str) -> None:
        """Bring a deleted person back (Undo and the deleted view's Restore)."""
        set_person_deleted(self._ctx, uuid, False)
        self.model.reload()
        self.records_changed.emit()

    def merge_selected(self) -> None:
        """Merge the two selected persons; with one selected, ask for the other first."""
        if self.model.current_filter.deleted:
            return
        uuids = self._selected_uuids()
        if len(uuids) == 1:
            title = f"Merge {self._name_of(uuids[0])} into…"
            other = self._prompts.pick_person(self, self._ctx, uuids[0], title)
            if other is None:
                return
            uuids.append(other)
        if len(uuids) != 2:
            self._show_error("Select the two rows of the same person to merge (Ctrl+click).")
            return
        trainings = (self._trainings_of(uuids[0]), self._trainings_of(uuids[1]))
        choice = self._prompts.merge(self, self._ctx, (uuids[0], uuids[1]), trainings)
        if choice is None:
            return
        try:
            merge_persons(self._ctx, choice.keep_uuid, choice.merged_uuid, choice.values)
        except UserError as error:
            self._show_error(str(error))
            return
        self.model.reload()
        self.records_changed.emit()

    def apply_filter(self, filter_: PeopleFilter) -> None:
        """Show what ``filter_`` selects."""
        self.restore_button.setVisible(filter_.deleted)
        self.merge_button.setEnabled(not filter_.deleted)
        self.new_button.setEnabled(not filter_.deleted)
        self.model.set_filter(filter_)

    def refresh_reference_lists(self) -> None:
        """Offer the current reference lists in the filters (after they were edited)."""
        self.filter_bar.set_catalog(self._ctx)
        self.model.reload()

    def reload(self) -> None:
        """Read the list again (after records changed elsewhere, e.g. a roster saved)."""
        self.model.reload()

    def wait_for_counts(self) -> None:
        """Block until the count is computed (shutdown, tests and benchmarks)."""
        self._wait_for_count()

    def confirm_close(self) -> bool:
        """Ask about unsaved changes in an open person dialog; True means go on."""
        return self.dialog is None or not self.dialog.isVisible() or self.dialog.confirm_discard()

    def _show_error(self, message: str) -> None:
        self._prompts.warn(self, "People", message)

    # Slots -----------------------------------------------------------------------

    def _on_filter_bar_filter_changed(self, filter_: PeopleFilter) -> None:
        self.apply_filter(filter_)

    def _count_job(self) -> Callable[[], int]:
        ctx, filter_ = self._ctx, self.model.current_filter
        return lambda: people_count(ctx, filter_)

    def _show_count(self, count: int) -> None:
        self._show_count_text(f"{count:,} person{'s' if count != 1 else ''}")

    def _open_current(self) -> None:
        row = self._current_row()
        uuid = self.model.uuid_at(row) if row is not None else None
        if uuid and not self.model.current_filter.deleted:
            self.open_person(uuid)

    def _on_restore_button_clicked(self) -> None:
        for uuid in self._selected_uuids():
            self.restore(uuid)

    def _on_dialog_record_saved(self, _uuid: str) -> None:
        self.model.reload()
        self.records_changed.emit()

    def _on_table_context_menu_requested(self, pos: QPoint) -> None:
        menu = QMenu(self)
        live = not self.model.current_filter.deleted
        selected = len(self._selected_uuids())
        if live:
            menu.addAction("&Open", self._open_current)
            merge = menu.addAction(
                "&Merge the two selected" if selected == 2 else "Merge &into…", self.merge_selected
            )
            merge.setEnabled(selected in (1, 2))
            menu.addAction("&Delete", self.delete_selected)
        else:
            menu.addAction("&Restore", self._on_restore_button_clicked)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and pressed_key(event) == Qt.Key.Key_Down:
            self.table.setFocus()
            if not self.table.currentIndex().isValid() and self.model.rowCount():
                self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    # Helpers ---------------------------------------------------------------------

    def _dialog(self) -> PersonDialog | None:
        """The person dialog, built once; None if it shows unsaved changes to keep."""
        if self.dialog is None:
            self.dialog = PersonDialog(self._ctx, self, prompts=self._prompts)
            self.dialog.record_saved.connect(self._on_dialog_record_saved)
        elif self.dialog.isVisible() and not self.dialog.confirm_discard():
            return None
        return self.dialog

    def _selected_uuids(self) -> list[str]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        current = self._current_row()
        if not rows and current is not None:
            rows = [current]
        return [uuid for row in rows if (uuid := self.model.uuid_at(row)) is not None]

    def _trainings_of(self, uuid: str) -> int:
        for row in range(self.model.rowCount()):
            if self.model.uuid_at(row) == uuid:
                return int(self.model.data(self.model.index(row, COLUMN_KEYS.index("trainings"))))
        return person_training_count(self._ctx, uuid)

    def _name_of(self, uuid: str) -> str:
        for row in range(self.model.rowCount()):
            if self.model.uuid_at(row) == uuid:
                return self.model.name_at(row)
        return "this person"

    def _restore_header(self) -> None:
        header = self.table.horizontalHeader()
        if self._restore_header_state(SETTINGS_HEADER):
            header.setSortIndicator(self.model.sort_column, self.model.sort_order)
            return
        # Widths from typical values, not from the first page (which may hold only the
        # shortest names, or the longest agency names): every column fits a 1,200-pixel
        # window.
        metrics = self.table.fontMetrics()
        for section, column in enumerate(COLUMNS):
            sample = _TYPICAL.get(column.key, column.label)
            width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(column.label))
            header.resizeSection(section, width + 24)

    def save_layout(self) -> None:
        """Remember column order and widths."""
        self._save_header_state(SETTINGS_HEADER)
