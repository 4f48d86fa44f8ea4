"""A session's attendance as the form reads it: the visible grid's parts checked, and
the notes shown beside them (head counts, the Leahy vetting warning)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    TrainingDraft,
)
from inl_desktop.domain.errors import FieldError
from inl_desktop.domain.fields import SEX_NOT_RECORDED
from inl_desktop.domain.roster import roster_people_errors, unvetted_participants, vetting_text
from inl_desktop.domain.validation import validate_training
from inl_desktop.gui.common.record_form import Problem
from inl_desktop.gui.trainings.counts_grid import CountsView
from inl_desktop.gui.trainings.roster_grid import RosterView
from inl_desktop.services.records import new_uuid

ROSTER, COUNTS = "roster", "counts"
PART_NAMES = {ROSTER: "Participant", COUNTS: "Count"}
MAX_NAMES_WARNED = 8


@dataclass(frozen=True)
class GridReading:
    """What the visible grid holds, read and checked: its parts (enrollments or counts),
    the persons it creates, each part's grid row, the cells that could not be read,
    and the rules the parts break."""

    parts: list[EnrollmentDraft] | list[AttendanceCountDraft]
    new_people: list[PersonDraft]
    rows: list[int]
    unreadable: list[Problem]
    errors: list[Problem]


def problem_of(error: FieldError, rows: list[int], part: str) -> Problem:
    """A rule's error as a problem of the form: a part's row numbered as in the grid,
    and a participant's "person" shown on their name."""
    if error.row is None:
        return Problem(error.field, None, error.message)
    field = "full_name" if error.field == "person_uuid" else error.field
    return Problem(field, rows[error.row], error.message, part)


def read_grid(
    mode: str, roster: RosterView, counts: CountsView, catalog: Catalog, today: date
) -> GridReading:
    """Read the grid of ``mode`` and check its parts (the session's own fields aside)."""
    part = PART_NAMES[mode]
    parts_draft = TrainingDraft()
    new_people: list[PersonDraft] = []
    if mode == COUNTS:
        read_counts, grid_problems = counts.read()
        parts_draft.counts = [count for _, count in read_counts]
        rows = [row for row, _ in read_counts]
    else:
        enrollments, new_people, grid_problems = roster.read()
        parts_draft.enrollments = [enrollment for _, enrollment in enrollments]
        rows = [row for row, _ in enrollments]
    unreadable = [Problem(field, row, message, part) for row, field, message in grid_problems]
    # A draft holding only the parts breaks only the parts' rules.
    errors = [e for e in validate_training(parts_draft, catalog, today) if e.row is not None]
    if mode == ROSTER:
        people = {p.uuid: p for p in roster.stored_people() if p.uuid}
        people.update({p.uuid: p for p in new_people if p.uuid})
        new = {p.uuid for p in new_people if p.uuid}
        errors += roster_people_errors(parts_draft, people, new, catalog)
    keys = {problem.key for problem in unreadable}
    broken = [problem_of(error, rows, part) for error in errors]
    return GridReading(
        parts=parts_draft.counts if mode == COUNTS else parts_draft.enrollments,
        new_people=new_people,
        rows=rows,
        unreadable=unreadable,
        errors=[problem for problem in broken if problem.key not in keys],
    )


def roster_summary(draft: TrainingDraft, roster: RosterView) -> str:
    """ "14 participants: 3 women, 11 men; 12 completed"."""
    stored = {p.uuid: p.sex for p in roster.stored_people()}
    typed = {row.person_uuid: row.values.get("sex") for row in roster.rows() if row.new_person}
    sexes = [stored.get(e.person_uuid) or typed.get(e.person_uuid) for e in draft.enrollments]
    completed = sum(1 for e in draft.enrollments if e.completion == "completed")
    total = len(draft.enrollments)
    unknown = sexes.count(SEX_NOT_RECORDED)
    summary = (
        f"{total} participant{'s' if total != 1 else ''}: "
        f"{sexes.count('F')} women, {sexes.count('M')} men"
        + (f", {unknown} sex not recorded" if unknown else "")
    )
    return summary + (f"; {completed} completed" if completed else "")


def counts_summary(draft: TrainingDraft) -> str:
    """ "Enrolled 42 (12 women); completed 39", "Enrolled 42 (12 women, 5 sex not
    recorded); completed 39"."""
    enrolled = sum(c.enrolled or 0 for c in draft.counts)
    women = sum(c.enrolled or 0 for c in draft.counts if c.sex == "F")
    unknown = sum(c.enrolled or 0 for c in draft.counts if c.sex == SEX_NOT_RECORDED)
    shown = f"{women} women" + (f", {unknown} sex not recorded" if unknown else "")
    done = sum(c.completed or 0 for c in draft.counts)
    return f"Enrolled {enrolled} ({shown}); completed {done}"


def vetting_warning(draft: TrainingDraft, roster: RosterView) -> str:
    """The Leahy vetting warning for participants not approved ("" when none)."""
    unvetted = unvetted_participants(draft, roster.names())
    if not unvetted:
        return ""
    names = [f"{name} ({vetting_text(status)})" for _row, name, status in unvetted]
    listed = ", ".join(names[:MAX_NAMES_WARNED])
    if len(names) > MAX_NAMES_WARNED:
        listed += f" and {len(names) - MAX_NAMES_WARNED} more"
    return (
        f"Leahy vetting is not approved for {len(unvetted)} of the participants of this "
        f"US-funded session: {listed}. They may be enrolled, but should not attend until "
        "vetting is approved."
    )


def copied(draft: TrainingDraft) -> TrainingDraft:
    """A copy of ``draft`` whose parts may be changed apart (their values are immutable)."""
    return replace(
        draft,
        enrollments=[copy.copy(part) for part in draft.enrollments],
        counts=[copy.copy(part) for part in draft.counts],
    )


def with_part_uuids(
    draft: TrainingDraft, mode: str
) -> tuple[TrainingDraft, Sequence[EnrollmentDraft | AttendanceCountDraft]]:
    """``draft`` with a UUID for each new part of the grid of ``mode``, and those parts.

    New parts get their UUIDs before they are saved, so the form knows them without
    reading the session again.
    """
    if mode == ROSTER:
        enrollments = [copy.copy(part) for part in draft.enrollments]
        for enrollment in enrollments:
            enrollment.uuid = enrollment.uuid or new_uuid()
        return replace(draft, enrollments=enrollments), enrollments
    counts = [copy.copy(part) for part in draft.counts]
    for count in counts:
        count.uuid = count.uuid or new_uuid()
    return replace(draft, counts=counts), counts
