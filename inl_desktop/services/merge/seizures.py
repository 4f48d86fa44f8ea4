"""Seizures from an exchange workbook: grouped into events, checked, merged by UUID.

Each row of the Seizures sheet is one drug item with its event's columns. The rows of
one event are gathered (wherever they are on the sheet), checked with the same domain
rules as the seizure form (``validate_seizure``), and merged: a new event is added, a
newer revision replaces the stored event with its items, joint agencies and transit
countries. An event with any problem in any of its rows is not merged at all.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, select

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.domain.fields import SEIZURE_EVENT
from inl_desktop.domain.validation import validate_seizure
from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.reader import ExchangeWorkbook, RowProblem, SheetRow
from inl_desktop.services.merge.rows import field_problems, missing, read_identity, read_uuid
from inl_desktop.services.merge.run import MergeRun, Outcome, contents, decide, lookup, not_older
from inl_desktop.services.merge.tombstones import KindTable
from inl_desktop.services.seizures import normalised
from inl_desktop.store.bulk import batched, marks, next_id
from inl_desktop.store.models import (
    SeizureEvent,
    SeizureItem,
    SeizureJointAgency,
    SeizureTransitCountry,
)
from inl_desktop.store.record_rows import Audit
from inl_desktop.store.seizure_rows import EVENT_SCALARS, insert_seizures

KIND = "seizure"
SHEET = fmt.SEIZURES
_FIELDS = SEIZURE_EVENT.names
# Columns every row of one event repeats (compared to the event's first row).
_EVENT_KEYS = (
    "revision",
    "post_code",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    *_FIELDS,
    "same_as_uuid",
)
_event_values = operator.itemgetter(*_EVENT_KEYS)
_DERIVED = ("drug_group", "kg_equivalent")  # recomputed at HQ from its own reference data
_CONTENT = (*_FIELDS, "same_as_uuid")
_ITEM_CONTENT = ("uuid", "drug", "quantity", "unit")
_RENAMES = {"items": "item_uuid"}


@dataclass
class IncomingSeizure:
    """One event read from the workbook; ``rows`` are its items' sheet rows, in order."""

    draft: SeizureDraft
    audit: Audit
    rows: list[int]

    @property
    def uuid(self) -> str:
        """The event's UUID."""
        return self.draft.uuid or ""

    @property
    def revision(self) -> int:
        """The event's revision at the post."""
        return self.draft.revision or 0


@dataclass
class _Gathered:
    """The rows of one event while the sheet is read."""

    first: SheetRow
    identity: tuple[str, int, str, Audit] | None
    values: tuple[Any, ...]
    items: list[tuple[int, int, SeizureItemDraft]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class SeizureSheet:
    """The Seizures sheet gathered into events (not yet checked), rows refused, rows read."""

    gathered: list[_Gathered]
    problems: list[RowProblem]
    rows: int


def gather_seizures(book: ExchangeWorkbook) -> SeizureSheet:
    """Gather the rows of the Seizures sheet into events (see the module docstring)."""
    gathered: dict[str, _Gathered] = {}
    loose: list[RowProblem] = []
    items_seen: dict[str, int] = {}
    rows = 0
    own_post = book.about.post_code
    for row in book.rows(SHEET, skip=_DERIVED):
        rows += 1
        values = row.values
        problems = row.problems
        event_uuid = read_uuid(SHEET, row, "event_uuid", problems)
        if event_uuid is None:
            loose.extend(problems)
            continue
        event = gathered.get(event_uuid)
        if event is None:
            identity = read_identity(SHEET, row, "event_uuid", own_post, problems)
            event = gathered[event_uuid] = _Gathered(row, identity, _event_values(values))
        elif _event_values(values) != event.values:
            first = event.first.values
            changed = next(key for key in _EVENT_KEYS if values[key] != first[key])
            reason = f"Differs from row {event.first.number} of the same seizure"
            problems.append(RowProblem(SHEET, row.number, changed, reason))
        item_uuid = read_uuid(SHEET, row, "item_uuid", problems)
        if item_uuid is not None:
            if item_uuid in items_seen:
                reason = f"The same drug item is on row {items_seen[item_uuid]}"
                problems.append(RowProblem(SHEET, row.number, "item_uuid", reason))
            items_seen[item_uuid] = row.number
        item = SeizureItemDraft(values["drug"], values["quantity"], values["unit"], item_uuid)
        event.items.append((values["item_position"] or 0, row.number, item))
        event.problems.extend(problems)
    return SeizureSheet(list(gathered.values()), loose, rows)


def check_seizures(
    gathered: Sequence[_Gathered], catalog: Catalog, today: date
) -> tuple[list[IncomingSeizure], list[RowProblem]]:
    """The events that pass the seizure form's rules, and the problems of the others."""
    events: list[IncomingSeizure] = []
    refused: list[RowProblem] = []
    for event in gathered:
        if event.problems or event.identity is None:
            refused.extend(event.problems)
            continue
        incoming = _incoming(event)
        errors = validate_seizure(incoming.draft, catalog, today)
        found = field_problems(SHEET, errors, incoming.rows, incoming.rows[0], _RENAMES)
        found += missing(SHEET, incoming.rows[0], SEIZURE_EVENT, incoming.draft, ("basis",))
        if found:
            refused.extend(found)
            continue
        events.append(incoming)
    return events, refused


def _incoming(event: _Gathered) -> IncomingSeizure:
    assert event.identity is not None
    uuid, revision, status, audit = event.identity
    values = event.first.values
    draft = SeizureDraft(status=status, same_as_uuid=values["same_as_uuid"], uuid=uuid)
    draft.revision = revision
    for name in EVENT_SCALARS:
        setattr(draft, name, values[name])
    draft.joint_agencies = values["joint_agencies"]
    draft.transit_countries = values["transit_countries"]
    event.items.sort(key=lambda item: (item[0], item[1]))
    draft.items = [item for _, _, item in event.items]
    normalised(draft)
    return IncomingSeizure(draft, audit, [number for _, number, _ in event.items])


def content_of(draft: SeizureDraft) -> dict[str, str]:
    """What is compared between two copies of an event (audit columns are not)."""
    return contents(draft, _CONTENT, {"items": (draft.items, _ITEM_CONTENT)})


def load_drafts(connection: Connection, ids: Sequence[int]) -> dict[int, SeizureDraft]:
    """Stored events (deleted ones too) as drafts, by id."""
    events_table = SeizureEvent.__table__
    items_table = SeizureItem.__table__
    joint_table = SeizureJointAgency.__table__
    transit_table = SeizureTransitCountry.__table__
    drafts: dict[int, SeizureDraft] = {}
    for batch in batched(list(ids)):
        for row in connection.execute(select(events_table).where(events_table.c.id.in_(batch))):
            values = row._mapping
            draft = SeizureDraft(
                status=values["status"],
                same_as_uuid=values["same_as_uuid"],
                uuid=values["uuid"],
                revision=values["revision"],
            )
            for name in EVENT_SCALARS:
                setattr(draft, name, values[name])
            drafts[values["id"]] = draft
        for row in connection.execute(
            select(items_table)
            .where(items_table.c.event_id.in_(batch))
            .order_by(items_table.c.event_id, items_table.c.position)
        ):
            values = row._mapping
            drafts[values["event_id"]].items.append(
                SeizureItemDraft(values["drug"], values["quantity"], values["unit"], values["uuid"])
            )
        for table, column, name in (
            (joint_table, "agency", "joint_agencies"),
            (transit_table, "country", "transit_countries"),
        ):
            for event_id, code in connection.execute(
                select(table.c.event_id, table.c[column])
                .where(table.c.event_id.in_(batch))
                .order_by(table.c.event_id, table.c.position)
            ):
                draft = drafts[event_id]
                setattr(draft, name, (*getattr(draft, name), code))
    return drafts


def load_contents(connection: Connection, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Stored events' contents by id (for a conflict with a tombstone)."""
    return {id_: content_of(draft) for id_, draft in load_drafts(connection, ids).items()}


def _after_delete(connection: Connection, ids: Sequence[int]) -> None:
    """Deleted events' items leave the seizure list (its copy of the deletion)."""
    for batch in batched(list(ids)):
        connection.exec_driver_sql(
            f"UPDATE seizure_items SET live = 0 WHERE event_id IN ({marks(len(batch))})",
            tuple(batch),
        )


TABLE = KindTable(cast(Table, SeizureEvent.__table__), load_contents, _after_delete)


def merge_seizures(run: MergeRun, events: Sequence[IncomingSeizure], catalog: Catalog) -> None:
    """Merge the events by UUID and revision (see ``merge.decide``)."""
    connection = run.connection
    stored = lookup(connection, "seizure_events", [event.uuid for event in events])
    drafts = load_drafts(connection, not_older(stored, [(e.uuid, e.revision) for e in events]))
    replaced: list[int] = []
    writes: list[tuple[int, IncomingSeizure]] = []
    new_id = next_id(connection, "seizure_events")
    for event in events:
        record = stored.get(event.uuid)
        outcome = decide(record, event.revision)
        if outcome is Outcome.ADDED:
            writes.append((new_id, event))
            new_id += 1
        if run.settled(KIND, event.uuid, event.revision, outcome):
            continue
        assert record is not None
        kept = drafts[record.id]
        if outcome is Outcome.UPDATED:
            replaced.append(record.id)
            writes.append((record.id, event))
            run.updated(KIND, event.uuid, event.revision, content_of(kept), content_of(event.draft))
        elif not record.deleted and kept == event.draft:  # the common case, compared fast
            run.tally.count(Outcome.UNCHANGED)
        else:
            before, after = content_of(kept), content_of(event.draft)
            if before == after and not record.deleted:
                run.tally.count(Outcome.UNCHANGED)
            else:
                run.conflict(KIND, event.uuid, event.revision, before, after)
    # A newer revision replaces the event with its parts: delete (the parts go with it,
    # and the search index follows by trigger), then insert again under the same id.
    for batch in batched(replaced):
        connection.exec_driver_sql(
            f"DELETE FROM seizure_events WHERE id IN ({marks(len(batch))})",
            tuple(batch),
        )
    insert_seizures(connection, [(id_, e.draft, e.audit) for id_, e in writes], catalog)
