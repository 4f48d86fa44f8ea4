"""One workbook merged in one transaction: decisions by revision, contents as text,
the change log and the conflicts.

Records are looked up in batches of UUIDs (one query per batch) and written with
multi-row INSERTs; the change log and the conflicts are written at the end in one go.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection

from inl_desktop.services.context import AppContext
from inl_desktop.services.records import changed_fields, display
from inl_desktop.store.bulk import BulkInserter, batched, marks
from inl_desktop.store.models import ChangeLogEntry, MergeConflict

ACTION = "merge"

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


def not_older(stored: Mapping[str, Stored], incoming: Iterable[tuple[str, int]]) -> list[int]:
    """The ids of the stored records whose contents the merge reads: those an incoming
    revision (``(uuid, revision)``) replaces or has to be compared with."""
    return [
        stored[uuid].id
        for uuid, revision in incoming
        if uuid in stored and revision >= stored[uuid].revision
    ]


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
    """A value as compared, logged and shown in a conflict (equal values, equal text):
    as the change log writes it, but a decimal without trailing zeros (2.50 is 2.5)
    and a timestamp with a space."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return display(value)


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

    def settled(self, kind: str, uuid: str, revision: int, outcome: Outcome | None) -> bool:
        """Count (and log) a record its revision alone settles, added or older than the
        stored one; False when it replaces the stored record or its contents decide."""
        if outcome is Outcome.ADDED:
            self.added(kind, uuid, revision)
            return True
        if outcome is Outcome.UNCHANGED:
            self.tally.count(Outcome.UNCHANGED)
            return True
        return False

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
        outcome: Outcome = Outcome.UPDATED,
    ) -> None:
        """Count (as ``outcome``) and log a record replaced by a newer revision: one
        entry per changed field."""
        self.tally.count(outcome)
        for name, old, new in changed_fields(before, after):
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
