"""One definition of every field: name, label, type, required, bounds, choices, unit.

These definitions drive the forms, the validation, the list columns, the export
columns and the import mapping. The drafts of ``domain.drafts`` carry one attribute
per field, and the store's models one column per field, of the same name
(tests/domain/test_drafts.py and tests/store/test_models_fields.py check that they
agree).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property

# Digits grouped by commas the Western way (1,000,000) or the South Asian way
# (10,00,000); any other comma (a decimal comma, "3,26") is refused, never dropped.
_GROUPED = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d*)?")

# Excel refuses longer text in a cell; we refuse it at entry instead of cutting it.
EXCEL_CELL_LIMIT = 32_767


class FieldType(StrEnum):
    """The kind of value a field holds (its Python type in brackets)."""

    TEXT = "text"  # str
    INTEGER = "integer"  # int
    DECIMAL = "decimal"  # Decimal
    MONEY = "money"  # Decimal, USD, two places
    DATE = "date"  # date
    CHOICE = "choice"  # str, one of a fixed enumeration
    CODE = "code"  # str, a code from a reference list
    CODES = "codes"  # tuple[str, ...], codes from a reference list


@dataclass(frozen=True)
class FieldDef:
    """How one field is named, shown, typed, bounded and checked."""

    name: str
    label: str
    type: FieldType
    required: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    exclusive_minimum: bool = False
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    reference_list: str | None = None
    unit: str | None = None
    max_decimals: int | None = None
    derived: bool = False

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        """Computed once: definitions key the validators' caches, looked up per value."""
        return hash((self.name, self.label, self.type))

    @cached_property
    def choice_codes(self) -> frozenset[str]:
        """The codes of the fixed choices (looked up on every validation)."""
        return frozenset(code for code, _ in self.choices)

    def choice_label(self, code: str) -> str:
        """The label of a fixed choice (the code itself when unknown)."""
        return dict(self.choices).get(code, code)

    def parse(self, text: str) -> object:
        """Turn what a user typed (or a spreadsheet cell's text) into a value.

        Blank text is None (or an empty tuple for CODES). Raises ValueError with a
        message that names the field when the text is not of the field's type.
        """
        cleaned = text.strip()
        if self.type is FieldType.CODES:
            return tuple(part.strip() for part in cleaned.split(",") if part.strip())
        if not cleaned:
            return None
        if self.type is FieldType.INTEGER:
            digits = _ungroup(cleaned)
            try:
                return int(digits or "")
            except ValueError:
                raise ValueError(f"{self.label} must be a whole number") from None
        if self.type in (FieldType.DECIMAL, FieldType.MONEY):
            digits = _ungroup(cleaned.removeprefix("$").strip())
            try:
                value = Decimal(digits or "")
            except InvalidOperation:
                raise ValueError(f"{self.label} must be a number") from None
            if not value.is_finite():
                raise ValueError(f"{self.label} must be a finite number")
            return value
        if self.type is FieldType.DATE:
            try:
                return date.fromisoformat(cleaned)
            except ValueError:
                raise ValueError(f"{self.label} must be a date (YYYY-MM-DD)") from None
        return cleaned


def _ungroup(text: str) -> str | None:
    """Digits without their grouping commas; None when a comma is not a grouping one."""
    if "," not in text:
        return text
    return text.replace(",", "") if _GROUPED.fullmatch(text) else None


@dataclass(frozen=True)
class RecordDef:
    """The fields of one kind of record, in form and column order."""

    kind: str
    label: str
    fields: tuple[FieldDef, ...]

    def __iter__(self) -> Iterator[FieldDef]:
        return iter(self.fields)

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash((self.kind, self.fields))

    def __getitem__(self, name: str) -> FieldDef:
        return self._by_name[name]

    @cached_property
    def _by_name(self) -> dict[str, FieldDef]:
        return {field.name: field for field in self.fields}

    @property
    def names(self) -> tuple[str, ...]:
        """Field names in order."""
        return tuple(field.name for field in self.fields)


def _text(name: str, label: str, length: int = 200, *, required: bool = False) -> FieldDef:
    return FieldDef(name, label, FieldType.TEXT, required=required, max_length=length)


def _code(name: str, label: str, reference: str, *, required: bool = False) -> FieldDef:
    return FieldDef(name, label, FieldType.CODE, required=required, reference_list=reference)


def _count(name: str, label: str, *, required: bool = False) -> FieldDef:
    return FieldDef(
        name,
        label,
        FieldType.INTEGER,
        required=required,
        minimum=Decimal(0),
        maximum=Decimal(10_000_000),
    )


def _money(name: str, label: str) -> FieldDef:
    return _hundredths(name, label, FieldType.MONEY, Decimal(1_000_000_000), "USD")


def _score(name: str, label: str) -> FieldDef:
    return _hundredths(name, label, FieldType.DECIMAL, Decimal(100), "%")


def _hundredths(name: str, label: str, type_: FieldType, maximum: Decimal, unit: str) -> FieldDef:
    """A figure from 0 to ``maximum`` with two decimals at most."""
    return FieldDef(
        name, label, type_, minimum=Decimal(0), maximum=maximum, unit=unit, max_decimals=2
    )


RECORD_STATUS = (("draft", "Draft"), ("final", "Final"))

STATUS = FieldDef("status", "Record status", FieldType.CHOICE, required=True, choices=RECORD_STATUS)

REPORTING_BASIS = (("case", "Individual seizure"), ("aggregate", "Aggregate report"))
DATE_PRECISION = (("day", "Day"), ("month", "Month"), ("year", "Year"))
COUNTRY_ROLES = (
    ("producing", "Producing country"),
    ("departure", "Country of departure"),
    ("transit", "Transit country"),
    ("destination", "Destination country"),
)

SEIZURE_EVENT = RecordDef(
    "seizure",
    "Seizure",
    (
        FieldDef(
            "basis", "Reporting basis", FieldType.CHOICE, required=True, choices=REPORTING_BASIS
        ),
        FieldDef("event_date", "Date of seizure", FieldType.DATE),
        FieldDef("date_precision", "Date precision", FieldType.CHOICE, choices=DATE_PRECISION),
        FieldDef("period_start", "Period from", FieldType.DATE),
        FieldDef("period_end", "Period to", FieldType.DATE),
        _code("agency", "Seizing agency", "agencies", required=True),
        FieldDef("joint_agencies", "Joint agencies", FieldType.CODES, reference_list="agencies"),
        _code("province", "Province", "provinces"),
        _code("district", "District", "districts"),
        _text("place", "Place"),
        _code("transport_mode", "Transport mode", "transport_modes"),
        _code("concealment", "Concealment", "concealment_methods"),
        _code("installation", "Installation", "installations"),
        _code("producing_country", "Producing country", "countries"),
        _code("departure_country", "Country of departure", "countries"),
        FieldDef(
            "transit_countries", "Transit countries", FieldType.CODES, reference_list="countries"
        ),
        _code("destination_country", "Destination country", "countries"),
        _code("route_type", "Route type", "route_types"),
        _count("arrests_nationals", "Arrests (nationals)"),
        _count("arrests_foreigners", "Arrests (foreigners)"),
        _text("source_reference", "Source reference"),
        _text("remarks", "Remarks", 4000),
        STATUS,
    ),
)

SEIZURE_ITEM = RecordDef(
    "seizure_item",
    "Drug item",
    (
        _code("drug", "Drug", "drugs", required=True),
        FieldDef(
            "quantity",
            "Quantity",
            FieldType.DECIMAL,
            required=True,
            minimum=Decimal(0),
            exclusive_minimum=True,
            maximum=Decimal(10) ** 12,
            max_decimals=6,
        ),
        _code("unit", "Unit", "units", required=True),
        FieldDef("kg_equivalent", "Kg-equivalent", FieldType.DECIMAL, unit="kg", derived=True),
    ),
)

VENUE_TYPES = "venue_types"
TRAINING_STATUS = (
    ("planned", "Planned"),
    ("active", "Active"),
    ("completed", "Completed"),
    ("cancelled", "Cancelled"),
)
ATTENDANCE_MODE = (("roster", "Roster of participants"), ("counts", "Counts only"))

TRAINING = RecordDef(
    "training",
    "Training session",
    (
        _text("title", "Title", required=True),
        _code("topic", "Topic", "training_topics", required=True),
        _text("provider", "Provider"),
        _code("venue_type", "Venue", VENUE_TYPES, required=True),
        _text("location", "Location"),
        _code("venue_country", "Venue country", "countries"),
        FieldDef("start_date", "Start date", FieldType.DATE, required=True),
        FieldDef("end_date", "End date", FieldType.DATE, required=True),
        FieldDef(
            "contact_hours",
            "Contact hours",
            FieldType.DECIMAL,
            minimum=Decimal(0),
            maximum=Decimal(5000),
            unit="hours",
            max_decimals=2,
        ),
        _code("funding_program", "Funding program", "funding_programs"),
        _text("project_code", "Project code", 50),
        _money("cost_instruction", "Instruction cost"),
        _money("cost_participant", "Participant cost"),
        _money("cost_travel", "Travel cost"),
        FieldDef(
            "training_status",
            "Session status",
            FieldType.CHOICE,
            required=True,
            choices=TRAINING_STATUS,
        ),
        FieldDef(
            "attendance_mode",
            "Attendance recorded as",
            FieldType.CHOICE,
            required=True,
            choices=ATTENDANCE_MODE,
        ),
        _text("remarks", "Remarks", 4000),
        STATUS,
    ),
)

# "Not recorded" is chosen, never assumed: a count or a person whose source does not
# say their sex is kept as such, so no figure by sex is made up (reports say how many).
SEX_NOT_RECORDED = "U"
SEX = (("F", "Female"), ("M", "Male"), (SEX_NOT_RECORDED, "Not recorded"))

PERSON = RecordDef(
    "person",
    "Person",
    (
        _text("full_name", "Name (as on ID)", required=True),
        FieldDef("sex", "Sex", FieldType.CHOICE, required=True, choices=SEX),
        _code("agency", "Agency", "agencies"),
        _text("unit", "Unit"),
        _text("rank", "Rank", 100),
        _code("province", "Province", "provinces"),
        _text("national_id", "National ID", 40),
        _text("phone", "Phone", 50),
        _text("email", "Email"),
        STATUS,
    ),
)

COMPLETION = (
    ("completed", "Completed"),
    ("partial", "Partial"),
    ("did_not_finish", "Did not finish"),
    ("no_show", "No-show"),
)
VETTING_STATUS = (
    ("not_required", "Not required"),
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("denied", "Denied"),
    ("suspended", "Suspended"),
)

ENROLLMENT = RecordDef(
    "enrollment",
    "Enrollment",
    (
        _code("audience", "Audience category", "audience_categories", required=True),
        FieldDef("completion", "Completion", FieldType.CHOICE, choices=COMPLETION),
        _score("pre_score", "Pre-test score"),
        _score("post_score", "Post-test score"),
        _text("certificate_number", "Certificate number", 50),
        FieldDef("vetting_status", "Leahy vetting", FieldType.CHOICE, choices=VETTING_STATUS),
        _text("invest_case_number", "INVEST case number", 50),
        FieldDef("vetting_submitted", "Vetting submitted", FieldType.DATE),
        FieldDef("vetting_cleared", "Vetting cleared", FieldType.DATE),
    ),
)

ATTENDANCE_COUNT = RecordDef(
    "attendance_count",
    "Attendance count",
    (
        _code("audience", "Audience category", "audience_categories", required=True),
        FieldDef("sex", "Sex", FieldType.CHOICE, required=True, choices=SEX),
        _count("enrolled", "Enrolled", required=True),
        _count("completed", "Completed", required=True),
    ),
)

ALL_RECORDS = (SEIZURE_EVENT, SEIZURE_ITEM, TRAINING, PERSON, ENROLLMENT, ATTENDANCE_COUNT)
