"""Record, correct, delete and restore training sessions with rosters or counts.

The session row is an ORM object; its parts (enrollments, counts) are read and
written as table rows: read once, compared with the draft, and only what changed
is deleted, updated or inserted. A session of 300 participants thus opens and
saves in milliseconds instead of building and diffing 300 ORM objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from inl_desktop.domain.drafts import AttendanceCountDraft, EnrollmentDraft, TrainingDraft
from inl_desktop.domain.errors import FieldError, ValidationFailed
from inl_desktop.domain.fields import ATTENDANCE_COUNT, ENROLLMENT, TRAINING
from inl_desktop.domain.validation import validate_training
from inl_desktop.services.context import AppContext
from inl_desktop.services.records import (
    Saved,
    find_record,
    log_changes,
    mark_deleted,
    new_uuid,
    snapshot,
    start_save,
)
from inl_desktop.store.models import AttendanceCount, Enrollment, Person, TrainingSession

KIND = "training"
_FIELDS = tuple(f.name for f in TRAINING if f.name != "status")
_ENROLLMENT_FIELDS = ENROLLMENT.names
_COUNT_FIELDS = ATTENDANCE_COUNT.names
_ENROLLMENTS = Enrollment.__table__
_COUNTS = AttendanceCount.__table__
_PERSONS = Person.__table__
# A stored part as read (a SQLAlchemy Row: columns as attributes).
StoredRow = Any
StoredRows = Sequence[StoredRow]


def load_row(session: Session, uuid: str) -> TrainingSession:
    """The stored session row (deleted ones included) or RecordNotFound."""
    return find_record(session, TrainingSession, uuid, "training session")


def _stored_parts(session: Session, session_id: int) -> tuple[StoredRows, StoredRows]:
    """The session's enrollments (with their person's UUID) and counts, in order."""
    e = _ENROLLMENTS.c
    enrollments = session.execute(
        select(
            e.id,
            e.uuid,
            e.position,
            e.person_id,
            *(e[name] for name in _ENROLLMENT_FIELDS),
            _PERSONS.c.uuid.label("person_uuid"),
        )
        .join(_PERSONS, _PERSONS.c.id == e.person_id)
        .where(e.session_id == session_id)
        .order_by(e.position, e.id)
    ).all()
    c = _COUNTS.c
    counts = session.execute(
        select(c.id, c.uuid, c.position, *(c[name] for name in _COUNT_FIELDS))
        .where(c.session_id == session_id)
        .order_by(c.position, c.id)
    ).all()
    return enrollments, counts


def _draft(row: TrainingSession, enrollments: StoredRows, counts: StoredRows) -> TrainingDraft:
    draft = TrainingDraft(status=row.status, uuid=row.uuid, revision=row.revision)
    for name in _FIELDS:
        setattr(draft, name, getattr(row, name))
    for stored in enrollments:
        part = EnrollmentDraft(person_uuid=stored.person_uuid, uuid=stored.uuid)
        for name in _ENROLLMENT_FIELDS:
            setattr(part, name, getattr(stored, name))
        draft.enrollments.append(part)
    for stored in counts:
        count = AttendanceCountDraft(uuid=stored.uuid)
        for name in _COUNT_FIELDS:
            setattr(count, name, getattr(stored, name))
        draft.counts.append(count)
    return draft


def read_draft(session: Session, row: TrainingSession) -> TrainingDraft:
    """A stored session as a draft, roster and counts included."""
    return _draft(row, *_stored_parts(session, row.id))


def load_training(ctx: AppContext, uuid: str) -> TrainingDraft:
    """The stored session as a draft to edit."""
    with ctx.sessions() as session:
        return read_draft(session, load_row(session, uuid))


def _snapshot(draft: TrainingDraft) -> dict[str, str]:
    values = snapshot(
        TRAINING,
        draft,
        {
            "enrollments": (ENROLLMENT, draft.enrollments),
            "counts": (ATTENDANCE_COUNT, draft.counts),
        },
    )
    for row, enrollment in enumerate(draft.enrollments, start=1):
        values[f"enrollments[{row}].person"] = enrollment.person_uuid or ""
    return values


def _matches(parts: Sequence[EnrollmentDraft], stored: StoredRows) -> list[StoredRow | None]:
    """The stored enrollment each part updates (None: a new one).

    Parts are matched by UUID, else by their person, so removing and re-adding a
    participant in one edit updates the stored row instead of inserting a second.
    """
    by_uuid = {row.uuid: row for row in stored}
    by_person = {row.person_uuid: row for row in stored}
    taken: set[int] = set()
    found: list[StoredRow | None] = []
    for part in parts:
        match = by_uuid.get(part.uuid or "") or by_person.get(part.person_uuid or "")
        if match is not None and match.id in taken:
            match = None
        if match is not None:
            taken.add(match.id)
        found.append(match)
    return found


def _person_ids(
    session: Session, parts: Sequence[EnrollmentDraft], matches: Sequence[StoredRow | None]
) -> dict[str, int]:
    """The row IDs of the enrolled persons; ValidationFailed if one is missing, or
    deleted from the directory and enrolled anew (old enrollments keep theirs).

    Persons whose stored enrollment keeps them are known already; only the others
    are looked up.
    """
    ids = {
        match.person_uuid: match.person_id
        for part, match in zip(parts, matches, strict=True)
        if match is not None and match.person_uuid == part.person_uuid
    }
    wanted = {part.person_uuid for part in parts if part.person_uuid not in ids}
    found = {
        row.uuid: row
        for row in session.execute(
            select(
                _PERSONS.c.uuid, _PERSONS.c.id, _PERSONS.c.full_name, _PERSONS.c.deleted_at
            ).where(_PERSONS.c.uuid.in_([uuid for uuid in wanted if uuid]))
        )
    }
    errors = []
    for n, (part, match) in enumerate(zip(parts, matches, strict=True)):
        if part.person_uuid in ids:
            continue
        person = found.get(part.person_uuid or "")
        if person is None:
            errors.append(
                FieldError(
                    "person_uuid", f"Participant {part.person_uuid} is not in the directory", n
                )
            )
        elif person.deleted_at is not None and match is None:
            errors.append(
                FieldError(
                    "person_uuid",
                    f"{person.full_name} was deleted from the directory; restore them "
                    "before enrolling them",
                    n,
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return ids | {uuid: person.id for uuid, person in found.items()}


def _write_parts(
    session: Session,
    table: Any,
    session_id: int,
    stored: StoredRows,
    rows: Sequence[tuple[str | None, StoredRow | None, Mapping[str, object]]],
) -> None:
    """Delete the stored parts no longer there, update those changed, insert the new.

    ``rows`` are (UUID, the stored row it updates or None, column values).
    """
    kept = {match.id for _, match, _ in rows if match is not None}
    removed = [row.id for row in stored if row.id not in kept]
    updates = [
        {"part_id": match.id, **values}
        for _, match, values in rows
        if match is not None and any(getattr(match, k) != v for k, v in values.items())
    ]
    inserts = [
        {"uuid": uuid or new_uuid(), "session_id": session_id, **values}
        for uuid, match, values in rows
        if match is None
    ]
    # Deletes first: a participant removed and another's row given their place must
    # not meet the one-enrollment-per-person rule half way.
    if removed:
        session.execute(delete(table).where(table.c.id.in_(removed)))
    if updates:
        session.execute(update(table).where(table.c.id == bindparam("part_id")), updates)
    if inserts:
        session.execute(insert(table), inserts)


def _write_enrollments(
    session: Session, session_id: int, draft: TrainingDraft, stored: StoredRows
) -> None:
    matches = _matches(draft.enrollments, stored)
    person_ids = _person_ids(session, draft.enrollments, matches)
    rows = []
    for position, (part, match) in enumerate(zip(draft.enrollments, matches, strict=True)):
        values: dict[str, object] = {name: getattr(part, name) for name in _ENROLLMENT_FIELDS}
        values.update(position=position, person_id=person_ids[part.person_uuid or ""])
        rows.append((part.uuid, match, values))
    _write_parts(session, _ENROLLMENTS, session_id, stored, rows)


def _write_counts(
    session: Session, session_id: int, draft: TrainingDraft, stored: StoredRows
) -> None:
    by_uuid = {row.uuid: row for row in stored}
    by_slot = {(row.audience, row.sex): row for row in stored}
    taken: set[int] = set()
    rows = []
    for position, part in enumerate(draft.counts):
        match = by_uuid.get(part.uuid or "") or by_slot.get((part.audience, part.sex))
        if match is not None and match.id in taken:
            match = None
        if match is not None:
            taken.add(match.id)
        values: dict[str, object] = {name: getattr(part, name) for name in _COUNT_FIELDS}
        values["position"] = position
        rows.append((part.uuid, match, values))
    _write_parts(session, _COUNTS, session_id, stored, rows)


def save_training(ctx: AppContext, draft: TrainingDraft) -> Saved:
    """Create or update a session with its roster and counts; validated, logged, one commit."""
    errors = validate_training(draft, ctx.catalog(), ctx.today())
    if errors:
        raise ValidationFailed(errors)
    with ctx.sessions.begin() as session:
        return write_training(session, ctx, draft)


def write_training(session: Session, ctx: AppContext, draft: TrainingDraft) -> Saved:
    """Create or update a validated session inside the caller's transaction.

    The enrolled persons must exist in ``session`` (flushed); a missing person, a
    stale revision or a deleted session raises a UserError and the caller's
    transaction rolls back.
    """
    row = TrainingSession() if draft.uuid is None else load_row(session, draft.uuid)
    stored: tuple[StoredRows, StoredRows] = (
        ((), ()) if draft.uuid is None else _stored_parts(session, row.id)
    )
    before = start_save(
        session, ctx, row, draft, "training session", lambda: _snapshot(_draft(row, *stored))
    )
    for name in _FIELDS:
        setattr(row, name, getattr(draft, name))
    row.status = draft.status
    session.flush()
    _write_enrollments(session, row.id, draft, stored[0])
    _write_counts(session, row.id, draft, stored[1])
    action = "create" if draft.uuid is None else "update"
    log_changes(session, ctx, KIND, row, action, before, _snapshot(draft))
    return Saved(row.uuid, row.revision)


def set_training_deleted(
    ctx: AppContext, uuid: str, deleted: bool, revision: int | None = None
) -> Saved:
    """Soft-delete (or restore) a session; its roster and counts go (or come back) with it."""
    with ctx.sessions.begin() as session:
        row = load_row(session, uuid)
        return mark_deleted(session, ctx, row, KIND, deleted, revision, "training session")
