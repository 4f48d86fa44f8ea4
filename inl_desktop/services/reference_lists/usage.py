"""Where a list's codes are used: records (live or soft-deleted) and other lists' items.

The columns that hold codes are found from the field definitions of ``domain.fields``
and the models of each record kind (``store.models.RECORD_MODELS`` and
``CODES_TABLES``); the links between lists from ``LIST_SPECS``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import ColumnElement, FromClause, func, select, union
from sqlalchemy.orm import Session

from inl_desktop.domain.fields import ALL_RECORDS, FieldType
from inl_desktop.services.reference_lists.specs import LIST_SPECS
from inl_desktop.store.models import CODES_TABLES, RECORD_MODELS, PostIdentity, ReferenceItem

# Record kind of domain.fields -> the column naming the top-level record a row belongs
# to, and that record's noun in messages ("used by 2 seizures").
_OWNERS: dict[str, tuple[str, str]] = {
    "seizure": ("id", "seizure"),
    "seizure_item": ("event_id", "seizure"),
    "training": ("id", "training session"),
    "person": ("id", "person"),
    "enrollment": ("session_id", "training session"),
    "attendance_count": ("session_id", "training session"),
}

# The post's own country is a code of this list.
_POST_COUNTRY_LIST = "countries"


@dataclass(frozen=True)
class _CodeColumn:
    """A column of record codes of one list, with the id of the record that owns it."""

    list_name: str
    noun: str
    code: ColumnElement[str]
    owner_id: ColumnElement[int]


def _code_columns() -> tuple[_CodeColumn, ...]:
    """Every column that stores reference codes, from the field definitions."""
    columns = []
    for record in ALL_RECORDS:
        record_owner, noun = _OWNERS[record.kind]
        for field in record:
            if field.reference_list is None:
                continue
            table: FromClause
            if field.type is FieldType.CODES:
                codes = CODES_TABLES[(record.kind, field.name)]
                table, column, owner = codes.model.__table__, codes.code, codes.owner
            else:
                table = RECORD_MODELS[record.kind].__table__
                column, owner = field.name, record_owner
            columns.append(_CodeColumn(field.reference_list, noun, table.c[column], table.c[owner]))
    return tuple(columns)


_CODE_COLUMNS = _code_columns()
RECORD_NOUNS = {column.noun for column in _CODE_COLUMNS}


def _plural(noun: str, count: int) -> str:
    # Every noun of a use (seizure, training session, person, district, drug, post)
    # takes a plain "s".
    return noun if count == 1 else noun + "s"


def _record_usage(session: Session, list_name: str, code: str | None) -> dict[str, Counter[str]]:
    """Code -> {record noun: records holding it} (one code, or all when None)."""
    by_noun: dict[str, list[_CodeColumn]] = {}
    for column in _CODE_COLUMNS:
        if column.list_name == list_name:
            by_noun.setdefault(column.noun, []).append(column)
    usage: dict[str, Counter[str]] = {}
    for noun, columns in by_noun.items():
        # UNION (not UNION ALL): a seizure holding a code twice counts once.
        pairs = union(
            *(
                select(c.code.label("code"), c.owner_id.label("owner")).where(
                    c.code == code if code is not None else c.code.is_not(None)
                )
                for c in columns
            )
        ).subquery()
        query = select(pairs.c.code, func.count()).group_by(pairs.c.code)
        for found, count in session.execute(query):
            usage.setdefault(found, Counter())[noun] += count
    return usage


def _reference_usage(session: Session, list_name: str) -> dict[str, Counter[str]]:
    """Code -> {noun: items} of other lists that point at it (and the post's country)."""
    usage: dict[str, Counter[str]] = {}
    for spec in LIST_SPECS:
        links = [a.name for a in spec.attributes if a.reference_list == list_name]
        if spec.parent_list != list_name and not links:
            continue
        items = session.execute(
            select(ReferenceItem.parent_code, ReferenceItem.attributes).where(
                ReferenceItem.list_name == spec.name
            )
        )
        for parent_code, attributes_text in items:
            attributes = attributes_of(attributes_text)
            targets = {attributes.get(name, "") for name in links}
            if spec.parent_list == list_name:
                targets.add(parent_code or "")
            for target in targets - {""}:
                usage.setdefault(target, Counter())[spec.item_noun] += 1
    if list_name == _POST_COUNTRY_LIST:
        country = session.scalar(select(PostIdentity.country))
        if country:
            usage.setdefault(country, Counter())["post"] += 1
    return usage


def count_uses(
    session: Session, list_name: str, code: str | None = None
) -> dict[str, Counter[str]]:
    """Code -> {noun: how many hold it} of records and reference items (one code, or
    all the list's codes when None)."""
    usage = _record_usage(session, list_name, code)
    for found, counts in _reference_usage(session, list_name).items():
        if code is None or found == code:
            usage.setdefault(found, Counter()).update(counts)
    return usage


def describe(counts: Counter[str]) -> str:
    """The uses in words, for messages: "2 seizures and 1 person"."""
    parts = [
        "the post" if noun == "post" else f"{n:,} {_plural(noun, n)}"
        for noun, n in sorted(counts.items())
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def attributes_of(text: str | None) -> dict[str, str]:
    """An item's stored attributes (JSON text) as text values, blank for null."""
    loaded = json.loads(text or "{}")
    return {str(k): "" if v is None else str(v) for k, v in loaded.items()}
