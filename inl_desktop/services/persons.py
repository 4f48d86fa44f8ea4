"""Record, correct, delete, restore and merge persons (the people trained)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.domain.errors import UserError, ValidationFailed
from inl_desktop.domain.fields import COMPLETION, ENROLLMENT, PERSON
from inl_desktop.domain.roles import Permission
from inl_desktop.domain.validation import validate_person
from inl_desktop.services import records
from inl_desktop.services.context import AppContext
from inl_desktop.services.records import Saved
from inl_desktop.store.models import Enrollment, Person, TrainingSession

KIND = "person"
_FIELDS = tuple(f.name for f in PERSON if f.name != "status")


def national_id_key(national_id: str | None) -> str | None:
    """A national ID reduced to its letters and digits (dashes and spaces dropped)."""
    if not national_id:
        return None
    key = re.sub(r"[^0-9A-Za-z]", "", national_id).upper()
    return key or None


def name_key(full_name: str) -> str:
    """A name folded for comparison (case and spacing ignored)."""
    return " ".join(full_name.casefold().split())


def draft_of(person: Person) -> PersonDraft:
    """The stored person as a draft."""
    draft = PersonDraft(status=person.status, uuid=person.uuid, revision=person.revision)
    for name in _FIELDS:
        setattr(draft, name, getattr(person, name))
    return draft


def _snapshot(person: Person) -> dict[str, str]:
    return records.snapshot(PERSON, draft_of(person))


def save_person(ctx: AppContext, draft: PersonDraft) -> Saved:
    """Create or update a person; validated, logged, one commit."""
    errors = validate_person(draft, ctx.catalog())
    if errors:
        raise ValidationFailed(errors)
    with ctx.sessions.begin() as session:
        return write_person(session, ctx, draft)


def write_person(session: Session, ctx: AppContext, draft: PersonDraft) -> Saved:
    """Create or update a validated person inside the caller's transaction."""
    if draft.uuid is None:
        person = Person()
    else:
        person = records.find_record(session, Person, draft.uuid, "person")
    before = records.start_save(
        session, ctx, person, draft, "person", lambda: _snapshot(person), "them", reviewed=False
    )
    for name in _FIELDS:
        setattr(person, name, getattr(draft, name))
    person.status = draft.status
    person.national_id_key = national_id_key(draft.national_id)
    person.name_key = name_key(draft.full_name or "")
    session.flush()
    action = "create" if draft.uuid is None else "update"
    records.log_changes(session, ctx, KIND, person, action, before, _snapshot(person))
    return Saved(person.uuid, person.revision)


def load_person(ctx: AppContext, uuid: str) -> PersonDraft:
    """The stored person as a draft to edit."""
    with ctx.sessions() as session:
        return draft_of(records.find_record(session, Person, uuid, "person"))


def set_person_deleted(
    ctx: AppContext, uuid: str, deleted: bool, revision: int | None = None
) -> Saved:
    """Soft-delete (or restore) a person."""
    with ctx.sessions.begin() as session:
        person = records.find_record(session, Person, uuid, "person")
        return records.mark_deleted(
            session, ctx, person, KIND, deleted, revision, "person", reviewed=False
        )


def find_same_person(ctx: AppContext, draft: PersonDraft) -> list[PersonDraft]:
    """Stored persons with the same national ID, or the same name and agency."""
    key = national_id_key(draft.national_id)
    with ctx.sessions() as session:
        query = select(Person).where(Person.deleted_at.is_(None))
        if draft.uuid:
            query = query.where(Person.uuid != draft.uuid)
        by_name = (Person.name_key == name_key(draft.full_name or "")) & (
            Person.agency == draft.agency
        )
        condition = by_name if key is None else (Person.national_id_key == key) | by_name
        return [draft_of(p) for p in session.scalars(query.where(condition).limit(20))]


# Which of two enrollments in the same session a merge keeps: the better completion.
_COMPLETION_RANK = {code: len(COMPLETION) - n for n, (code, _) in enumerate(COMPLETION)}
TRAINING_KIND = "training"


@dataclass(frozen=True)
class _Dropped:
    """An enrollment a merge removed because the kept person has one in that session."""

    session: TrainingSession
    kept: Enrollment
    dropped: Enrollment


def _completion_rank(enrollment: Enrollment) -> int:
    return _COMPLETION_RANK.get(enrollment.completion or "", 0)


def _load_for_merge(session: Session, uuid: str) -> Person:
    person = session.scalar(
        select(Person)
        .where(Person.uuid == uuid)
        .options(selectinload(Person.enrollments).selectinload(Enrollment.session))
    )
    if person is None:
        raise UserError(f"No person with ID {uuid}")
    if person.deleted_at is not None:
        raise UserError(f"{person.full_name} was deleted; restore them before merging")
    return person


def merge_persons(
    ctx: AppContext, keep_uuid: str, merged_uuid: str, values: PersonDraft | None = None
) -> Saved:
    """Merge the person ``merged_uuid`` into ``keep_uuid``, in one transaction.

    Every enrollment of the merged person moves to the kept one; where both are
    enrolled in the same session the enrollment with the better completion stays
    (the kept person's on a tie) and the other is removed. ``values``, when given,
    are the kept person's fields after the merge (taken from either record). The
    merged person is soft-deleted, logged as "merged into" the kept one; the kept
    person and each session whose roster changed get a new revision and a log entry.
    """
    ctx.require(Permission.EDIT_DRAFTS)
    if keep_uuid == merged_uuid:
        raise UserError("A person cannot be merged with themself")
    if values is not None:
        errors = validate_person(values, ctx.catalog())
        if errors:
            raise ValidationFailed(errors)
    with ctx.sessions.begin() as session:
        kept = _load_for_merge(session, keep_uuid)
        merged = _load_for_merge(session, merged_uuid)
        if values is not None:
            records.check_revision(kept, values.revision, "person")
        before = _snapshot(kept)
        kept_by_session = {e.session_id: e for e in kept.enrollments}
        moved: list[Enrollment] = []
        dropped: list[_Dropped] = []
        for enrollment in list(merged.enrollments):
            other = kept_by_session.get(enrollment.session_id)
            if other is None:
                moved.append(enrollment)
            elif _completion_rank(enrollment) > _completion_rank(other):
                dropped.append(_Dropped(enrollment.session, enrollment, other))
            else:
                dropped.append(_Dropped(enrollment.session, other, enrollment))
        _log_session_changes(session, ctx, merged, kept, moved, dropped)
        for case in dropped:
            session.delete(case.dropped)
        # The removed rows must be gone before the kept ones take their place in the
        # session (one enrollment per person and session).
        session.flush()
        for enrollment in moved + [case.kept for case in dropped if case.kept.person is merged]:
            enrollment.person = kept

        records.stamp_change(kept, ctx)
        if values is not None:
            for name in _FIELDS:
                setattr(kept, name, getattr(values, name))
            kept.status = values.status
            kept.national_id_key = national_id_key(values.national_id)
            kept.name_key = name_key(values.full_name or "")
        records.stamp_change(merged, ctx)
        merged.deleted_at = ctx.now()
        merged.deleted_by = ctx.user
        session.flush()

        after = _snapshot(kept)
        after["merged_from"] = merged.uuid
        after["enrollments_moved"] = str(len(moved) + len(dropped))
        for n, case in enumerate(dropped, start=1):
            after[f"duplicate_enrollment[{n}]"] = _dropped_text(case)
        records.log_changes(session, ctx, KIND, kept, "merge", before, after)
        was_there = {"deleted": "", "merged_into": ""}
        merged_away = {"deleted": "yes", "merged_into": kept.uuid}
        records.log_changes(session, ctx, KIND, merged, "delete", was_there, merged_away)
        return Saved(kept.uuid, kept.revision)


def _dropped_text(case: _Dropped) -> str:
    def completion(enrollment: Enrollment) -> str:
        return ENROLLMENT["completion"].choice_label(enrollment.completion or "") or "none"

    return (
        f"{case.session.title or 'Untitled session'} ({case.session.uuid}): both were "
        f"enrolled; kept the enrollment with completion {completion(case.kept)}, removed "
        f"the one with completion {completion(case.dropped)}"
    )


def _log_session_changes(
    session: Session,
    ctx: AppContext,
    merged: Person,
    kept: Person,
    moved: list[Enrollment],
    dropped: list[_Dropped],
) -> None:
    """Raise the revision of every session whose roster changes, and log the change.

    Rows are numbered as the session's change log numbers its roster
    (``enrollments[n].field``, from 1 in roster order).
    """
    changes: dict[int, tuple[TrainingSession, dict[str, str], dict[str, str]]] = {}

    def entry(training: TrainingSession) -> tuple[dict[str, str], dict[str, str]]:
        found = changes.setdefault(training.id, (training, {}, {}))
        return found[1], found[2]

    def row_of(enrollment: Enrollment) -> int:
        return enrollment.session.enrollments.index(enrollment) + 1

    for enrollment in moved:
        before, after = entry(enrollment.session)
        key = f"enrollments[{row_of(enrollment)}].person"
        before[key], after[key] = merged.uuid, kept.uuid
    for case in dropped:
        before, after = entry(case.session)
        row = row_of(case.dropped)
        for field in ENROLLMENT:
            value = records.display(getattr(case.dropped, field.name))
            if value:
                before[f"enrollments[{row}].{field.name}"] = value
        before[f"enrollments[{row}].person"] = case.dropped.person.uuid
        if case.kept.person is merged:
            key = f"enrollments[{row_of(case.kept)}].person"
            before[key], after[key] = merged.uuid, kept.uuid
    for training, before, after in changes.values():
        records.stamp_change(training, ctx)
        session.flush()
        records.log_changes(session, ctx, TRAINING_KIND, training, "update", before, after)
