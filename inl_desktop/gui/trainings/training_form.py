"""The training session form: a course session with its roster of participants or counts.

Keyboard first, as the seizure form: Ctrl+N new, Ctrl+S save, Ctrl+Enter save and
start the next session with the same topic, provider, venue and dates, Esc leave
(asking about unsaved changes), Insert add a row, Ctrl+Delete remove the current
row, F4 pick a participant from the people directory, Ctrl+V in the roster paste
rows copied from a spreadsheet. Every edit is checked by the domain rules at once;
saving an invalid session lists its problems and writes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from inl_desktop.domain.drafts import (
    PersonDraft,
    TrainingDraft,
)
from inl_desktop.domain.errors import FieldError
from inl_desktop.domain.fields import ATTENDANCE_COUNT, ENROLLMENT, TRAINING
from inl_desktop.domain.validation import validate_training
from inl_desktop.gui.common.part_grid import GridRow
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.record_form import (
    INVALID_STYLE,
    Problem,
    field_inputs,
    label_inputs,
    set_tab_order,
    show_problem_lines,
    show_start,
    tab_stops,
)
from inl_desktop.gui.common.widgets import CodeComboBox
from inl_desktop.gui.people.person_picker import PersonPicker
from inl_desktop.gui.trainings.attendance_check import (
    COUNTS,
    PART_NAMES,
    ROSTER,
    GridReading,
    copied,
    counts_summary,
    problem_of,
    read_grid,
    roster_summary,
    vetting_warning,
    with_part_uuids,
)
from inl_desktop.gui.trainings.counts_grid import CountsView
from inl_desktop.gui.trainings.participant_actions import ParticipantActions
from inl_desktop.gui.trainings.roster_grid import RosterView
from inl_desktop.services.context import AppContext
from inl_desktop.services.history import record_history
from inl_desktop.services.rosters import (
    load_session,
    person_names,
    save_session_with_roster,
)

# What save-and-new carries over to the next session of the same batch.
KEPT_FIELDS = (
    "topic",
    "provider",
    "venue_type",
    "location",
    "venue_country",
    "start_date",
    "end_date",
    "funding_program",
    "training_status",
    "attendance_mode",
    "status",
)
ADD_ROW_TEXT = {ROSTER: "Add participant", COUNTS: "Add count"}
HISTORY_PARTS = {"enrollments": ("Participant", ENROLLMENT), "counts": ("Count", ATTENDANCE_COUNT)}
GRID_ORDER = 10_000
TRAINING_STYLE = """
QLabel#vettingWarning { color: #8a4b00; background: #fff6e0; padding: 3px; }
QLabel#pasteReport { padding: 3px; }
QLabel#pasteReport[flagged="true"] { color: #b00020; font-style: normal; }
"""


class TrainingForm(ParticipantActions, QWidget):
    """Enter a new training session or correct a stored one."""

    record_saved = Signal(str)
    closed = Signal()

    RECORD_NAME = "session"
    WHAT = "This training session"
    NEW_TITLE = "New training session"
    TITLE = "Training session"

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        ui = self._build_editor(ctx, prompts, "training_form", (RosterView, CountsView))
        self.setWindowTitle(ui.windowTitle())
        self.setStyleSheet(INVALID_STYLE + TRAINING_STYLE)
        self.roster_grid = self._child(ui, RosterView, "rosterGrid")
        self.counts_grid = self._child(ui, CountsView, "countsGrid")
        self.vetting_label = self._child(ui, QLabel, "vettingWarning")
        self.paste_report_label = self._child(ui, QLabel, "pasteReport")
        self.summary_label = self._child(ui, QLabel, "summaryLabel")
        self._stack = self._child(ui, QStackedWidget, "attendanceStack")
        self.buttons = {button.objectName(): button for button in ui.findChildren(QPushButton)}
        self.inputs = field_inputs(ui, (self.roster_grid, self.counts_grid))
        missing = set(TRAINING.names) - set(self.inputs)
        assert not missing, f"ui/training_form.ui has no input for {sorted(missing)}"
        self.picker: PersonPicker | None = None
        self._mode = ROSTER
        self._loaded = TrainingDraft()
        self._loaded_people: dict[str, PersonDraft] = {}
        self._problems: list[Problem] = []
        self._last_draft = TrainingDraft()
        self._grid_cache: tuple[tuple[str, int], GridReading] | None = None
        self._confirmed_new: set[str] = set()
        self._tab_stops = tab_stops(ui, "training_form")
        set_tab_order(self._tab_stops)
        self._label_fields(ui)
        chain = self._tab_stops
        self._input_order = {w: chain.index(w) for w in self.inputs.values() if w in chain}
        self._fill_choices(TRAINING)
        self.roster_grid.set_catalog(self._catalog)
        self.counts_grid.set_catalog(self._catalog)
        self._connect_inputs(TRAINING)
        self._connect_grids()
        self._connect_form_buttons(ui)
        self._connect_participant_buttons()
        self._add_form_keys(
            (
                ("Insert", self._on_add_row_requested),
                ("Ctrl+Delete", self._on_remove_row_requested),
                ("F4", self._on_pick_requested),
            )
        )
        self.new_record()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self._on_window_activated()

    # -- building ----------------------------------------------------------------

    def _label_fields(self, ui: QWidget) -> None:
        """Labels and accessible names from the field definitions, with mnemonics;
        the participants' buttons get the letters left."""
        chain = self._tab_stops
        labels = self._labelled_inputs(ui)
        labels.sort(key=lambda label: chain.index(label.buddy()))
        texts = [(label, TRAINING[self._field_of(label.buddy())].label) for label in labels]
        buttons = [
            (self.buttons[name], self.buttons[name].text())
            for name in ("addRowButton", "pickButton", "pasteButton", "removeRowButton")
        ]
        label_inputs(texts, buttons=buttons)

    def _connect_grids(self) -> None:
        mode = self.inputs["attendance_mode"]
        assert isinstance(mode, QComboBox)
        mode.currentIndexChanged.connect(self._on_attendance_mode_changed)
        self._code_combo("venue_type").code_changed.connect(self._on_venue_type_changed)
        for grid in (self.roster_grid, self.counts_grid):
            model = grid.part_model
            assert model is not None
            model.cell_edited.connect(self._on_grid_cell_edited)
            model.rowsInserted.connect(self._on_input_changed)
            model.rowsRemoved.connect(self._on_input_changed)
            model.modelReset.connect(self._on_input_changed)
        self.roster_grid.paste_requested.connect(self._on_paste_requested)

    def _connect_participant_buttons(self) -> None:
        self.buttons["addRowButton"].clicked.connect(self._on_add_row_requested)
        self.buttons["pickButton"].clicked.connect(self._on_pick_requested)
        self.buttons["pasteButton"].clicked.connect(self._on_paste_requested)
        self.buttons["removeRowButton"].clicked.connect(self._on_remove_row_requested)

    def _code_combo(self, name: str) -> CodeComboBox:
        widget = self.inputs[name]
        assert isinstance(widget, CodeComboBox)
        return widget

    # -- the contract ------------------------------------------------------------

    def new_record(self, keep_from: TrainingDraft | None = None) -> None:
        """Start an empty session, or the next one of a batch with ``keep_from``'s
        topic, provider, venue, dates, funding program and statuses."""
        draft = TrainingDraft()
        if keep_from is not None:
            for name in KEPT_FIELDS:
                setattr(draft, name, copy.copy(getattr(keep_from, name)))
        self._uuid = self._revision = None
        self._populate(draft, {})
        self._focus(self.inputs["title"])

    def open_record(self, uuid: str) -> None:
        """Show the stored session ``uuid`` for correction.

        Raises RecordNotFound (a UserError) when there is none; the form is then
        left as it was.
        """
        loaded = load_session(self._ctx, uuid)
        self._uuid, self._revision = loaded.draft.uuid, loaded.draft.revision
        self._populate(loaded.draft, loaded.people)
        self._focus(self.inputs["title"])

    def save(self) -> bool:
        """Save the session (and create its new participants); False when refused."""
        self._commit_editing()
        self._all_touched = True
        self._settle_codes()
        draft, new_people, rows = self._check()
        self._show_marks()
        if not self._problems and new_people:
            if not self._resolve_new_people(new_people):
                return False
            draft, new_people, rows = self._check()
            self._show_marks()
        if self._problems:
            self._show_problems([problem.text for problem in self._problems])
            self._focus_problem(self._problems[0])
            return False
        grid = self._grid()
        draft, parts = with_part_uuids(draft, self._mode)
        saved = self._store(
            lambda: save_session_with_roster(self._ctx, copied(draft), new_people),
            lambda error: self._error_text(error, rows),
        )
        if saved is None:
            return False
        grid_rows: Sequence[GridRow] = grid.rows()
        for row, part in zip(rows, parts, strict=True):
            grid_rows[row].uuid = part.uuid
        created = {person.uuid: person for person in new_people}
        for row in rows if self._mode == ROSTER else ():
            person = created.get(grid_rows[row].person_uuid)
            if person is not None:
                self.roster_grid.became_stored(row, person)
        draft.uuid, draft.revision = saved.uuid, saved.revision
        assert grid.part_model is not None
        # What the grid now reads as: the parts just saved, no one left to create.
        self._grid_cache = (
            (self._mode, grid.part_model.version),
            GridReading(list(parts), [], rows, [], []),  # type: ignore[arg-type]
        )
        self._loaded = copied(draft)
        self._loaded_people = {p.uuid: p for p in self.roster_grid.stored_people() if p.uuid}
        self._show_paste_report([], False)
        self._stored_as(saved.uuid, saved.revision)
        self._refresh()
        self.record_saved.emit(saved.uuid)
        return True

    def _next_record(self) -> None:
        """The next session keeps topic, provider, venue and dates."""
        self.new_record(keep_from=self._loaded)

    def _closed(self) -> None:
        self.closed.emit()

    def _populate_loaded(self) -> None:
        self._populate(self._loaded, self._loaded_people)

    # -- reading and checking ----------------------------------------------------

    def _grid(self) -> RosterView | CountsView:
        return self.roster_grid if self._mode == ROSTER else self.counts_grid

    def _read(self) -> tuple[TrainingDraft, list[PersonDraft], list[Problem], list[int]]:
        """The draft in the form, the persons it creates, what could not be read, and
        each part's grid row."""
        draft = TrainingDraft(uuid=self._uuid, revision=self._revision)
        problems = self._read_inputs(TRAINING, draft)
        reading = self._grid_reading()
        if self._mode == COUNTS:
            draft.counts = list(reading.parts)  # type: ignore[arg-type]
        else:
            draft.enrollments = list(reading.parts)  # type: ignore[arg-type]
        return draft, list(reading.new_people), problems + reading.unreadable, reading.rows

    def _grid_reading(self) -> GridReading:
        """The visible grid read and checked, kept until its content changes (typing in
        a session field does not read 300 participants again)."""
        grid = self._grid()
        assert grid.part_model is not None
        key = (self._mode, grid.part_model.version)
        if self._grid_cache is None or self._grid_cache[0] != key:
            reading = read_grid(
                self._mode, self.roster_grid, self.counts_grid, self._catalog, self._ctx.today()
            )
            self._grid_cache = (key, reading)
        return self._grid_cache[1]

    def _check(self) -> tuple[TrainingDraft, list[PersonDraft], list[int]]:
        """Read the form and find every problem (kept in ``_problems``, in form order)."""
        draft, new_people, problems, rows = self._read()
        unreadable = {problem.key for problem in problems}
        session_only = replace(draft, enrollments=[], counts=[])
        for error in validate_training(session_only, self._catalog, self._ctx.today()):
            problem = problem_of(error, rows, PART_NAMES[self._mode])
            if problem.key not in unreadable:
                problems.append(problem)
        problems += self._grid_reading().errors
        problems.sort(key=self._position)
        self._problems = problems
        self._last_draft = draft
        return draft, new_people, rows

    def _error_text(self, error: FieldError, rows: list[int]) -> str:
        """A service's message about a part, numbered as the grid's row."""
        if error.row is None or error.row >= len(rows):
            return str(error)
        return problem_of(error, rows, PART_NAMES[self._mode]).text

    def _position(self, problem: Problem) -> tuple[int, int]:
        if problem.row is None:
            widget = self.inputs.get(problem.field)
            return (GRID_ORDER if widget is None else self._input_order.get(widget, GRID_ORDER), 0)
        model = self._grid().part_model
        assert model is not None
        column = model.column_of(problem.field) if model.has_column(problem.field) else 0
        return (GRID_ORDER + problem.row, column)

    def _commit_editing(self) -> None:
        for grid in (self.roster_grid, self.counts_grid):
            grid.commit_editing()

    def _state(self) -> object:
        draft, new_people, problems, _rows = self._read()
        return draft, new_people, tuple(problem.text for problem in problems)

    # -- showing problems and notes ---------------------------------------------

    def _recheck(self) -> None:
        self._check()
        self._show_marks()

    def _is_shown(self, problem: Problem) -> bool:
        if self._all_touched:
            return True
        if problem.row is None:
            return (problem.field, None) in self._touched
        rows = self._grid().rows()
        return problem.row < len(rows) and problem.field in rows[problem.row].touched

    def _show_marks(self) -> None:
        """Mark the touched fields and cells that have problems; list their messages."""
        shown = [problem for problem in self._problems if self._is_shown(problem)]
        messages: dict[QWidget, list[str]] = {}
        cells: dict[tuple[int, str], list[str]] = {}
        for problem in shown:
            if problem.row is None:
                widget = self.inputs.get(problem.field)
                if widget is not None:
                    messages.setdefault(widget, []).append(problem.message)
            else:
                cells.setdefault((problem.row, problem.field), []).append(problem.message)
        widgets = set(self.inputs.values())
        self._marker.forget(widgets)
        for widget in widgets:
            found = messages.get(widget)
            self._marker.mark(widget, "\n".join(found) if found else None)
        other = self.counts_grid if self._mode == ROSTER else self.roster_grid
        shown_model = self._grid().part_model
        assert other.part_model is not None and shown_model is not None
        other.part_model.set_problems({})
        shown_model.set_problems({key: "\n".join(found) for key, found in cells.items()})
        show_problem_lines(self.problems_label, [problem.text for problem in shown])
        self._show_attendance_notes(self._last_draft)

    def _show_attendance_notes(self, draft: TrainingDraft) -> None:
        """The participants' summary, and the Leahy vetting warning."""
        if self._mode == ROSTER:
            self.summary_label.setText(roster_summary(draft, self.roster_grid))
            warning = vetting_warning(draft, self.roster_grid)
        else:
            self.summary_label.setText(counts_summary(draft))
            warning = ""
        self.vetting_label.setText(warning)
        self.vetting_label.setVisible(bool(warning))

    # -- filling -----------------------------------------------------------------

    def _populate(self, draft: TrainingDraft, people: dict[str, PersonDraft]) -> None:
        """Show ``draft``; it becomes what unsaved changes are measured against."""
        self._populating = True
        try:
            self._write_inputs(TRAINING, draft)
            self.roster_grid.set_roster(draft.enrollments, people)
            self.counts_grid.set_counts(draft.counts)
            self._show_mode()
            self._show_paste_report([], False)
        finally:
            self._populating = False
        self._loaded = copied(draft)
        self._loaded_people = dict(people)
        self._confirmed_new.clear()
        self._shown_afresh()

    def _show_mode(self) -> None:
        mode = self.inputs["attendance_mode"]
        assert isinstance(mode, QComboBox)
        self._mode = COUNTS if mode.currentData() == COUNTS else ROSTER
        page = self._grid().parentWidget()
        assert page is not None
        self._stack.setCurrentWidget(page)
        for name in ("pickButton", "pasteButton"):
            self.buttons[name].setVisible(self._mode == ROSTER)
        add = self.buttons["addRowButton"]
        text = ADD_ROW_TEXT[self._mode]
        if add.accessibleName() != text:
            add.setText(text)
            add.setAccessibleName(text)
        if self._mode != ROSTER:
            self.vetting_label.hide()
            self.paste_report_label.hide()

    def _focus_problem(self, problem: Problem) -> None:
        if problem.row is None:
            self._focus(self.inputs.get(problem.field))
            return
        grid = self._grid()
        assert grid.part_model is not None
        if self.tabs.currentIndex() != 0:
            self.tabs.setCurrentIndex(0)
        if grid.part_model.has_column(problem.field) and problem.row < len(grid.rows()):
            grid.edit_cell(problem.row, problem.field)

    # -- history -----------------------------------------------------------------

    def _show_history(self, uuid: str) -> None:
        entries = record_history(self._ctx, uuid)
        names = self.roster_grid.names()
        logged = {
            value
            for entry in entries
            if entry.field and entry.field.endswith(".person")
            for value in (entry.old_value, entry.new_value)
            if value and value not in names
        }
        names.update(person_names(self._ctx, logged))
        self.history_view.show_entries(
            entries, self._catalog, TRAINING, ENROLLMENT, parts=HISTORY_PARTS, names=names
        )

    # -- slots -------------------------------------------------------------------

    def _on_grid_cell_edited(self, _row: int, _field: str) -> None:
        self._refresh()

    def _on_venue_type_changed(self, venue: str | None) -> None:
        """A venue in the country or the United States says the venue country."""
        country = self._code_combo("venue_country")
        if self._populating or country.code() is not None or country.typed_text():
            return
        post = self._ctx.post_or_none()
        code = {"IN_COUNTRY": post.country if post else None, "UNITED_STATES": "US"}.get(
            venue or ""
        )
        if code is not None and self._catalog.has("countries", code):
            country.set_code(code)
            show_start(country)
