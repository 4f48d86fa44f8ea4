"""The models and the field definitions agree: one definition per field, kept in step.

Every field of ``domain.fields`` has a column of its name in its record's table, of a
kind that holds its values (a text column long enough for the longest text or code the
field allows); every other column of a record table is known bookkeeping. A field
added to the definitions without its column, or a column added without its field,
fails here instead of losing values on save or export.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Date, Integer, String
from sqlalchemy.types import TypeEngine

from inl_desktop.domain.fields import ALL_RECORDS, FieldDef, FieldType, RecordDef
from inl_desktop.store.models import CODES_TABLES, RECORD_MODELS, RecordColumns
from inl_desktop.store.types import Cents, DecimalText

# Identity, revision, audit and lifecycle of a top-level record (``status`` is a field).
RECORD_BOOKKEEPING = {
    name for name in vars(RecordColumns) if not name.startswith("_") and name != "status"
}
PART_BOOKKEEPING = {"id", "uuid", "position"}
# What each table holds besides fields: links to its parent, and copies of other
# records' columns that lists and reports filter and sort on.
BOOKKEEPING: dict[str, set[str]] = {
    "seizure": RECORD_BOOKKEEPING | {"same_as_uuid"},
    "seizure_item": PART_BOOKKEEPING
    | {"event_id", "quantity_value", "live", "event_start", "agency", "province", "basis"}
    | {"status"},
    "training": RECORD_BOOKKEEPING,
    "person": RECORD_BOOKKEEPING | {"national_id_key", "name_key", "person_key"},
    "enrollment": PART_BOOKKEEPING
    | {"session_id", "person_id", "session_start", "session_post", "session_live"}
    | {"session_mode", "session_venue", "person_sex", "person_live", "person_agency"},
    "attendance_count": PART_BOOKKEEPING | {"session_id"},
}
# Derived fields stored in another unit: the kg-equivalent in whole milligrams.
STORED_AS = {("seizure_item", "kg_equivalent"): "kg_equivalent_mg"}
DERIVED_COLUMN_TYPES = {"kg_equivalent_mg": Integer}

COLUMN_TYPES: dict[FieldType, type[TypeEngine[object]]] = {
    FieldType.TEXT: String,
    FieldType.CHOICE: String,
    FieldType.CODE: String,
    FieldType.CODES: String,
    FieldType.INTEGER: Integer,
    FieldType.DECIMAL: DecimalText,
    FieldType.MONEY: Cents,
    FieldType.DATE: Date,
}
# Codes follow ``services.reference_lists.CODE_PATTERN``: at most 40 characters.
CODE_LENGTH = 40


def _ids(record: RecordDef) -> str:
    return record.kind


def holds(field: FieldDef, column: Column[object]) -> str | None:
    """Why ``column`` cannot hold the field's values, or None when it can."""
    column_type = column.type
    expected = COLUMN_TYPES[field.type]
    if field.derived:
        expected = DERIVED_COLUMN_TYPES.get(column.name, expected)
    if not isinstance(column_type, expected):
        return f"{column.name} is {column_type!r}, not {expected.__name__}"
    if not isinstance(column_type, String) or column_type.length is None:
        return None  # a number, a date or unbounded text
    if field.type is FieldType.TEXT:
        longest = field.max_length or 0
    elif field.type is FieldType.CHOICE:
        longest = max(len(code) for code, _ in field.choices)
    elif field.reference_list == "countries":
        longest = 2  # ISO 3166-1 alpha-2, as the countries list requires
    else:
        longest = CODE_LENGTH
    if column_type.length < longest:
        return f"{column.name} holds {column_type.length} characters, the field {longest}"
    return None


def _column(record: RecordDef, field: FieldDef) -> Column[object]:
    if field.type is FieldType.CODES:
        codes = CODES_TABLES[(record.kind, field.name)]
        return codes.model.__table__.c[codes.code]
    name = STORED_AS.get((record.kind, field.name), field.name)
    return RECORD_MODELS[record.kind].__table__.c[name]


def test_every_record_kind_has_a_model() -> None:
    assert set(RECORD_MODELS) == {record.kind for record in ALL_RECORDS}


@pytest.mark.parametrize("record", ALL_RECORDS, ids=_ids)
def test_every_field_has_a_column_that_holds_its_values(record: RecordDef) -> None:
    table = RECORD_MODELS[record.kind].__table__
    missing = [
        field.name
        for field in record
        if field.type is not FieldType.CODES
        and STORED_AS.get((record.kind, field.name), field.name) not in table.c
    ]
    assert missing == []
    problems = [problem for field in record if (problem := holds(field, _column(record, field)))]
    assert problems == []


@pytest.mark.parametrize("record", ALL_RECORDS, ids=_ids)
def test_every_other_column_is_known_bookkeeping(record: RecordDef) -> None:
    table = RECORD_MODELS[record.kind].__table__
    fields = {STORED_AS.get((record.kind, name), name) for name in record.names}
    unknown = sorted(set(table.c.keys()) - fields - BOOKKEEPING[record.kind])
    assert unknown == []


def test_multi_code_fields_have_a_codes_table_and_read_as_a_tuple() -> None:
    codes_fields = {
        (record.kind, field.name)
        for record in ALL_RECORDS
        for field in record
        if field.type is FieldType.CODES
    }
    assert set(CODES_TABLES) == codes_fields
    for kind, name in codes_fields:
        # The record reads its codes back under the field's name (a property).
        assert isinstance(getattr(RECORD_MODELS[kind], name), property)


def test_the_check_refuses_a_column_of_the_wrong_kind_or_too_short() -> None:
    date_field = FieldDef("start_date", "Start date", FieldType.DATE)
    text_field = FieldDef("place", "Place", FieldType.TEXT, max_length=200)

    assert holds(date_field, Column("start_date", Integer)) is not None
    assert holds(date_field, Column("start_date", Date)) is None
    assert holds(text_field, Column("place", String(100))) is not None
    assert holds(text_field, Column("place", String(200))) is None
