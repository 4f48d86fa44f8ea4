"""Writing a plan's ready rows in one transaction: the records, the fingerprints of
their source rows, the change log, and the spellings the user mapped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inl_desktop.domain.drafts import PersonDraft, SeizureDraft, TrainingDraft
from inl_desktop.domain.roles import Permission
from inl_desktop.exchange.import_errors import write_rejected_rows
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing import outcomes
from inl_desktop.services.importing.mapping import ImportMapping
from inl_desktop.services.importing.outcomes import ImportPlan, ImportResult, PlannedRow, RosterRow
from inl_desktop.services.importing.remembered import remember_mapping_values
from inl_desktop.services.importing.sessions import ADDED_UP, add_amounts, add_counts, session_draft
from inl_desktop.services.importing.targets import ImportKind
from inl_desktop.services.persons import national_id_key, write_person
from inl_desktop.services.records import new_uuid
from inl_desktop.services.reference_lists import add_item
from inl_desktop.services.trainings import load_row, read_draft, write_training
from inl_desktop.store.bulk import BulkInserter, batched, next_id
from inl_desktop.store.models import ChangeLogEntry, ImportedRow, Person
from inl_desktop.store.record_rows import Audit
from inl_desktop.store.seizure_rows import insert_seizures

_LOG = ["record_kind", "record_uuid", "revision", "action", "field", "new_value",
        "changed_at", "changed_by"]  # fmt: skip
_IMPORTED = ["fingerprint", "record_kind", "record_uuid", "source_file", "source_row",
             "imported_at"]  # fmt: skip


def commit_import(
    ctx: AppContext, plan: ImportPlan, errors_file: Path | None = None
) -> ImportResult:
    """Write the plan's ready rows in one transaction (the new reference values the
    mapping asks for first), and the rejected rows to ``errors_file``."""
    ctx.require(Permission.IMPORT)
    ready = [row for row in plan.rows if row.outcome == outcomes.READY]
    rejected = [row for row in plan.rows if row.outcome == outcomes.REJECTED]
    written = None
    if errors_file is not None and rejected:
        written = write_rejected_rows(
            errors_file,
            plan.headers,
            [(row.number, row.cells, [str(p.message) for p in row.problems]) for row in rejected],
            [(row.number, p.column) for row in rejected for p in row.problems],
        )
    uuids = _write_ready(ctx, plan, ready) if ready else []
    skipped = plan.count(outcomes.SKIPPED) + (plan.count(outcomes.READY) - len(uuids))
    sessions = len(set(uuids)) if plan.mapping.kind is ImportKind.TRAININGS else None
    return ImportResult(
        len(uuids),
        skipped,
        len(rejected),
        written,
        uuids,
        duplicates=plan.count(outcomes.DUPLICATE),
        not_selected=plan.count(outcomes.NOT_SELECTED),
        sessions=sessions,
    )


def _write_ready(ctx: AppContext, plan: ImportPlan, ready: Sequence[PlannedRow]) -> list[str]:
    """Write the rows not imported meanwhile, with their source rows' fingerprints (and
    a seizure's change-log entry naming its source row); their records' UUIDs."""
    _add_new_codes(ctx, plan.mapping)
    kind = plan.mapping.kind
    source = plan.table.path.name
    with ctx.sessions.begin() as session:
        connection = session.connection()
        fresh = _not_yet_imported(session, [row.fingerprint for row in ready])
        ready = [row for row in ready if row.fingerprint in fresh]
        before = [row for row in plan.rows if row.reason == outcomes.IMPORTED_BEFORE]
        uuids = _write(ctx, session, kind, ready, before)
        remember_mapping_values(session, ctx, kind, plan.chosen_values)
        now = ctx.now()
        written = list(zip(ready, uuids, strict=True))
        BulkInserter(connection, ImportedRow, _IMPORTED).insert(
            [(row.fingerprint, kind, uuid, source, row.number, now) for row, uuid in written]
        )
        if kind is ImportKind.SEIZURES:
            BulkInserter(connection, ChangeLogEntry, _LOG).insert(
                [
                    ("seizure", uuid, 1, "import", "imported_from",
                     f"{source} row {row.number}", now, ctx.user)
                    for row, uuid in written
                ]
            )  # fmt: skip
    return uuids


def _add_new_codes(ctx: AppContext, mapping: ImportMapping) -> None:
    catalog = ctx.catalog()
    for list_name, codes in mapping.new_codes.items():
        for code, label in codes.items():
            if not catalog.has(list_name, code):
                add_item(ctx, list_name, code, label)


def _not_yet_imported(session: Session, fingerprints: Sequence[str]) -> set[str]:
    known: set[str] = set()
    for batch in batched(list(fingerprints)):
        known.update(
            session.scalars(
                select(ImportedRow.fingerprint).where(ImportedRow.fingerprint.in_(batch))
            )
        )
    return set(fingerprints) - known


def _write(
    ctx: AppContext,
    session: Session,
    kind: ImportKind,
    rows: Sequence[PlannedRow],
    earlier: Sequence[PlannedRow],
) -> list[str]:
    if kind is ImportKind.PERSONS:
        return [write_person(session, ctx, row.record).uuid for row in rows]
    if kind is ImportKind.TRAININGS:
        return _write_sessions(ctx, session, rows, earlier)
    return _write_seizures(ctx, session, rows)


def _write_seizures(ctx: AppContext, session: Session, rows: Sequence[PlannedRow]) -> list[str]:
    """New events under new UUIDs, each authored now by the importing user."""
    connection = session.connection()
    post = ctx.post()
    now = ctx.now()
    audit = Audit(post.code, now, ctx.user, now, ctx.user)
    first = next_id(connection, "seizure_events")
    writes = []
    for offset, row in enumerate(rows):
        draft: SeizureDraft = row.record
        draft.uuid, draft.revision = new_uuid(), 1
        for item in draft.items:
            item.uuid = new_uuid()
        writes.append((first + offset, draft, audit))
    insert_seizures(connection, writes, ctx.catalog())
    return [str(draft.uuid) for _, draft, _ in writes]


def _write_sessions(
    ctx: AppContext, session: Session, rows: Sequence[PlannedRow], earlier: Sequence[PlannedRow]
) -> list[str]:
    """One session per group of rows, its counts added up or its participants enrolled:
    a session some of whose rows were imported before gets the new rows; a person
    already stored (same national ID) is enrolled, not added again."""
    groups: dict[tuple[Any, ...], list[PlannedRow]] = {}
    for row in rows:
        assert row.session is not None
        groups.setdefault(row.session, []).append(row)
    stored_sessions = _sessions_of(session, earlier)
    rosters = [row.record.person for row in rows if isinstance(row.record, RosterRow)]
    persons = _stored_persons(session, rosters)
    uuids: dict[int, str] = {}
    for key, members in groups.items():
        existing = stored_sessions.get(key)
        draft = read_draft(session, load_row(session, existing)) if existing else None
        if draft is None:
            draft = replace(session_draft(members[0]), enrollments=[], counts=[])
            for name in ADDED_UP:
                setattr(draft, name, None)
        for row in members:
            if isinstance(row.record, RosterRow):
                _enroll(ctx, session, draft, row.record, persons)
            else:
                add_counts(draft, row.record.counts)
                draft.attendance_mode = row.record.attendance_mode
            add_amounts(draft, session_draft(row))
        saved = write_training(session, ctx, draft)
        for row in members:
            uuids[row.number] = saved.uuid
    return [uuids[row.number] for row in rows]


def _enroll(
    ctx: AppContext,
    session: Session,
    draft: TrainingDraft,
    roster: RosterRow,
    persons: dict[tuple[str, ...], str],
) -> None:
    person_uuid = persons.get(roster.person_key)
    if person_uuid is None:
        person_uuid = write_person(session, ctx, roster.person).uuid
        persons[roster.person_key] = person_uuid
    if not any(e.person_uuid == person_uuid for e in draft.enrollments):
        draft.enrollments.append(replace(roster.enrollment, person_uuid=person_uuid))


def _sessions_of(session: Session, earlier: Sequence[PlannedRow]) -> dict[tuple[Any, ...], str]:
    """The stored session each earlier-imported training row went into, by session."""
    by_fingerprint = {row.fingerprint: row.session for row in earlier if row.session is not None}
    found: dict[tuple[Any, ...], str] = {}
    for batch in batched(list(by_fingerprint)):
        for fingerprint, uuid in session.execute(
            select(ImportedRow.fingerprint, ImportedRow.record_uuid).where(
                ImportedRow.fingerprint.in_(batch)
            )
        ):
            key = by_fingerprint[fingerprint]
            assert key is not None
            found[key] = uuid
    return found


def _stored_persons(session: Session, people: Sequence[PersonDraft]) -> dict[tuple[str, ...], str]:
    """Stored persons with the national IDs of ``people``, by person key."""
    keys = sorted({key for person in people if (key := national_id_key(person.national_id))})
    found: dict[tuple[str, ...], str] = {}
    for batch in batched(keys):
        for key, uuid in session.execute(
            select(Person.national_id_key, Person.uuid).where(
                Person.national_id_key.in_(batch), Person.deleted_at.is_(None)
            )
        ):
            found[("id", str(key))] = uuid
    return found
