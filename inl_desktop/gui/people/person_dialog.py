"""The person dialog: a person's details (checked as they are typed), their trainings
and their change history; adding someone already recorded offers the existing record.

Keyboard: Ctrl+S saves, Esc closes (asking about unsaved changes), Alt+letter moves to
a field or tab.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.domain.errors import UserError, ValidationFailed
from inl_desktop.domain.fields import COMPLETION, ENROLLMENT, PERSON, SEX, FieldType
from inl_desktop.domain.validation import validate_person
from inl_desktop.gui.common.history_view import HistoryView
from inl_desktop.gui.common.record_form import (
    INVALID_STYLE,
    Marker,
    add_shortcuts,
    ask_unsaved,
    field_inputs,
    load_ui,
    read_field,
    settle_code,
    show_start,
    with_mnemonics,
    write_field,
)
from inl_desktop.gui.common.widgets import CodeComboBox
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import find_same_person, load_person, save_person
from inl_desktop.services.records import history
from inl_desktop.store.models import ChangeLogEntry
from inl_desktop.store.people_list import fetch_person_trainings

OPEN, ADD, CANCEL = "open", "add", "cancel"
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


class PersonDialog(QDialog):
    """Add a person to the directory, or correct one; shows their training history."""

    record_saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._catalog = ctx.catalog()
        ui = load_ui("person_form", self, (HistoryView,))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(ui)
        self.setStyleSheet(INVALID_STYLE)
        self.tabs: QTabWidget = ui.findChild(QTabWidget, "tabs")
        self.problems_label: QLabel = ui.findChild(QLabel, "problemsLabel")
        self.trainings_table: QTableWidget = ui.findChild(QTableWidget, "trainingsTable")
        self.trainings_summary: QLabel = ui.findChild(QLabel, "trainingsSummary")
        self.history_view: HistoryView = ui.findChild(HistoryView, "historyTable")
        self.save_button: QPushButton = ui.findChild(QPushButton, "saveButton")
        self.close_button: QPushButton = ui.findChild(QPushButton, "closeButton")
        self.inputs: dict[str, QWidget] = field_inputs(ui)
        missing = set(PERSON.names) - set(self.inputs)
        assert not missing, f"ui/person_form.ui has no input for {sorted(missing)}"
        self._uuid: str | None = None
        self._revision: int | None = None
        self._loaded = PersonDraft()
        self._baseline: object = None
        self._touched: set[str] = set()
        self._all_touched = False
        self._populating = False
        self._history_stale = True
        self._marker = Marker()
        self._label_everything(ui)
        self._fill_choices()
        self._build_trainings_table()
        self._connect_inputs()
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        add_shortcuts(self, [("Ctrl+S", self.save)])
        self.resize(560, 480)
        self.new_record()

    # -- building ----------------------------------------------------------------

    def _label_everything(self, ui: QWidget) -> None:
        """Field labels from the field definitions; one mnemonic per label, tab and button."""
        labels = [
            label
            for label in ui.findChildren(QLabel)
            if label.buddy() is not None and label.buddy() in self.inputs.values()
        ]
        fields = {widget: name for name, widget in self.inputs.items()}
        order = list(PERSON.names)
        labels.sort(key=lambda label: order.index(fields[label.buddy()]))
        label_texts = [PERSON[fields[label.buddy()]].label for label in labels]
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
        national_id: QLineEdit = self.inputs["national_id"]
        name = self._catalog.national_id_name
        national_id.setPlaceholderText(name if name != PERSON["national_id"].label else "")
        national_id.setToolTip(f"{name}, with or without dashes")

    def _fill_choices(self) -> None:
        for field in PERSON:
            widget = self.inputs[field.name]
            if field.type is FieldType.CHOICE:
                assert isinstance(widget, QComboBox)
                if field.name == "sex":
                    widget.addItem("", None)  # chosen, never assumed
                for code, label in field.choices:
                    widget.addItem(label, code)
            elif isinstance(widget, CodeComboBox) and field.reference_list:
                widget.set_reference_list(self._catalog, field.reference_list)

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

    def _connect_inputs(self) -> None:
        for name, widget in self.inputs.items():
            if isinstance(widget, CodeComboBox):
                widget.editTextChanged.connect(self._on_input_changed)
                widget.lineEdit().editingFinished.connect(
                    lambda n=name, w=widget: self._on_code_combo_finished(n, w)
                )
                widget.activated.connect(lambda _i, n=name: self._touch(n))
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i, n=name: self._touch(n))
            elif isinstance(widget, QLineEdit):
                widget.textChanged.connect(self._on_input_changed)
                widget.editingFinished.connect(lambda n=name: self._touch(n))

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

    def has_unsaved_changes(self) -> bool:
        """Whether the form differs from the person as loaded, saved or started."""
        return self._state() != self._baseline

    def confirm_discard(self) -> bool:
        """Ask Save/Discard/Cancel when there are unsaved changes; True means go on."""
        if not self.has_unsaved_changes():
            return True
        answer = self._ask_unsaved()
        if answer == "save":
            return self.save()
        if answer == "discard":
            self._populate(self._loaded)
            return True
        return False

    def save(self) -> bool:
        """Save the person; False when refused, cancelled or an existing one is opened."""
        self._all_touched = True
        for widget in self.inputs.values():
            if isinstance(widget, CodeComboBox):
                settle_code(widget)
        draft, problems = self._check()
        self._show_marks(problems)
        if problems:
            self._show_problems([message for _, message in problems])
            self._focus(self.inputs.get(problems[0][0]))
            return False
        try:
            if draft.uuid is None:
                matches = find_same_person(self._ctx, draft)
                if matches:
                    decision, existing = self._ask_same_person(matches)
                    if decision == OPEN and existing is not None:
                        self.open_record(existing)
                        return False
                    if decision != ADD:
                        return False
            saved = save_person(self._ctx, copy.deepcopy(draft))
        except ValidationFailed as error:
            self._show_problems([str(field_error) for field_error in error.errors])
            return False
        except UserError as error:
            self._show_error(str(error))
            return False
        self._uuid, self._revision = saved.uuid, saved.revision
        draft.uuid, draft.revision = saved.uuid, saved.revision
        self._loaded = draft
        self._baseline = self._state()
        self._show_title()
        self._history_stale = True
        self._refresh_history_if_shown()
        self.record_saved.emit(saved.uuid)
        return True

    def reject(self) -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()  # Esc in a completion list closes the list, not the dialog
            return
        if self.confirm_discard():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.confirm_discard():
            event.accept()
        else:
            event.ignore()

    # -- what the user is asked (tests replace these) -----------------------------

    def _ask_same_person(self, matches: Sequence[PersonDraft]) -> tuple[str, str | None]:
        """("open", uuid), ("add", None) or ("cancel", None)."""
        dialog = SamePersonDialog(matches, self._catalog, self)
        dialog.exec()
        return dialog.decision()

    def _ask_unsaved(self) -> str:
        """The answer: "save", "discard" or "cancel"."""
        return ask_unsaved(self, "This person")

    def _show_problems(self, messages: list[str]) -> None:
        listed = "\n".join(f"• {message}" for message in messages)
        QMessageBox.warning(self, "This person cannot be saved yet", f"Please correct:\n\n{listed}")

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self, "The person was not saved", message)

    # -- reading and checking ----------------------------------------------------

    def _read(self) -> tuple[PersonDraft, list[tuple[str, str]]]:
        draft = PersonDraft(uuid=self._uuid, revision=self._revision)
        problems = []
        for field in PERSON:
            value, message = read_field(field, self.inputs[field.name])
            if message is not None:
                problems.append((field.name, message))
            setattr(draft, field.name, value)
        return draft, problems

    def _check(self) -> tuple[PersonDraft, list[tuple[str, str]]]:
        """The draft and its problems as (field, message), in form order."""
        draft, problems = self._read()
        unreadable = {name for name, _ in problems}
        problems += [
            (error.field, error.message)
            for error in validate_person(draft, self._catalog)
            if error.field not in unreadable
        ]
        order = list(PERSON.names)
        problems.sort(key=lambda problem: order.index(problem[0]) if problem[0] in order else 99)
        return draft, problems

    def _state(self) -> object:
        draft, problems = self._read()
        return draft, tuple(problems)

    def _refresh(self) -> None:
        if self._populating or not isValid(self.problems_label):
            return
        _draft, problems = self._check()
        self._show_marks(problems)

    def _show_marks(self, problems: list[tuple[str, str]]) -> None:
        shown = [(n, m) for n, m in problems if self._all_touched or n in self._touched]
        messages: dict[str, list[str]] = {}
        for name, message in shown:
            messages.setdefault(name, []).append(message)
        for name, widget in self.inputs.items():
            found = messages.get(name)
            self._marker.mark(widget, "\n".join(found) if found else None)
        self.problems_label.setText("\n".join(f"• {message}" for _, message in shown))
        self.problems_label.setVisible(bool(shown))

    def _touch(self, name: str) -> None:
        if self._populating or not isValid(self.problems_label):
            return
        self._touched.add(name)
        self._refresh()

    # -- filling -----------------------------------------------------------------

    def _populate(self, draft: PersonDraft) -> None:
        self._populating = True
        try:
            for field in PERSON:
                write_field(
                    field, self.inputs[field.name], getattr(draft, field.name), self._catalog
                )
            for widget in self.inputs.values():
                if isinstance(widget, CodeComboBox):
                    show_start(widget)
        finally:
            self._populating = False
        self._loaded = copy.deepcopy(draft)
        self._touched.clear()
        self._all_touched = draft.uuid is not None
        self._show_title()
        self._show_trainings()
        self._history_stale = True
        self._refresh_history_if_shown()
        self._refresh()
        self._baseline = self._state()

    def _show_title(self) -> None:
        if self._uuid is None:
            self.setWindowTitle("New person")
        else:
            self.setWindowTitle(f"{self._loaded.full_name} (revision {self._revision})")

    def _show_trainings(self) -> None:
        if self._uuid is None:
            attended = []
        else:
            with self._ctx.engine.connect() as connection:
                attended = fetch_person_trainings(connection, self._uuid)
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

    def _focus(self, widget: QWidget | None) -> None:
        if widget is None:
            return
        self.tabs.setCurrentIndex(0)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- history -----------------------------------------------------------------

    def _refresh_history_if_shown(self) -> None:
        if self.tabs.currentWidget() is not self.history_view.parentWidget():
            return
        if self._uuid is None:
            self.history_view.clear_entries()
        elif self._history_stale:
            entries = [
                ChangeLogEntry(
                    record_kind=entry.record_kind,
                    record_uuid=entry.record_uuid,
                    revision=entry.revision,
                    action=entry.action,
                    field=entry.field
                    if entry.field in PERSON.names
                    else _history_label(entry.field),
                    old_value=entry.old_value,
                    new_value=entry.new_value,
                    changed_at=entry.changed_at,
                    changed_by=entry.changed_by,
                )
                for entry in history(self._ctx, self._uuid)
            ]
            self.history_view.show_entries(entries, self._catalog, PERSON, ENROLLMENT)
        self._history_stale = False

    # -- slots -------------------------------------------------------------------

    def _on_input_changed(self, *_args: object) -> None:
        self._refresh()

    def _on_code_combo_finished(self, name: str, combo: CodeComboBox) -> None:
        settle_code(combo)
        self._touch(name)

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._refresh_history_if_shown()


class SamePersonDialog(QDialog):
    """Lists the stored persons a new one may repeat; ``decision()`` after exec."""

    COLUMNS = ("Name (as on ID)", "Sex", "Agency", "Rank", "Province", "National ID")

    def __init__(
        self, matches: Sequence[PersonDraft], catalog: Catalog, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("This person may already be recorded")
        self._matches = list(matches)
        self._decision: tuple[str, str | None] = (CANCEL, None)
        intro = QLabel(
            "The directory already has a person with the same national ID (dashes "
            "ignored), or with the same name in the same agency. Open the existing record "
            "instead of adding the same officer twice?",
            self,
        )
        intro.setWordWrap(True)
        sexes = dict(SEX)
        self.table = QTableWidget(len(self._matches), len(self.COLUMNS), self)
        self.table.setAccessibleName("Persons already recorded")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, match in enumerate(self._matches):
            cells = (
                match.full_name or "",
                sexes.get(match.sex or "", ""),
                catalog.label("agencies", match.agency),
                match.rank or "",
                catalog.label("provinces", match.province),
                match.national_id or "",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.selectRow(0)
        buttons = QDialogButtonBox(self)
        self.open_button: QPushButton = buttons.addButton(
            "&Open existing", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.add_button: QPushButton = buttons.addButton(
            "&Add anyway", QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.cancel_button: QPushButton = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.table.doubleClicked.connect(self._on_open_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 260)

    def decision(self) -> tuple[str, str | None]:
        """("open", uuid), ("add", None) or ("cancel", None)."""
        return self._decision

    def reject(self) -> None:
        self._decision = (CANCEL, None)
        super().reject()

    def _on_open_button_clicked(self, *_args: object) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._decision = (OPEN, self._matches[rows[0].row()].uuid)
            self.accept()

    def _on_add_button_clicked(self) -> None:
        self._decision = (ADD, None)
        self.accept()
