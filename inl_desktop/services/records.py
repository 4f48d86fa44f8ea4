"""What every record service does alike: identity, revisions, the change log."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from inl_desktop.domain.drafts import PersonDraft, SeizureDraft, TrainingDraft
from inl_desktop.domain.errors import RecordNotFound, StaleRevision, UserError
from inl_desktop.domain.fields import RecordDef
from inl_desktop.domain.roles import Permission
from inl_desktop.services.context import AppContext
from inl_desktop.store.models import ChangeLogEntry, RecordColumns


@dataclass(frozen=True)
class Saved:
    """The identity of a record after a save."""

    uuid: str
    revision: int


T = TypeVar("T", bound=RecordColumns)
D = TypeVar("D", PersonDraft, SeizureDraft, TrainingDraft)


class Tracked(Protocol):
    """A record's identity: its UUID and revision (a stored record or a Saved)."""

    @property
    def uuid(self) -> str: ...

    @property
    def revision(self) -> int: ...


def new_uuid() -> str:
    """A new random UUID as text (the record's key everywhere, HQ included)."""
    return str(uuid_module.uuid4())


def draft_from_row(draft_type: type[D], values: Mapping[Any, Any], fields: Iterable[str]) -> D:
    """A top-level record's draft from its stored row: identity, status, ``fields``."""
    draft = draft_type(status=values["status"], uuid=values["uuid"], revision=values["revision"])
    for name in fields:
        setattr(draft, name, values[name])
    return draft


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


def check_editable(
    record: RecordColumns, expected: int | None, label: str, pronoun: str = "it"
) -> None:
    """Refuse an edit of a deleted record, or one made on an older revision."""
    if record.deleted_at is not None:
        raise UserError(f"This {label} was deleted; restore {pronoun} before editing")
    check_revision(record, expected, label)


class Identity(Protocol):
    """What a draft says of the record it saves."""

    @property
    def uuid(self) -> str | None: ...

    @property
    def revision(self) -> int | None: ...

    @property
    def status(self) -> str: ...


def start_save(
    session: Session,
    ctx: AppContext,
    record: RecordColumns,
    draft: Identity,
    label: str,
    before: Callable[[], dict[str, str]],
    pronoun: str = "it",
    reviewed: bool = True,
) -> dict[str, str]:
    """Stamp and add a new record (the draft has no UUID yet), or check and stamp the
    edit of a stored one; return its logged values before the save (none if new).

    ``before`` is read once the edit is allowed and before its revision is raised.
    ``reviewed``: the record's final status is a reviewer's (seizures and trainings);
    otherwise a clerk may save it final (persons).
    """
    check_role(ctx, record if draft.uuid is not None else None, draft.status, reviewed)
    if draft.uuid is None:
        stamp_new(record, ctx, draft.status)
        session.add(record)
        return {}
    check_editable(record, draft.revision, label, pronoun)
    values = before()
    stamp_change(record, ctx)
    return values


FINAL = "final"


def check_role(ctx: AppContext, stored: RecordColumns | None, status: str, reviewed: bool) -> None:
    """NotAllowed unless the user may save the record: a clerk enters and edits drafts; a
    reviewer marks them final and edits final ones."""
    ctx.require(Permission.EDIT_DRAFTS)
    if reviewed and FINAL in (status, stored.status if stored is not None else None):
        ctx.require(Permission.MARK_FINAL)


def find_record(session: Session, model: type[T], uuid: str, label: str) -> T:
    """The record with that UUID (deleted ones included) or RecordNotFound."""
    record = session.scalar(select(model).where(model.uuid == uuid))
    if record is None:
        raise RecordNotFound(f"No {label} with ID {uuid}")
    return record


def changed_fields(
    before: Mapping[str, str], after: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """The fields whose text differs (a missing one is empty), with the old and the new
    text: ``before``'s fields in their order, then those only ``after`` has."""
    fields = list(before) + [name for name in after if name not in before]
    pairs = ((field, before.get(field, ""), after.get(field, "")) for field in fields)
    return [(field, old, new) for field, old, new in pairs if old != new]


def log_changes(
    session: Session,
    ctx: AppContext,
    kind: str,
    record: Tracked,
    action: str,
    before: Mapping[str, str],
    after: Mapping[str, str],
) -> int:
    """Append one change-log entry per field whose value differs; return how many.

    An action that changes no field still gets one entry (with no field), so the
    record's history shows every revision.
    """
    changes: list[tuple[str | None, str | None, str | None]] = [
        (field, old or None, new or None) for field, old, new in changed_fields(before, after)
    ] or [(None, None, None)]
    now = ctx.now()
    for field, old, new in changes:
        session.add(
            ChangeLogEntry(
                record_kind=kind,
                record_uuid=record.uuid,
                revision=record.revision,
                action=action,
                field=field,
                old_value=old,
                new_value=new,
                changed_at=now,
                changed_by=ctx.user,
            )
        )
    return len(changes)


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
    session: Session,
    ctx: AppContext,
    record: RecordColumns,
    kind: str,
    deleted: bool,
    revision: int | None,
    label: str,
    reviewed: bool = True,
) -> Saved:
    """Soft-delete or restore a record, raising its revision and logging it; refused
    when ``revision`` is not the stored one (a ``label`` changed elsewhere)."""
    check_role(ctx, record, record.status, reviewed)
    check_revision(record, revision, label)
    if (record.deleted_at is not None) == deleted:
        return Saved(record.uuid, record.revision)
    stamp_change(record, ctx)
    record.deleted_at = ctx.now() if deleted else None
    record.deleted_by = ctx.user if deleted else None
    session.flush()
    log_changes(
        session,
        ctx,
        kind,
        record,
        "delete" if deleted else "restore",
        {"deleted": "" if deleted else "yes"},
        {"deleted": "yes" if deleted else ""},
    )
    return Saved(record.uuid, record.revision)
