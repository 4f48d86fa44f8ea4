"""What every record service does alike: identity, revisions, the change log."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from inl_desktop.domain.errors import RecordNotFound, StaleRevision
from inl_desktop.domain.fields import RecordDef
from inl_desktop.services.context import AppContext
from inl_desktop.store.models import ChangeLogEntry, RecordColumns


@dataclass(frozen=True)
class Saved:
    """The identity of a record after a save."""

    uuid: str
    revision: int


T = TypeVar("T", bound=RecordColumns)


class Tracked(Protocol):
    """A top-level record (the columns of RecordColumns)."""

    uuid: str
    revision: int


def new_uuid() -> str:
    """A new random UUID as text (the record's key everywhere, HQ included)."""
    return str(uuid_module.uuid4())


def display(value: object) -> str:
    """How a value is written in the change log."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(str(part) for part in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def stamp_new(record: RecordColumns, ctx: AppContext, status: str) -> None:
    """Fill the identity and audit columns of a record being created."""
    now = ctx.now()
    record.uuid = record.uuid or new_uuid()
    record.post_code = ctx.post().code
    record.revision = 1
    record.created_at = record.updated_at = now
    record.created_by = record.updated_by = ctx.user
    record.status = status


def stamp_change(record: RecordColumns, ctx: AppContext) -> None:
    """Raise the revision and record who changed the record and when."""
    record.revision = record.revision + 1
    record.updated_at = ctx.now()
    record.updated_by = ctx.user


def check_revision(record: Tracked, expected: int | None, label: str) -> None:
    """Refuse an edit made on an older revision than the one stored."""
    if expected is not None and expected != record.revision:
        raise StaleRevision(
            f"This {label} was changed elsewhere since you opened it "
            f"(revision {expected}, now {record.revision}); reopen it to see the changes"
        )


def find_record(session: Session, model: type[T], uuid: str, label: str) -> T:
    """The record with that UUID (deleted ones included) or RecordNotFound."""
    record = session.scalar(select(model).where(model.uuid == uuid))
    if record is None:
        raise RecordNotFound(f"No {label} with ID {uuid}")
    return record


def log_changes(
    session: Session,
    ctx: AppContext,
    *,
    kind: str,
    record_uuid: str,
    revision: int,
    action: str,
    before: Mapping[str, str],
    after: Mapping[str, str],
) -> int:
    """Append one change-log entry per field whose value differs; return how many."""
    now = ctx.now()
    written = 0
    for field in list(before) + [name for name in after if name not in before]:
        old, new = before.get(field, ""), after.get(field, "")
        if old == new:
            continue
        session.add(
            ChangeLogEntry(
                record_kind=kind,
                record_uuid=record_uuid,
                revision=revision,
                action=action,
                field=field,
                old_value=old or None,
                new_value=new or None,
                changed_at=now,
                changed_by=ctx.user,
            )
        )
        written += 1
    if written == 0:
        session.add(
            ChangeLogEntry(
                record_kind=kind,
                record_uuid=record_uuid,
                revision=revision,
                action=action,
                field=None,
                old_value=None,
                new_value=None,
                changed_at=now,
                changed_by=ctx.user,
            )
        )
        written = 1
    return written


def history(ctx: AppContext, record_uuid: str) -> list[ChangeLogEntry]:
    """A record's change log, oldest first."""
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(ChangeLogEntry)
                .where(ChangeLogEntry.record_uuid == record_uuid)
                .order_by(ChangeLogEntry.id)
            )
        )


def snapshot(
    record: RecordDef,
    draft: object,
    children: Mapping[str, tuple[RecordDef, Sequence[object]]] = {},
) -> dict[str, str]:
    """A record's values as text, keyed ``field`` and ``part[row].field`` for its parts."""
    values = {
        field.name: display(getattr(draft, field.name)) for field in record if not field.derived
    }
    for part_name, (part_def, parts) in children.items():
        for row, part in enumerate(parts, start=1):
            for field in part_def:
                if not field.derived:
                    values[f"{part_name}[{row}].{field.name}"] = display(getattr(part, field.name))
    return values


def mark_deleted(
    session: Session, ctx: AppContext, record: RecordColumns, kind: str, deleted: bool
) -> None:
    """Soft-delete or restore a record, raising its revision and logging it."""
    if (record.deleted_at is not None) == deleted:
        return
    stamp_change(record, ctx)
    record.deleted_at = ctx.now() if deleted else None
    record.deleted_by = ctx.user if deleted else None
    session.flush()
    log_changes(
        session,
        ctx,
        kind=kind,
        record_uuid=record.uuid,
        revision=record.revision,
        action="delete" if deleted else "restore",
        before={"deleted": "" if deleted else "yes"},
        after={"deleted": "yes" if deleted else ""},
    )
