"""Whose records a workbook touches: a post adds, changes and deletes only its own.

Every record row names its post (``post_code``), and reading refuses a row of another
post than the one that wrote the workbook (``rows.read_identity``,
``tombstones.read_tombstones``). That is not enough: a row may carry its own post
code and the UUID of a record HQ already holds for another post, and merging it at a
higher revision would replace that record, a tombstone would delete it. So before a
workbook is merged, every UUID it means to add, change or delete (records, their drug
items, enrollments and counts, the persons its sessions enroll, its tombstones) is
looked up, and a row whose UUID HQ holds for another post is refused with the post
that owns it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.reader import RowProblem
from inl_desktop.services.merge import persons, seizures, trainings
from inl_desktop.services.merge.tombstones import Tombstone
from inl_desktop.store.bulk import batched, marks

# What a UUID names, and how to find the post of the record it is (part of) at HQ.
_OWNERS = {
    "Seizure": "SELECT uuid, post_code FROM seizure_events WHERE uuid IN ({})",
    "Drug item": (
        "SELECT i.uuid, e.post_code FROM seizure_items i "
        "JOIN seizure_events e ON e.id = i.event_id WHERE i.uuid IN ({})"
    ),
    "Training session": "SELECT uuid, post_code FROM training_sessions WHERE uuid IN ({})",
    "Enrollment": (
        "SELECT n.uuid, s.post_code FROM enrollments n "
        "JOIN training_sessions s ON s.id = n.session_id WHERE n.uuid IN ({})"
    ),
    "Count": (
        "SELECT c.uuid, s.post_code FROM attendance_counts c "
        "JOIN training_sessions s ON s.id = c.session_id WHERE c.uuid IN ({})"
    ),
    "Person": "SELECT uuid, post_code FROM persons WHERE uuid IN ({})",
}
_TOMBSTONE_KINDS = {
    seizures.KIND: "Seizure",
    trainings.KIND: "Training session",
    persons.KIND: "Person",
}


@dataclass(frozen=True)
class Claim:
    """A UUID a workbook row means to add, change or delete, and where the row is."""

    what: str
    uuid: str
    sheet: str
    row: int
    column: str


def claims(
    events: Iterable[seizures.IncomingSeizure],
    sessions: Iterable[trainings.IncomingTraining],
    tombstones: Iterable[Tombstone],
) -> list[Claim]:
    """Every UUID of the records a workbook would merge, with its sheet row."""
    found: list[Claim] = []
    for event in events:
        found.append(Claim("Seizure", event.uuid, fmt.SEIZURES, event.rows[0], "event_uuid"))
        for row, item in zip(event.rows, event.draft.items, strict=True):
            found.append(Claim("Drug item", item.uuid or "", fmt.SEIZURES, row, "item_uuid"))
    for session in sessions:
        draft = session.draft
        found.append(
            Claim("Training session", session.uuid, fmt.TRAININGS, session.row, "session_uuid")
        )
        for row, enrollment in zip(session.enrollment_rows, draft.enrollments, strict=True):
            found.append(
                Claim("Enrollment", enrollment.uuid or "", fmt.ENROLLMENTS, row, "enrollment_uuid")
            )
            person = enrollment.person_uuid or ""
            found.append(Claim("Person", person, fmt.ENROLLMENTS, row, "person_uuid"))
        for row, count in zip(session.count_rows, draft.counts, strict=True):
            found.append(Claim("Count", count.uuid or "", fmt.COUNTS, row, "count_uuid"))
    for tombstone in tombstones:
        what = _TOMBSTONE_KINDS[tombstone.kind]
        found.append(Claim(what, tombstone.uuid, fmt.DELETED, tombstone.row, "uuid"))
    return found


def foreign_rows(
    connection: Connection, own_post: str, wanted: Sequence[Claim]
) -> list[RowProblem]:
    """The rows whose UUID HQ holds for another post than ``own_post``."""
    problems: list[RowProblem] = []
    for what, sql in _OWNERS.items():
        mine = [claim for claim in wanted if claim.what == what]
        uuids = sorted({claim.uuid for claim in mine})
        owners: dict[str, str] = {}
        for batch in batched(uuids):
            rows = connection.exec_driver_sql(sql.format(marks(len(batch))), tuple(batch))
            owners.update((uuid, post) for uuid, post in rows if post != own_post)
        for claim in mine:
            owner = owners.get(claim.uuid)
            if owner is not None:
                reason = (
                    f"{what} {claim.uuid} belongs to {owner} at headquarters: a workbook "
                    f"of {own_post} may only add, change or delete records of {own_post}"
                )
                problems.append(RowProblem(claim.sheet, claim.row, claim.column, reason))
    return problems
