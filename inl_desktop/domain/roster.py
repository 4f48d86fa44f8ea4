"""Rosters as plain Python: rows pasted from a spreadsheet, repeated people, Leahy vetting.

A clerk copies a participants list from Excel (tab-separated text, perhaps with a
header row and a serial-number column) and pastes it into a session's roster. The
functions here turn that text into persons, each bad row reported by row and
column; they know nothing of the database (matching people against the
directory is the services' work).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import PersonDraft, TrainingDraft
from inl_desktop.domain.errors import FieldError
from inl_desktop.domain.fields import ENROLLMENT, PERSON, SEX_NOT_RECORDED
from inl_desktop.domain.validation import validate_person

# The columns a pasted roster may have, in the order assumed when there is no header.
PASTED_FIELDS = ("full_name", "sex", "agency", "rank", "national_id")
# Header cells recognised for each column (compared folded: lower case, letters and
# digits only, single spaces). A column with any other header is ignored.
HEADER_NAMES: Mapping[str, tuple[str, ...]] = {
    "full_name": (
        "name",
        "names",
        "full name",
        "name as on id",
        "name as per cnic",
        "participant",
        "participant name",
        "participants",
        "officer",
        "officer name",
    ),
    "sex": ("sex", "gender", "m f", "male female"),
    "agency": (
        "agency",
        "department",
        "dept",
        "organisation",
        "organization",
        "org",
        "office",
        "service",
    ),
    "rank": ("rank", "designation", "grade", "bps", "post"),
    "national_id": (
        "national id",
        "national id number",
        "national id no",
        "id number",
        "id no",
        "cnic",
        "cnic no",
        "cnic number",
        "cnic #",
        "nic",
        "nicop",
    ),
}
# A header cell not named above is still recognised by one of these words in it
# ("Name of officer", "CNIC of participant"), unless it names a relative.
HEADER_WORDS: Mapping[str, frozenset[str]] = {
    "national_id": frozenset({"cnic", "nic", "nicop"}),
    "sex": frozenset({"sex", "gender"}),
    "agency": frozenset({"agency", "department", "dept", "organisation", "organization"}),
    "rank": frozenset({"rank", "designation", "grade"}),
    "full_name": frozenset({"name", "names", "participant", "participants"}),
}
RELATIVES = frozenset({"father", "fathers", "husband", "husbands", "guardian", "s o", "d o", "w o"})
# What a sex cell may say, folded, and the code it stands for.
SEX_WORDS = {
    "f": "F",
    "female": "F",
    "w": "F",
    "woman": "F",
    "women": "F",
    "m": "M",
    "male": "M",
    "man": "M",
    "men": "M",
    # The sheet says it does not know: kept as not recorded, never taken as a man.
    "u": SEX_NOT_RECORDED,
    "not recorded": SEX_NOT_RECORDED,
    "unknown": SEX_NOT_RECORDED,
    "not known": SEX_NOT_RECORDED,
}
SEX_ALLOWED = "F, Female, W, Woman, M, Male, U or Not recorded"

OPEN_STATUSES = frozenset({"planned", "active"})
# Vetting outcomes that need no warning: cleared, or found not to apply.
VETTING_SETTLED = frozenset({"approved", "not_required"})


def fold(text: str) -> str:
    """Text reduced for comparing headers and labels: lower case, words of letters,
    digits and "#" separated by single spaces."""
    return " ".join(re.sub(r"[^0-9a-z#]+", " ", text.casefold()).split())


def national_id_key(national_id: str | None) -> str | None:
    """A national ID reduced to its letters and digits (dashes and spaces dropped)."""
    if not national_id:
        return None
    key = re.sub(r"[^0-9A-Za-z]", "", national_id).upper()
    return key or None


def name_key(full_name: str | None) -> str:
    """A name folded for comparison (case and spacing ignored)."""
    return " ".join((full_name or "").casefold().split())


@dataclass(frozen=True)
class PasteProblem:
    """Why a pasted row was left out: its row (1 = the first line pasted) and column."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column is None:
            return f"Row {self.row}: {self.message}"
        return f"Row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class PastedPerson:
    """A good pasted row: the line it came from and the person it describes."""

    row: int
    person: PersonDraft


@dataclass
class PastedRoster:
    """What a paste yields: good rows, bad rows, and the columns that were ignored."""

    people: list[PastedPerson] = field(default_factory=list)
    problems: list[PasteProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    had_header: bool = False


def _header_lookup(catalog: Catalog) -> dict[str, str]:
    lookup = {fold(name): key for key, names in HEADER_NAMES.items() for name in names}
    for key in PASTED_FIELDS:
        lookup.setdefault(fold(PERSON[key].label), key)
    lookup.setdefault(fold(catalog.national_id_name), "national_id")
    lookup.setdefault(fold(f"{catalog.national_id_name} number"), "national_id")
    lookup.setdefault(fold(f"{catalog.national_id_name} no"), "national_id")
    return lookup


def _header_key(cell: str, lookup: Mapping[str, str]) -> str | None:
    """The column a header cell names, if any."""
    folded = fold(cell)
    if folded in lookup:
        return lookup[folded]
    words = set(folded.split())
    if any(f" {relative} " in f" {folded} " for relative in RELATIVES):
        return None
    return next((key for key, keys in HEADER_WORDS.items() if words & keys), None)


def _column_label(key: str, catalog: Catalog) -> str:
    if key == "national_id" and catalog.national_id_name != PERSON[key].label:
        return f"{PERSON[key].label} ({catalog.national_id_name})"
    return PERSON[key].label


def _agency_lookup(catalog: Catalog) -> dict[str, str]:
    """Folded code, label and "Label (CODE)" of every live agency, to its code."""
    retired = catalog.retired.get("agencies", frozenset())
    lookup: dict[str, str] = {}
    for code, label in catalog.codes.get("agencies", {}).items():
        if code in retired:
            continue
        for text in (code, label, f"{label} ({code})"):
            lookup.setdefault(text.casefold().strip(), code)
    return lookup


def parse_pasted_roster(text: str, catalog: Catalog) -> PastedRoster:
    """Persons from rows copied out of a spreadsheet (tab-separated, as Excel copies).

    The first line is a header when at least two of its cells name known columns
    (Name, Sex or Gender, Agency or Department, Rank or Designation, CNIC or
    National ID...); columns are then taken by their headers and others ignored.
    Without a header the columns are name, sex, agency, rank, national ID. Rows are
    numbered as pasted, the first line being row 1. A row with a bad cell is left
    out and reported; blank lines are skipped.
    """
    lines = [row for row in csv.reader(io.StringIO(text), delimiter="\t")]
    result = PastedRoster()
    numbered = [(n, [cell.strip() for cell in cells]) for n, cells in enumerate(lines, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(cells)]
    if not numbered:
        return result
    lookup = _header_lookup(catalog)
    first_row, first = numbered[0]
    recognised = [_header_key(cell, lookup) for cell in first]
    columns: dict[str, int]
    labels: dict[str, str]
    if sum(1 for key in recognised if key is not None) >= 2 or (
        len(first) == 1 and recognised[0] is not None
    ):
        result.had_header = True
        columns, labels = {}, {}
        for index, (cell, key) in enumerate(zip(first, recognised, strict=True)):
            if key is None or key in columns:
                if cell:
                    result.ignored_columns.append(cell)
                continue
            columns[key] = index
            labels[key] = cell
        numbered = numbered[1:]
        if "full_name" not in columns:
            result.problems.append(
                PasteProblem(first_row, None, "no column of names (a header such as “Name”)")
            )
            return result
    else:
        columns = {key: index for index, key in enumerate(PASTED_FIELDS)}
        labels = {key: _column_label(key, catalog) for key in PASTED_FIELDS}
    agencies = _agency_lookup(catalog)
    for row, cells in numbered:
        values = {
            key: (cells[index] if index < len(cells) else "") for key, index in columns.items()
        }
        person, problems = _pasted_person(row, values, labels, agencies, catalog)
        if problems:
            result.problems.extend(problems)
        else:
            result.people.append(PastedPerson(row, person))
    return result


def _pasted_person(
    row: int,
    values: Mapping[str, str],
    labels: Mapping[str, str],
    agencies: Mapping[str, str],
    catalog: Catalog,
) -> tuple[PersonDraft, list[PasteProblem]]:
    problems: list[PasteProblem] = []

    def problem(key: str, message: str) -> None:
        problems.append(PasteProblem(row, labels.get(key, PERSON[key].label), message))

    person = PersonDraft(status="final")
    name = " ".join(values.get("full_name", "").split())
    person.full_name = name or None
    sex_text = values.get("sex", "")
    if sex_text:
        sex = SEX_WORDS.get(fold(sex_text))
        if sex is None:
            problem("sex", f"“{sex_text}” is not one of {SEX_ALLOWED}")
        person.sex = sex
    agency_text = values.get("agency", "")
    if agency_text:
        agency = agencies.get(agency_text.casefold())
        if agency is None:
            problem("agency", f"“{agency_text}” is not in the list of agencies")
        person.agency = agency
    person.rank = values.get("rank", "") or None
    person.national_id = values.get("national_id", "") or None
    reported = {p.column for p in problems}
    for error in validate_person(person, catalog):
        label = labels.get(error.field, PERSON[error.field].label)
        if label in reported:
            continue
        if error.field == "national_id":
            message = f"“{person.national_id}” is not a valid {catalog.national_id_name}"
        else:
            message = error.message
        problems.append(PasteProblem(row, label, message))
        reported.add(label)
    return person, problems


def same_person(one: PersonDraft, other: PersonDraft) -> bool:
    """Whether two entries describe one person: the same national ID (dashes
    ignored), or the same name and agency where one of them has no national ID."""
    mine, theirs = national_id_key(one.national_id), national_id_key(other.national_id)
    if mine is not None and theirs is not None:
        return mine == theirs
    return bool(one.full_name) and (
        name_key(one.full_name) == name_key(other.full_name) and one.agency == other.agency
    )


def roster_people_errors(
    draft: TrainingDraft,
    people: Mapping[str, PersonDraft],
    new: Collection[str],
    catalog: Catalog,
) -> list[FieldError]:
    """Problems of the persons a roster creates, each on its enrollment's row.

    ``people`` maps person UUIDs to their details (those known); the persons whose
    UUIDs are in ``new`` are to be created, so they are validated here, and one
    that repeats another participant (``same_person``) is refused.
    """
    errors: list[FieldError] = []
    seen: list[tuple[int, PersonDraft]] = []
    for row, enrollment in enumerate(draft.enrollments):
        person = people.get(enrollment.person_uuid or "")
        if person is None:
            continue
        if enrollment.person_uuid in new:
            for error in validate_person(person, catalog):
                errors.append(FieldError(error.field, error.message, row))
            for other_row, other in seen:
                if same_person(person, other):
                    errors.append(
                        FieldError(
                            "full_name",
                            f"{person.full_name} is participant {other_row + 1} already",
                            row,
                        )
                    )
                    break
        seen.append((row, person))
    return errors


def unvetted_participants(
    draft: TrainingDraft, names: Mapping[str, str]
) -> list[tuple[int, str, str | None]]:
    """Participants enrolled without Leahy approval in a session not yet held.

    Returns (row, name, vetting status) for each one whose vetting is neither
    approved nor "not required"; none once the session is completed or cancelled.
    ``names`` maps person UUIDs to names.

    Every session is taken as US-funded: the funding programs a post records are
    INL's own lines (INCLE, ILEA, criminal justice, counternarcotics...), paid from
    US appropriations wherever the course is held, and the reference data marks no
    program as funded otherwise.
    """
    if draft.training_status not in OPEN_STATUSES:
        return []
    return [
        (row, names.get(enrollment.person_uuid or "", "?"), enrollment.vetting_status)
        for row, enrollment in enumerate(draft.enrollments)
        if enrollment.vetting_status not in VETTING_SETTLED
    ]


def vetting_text(status: str | None) -> str:
    """A vetting status as the user knows it ("not recorded" when blank)."""
    if status is None:
        return "not recorded"
    return ENROLLMENT["vetting_status"].choice_label(status).lower()
