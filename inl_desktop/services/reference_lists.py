"""Edit the reference lists in the app: add, correct, retire, restore and delete codes,
and the aliases of a code (other names an import recognises: "KPK" for Khyber
Pakhtunkhwa).

Records store codes, so a code that any record uses (live or soft-deleted) is never
deleted: it is retired instead, stays valid for the records that hold it and is no
longer offered for new ones. Where each list's codes are used is derived from the
field definitions of ``domain.fields`` (``_RECORD_STORAGE`` maps a record kind to
its table) and from the links between lists declared in ``LIST_SPECS``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import ColumnElement, FromClause, func, select, union
from sqlalchemy.orm import Session

from inl_desktop.domain.errors import FieldError, RecordNotFound, UserError, ValidationFailed
from inl_desktop.domain.fields import ALL_RECORDS, FieldType
from inl_desktop.domain.units import UnitKind
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.spellings import spelling_key, split_aliases
from inl_desktop.services.records import log_changes
from inl_desktop.store.models import (
    AttendanceCount,
    ChangeLogEntry,
    Enrollment,
    Person,
    PostIdentity,
    ReferenceItem,
    SeizureEvent,
    SeizureItem,
    SeizureJointAgency,
    SeizureTransitCountry,
    TrainingSession,
)
from inl_desktop.store.reference import join_aliases, split_stored_aliases

LOG_KIND = "reference"
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")
LABEL_LIMIT = 200
ATTRIBUTE_LIMIT = 200
ALIASES_LIMIT = 1000


class UnknownList(UserError):
    """A list name that is not one of the editable reference lists."""


class CodeInUse(UserError):
    """A code that records use cannot be deleted (it can be retired)."""


# --- What the lists hold ------------------------------------------------------------


@dataclass(frozen=True)
class AttributeSpec:
    """A list-specific value kept in an item's attributes.

    ``kind`` is "text", "decimal" (a positive number or blank), "choice" (one of
    ``choices``), "code" (a code of ``reference_list``) or "flag" ("1" or "0").
    """

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    reference_list: str | None = None
    short_label: str = ""

    @property
    def header(self) -> str:
        """The attribute's name as a table column header."""
        return self.short_label or self.label


@dataclass(frozen=True)
class ListSpec:
    """An editable list: its title, its parent list and its attributes."""

    name: str
    title: str
    item_noun: str
    parent_list: str | None = None
    parent_label: str = ""
    attributes: tuple[AttributeSpec, ...] = ()
    code_pattern: re.Pattern[str] = CODE_PATTERN
    code_rule: str = "1 to 40 capital letters, digits, _ or -, starting with a letter or digit"

    def attribute(self, name: str) -> AttributeSpec | None:
        """The spec of one attribute, None when the list does not declare it."""
        return next((a for a in self.attributes if a.name == name), None)


UNIT_KINDS = tuple((kind.value, kind.value.capitalize()) for kind in UnitKind)
AGENCY_KINDS = (("federal", "Federal"), ("provincial", "Provincial"), ("other", "Other"))

LIST_SPECS: tuple[ListSpec, ...] = (
    ListSpec(
        "agencies",
        "Agencies",
        "agency",
        attributes=(AttributeSpec("kind", "Kind", "choice", choices=AGENCY_KINDS),),
    ),
    ListSpec(
        "drugs",
        "Drugs",
        "drug",
        attributes=(
            AttributeSpec("group", "Group", "code", required=True, reference_list="drug_groups"),
            AttributeSpec(
                "mass_per_unit_g", "Mass per unit (g)", "decimal", short_label="g per unit"
            ),
            AttributeSpec("counted", "Counted by the piece", "flag", short_label="Counted"),
        ),
    ),
    ListSpec("drug_groups", "Drug groups", "drug group"),
    ListSpec(
        "units",
        "Units",
        "unit",
        attributes=(
            AttributeSpec("kind", "Kind", "choice", required=True, choices=UNIT_KINDS),
            AttributeSpec(
                "kg_per_unit", "Kilograms per unit", "decimal", short_label="kg per unit"
            ),
        ),
    ),
    ListSpec("provinces", "Provinces", "province"),
    ListSpec(
        "districts", "Districts", "district", parent_list="provinces", parent_label="Province"
    ),
    ListSpec("transport_modes", "Transport modes", "transport mode"),
    ListSpec("concealment_methods", "Concealment methods", "concealment method"),
    ListSpec("installations", "Installations", "installation"),
    ListSpec("route_types", "Route types", "route type"),
    ListSpec(
        "countries",
        "Countries",
        "country",
        # Records keep country codes in two-character columns (ISO 3166-1 alpha-2).
        code_pattern=re.compile(r"^[A-Z]{2}$"),
        code_rule="two capital letters (ISO 3166-1 alpha-2)",
    ),
    ListSpec("audience_categories", "Audience categories", "audience category"),
    ListSpec("training_topics", "Training topics", "training topic"),
    ListSpec("funding_programs", "Funding programs", "funding program"),
    ListSpec("venue_types", "Venue types", "venue type"),
)
_SPECS = {spec.name: spec for spec in LIST_SPECS}


def editable_lists() -> list[tuple[str, str]]:
    """(list name, title) of every list the settings page edits, in display order."""
    return [(spec.name, spec.title) for spec in LIST_SPECS]


def list_spec(list_name: str) -> ListSpec:
    """What an editable list holds; UnknownList for any other name."""
    try:
        return _SPECS[list_name]
    except KeyError:
        raise UnknownList(f"{list_name!r} is not an editable reference list") from None


@dataclass(frozen=True)
class ReferenceEntry:
    """One code of a list as the settings page shows it.

    ``in_use`` counts the records (seizures, training sessions, persons; deleted
    ones included) and reference items (districts of a province, drugs of a group,
    the post of a country) that hold the code. ``aliases`` are the code's other
    names, which an import recognises in a post's files.
    """

    code: str
    label: str
    parent: str | None
    attributes: dict[str, str]
    retired: bool
    in_use: int
    aliases: tuple[str, ...] = ()


# --- Where codes are used -----------------------------------------------------------


@dataclass(frozen=True)
class _Storage:
    """The table of one record kind and the top-level record its rows belong to."""

    table: FromClause
    owner_id: str
    noun: str


# Record kind of domain.fields -> where its rows are stored.
_RECORD_STORAGE: dict[str, _Storage] = {
    "seizure": _Storage(SeizureEvent.__table__, "id", "seizure"),
    "seizure_item": _Storage(SeizureItem.__table__, "event_id", "seizure"),
    "training": _Storage(TrainingSession.__table__, "id", "training session"),
    "person": _Storage(Person.__table__, "id", "person"),
    "enrollment": _Storage(Enrollment.__table__, "session_id", "training session"),
    "attendance_count": _Storage(AttendanceCount.__table__, "session_id", "training session"),
}
# Multi-code fields (FieldType.CODES) live in tables of their own, one row per code.
_CODES_STORAGE: dict[tuple[str, str], tuple[_Storage, str]] = {
    ("seizure", "joint_agencies"): (
        _Storage(SeizureJointAgency.__table__, "event_id", "seizure"),
        "agency",
    ),
    ("seizure", "transit_countries"): (
        _Storage(SeizureTransitCountry.__table__, "event_id", "seizure"),
        "country",
    ),
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
        for field in record:
            if field.reference_list is None:
                continue
            if field.type is FieldType.CODES:
                storage, column = _CODES_STORAGE[(record.kind, field.name)]
            else:
                storage, column = _RECORD_STORAGE[record.kind], field.name
            columns.append(
                _CodeColumn(
                    field.reference_list,
                    storage.noun,
                    storage.table.c[column],
                    storage.table.c[storage.owner_id],
                )
            )
    return tuple(columns)


_CODE_COLUMNS = _code_columns()
_RECORD_NOUNS = {column.noun for column in _CODE_COLUMNS}


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
            attributes = _attributes_of(attributes_text)
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


def _usage(session: Session, list_name: str, code: str | None = None) -> dict[str, Counter[str]]:
    usage = _record_usage(session, list_name, code)
    for found, counts in _reference_usage(session, list_name).items():
        if code is None or found == code:
            usage.setdefault(found, Counter()).update(counts)
    return usage


def _describe(counts: Counter[str]) -> str:
    parts = [
        "the post" if noun == "post" else f"{n:,} {_plural(noun, n)}"
        for noun, n in sorted(counts.items())
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# --- Reading ------------------------------------------------------------------------


def _attributes_of(text: str | None) -> dict[str, str]:
    loaded = json.loads(text or "{}")
    return {str(k): "" if v is None else str(v) for k, v in loaded.items()}


def _entry(item: ReferenceItem, in_use: int) -> ReferenceEntry:
    return ReferenceEntry(
        code=item.code,
        label=item.label,
        parent=item.parent_code,
        attributes=_attributes_of(item.attributes),
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
        usage = _usage(session, list_name)
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


# --- Validation ---------------------------------------------------------------------


def normalise_code(code: str) -> str:
    """A code as stored: no surrounding blanks, capital letters."""
    return code.strip().upper()


def _positive_decimal(text: str) -> bool:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return False
    return value.is_finite() and value > 0


def _check_code(spec: ListSpec, code: str) -> list[FieldError]:
    if not code:
        return [FieldError("code", "Code is required")]
    if not spec.code_pattern.fullmatch(code):
        return [FieldError("code", f"Code {code!r} must be {spec.code_rule}")]
    return []


def _check_link(
    session: Session,
    field: str,
    label: str,
    target_list: str,
    value: str | None,
    stored: str | None,
) -> list[FieldError]:
    """A parent or linked code must exist in its list and, when newly chosen, be live."""
    if not value:
        return [FieldError(field, f"{label} is required")]
    target = session.scalar(
        select(ReferenceItem).where(
            ReferenceItem.list_name == target_list, ReferenceItem.code == value
        )
    )
    title = list_spec(target_list).title
    if target is None:
        return [FieldError(field, f"{label} {value!r} is not in the list of {title.lower()}")]
    if target.retired and value != stored:
        return [FieldError(field, f"{label} {value} is retired; choose a current one")]
    return []


def _check_attribute(attribute: AttributeSpec, value: str) -> list[FieldError]:
    name, label = attribute.name, attribute.label
    if len(value) > ATTRIBUTE_LIMIT:
        return [FieldError(name, f"{label} must be at most {ATTRIBUTE_LIMIT} characters")]
    if not value:
        return [FieldError(name, f"{label} is required")] if attribute.required else []
    if attribute.kind == "decimal" and not _positive_decimal(value):
        return [FieldError(name, f"{label} must be a positive number, such as 0.5, or blank")]
    if attribute.kind == "choice" and value not in dict(attribute.choices):
        allowed = ", ".join(code for code, _ in attribute.choices)
        return [FieldError(name, f"{label} must be one of {allowed}")]
    if attribute.kind == "flag" and value not in ("0", "1"):
        return [FieldError(name, f"{label} must be 1 (yes) or 0 (no)")]
    return []


def _unit_errors(attributes: Mapping[str, str]) -> list[FieldError]:
    kind, kg = attributes.get("kind", ""), attributes.get("kg_per_unit", "")
    if kind in (UnitKind.MASS, UnitKind.VOLUME) and not kg:
        return [
            FieldError(
                "kg_per_unit",
                f"Kilograms per unit is required for a {kind} unit (1 for a litre, "
                "0.001 for a gram)",
            )
        ]
    if kind == UnitKind.COUNT and kg:
        return [
            FieldError(
                "kg_per_unit",
                "Kilograms per unit must be blank for a counted unit: the drug's mass "
                "per unit converts it",
            )
        ]
    return []


def _clean_attributes(
    spec: ListSpec, attributes: Mapping[str, str] | None, stored: Mapping[str, str]
) -> dict[str, str]:
    """Declared attributes from ``attributes``; undeclared ones (extra columns of a
    country's files) as given, else as stored."""
    given = {str(k): (v or "").strip() for k, v in (attributes or {}).items()}
    cleaned = {k: v for k, v in stored.items() if spec.attribute(k) is None}
    cleaned.update(given)
    for attribute in spec.attributes:
        value = cleaned.get(attribute.name, "")
        if attribute.kind == "choice":
            value = value.lower()
        elif attribute.kind == "code":
            value = normalise_code(value)
        elif attribute.kind == "flag":
            value = value or "0"
        cleaned[attribute.name] = value
    return cleaned


def _check_item(
    session: Session,
    spec: ListSpec,
    label: str,
    parent: str | None,
    attributes: Mapping[str, str],
    stored: ReferenceItem | None,
) -> list[FieldError]:
    """Every problem with an item's label, parent and attributes."""
    errors = []
    if not label:
        errors.append(FieldError("label", "Label is required"))
    elif len(label) > LABEL_LIMIT:
        errors.append(FieldError("label", f"Label must be at most {LABEL_LIMIT} characters"))
    stored_attributes = _attributes_of(stored.attributes) if stored else {}
    if spec.parent_list is not None:
        errors += _check_link(
            session,
            "parent",
            spec.parent_label,
            spec.parent_list,
            parent,
            stored.parent_code if stored else None,
        )
    elif parent:
        errors.append(FieldError("parent", f"{spec.title} have no parent"))
    for attribute in spec.attributes:
        value = attributes.get(attribute.name, "")
        if attribute.kind == "code" and attribute.reference_list and (value or attribute.required):
            errors += _check_link(
                session,
                attribute.name,
                attribute.label,
                attribute.reference_list,
                value,
                stored_attributes.get(attribute.name),
            )
        else:
            errors += _check_attribute(attribute, value)
    for name, value in attributes.items():
        if spec.attribute(name) is None and len(value) > ATTRIBUTE_LIMIT:
            errors.append(FieldError(name, f"{name} must be at most {ATTRIBUTE_LIMIT} characters"))
    if spec.name == "units":
        errors += _unit_errors(attributes)
        if stored is not None and not errors:
            errors += _unit_conversion_kept(session, spec, stored, attributes)
    return errors


def parse_aliases(aliases: str | Sequence[str] | None) -> tuple[str, ...]:
    """Aliases as given: one text separated by "|" or ";", or a sequence of names;
    blanks dropped, and a name spelled like an earlier one (case, punctuation and word
    order aside) kept once."""
    if aliases is None:
        return ()
    names = split_aliases(aliases) if isinstance(aliases, str) else tuple(aliases)
    kept: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())
        if name:
            kept.setdefault(spelling_key(name) or name, name)
    return tuple(kept.values())


def _check_aliases(
    session: Session, spec: ListSpec, code: str, aliases: tuple[str, ...]
) -> list[FieldError]:
    """Aliases must be words, and none may name another current code of the list
    (its code, label or aliases): an import would not know which one it means."""
    errors = []
    if len(join_aliases(aliases)) > ALIASES_LIMIT:
        errors.append(
            FieldError("aliases", f"Aliases must be at most {ALIASES_LIMIT} characters in all")
        )
    for name in aliases:
        if any(separator in name for separator in "|;"):
            errors.append(FieldError("aliases", f"Alias {name!r} cannot hold | or ;"))
        elif not spelling_key(name):
            errors.append(FieldError("aliases", f"Alias {name!r} has no letters or digits"))
    if errors or not aliases:
        return errors
    others: dict[str, ReferenceItem] = {}
    for item in session.scalars(
        select(ReferenceItem).where(
            ReferenceItem.list_name == spec.name,
            ReferenceItem.code != code,
            ReferenceItem.retired.is_(False),
        )
    ):
        for name in (item.code, item.label, *split_stored_aliases(item.aliases or "")):
            others.setdefault(spelling_key(name), item)
    for name in aliases:
        other = others.get(spelling_key(name))
        if other is not None:
            errors.append(
                FieldError(
                    "aliases",
                    f"Alias {name!r} already names {other.code} ({other.label}) in "
                    f"{spec.title.lower()}",
                )
            )
    return errors


def _unit_conversion_kept(
    session: Session, spec: ListSpec, stored: ReferenceItem, attributes: Mapping[str, str]
) -> list[FieldError]:
    """Seizure items keep kg-equivalents computed with a unit's factor: it stays put."""
    before = _attributes_of(stored.attributes)
    changed = [
        name
        for name in ("kind", "kg_per_unit")
        if not _same_value(before.get(name, ""), attributes.get(name, ""))
    ]
    if not changed:
        return []
    usage = _usage(session, spec.name, stored.code).get(stored.code)
    if not usage:
        return []
    label = next(a.label for a in spec.attributes if a.name == changed[0])
    return [
        FieldError(
            changed[0],
            f"{label} of {stored.code} cannot change: {_describe(usage)} hold kg-equivalents "
            "computed with it. Add a new unit and retire this one instead.",
        )
    ]


def _same_value(old: str, new: str) -> bool:
    if old == new:
        return True
    try:
        return Decimal(old) == Decimal(new)
    except InvalidOperation:
        return False


# --- Changes ------------------------------------------------------------------------


def _snapshot(item: ReferenceItem) -> dict[str, str]:
    values = {"code": item.code, "label": item.label, "parent": item.parent_code or ""}
    for name, value in sorted(_attributes_of(item.attributes).items()):
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
    log_changes(
        session,
        ctx,
        kind=LOG_KIND,
        record_uuid=record_uuid,
        revision=(last or 0) + 1,
        action=action,
        before=before,
        after=after,
    )


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
    spec = list_spec(list_name)
    code, label = normalise_code(code), label.strip()
    parent = normalise_code(parent) if parent and parent.strip() else None
    cleaned = _clean_attributes(spec, attributes, {})
    names = parse_aliases(aliases)
    with ctx.sessions.begin() as session:
        errors = _check_code(spec, code)
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
        errors += _check_item(session, spec, label, parent, cleaned, None)
        errors += _check_aliases(session, spec, code, names)
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
    spec = list_spec(list_name)
    code, label = normalise_code(code), label.strip()
    parent = normalise_code(parent) if parent and parent.strip() else None
    with ctx.sessions.begin() as session:
        item = _find(session, spec, code)
        stored = _attributes_of(item.attributes)
        cleaned = _clean_attributes(spec, stored if attributes is None else attributes, stored)
        names = (
            split_stored_aliases(item.aliases or "") if aliases is None else parse_aliases(aliases)
        )
        errors = _check_item(session, spec, label, parent, cleaned, item)
        if aliases is not None:
            errors += _check_aliases(session, spec, code, names)
        if errors:
            raise ValidationFailed(errors)
        before = _snapshot(item)
        item.label, item.parent_code = label, parent
        item.attributes = json.dumps(cleaned, ensure_ascii=False, sort_keys=True)
        item.aliases = join_aliases(names)
        after = _snapshot(item)
        if after != before:
            _log(session, ctx, list_name, code, "update", before, after)
        usage = _usage(session, list_name, code).get(code, Counter())
        entry = _entry(item, sum(usage.values()))
    ctx.forget_cached()
    return entry


def set_retired(ctx: AppContext, list_name: str, code: str, retired: bool) -> None:
    """Retire a code (kept for the records that hold it, not offered for new ones)
    or restore it."""
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
        counts = _usage(session, list_name, code).get(code)
    return _describe(counts) if counts else ""


def _in_use_message(spec: ListSpec, item: ReferenceItem, counts: Counter[str]) -> str:
    total = f" ({sum(counts.values()):,} in all)" if len(counts) > 1 else ""
    deleted = ", deleted records included," if counts.keys() & _RECORD_NOUNS else ""
    advice = (
        "It is already retired, so it is not offered for new records."
        if item.retired
        else "Retire it instead: the records keep it and it is no longer offered for new ones."
    )
    return (
        f"{spec.item_noun.capitalize()} {item.code} ({item.label}) is used by "
        f"{_describe(counts)}{total}{deleted} and cannot be deleted. {advice}"
    )


def delete_item(ctx: AppContext, list_name: str, code: str) -> None:
    """Delete a code no record uses; CodeInUse (retire it instead) when one does."""
    spec = list_spec(list_name)
    code = normalise_code(code)
    with ctx.sessions.begin() as session:
        item = _find(session, spec, code)
        counts = _usage(session, list_name, code).get(code)
        if counts:
            raise CodeInUse(_in_use_message(spec, item, counts))
        before = _snapshot(item)
        session.delete(item)
        _log(session, ctx, list_name, code, "delete", before, {})
    ctx.forget_cached()
