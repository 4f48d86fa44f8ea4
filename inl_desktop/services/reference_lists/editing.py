"""Add, correct, retire, restore and delete the codes of a list, each change logged."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inl_desktop.domain.errors import FieldError, RecordNotFound, UserError, ValidationFailed
from inl_desktop.domain.roles import Permission
from inl_desktop.services.context import AppContext
from inl_desktop.services.records import Saved, log_changes
from inl_desktop.services.reference_lists.checks import (
    check_aliases,
    check_code,
    check_item,
    clean_attributes,
    normalise_code,
    parse_aliases,
)
from inl_desktop.services.reference_lists.specs import ListSpec, ReferenceEntry, list_spec
from inl_desktop.services.reference_lists.usage import (
    RECORD_NOUNS,
    attributes_of,
    count_uses,
    describe,
)
from inl_desktop.store.models import ChangeLogEntry, ReferenceItem
from inl_desktop.store.reference import join_aliases, split_stored_aliases

LOG_KIND = "reference"


class CodeInUse(UserError):
    """A code that records use cannot be deleted (it can be retired)."""


def _entry(item: ReferenceItem, in_use: int) -> ReferenceEntry:
    return ReferenceEntry(
        code=item.code,
        label=item.label,
        parent=item.parent_code,
        attributes=attributes_of(item.attributes),
        retired=item.retired,
        in_use=in_use,
        aliases=split_stored_aliases(item.aliases or ""),
    )


def list_items(
    ctx: AppContext, list_name: str, include_retired: bool = True
) -> list[ReferenceEntry]:
    """A list's codes in list order, with how many records use each."""
    list_spec(list_name)
    with ctx.sessions() as session:
        query = select(ReferenceItem).where(ReferenceItem.list_name == list_name)
        if not include_retired:
            query = query.where(ReferenceItem.retired.is_(False))
        items = session.scalars(query.order_by(ReferenceItem.position, ReferenceItem.id)).all()
        usage = count_uses(session, list_name)
        return [_entry(item, sum(usage.get(item.code, Counter()).values())) for item in items]


def _find(session: Session, spec: ListSpec, code: str) -> ReferenceItem:
    item = session.scalar(
        select(ReferenceItem).where(
            ReferenceItem.list_name == spec.name, ReferenceItem.code == code
        )
    )
    if item is None:
        raise RecordNotFound(f"{spec.title} has no code {code}")
    return item


def _snapshot(item: ReferenceItem) -> dict[str, str]:
    values = {"code": item.code, "label": item.label, "parent": item.parent_code or ""}
    for name, value in sorted(attributes_of(item.attributes).items()):
        values[f"attributes.{name}"] = value
    values["aliases"] = item.aliases or ""
    values["retired"] = "yes" if item.retired else ""
    return values


def _log(
    session: Session,
    ctx: AppContext,
    list_name: str,
    code: str,
    action: str,
    before: Mapping[str, str],
    after: Mapping[str, str],
) -> None:
    record_uuid = f"{list_name}:{code}"
    last = session.scalar(
        select(func.max(ChangeLogEntry.revision)).where(
            ChangeLogEntry.record_kind == LOG_KIND, ChangeLogEntry.record_uuid == record_uuid
        )
    )
    log_changes(session, ctx, LOG_KIND, Saved(record_uuid, (last or 0) + 1), action, before, after)


def add_item(
    ctx: AppContext,
    list_name: str,
    code: str,
    label: str,
    parent: str | None = None,
    attributes: Mapping[str, str] | None = None,
    aliases: str | Sequence[str] | None = None,
) -> ReferenceEntry:
    """Add a code at the end of a list; ValidationFailed names every bad field.

    ``aliases``: other names of the code, a sequence or one text separated by "|" or ";".
    """
    ctx.require(Permission.REFERENCE_LISTS)
    spec = list_spec(list_name)
    code, label = normalise_code(code), label.strip()
    parent = normalise_code(parent) if parent and parent.strip() else None
    cleaned = clean_attributes(spec, attributes, {})
    names = parse_aliases(aliases)
    with ctx.sessions.begin() as session:
        errors = check_code(spec, code)
        if not errors:
            existing = session.scalar(
                select(ReferenceItem).where(
                    ReferenceItem.list_name == list_name, ReferenceItem.code == code
                )
            )
            if existing is not None:
                state = " (retired; restore it instead)" if existing.retired else ""
                errors.append(
                    FieldError(
                        "code",
                        f"Code {code} is already in {spec.title.lower()}: {existing.label}{state}",
                    )
                )
        errors += check_item(session, spec, label, parent, cleaned, None)
        errors += check_aliases(session, spec, code, names)
        if errors:
            raise ValidationFailed(errors)
        last = session.scalar(
            select(func.max(ReferenceItem.position)).where(ReferenceItem.list_name == list_name)
        )
        item = ReferenceItem(
            list_name=list_name,
            code=code,
            label=label,
            parent_code=parent,
            attributes=json.dumps(cleaned, ensure_ascii=False, sort_keys=True),
            position=(last if last is not None else -1) + 1,
            retired=False,
            aliases=join_aliases(names),
        )
        session.add(item)
        session.flush()
        _log(session, ctx, list_name, code, "create", {}, _snapshot(item))
        entry = _entry(item, 0)
    ctx.forget_cached()
    return entry


def update_item(
    ctx: AppContext,
    list_name: str,
    code: str,
    label: str,
    parent: str | None,
    attributes: Mapping[str, str] | None,
    aliases: str | Sequence[str] | None = None,
) -> ReferenceEntry:
    """Correct a code's label, parent, attributes and aliases (the code itself stays).

    ``attributes`` None keeps the stored ones; so does ``aliases`` None (a sequence, or
    one text separated by "|" or ";", replaces them; "" removes them).
    """
    ctx.require(Permission.REFERENCE_LISTS)
    spec = list_spec(list_name)
    code, label = normalise_code(code), label.strip()
    parent = normalise_code(parent) if parent and parent.strip() else None
    with ctx.sessions.begin() as session:
        item = _find(session, spec, code)
        stored = attributes_of(item.attributes)
        cleaned = clean_attributes(spec, stored if attributes is None else attributes, stored)
        names = (
            split_stored_aliases(item.aliases or "") if aliases is None else parse_aliases(aliases)
        )
        errors = check_item(session, spec, label, parent, cleaned, item)
        if aliases is not None:
            errors += check_aliases(session, spec, code, names)
        if errors:
            raise ValidationFailed(errors)
        before = _snapshot(item)
        item.label, item.parent_code = label, parent
        item.attributes = json.dumps(cleaned, ensure_ascii=False, sort_keys=True)
        item.aliases = join_aliases(names)
        after = _snapshot(item)
        if after != before:
            _log(session, ctx, list_name, code, "update", before, after)
        usage = count_uses(session, list_name, code).get(code, Counter())
        entry = _entry(item, sum(usage.values()))
    ctx.forget_cached()
    return entry


def set_retired(ctx: AppContext, list_name: str, code: str, retired: bool) -> None:
    """Retire a code (kept for the records that hold it, not offered for new ones)
    or restore it."""
    ctx.require(Permission.REFERENCE_LISTS)
    spec = list_spec(list_name)
    with ctx.sessions.begin() as session:
        item = _find(session, spec, normalise_code(code))
        if item.retired == retired:
            return
        before = _snapshot(item)
        item.retired = retired
        action = "retire" if retired else "restore"
        _log(session, ctx, list_name, item.code, action, before, _snapshot(item))
    ctx.forget_cached()


def code_usage(ctx: AppContext, list_name: str, code: str) -> str:
    """What uses a code, in words ("2 seizures and 1 person"), "" when nothing does."""
    spec = list_spec(list_name)
    code = normalise_code(code)
    with ctx.sessions() as session:
        _find(session, spec, code)
        counts = count_uses(session, list_name, code).get(code)
    return describe(counts) if counts else ""


def _in_use_message(spec: ListSpec, item: ReferenceItem, counts: Counter[str]) -> str:
    total = f" ({sum(counts.values()):,} in all)" if len(counts) > 1 else ""
    deleted = ", deleted records included," if counts.keys() & RECORD_NOUNS else ""
    advice = (
        "It is already retired, so it is not offered for new records."
        if item.retired
        else "Retire it instead: the records keep it and it is no longer offered for new ones."
    )
    return (
        f"{spec.item_noun.capitalize()} {item.code} ({item.label}) is used by "
        f"{describe(counts)}{total}{deleted} and cannot be deleted. {advice}"
    )


def delete_item(ctx: AppContext, list_name: str, code: str) -> None:
    """Delete a code no record uses; CodeInUse (retire it instead) when one does."""
    ctx.require(Permission.REFERENCE_LISTS)
    spec = list_spec(list_name)
    code = normalise_code(code)
    with ctx.sessions.begin() as session:
        item = _find(session, spec, code)
        counts = count_uses(session, list_name, code).get(code)
        if counts:
            raise CodeInUse(_in_use_message(spec, item, counts))
        before = _snapshot(item)
        session.delete(item)
        _log(session, ctx, list_name, code, "delete", before, {})
    ctx.forget_cached()
