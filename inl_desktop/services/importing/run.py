"""Importing a post's own spreadsheet: plan (every row read, checked and shown with
its problems; nothing written), then commit (the ready rows in one transaction).

A row is *ready* (it becomes a record), *skipped* on purpose (a subtotal, a note, a
row imported before) or *rejected* (its problems name the column and the reason; the
errors workbook lists them so the user can fix the rows and import that workbook).
Every imported record keeps the fingerprint of its source row: the kind and the
mapped cells, with how many identical rows came before it in the file. The same row
imported again, from the same file or a later one that repeats it, is skipped.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    SeizureDraft,
    SeizureItemDraft,
    TrainingDraft,
)
from inl_desktop.domain.errors import FieldError, UserError
from inl_desktop.domain.fields import TRAINING
from inl_desktop.domain.import_values import (
    DateOrder,
    Decimals,
    decide_date_order,
    parse_date,
    parse_integer,
    parse_number,
    row_skip_reason,
    split_quantity,
)
from inl_desktop.domain.periods import BadPeriod, parse_period
from inl_desktop.domain.roster import fold
from inl_desktop.domain.validation import (
    validate_enrollment,
    validate_person,
    validate_seizure,
    validate_training,
)
from inl_desktop.exchange.import_errors import ERRORS_SHEET, write_rejected_rows
from inl_desktop.exchange.sources import Cell, SourceTable, read_source, sheet_names
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.mapping import (
    ImportMapping,
    quantity_has_units,
    suggest_columns,
    suggest_decimals,
)
from inl_desktop.services.importing.spellings import suggest_code, unit_text_code
from inl_desktop.services.importing.targets import (
    ROSTER_FIELDS,
    ImportKind,
    Reads,
    Target,
    targets_of,
)
from inl_desktop.services.merge.rows import Audit
from inl_desktop.services.merge.run import RowInserter, batched, marks, next_id
from inl_desktop.services.merge.seizures import IncomingSeizure, insert_seizures
from inl_desktop.services.persons import name_key, national_id_key, write_person
from inl_desktop.services.records import new_uuid
from inl_desktop.services.reference_lists import add_item
from inl_desktop.services.seizures import normalised
from inl_desktop.services.trainings import load_row, read_draft, write_training
from inl_desktop.store.models import ChangeLogEntry, ImportedRow, Person

READY, SKIPPED, REJECTED = "ready", "skipped", "rejected"
IMPORTED_BEFORE = "imported before"
SESSION_FIELDS = tuple(field.name for field in TRAINING)
_DATE_READS = (Reads.DATE,)
_LOG = ["record_kind", "record_uuid", "revision", "action", "field", "new_value",
        "changed_at", "changed_by"]  # fmt: skip


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be imported: its row number, the source column, the reason."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


@dataclass
class RosterRow:
    """A participant's row of a roster: the session it names, the person, the enrollment."""

    session: TrainingDraft
    person: PersonDraft
    enrollment: EnrollmentDraft

    @property
    def session_key(self) -> tuple[Any, ...]:
        """What makes two rows name the same session (its fields, not its participants)."""
        return tuple(getattr(self.session, name) for name in SESSION_FIELDS)

    @property
    def person_key(self) -> tuple[str, ...]:
        """What makes two rows name the same person: the national ID, else name and agency."""
        key = national_id_key(self.person.national_id)
        if key:
            return ("id", key)
        return ("name", name_key(self.person.full_name or ""), self.person.agency or "")


@dataclass
class PlannedRow:
    """One row of the source and what importing would do with it."""

    number: int
    cells: list[Cell]
    outcome: str
    reason: str = ""
    problems: list[RowProblem] = field(default_factory=list)
    record: Any = None
    fingerprint: str = ""


@dataclass
class ImportPlan:
    """A file read with a mapping: every row's outcome, and what was decided for it."""

    table: SourceTable
    mapping: ImportMapping
    rows: list[PlannedRow]
    notes: list[str]
    needs_date_order: bool = False

    def count(self, outcome: str) -> int:
        """How many rows have this outcome."""
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def headers(self) -> list[str]:
        """The source's column headers."""
        return self.table.headers


@dataclass
class ImportResult:
    """What an import did."""

    imported: int
    skipped: int
    rejected: int
    errors_file: Path | None
    uuids: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """``{"imported", "skipped", "rejected", "errors_file"}`` as the command prints it."""
        return {
            "imported": self.imported,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "errors_file": str(self.errors_file) if self.errors_file else None,
        }


def read_table(path: Path, mapping: ImportMapping | None) -> SourceTable:
    """The source as the mapping says to read it (an errors workbook as itself)."""
    if path.suffix.lower() == ".xlsx" and ERRORS_SHEET in sheet_names(path):
        return read_source(path, sheet=ERRORS_SHEET, header_row=1)
    if mapping is None:
        return read_source(path)
    return read_source(
        path,
        sheet=mapping.sheet,
        header_row=mapping.header_row,
        encoding=mapping.encoding,
        delimiter=mapping.delimiter,
    )


def suggested_mapping(
    kind: ImportKind, table: SourceTable, catalog: Catalog | None = None
) -> ImportMapping:
    """A mapping from the file's headers, then from its values: a column of dates, of
    drug names or agencies, of quantities with units fills the field no header named;
    a unit in the quantity's header ("Quantity (kg)") becomes the file's unit. Values
    are suggested as rows are read."""
    headers = table.headers
    columns = suggest_columns(kind, headers)
    mapping = ImportMapping(kind, columns=columns)
    if catalog is None:
        return mapping
    targets = targets_of(kind)
    used = {header for chosen in columns.values() for header in chosen}
    for index, header in enumerate(headers):
        if header in used:
            continue
        sample = [cell for cell in table.column(index) if cell not in (None, "")][:50]
        name = _suggest_from_values(targets, columns, sample, catalog)
        if name is not None:
            columns[name] = [header]
            used.add(header)
    if "quantity" in columns and "unit" not in columns:
        bracket = re.search(r"\(([^)]+)\)|\bin ([a-z]+)$", columns["quantity"][0], re.I)
        unit = unit_text_code(catalog, bracket[1] or bracket[2]) if bracket else None
        if unit is not None:
            mapping.constants["unit"] = unit
    return mapping


def _suggest_from_values(
    targets: dict[str, Target],
    columns: dict[str, list[str]],
    sample: Sequence[Cell],
    catalog: Catalog,
) -> str | None:
    """The unmapped field most of a column's values fit, if any."""
    if len(sample) < 2:
        return None
    free = [target for name, target in targets.items() if name not in columns]

    def share(test: Callable[[Cell], bool]) -> float:
        return sum(1 for cell in sample if test(cell)) / len(sample)

    def reads_as_date(cell: Cell) -> bool:
        if isinstance(cell, date):
            return True
        try:
            parse_date(cell, DateOrder.DAY_FIRST)
        except ValueError:
            return False
        return isinstance(cell, str)

    dated = any(targets[name].reads is Reads.DATE for name in columns)
    for target in free:
        # One column of dates is taken from its values; which date a second one is
        # (an end, a period's start) only its header can say.
        if target.reads is Reads.DATE and not dated and share(reads_as_date) >= 0.8:
            return target.name
        if target.name == "quantity" and quantity_has_units(sample) and share(_has_digit) >= 0.8:
            return target.name
        # A column of countries could be any of a seizure's countries: a person says which.
        if target.reads is Reads.CODE and target.reference_list not in (None, "units", "countries"):
            list_name = target.reference_list
            assert list_name is not None
            known = sum(1 for cell in sample if suggest_code(catalog, list_name, str(cell)))
            if known / len(sample) >= 0.6:
                return target.name
    return None


def _has_digit(cell: Cell) -> bool:
    return any(character.isdigit() for character in str(cell))


def plan_import(ctx: AppContext, table: SourceTable, mapping: ImportMapping) -> ImportPlan:
    """Read every row of ``table`` with ``mapping`` (nothing is written)."""
    catalog = _with_new_codes(ctx.catalog(), mapping)
    headers = table.headers
    index = {header: number for number, header in enumerate(headers)}
    targets = targets_of(mapping.kind)
    notes: list[str] = []
    effective = replace(
        mapping,
        sheet=table.sheet,
        header_row=table.header_row,
        encoding=table.encoding,
        delimiter=table.delimiter,
        columns=dict(mapping.columns),
        values={name: dict(table_) for name, table_ in mapping.values.items()},
    )
    columns: dict[str, list[int]] = {}
    for name, wanted in mapping.columns.items():
        missing = [header for header in wanted if header not in index]
        if missing:
            raise UserError(
                f"The file has no column {missing[0]!r} (mapped to {targets[name].label}); "
                f"its columns are: {', '.join(headers)}"
            )
        columns[name] = [index[header] for header in wanted]
    data = table.data()
    if effective.decimal_separator is None:
        number_cells = [
            row[i]
            for name, places in columns.items()
            if targets[name].reads in (Reads.NUMBER, Reads.INTEGER)
            for _, row in data
            for i in places
        ]
        effective.decimal_separator = suggest_decimals(number_cells)
        if effective.decimal_separator is Decimals.COMMA:
            notes.append("Numbers are read with a decimal comma (3,26 is 3.26)")
    needs_order = False
    if effective.date_order is None:
        date_cells = [
            row[i]
            for name, places in columns.items()
            if targets[name].reads in _DATE_READS and len(places) == 1
            for _, row in data
            for i in places
        ]
        try:
            order, needs_order = decide_date_order(date_cells)
        except ValueError as error:
            raise UserError(f"The dates of {table.path.name} cannot be read: {error}") from None
        if order is not None:
            effective.date_order = order
            needs_order = False
            notes.append(f"Dates are read {order} (some can only be read that way)")
        elif needs_order:
            notes.append(
                "Dates like 03/04/2019 read both ways and no date in the file tells which: "
                "choose day-first or month-first"
            )
    unit_mapped = "unit" in columns or "unit" in mapping.constants
    quantities = (
        [row[columns["quantity"][0]] for _, row in data[:200]] if "quantity" in columns else []
    )
    if not unit_mapped and quantity_has_units(quantities):
        notes.append("Units are taken from the quantity cells (12 kg)")
    reader = _RowReader(ctx, catalog, effective, columns, headers, targets)
    rows: list[PlannedRow] = []
    seen: Counter[str] = Counter()
    for number, cells in data:
        reason = row_skip_reason(cells)
        if reason == "empty":
            continue
        if reason is not None:
            rows.append(PlannedRow(number, cells, SKIPPED, reason))
            continue
        mapped = [_cell_key(cells[i]) for places in columns.values() for i in places]
        key = "\x1f".join([mapping.kind, *mapped])
        seen[key] += 1
        fingerprint = hashlib.sha256(f"{key}\x1e{seen[key]}".encode()).hexdigest()
        record, problems = reader.read(number, cells)
        outcome = REJECTED if problems else READY
        rows.append(PlannedRow(number, cells, outcome, "", problems, record, fingerprint))
    _skip_imported(ctx, rows)
    _skip_known_persons(ctx, mapping.kind, rows)
    _refuse_repeated_participants(rows)
    for name, suggested in reader.suggested.items():
        pairs = ", ".join(f"{text} -> {code}" for text, code in sorted(suggested.items()))
        notes.append(f"{targets[name].label} values suggested: {pairs}")
        effective.values.setdefault(name, {}).update(
            {fold(text): code for text, code in suggested.items()}
        )
    return ImportPlan(table, effective, rows, notes, needs_order)


def _cell_key(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _with_new_codes(catalog: Catalog, mapping: ImportMapping) -> Catalog:
    if not mapping.new_codes:
        return catalog
    codes = {name: dict(items) for name, items in catalog.codes.items()}
    for list_name, added in mapping.new_codes.items():
        codes.setdefault(list_name, {}).update(added)
    return replace(catalog, codes=codes)


def _skip_imported(ctx: AppContext, rows: list[PlannedRow]) -> None:
    fingerprints = [row.fingerprint for row in rows if row.fingerprint]
    known: set[str] = set()
    with ctx.engine.connect() as connection:
        for batch in batched(fingerprints):
            found = connection.exec_driver_sql(
                f"SELECT fingerprint FROM imported_rows WHERE fingerprint IN ({marks(len(batch))})",
                tuple(batch),
            )
            known.update(value for (value,) in found)
    for row in rows:
        if row.fingerprint in known:
            row.outcome, row.reason, row.problems = SKIPPED, IMPORTED_BEFORE, []


def _refuse_repeated_participants(rows: list[PlannedRow]) -> None:
    """A person on a session's roster twice: the later row is refused."""
    first: dict[tuple[Any, ...], int] = {}
    for row in rows:
        if row.outcome == REJECTED or not isinstance(row.record, RosterRow):
            continue
        key = (row.record.session_key, row.record.person_key)
        if key in first:
            message = f"The same person is on row {first[key]} of this session"
            row.outcome, row.problems = REJECTED, [RowProblem(row.number, "Participant", message)]
        else:
            first[key] = row.number


def _skip_known_persons(ctx: AppContext, kind: ImportKind, rows: list[PlannedRow]) -> None:
    if kind is not ImportKind.PERSONS:
        return
    keys = {
        key: row
        for row in rows
        if row.outcome == READY and (key := national_id_key(row.record.national_id))
    }
    known: set[str] = set()
    with ctx.engine.connect() as connection:
        for batch in batched(list(keys)):
            found = connection.exec_driver_sql(
                "SELECT national_id_key FROM persons WHERE deleted_at IS NULL AND "
                f"national_id_key IN ({marks(len(batch))})",
                tuple(batch),
            )
            known.update(value for (value,) in found)
    for key in known:
        row = keys[key]
        row.outcome, row.reason = SKIPPED, "a person with this national ID is already stored"


class _RowReader:
    """Turns one row's cells into a draft and its problems."""

    def __init__(
        self,
        ctx: AppContext,
        catalog: Catalog,
        mapping: ImportMapping,
        columns: dict[str, list[int]],
        headers: list[str],
        targets: dict[str, Target],
    ) -> None:
        self.catalog = catalog
        self.today = ctx.today()
        self.mapping = mapping
        self.columns = columns
        self.headers = headers
        self.targets = targets
        self.suggested: dict[str, dict[str, str]] = {}
        self._codes: dict[tuple[str, str], str | None] = {}
        self._units: dict[str, str | None] = {}
        self._mapped = [(name, target) for name, target in targets.items() if name in columns]
        # Constants are the same on every row: read once (the value, or the reason).
        self._constants: dict[str, tuple[Any, str | None]] = {}
        for name, text in mapping.constants.items():
            if name in columns or name not in targets:
                continue
            try:
                self._constants[name] = (self._parse(targets[name], text), None)
            except ValueError as error:
                self._constants[name] = (None, str(error))

    def read(self, number: int, cells: list[Cell]) -> tuple[Any, list[RowProblem]]:
        problems: list[RowProblem] = []
        values: dict[str, Any] = {}
        for name, target in self._mapped:
            raw = self._raw(name, cells)
            if raw is None:
                continue
            try:
                values[name] = self._parse(target, raw)
            except ValueError as error:
                problems.append(RowProblem(number, self._column(name), str(error)))
        for name, (value, reason) in self._constants.items():
            if reason is not None:
                problems.append(RowProblem(number, self._column(name), reason))
            elif value is not None:
                values[name] = value
        kind = self.mapping.kind
        record: SeizureDraft | TrainingDraft | RosterRow | PersonDraft
        if kind is ImportKind.SEIZURES:
            record, errors = self._seizure(values, number, problems)
        elif kind is ImportKind.TRAININGS:
            record, errors = self._training(values)
        else:
            record, errors = self._person(values)
        unreadable = {problem.column for problem in problems}
        if self._column("quantity") in unreadable and "unit" not in self.columns:
            unreadable.add(self._column("unit"))  # the unit was to come from the quantity
        for found in errors:
            column = self._column(found.field)
            if column not in unreadable:  # a cell that could not be read is not also "missing"
                problems.append(RowProblem(number, column, found.message))
        return record, problems

    def _raw(self, name: str, cells: list[Cell]) -> Cell:
        places = self.columns[name]
        if len(places) == 1:
            cell = cells[places[0]]
            return None if cell == "" else cell
        present = [cells[i] for i in places if cells[i] not in (None, "")]
        if not present:
            return None
        joiner = "-" if self.targets[name].reads in _DATE_READS else " "
        return joiner.join(_cell_key(cell) for cell in present)

    def _column(self, name: str) -> str:
        places = self.columns.get(name)
        if places:
            return " + ".join(self.headers[i] for i in places)
        target = self.targets.get(name)
        label = target.label if target else name.replace("_", " ")
        return f"{label} (constant)" if name in self.mapping.constants else label

    def _parse(self, target: Target, raw: Cell) -> Any:
        decimals = self.mapping.decimal_separator or Decimals.POINT
        reads = target.reads
        if reads is Reads.TEXT:
            return _cell_key(raw) if not isinstance(raw, str) else raw.strip() or None
        if reads is Reads.DATE:
            return parse_date(raw, self.mapping.date_order)
        if reads is Reads.NUMBER:
            if target.name == "quantity":
                return split_quantity(raw, decimals)
            return parse_number(raw, decimals)
        if reads is Reads.INTEGER:
            return parse_integer(raw, decimals)
        if reads is Reads.PERIOD:
            text = _cell_key(raw)
            try:
                return parse_period(text)
            except BadPeriod:
                raise ValueError(
                    f"{text!r} is not a period (2019, FY2020, 2019Q1, 2019-03)"
                ) from None
        if reads is Reads.CHOICE:
            return self._choice(target, _cell_key(raw))
        if reads is Reads.CODES:
            texts = [part for part in _cell_key(raw).replace(";", ",").split(",") if part.strip()]
            return tuple(self._code(target, text.strip()) for text in texts)
        return self._code(target, _cell_key(raw))

    def _choice(self, target: Target, text: str) -> str:
        assert target.field is not None
        folded = fold(text)
        for code, label in target.field.choices:
            if folded in (fold(code), fold(label)) or (folded and fold(label).startswith(folded)):
                return code
        mapped = self.mapping.value_code(target.name, text)
        if mapped is not None:
            return mapped
        allowed = ", ".join(label for _, label in target.field.choices)
        raise ValueError(f"{text!r} is not one of: {allowed}")

    def _code(self, target: Target, text: str) -> str:
        list_name = target.reference_list
        assert list_name is not None
        key = (target.name, text)
        if key in self._codes:
            known = self._codes[key]
            if known is not None:
                return known
        else:
            self._codes[key] = self._lookup(target, list_name, text)
        code = self._codes[key]
        if code is None:
            raise ValueError(
                f"{text!r} is not in the list; map it to a code, or add it as a new value"
            )
        return code

    def _lookup(self, target: Target, list_name: str, text: str) -> str | None:
        """The code of a source text: the mapping's, the list's own, or a suggestion."""
        mapped = self.mapping.value_code(target.name, text)
        if mapped is not None:
            return mapped
        stripped = text.strip()
        if self.catalog.has(list_name, stripped.upper()):
            return stripped.upper()
        if list_name == "units":
            code = unit_text_code(self.catalog, text)
        else:
            code = suggest_code(self.catalog, list_name, text)
        if code is not None:
            self.suggested.setdefault(target.name, {})[text] = code
        return code

    def _unit(self, text: str) -> str | None:
        if text not in self._units:
            self._units[text] = unit_text_code(self.catalog, text)
        return self._units[text]

    def _seizure(
        self, values: dict[str, Any], number: int, problems: list[RowProblem]
    ) -> tuple[SeizureDraft, list[FieldError]]:
        draft = SeizureDraft(status=values.get("status") or "final")
        for name in (
            "agency", "joint_agencies", "province", "district", "place", "transport_mode",
            "concealment", "installation", "producing_country", "departure_country",
            "transit_countries", "destination_country", "route_type", "arrests_nationals",
            "arrests_foreigners", "source_reference", "remarks",
        ):  # fmt: skip
            if name in values:
                setattr(draft, name, values[name])
        period = values.get("period")
        if values.get("event_date") is not None:
            draft.basis = "case"
            draft.event_date = values["event_date"]
        elif period is not None or values.get("period_start") is not None:
            draft.basis = "aggregate"
            if period is not None:
                draft.period_start, draft.period_end = period.start, period.end
            else:
                draft.period_start = values.get("period_start")
                draft.period_end = values.get("period_end")
        elif not any(p.column == self._column("event_date") for p in problems):
            problems.append(
                RowProblem(
                    number, self._column("event_date"), "Date of seizure or period is required"
                )
            )
        normalised(draft)
        quantity, unit_text = values.get("quantity") or (None, None)
        unit = values.get("unit")
        if unit is None and unit_text:
            unit = self._unit(unit_text)
            if unit is None:
                problems.append(
                    RowProblem(number, self._column("quantity"), f"Unit {unit_text!r} is not known")
                )
        draft.items = [SeizureItemDraft(values.get("drug"), quantity, unit)]
        return draft, validate_seizure(draft, self.catalog, self.today)

    def _training(
        self, values: dict[str, Any]
    ) -> tuple[TrainingDraft | RosterRow, list[FieldError]]:
        draft = TrainingDraft(status=values.get("status") or "final")
        for name in self.targets:
            if name in values and hasattr(draft, name) and name != "audience":
                setattr(draft, name, values[name])
        if draft.end_date is None:
            draft.end_date = draft.start_date
        if "training_status" not in values and draft.end_date is not None:
            draft.training_status = "completed" if draft.end_date <= self.today else "planned"
        if "full_name" in self.columns:
            return self._roster_row(draft, values)
        counted = {
            name: values.get(name)
            for name in ("enrolled_male", "enrolled_female", "completed_male", "completed_female")
        }
        if any(value is not None for value in counted.values()):
            draft.attendance_mode = "counts"
            done = draft.training_status == "completed"
            for sex, suffix in (("M", "male"), ("F", "female")):
                enrolled = counted[f"enrolled_{suffix}"] or 0
                completed = counted[f"completed_{suffix}"]
                if completed is None:
                    completed = enrolled if done else 0
                if enrolled or completed:
                    draft.counts.append(
                        AttendanceCountDraft(values.get("audience"), sex, enrolled, completed)
                    )
        return draft, validate_training(draft, self.catalog, self.today)

    def _roster_row(
        self, session: TrainingDraft, values: dict[str, Any]
    ) -> tuple[RosterRow, list[FieldError]]:
        session.attendance_mode = "roster"
        person = PersonDraft(status="final")
        for name in ROSTER_FIELDS:
            if name in values:
                setattr(person, name, values[name])
        done = session.training_status == "completed"
        completion = values.get("completion") or ("completed" if done else None)
        enrollment = EnrollmentDraft(audience=values.get("audience"), completion=completion)
        errors = validate_training(session, self.catalog, self.today)
        errors += validate_person(person, self.catalog)
        checked = replace(enrollment, person_uuid="the person of this row")
        errors += validate_enrollment(checked, self.catalog, self.today)
        return RosterRow(session, person, enrollment), errors

    def _person(self, values: dict[str, Any]) -> tuple[PersonDraft, list[FieldError]]:
        draft = PersonDraft(status=values.get("status") or "final")
        for name, value in values.items():
            setattr(draft, "unit" if name == "unit_person" else name, value)
        return draft, validate_person(draft, self.catalog)


def commit_import(
    ctx: AppContext, plan: ImportPlan, errors_file: Path | None = None
) -> ImportResult:
    """Write the plan's ready rows in one transaction (the new reference values the
    mapping asks for first), and the rejected rows to ``errors_file``."""
    ready = [row for row in plan.rows if row.outcome == READY]
    rejected = [row for row in plan.rows if row.outcome == REJECTED]
    written = None
    if errors_file is not None and rejected:
        written = write_rejected_rows(
            errors_file,
            plan.headers,
            [(row.number, row.cells, [str(p.message) for p in row.problems]) for row in rejected],
            [(row.number, p.column) for row in rejected for p in row.problems],
        )
    uuids: list[str] = []
    if ready:
        _add_new_codes(ctx, plan.mapping)
        source = plan.table.path.name
        with ctx.sessions.begin() as session:
            connection = session.connection()
            fresh = _not_yet_imported(session, [row.fingerprint for row in ready])
            ready = [row for row in ready if row.fingerprint in fresh]
            before = [row for row in plan.rows if row.reason == IMPORTED_BEFORE]
            uuids = _write(ctx, session, plan.mapping.kind, ready, before)
            now = ctx.now()
            RowInserter(
                connection,
                ImportedRow,
                ["fingerprint", "record_kind", "record_uuid", "source_file", "source_row",
                 "imported_at"],
            ).insert(
                [
                    (row.fingerprint, plan.mapping.kind, uuid, source, row.number, now)
                    for row, uuid in zip(ready, uuids, strict=True)
                ]
            )  # fmt: skip
            if plan.mapping.kind is ImportKind.SEIZURES:
                RowInserter(connection, ChangeLogEntry, _LOG).insert(
                    [
                        ("seizure", uuid, 1, "import", "imported_from",
                         f"{source} row {row.number}", now, ctx.user)
                        for row, uuid in zip(ready, uuids, strict=True)
                    ]
                )  # fmt: skip
    skipped = plan.count(SKIPPED) + (plan.count(READY) - len(uuids))
    return ImportResult(len(uuids), skipped, len(rejected), written, uuids)


def _add_new_codes(ctx: AppContext, mapping: ImportMapping) -> None:
    catalog = ctx.catalog()
    for list_name, codes in mapping.new_codes.items():
        for code, label in codes.items():
            if not catalog.has(list_name, code):
                add_item(ctx, list_name, code, label)


def _not_yet_imported(session: Session, fingerprints: Sequence[str]) -> set[str]:
    known: set[str] = set()
    for batch in batched(list(fingerprints)):
        known.update(
            session.scalars(
                select(ImportedRow.fingerprint).where(ImportedRow.fingerprint.in_(batch))
            )
        )
    return set(fingerprints) - known


def _write(
    ctx: AppContext,
    session: Session,
    kind: ImportKind,
    rows: Sequence[PlannedRow],
    earlier: Sequence[PlannedRow],
) -> list[str]:
    if kind is ImportKind.PERSONS:
        return [write_person(session, ctx, row.record).uuid for row in rows]
    if kind is ImportKind.TRAININGS:
        if rows and isinstance(rows[0].record, RosterRow):
            return _write_rosters(ctx, session, rows, earlier)
        return [write_training(session, ctx, row.record).uuid for row in rows]
    connection = session.connection()
    post = ctx.post()
    now = ctx.now()
    audit = Audit(post.code, now, ctx.user, now, ctx.user)
    first = next_id(connection, "seizure_events")
    writes = []
    for offset, row in enumerate(rows):
        draft: SeizureDraft = row.record
        draft.uuid, draft.revision = new_uuid(), 1
        for item in draft.items:
            item.uuid = new_uuid()
        writes.append((first + offset, IncomingSeizure(draft, audit, [row.number])))
    insert_seizures(connection, writes, ctx.catalog())
    return [str(draft.uuid) for _, incoming in writes if (draft := incoming.draft)]


def _write_rosters(
    ctx: AppContext, session: Session, rows: Sequence[PlannedRow], earlier: Sequence[PlannedRow]
) -> list[str]:
    """Sessions with their participants: a session some of whose rows were imported
    before gets the new participants; a person already stored (same national ID) is
    enrolled, not added again."""
    groups: dict[tuple[Any, ...], list[PlannedRow]] = {}
    for row in rows:
        groups.setdefault(row.record.session_key, []).append(row)
    stored_sessions = _sessions_of(session, earlier)
    persons = _stored_persons(session, [row.record.person for row in rows])
    uuids: dict[int, str] = {}
    for key, members in groups.items():
        existing = stored_sessions.get(key)
        draft = read_draft(session, load_row(session, existing)) if existing else None
        if draft is None:
            draft = replace(members[0].record.session, enrollments=[], counts=[])
        for row in members:
            roster: RosterRow = row.record
            person_uuid = persons.get(roster.person_key)
            if person_uuid is None:
                person_uuid = write_person(session, ctx, roster.person).uuid
                persons[roster.person_key] = person_uuid
            if any(e.person_uuid == person_uuid for e in draft.enrollments):
                continue
            draft.enrollments.append(replace(roster.enrollment, person_uuid=person_uuid))
        saved = write_training(session, ctx, draft)
        for row in members:
            uuids[row.number] = saved.uuid
    return [uuids[row.number] for row in rows]


def _sessions_of(session: Session, earlier: Sequence[PlannedRow]) -> dict[tuple[Any, ...], str]:
    """The stored session each earlier-imported roster row went into, by session key."""
    by_fingerprint = {
        row.fingerprint: row.record.session_key
        for row in earlier
        if isinstance(row.record, RosterRow)
    }
    found: dict[tuple[Any, ...], str] = {}
    for batch in batched(list(by_fingerprint)):
        for fingerprint, uuid in session.execute(
            select(ImportedRow.fingerprint, ImportedRow.record_uuid).where(
                ImportedRow.fingerprint.in_(batch)
            )
        ):
            found[by_fingerprint[fingerprint]] = uuid
    return found


def _stored_persons(session: Session, people: Sequence[PersonDraft]) -> dict[tuple[str, ...], str]:
    """Stored persons with the national IDs of ``people``, by person key."""
    keys = sorted({key for person in people if (key := national_id_key(person.national_id))})
    found: dict[tuple[str, ...], str] = {}
    for batch in batched(keys):
        for key, uuid in session.execute(
            select(Person.national_id_key, Person.uuid).where(
                Person.national_id_key.in_(batch), Person.deleted_at.is_(None)
            )
        ):
            found[("id", str(key))] = uuid
    return found
