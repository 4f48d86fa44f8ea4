"""Pick a participant from the people directory, searching as you type.

Type part of a name or national ID; Up/Down move in the list, Enter takes the
highlighted person, Alt+N adds the text typed as a new person instead, Esc cancels.
The dialog opens without blocking (``open``) and answers by signal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.domain.fields import PERSON
from inl_desktop.gui.common.candidates import candidate_table, selected_row, show_rows
from inl_desktop.gui.common.keys import pressed_key
from inl_desktop.services.rosters import DirectoryPerson

MIN_LENGTH = 3
COLUMNS = ("full_name", "sex", "agency", "rank", "national_id")
Search = Callable[[str], Sequence[DirectoryPerson]]


class PersonPicker(QDialog):
    """Search the directory; ``person_chosen(PersonDraft)`` or ``new_person_requested(text)``."""

    person_chosen = Signal(object)
    new_person_requested = Signal(str)

    def __init__(
        self,
        search: Search,
        catalog: Catalog,
        parent: QWidget | None = None,
        *,
        text: str = "",
        limit: int = 50,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pick a participant from the people directory")
        self._search = search
        self._catalog = catalog
        self._limit = limit
        self._found: list[DirectoryPerson] = []
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(
            f"part of a name or {catalog.national_id_name} (at least {MIN_LENGTH} characters)"
        )
        search_label = QLabel("&Search the directory", self)
        search_label.setBuddy(self.search_edit)
        self.search_edit.setAccessibleName("Search the directory")
        self.table = candidate_table(
            self,
            "People found",
            [PERSON[name].label for name in COLUMNS] + ["Trainings"],
            resize=QHeaderView.ResizeMode.Interactive,
            widths=(200, 60, 190, 120, 130, 70),
        )
        self.table.setWordWrap(False)
        self.status_label = QLabel(self)
        self.status_label.setAccessibleName("Search result")
        buttons = QDialogButtonBox(self)
        self.choose_button: QPushButton = buttons.addButton(
            "&Choose", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.new_button: QPushButton = buttons.addButton(
            "Add as a &new person", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.cancel_button: QPushButton = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.choose_button.setDefault(True)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.installEventFilter(self)
        self.table.itemActivated.connect(lambda _item: self._on_choose_button_clicked())
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(search_label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.resize(820, 420)
        self.search_edit.setText(text)
        self._on_search_edit_text_changed(text)
        self.search_edit.setFocus()

    def found(self) -> list[PersonDraft]:
        """The persons listed, top to bottom."""
        return [match.person for match in self._found]

    # -- keys --------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        key = pressed_key(event) if watched is self.search_edit else None
        if key is not None:
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(key))
            if step is not None and self.table.rowCount():
                row = self.table.currentRow() + step
                self.table.selectRow(max(0, min(row, self.table.rowCount() - 1)))
                return True
        return super().eventFilter(watched, event)

    # -- slots -------------------------------------------------------------------

    def _on_search_edit_text_changed(self, text: str) -> None:
        words = [word for word in text.split() if len(word) >= MIN_LENGTH]
        self._found = list(self._search(text)) if words else []
        show_rows(
            self.table,
            [
                (
                    match.person.full_name or "",
                    PERSON["sex"].choice_label(match.person.sex or ""),
                    self._catalog.label("agencies", match.person.agency),
                    match.person.rank or "",
                    match.person.national_id or "",
                    str(match.trainings),
                )
                for match in self._found
            ],
        )
        if self._found:
            self.table.selectRow(0)
        if not words:
            status = f"Type at least {MIN_LENGTH} characters of a name or national ID."
        elif not self._found:
            status = "No one found. Add as a new person (Alt+N), or change the search."
        elif len(self._found) >= self._limit:
            status = f"The first {self._limit} found; type more to narrow the search."
        else:
            status = f"{len(self._found)} found. Enter takes the highlighted person."
        self.status_label.setText(status)
        self._on_table_selection_changed()

    def _on_table_selection_changed(self) -> None:
        self.choose_button.setEnabled(selected_row(self.table) is not None)

    def _on_choose_button_clicked(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        self.accept()
        self.person_chosen.emit(self._found[row].person)

    def _on_new_button_clicked(self) -> None:
        self.accept()
        self.new_person_requested.emit(self.search_edit.text().strip())
