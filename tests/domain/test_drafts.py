"""Drafts carry the fields of ``domain.fields``, no more and no fewer, as typed values.

A field missing from a draft could never be entered or saved, and a draft attribute
that is no field would be shown nowhere and exported nowhere; both would pass
unnoticed until a user lost a value.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import date
from decimal import Decimal

import pytest

from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    SeizureDraft,
    SeizureItemDraft,
    TrainingDraft,
)
from inl_desktop.domain.fields import (
    ALL_RECORDS,
    ATTENDANCE_COUNT,
    ENROLLMENT,
    PERSON,
    SEIZURE_EVENT,
    SEIZURE_ITEM,
    TRAINING,
    FieldDef,
    FieldType,
    RecordDef,
)

IDENTITY = {"uuid", "revision"}
# Each record's draft, and what it holds besides fields: identity, parts and links.
DRAFTS: dict[RecordDef, tuple[type, set[str]]] = {
    SEIZURE_EVENT: (SeizureDraft, IDENTITY | {"items", "same_as_uuid"}),
    SEIZURE_ITEM: (SeizureItemDraft, {"uuid"}),
    TRAINING: (TrainingDraft, IDENTITY | {"enrollments", "counts"}),
    PERSON: (PersonDraft, IDENTITY),
    ENROLLMENT: (EnrollmentDraft, {"uuid", "person_uuid"}),
    ATTENDANCE_COUNT: (AttendanceCountDraft, {"uuid"}),
}
VALUE_TYPES: dict[FieldType, object] = {
    FieldType.TEXT: str,
    FieldType.CHOICE: str,
    FieldType.CODE: str,
    FieldType.INTEGER: int,
    FieldType.DECIMAL: Decimal,
    FieldType.MONEY: Decimal,
    FieldType.DATE: date,
    FieldType.CODES: tuple[str, ...],
}


def _ids(record: RecordDef) -> str:
    return record.kind


def _entered(record: RecordDef) -> list[FieldDef]:
    """The fields a user enters (derived ones are computed by the services)."""
    return [field for field in record if not field.derived]


def test_every_record_has_a_draft() -> None:
    assert set(DRAFTS) == set(ALL_RECORDS)


@pytest.mark.parametrize("record", ALL_RECORDS, ids=_ids)
def test_a_draft_has_every_field_and_nothing_undefined(record: RecordDef) -> None:
    draft, others = DRAFTS[record]
    attributes = {attribute.name for attribute in dataclasses.fields(draft)}

    assert sorted({f.name for f in _entered(record)} - attributes) == []  # fields missing
    assert sorted(attributes - set(record.names) - others) == []  # not defined as fields


@pytest.mark.parametrize("record", ALL_RECORDS, ids=_ids)
def test_a_draft_holds_each_field_as_its_type(record: RecordDef) -> None:
    draft, _ = DRAFTS[record]
    hints = typing.get_type_hints(draft)
    for field in _entered(record):
        expected = VALUE_TYPES[field.type]
        allowed = (expected,) if field.type is FieldType.CODES else (expected, expected | None)
        assert hints[field.name] in allowed, f"{draft.__name__}.{field.name}"


@pytest.mark.parametrize("record", ALL_RECORDS, ids=_ids)
def test_a_new_draft_starts_with_a_valid_choice(record: RecordDef) -> None:
    draft, _ = DRAFTS[record]
    defaults = {f.name: f.default for f in dataclasses.fields(draft)}
    for field in record:
        value = defaults.get(field.name)
        if field.type is FieldType.CHOICE and isinstance(value, str):
            assert value in field.choice_codes, f"{draft.__name__}.{field.name} = {value!r}"
