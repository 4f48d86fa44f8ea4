"""Training sessions, with their rosters, counts and persons, from an exchange workbook.

A session is its row on the Trainings sheet, its enrollments (Enrollments sheet) and
its counts (Counts sheet). It is checked with the rules of the training form
(``validate_training`` for the session, ``validate_enrollment`` and
``validate_count`` for its parts) and merged whole: a newer revision replaces the
stored session with its roster and counts. A session with a problem in any of its
rows is not merged.

Persons come from the enrollment rows (``person_uuid``, ``person_revision`` and the
person's columns) and are merged by UUID and revision before the sessions. The hq
profile carries no personal data: such persons are stored with an empty name (lists
show them by agency and rank), and the columns a workbook leaves out are never
compared nor overwritten, so a later full-profile workbook fills them in. HQ counts
one officer trained at two posts once through ``person_key``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, select, update

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    TrainingDraft,
)
from inl_desktop.domain.fields import ATTENDANCE_COUNT, ENROLLMENT, PERSON, TRAINING
from inl_desktop.domain.validation import validate_count, validate_enrollment, validate_person
from inl_desktop.domain.validation import validate_training as validate_session
from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.reader import ExchangeWorkbook, RowProblem, SheetRow
from inl_desktop.services.merge import (
    Audit,
    KindTable,
    MergeRun,
    Outcome,
    Stored,
    batched,
    contents,
    decide,
    field_problems,
    lookup,
    missing,
    next_id,
    read_identity,
    read_uuid,
)
from inl_desktop.services.persons import name_key, national_id_key
from inl_desktop.store.bulk import BulkInserter
from inl_desktop.store.models import AttendanceCount, Enrollment, Person, TrainingSession

TRAINING_KIND = "training"
PERSON_KIND = "person"
_FIELDS = tuple(name for name in TRAINING.names if name != "status")
_PERSON_FIELDS = tuple(name for name in PERSON.names if name != "status")
_PERSONAL = frozenset(fmt.PERSON_PERSONAL)
_ENROLLMENT_FIELDS = ENROLLMENT.names
_COUNT_FIELDS = ATTENDANCE_COUNT.names
# Fields a draft may leave blank but the database may not.
_NOT_NULL = ("training_status", "attendance_mode")
_RECORD_COLUMNS = [
    "id",
    "uuid",
    "post_code",
    "revision",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "status",
]
_PERSON_COLUMNS = [
    *_RECORD_COLUMNS,
    *_PERSON_FIELDS,
    "national_id_key",
    "name_key",
    "person_key",
]


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


@dataclass
class IncomingPerson:
    """A person as the enrollment rows give them; ``fields`` are the columns present."""

    draft: PersonDraft
    person_key: str | None
    row: int

    @property
    def uuid(self) -> str:
        """The person's UUID."""
        return self.draft.uuid or ""


@dataclass
class IncomingTraining:
    """A session with its roster and counts, and the sheet rows they came from."""

    draft: TrainingDraft
    audit: Audit
    row: int
    enrollment_rows: list[int] = field(default_factory=list)
    count_rows: list[int] = field(default_factory=list)

    @property
    def uuid(self) -> str:
        """The session's UUID."""
        return self.draft.uuid or ""


@dataclass
class TrainingSheets:
    """What the Trainings, Enrollments and Counts sheets gave."""

    persons: list[IncomingPerson]
    sessions: list[IncomingTraining]
    problems: list[RowProblem]
    rows: dict[str, int]
    person_fields: tuple[str, ...]
    enrollment_fields: tuple[str, ...]


@dataclass
class _Session:
    row: SheetRow
    identity: tuple[str, int, str, Audit] | None
    problems: list[RowProblem] = field(default_factory=list)
    enrollments: list[tuple[int, EnrollmentDraft]] = field(default_factory=list)
    counts: list[tuple[int, AttendanceCountDraft]] = field(default_factory=list)


def read_trainings(book: ExchangeWorkbook, catalog: Catalog, today: date) -> TrainingSheets:
    """Gather and check sessions, their parts and the persons enrolled."""
    problems: list[RowProblem] = []
    rows = {fmt.TRAININGS: 0, fmt.ENROLLMENTS: 0, fmt.COUNTS: 0}
    sessions: dict[str, _Session] = {}
    for row in book.rows(fmt.TRAININGS):
        rows[fmt.TRAININGS] += 1
        row_problems = list(row.problems)
        identity = read_identity(fmt.TRAININGS, row, "session_uuid", row_problems)
        if identity is not None and identity[0] in sessions:
            first = sessions[identity[0]].row.number
            row_problems.append(
                RowProblem(fmt.TRAININGS, row.number, "session_uuid", f"Repeats row {first}")
            )
        if identity is None or row_problems:
            problems.extend(row_problems)
            continue
        sessions[identity[0]] = _Session(row, identity)

    enrollment_columns = book.columns(fmt.ENROLLMENTS)
    person_fields = tuple(name for name in _PERSON_FIELDS if name in enrollment_columns)
    enrollment_fields = tuple(name for name in _ENROLLMENT_FIELDS if name in enrollment_columns)
    persons: dict[str, tuple[IncomingPerson, dict[str, str]]] = {}
    for row in book.rows(fmt.ENROLLMENTS):
        rows[fmt.ENROLLMENTS] += 1
        session = _part_of(fmt.ENROLLMENTS, row, sessions, problems)
        if session is None:
            continue
        row_problems = list(row.problems)
        uuid = read_uuid(fmt.ENROLLMENTS, row, "enrollment_uuid", row_problems)
        # A person refused above has its problems on this row already.
        _person(row, person_fields, persons, catalog, row_problems)
        enrollment = EnrollmentDraft(
            person_uuid=row.values.get("person_uuid"),
            uuid=uuid,
            **{name: row.values[name] for name in enrollment_fields},
        )
        session.enrollments.append((row.number, enrollment))
        session.problems.extend(row_problems)

    for row in book.rows(fmt.COUNTS):
        rows[fmt.COUNTS] += 1
        session = _part_of(fmt.COUNTS, row, sessions, problems)
        if session is None:
            continue
        row_problems = list(row.problems)
        uuid = read_uuid(fmt.COUNTS, row, "count_uuid", row_problems)
        count = AttendanceCountDraft(uuid=uuid, **{n: row.values[n] for n in _COUNT_FIELDS})
        session.counts.append((row.number, count))
        session.problems.extend(row_problems)

    incoming: list[IncomingTraining] = []
    merged_persons: set[str] = set()
    for session in sessions.values():
        training = _incoming(session)
        session.problems.extend(_check(training, catalog, today))
        if session.problems:
            problems.extend(session.problems)
            continue
        incoming.append(training)
        merged_persons.update(e.person_uuid or "" for e in training.draft.enrollments)
    # Persons are merged for the sessions that are; a person only in refused rows is not.
    people = [person for uuid, (person, _) in persons.items() if uuid in merged_persons]
    problems.sort(key=lambda problem: (fmt.SHEET_ORDER.index(problem.sheet), problem.row))
    return TrainingSheets(people, incoming, problems, rows, person_fields, enrollment_fields)


def _part_of(
    sheet: str, row: SheetRow, sessions: dict[str, _Session], problems: list[RowProblem]
) -> _Session | None:
    """The session a part row belongs to; None (with a problem) when it is not there."""
    uuid = row.values.get("session_uuid")
    session = sessions.get(uuid or "")
    if session is not None:
        return session
    problems.extend(row.problems)
    problems.append(
        RowProblem(
            sheet,
            row.number,
            "session_uuid",
            f"Session {uuid or '(none)'} is not on the Trainings sheet (or was refused there)",
        )
    )
    return None


def _person(
    row: SheetRow,
    fields: Sequence[str],
    persons: dict[str, tuple[IncomingPerson, dict[str, str]]],
    catalog: Catalog,
    problems: list[RowProblem],
) -> IncomingPerson | None:
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
    draft = PersonDraft(uuid=uuid, revision=revision, **{name: values[name] for name in fields})
    key = values.get("person_key")
    seen = persons.get(uuid)
    mine = {**contents(draft, fields, {}), "person_key": key or "", "revision": str(revision)}
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
    errors = [error for error in validate_person(draft, catalog) if error.field in fields]
    if errors:
        problems.extend(field_problems(fmt.ENROLLMENTS, errors, [], row.number))
        return None
    person = IncomingPerson(draft, key, row.number)
    persons[uuid] = (person, mine)
    return person


def _incoming(session: _Session) -> IncomingTraining:
    assert session.identity is not None
    uuid, revision, status, audit = session.identity
    values = session.row.values
    draft = TrainingDraft(status=status, uuid=uuid, revision=revision)
    for name in _FIELDS:
        setattr(draft, name, values[name])
    draft.enrollments = [enrollment for _, enrollment in session.enrollments]
    draft.counts = [count for _, count in session.counts]
    return IncomingTraining(
        draft,
        audit,
        session.row.number,
        [number for number, _ in session.enrollments],
        [number for number, _ in session.counts],
    )


def _check(training: IncomingTraining, catalog: Catalog, today: date) -> list[RowProblem]:
    """The training form's rules, each error on the row it concerns."""
    draft = training.draft
    session_only = TrainingDraft(
        **{name: getattr(draft, name) for name in (*_FIELDS, "status", "uuid", "revision")}
    )
    errors = validate_session(session_only, catalog, today)
    problems = field_problems(fmt.TRAININGS, errors, [], training.row)
    problems += missing(fmt.TRAININGS, training.row, TRAINING, draft, _NOT_NULL)
    persons: dict[str | None, int] = {}
    for number, enrollment in zip(training.enrollment_rows, draft.enrollments, strict=True):
        errors = validate_enrollment(enrollment, catalog, today)
        problems += field_problems(fmt.ENROLLMENTS, errors, [], number)
        if enrollment.person_uuid in persons:
            problems.append(
                RowProblem(
                    fmt.ENROLLMENTS,
                    number,
                    "person_uuid",
                    f"The same person is enrolled on row {persons[enrollment.person_uuid]}",
                )
            )
        persons[enrollment.person_uuid] = number
    slots: dict[tuple[str | None, str | None], int] = {}
    for number, count in zip(training.count_rows, draft.counts, strict=True):
        problems += field_problems(fmt.COUNTS, validate_count(count, catalog), [], number)
        slot = (count.audience, count.sex)
        if slot in slots:
            problems.append(
                RowProblem(
                    fmt.COUNTS,
                    number,
                    "audience",
                    f"The same audience and sex are on row {slots[slot]}",
                )
            )
        slots[slot] = number
    return problems


# -- persons -------------------------------------------------------------------------------


def _person_content(draft: PersonDraft, key: str | None, fields: Sequence[str]) -> dict[str, str]:
    return {**contents(draft, fields, {}), "person_key": key or ""}


def _load_persons(
    connection: Connection, ids: Sequence[int]
) -> dict[int, tuple[PersonDraft, str | None]]:
    table = _table(Person)
    found: dict[int, tuple[PersonDraft, str | None]] = {}
    for batch in batched(list(ids)):
        for row in connection.execute(select(table).where(table.c.id.in_(batch))):
            values = row._mapping
            draft = PersonDraft(
                status=values["status"], uuid=values["uuid"], revision=values["revision"]
            )
            for name in _PERSON_FIELDS:
                setattr(draft, name, values[name])
            found[values["id"]] = (draft, values["person_key"])
    return found


def load_person_contents(connection: Connection, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Stored persons' contents by id (for a conflict with a tombstone)."""
    return {
        id_: _person_content(draft, key, _PERSON_FIELDS)
        for id_, (draft, key) in _load_persons(connection, ids).items()
    }


def merge_persons(
    run: MergeRun, persons: Sequence[IncomingPerson], fields: Sequence[str], post_code: str
) -> dict[str, int]:
    """Merge the persons by UUID and revision; return the id of every person given.

    Only the columns the workbook has (``fields``) are compared and written. At the
    same revision, personal columns HQ holds empty (from an hq-profile workbook) are
    not compared but filled in.
    """
    connection = run.connection
    stored = lookup(connection, "persons", [person.uuid for person in persons])
    known = [
        stored[p.uuid].id
        for p in persons
        if p.uuid in stored and (p.draft.revision or 0) >= stored[p.uuid].revision
    ]
    drafts = _load_persons(connection, known)
    ids = {uuid: record.id for uuid, record in stored.items()}
    inserts: list[IncomingPerson] = []
    updates: list[tuple[int, IncomingPerson]] = []
    for person in persons:
        revision = person.draft.revision or 0
        record = stored.get(person.uuid)
        outcome = decide(record, revision)
        incoming = _person_content(person.draft, person.person_key, fields)
        if outcome is Outcome.ADDED:
            inserts.append(person)
            run.added(PERSON_KIND, person.uuid, revision)
            continue
        assert record is not None
        if outcome is Outcome.UNCHANGED:
            run.tally.count(Outcome.UNCHANGED)
            continue
        draft, key = drafts[record.id]
        before = _person_content(draft, key, fields)
        if outcome is Outcome.UPDATED:
            updates.append((record.id, person))
            run.updated(PERSON_KIND, person.uuid, revision, before, incoming)
            continue
        compared = [name for name in before if not (name in _PERSONAL and not before[name])]
        if record.deleted or any(before[name] != incoming[name] for name in compared):
            run.conflict(PERSON_KIND, person.uuid, revision, before, incoming)
        elif before != incoming:  # personal columns HQ did not have yet
            updates.append((record.id, person))
            run.updated(PERSON_KIND, person.uuid, revision, before, incoming)
        else:
            run.tally.count(Outcome.UNCHANGED)
    new_id = next_id(connection, "persons")
    rows: list[tuple[Any, ...]] = []
    for person in inserts:
        ids[person.uuid] = new_id
        draft = person.draft
        full_name = draft.full_name or ""
        values = {name: getattr(draft, name) for name in _PERSON_FIELDS}
        values["full_name"] = full_name
        rows.append(
            (
                new_id,
                person.uuid,
                post_code,
                draft.revision,
                run.now,
                run.user,
                run.now,
                run.user,
                "final",
                *values.values(),
                national_id_key(draft.national_id),
                name_key(full_name),
                person.person_key,
            )
        )
        new_id += 1
    BulkInserter(connection, Person, _PERSON_COLUMNS).insert(rows)
    _update_persons(run, updates, fields)
    return ids


def _update_persons(
    run: MergeRun, updates: Sequence[tuple[int, IncomingPerson]], fields: Sequence[str]
) -> None:
    if not updates:
        return
    table = _table(Person)
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
        parameters.append({"record_id": record_id, "new_revision": draft.revision, **values})
    run.connection.execute(statement, parameters)


# -- sessions ------------------------------------------------------------------------------


def content_of(draft: TrainingDraft, enrollment_fields: Sequence[str]) -> dict[str, str]:
    """What is compared between two copies of a session (audit columns are not)."""
    return contents(
        draft,
        (*_FIELDS, "status"),
        {
            "enrollments": (draft.enrollments, ("uuid", "person_uuid", *enrollment_fields)),
            "counts": (draft.counts, ("uuid", *_COUNT_FIELDS)),
        },
    )


def load_drafts(connection: Connection, ids: Sequence[int]) -> dict[int, TrainingDraft]:
    """Stored sessions (deleted ones too) with roster and counts, as drafts by id."""
    sessions, enrollments, counts = (
        _table(TrainingSession),
        _table(Enrollment),
        _table(AttendanceCount),
    )
    persons = _table(Person)
    drafts: dict[int, TrainingDraft] = {}
    for batch in batched(list(ids)):
        for row in connection.execute(select(sessions).where(sessions.c.id.in_(batch))):
            values = row._mapping
            draft = TrainingDraft(
                status=values["status"], uuid=values["uuid"], revision=values["revision"]
            )
            for name in _FIELDS:
                setattr(draft, name, values[name])
            drafts[values["id"]] = draft
        query = (
            select(enrollments, persons.c.uuid.label("person_uuid"))
            .join(persons, persons.c.id == enrollments.c.person_id)
            .where(enrollments.c.session_id.in_(batch))
            .order_by(enrollments.c.session_id, enrollments.c.position)
        )
        for row in connection.execute(query):
            values = row._mapping
            part = EnrollmentDraft(person_uuid=values["person_uuid"], uuid=values["uuid"])
            for name in _ENROLLMENT_FIELDS:
                setattr(part, name, values[name])
            drafts[values["session_id"]].enrollments.append(part)
        query = (
            select(counts)
            .where(counts.c.session_id.in_(batch))
            .order_by(counts.c.session_id, counts.c.position)
        )
        for row in connection.execute(query):
            values = row._mapping
            drafts[values["session_id"]].counts.append(
                AttendanceCountDraft(
                    uuid=values["uuid"], **{name: values[name] for name in _COUNT_FIELDS}
                )
            )
    return drafts


def load_contents(connection: Connection, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Stored sessions' contents by id (for a conflict with a tombstone)."""
    return {
        id_: content_of(draft, _ENROLLMENT_FIELDS)
        for id_, draft in load_drafts(connection, ids).items()
    }


TABLE = KindTable(_table(TrainingSession), load_contents)
PERSON_TABLE = KindTable(_table(Person), load_person_contents)


def merge_trainings(
    run: MergeRun,
    sessions: Sequence[IncomingTraining],
    person_ids: Mapping[str, int],
    enrollment_fields: Sequence[str],
) -> None:
    """Merge the sessions by UUID and revision, each with its roster and counts."""
    connection = run.connection
    stored = lookup(connection, "training_sessions", [s.uuid for s in sessions])
    known = [
        stored[s.uuid].id
        for s in sessions
        if s.uuid in stored and (s.draft.revision or 0) >= stored[s.uuid].revision
    ]
    drafts = load_drafts(connection, known)
    replaced: list[int] = []
    writes: list[tuple[int, IncomingTraining]] = []
    new_id = next_id(connection, "training_sessions")
    for session in sessions:
        revision = session.draft.revision or 0
        record: Stored | None = stored.get(session.uuid)
        outcome = decide(record, revision)
        after = content_of(session.draft, enrollment_fields)
        if outcome is Outcome.ADDED:
            writes.append((new_id, session))
            new_id += 1
            run.added(TRAINING_KIND, session.uuid, revision)
            continue
        assert record is not None
        if outcome is Outcome.UNCHANGED:
            run.tally.count(Outcome.UNCHANGED)
            continue
        before = content_of(drafts[record.id], enrollment_fields)
        if outcome is Outcome.UPDATED:
            _keep_absent(session.draft, drafts[record.id], enrollment_fields)
            replaced.append(record.id)
            writes.append((record.id, session))
            run.updated(TRAINING_KIND, session.uuid, revision, before, after)
        elif before == after and not record.deleted:
            run.tally.count(Outcome.UNCHANGED)
        else:
            run.conflict(TRAINING_KIND, session.uuid, revision, before, after)
    for batch in batched(replaced):
        connection.exec_driver_sql(
            f"DELETE FROM training_sessions WHERE id IN ({', '.join('?' * len(batch))})",
            tuple(batch),
        )
    _insert(connection, writes, person_ids)


def _keep_absent(
    incoming: TrainingDraft, stored: TrainingDraft, enrollment_fields: Collection[str]
) -> None:
    """Keep the stored values of enrollment columns the workbook leaves out (hq profile)."""
    absent = [name for name in _ENROLLMENT_FIELDS if name not in enrollment_fields]
    if not absent:
        return
    old = {part.uuid: part for part in stored.enrollments}
    for part in incoming.enrollments:
        if part.uuid in old:
            for name in absent:
                setattr(part, name, getattr(old[part.uuid], name))


def _insert(
    connection: Connection,
    writes: Sequence[tuple[int, IncomingTraining]],
    person_ids: Mapping[str, int],
) -> None:
    sessions: list[tuple[Any, ...]] = []
    enrollments: list[tuple[Any, ...]] = []
    counts: list[tuple[Any, ...]] = []
    for session_id, session in writes:
        draft, audit = session.draft, session.audit
        sessions.append(
            (
                session_id,
                draft.uuid,
                audit.post_code,
                draft.revision,
                audit.created_at,
                audit.created_by,
                audit.updated_at,
                audit.updated_by,
                draft.status,
                *(getattr(draft, name) for name in _FIELDS),
            )
        )
        for position, part in enumerate(draft.enrollments):
            enrollments.append(
                (
                    part.uuid,
                    session_id,
                    person_ids[part.person_uuid or ""],
                    position,
                    *(getattr(part, name) for name in _ENROLLMENT_FIELDS),
                )
            )
        for position, count in enumerate(draft.counts):
            counts.append(
                (count.uuid, session_id, position, *(getattr(count, n) for n in _COUNT_FIELDS))
            )
    BulkInserter(connection, TrainingSession, [*_RECORD_COLUMNS, *_FIELDS]).insert(sessions)
    BulkInserter(
        connection,
        Enrollment,
        ["uuid", "session_id", "person_id", "position", *_ENROLLMENT_FIELDS],
    ).insert(enrollments)
    BulkInserter(
        connection, AttendanceCount, ["uuid", "session_id", "position", *_COUNT_FIELDS]
    ).insert(counts)
