"""The person dialog: a person's details (checked as they are typed), their trainings
and their change history; adding someone already recorded offers the existing record.

Keyboard: Ctrl+S saves, Esc closes (asking about unsaved changes), Alt+letter moves to
a field or tab.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.domain.fields import COMPLETION, ENROLLMENT, PERSON
from inl_desktop.domain.validation import validate_person
from inl_desktop.gui.common.editor_base import RecordEditor
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.record_form import (
    INVALID_STYLE,
    Problem,
    add_shortcuts,
    field_inputs,
    with_mnemonics,
)
from inl_desktop.gui.people.same_person_dialog import ADD, OPEN
from inl_desktop.services.context import AppContext
from inl_desktop.services.history import record_history
from inl_desktop.services.persons import find_same_person, load_person, save_person
from inl_desktop.services.record_lists import person_trainings
from inl_desktop.services.records import Saved

TRAINING_COLUMNS = ("Start", "End", "Title", "Audience", "Completion")
# Log keys of a merge, which are not fields of the form.
MERGE_LABELS = {
    "merged_into": "Merged into",
    "merged_from": "Merged from",
    "enrollments_moved": "Enrollments moved",
    "deleted": "Deleted",
}
_COMPLETION = dict(COMPLETION)


def _history_label(key: str | None) -> str | None:
    if key is None:
        return None
    if key.startswith("duplicate_enrollment"):
        return "Enrollment in both records"
    return MERGE_LABELS.get(key, key)


class PersonDialog(RecordEditor, QDialog):
    """Add a person to the directory, or correct one; shows their training history."""

    record_saved = Signal(str)

    RECORD_NAME = "person"
    WHAT = "This person"
    NEW_TITLE = "New person"

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        ui = self._build_editor(ctx, prompts, "person_form")
        self.setStyleSheet(INVALID_STYLE)
        self.trainings_table = self._child(ui, QTableWidget, "trainingsTable")
        self.trainings_summary = self._child(ui, QLabel, "trainingsSummary")
        self.save_button = self._child(ui, QPushButton, "saveButton")
        self.close_button = self._child(ui, QPushButton, "closeButton")
        self.inputs = field_inputs(ui)
        missing = set(PERSON.names) - set(self.inputs)
        assert not missing, f"ui/person_form.ui has no input for {sorted(missing)}"
        self._loaded = PersonDraft()
        self._label_everything(ui)
        self._fill_choices(PERSON, blank=("sex",))
        self._build_trainings_table()
        self._connect_inputs(PERSON)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        add_shortcuts(self, [("Ctrl+S", self.save)])
        self.resize(560, 480)
        self.new_record()

    # -- building ----------------------------------------------------------------

    def _label_everything(self, ui: QWidget) -> None:
        """Field labels from the field definitions; one mnemonic per label, tab and button."""
        labels = self._labelled_inputs(ui)
        order = list(PERSON.names)
        labels.sort(key=lambda label: order.index(self._field_of(label.buddy())))
        label_texts = [PERSON[self._field_of(label.buddy())].label for label in labels]
        tab_texts = [self.tabs.tabText(n) for n in range(self.tabs.count())]
        buttons = [self.save_button, self.close_button]
        button_texts = [button.text() for button in buttons]
        marked = with_mnemonics(label_texts + button_texts + tab_texts)
        for label, text, shown in zip(labels, label_texts, marked, strict=False):
            label.setText(shown)
            label.buddy().setAccessibleName(text)
        rest = marked[len(labels) :]
        for button, text, shown in zip(buttons, button_texts, rest, strict=False):
            button.setText(shown)
            button.setAccessibleName(text)
        for n, shown in enumerate(rest[len(buttons) :]):
            self.tabs.setTabText(n, shown)
        national_id = self.inputs["national_id"]
        assert isinstance(national_id, QLineEdit)
        name = self._catalog.national_id_name
        national_id.setPlaceholderText(name if name != PERSON["national_id"].label else "")
        national_id.setToolTip(f"{name}, with or without dashes")

    def _build_trainings_table(self) -> None:
        table = self.trainings_table
        table.setColumnCount(len(TRAINING_COLUMNS))
        table.setHorizontalHeaderLabels(TRAINING_COLUMNS)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        for column in range(len(TRAINING_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    # -- the contract ------------------------------------------------------------

    def new_record(self, draft: PersonDraft | None = None) -> None:
        """Start a new person (empty, or with ``draft``'s values)."""
        self._uuid = self._revision = None
        self._populate(draft or PersonDraft())
        self.inputs["full_name"].setFocus(Qt.FocusReason.OtherFocusReason)

    def open_record(self, uuid: str) -> None:
        """Show the stored person ``uuid`` (RecordNotFound, a UserError, if none)."""
        draft = load_person(self._ctx, uuid)
        self._uuid, self._revision = draft.uuid, draft.revision
        self._populate(draft)
        self.inputs["full_name"].setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def uuid(self) -> str | None:
        """The person shown (None before a new one is saved)."""
        return self._uuid

    def save(self) -> bool:
        """Save the person; False when refused, cancelled or an existing one is opened."""
        self._all_touched = True
        self._settle_codes()
        draft, problems = self._check()
        self._show_marks(problems)
        if problems:
            messages = [problem.message for problem in problems]
            return self._refused(messages, self.inputs.get(problems[0].field))

        def write() -> Saved | None:
            if draft.uuid is None and not self._added_anyway(draft):
                return None
            return save_person(self._ctx, copy.deepcopy(draft))

        saved = self._store(write)
        if saved is None:
            return False
        draft.uuid, draft.revision = saved.uuid, saved.revision
        self._loaded = draft
        self._stored_as(saved.uuid, saved.revision)
        self.record_saved.emit(saved.uuid)
        return True

    def _added_anyway(self, draft: PersonDraft) -> bool:
        """Offer the persons already recorded that ``draft`` may repeat; True to add it
        all the same (the existing one opened instead: False)."""
        matches = find_same_person(self._ctx, draft)
        if not matches:
            return True
        decision, existing = self._prompts.same_person(self, self._catalog, matches)
        if decision == OPEN and existing is not None:
            self.open_record(existing)
            return False
        return decision == ADD

    def reject(self) -> None:
        if self._close_popup():
            return  # Esc in a completion list closes the list, not the dialog
        if self.confirm_discard():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.confirm_discard():
            event.accept()
        else:
            event.ignore()

    # -- reading and checking ----------------------------------------------------

    def _read(self) -> tuple[PersonDraft, list[Problem]]:
        draft = PersonDraft(uuid=self._uuid, revision=self._revision)
        return draft, self._read_inputs(PERSON, draft)

    def _check(self) -> tuple[PersonDraft, list[Problem]]:
        """The draft and its problems, in form order."""
        draft, problems = self._read()
        unreadable = {problem.field for problem in problems}
        problems += [
            Problem(error.field, None, error.message)
            for error in validate_person(draft, self._catalog)
            if error.field not in unreadable
        ]
        order = list(PERSON.names)
        problems.sort(
            key=lambda problem: order.index(problem.field) if problem.field in order else 99
        )
        return draft, problems

    def _state(self) -> object:
        draft, problems = self._read()
        return draft, tuple(problems)

    def _recheck(self) -> None:
        _draft, problems = self._check()
        self._show_marks(problems)

    def _show_marks(self, problems: list[Problem]) -> None:
        shown = [p for p in problems if self._all_touched or p.key in self._touched]
        messages: dict[str, list[str]] = {}
        for problem in shown:
            messages.setdefault(problem.field, []).append(problem.message)
        for name, widget in self.inputs.items():
            found = messages.get(name)
            self._marker.mark(widget, "\n".join(found) if found else None)
        self.problems_label.setText("\n".join(f"• {problem.message}" for problem in shown))
        self.problems_label.setVisible(bool(shown))

    # -- filling -----------------------------------------------------------------

    def _populate(self, draft: PersonDraft) -> None:
        self._populating = True
        try:
            self._write_inputs(PERSON, draft)
        finally:
            self._populating = False
        self._loaded = copy.deepcopy(draft)
        self._show_trainings()
        self._shown_afresh()

    def _populate_loaded(self) -> None:
        self._populate(self._loaded)

    def _show_title(self) -> None:
        if self._uuid is None:
            self.setWindowTitle(self.NEW_TITLE)
        else:
            self.setWindowTitle(f"{self._loaded.full_name} (revision {self._revision})")

    def _show_trainings(self) -> None:
        attended = [] if self._uuid is None else person_trainings(self._ctx, self._uuid)
        table = self.trainings_table
        table.setRowCount(len(attended))
        for row, training in enumerate(attended):
            cells = (
                training.start_date.isoformat() if training.start_date else "",
                training.end_date.isoformat() if training.end_date else "",
                training.title or "",
                self._catalog.label("audience_categories", training.audience),
                _COMPLETION.get(training.completion or "", ""),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, training.session_uuid)
                table.setItem(row, column, item)
        completed = sum(1 for training in attended if training.completion == "completed")
        if self._uuid is None:
            summary = "Trainings show here once the person is saved and enrolled."
        elif not attended:
            summary = "Not enrolled in any training session."
        else:
            plural = "s" if len(attended) != 1 else ""
            summary = f"{len(attended)} training session{plural}, {completed} completed."
        self.trainings_summary.setText(summary)

    # -- history -----------------------------------------------------------------

    def _show_history(self, uuid: str) -> None:
        entries = [
            replace(entry, field=_history_label(entry.field))
            if entry.field not in PERSON.names
            else entry
            for entry in record_history(self._ctx, uuid)
        ]
        self.history_view.show_entries(entries, self._catalog, PERSON, ENROLLMENT)
