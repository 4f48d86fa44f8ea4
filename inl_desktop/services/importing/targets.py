"""What an import can fill: the fields of seizures, trainings and persons, plus the
few a spreadsheet has in its own shape (a period for aggregate totals, counts of
participants by sex), each with the header words that suggest it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from inl_desktop.domain import fields
from inl_desktop.domain.fields import FieldDef, FieldType


class ImportKind(StrEnum):
    """The kind of record each row of a file becomes."""

    SEIZURES = "seizures"
    TRAININGS = "trainings"
    PERSONS = "persons"


class Reads(StrEnum):
    """How a target's cell is read."""

    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    INTEGER = "integer"
    CODE = "code"
    CODES = "codes"
    CHOICE = "choice"
    PERIOD = "period"


@dataclass(frozen=True)
class Target:
    """One field an import can fill."""

    name: str
    label: str
    reads: Reads
    required: bool = False
    reference_list: str | None = None
    field: FieldDef | None = None
    synonyms: tuple[str, ...] = ()


_READS = {
    FieldType.TEXT: Reads.TEXT,
    FieldType.INTEGER: Reads.INTEGER,
    FieldType.DECIMAL: Reads.NUMBER,
    FieldType.MONEY: Reads.NUMBER,
    FieldType.DATE: Reads.DATE,
    FieldType.CHOICE: Reads.CHOICE,
    FieldType.CODE: Reads.CODE,
    FieldType.CODES: Reads.CODES,
}

# Header words (folded: lower case, single spaces) that suggest a target, besides its
# own name and label.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "event_date": ("date", "seizure date", "date of seizure", "recovery date", "dated"),
    "period": ("year", "period", "fiscal year", "fy", "quarter", "reporting period", "month"),
    "period_start": ("from", "period from", "start of period"),
    "period_end": ("to", "period to", "end of period"),
    "agency": ("agency", "seizing agency", "lea", "department", "force", "organization"),
    "joint_agencies": ("joint agencies", "joint with", "assisted by"),
    "province": ("province", "region", "state"),
    "district": ("district", "city district"),
    "place": ("place", "location", "place of seizure", "area", "city", "village"),
    "drug": ("drug", "drug type", "substance", "narcotic", "narcotics", "item", "type of drug"),
    "quantity": ("quantity", "qty", "amount", "weight", "quantity seized", "seized", "total"),
    "unit": ("unit", "units", "uom", "unit of measure", "measure"),
    "transport_mode": ("transport", "mode of transport", "conveyance", "vehicle"),
    "concealment": ("concealment", "concealment method", "hidden in"),
    "arrests_nationals": ("arrests", "accused", "arrested", "persons arrested", "nationals"),
    "arrests_foreigners": ("foreigners", "foreigners arrested", "foreign nationals"),
    "source_reference": ("fir", "fir no", "case no", "case number", "reference", "ref"),
    "remarks": ("remarks", "comments", "notes", "details", "description"),
    "title": ("title", "course", "course title", "training", "training title", "name of course"),
    "topic": ("topic", "subject", "theme"),
    "provider": ("provider", "trainer", "implementer", "organised by", "implementing partner"),
    "venue_type": ("venue", "venue type", "in country abroad", "where"),
    "location": ("location", "city", "venue city", "place"),
    "venue_country": ("country", "venue country"),
    "start_date": ("start", "start date", "from", "date from", "begins", "date"),
    "end_date": ("end", "end date", "to", "date to", "ends"),
    "contact_hours": ("hours", "contact hours", "duration hours"),
    "funding_program": ("funding", "program", "funding program", "programme"),
    "project_code": ("project", "project code", "project no"),
    "audience": ("audience", "audience category", "participants category", "category"),
    "enrolled_male": ("male", "males", "men", "male participants", "enrolled male"),
    "enrolled_female": ("female", "females", "women", "female participants", "enrolled female"),
    "completed_male": ("male completed", "completed male", "men completed"),
    "completed_female": ("female completed", "completed female", "women completed"),
    "full_name": ("name", "full name", "participant", "participant name", "trainee", "officer"),
    "sex": ("sex", "gender", "m f"),
    "rank": ("rank", "designation", "grade", "bps"),
    "unit_person": ("unit", "posting", "station", "office"),
    "national_id": ("cnic", "cnic no", "national id", "id card", "nic", "id number"),
    "phone": ("phone", "mobile", "cell", "contact", "contact no"),
    "email": ("email", "e mail", "email address"),
    "status": ("status", "record status"),
    "completion": ("completion", "result", "attendance", "outcome"),
    "session_key": ("session key", "session id", "course id", "class id", "session no",
                    "session number", "class no", "class number", "course no"),
    "enrolled_sex_not_recorded": ("participants", "number of participants",
                                  "no of participants", "students", "number of students",
                                  "no of students", "trainees", "number of trainees",
                                  "enrolled", "total participants", "attendees", "pax"),
    "completed_sex_not_recorded": ("completed", "number completed", "graduates",
                                   "graduated", "no completed"),
    "certificate_number": ("certificate", "certificate no", "certificate number"),
    "vetting_status": ("vetting", "vetting status", "leahy", "leahy vetting",
                       "leahy status"),
    "invest_case_number": ("invest", "invest case", "invest case no", "invest case number",
                           "invest number"),
    "vetting_submitted": ("vetting submitted", "submitted for vetting"),
    "vetting_cleared": ("vetting cleared", "cleared", "vetting approved"),
    "pre_score": ("pre test", "pre test score", "pretest"),
    "post_score": ("post test", "post test score", "posttest"),
}  # fmt: skip


def _target(field: FieldDef, name: str | None = None) -> Target:
    key = name or field.name
    return Target(
        field.name,
        field.label,
        _READS[field.type],
        field.required,
        field.reference_list,
        field,
        _SYNONYMS.get(key, ()),
    )


_SEIZURE_SKIPPED = {"basis", "date_precision", "status"}
_SEIZURES = (
    *(_target(f) for f in fields.SEIZURE_EVENT if f.name not in _SEIZURE_SKIPPED),
    Target(
        "period",
        "Period of an aggregate total (2019, FY2020, 2019Q1, 2019-03)",
        Reads.PERIOD,
        synonyms=_SYNONYMS["period"],
    ),
    *(_target(f) for f in fields.SEIZURE_ITEM if not f.derived),
    _target(fields.SEIZURE_EVENT["status"]),
)

_COUNT_TARGETS = (
    Target(
        "audience",
        "Audience category",
        Reads.CODE,
        False,
        "audience_categories",
        None,
        _SYNONYMS["audience"],
    ),
    Target(
        "enrolled_sex_not_recorded",
        "Enrolled, sex not recorded",
        Reads.INTEGER,
        synonyms=_SYNONYMS["enrolled_sex_not_recorded"],
    ),
    Target(
        "completed_sex_not_recorded",
        "Completed, sex not recorded",
        Reads.INTEGER,
        synonyms=_SYNONYMS["completed_sex_not_recorded"],
    ),
    Target("enrolled_male", "Men enrolled", Reads.INTEGER, synonyms=_SYNONYMS["enrolled_male"]),
    Target(
        "enrolled_female", "Women enrolled", Reads.INTEGER, synonyms=_SYNONYMS["enrolled_female"]
    ),
    Target(
        "completed_male", "Men who completed", Reads.INTEGER, synonyms=_SYNONYMS["completed_male"]
    ),
    Target(
        "completed_female",
        "Women who completed",
        Reads.INTEGER,
        synonyms=_SYNONYMS["completed_female"],
    ),
)
# A roster (one row per participant, the session's columns repeated) fills these too.
ROSTER_FIELDS = ("full_name", "sex", "agency", "unit", "rank", "national_id", "phone", "email")
# The enrollment's own fields a roster may carry (the audience is the counts' target).
ENROLLMENT_FIELDS = tuple(f.name for f in fields.ENROLLMENT if f.name != "audience")
_TRAININGS = (
    *(_target(f) for f in fields.TRAINING if f.name not in ("attendance_mode",)),
    Target(
        "session_key",
        "Session key (rows with the same key are one session)",
        Reads.TEXT,
        synonyms=_SYNONYMS["session_key"],
    ),
    *_COUNT_TARGETS,
    *(
        _target(fields.PERSON[name], "unit_person" if name == "unit" else None)
        for name in ROSTER_FIELDS
    ),
    *(_target(fields.ENROLLMENT[name]) for name in ENROLLMENT_FIELDS),
)
_PERSONS = tuple(_target(f, "unit_person" if f.name == "unit" else None) for f in fields.PERSON)

TARGETS: dict[ImportKind, tuple[Target, ...]] = {
    ImportKind.SEIZURES: _SEIZURES,
    ImportKind.TRAININGS: _TRAININGS,
    ImportKind.PERSONS: _PERSONS,
}


def targets_of(kind: ImportKind) -> dict[str, Target]:
    """The targets of a kind by name, in form order."""
    return {target.name: target for target in TARGETS[kind]}
