"""What the training form does with its participants: add and remove rows, pick a
person from the directory, paste a roster, switch between a roster and counts, and
ask about new persons who may be on file already.

A mixin of TrainingForm (it uses the form's grids, buttons and questions); kept
apart so the form's module stays about the record as a whole.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel

from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.gui.common.editor_base import RecordEditor
from inl_desktop.gui.people.person_picker import PersonPicker
from inl_desktop.gui.trainings.attendance_check import ROSTER
from inl_desktop.gui.trainings.counts_grid import CountsView
from inl_desktop.gui.trainings.roster_grid import RosterView
from inl_desktop.gui.trainings.roster_paste import paste_roster
from inl_desktop.services import persons as person_service
from inl_desktop.services.rosters import search_directory


class ParticipantActions(RecordEditor):
    """The participants' keys and buttons of TrainingForm (Insert, Ctrl+Delete, F4,
    Ctrl+V) and the attendance mode switch."""

    # The cell to open once the window is active again (after the picker).
    _cell_on_activation: tuple[RosterView | CountsView, int, str] | None = None

    # What the form has (see TrainingForm).
    roster_grid: RosterView
    counts_grid: CountsView
    paste_report_label: QLabel
    picker: PersonPicker | None
    _mode: str
    _confirmed_new: set[str]

    def _grid(self) -> RosterView | CountsView:
        """The grid of the attendance mode shown."""
        raise NotImplementedError

    def _show_mode(self) -> None:
        """Show the grid and buttons of the attendance mode chosen."""
        raise NotImplementedError

    def _show_paste_report(self, lines: list[str], flagged: bool) -> None:
        """Say what a paste added and which rows it left out, under the roster."""
        label = self.paste_report_label
        label.setText("\n".join(lines))
        label.setProperty("flagged", flagged)
        label.style().unpolish(label)
        label.style().polish(label)
        label.setVisible(bool(lines))

    def _resolve_new_people(self, new_people: list[PersonDraft]) -> bool:
        """Ask about each new person who may be in the directory already; False: cancel."""
        for person in new_people:
            if person.uuid in self._confirmed_new or not person.full_name:
                continue
            candidates = [
                c
                for c in person_service.find_same_person(self._ctx, person)
                if c.uuid != person.uuid
            ]
            if not candidates:
                continue
            decision, uuid = self._prompts.same_participant(self, self._catalog, person, candidates)
            if decision == "cancel":
                return False
            row = self.roster_grid.row_of_person(person.uuid or "")
            chosen = next((c for c in candidates if c.uuid == uuid), None)
            if decision == "use" and chosen is not None and row is not None:
                self.roster_grid.add_person(chosen, at=row)
            elif decision == "new" and person.uuid is not None:
                self._confirmed_new.add(person.uuid)
        return True

    def _on_attendance_mode_changed(self, _index: int) -> None:
        if self._populating:
            return
        mode = self.inputs["attendance_mode"]
        assert isinstance(mode, QComboBox)
        wanted = mode.currentData()
        if wanted == self._mode:
            return
        self._commit_editing()
        if self._mode == ROSTER:
            filled = sum(1 for row in self.roster_grid.rows() if not row.is_blank())
            message = (
                f"Recording attendance as counts discards the roster of {filled} "
                f"participant{'s' if filled != 1 else ''} in this session. Switch to counts?"
            )
        else:
            filled = sum(1 for row in self.counts_grid.rows() if not row.is_blank())
            message = (
                f"Recording attendance as a roster discards the {filled} "
                f"count{'s' if filled != 1 else ''} in this session. Switch to a roster?"
            )
        if filled and not self._prompts.yes_no(self, "Switch attendance", message):
            mode.blockSignals(True)
            mode.setCurrentIndex(mode.findData(self._mode))
            mode.blockSignals(False)
            return
        self._populating = True
        try:
            if self._mode == ROSTER:
                self.roster_grid.set_roster([], {})
            else:
                self.counts_grid.set_counts([])
            self._show_mode()
        finally:
            self._populating = False
        self._touch("attendance_mode")

    def _on_add_row_requested(self) -> None:
        self._commit_editing()
        if self._mode == ROSTER:
            row = self.roster_grid.add_new_person()
            self._focus_cell(self.roster_grid, row, "full_name")
        else:
            row = self.counts_grid.add_row()
            self._focus_cell(self.counts_grid, row, "audience")

    def _on_remove_row_requested(self) -> None:
        grid = self._grid()
        row = grid.current_row()
        if row is None or row >= len(grid.rows()):
            return
        column = max(grid.currentIndex().column(), 0)
        grid.commit_editing()
        grid.remove_row(row)
        left = len(grid.rows())
        if left:
            grid.setCurrentIndex(grid.model().index(min(row, left - 1), column))
        grid.setFocus(Qt.FocusReason.OtherFocusReason)

    def _focus_cell(self, grid: RosterView | CountsView, row: int, field: str) -> None:
        if self.tabs.currentIndex() != 0:
            self.tabs.setCurrentIndex(0)
        grid.edit_cell(row, field)
        if not grid.isActiveWindow():
            # Back from the picker the window is not active yet; when the window
            # system gives it back, the keyboard goes to this cell, not wherever
            # Qt would put it.
            self._cell_on_activation = (grid, row, field)

    def _on_window_activated(self) -> None:
        """The window is active again: open the cell chosen while it was not."""
        pending, self._cell_on_activation = self._cell_on_activation, None
        if pending is None:
            return
        grid, row, field = pending
        editor = grid.editor()
        if editor is not None:
            editor.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        elif row < len(grid.rows()):
            grid.edit_cell(row, field)

    def _on_pick_requested(self) -> None:
        if self._mode != ROSTER:
            return
        self._commit_editing()
        at = self.roster_grid.current_row()
        text = ""
        if at is not None and at < len(self.roster_grid.rows()):
            if self.roster_grid.is_open_for_a_person(at):
                text = self.roster_grid.rows()[at].values.get("full_name") or ""
            else:
                at = None
        picker = PersonPicker(
            lambda typed: search_directory(self._ctx, typed), self._catalog, self, text=text
        )
        picker.person_chosen.connect(lambda person: self._on_picker_person_chosen(person, at))
        picker.new_person_requested.connect(lambda name: self._on_picker_new_person(name, at))
        picker.rejected.connect(self._back_from_picker)
        picker.finished.connect(picker.deleteLater)
        self.picker = picker
        picker.open()

    def _on_picker_person_chosen(self, person: PersonDraft, at: int | None) -> None:
        self._back_from_picker()
        enrolled = self.roster_grid.row_of_person(person.uuid or "")
        if enrolled is not None:
            self._show_paste_report(
                [f"{person.full_name} is participant {enrolled + 1} already."], False
            )
            self._focus_cell(self.roster_grid, enrolled, "audience")
            return
        if at is not None and (
            at >= len(self.roster_grid.rows()) or not (self.roster_grid.is_open_for_a_person(at))
        ):
            at = None
        row = self.roster_grid.add_person(person, at)
        self._refresh()
        self._focus_cell(self.roster_grid, row, "audience")

    def _on_picker_new_person(self, name: str, at: int | None) -> None:
        self._back_from_picker()
        rows = self.roster_grid.rows()
        if at is None or at >= len(rows) or not self.roster_grid.is_open_for_a_person(at):
            at = self.roster_grid.add_new_person()
        index = self.roster_grid.model().index(at, 0)
        if name:
            self.roster_grid.model().setData(index, name)
        self._focus_cell(self.roster_grid, at, "sex" if name else "full_name")

    def _back_from_picker(self) -> None:
        self.picker = None
        # Not every window system gives the keyboard back to the form by itself.
        self.window().activateWindow()

    def _on_paste_requested(self) -> None:
        if self._mode != ROSTER:
            return
        self._commit_editing()
        text = QApplication.clipboard().text()
        report = paste_roster(self._ctx, self._catalog, self.roster_grid, text)
        self._show_paste_report(report.lines, report.rows_left_out)
        self._refresh()
        if report.first_added is not None:
            self._focus_cell(self.roster_grid, report.first_added, "audience")
