"""Record, correct, delete and restore persons (the people trained)."""

from __future__ import annotations

import re

from sqlalchemy import select

from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.domain.errors import UserError, ValidationFailed
from inl_desktop.domain.fields import PERSON
from inl_desktop.domain.validation import validate_person
from inl_desktop.services.context import AppContext
from inl_desktop.services.records import (
    Saved,
    check_revision,
    find_record,
    log_changes,
    mark_deleted,
    snapshot,
    stamp_change,
    stamp_new,
)
from inl_desktop.store.models import Person

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


def save_person(ctx: AppContext, draft: PersonDraft) -> Saved:
    """Create or update a person; validated, logged, one commit."""
    errors = validate_person(draft, ctx.catalog())
    if errors:
        raise ValidationFailed(errors)
    with ctx.sessions.begin() as session:
        if draft.uuid is None:
            person = Person()
            stamp_new(person, ctx, draft.status)
            before: dict[str, str] = {}
            action = "create"
            session.add(person)
        else:
            person = find_record(session, Person, draft.uuid, "person")
            if person.deleted_at is not None:
                raise UserError("This person was deleted; restore them before editing")
            check_revision(person, draft.revision, "person")
            before = snapshot(PERSON, draft_of(person))
            stamp_change(person, ctx)
            action = "update"
        for name in _FIELDS:
            setattr(person, name, getattr(draft, name))
        person.status = draft.status
        person.national_id_key = national_id_key(draft.national_id)
        person.name_key = name_key(draft.full_name or "")
        session.flush()
        log_changes(
            session,
            ctx,
            kind=KIND,
            record_uuid=person.uuid,
            revision=person.revision,
            action=action,
            before=before,
            after=snapshot(PERSON, draft_of(person)),
        )
        return Saved(person.uuid, person.revision)


def load_person(ctx: AppContext, uuid: str) -> PersonDraft:
    """The stored person as a draft to edit."""
    with ctx.sessions() as session:
        return draft_of(find_record(session, Person, uuid, "person"))


def set_person_deleted(
    ctx: AppContext, uuid: str, deleted: bool, revision: int | None = None
) -> Saved:
    """Soft-delete (or restore) a person."""
    with ctx.sessions.begin() as session:
        person = find_record(session, Person, uuid, "person")
        check_revision(person, revision, "person")
        mark_deleted(session, ctx, person, KIND, deleted)
        return Saved(person.uuid, person.revision)


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
