"""What the record editors (seizure form, training form, person dialog) do alike.

Each editor shows one record at a time: new, or loaded for correction. It remembers
the record as loaded, saved or started (the baseline), so that leaving with changes
asks first; it checks every edit at once and marks the fields the user has touched;
it shows the record's change history when that tab is opened; and it asks its
questions through the window's ``Prompts``. The editors differ in what a record is
made of and how its parts are edited; that stays in their own modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.errors import FieldError, UserError, ValidationFailed
from inl_desktop.domain.fields import FieldDef, FieldType
from inl_desktop.gui.common.history_view import HistoryView
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.record_form import (
    Marker,
    Problem,
    add_shortcuts,
    load_ui,
    read_field,
    settle_code,
    show_start,
    tidy_date,
    write_field,
)
from inl_desktop.gui.common.widgets import CodeComboBox, CodeListEdit
from inl_desktop.services.context import AppContext
from inl_desktop.services.records import Saved

W = TypeVar("W", bound=QObject)

# The mixin is a QWidget to the type checker; at run time the editor's own Qt class
# (QWidget or QDialog) is the only Qt base, as PySide wants.
if TYPE_CHECKING:
    _EditorBase = QWidget
else:
    _EditorBase = object


class RecordEditor(_EditorBase):
    """The record-keeping half of an editor; mixed in before its Qt class.

    A subclass sets the texts below, calls ``_build_editor`` first in its constructor
    (and shows a record last), and provides ``save``, ``_state``, ``_recheck``,
    ``_populate_loaded`` and ``_show_history``; a form that fills its page also
    ``new_record`` and ``_closed``.
    """

    RECORD_NAME = "record"  # "seizure": as messages name it
    WHAT = "This record"  # "This seizure": as the unsaved-changes question names it
    NEW_TITLE = "New record"
    TITLE = "Record"  # "Seizure (revision 3)"

    inputs: dict[str, QWidget]
    tabs: QTabWidget
    history_view: HistoryView
    problems_label: QLabel

    def _build_editor(
        self,
        ctx: AppContext,
        prompts: Prompts | None,
        ui_name: str,
        widget_classes: Iterable[type[QWidget]] = (),
    ) -> QWidget:
        """Load ``ui/<ui_name>.ui`` (its promoted ``widget_classes``, and the history
        view) to fill the editor; set up what every editor keeps."""
        self._ctx = ctx
        self._catalog: Catalog = ctx.catalog()
        self._prompts = prompts or Prompts()
        ui = load_ui(ui_name, self, (HistoryView, *widget_classes))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(ui)
        self.tabs = self._child(ui, QTabWidget, "tabs")
        self.history_view = self._child(ui, HistoryView, "historyTable")
        self.problems_label = self._child(ui, QLabel, "problemsLabel")
        self._uuid: str | None = None
        self._revision: int | None = None
        self._baseline: object = None
        self._touched: set[tuple[str, int | None]] = set()
        self._all_touched = False
        self._populating = False
        self._history_stale = True
        self._marker = Marker()
        return ui

    @staticmethod
    def _child(ui: QWidget, kind: type[W], name: str) -> W:
        """The widget or layout ``name`` of a loaded form (the .ui file must have it)."""
        found = ui.findChild(kind, name)
        assert found is not None, f"the form has no {kind.__name__} {name}"
        return found

    def _labelled_inputs(self, ui: QWidget) -> list[QLabel]:
        """The labels of the form whose buddy is one of its inputs."""
        inputs = set(self.inputs.values())
        return [
            label
            for label in ui.findChildren(QLabel)
            if label.buddy() is not None and label.buddy() in inputs
        ]

    def _field_of(self, widget: QWidget) -> str:
        """The field ``widget`` edits."""
        return next(name for name, found in self.inputs.items() if found is widget)

    def _fill_choices(self, fields: Iterable[FieldDef], blank: Sequence[str] = ()) -> None:
        """Offer each choice field its choices (with an empty first one for the fields
        in ``blank``: chosen, never assumed) and each code field its list."""
        for field in fields:
            widget = self.inputs[field.name]
            if field.type is FieldType.CHOICE:
                assert isinstance(widget, QComboBox)
                if field.name in blank:
                    widget.addItem("", None)
                for code, label in field.choices:
                    widget.addItem(label, code)
            elif isinstance(widget, CodeComboBox | CodeListEdit) and field.reference_list:
                widget.set_reference_list(self._catalog, field.reference_list)

    def _connect_inputs(self, fields: Iterable[FieldDef]) -> None:
        """Check the record as it is typed; mark a field once the user leaves it."""
        for field in fields:
            name, widget = field.name, self.inputs[field.name]
            if isinstance(widget, CodeComboBox):
                widget.editTextChanged.connect(self._on_input_changed)
                line = widget.lineEdit()
                assert line is not None  # a code list is typed into
                line.editingFinished.connect(
                    lambda n=name, w=widget: self._on_code_combo_finished(n, w)
                )
                widget.activated.connect(lambda _i, n=name: self._touch(n))
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i, n=name: self._touch(n))
            elif isinstance(widget, QPlainTextEdit):
                widget.textChanged.connect(lambda n=name: self._touch(n))
            elif isinstance(widget, QLineEdit):
                widget.textChanged.connect(self._on_input_changed)
                widget.editingFinished.connect(
                    lambda f=field, w=widget: self._on_line_edit_finished(f, w)
                )
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

    # -- what a subclass provides -------------------------------------------------

    def _state(self) -> object:
        """What the form shows, to compare with the baseline."""
        raise NotImplementedError

    def _recheck(self) -> None:
        """Check the record again and show its problems."""
        raise NotImplementedError

    def _populate_loaded(self) -> None:
        """Show the record as it was loaded, saved or started."""
        raise NotImplementedError

    def _show_history(self, uuid: str) -> None:
        """Fill the history tab with the change log of ``uuid``."""
        raise NotImplementedError

    def _commit_editing(self) -> None:
        """Finish an edit still open in a grid (none here)."""

    # -- the contract ------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        """Whether the form differs from the record as loaded, saved or started."""
        self._commit_editing()
        return self._state() != self._baseline

    def confirm_discard(self) -> bool:
        """Ask Save/Discard/Cancel when there are unsaved changes; True means go on.

        Discard puts the form back as it was loaded, saved or started.
        """
        if not self.has_unsaved_changes():
            return True
        answer = self._prompts.unsaved(self, self.WHAT)
        if answer == "save":
            return self.save()
        if answer == "discard":
            self._populate_loaded()
            return True
        return False

    def save(self) -> bool:
        """Save the record; False when it is refused or the user cancels."""
        raise NotImplementedError

    # -- reading and writing fields ------------------------------------------------

    def _read_inputs(
        self, fields: Iterable[FieldDef], record: object, skip: Sequence[str] = ()
    ) -> list[Problem]:
        """Set each field of ``record`` from its input (None for those in ``skip``);
        what could not be read."""
        problems: list[Problem] = []
        for field in fields:
            if field.name in skip:
                setattr(record, field.name, None)
                continue
            value, message = read_field(field, self.inputs[field.name])
            if message is not None:
                problems.append(Problem(field.name, None, message))
            setattr(record, field.name, value)
        return problems

    def _write_inputs(
        self, fields: Iterable[FieldDef], record: object, skip: Sequence[str] = ()
    ) -> None:
        """Show each field of ``record`` (but those in ``skip``) in its input."""
        for field in fields:
            if field.name not in skip:
                value = getattr(record, field.name)
                write_field(field, self.inputs[field.name], value, self._catalog)
        for widget in self.inputs.values():
            if isinstance(widget, CodeComboBox):
                show_start(widget)

    def _settle_codes(self) -> None:
        """Settle what was typed in code combos, as leaving each of them would."""
        for widget in self.inputs.values():
            if isinstance(widget, CodeComboBox):
                settle_code(widget)

    # -- the record shown ------------------------------------------------------------

    def _shown_afresh(self) -> None:
        """After a record is shown: nothing touched, the history to read again, and
        the record as shown is what unsaved changes are measured against."""
        self._show_title()
        self._touched.clear()
        self._all_touched = self._uuid is not None
        self._history_stale = True
        self._refresh_history_if_shown()
        self._refresh()
        self._baseline = self._state()

    def _stored_as(self, uuid: str, revision: int) -> None:
        """After a save: the record shown is stored as ``uuid`` at ``revision``."""
        self._uuid, self._revision = uuid, revision
        self._baseline = self._state()
        self._show_title()
        self._history_stale = True
        self._refresh_history_if_shown()

    def _show_title(self) -> None:
        if self._uuid is None:
            self.setWindowTitle(self.NEW_TITLE)
        else:
            self.setWindowTitle(f"{self.TITLE} (revision {self._revision})")

    def _focus(self, widget: QWidget | None) -> None:
        """Put the keyboard in ``widget``, on the first tab, in view."""
        if widget is None:
            return
        if self.tabs.currentIndex() != 0:
            self.tabs.setCurrentIndex(0)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self._reveal(widget)

    def _reveal(self, widget: QWidget) -> None:
        """Scroll ``widget`` into view (where the form scrolls)."""

    def _refused(self, messages: list[str], widget: QWidget | None) -> bool:
        """The record cannot be saved yet: say why and go to the first problem (False,
        for ``save`` to return)."""
        self._show_problems(messages)
        self._focus(widget)
        return False

    def _store(
        self,
        write: Callable[[], Saved | None],
        error_text: Callable[[FieldError], str] = str,
    ) -> Saved | None:
        """Run ``write`` (the questions a save asks, then the service's save). A record
        the service refuses, or that could not be written, is explained to the user and
        gives None, as does a question answered with Cancel."""
        try:
            return write()
        except ValidationFailed as error:
            self._show_problems([error_text(field_error) for field_error in error.errors])
        except UserError as error:
            self._show_error(str(error))
        return None

    def _show_problems(self, messages: list[str]) -> None:
        self._prompts.cannot_save(self, f"This {self.RECORD_NAME} cannot be saved yet", messages)

    def _show_error(self, message: str) -> None:
        self._prompts.warn(self, f"The {self.RECORD_NAME} was not saved", message)

    def _refresh(self) -> None:
        # Focus moves while a closed form's widgets are being deleted; nothing to show then.
        if self._populating or not isValid(self.problems_label):
            return
        self._recheck()

    def _touch(self, name: str, row: int | None = None) -> None:
        if self._populating or not isValid(self.problems_label):
            return
        self._touched.add((name, row))
        self._refresh()

    def _refresh_history_if_shown(self) -> None:
        if self.tabs.currentWidget() is not self.history_view.parentWidget():
            return
        if self._uuid is None:
            self.history_view.clear_entries()
        elif self._history_stale:
            self._show_history(self._uuid)
        self._history_stale = False

    # -- slots -------------------------------------------------------------------

    def _on_input_changed(self, *_args: object) -> None:
        self._refresh()

    def _on_line_edit_finished(self, field: FieldDef, edit: QLineEdit) -> None:
        if field.type is FieldType.DATE:
            tidy_date(field, edit)
        self._touch(field.name)

    def _on_code_combo_finished(self, name: str, combo: CodeComboBox) -> None:
        settle_code(combo)
        self._touch(name)

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._refresh_history_if_shown()

    # -- the keys and buttons of a form that fills its page ---------------------------

    def _add_form_keys(self, extra: Sequence[tuple[str, Callable[[], object]]] = ()) -> None:
        """Ctrl+N new, Ctrl+S save, Ctrl+Enter save and new, Esc leave; then ``extra``."""
        common: list[tuple[str, Callable[[], object]]] = [
            ("Ctrl+N", self._on_new_requested),
            ("Ctrl+S", self.save),
            ("Ctrl+Return", self.save_and_new),
            ("Ctrl+Enter", self.save_and_new),
            ("Esc", self._on_close_requested),
        ]
        add_shortcuts(self, [*common, *extra])

    def _connect_form_buttons(self, ui: QWidget) -> None:
        """Save, Save and new, New and Close, as the form's .ui names them."""
        for name, slot in (
            ("saveButton", self.save),
            ("saveAndNewButton", self.save_and_new),
            ("newButton", self._on_new_requested),
            ("closeButton", self._on_close_requested),
        ):
            self._child(ui, QPushButton, name).clicked.connect(slot)

    def new_record(self) -> None:
        """Start an empty record."""
        raise NotImplementedError

    def save_and_new(self) -> bool:
        """Save, then start the next record of the batch (see ``_next_record``)."""
        if not self.save():
            return False
        self._next_record()
        return True

    def _next_record(self) -> None:
        """Start the record that follows one just saved."""
        self.new_record()

    def _on_new_requested(self) -> None:
        if self.confirm_discard():
            self.new_record()

    def _on_close_requested(self) -> None:
        if self._close_popup():
            return
        if self.confirm_discard():
            self._closed()

    def _closed(self) -> None:
        """Tell the page the form is done with (it emits its ``closed`` signal)."""
        raise NotImplementedError

    def _close_popup(self) -> bool:
        """Close an open completion list (Esc closes the list, not the form); whether
        there was one."""
        popup = QApplication.activePopupWidget()
        if popup is None:
            return False
        popup.close()
        return True
