"""Merging two records of the same person: both side by side, which one to keep, and
for each field which record's value the kept one takes. Also the small picker that
finds "the other" person for "Merge into…"."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.domain.fields import PERSON, FieldType
from inl_desktop.gui.common.keys import pressed_key
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import load_person
from inl_desktop.services.record_lists import people_found

SIDES = (0, 1)


@dataclass(frozen=True)
class MergeChoice:
    """What the user chose: who stays, who goes, and the kept person's values."""

    keep_uuid: str
    merged_uuid: str
    values: PersonDraft


def shown_value(catalog: Catalog, name: str, value: object) -> str:
    """A field's value as the user knows it (labels for codes and choices)."""
    if value is None or value == "":
        return "(blank)"
    field = PERSON[name]
    if field.type is FieldType.CHOICE:
        return field.choice_label(str(value))
    if field.reference_list is not None:
        return catalog.label(field.reference_list, str(value))
    return str(value)


class MergeDialog(QDialog):
    """Shows two persons side by side; ``choice()`` after it is accepted."""

    def __init__(
        self,
        ctx: AppContext,
        first_uuid: str,
        second_uuid: str,
        trainings: tuple[int, int] = (0, 0),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge two records of the same person")
        catalog = ctx.catalog()
        self._persons = (load_person(ctx, first_uuid), load_person(ctx, second_uuid))
        intro = QLabel(
            "Choose the record to keep. Every enrollment of the other record moves to it "
            "(in a session where both are enrolled, the better completion stays) and the "
            "other record is deleted. For each field, choose the value to keep.",
            self,
        )
        intro.setWordWrap(True)
        grid = QGridLayout()
        self.keep_group = QButtonGroup(self)
        self.keep_buttons: list[QRadioButton] = []
        for side in SIDES:
            count = trainings[side]
            text = f"Keep record &{side + 1} ({count} training{'s' if count != 1 else ''})"
            button = QRadioButton(text, self)
            button.setAccessibleName(text.replace("&", ""))
            self.keep_group.addButton(button, side)
            self.keep_buttons.append(button)
            grid.addWidget(button, 0, side + 1)
        self.value_groups: dict[str, QButtonGroup] = {}
        self.value_buttons: dict[str, list[QRadioButton]] = {}
        for row, field in enumerate(PERSON, start=1):
            grid.addWidget(QLabel(field.label, self), row, 0)
            group = QButtonGroup(self)
            buttons = []
            for side in SIDES:
                value = getattr(self._persons[side], field.name)
                button = QRadioButton(shown_value(catalog, field.name, value), self)
                button.setAccessibleName(f"{field.label} from record {side + 1}")
                group.addButton(button, side)
                buttons.append(button)
                grid.addWidget(button, row, side + 1)
            same = getattr(self._persons[0], field.name) == getattr(self._persons[1], field.name)
            for button in buttons:
                button.setEnabled(not same)
            self.value_groups[field.name] = group
            self.value_buttons[field.name] = buttons
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        buttons_box = QDialogButtonBox(self)
        self.merge_button: QPushButton = buttons_box.addButton(
            "&Merge", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.merge_button.setAccessibleName("Merge")
        cancel = buttons_box.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(buttons_box)
        self.keep_group.idClicked.connect(self._on_keep_group_id_clicked)
        # Keep the record with more trainings by default (the first one on a tie).
        self.set_kept(1 if trainings[1] > trainings[0] else 0)
        self.resize(720, 420)

    def set_kept(self, side: int) -> None:
        """Keep record ``side`` (0 or 1); each field takes that record's value unless it
        is blank there and filled in the other."""
        self.keep_buttons[side].setChecked(True)
        for name, buttons in self.value_buttons.items():
            own = getattr(self._persons[side], name)
            other = getattr(self._persons[1 - side], name)
            buttons[side if own not in (None, "") or other in (None, "") else 1 - side].setChecked(
                True
            )

    def take_value(self, name: str, side: int) -> None:
        """Keep field ``name``'s value from record ``side``."""
        self.value_buttons[name][side].setChecked(True)

    def choice(self) -> MergeChoice:
        """The kept and merged UUIDs and the kept person's values after the merge."""
        kept_side = self.keep_group.checkedId()
        kept, merged = self._persons[kept_side], self._persons[1 - kept_side]
        values = PersonDraft(uuid=kept.uuid, revision=kept.revision)
        for name, group in self.value_groups.items():
            side = group.checkedId()
            source = self._persons[side if side in SIDES else kept_side]
            setattr(values, name, getattr(source, name))
        assert kept.uuid is not None and merged.uuid is not None
        return MergeChoice(kept.uuid, merged.uuid, values)

    def _on_keep_group_id_clicked(self, side: int) -> None:
        self.set_kept(side)


class PickPersonDialog(QDialog):
    """Find a person by typing part of a name or national ID; ``chosen_uuid()`` after."""

    def __init__(
        self, ctx: AppContext, exclude_uuid: str | None, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._ctx = ctx
        self._exclude = exclude_uuid
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Part of a name, national ID, unit… (3+ letters)")
        self.search_edit.setClearButtonEnabled(True)
        label = QLabel("&Find:", self)
        label.setBuddy(self.search_edit)
        self.search_edit.setAccessibleName("Find")
        self.results = QListWidget(self)
        self.results.setAccessibleName("Persons found")
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        buttons = QDialogButtonBox(self)
        self.choose_button: QPushButton = buttons.addButton(
            "&Choose", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.choose_button.setEnabled(False)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.results, 1)
        layout.addWidget(buttons)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.installEventFilter(self)
        self.results.currentRowChanged.connect(self._on_results_current_row_changed)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.choose_button.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        self.resize(520, 380)

    def chosen_uuid(self) -> str | None:
        """The UUID of the chosen person (None when none is)."""
        item = self.results.currentItem()
        uuid = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return None if uuid is None else str(uuid)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down in the search box moves into the results, as in a completion list.
        down = watched is self.search_edit and pressed_key(event) == Qt.Key.Key_Down
        if down and self.results.count():
            self.results.setFocus()
            self.results.setCurrentRow(max(self.results.currentRow(), 0))
            return True
        return super().eventFilter(watched, event)

    def _on_search_edit_text_changed(self, text: str) -> None:
        catalog = self._ctx.catalog()
        self.results.clear()
        if len(text.strip()) < 3:
            return
        found = people_found(self._ctx, text)
        for row in found:
            if row["uuid"] == self._exclude:
                continue
            parts = [
                row["full_name"],
                catalog.label("agencies", row["agency"]),
                row["national_id"] or "",
                f"{row['trainings']} trainings",
            ]
            item = QListWidgetItem(" · ".join(part for part in parts if part), self.results)
            item.setData(Qt.ItemDataRole.UserRole, row["uuid"])
        if self.results.count():
            self.results.setCurrentRow(0)

    def _on_results_current_row_changed(self, row: int) -> None:
        self.choose_button.setEnabled(row >= 0)

    def _on_results_item_activated(self, _item: QListWidgetItem) -> None:
        self.accept()
