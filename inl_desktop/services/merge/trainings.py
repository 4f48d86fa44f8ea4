"""Training sessions, with their rosters, counts and persons, from an exchange workbook.

A session is its row on the Trainings sheet, its enrollments (Enrollments sheet) and
its counts (Counts sheet). It is checked with the rules of the training form
(``validate_training`` for the session, ``validate_enrollment`` and
``validate_count`` for its parts) and merged whole: a newer revision replaces the
stored session with its roster and counts. A session with a problem in any of its
rows is not merged.

The persons enrolled come from the enrollment rows too (``merge.persons``); they are
merged before the sessions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, select

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import AttendanceCountDraft, EnrollmentDraft, TrainingDraft
from inl_desktop.domain.fields import ATTENDANCE_COUNT, ENROLLMENT, TRAINING
from inl_desktop.domain.validation import validate_count, validate_enrollment
from inl_desktop.domain.validation import validate_training as validate_session
from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.reader import ExchangeWorkbook, RowProblem, SheetRow
from inl_desktop.services.merge import persons as person_rows
from inl_desktop.services.merge.persons import IncomingPerson
from inl_desktop.services.merge.rows import field_problems, missing, read_identity, read_uuid
from inl_desktop.services.merge.run import (
    MergeRun,
    Outcome,
    Stored,
    contents,
    decide,
    lookup,
    not_older,
)
from inl_desktop.services.merge.tombstones import KindTable
from inl_desktop.services.records import draft_from_row
from inl_desktop.store.bulk import BulkInserter, batched, marks, next_id
from inl_desktop.store.models import AttendanceCount, Enrollment, Person, TrainingSession
from inl_desktop.store.record_rows import RECORD_COLUMNS, Audit, record_columns

KIND = "training"
_FIELDS = tuple(name for name in TRAINING.names if name != "status")
_ENROLLMENT_FIELDS = ENROLLMENT.names
_COUNT_FIELDS = ATTENDANCE_COUNT.names
# Fields a draft may leave blank but the database may not.
_NOT_NULL = ("training_status", "attendance_mode")


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


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
        identity = read_identity(
            fmt.TRAININGS, row, "session_uuid", book.about.post_code, row_problems
        )
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
    person_fields = tuple(name for name in person_rows.FIELDS if name in enrollment_columns)
    enrollment_fields = tuple(name for name in _ENROLLMENT_FIELDS if name in enrollment_columns)
    persons: person_rows.Seen = {}
    enrollments = _part_rows(book, fmt.ENROLLMENTS, "enrollment_uuid", sessions, rows, problems)
    for row, session, uuid, row_problems in enrollments:
        # A person refused above has its problems on this row already.
        person_rows.read_person(row, person_fields, persons, catalog, row_problems)
        enrollment = EnrollmentDraft(
            person_uuid=row.values.get("person_uuid"),
            uuid=uuid,
            **{name: row.values[name] for name in enrollment_fields},
        )
        session.enrollments.append((row.number, enrollment))
        session.problems.extend(row_problems)

    counts = _part_rows(book, fmt.COUNTS, "count_uuid", sessions, rows, problems)
    for row, session, uuid, row_problems in counts:
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


def _part_rows(
    book: ExchangeWorkbook,
    sheet: str,
    uuid_key: str,
    sessions: dict[str, _Session],
    rows: dict[str, int],
    problems: list[RowProblem],
) -> Iterator[tuple[SheetRow, _Session, str | None, list[RowProblem]]]:
    """The rows of a part sheet (counted in ``rows``) with their session, their UUID
    and the row's problems so far; a row whose session is not there is left out."""
    for row in book.rows(sheet):
        rows[sheet] += 1
        session = _part_of(sheet, row, sessions, problems)
        if session is None:
            continue
        row_problems = list(row.problems)
        uuid = read_uuid(sheet, row, uuid_key, row_problems)
        yield row, session, uuid, row_problems


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
            drafts[values["id"]] = draft_from_row(TrainingDraft, values, _FIELDS)
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


def merge_trainings(
    run: MergeRun,
    sessions: Sequence[IncomingTraining],
    person_ids: Mapping[str, int],
    enrollment_fields: Sequence[str],
) -> None:
    """Merge the sessions by UUID and revision, each with its roster and counts."""
    connection = run.connection
    stored = lookup(connection, "training_sessions", [s.uuid for s in sessions])
    known = not_older(stored, [(s.uuid, s.draft.revision or 0) for s in sessions])
    drafts = load_drafts(connection, known)
    replaced: list[int] = []
    writes: list[tuple[int, IncomingTraining]] = []
    new_id = next_id(connection, "training_sessions")
    for session in sessions:
        revision = session.draft.revision or 0
        record: Stored | None = stored.get(session.uuid)
        outcome = decide(record, revision)
        if outcome is Outcome.ADDED:
            writes.append((new_id, session))
            new_id += 1
        if run.settled(KIND, session.uuid, revision, outcome):
            continue
        assert record is not None
        kept = drafts[record.id]
        if outcome is Outcome.UPDATED:
            before, after = (
                content_of(kept, enrollment_fields),
                content_of(session.draft, enrollment_fields),
            )
            _keep_absent(session.draft, kept, enrollment_fields)
            replaced.append(record.id)
            writes.append((record.id, session))
            run.updated(KIND, session.uuid, revision, before, after)
        elif not record.deleted and kept == session.draft:  # the common case, compared fast
            run.tally.count(Outcome.UNCHANGED)
        else:
            before, after = (
                content_of(kept, enrollment_fields),
                content_of(session.draft, enrollment_fields),
            )
            if before == after and not record.deleted:
                run.tally.count(Outcome.UNCHANGED)
            else:
                run.conflict(KIND, session.uuid, revision, before, after)
    for batch in batched(replaced):
        connection.exec_driver_sql(
            f"DELETE FROM training_sessions WHERE id IN ({marks(len(batch))})",
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
                *record_columns(session_id, draft.uuid, draft.revision, draft.status, audit),
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
    BulkInserter(connection, TrainingSession, [*RECORD_COLUMNS, *_FIELDS]).insert(sessions)
    BulkInserter(
        connection,
        Enrollment,
        ["uuid", "session_id", "person_id", "position", *_ENROLLMENT_FIELDS],
    ).insert(enrollments)
    BulkInserter(
        connection, AttendanceCount, ["uuid", "session_id", "position", *_COUNT_FIELDS]
    ).insert(counts)
