"""A session's roster: open it with its people, find people, match pasted rows, save.

Saving creates the session's new persons and the session itself in one
transaction, so a refused session (invalid, or changed elsewhere) leaves no
orphan person behind.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from inl_desktop.domain.drafts import PersonDraft, TrainingDraft
from inl_desktop.domain.errors import FieldError, ValidationFailed
from inl_desktop.domain.fields import PERSON
from inl_desktop.domain.roster import national_id_key, roster_people_errors, same_person
from inl_desktop.domain.validation import validate_training
from inl_desktop.services import persons as person_service
from inl_desktop.services.context import AppContext
from inl_desktop.services.records import Saved, draft_from_row, log_changes, snapshot, stamp_new
from inl_desktop.services.trainings import load_row, read_draft, write_training
from inl_desktop.store.models import Person
from inl_desktop.store.people_list import search_people

_PERSON_FIELDS = tuple(f.name for f in PERSON if f.name != "status")
_PERSONS = Person.__table__
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class LoadedSession:
    """A stored session as a draft, and the enrolled persons by UUID."""

    draft: TrainingDraft
    people: dict[str, PersonDraft]


@dataclass(frozen=True)
class DirectoryPerson:
    """A person found in the directory, with how many sessions they attended."""

    person: PersonDraft
    trainings: int


@dataclass(frozen=True)
class PersonMatch:
    """A pasted person and what the directory says of them.

    ``existing`` is the stored person to enrol instead (None: a new person);
    ``note`` explains a near miss (same name and agency, another national ID).
    """

    pasted: PersonDraft
    existing: PersonDraft | None
    note: str | None = None


def load_session(ctx: AppContext, uuid: str) -> LoadedSession:
    """The stored session ``uuid`` and its participants (RecordNotFound if none)."""
    with ctx.sessions() as session:
        draft = read_draft(session, load_row(session, uuid))
        wanted = [e.person_uuid for e in draft.enrollments if e.person_uuid]
        people = {}
        if wanted:
            columns = [_PERSONS.c[name] for name in (*_PERSON_FIELDS, "uuid", "revision", "status")]
            for values in session.execute(select(*columns).where(_PERSONS.c.uuid.in_(wanted))):
                person = PersonDraft(**values._asdict())
                people[values.uuid] = person
        return LoadedSession(draft, people)


def search_directory(
    ctx: AppContext, text: str, limit: int = SEARCH_LIMIT
) -> list[DirectoryPerson]:
    """Live persons whose name, national ID, unit, phone or email holds every word typed."""
    with ctx.engine.connect() as connection:
        found = search_people(connection, text, limit)
    results = []
    for values in found:
        shown = ("full_name", "sex", "agency", "unit", "rank", "province", "national_id")
        person = draft_from_row(PersonDraft, values, shown)
        results.append(DirectoryPerson(person, int(values["trainings"] or 0)))
    return results


def match_people(ctx: AppContext, pasted: Sequence[PersonDraft]) -> list[PersonMatch]:
    """Each pasted person matched against the directory (services.persons.find_same_person).

    The same national ID (dashes ignored) is the same person; so are the same name
    and agency when either has no national ID. The same name and agency with two
    different national IDs is not matched, but noted.
    """
    matches = []
    for person in pasted:
        candidates = person_service.find_same_person(ctx, person)
        key = national_id_key(person.national_id)
        by_id = [c for c in candidates if key is not None and national_id_key(c.national_id) == key]
        usable = by_id or [c for c in candidates if same_person(person, c)]
        if usable:
            matches.append(PersonMatch(person, usable[0]))
            continue
        note = None
        if candidates:
            other = candidates[0]
            note = (
                f"{other.full_name} of the same agency is in the directory with national ID "
                f"{other.national_id}; added as a new person"
            )
        matches.append(PersonMatch(person, None, note))
    return matches


def person_names(ctx: AppContext, uuids: Iterable[str]) -> dict[str, str]:
    """The names of persons (deleted ones included) by UUID."""
    wanted = sorted(set(uuids))
    if not wanted:
        return {}
    with ctx.sessions() as session:
        rows = session.execute(
            select(Person.uuid, Person.full_name).where(Person.uuid.in_(wanted))
        ).all()
    return {uuid: name for uuid, name in rows}


def roster_errors(
    ctx: AppContext,
    draft: TrainingDraft,
    new_people: Sequence[PersonDraft],
    known_people: Collection[PersonDraft] = (),
) -> list[FieldError]:
    """Everything wrong with a session and the persons it creates (empty: savable).

    ``known_people`` are the session's other participants, so a new person who
    repeats one of them is caught too.
    """
    catalog = ctx.catalog()
    errors = validate_training(draft, catalog, ctx.today())
    people = {p.uuid: p for p in (*known_people, *new_people) if p.uuid is not None}
    new = {p.uuid for p in new_people if p.uuid is not None}
    return errors + roster_people_errors(draft, people, new, catalog)


def _add_person(session: Session, ctx: AppContext, draft: PersonDraft) -> None:
    person = Person(uuid=draft.uuid)
    stamp_new(person, ctx, draft.status)
    for name in _PERSON_FIELDS:
        setattr(person, name, getattr(draft, name))
    # Keys as the people directory computes them, so find_same_person sees this person.
    person.national_id_key = person_service.national_id_key(draft.national_id)
    person.name_key = person_service.name_key(draft.full_name or "")
    session.add(person)
    after = snapshot(PERSON, person_service.draft_of(person))
    log_changes(session, ctx, person_service.KIND, person, "create", {}, after)


def save_session_with_roster(
    ctx: AppContext, draft: TrainingDraft, new_people: Sequence[PersonDraft] = ()
) -> Saved:
    """Create the session's new persons and save the session, in one transaction.

    Each of ``new_people`` carries the UUID (minted by the caller) its enrollment
    refers to. Everything is validated first (ValidationFailed lists the problems,
    persons' ones on their enrollment's row); a stale revision raises
    StaleRevision; either way nothing is written.
    """
    enrolled = {e.person_uuid for e in draft.enrollments}
    stray = [p for p in new_people if p.uuid is None or p.uuid not in enrolled]
    if stray:
        raise ValueError("every new person must be enrolled, under the UUID given to them")
    errors = roster_errors(ctx, draft, new_people)
    if errors:
        raise ValidationFailed(errors)
    with ctx.sessions.begin() as session:
        for person in new_people:
            _add_person(session, ctx, person)
        return write_training(session, ctx, draft)
