"""Training rows grouped into the sessions they name: several rows may name one
session (a row per participant, or per unit with its counts and costs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from inl_desktop.domain.drafts import AttendanceCountDraft, TrainingDraft
from inl_desktop.domain.fields import TRAINING
from inl_desktop.domain.roster import fold
from inl_desktop.services.importing.outcomes import (
    READY,
    REJECTED,
    PlannedRow,
    RosterRow,
    RowProblem,
)

# Fields whose amounts add up when several rows name one session (a row per student
# unit, each with its cost); any other field must be the same on every row.
ADDED_UP = ("cost_instruction", "cost_participant", "cost_travel")
_SESSION_IDENTITY = ("title", "start_date", "end_date", "venue_type", "location", "venue_country")


def session_of(record: Any, values: dict[str, Any]) -> tuple[Any, ...]:
    """What makes rows name the same session: the mapped session key, else the title,
    dates and venue."""
    draft = record.session if isinstance(record, RosterRow) else record
    key_text = values.get("session_key")
    if key_text:
        key: tuple[Any, ...] = ("key", fold(str(key_text)))
    else:
        key = ("session", *(_identity_part(getattr(draft, name)) for name in _SESSION_IDENTITY))
    if isinstance(record, RosterRow):
        record.session_key = key
    return key


def _identity_part(value: Any) -> Any:
    return fold(value) if isinstance(value, str) else value


def session_draft(row: PlannedRow) -> TrainingDraft:
    record = row.record
    return record.session if isinstance(record, RosterRow) else record


def group_sessions(rows: list[PlannedRow]) -> int:
    """Group the ready training rows by the session they name; a row that names a
    session already named above with another value in one of its fields is refused.
    Returns how many sessions the ready rows name."""
    first: dict[tuple[Any, ...], PlannedRow] = {}
    for row in rows:
        if row.outcome != READY or row.session is None:
            continue
        earlier = first.get(row.session)
        if earlier is None:
            first[row.session] = row
            continue
        differs = _session_difference(session_draft(earlier), session_draft(row))
        if differs is not None:
            label, theirs, ours = differs
            message = (
                f"names the session of row {earlier.number} with another {label} "
                f"({theirs!r} there, {ours!r} here)"
            )
            row.outcome, row.problems = REJECTED, [RowProblem(row.number, label, message)]
    return len(first)


def _session_difference(first: TrainingDraft, other: TrainingDraft) -> tuple[str, str, str] | None:
    for definition in TRAINING:
        name = definition.name
        if name in ADDED_UP or name in ("attendance_mode", "status"):
            continue
        theirs, ours = getattr(first, name), getattr(other, name)
        if _identity_part(theirs) != _identity_part(ours):
            return definition.label, _shown(theirs), _shown(ours)
    return None


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def add_counts(draft: TrainingDraft, counts: Sequence[AttendanceCountDraft]) -> None:
    """Add a row's counts to a session's, by audience and sex."""
    for count in counts:
        same = next(
            (c for c in draft.counts if (c.audience, c.sex) == (count.audience, count.sex)), None
        )
        if same is None:
            draft.counts.append(replace(count))
        else:
            same.enrolled = (same.enrolled or 0) + (count.enrolled or 0)
            same.completed = (same.completed or 0) + (count.completed or 0)


def add_amounts(draft: TrainingDraft, other: TrainingDraft) -> None:
    for name in ADDED_UP:
        amount = getattr(other, name)
        if amount is not None:
            setattr(draft, name, (getattr(draft, name) or 0) + amount)
