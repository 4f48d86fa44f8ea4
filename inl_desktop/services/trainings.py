"""Record, correct, delete and restore training sessions with rosters or counts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from inl_desktop.domain.drafts import AttendanceCountDraft, EnrollmentDraft, TrainingDraft
from inl_desktop.domain.errors import FieldError, RecordNotFound, UserError, ValidationFailed
from inl_desktop.domain.fields import ATTENDANCE_COUNT, ENROLLMENT, TRAINING
from inl_desktop.domain.validation import validate_training
from inl_desktop.services.context import AppContext
from inl_desktop.services.records import (
    Saved,
    check_revision,
    log_changes,
    mark_deleted,
    new_uuid,
    snapshot,
    stamp_change,
    stamp_new,
)
from inl_desktop.store.models import AttendanceCount, Enrollment, Person, TrainingSession

KIND = "training"
_FIELDS = tuple(f.name for f in TRAINING if f.name != "status")
_ENROLLMENT_FIELDS = ENROLLMENT.names
_COUNT_FIELDS = ATTENDANCE_COUNT.names


def draft_of(session_row: TrainingSession) -> TrainingDraft:
    """The stored session as a draft (roster and counts included)."""
    draft = TrainingDraft(
        status=session_row.status, uuid=session_row.uuid, revision=session_row.revision
    )
    for name in _FIELDS:
        setattr(draft, name, getattr(session_row, name))
    for enrollment in session_row.enrollments:
        part = EnrollmentDraft(person_uuid=enrollment.person.uuid, uuid=enrollment.uuid)
        for name in _ENROLLMENT_FIELDS:
            setattr(part, name, getattr(enrollment, name))
        draft.enrollments.append(part)
    for count in session_row.counts:
        draft.counts.append(
            AttendanceCountDraft(
                audience=count.audience,
                sex=count.sex,
                enrolled=count.enrolled,
                completed=count.completed,
                uuid=count.uuid,
            )
        )
    return draft


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


def load_row(session: Session, uuid: str) -> TrainingSession:
    """The stored session with its enrollments (and their persons) and counts."""
    row = session.scalar(
        select(TrainingSession)
        .where(TrainingSession.uuid == uuid)
        .options(
            selectinload(TrainingSession.enrollments).selectinload(Enrollment.person),
            selectinload(TrainingSession.counts),
        )
    )
    if row is None:
        raise RecordNotFound(f"No training session with ID {uuid}")
    return row


def load_training(ctx: AppContext, uuid: str) -> TrainingDraft:
    """The stored session as a draft to edit."""
    with ctx.sessions() as session:
        return draft_of(load_row(session, uuid))


def _persons_by_uuid(session: Session, draft: TrainingDraft) -> dict[str, Person]:
    wanted = {e.person_uuid for e in draft.enrollments if e.person_uuid}
    found = {p.uuid: p for p in session.scalars(select(Person).where(Person.uuid.in_(wanted)))}
    missing = [
        FieldError("person_uuid", f"Participant {e.person_uuid} is not in the directory", row)
        for row, e in enumerate(draft.enrollments)
        if e.person_uuid not in found
    ]
    # A person deleted from the directory keeps the enrollments they had, but cannot
    # be enrolled anew.
    missing += [
        FieldError(
            "person_uuid",
            f"{found[e.person_uuid].full_name} was deleted from the "
            "directory; restore them before enrolling them",
            row,
        )
        for row, e in enumerate(draft.enrollments)
        if e.person_uuid in found and e.uuid is None and found[e.person_uuid].deleted_at is not None
    ]
    if missing:
        raise ValidationFailed(missing)
    return found


def _apply(session_row: TrainingSession, draft: TrainingDraft, persons: dict[str, Person]) -> None:
    for name in _FIELDS:
        setattr(session_row, name, getattr(draft, name))
    session_row.status = draft.status
    # Parts are matched by UUID, else by their natural key (the person; the audience
    # and sex), so removing and re-adding one in a single edit updates the stored row
    # instead of inserting a second one beside it.
    existing = {e.uuid: e for e in session_row.enrollments}
    by_person = {e.person.uuid: e for e in session_row.enrollments}
    enrollments = []
    for position, part in enumerate(draft.enrollments):
        enrollment = (
            existing.get(part.uuid or "")
            or by_person.get(part.person_uuid or "")
            or Enrollment(uuid=part.uuid or new_uuid())
        )
        enrollment.position = position
        enrollment.person = persons[part.person_uuid or ""]
        for name in _ENROLLMENT_FIELDS:
            setattr(enrollment, name, getattr(part, name))
        enrollments.append(enrollment)
    session_row.enrollments = enrollments
    existing_counts = {c.uuid: c for c in session_row.counts}
    by_slot = {(c.audience, c.sex): c for c in session_row.counts}
    counts = []
    for position, part_count in enumerate(draft.counts):
        count = (
            existing_counts.get(part_count.uuid or "")
            or by_slot.get((part_count.audience or "", part_count.sex or ""))
            or AttendanceCount(uuid=part_count.uuid or new_uuid())
        )
        count.position = position
        for name in _COUNT_FIELDS:
            setattr(count, name, getattr(part_count, name))
        counts.append(count)
    session_row.counts = counts


def save_training(ctx: AppContext, draft: TrainingDraft) -> Saved:
    """Create or update a session with its roster and counts; validated, logged, one commit."""
    errors = validate_training(draft, ctx.catalog(), ctx.today())
    if errors:
        raise ValidationFailed(errors)
    with ctx.sessions.begin() as session:
        return write_training(session, ctx, draft)


def write_training(session: Session, ctx: AppContext, draft: TrainingDraft) -> Saved:
    """Create or update a validated session inside the caller's transaction.

    The enrolled persons must exist in ``session`` (flushed); a stale revision or a
    deleted session raises a UserError and the caller's transaction rolls back.
    """
    persons = _persons_by_uuid(session, draft)
    if draft.uuid is None:
        row = TrainingSession()
        stamp_new(row, ctx, draft.status)
        before: dict[str, str] = {}
        action = "create"
        session.add(row)
    else:
        row = load_row(session, draft.uuid)
        if row.deleted_at is not None:
            raise UserError("This training session was deleted; restore it before editing")
        check_revision(row, draft.revision, "training session")
        before = _snapshot(draft_of(row))
        stamp_change(row, ctx)
        action = "update"
    _apply(row, draft, persons)
    session.flush()
    log_changes(
        session,
        ctx,
        kind=KIND,
        record_uuid=row.uuid,
        revision=row.revision,
        action=action,
        before=before,
        after=_snapshot(draft_of(row)),
    )
    return Saved(row.uuid, row.revision)


def set_training_deleted(
    ctx: AppContext, uuid: str, deleted: bool, revision: int | None = None
) -> Saved:
    """Soft-delete (or restore) a session; its roster and counts go (or come back) with it."""
    with ctx.sessions.begin() as session:
        row = load_row(session, uuid)
        check_revision(row, revision, "training session")
        mark_deleted(session, ctx, row, KIND, deleted)
        return Saved(row.uuid, row.revision)
