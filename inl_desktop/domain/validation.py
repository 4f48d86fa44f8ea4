"""Validation rules: plain functions that return field errors (an empty list is valid).

The forms call them to mark fields, the services call them again before they
commit. ``final`` asks for the required fields too; a draft may be incomplete but
what it holds must still be well-formed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from typing import Any

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    SeizureDraft,
    TrainingDraft,
)
from inl_desktop.domain.errors import FieldError
from inl_desktop.domain.fields import (
    ATTENDANCE_COUNT,
    ENROLLMENT,
    EXCEL_CELL_LIMIT,
    PERSON,
    SEIZURE_EVENT,
    SEIZURE_ITEM,
    TRAINING,
    FieldDef,
    FieldType,
    RecordDef,
)
from inl_desktop.domain.units import unit_compatible


def check_value(
    field: FieldDef,
    value: Any,
    *,
    final: bool,
    catalog: Catalog | None,
    row: int | None = None,
) -> list[FieldError]:
    """Check one value against its field definition."""
    if value is None or value == "" or value == ():
        if final and field.required:
            return [FieldError(field.name, f"{field.label} is required", row)]
        return []
    error = _checker(field)(value, catalog)
    return [] if error is None else [FieldError(field.name, error, row)]


Checker = Callable[[Any, "Catalog | None"], "str | None"]

_PYTHON_TYPES: dict[FieldType, type | tuple[type, ...]] = {
    FieldType.TEXT: str,
    FieldType.INTEGER: int,
    FieldType.DECIMAL: Decimal,
    FieldType.MONEY: Decimal,
    FieldType.DATE: date,
    FieldType.CHOICE: str,
    FieldType.CODE: str,
    FieldType.CODES: tuple,
}


@cache
def _checker(field: FieldDef) -> Checker:
    """One function that checks a present value of ``field``: type, bounds, membership.

    Built once per field, so that checking a workbook's rows does not re-read the
    definition for every cell.
    """
    kind = _PYTHON_TYPES[field.type]
    wrong_type = f"{field.label} has a value of the wrong type"
    bounds = _bounds_checker(field)
    membership = _membership_checker(field)

    def check(value: Any, catalog: Catalog | None) -> str | None:
        if value.__class__ is bool or not isinstance(value, kind):
            return wrong_type
        if field.type is FieldType.DATE and isinstance(value, datetime):
            return f"{field.label} must be a date without a time"
        error = bounds(value) if bounds is not None else None
        if error is None and membership is not None:
            error = membership(value, catalog)
        return error

    return check


def _bounds_checker(field: FieldDef) -> Callable[[Any], str | None] | None:
    if field.type is FieldType.TEXT:
        limit = min(field.max_length or EXCEL_CELL_LIMIT, EXCEL_CELL_LIMIT)

        def check_text(value: str) -> str | None:
            if len(value) > limit:
                return f"{field.label} is {len(value)} characters long; at most {limit} fit"
            control = _CONTROL_CHARACTER.search(value)
            if control is not None:
                return (
                    f"{field.label} contains an invisible control character "
                    f"(U+{ord(control.group()):04X}); remove it"
                )
            return None

        return check_text
    if field.type is FieldType.DATE:
        return partial(_date_error, field)
    if field.type not in (FieldType.INTEGER, FieldType.DECIMAL, FieldType.MONEY):
        return None
    return partial(_bounds_error, field)


# Control characters other than tab and line breaks: invisible, refused by Excel.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Excel (and the exchange workbook) cannot hold a date before 1 January 1900.
EARLIEST_DATE = date(1900, 1, 1)


def _date_error(field: FieldDef, value: date) -> str | None:
    if value < EARLIEST_DATE:
        return f"{field.label} ({value.isoformat()}) is before 1900; check the year"
    return None


def _bounds_error(field: FieldDef, value: int | Decimal) -> str | None:
    number = value if isinstance(value, Decimal) else Decimal(value)
    if not number.is_finite():
        return f"{field.label} must be a finite number"
    if field.minimum is not None:
        if field.exclusive_minimum and number <= field.minimum:
            return f"{field.label} must be greater than {field.minimum}"
        if number < field.minimum:
            return f"{field.label} must not be less than {field.minimum}"
    if field.maximum is not None and number > field.maximum:
        return f"{field.label} must not be more than {field.maximum:,}"
    if field.max_decimals is not None and _decimal_places(number) > field.max_decimals:
        return f"{field.label} has more than {field.max_decimals} decimal places"
    return None


def _decimal_places(number: Decimal) -> int:
    """Significant digits after the point ("1.500" has 1), without rounding."""
    _sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    places = -exponent
    for digit in reversed(digits):
        if digit != 0 or places == 0:
            break
        places -= 1
    return places


def _membership_checker(field: FieldDef) -> Callable[[Any, Catalog | None], str | None] | None:
    if field.type is FieldType.CHOICE:
        codes = field.choice_codes
        allowed = ", ".join(label for _, label in field.choices)

        def check_choice(value: str, catalog: Catalog | None) -> str | None:
            return None if value in codes else f"{field.label} must be one of: {allowed}"

        return check_choice
    list_name = field.reference_list
    if list_name is None:
        return None
    several = field.type is FieldType.CODES

    def check_codes(value: Any, catalog: Catalog | None) -> str | None:
        if catalog is None:
            return None
        known = catalog.codes.get(list_name, {})
        unknown = [code for code in (value if several else (value,)) if code not in known]
        if unknown:
            return f"{field.label}: {', '.join(unknown)} is not in the list"
        return None

    return check_codes


def check_record(
    record: RecordDef,
    draft: object,
    *,
    final: bool,
    catalog: Catalog | None,
    row: int | None = None,
) -> list[FieldError]:
    """Check every input field of ``draft`` against ``record``'s definitions."""
    errors: list[FieldError] = []
    for field, checker in _record_checkers(record):
        value = getattr(draft, field.name)
        if value is None or value == "" or value == ():
            if final and field.required:
                errors.append(FieldError(field.name, f"{field.label} is required", row))
            continue
        error = checker(value, catalog)
        if error is not None:
            errors.append(FieldError(field.name, error, row))
    return errors


@cache
def _record_checkers(record: RecordDef) -> tuple[tuple[FieldDef, Checker], ...]:
    return tuple((field, _checker(field)) for field in record if not field.derived)


def not_in_future(field: FieldDef, value: date | None, today: date) -> list[FieldError]:
    """A date that must not lie after today."""
    if type(value) is date and value > today:
        return [FieldError(field.name, f"{field.label} is in the future ({value.isoformat()})")]
    return []


def end_not_before_start(
    start_field: FieldDef, start: date | None, end_field: FieldDef, end: date | None
) -> list[FieldError]:
    """An end date that must not precede its start date."""
    if type(start) is date and type(end) is date and end < start:
        return [
            FieldError(
                end_field.name,
                f"{end_field.label} ({end.isoformat()}) is before "
                f"{start_field.label} ({start.isoformat()})",
            )
        ]
    return []


def validate_seizure(draft: SeizureDraft, catalog: Catalog, today: date) -> list[FieldError]:
    """All the rules for a seizure event and its items."""
    final = draft.status == "final"
    ev = SEIZURE_EVENT
    errors = check_record(ev, draft, final=final, catalog=catalog)
    if draft.basis == "case":
        if final and draft.event_date is None:
            errors.append(FieldError("event_date", "Date of seizure is required"))
        errors += not_in_future(ev["event_date"], draft.event_date, today)
    elif draft.basis == "aggregate":
        for name in ("period_start", "period_end"):
            if final and getattr(draft, name) is None:
                errors.append(
                    FieldError(name, f"{ev[name].label} is required for an aggregate report")
                )
        errors += not_in_future(ev["period_start"], draft.period_start, today)
    errors += end_not_before_start(
        ev["period_start"], draft.period_start, ev["period_end"], draft.period_end
    )
    if draft.agency is not None and draft.agency in draft.joint_agencies:
        errors.append(FieldError("joint_agencies", "Joint agencies repeat the seizing agency"))
    if draft.province and draft.district:
        parent = catalog.parent_of("districts", draft.district)
        if parent is not None and parent != draft.province:
            errors.append(
                FieldError(
                    "district",
                    f"District {catalog.label('districts', draft.district)} is not in "
                    f"{catalog.label('provinces', draft.province)}",
                )
            )
    if final and not draft.items:
        errors.append(FieldError("items", "A seizure needs at least one drug item"))
    for row, item in enumerate(draft.items):
        errors += check_record(SEIZURE_ITEM, item, final=True, catalog=catalog, row=row)
        drug = catalog.drugs.get(item.drug or "")
        unit = catalog.units.get(item.unit or "")
        if drug is not None and unit is not None and not unit_compatible(unit, drug):
            errors.append(
                FieldError(
                    "unit",
                    f"{drug.label} cannot be counted in {unit.label.lower()}s "
                    "(no mass per unit is known); use a mass or volume unit",
                    row,
                )
            )
    return errors


def validate_person(draft: PersonDraft, catalog: Catalog) -> list[FieldError]:
    """All the rules for a person."""
    errors = check_record(PERSON, draft, final=True, catalog=catalog)
    if draft.national_id and not catalog.national_id_ok(draft.national_id):
        errors.append(
            FieldError(
                "national_id",
                f"National ID {draft.national_id!r} is not a valid {catalog.national_id_name}",
            )
        )
    if draft.email and "@" not in draft.email:
        errors.append(FieldError("email", "Email must contain @"))
    return errors


def validate_enrollment(
    draft: EnrollmentDraft, catalog: Catalog, today: date, row: int | None = None
) -> list[FieldError]:
    """All the rules for one enrollment."""
    errors = check_record(ENROLLMENT, draft, final=True, catalog=catalog, row=row)
    if draft.person_uuid is None:
        errors.append(FieldError("person_uuid", "The participant is not chosen", row))
    for name in ("vetting_submitted", "vetting_cleared"):
        for error in not_in_future(ENROLLMENT[name], getattr(draft, name), today):
            errors.append(FieldError(error.field, error.message, row))
    for error in end_not_before_start(
        ENROLLMENT["vetting_submitted"],
        draft.vetting_submitted,
        ENROLLMENT["vetting_cleared"],
        draft.vetting_cleared,
    ):
        errors.append(FieldError(error.field, error.message, row))
    return errors


def validate_count(
    draft: AttendanceCountDraft, catalog: Catalog, row: int | None = None
) -> list[FieldError]:
    """All the rules for one audience/sex count."""
    errors = check_record(ATTENDANCE_COUNT, draft, final=True, catalog=catalog, row=row)
    if (
        isinstance(draft.enrolled, int)
        and isinstance(draft.completed, int)
        and not errors
        and draft.completed > draft.enrolled
    ):
        errors.append(FieldError("completed", "Completed is more than Enrolled", row))
    return errors


def validate_training(draft: TrainingDraft, catalog: Catalog, today: date) -> list[FieldError]:
    """All the rules for a session, its roster and its counts."""
    final = draft.status == "final"
    tr = TRAINING
    errors = check_record(tr, draft, final=final, catalog=catalog)
    errors += end_not_before_start(
        tr["start_date"], draft.start_date, tr["end_date"], draft.end_date
    )
    if draft.training_status == "completed":
        errors += not_in_future(tr["end_date"], draft.end_date, today)
    errors += _no_repeats(
        "person_uuid",
        "The same person is enrolled twice",
        (e.person_uuid for e in draft.enrollments),
    )
    errors += _no_repeats(
        "audience",
        "The same audience category and sex are counted twice",
        ((c.audience, c.sex) for c in draft.counts),
    )
    for row, enrollment in enumerate(draft.enrollments):
        errors += validate_enrollment(enrollment, catalog, today, row)
    for row, count in enumerate(draft.counts):
        errors += validate_count(count, catalog, row)
    return errors


def _no_repeats(field: str, message: str, keys: Iterable[object]) -> list[FieldError]:
    seen: set[object] = set()
    errors = []
    for row, key in enumerate(keys):
        if key in seen and key is not None:
            errors.append(FieldError(field, message, row))
        seen.add(key)
    return errors
