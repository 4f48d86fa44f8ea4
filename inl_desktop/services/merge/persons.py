"""Persons, as the Enrollments sheet gives them, merged by UUID and revision.

A person's columns repeat on each of their enrollment rows; they are read from the
first and the others must agree. The hq profile carries no personal data: such
persons are stored with an empty name (the directory shows them by agency and rank),
and the columns a workbook leaves out are never compared nor overwritten, so a later
full-profile workbook fills them in. HQ counts one officer trained at two posts once
through ``person_key`` (the same at every post of a country program).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, select, update

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.domain.fields import PERSON
from inl_desktop.domain.validation import validate_person
from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.reader import RowProblem, SheetRow
from inl_desktop.services.merge.rows import field_problems, read_uuid
from inl_desktop.services.merge.run import MergeRun, Outcome, contents, decide, lookup, not_older
from inl_desktop.services.merge.tombstones import KindTable, Tombstone
from inl_desktop.services.persons import name_key, national_id_key
from inl_desktop.services.records import draft_from_row
from inl_desktop.store.bulk import BulkInserter, batched, next_id
from inl_desktop.store.models import Person
from inl_desktop.store.record_rows import RECORD_COLUMNS, Audit, record_columns

KIND = "person"
FIELDS = tuple(name for name in PERSON.names if name != "status")
_PERSONAL = frozenset(fmt.PERSON_PERSONAL)
_COLUMNS = [
    *RECORD_COLUMNS,
    "deleted_at",
    "deleted_by",
    *FIELDS,
    "national_id_key",
    "name_key",
    "person_key",
]
# The persons read so far: UUID -> (person, the values their first row gave).
Seen = dict[str, tuple["IncomingPerson", tuple[Any, ...]]]


def _table() -> Table:
    return cast(Table, Person.__table__)


@dataclass
class IncomingPerson:
    """A person as the enrollment rows give them (deleted at the post if ``deleted_at``)."""

    draft: PersonDraft
    person_key: str | None
    row: int
    deleted_at: datetime | None = None

    @property
    def uuid(self) -> str:
        """The person's UUID."""
        return self.draft.uuid or ""


def read_person(
    row: SheetRow,
    fields: Sequence[str],
    persons: Seen,
    catalog: Catalog,
    problems: list[RowProblem],
) -> IncomingPerson | None:
    """The person of an enrollment row, read from their first row and checked with the
    person form's rules (on the columns the workbook has); a later row must agree.
    None, with the problems added, when the person is refused."""
    values = row.values
    uuid = read_uuid(fmt.ENROLLMENTS, row, "person_uuid", problems)
    revision = values.get("person_revision")
    if not isinstance(revision, int) or revision < 1:
        problems.append(
            RowProblem(fmt.ENROLLMENTS, row.number, "person_revision", "Must be 1 or more")
        )
        return None
    if uuid is None:
        return None
    key = values.get("person_key")
    mine = (revision, key, *(values[name] for name in fields))
    seen = persons.get(uuid)
    if seen is not None:
        person, content = seen
        if content != mine:
            problems.append(
                RowProblem(
                    fmt.ENROLLMENTS,
                    row.number,
                    "person_uuid",
                    f"The same person differs from row {person.row}",
                )
            )
        return person
    draft = PersonDraft(uuid=uuid, revision=revision, **{name: values[name] for name in fields})
    errors = [error for error in validate_person(draft, catalog) if error.field in fields]
    if errors:
        problems.extend(field_problems(fmt.ENROLLMENTS, errors, [], row.number))
        return None
    person = IncomingPerson(draft, key, row.number)
    persons[uuid] = (person, mine)
    return person


def _person_content(
    draft: PersonDraft, key: str | None, fields: Sequence[str], deleted: bool = False
) -> dict[str, str]:
    return {
        **contents(draft, fields, {}),
        "person_key": key or "",
        "deleted": "yes" if deleted else "",
    }


def fold_person_tombstones(
    persons: Sequence[IncomingPerson], tombstones: Sequence[Tombstone]
) -> list[Tombstone]:
    """Merge persons deleted at the post as deleted; return the other tombstones.

    A deleted person keeps their enrollments, so they are still on the Enrollments
    sheet, at the revision of their deletion, next to their tombstone.
    """
    by_uuid = {person.uuid: person for person in persons}
    others = []
    for tombstone in tombstones:
        person = by_uuid.get(tombstone.uuid) if tombstone.kind == KIND else None
        if person is not None and person.draft.revision == tombstone.revision:
            person.deleted_at = tombstone.deleted_at
        else:
            others.append(tombstone)
    return others


def _load_persons(
    connection: Connection, ids: Sequence[int]
) -> dict[int, tuple[PersonDraft, str | None]]:
    table = _table()
    found: dict[int, tuple[PersonDraft, str | None]] = {}
    for batch in batched(list(ids)):
        for row in connection.execute(select(table).where(table.c.id.in_(batch))):
            values = row._mapping
            draft = draft_from_row(PersonDraft, values, FIELDS)
            found[values["id"]] = (draft, values["person_key"])
    return found


def load_person_contents(connection: Connection, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Stored persons' contents by id (for a conflict with a tombstone)."""
    return {
        id_: _person_content(draft, key, FIELDS)
        for id_, (draft, key) in _load_persons(connection, ids).items()
    }


def merge_incoming_persons(
    run: MergeRun, persons: Sequence[IncomingPerson], fields: Sequence[str], post_code: str
) -> dict[str, int]:
    """Merge the persons by UUID and revision; return the id of every person given.

    Only the columns the workbook has (``fields``) are compared and written. At the
    same revision, personal columns HQ holds empty (from an hq-profile workbook) are
    not compared but filled in.
    """
    connection = run.connection
    stored = lookup(connection, "persons", [person.uuid for person in persons])
    known = not_older(stored, [(p.uuid, p.draft.revision or 0) for p in persons])
    drafts = _load_persons(connection, known)
    ids = {uuid: record.id for uuid, record in stored.items()}
    inserts: list[IncomingPerson] = []
    updates: list[tuple[int, IncomingPerson]] = []
    for person in persons:
        revision = person.draft.revision or 0
        record = stored.get(person.uuid)
        outcome = decide(record, revision)
        deleted = person.deleted_at is not None
        incoming = _person_content(person.draft, person.person_key, fields, deleted)
        if outcome is Outcome.ADDED:
            inserts.append(person)
        if run.settled(KIND, person.uuid, revision, outcome):
            continue
        assert record is not None
        draft, key = drafts[record.id]
        before = _person_content(draft, key, fields, record.deleted)
        # A person deleted at the post since HQ's copy counts as deleted.
        changed = Outcome.DELETED if deleted and not record.deleted else Outcome.UPDATED
        if outcome is Outcome.UPDATED:
            updates.append((record.id, person))
            run.updated(KIND, person.uuid, revision, before, incoming, changed)
            continue
        compared = [name for name in before if not (name in _PERSONAL and not before[name])]
        if any(before[name] != incoming[name] for name in compared):
            run.conflict(KIND, person.uuid, revision, before, incoming)
        elif before != incoming:  # personal columns HQ did not have yet
            updates.append((record.id, person))
            run.updated(KIND, person.uuid, revision, before, incoming)
        else:
            run.tally.count(Outcome.UNCHANGED)
    new_id = next_id(connection, "persons")
    audit = Audit(post_code, run.now, run.user, run.now, run.user)
    rows: list[tuple[Any, ...]] = []
    for person in inserts:
        ids[person.uuid] = new_id
        draft = person.draft
        full_name = draft.full_name or ""
        values = {name: getattr(draft, name) for name in FIELDS}
        values["full_name"] = full_name
        rows.append(
            (
                *record_columns(new_id, person.uuid, draft.revision, "final", audit),
                person.deleted_at,
                run.user if person.deleted_at else None,
                *values.values(),
                national_id_key(draft.national_id),
                name_key(full_name),
                person.person_key,
            )
        )
        new_id += 1
    BulkInserter(connection, Person, _COLUMNS).insert(rows)
    _update_persons(run, updates, fields)
    return ids


def _update_persons(
    run: MergeRun, updates: Sequence[tuple[int, IncomingPerson]], fields: Sequence[str]
) -> None:
    if not updates:
        return
    table = _table()
    derived = {"person_key": "person_key"}
    if "national_id" in fields:
        derived["national_id_key"] = "national_id_key"
    if "full_name" in fields:
        derived["name_key"] = "name_key"
    names = [*fields, *derived]
    statement = (
        update(table)
        .where(table.c.id == bindparam("record_id"))
        .values(
            revision=bindparam("new_revision"),
            updated_at=run.now,
            updated_by=run.user,
            # Deleted at the post, or restored there after HQ received the deletion.
            deleted_at=bindparam("new_deleted_at"),
            deleted_by=bindparam("new_deleted_by"),
            **{name: bindparam(f"new_{name}") for name in names},
        )
    )
    parameters = []
    for record_id, person in updates:
        draft = person.draft
        values: dict[str, Any] = {f"new_{name}": getattr(draft, name) for name in fields}
        values["new_person_key"] = person.person_key
        if "national_id" in fields:
            values["new_national_id_key"] = national_id_key(draft.national_id)
        if "full_name" in fields:
            values["new_full_name"] = draft.full_name or ""
            values["new_name_key"] = name_key(draft.full_name or "")
        values["new_deleted_at"] = person.deleted_at
        values["new_deleted_by"] = run.user if person.deleted_at else None
        parameters.append({"record_id": record_id, "new_revision": draft.revision, **values})
    run.connection.execute(statement, parameters)


TABLE = KindTable(_table(), load_person_contents)
