"""What merging every record kind shares: decisions by revision, record contents as text,
the change log and the conflicts, and tombstones.

One ``MergeRun`` is one workbook merged inside one transaction. Records are looked up
in batches of UUIDs (one query per batch), written with executemany, and the change
log and conflict rows are written at the end in one go.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, bindparam, update

from inl_desktop.domain.errors import FieldError
from inl_desktop.domain.fields import RECORD_STATUS, RecordDef
from inl_desktop.exchange.reader import RowProblem, SheetRow
from inl_desktop.services.context import AppContext
from inl_desktop.store.bulk import BulkInserter
from inl_desktop.store.models import ChangeLogEntry, MergeConflict

BATCH = 500
ACTION = "merge"
T = TypeVar("T")
UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
POST_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,10}$")
AUTHOR_LENGTH = 100

_LOG_COLUMNS = [
    "record_kind",
    "record_uuid",
    "revision",
    "action",
    "field",
    "old_value",
    "new_value",
    "changed_at",
    "changed_by",
]


class Outcome(StrEnum):
    """What merging one incoming record did at HQ."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    CONFLICT = "conflicts"


@dataclass
class Tally:
    """Records added, updated, unchanged, deleted and in conflict."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: int = 0

    def count(self, outcome: Outcome, amount: int = 1) -> None:
        """Count ``amount`` records with that outcome."""
        setattr(self, outcome.value, getattr(self, outcome.value) + amount)


@dataclass(frozen=True)
class Stored:
    """What the database holds of a record with an incoming UUID."""

    id: int
    revision: int
    deleted: bool


def batched(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    """``?, ?, ?`` for an IN list of ``count`` values."""
    return ", ".join("?" * count)


def lookup(connection: Connection, table: str, uuids: Sequence[str]) -> dict[str, Stored]:
    """The stored records of ``table`` with those UUIDs (deleted ones included)."""
    found: dict[str, Stored] = {}
    for batch in batched(uuids):
        rows = connection.exec_driver_sql(
            f"SELECT uuid, id, revision, deleted_at IS NOT NULL FROM {table} "
            f"WHERE uuid IN ({marks(len(batch))})",
            tuple(batch),
        )
        for uuid, id_, revision, deleted in rows:
            found[uuid] = Stored(id_, revision, bool(deleted))
    return found


def next_id(connection: Connection, table: str) -> int:
    """The first free id of a table (ids are given out in the merge's own transaction)."""
    value = connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar()
    return int(value or 0) + 1


def decide(stored: Stored | None, revision: int) -> Outcome | None:
    """By revision alone: added, updated (replaced), unchanged, or None for the same
    revision (then the contents decide between unchanged and conflict)."""
    if stored is None:
        return Outcome.ADDED
    if revision > stored.revision:
        return Outcome.UPDATED
    if revision < stored.revision:
        return Outcome.UNCHANGED
    return None


def text_of(value: object) -> str:
    """A value as compared, logged and shown in a conflict (equal values, equal text)."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(str(part) for part in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def contents(
    values: object,
    names: Iterable[str],
    parts: Mapping[str, tuple[Sequence[object], Sequence[str]]],
) -> dict[str, str]:
    """A record's content as text: ``field``, and ``part[n].field`` for its parts (from 1).

    ``values`` and the parts are drafts (read by attribute); ``names`` are the fields
    compared, so fields a workbook's profile leaves out are left out of the comparison.
    """
    content = {name: text_of(getattr(values, name)) for name in names}
    for part_name, (rows, part_names) in parts.items():
        for number, row in enumerate(rows, start=1):
            for name in part_names:
                content[f"{part_name}[{number}].{name}"] = text_of(getattr(row, name))
    return content


@dataclass(frozen=True)
class Audit:
    """Who made a record where, and when it was created and last changed (at the post)."""

    post_code: str
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


def read_uuid(sheet: str, row: SheetRow, key: str, problems: list[RowProblem]) -> str | None:
    """The row's UUID in column ``key``, or None (and a problem) when it is not one."""
    value = row.values.get(key)
    if value is None or not UUID.match(value):
        reason = "is empty" if value is None else f"{value[:40]!r} is not a UUID"
        problems.append(RowProblem(sheet, row.number, key, f"The record ID {reason}"))
        return None
    return str(value)


def read_identity(
    sheet: str, row: SheetRow, uuid_key: str, problems: list[RowProblem]
) -> tuple[str, int, str, Audit] | None:
    """A top-level record's UUID, revision, status and audit columns; None (with
    problems added) when any of them is missing or malformed."""
    before = len(problems)
    values = row.values
    uuid = read_uuid(sheet, row, uuid_key, problems)

    def problem(key: str, reason: str) -> None:
        problems.append(RowProblem(sheet, row.number, key, reason))

    revision = values.get("revision")
    if not isinstance(revision, int) or revision < 1:
        problem("revision", "The revision must be a whole number from 1 up")
    status = values.get("status")
    if status not in dict(RECORD_STATUS):
        problem("status", "Record status must be draft or final")
    post = values.get("post_code")
    if not isinstance(post, str) or not POST_CODE.match(post):
        problem("post_code", f"{post!r} is not a post code (like PK-ISB)")
    for key in ("created_at", "updated_at"):
        if values.get(key) is None:
            problem(key, "The time is missing")
    for key in ("created_by", "updated_by"):
        author = values.get(key)
        if not author or len(author) > AUTHOR_LENGTH:
            problem(key, f"The author is missing or longer than {AUTHOR_LENGTH} characters")
    if len(problems) > before or uuid is None:
        return None
    assert isinstance(revision, int) and isinstance(status, str) and isinstance(post, str)
    audit = Audit(
        post,
        values["created_at"],
        values["created_by"],
        values["updated_at"],
        values["updated_by"],
    )
    return uuid, revision, status, audit


def field_problems(
    sheet: str,
    errors: Iterable[FieldError],
    rows: Sequence[int],
    first_row: int,
    renames: Mapping[str, str] = {},
) -> list[RowProblem]:
    """Domain field errors as row problems: a part's error on that part's row (``rows``),
    the record's own on ``first_row``; ``renames`` maps field names to column keys."""
    problems = []
    for error in errors:
        number = rows[error.row] if error.row is not None and error.row < len(rows) else first_row
        problems.append(
            RowProblem(sheet, number, renames.get(error.field, error.field), error.message)
        )
    return problems


def missing(
    sheet: str, row: int, record: RecordDef, draft: object, names: Iterable[str]
) -> list[RowProblem]:
    """Problems for the fields a draft may leave blank but the database may not."""
    return [
        RowProblem(sheet, row, name, f"{record[name].label} is required")
        for name in names
        if getattr(draft, name) is None
    ]


@dataclass
class _Conflict:
    kind: str
    uuid: str
    revision: int
    stored: str
    incoming: str


@dataclass
class MergeRun:
    """One workbook being merged: the open transaction, who merges, what changed."""

    ctx: AppContext
    connection: Connection
    source: str
    tally: Tally = field(default_factory=Tally)
    now: datetime = field(init=False)
    _log: list[tuple[Any, ...]] = field(default_factory=list, init=False)
    _conflicts: list[_Conflict] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.now = self.ctx.now()

    @property
    def user(self) -> str:
        """The HQ user merging (the author of the change-log entries)."""
        return self.ctx.user

    def _entry(
        self, kind: str, uuid: str, revision: int, name: str, old: str | None, new: str | None
    ) -> None:
        self._log.append((kind, uuid, revision, ACTION, name, old, new, self.now, self.user))

    def added(self, kind: str, uuid: str, revision: int) -> None:
        """Count and log a record added from the workbook."""
        self.tally.count(Outcome.ADDED)
        self._entry(kind, uuid, revision, "merged_from", None, self.source)

    def updated(
        self,
        kind: str,
        uuid: str,
        revision: int,
        before: Mapping[str, str],
        after: Mapping[str, str],
    ) -> None:
        """Count and log a record replaced by a newer revision: one entry per changed field."""
        self.tally.count(Outcome.UPDATED)
        for name in list(before) + [name for name in after if name not in before]:
            old, new = before.get(name, ""), after.get(name, "")
            if old != new:
                self._entry(kind, uuid, revision, name, old or None, new or None)
        self._entry(kind, uuid, revision, "merged_from", None, self.source)

    def deleted(self, kind: str, uuid: str, revision: int) -> None:
        """Count and log a record deleted by a tombstone."""
        self.tally.count(Outcome.DELETED)
        self._entry(kind, uuid, revision, "deleted", None, "yes")
        self._entry(kind, uuid, revision, "merged_from", None, self.source)

    def conflict(
        self,
        kind: str,
        uuid: str,
        revision: int,
        stored: Mapping[str, str],
        incoming: Mapping[str, str],
    ) -> None:
        """Count a same-revision record with other content and keep both versions."""
        self.tally.count(Outcome.CONFLICT)
        self._conflicts.append(
            _Conflict(kind, uuid, revision, _as_json(stored), _as_json(incoming))
        )

    def finish(self) -> None:
        """Write the change log and the conflicts not already kept (still undecided)."""
        BulkInserter(self.connection, ChangeLogEntry, _LOG_COLUMNS).insert(self._log)
        self._log.clear()
        kept: set[tuple[str, int, str]] = set()
        uuids = sorted({conflict.uuid for conflict in self._conflicts})
        for batch in batched(uuids):
            rows = self.connection.exec_driver_sql(
                "SELECT record_uuid, revision, incoming FROM merge_conflicts "
                f"WHERE resolved_at IS NULL AND record_uuid IN ({marks(len(batch))})",
                tuple(batch),
            )
            kept.update((uuid, revision, incoming) for uuid, revision, incoming in rows)
        new = [
            (c.kind, c.uuid, c.revision, self.source, c.stored, c.incoming, self.now)
            for c in self._conflicts
            if (c.uuid, c.revision, c.incoming) not in kept
        ]
        BulkInserter(
            self.connection,
            MergeConflict,
            [
                "record_kind",
                "record_uuid",
                "revision",
                "source_file",
                "stored",
                "incoming",
                "detected_at",
            ],
        ).insert(new)
        self._conflicts.clear()


def _as_json(content: Mapping[str, str]) -> str:
    return json.dumps(dict(content), ensure_ascii=False, sort_keys=True)


# -- tombstones ----------------------------------------------------------------------------


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


def read_tombstones(rows: Iterable[SheetRow], kinds: Collection[str]) -> DeletedSheet:
    """The tombstones of the Deleted sheet's rows; rows that are not one are refused."""
    sheet = "Deleted"
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
        if found or uuid is None:
            problems.extend(found)
            continue
        assert isinstance(revision, int) and isinstance(deleted_at, datetime)
        tombstones.append(Tombstone(str(kind), uuid, revision, deleted_at, row.number))
    return DeletedSheet(tombstones, problems, count)
