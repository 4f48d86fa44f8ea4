"""The exchange workbook's layout: its sheets and their columns, version 1.

Columns come from the field definitions of ``domain.fields`` (one definition per
field): a code column is followed by its label; a choice by its label; dates are date
cells, numbers number cells, codes and IDs text. ``personal`` columns are left out of
the hq profile. docs/exchange-format.md describes the same layout for people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from inl_desktop.domain import fields
from inl_desktop.domain.fields import FieldDef, FieldType, RecordDef

FORMAT_NAME = "INL Desktop exchange workbook"
FORMAT_VERSION = 1
READABLE_VERSIONS = (1,)
CODE_SEPARATOR = ";"

ABOUT = "About"
SEIZURES = "Seizures"
TRAININGS = "Trainings"
ENROLLMENTS = "Enrollments"
COUNTS = "Counts"
DELETED = "Deleted"
LISTS = "Lists"
SHEET_ORDER = (ABOUT, SEIZURES, TRAININGS, ENROLLMENTS, COUNTS, DELETED, LISTS)


class Kind(StrEnum):
    """How a column's cells are written and read."""

    TEXT = "text"
    CODE = "code"
    LABEL = "label"
    CODES = "codes"
    NUMBER = "number"
    INTEGER = "integer"
    DATE = "date"
    TIMESTAMP = "timestamp"


@dataclass(frozen=True)
class Column:
    """One column: its stable key (the header), kind, and what it is the label of.

    A column of a field names the field and the kind of record it belongs to
    (``RecordDef.kind``), so the export reads it from that record's table.
    """

    key: str
    kind: Kind
    personal: bool = False
    field: FieldDef | None = None
    label_of: str | None = None
    reference_list: str | None = None
    record: str | None = None


# The kind of a field's value column.
_VALUE_KINDS = {
    FieldType.TEXT: Kind.TEXT,
    FieldType.INTEGER: Kind.INTEGER,
    FieldType.DECIMAL: Kind.NUMBER,
    FieldType.MONEY: Kind.NUMBER,
    FieldType.DATE: Kind.DATE,
    FieldType.CHOICE: Kind.CODE,
    FieldType.CODE: Kind.CODE,
    FieldType.CODES: Kind.CODES,
}


def _field_columns(
    record: RecordDef, *, personal: Iterable[str] = (), skip: Iterable[str] = ()
) -> list[Column]:
    skipped, private = set(skip), set(personal)
    columns: list[Column] = []
    for field in record:
        if field.name in skipped or field.derived:
            continue
        columns += _columns_of(field, record.kind, secret=field.name in private)
    return columns


def _columns_of(field: FieldDef, record: str, *, secret: bool) -> list[Column]:
    """A field's value column, and its label column when it holds codes or choices."""
    lists = field.reference_list
    value_kind = _VALUE_KINDS[field.type]
    value = Column(field.name, value_kind, secret, field, None, lists, record)
    if field.type not in (FieldType.CODE, FieldType.CODES, FieldType.CHOICE):
        return [value]
    label = Column(f"{field.name}_label", Kind.LABEL, secret, field, field.name, lists, record)
    return [value, label]


def text_columns(*keys: str) -> tuple[Column, ...]:
    """A text column for each key, in order."""
    return tuple(Column(key, Kind.TEXT) for key in keys)


def _record_columns(uuid_key: str) -> list[Column]:
    return [
        Column(uuid_key, Kind.TEXT),
        Column("revision", Kind.INTEGER),
        Column("post_code", Kind.TEXT),
        Column("status", Kind.CODE),
        Column("created_at", Kind.TIMESTAMP),
        Column("created_by", Kind.TEXT),
        Column("updated_at", Kind.TIMESTAMP),
        Column("updated_by", Kind.TEXT),
    ]


SEIZURE_COLUMNS: tuple[Column, ...] = (
    *_record_columns("event_uuid"),
    *_field_columns(fields.SEIZURE_EVENT, skip=("status",)),
    *text_columns("same_as_uuid", "item_uuid"),
    Column("item_position", Kind.INTEGER),
    *_field_columns(fields.SEIZURE_ITEM),
    Column("drug_group", Kind.CODE, reference_list="drug_groups"),
    Column("drug_group_label", Kind.LABEL, label_of="drug_group", reference_list="drug_groups"),
    Column("kg_equivalent", Kind.NUMBER),
)

TRAINING_COLUMNS: tuple[Column, ...] = (
    *_record_columns("session_uuid"),
    *_field_columns(fields.TRAINING, skip=("status",)),
)

# What the hq profile keeps of a person: UUID, pseudonymous key, sex, agency, rank.
PERSON_PERSONAL = ("full_name", "national_id", "unit", "province", "phone", "email")
ENROLLMENT_PERSONAL = ("certificate_number", "invest_case_number")

ENROLLMENT_COLUMNS: tuple[Column, ...] = (
    *text_columns("enrollment_uuid", "session_uuid", "person_uuid"),
    Column("person_revision", Kind.INTEGER),
    Column("person_key", Kind.TEXT),
    *_field_columns(fields.PERSON, personal=PERSON_PERSONAL, skip=("status",)),
    *_field_columns(fields.ENROLLMENT, personal=ENROLLMENT_PERSONAL),
)

COUNT_COLUMNS: tuple[Column, ...] = (
    *text_columns("count_uuid", "session_uuid"),
    *_field_columns(fields.ATTENDANCE_COUNT),
)

DELETED_COLUMNS: tuple[Column, ...] = (
    Column("kind", Kind.CODE),
    Column("uuid", Kind.TEXT),
    Column("revision", Kind.INTEGER),
    Column("deleted_at", Kind.TIMESTAMP),
    Column("post_code", Kind.TEXT),
)

LIST_COLUMNS: tuple[Column, ...] = text_columns("list", "code", "label")

SHEET_COLUMNS: dict[str, tuple[Column, ...]] = {
    SEIZURES: SEIZURE_COLUMNS,
    TRAININGS: TRAINING_COLUMNS,
    ENROLLMENTS: ENROLLMENT_COLUMNS,
    COUNTS: COUNT_COLUMNS,
    DELETED: DELETED_COLUMNS,
    LISTS: LIST_COLUMNS,
}


def columns_for(sheet: str, profile: str) -> tuple[Column, ...]:
    """The columns a sheet has in a profile ("hq" drops personal data)."""
    columns = SHEET_COLUMNS[sheet]
    if profile == "full":
        return columns
    return tuple(column for column in columns if not column.personal)
