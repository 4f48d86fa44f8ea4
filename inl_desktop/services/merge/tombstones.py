"""Tombstones: records deleted at a post, named on the Deleted sheet, deleted at HQ."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, update

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.reader import RowProblem, SheetRow
from inl_desktop.services.merge.rows import POST_CODE, not_own_post, read_uuid
from inl_desktop.services.merge.run import MergeRun, Outcome, Stored, lookup, text_of


@dataclass(frozen=True)
class Tombstone:
    """A deleted record named on the Deleted sheet."""

    kind: str
    uuid: str
    revision: int
    deleted_at: datetime
    row: int


@dataclass(frozen=True)
class KindTable:
    """Where a kind of record lives, and how to read stored contents for a conflict."""

    table: Table
    load_contents: Callable[[Connection, Sequence[int]], dict[int, dict[str, str]]]
    after_delete: Callable[[Connection, Sequence[int]], None] | None = None


def apply_tombstones(
    run: MergeRun, tombstones: Sequence[Tombstone], kinds: Mapping[str, KindTable]
) -> None:
    """Soft-delete the stored records the tombstones name, taking their revision.

    A record HQ never received, or holds deleted already, or holds at a newer revision
    is unchanged; a live record at the tombstone's own revision is a conflict.
    """
    for kind, where in kinds.items():
        wanted = [t for t in tombstones if t.kind == kind]
        stored = lookup(run.connection, where.table.name, [t.uuid for t in wanted])
        deletions: list[tuple[Any, ...]] = []
        same_revision: list[tuple[Tombstone, Stored]] = []
        for tombstone in wanted:
            record = stored.get(tombstone.uuid)
            if record is None or record.deleted or record.revision > tombstone.revision:
                run.tally.count(Outcome.UNCHANGED)
            elif record.revision == tombstone.revision:
                same_revision.append((tombstone, record))
            else:
                deletions.append((tombstone, record))
        if same_revision:
            contents_by_id = where.load_contents(run.connection, [r.id for _, r in same_revision])
            for tombstone, record in same_revision:
                incoming = {"deleted": "yes", "deleted_at": text_of(tombstone.deleted_at)}
                run.conflict(
                    kind, tombstone.uuid, tombstone.revision, contents_by_id[record.id], incoming
                )
        if not deletions:
            continue
        table = where.table
        run.connection.execute(
            update(table)
            .where(table.c.id == bindparam("record_id"))
            .values(
                deleted_at=bindparam("at"),
                updated_at=bindparam("at"),
                revision=bindparam("new_revision"),
                deleted_by=run.user,
                updated_by=run.user,
            ),
            [
                {"record_id": r.id, "at": t.deleted_at, "new_revision": t.revision}
                for t, r in deletions
            ],
        )
        if where.after_delete is not None:
            where.after_delete(run.connection, [r.id for _, r in deletions])
        for tombstone, _ in deletions:
            run.deleted(kind, tombstone.uuid, tombstone.revision)


@dataclass
class DeletedSheet:
    """What the Deleted sheet gave: tombstones, rows refused, rows read."""

    tombstones: list[Tombstone]
    problems: list[RowProblem]
    rows: int


def read_tombstones(
    rows: Iterable[SheetRow], kinds: Collection[str], own_post: str
) -> DeletedSheet:
    """The tombstones of the Deleted sheet's rows; rows that are not one, or that name
    a record of another post than ``own_post`` (the workbook's), are refused."""
    sheet = fmt.DELETED
    tombstones: list[Tombstone] = []
    problems: list[RowProblem] = []
    count = 0
    for row in rows:
        count += 1
        found = list(row.problems)
        values = row.values
        kind = values.get("kind")
        if kind not in kinds:
            reason = f"Kind {kind!r} is not one of: {', '.join(kinds)}"
            found.append(RowProblem(sheet, row.number, "kind", reason))
        uuid = read_uuid(sheet, row, "uuid", found)
        revision = values.get("revision")
        if not isinstance(revision, int) or revision < 1:
            found.append(RowProblem(sheet, row.number, "revision", "Must be 1 or more"))
        deleted_at = values.get("deleted_at")
        if not isinstance(deleted_at, datetime):
            found.append(RowProblem(sheet, row.number, "deleted_at", "The time is missing"))
        post = values.get("post_code")
        if not isinstance(post, str) or not POST_CODE.match(post):
            reason = f"{post!r} is not a post code (like PK-ISB)"
            found.append(RowProblem(sheet, row.number, "post_code", reason))
        elif post != own_post:
            found.append(RowProblem(sheet, row.number, "post_code", not_own_post(post, own_post)))
        if found or uuid is None:
            problems.extend(found)
            continue
        assert isinstance(revision, int) and isinstance(deleted_at, datetime)
        tombstones.append(Tombstone(str(kind), uuid, revision, deleted_at, row.number))
    return DeletedSheet(tombstones, problems, count)
