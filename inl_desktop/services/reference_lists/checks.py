"""The rules an item of a reference list must meet before it is saved.

Each check returns field errors (for the settings page to show beside the field);
the editing functions raise them together as ValidationFailed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from inl_desktop.domain.errors import FieldError
from inl_desktop.domain.units import UnitKind
from inl_desktop.services.importing.spellings import spelling_key, split_aliases
from inl_desktop.services.reference_lists.specs import AttributeSpec, ListSpec, list_spec
from inl_desktop.services.reference_lists.usage import attributes_of, count_uses, describe
from inl_desktop.store.models import ReferenceItem
from inl_desktop.store.reference import join_aliases, split_stored_aliases

LABEL_LIMIT = 200
ATTRIBUTE_LIMIT = 200
ALIASES_LIMIT = 1000


def normalise_code(code: str) -> str:
    """A code as stored: no surrounding blanks, capital letters."""
    return code.strip().upper()


def _positive_decimal(text: str) -> bool:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return False
    return value.is_finite() and value > 0


def check_code(spec: ListSpec, code: str) -> list[FieldError]:
    """A new code must be given and follow its list's pattern."""
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


def clean_attributes(
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


def check_item(
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
    stored_attributes = attributes_of(stored.attributes) if stored else {}
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


def check_aliases(
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
    before = attributes_of(stored.attributes)
    changed = [
        name
        for name in ("kind", "kg_per_unit")
        if not _same_value(before.get(name, ""), attributes.get(name, ""))
    ]
    if not changed:
        return []
    usage = count_uses(session, spec.name, stored.code).get(stored.code)
    if not usage:
        return []
    label = next(a.label for a in spec.attributes if a.name == changed[0])
    return [
        FieldError(
            changed[0],
            f"{label} of {stored.code} cannot change: {describe(usage)} hold kg-equivalents "
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
