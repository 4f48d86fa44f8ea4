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
from decimal import Decimal
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
    date_order_evidence,
    decide_date_order,
    parse_date,
    parse_integer,
    parse_number,
    row_skip_reason,
    says_total,
    split_quantity,
)
from inl_desktop.domain.periods import BadPeriod, Period, parse_period
from inl_desktop.domain.roster import fold
from inl_desktop.domain.validation import (
    validate_enrollment,
    validate_person,
    validate_seizure,
    validate_training,
)
from inl_desktop.exchange.import_errors import ERRORS_SHEET, write_rejected_rows
from inl_desktop.exchange.ragged import RaggedRows, ragged_rows
from inl_desktop.exchange.sources import Cell, SourceTable, read_source, sheet_names
from inl_desktop.services.context import AppContext
from inl_desktop.services.duplicates import describe_duplicate, find_lookalikes
from inl_desktop.services.importing.mapping import (
    ImportMapping,
    quantity_has_units,
    suggest_columns,
    suggest_decimals,
)
from inl_desktop.services.importing.remembered import remember_mapping_values
from inl_desktop.services.importing.spellings import suggest_code, unit_text_code
from inl_desktop.services.importing.targets import (
    ENROLLMENT_FIELDS,
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
NOT_SELECTED, DUPLICATE = "not selected", "possible duplicate"
OUTCOMES = (READY, SKIPPED, REJECTED, DUPLICATE, NOT_SELECTED)
IMPORTED_BEFORE = "imported before"
TOTAL_ROW = "a subtotal or total row"
_READ_MEMORY = 200_000  # cell readings kept per import
SEX_NOT_RECORDED = "U"
# Count columns by the sex they count: men, women, and trainees whose sex the file
# does not record (never counted as either).
_COUNTED_SEXES = (("M", "male"), ("F", "female"), (SEX_NOT_RECORDED, "sex_not_recorded"))
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
    session_key: tuple[Any, ...] = ()

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
    notes: list[str] = field(default_factory=list)  # said about the row, not against it
    session: tuple[Any, ...] | None = None  # the session a training row names


@dataclass
class ImportPlan:
    """A file read with a mapping: every row's outcome, and what was decided for it."""

    table: SourceTable
    mapping: ImportMapping
    rows: list[PlannedRow]
    notes: list[str]
    needs_date_order: bool = False
    ragged: RaggedRows | None = None
    allow_duplicates: bool = False
    sessions: int | None = None  # how many sessions the training rows name
    # The spellings the user mapped (not the import's own suggestions): remembered for
    # the post when the import is committed, and suggested next time.
    chosen_values: dict[str, dict[str, str]] = field(default_factory=dict)

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
    duplicates: int = 0  # look-alikes of stored records left out
    not_selected: int = 0
    sessions: int | None = None  # the sessions the imported training rows made or joined

    def as_json(self) -> dict[str, Any]:
        """What the command prints with ``--json``."""
        return {
            "imported": self.imported,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "not_selected": self.not_selected,
            "sessions": self.sessions,
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
    for name, chosen in list(columns.items()):
        # A header names a coded field only if most of its values are in the list: a
        # "Region" column of continents is not the province.
        list_name = targets[name].reference_list
        if targets[name].reads is not Reads.CODE or list_name in (None, "units"):
            continue
        assert list_name is not None
        texts = {cell_key(cell) for cell in table.column(headers.index(chosen[0])) if cell}
        distinct = sorted(texts)[:200]
        known = sum(1 for text in distinct if suggest_code(catalog, list_name, text))
        if distinct and known / len(distinct) < 0.5:
            del columns[name]
    used = {header for chosen in columns.values() for header in chosen}
    for index, header in enumerate(headers):
        if header in used:
            continue
        sample = [cell for cell in table.column(index) if cell not in (None, "")][:50]
        suggested = _suggest_from_values(targets, columns, sample, catalog)
        if suggested is not None:
            columns[suggested] = [header]
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


def plan_import(
    ctx: AppContext,
    table: SourceTable,
    mapping: ImportMapping,
    *,
    allow_duplicates: bool = False,
) -> ImportPlan:
    """Read every row of ``table`` with ``mapping`` (nothing is written).

    Seizures that look like stored ones (the form's look-alike rule) are *possible
    duplicates*, left out unless ``allow_duplicates``."""
    catalog = _with_new_codes(ctx.catalog(), mapping)
    headers = table.headers
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
        where={header: list(wanted) for header, wanted in mapping.where.items()},
        # A choice handed over as its text (a combo box's data) is the enum it names.
        decimal_separator=Decimals(mapping.decimal_separator)
        if mapping.decimal_separator
        else None,
        date_order=DateOrder(mapping.date_order) if mapping.date_order else None,
    )
    columns = _column_places(mapping.columns, headers, targets)
    selectors = _column_places({h: [h] for h in mapping.where}, headers, None)
    decimal_columns = {
        i for name, places in columns.items() if targets[name].reads is Reads.NUMBER for i in places
    }
    ragged = ragged_rows(table, decimal_columns or None)
    if ragged.counts:
        notes.append(ragged.summary())
        if mapping.repair_decimal_commas and ragged.repairs:
            joined = len(ragged.repairs)
            notes.append(
                f"Decimal commas joined on {joined:,} row{'' if joined == 1 else 's'}, as chosen"
            )
    data = [
        (number, _repaired(table, ragged, number, cells, mapping)) for number, cells in table.data()
    ]
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
    date_cells = [
        row[i]
        for name, places in columns.items()
        if targets[name].reads in _DATE_READS and len(places) == 1
        for _, row in data
        for i in places
    ]
    needs_order = False
    if effective.date_order is None:
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
    else:
        _refuse_contradicted_order(date_cells, effective.date_order)
    unit_mapped = "unit" in columns or "unit" in mapping.constants
    quantities = (
        [row[columns["quantity"][0]] for _, row in data[:200]] if "quantity" in columns else []
    )
    if not unit_mapped and quantity_has_units(quantities):
        notes.append("Units are taken from the quantity cells (12 kg)")
    reader = _RowReader(ctx, catalog, effective, columns, headers, targets)
    totals = _TotalRows(mapping.kind, columns, targets, effective.decimal_separator)
    rows: list[PlannedRow] = []
    seen: Counter[str] = Counter()
    formulas = 0
    for number, cells in data:
        reason = row_skip_reason(cells)
        if reason == "empty":
            continue
        if not all(
            mapping.keeps(header, cell_key(cells[places[0]]))
            for header, places in selectors.items()
        ):
            said = ", ".join(
                f"{header} is {cell_key(cells[places[0]])!r}"
                for header, places in selectors.items()
            )
            rows.append(PlannedRow(number, cells, NOT_SELECTED, said))
            continue
        reason = totals.skip_reason(cells, reason)
        if reason is not None:
            rows.append(PlannedRow(number, cells, SKIPPED, reason))
            continue
        totals.add(cells)
        if number in ragged.counts and not (
            mapping.repair_decimal_commas and number in ragged.repairs
        ):
            problem = RowProblem(number, "Row", ragged.reason(number))
            rows.append(PlannedRow(number, cells, REJECTED, "", [problem]))
            continue
        row_notes = _repair_notes(ragged, number, headers) if mapping.repair_decimal_commas else []
        marked = _marked_cells(table, number, columns, headers)
        formulas += marked.formulas
        record, problems, values = reader.read(number, cells)
        problems = marked.problems + [p for p in problems if p.column not in marked.columns]
        key = "\x1f".join([mapping.kind, *_values_key(values)])
        seen[key] += 1
        fingerprint = hashlib.sha256(f"{key}\x1e{seen[key]}".encode()).hexdigest()
        outcome = REJECTED if problems else READY
        planned = PlannedRow(number, cells, outcome, "", problems, record, fingerprint)
        planned.notes = row_notes + marked.notes
        if mapping.kind is ImportKind.TRAININGS:
            planned.session = _session_of(record, values)
        rows.append(planned)
    if formulas:
        said = "1 cell is a formula" if formulas == 1 else f"{formulas:,} cells are formulas"
        notes.append(f"{said}: the last calculated values are used (each is noted on its row)")
    _skip_imported(ctx, rows)
    _skip_known_persons(ctx, mapping.kind, rows)
    sessions = None
    if mapping.kind is ImportKind.TRAININGS:
        sessions = group_sessions(rows)
        training_rows = sum(1 for row in rows if row.outcome == READY)
        if training_rows:
            notes.append(f"{training_rows:,} rows → {sessions:,} sessions")
    _refuse_repeated_participants(rows)
    if mapping.kind is ImportKind.SEIZURES:
        _mark_lookalikes(ctx, rows, allow_duplicates)
    for name, suggested in reader.suggested.items():
        pairs = ", ".join(f"{text} -> {code}" for text, code in sorted(suggested.items()))
        notes.append(f"{targets[name].label} values suggested: {pairs}")
        effective.values.setdefault(name, {}).update(
            {fold(text): code for text, code in suggested.items()}
        )
    chosen = {name: dict(texts) for name, texts in mapping.values.items()}
    return ImportPlan(
        table, effective, rows, notes, needs_order, ragged, allow_duplicates, sessions, chosen
    )


def _column_places(
    wanted_columns: dict[str, list[str]], headers: list[str], targets: dict[str, Target] | None
) -> dict[str, list[int]]:
    """Field (or header) -> the indexes of its columns; UserError for a header the
    file lacks."""
    index = {header: number for number, header in enumerate(headers)}
    places: dict[str, list[int]] = {}
    for name, wanted in wanted_columns.items():
        missing = [header for header in wanted if header not in index]
        if missing:
            used = f"mapped to {targets[name].label}" if targets else "to select rows by"
            raise UserError(
                f"The file has no column {missing[0]!r} ({used}); "
                f"its columns are: {', '.join(headers)}"
            )
        places[name] = [index[header] for header in wanted]
    return places


def _repaired(
    table: SourceTable, ragged: RaggedRows, number: int, cells: list[Cell], mapping: ImportMapping
) -> list[Cell]:
    """A row's cells, with its decimal commas joined when the user chose so."""
    repair = ragged.repairs.get(number) if mapping.repair_decimal_commas else None
    if repair is None:
        return cells
    return repair.cells + [None] * (table.width - len(repair.cells))


def _repair_notes(ragged: RaggedRows, number: int, headers: list[str]) -> list[str]:
    repair = ragged.repairs.get(number)
    if repair is None:
        return []
    return [f"{headers[column]}: {text} (decimal comma joined)" for column, text in repair.joined]


def _refuse_contradicted_order(values: Sequence[Cell], order: DateOrder) -> None:
    """UserError when the file's own dates show the other order than the one asked for."""
    order = DateOrder(order)
    for value in values:
        evidence = date_order_evidence(value)
        if evidence is not None and evidence != order:
            raise UserError(
                f"the file's dates are {evidence} ({str(value).strip()!r}); you asked for {order}"
            )


@dataclass
class _Marks:
    notes: list[str]
    problems: list[RowProblem]
    columns: set[str]
    formulas: int = 0


def _marked_cells(
    table: SourceTable, number: int, columns: dict[str, list[int]], headers: list[str]
) -> _Marks:
    """The formula cells (a note each) and error cells (a problem each) among a row's
    mapped cells."""
    marks = _Marks([], [], set())
    if not table.formulas and not table.errors:
        return marks
    row = number - 1
    for places in columns.values():
        for column in places:
            header = headers[column]
            error = table.errors.get((row, column))
            if error is not None:
                marks.problems.append(
                    RowProblem(number, header, f"the cell is an error ({error}) in the file")
                )
                marks.columns.add(header)
            formula = table.formulas.get((row, column))
            if formula is not None and error is None:
                shown = f"={formula}" if formula else "a formula"
                marks.notes.append(f"{header}: the value is the last result of {shown}")
                marks.formulas += 1
    return marks


def _values_key(values: dict[str, Any]) -> list[str]:
    """The parsed values of a row in a canonical form: what its fingerprint is over, so
    the same figures read from another kind of file are the same row."""
    return [
        f"{name}={_value_text(values[name])}" for name in sorted(values) if values[name] is not None
    ]


def _value_text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return " ".join(value.split()) if "  " in value or "\n" in value else value
    if kind is bool:
        return str(value)
    if kind is Decimal:
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return "+".join(_value_text(part) for part in value)
    if isinstance(value, Period):
        return f"{value.start.isoformat()}/{value.end.isoformat()}"
    if isinstance(value, str):
        return " ".join(value.split())
    return str(value)


def cell_key(cell: Cell) -> str:
    """A cell as text the way the importer compares and joins cells (dates in ISO form,
    whole floats without their .0, spaces collapsed)."""
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


_IDENTIFYING = {
    ImportKind.SEIZURES: ("event_date", "period", "period_start", "period_end"),
    ImportKind.TRAININGS: ("title", "start_date", "end_date", "session_key", "full_name"),
    ImportKind.PERSONS: ("full_name", "national_id"),
}


class _TotalRows:
    """Tells total rows (a cell says total, wherever it is, and the fields that identify
    a record are empty) and whether their figures add up the rows above."""

    def __init__(
        self,
        kind: ImportKind,
        columns: dict[str, list[int]],
        targets: dict[str, Target],
        decimals: Decimals,
    ) -> None:
        self.identifying = [i for name in _IDENTIFYING[kind] for i in columns.get(name, [])]
        self.numeric = sorted(
            {
                i
                for name, places in columns.items()
                if targets[name].reads in (Reads.NUMBER, Reads.INTEGER)
                for i in places
            }
        )
        self.decimals = decimals
        # The data rows' figure cells, summed only when a total row asks.
        self.figures: list[list[Cell]] = []
        self.section_start = 0

    def skip_reason(self, cells: list[Cell], reason: str | None) -> str | None:
        """``reason`` (why the row is skipped already), "a total row" for a total, with
        whether its figures equal the sum of the rows above; None for data."""
        if reason is None:
            texts = "\x1f".join(cell for cell in cells if isinstance(cell, str))
            if "total" not in texts.casefold():  # most rows: no cell to look at closer
                return None
            labels = {i for i, cell in enumerate(cells) if says_total(cell)}
            if not labels or any(
                cells[i] not in (None, "") for i in self.identifying if i not in labels
            ):
                return None
            reason = TOTAL_ROW
        if reason != TOTAL_ROW:
            return reason
        figures = [self._number(cells[i]) for i in self.numeric]
        given = [(n, f) for n, f in enumerate(figures) if f is not None]
        for above in (self.figures[self.section_start :], self.figures):
            if given and above and all(self._sum(above, n) == figure for n, figure in given):
                reason += f" (its figures equal the sum of the {len(above):,} rows above)"
                break
        self.section_start = len(self.figures)
        return reason

    def add(self, cells: list[Cell]) -> None:
        """Keep a data row's figures for the sums a total row may ask."""
        if self.numeric:
            self.figures.append([cells[i] for i in self.numeric])

    def _sum(self, rows: list[list[Cell]], n: int) -> Decimal:
        return sum((figure for row in rows if (figure := self._number(row[n]))), Decimal(0))

    def _number(self, cell: Cell) -> Decimal | None:
        if cell in (None, ""):
            return None
        try:
            return split_quantity(cell, self.decimals)[0]
        except ValueError:
            return None


def _mark_lookalikes(ctx: AppContext, rows: list[PlannedRow], allow: bool) -> None:
    """Ready seizures that look like stored ones: possible duplicates, left out unless
    the user allows them (then the note stays on the row)."""
    ready = [row for row in rows if row.outcome == READY]
    if not ready:
        return
    catalog = ctx.catalog()
    for row, found in zip(ready, find_lookalikes(ctx, [row.record for row in ready]), strict=True):
        if not found:
            continue
        text = f"possible duplicate of {describe_duplicate(found[0], catalog)}"
        if len(found) > 1:
            text += f" and {len(found) - 1:,} more"
        if allow:
            row.notes.append(text)
        else:
            row.outcome, row.reason = DUPLICATE, text


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
        self._read: dict[tuple[str, type, Cell], tuple[Any, str | None]] = {}
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

    def read(self, number: int, cells: list[Cell]) -> tuple[Any, list[RowProblem], dict[str, Any]]:
        """The row's record, its problems, and its parsed values (the quantity's unit as
        a code) for its fingerprint."""
        problems: list[RowProblem] = []
        values: dict[str, Any] = {}
        for name, target in self._mapped:
            raw = self._raw(name, cells)
            if raw is None:
                continue
            # A file repeats its dates, agencies and drugs: each text is read once.
            # (The type is in the key: True, 1 and 1.0 are equal keys but read apart.)
            key = (name, raw.__class__, raw)
            read = self._read.get(key)
            if read is None:
                try:
                    read = (self._parse(target, raw), None)
                except ValueError as error:
                    read = (None, str(error))
                if len(self._read) < _READ_MEMORY:
                    self._read[key] = read
            value, reason = read
            if reason is None:
                values[name] = value
            else:
                problems.append(RowProblem(number, self._column(name), reason))
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
        if "quantity" in values:
            quantity, unit_text = values["quantity"]
            values["quantity"] = quantity
            if values.get("unit") is None and unit_text:
                values["unit"] = self._unit(unit_text) or fold(unit_text)
        return record, problems, values

    def _raw(self, name: str, cells: list[Cell]) -> Cell:
        places = self.columns[name]
        if len(places) == 1:
            cell = cells[places[0]]
            return None if cell == "" else cell
        present = [cells[i] for i in places if cells[i] not in (None, "")]
        if not present:
            return None
        joiner = "-" if self.targets[name].reads in _DATE_READS else " "
        return joiner.join(cell_key(cell) for cell in present)

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
            return cell_key(raw) if not isinstance(raw, str) else raw.strip() or None
        if reads is Reads.DATE:
            return parse_date(raw, self.mapping.date_order)
        if reads is Reads.NUMBER:
            if target.name == "quantity":
                return split_quantity(raw, decimals)
            return parse_number(raw, decimals)
        if reads is Reads.INTEGER:
            return parse_integer(raw, decimals)
        if reads is Reads.PERIOD:
            text = cell_key(raw)
            try:
                return parse_period(text)
            except BadPeriod:
                raise ValueError(
                    f"{text!r} is not a period (2019, FY2020, 2019Q1, 2019-03)"
                ) from None
        if reads is Reads.CHOICE:
            return self._choice(target, cell_key(raw))
        if reads is Reads.CODES:
            texts = [part for part in cell_key(raw).replace(";", ",").split(",") if part.strip()]
            return tuple(self._code(target, text.strip()) for text in texts)
        return self._code(target, cell_key(raw))

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
            f"{count}_{suffix}": values.get(f"{count}_{suffix}")
            for count in ("enrolled", "completed")
            for _, suffix in _COUNTED_SEXES
        }
        if any(value is not None for value in counted.values()):
            draft.attendance_mode = "counts"
            done = draft.training_status == "completed"
            for sex, suffix in _COUNTED_SEXES:
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
        person = PersonDraft(status="final", sex=SEX_NOT_RECORDED)
        for name in ROSTER_FIELDS:
            if name in values:
                setattr(person, name, values[name])
        done = session.training_status == "completed"
        enrollment = EnrollmentDraft(audience=values.get("audience"))
        for name in ENROLLMENT_FIELDS:
            if name in values:
                setattr(enrollment, name, values[name])
        if enrollment.completion is None and done:
            enrollment.completion = "completed"
        errors = validate_training(session, self.catalog, self.today)
        errors += validate_person(person, self.catalog)
        checked = replace(enrollment, person_uuid="the person of this row")
        errors += validate_enrollment(checked, self.catalog, self.today)
        return RosterRow(session, person, enrollment), errors

    def _person(self, values: dict[str, Any]) -> tuple[PersonDraft, list[FieldError]]:
        draft = PersonDraft(status=values.get("status") or "final", sex=SEX_NOT_RECORDED)
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
            remember_mapping_values(session, ctx, plan.mapping.kind, plan.chosen_values)
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
    sessions = len(set(uuids)) if plan.mapping.kind is ImportKind.TRAININGS else None
    return ImportResult(
        len(uuids),
        skipped,
        len(rejected),
        written,
        uuids,
        duplicates=plan.count(DUPLICATE),
        not_selected=plan.count(NOT_SELECTED),
        sessions=sessions,
    )


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
        return _write_sessions(ctx, session, rows, earlier)
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


# Fields whose amounts add up when several rows name one session (a row per student
# unit, each with its cost); any other field must be the same on every row.
_ADDED_UP = ("cost_instruction", "cost_participant", "cost_travel")
_SESSION_IDENTITY = ("title", "start_date", "end_date", "venue_type", "location", "venue_country")


def _session_of(record: Any, values: dict[str, Any]) -> tuple[Any, ...]:
    """What makes rows name the same session: the mapped session key, else the title,
    dates and venue."""
    draft = record.session if isinstance(record, RosterRow) else record
    key_text = values.get("session_key")
    if key_text:
        key: tuple[Any, ...] = ("key", fold(str(key_text)))
    else:
        key = ("session", *(_identity_part(getattr(draft, name)) for name in _SESSION_IDENTITY))
    if isinstance(record, RosterRow):
        record.session_key = key
    return key


def _identity_part(value: Any) -> Any:
    return fold(value) if isinstance(value, str) else value


def _session_draft(row: PlannedRow) -> TrainingDraft:
    record = row.record
    return record.session if isinstance(record, RosterRow) else record


def group_sessions(rows: list[PlannedRow]) -> int:
    """Group the ready training rows by the session they name; a row that names a
    session already named above with another value in one of its fields is refused.
    Returns how many sessions the ready rows name."""
    first: dict[tuple[Any, ...], PlannedRow] = {}
    for row in rows:
        if row.outcome != READY or row.session is None:
            continue
        earlier = first.get(row.session)
        if earlier is None:
            first[row.session] = row
            continue
        differs = _session_difference(_session_draft(earlier), _session_draft(row))
        if differs is not None:
            label, theirs, ours = differs
            message = (
                f"names the session of row {earlier.number} with another {label} "
                f"({theirs!r} there, {ours!r} here)"
            )
            row.outcome, row.problems = REJECTED, [RowProblem(row.number, label, message)]
    return len(first)


def _session_difference(first: TrainingDraft, other: TrainingDraft) -> tuple[str, str, str] | None:
    for definition in TRAINING:
        name = definition.name
        if name in _ADDED_UP or name in ("attendance_mode", "status"):
            continue
        theirs, ours = getattr(first, name), getattr(other, name)
        if _identity_part(theirs) != _identity_part(ours):
            return definition.label, _shown(theirs), _shown(ours)
    return None


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _add_counts(draft: TrainingDraft, counts: Sequence[AttendanceCountDraft]) -> None:
    """Add a row's counts to a session's, by audience and sex."""
    for count in counts:
        same = next(
            (c for c in draft.counts if (c.audience, c.sex) == (count.audience, count.sex)), None
        )
        if same is None:
            draft.counts.append(replace(count))
        else:
            same.enrolled = (same.enrolled or 0) + (count.enrolled or 0)
            same.completed = (same.completed or 0) + (count.completed or 0)


def _add_amounts(draft: TrainingDraft, other: TrainingDraft) -> None:
    for name in _ADDED_UP:
        amount = getattr(other, name)
        if amount is not None:
            setattr(draft, name, (getattr(draft, name) or 0) + amount)


def _write_sessions(
    ctx: AppContext, session: Session, rows: Sequence[PlannedRow], earlier: Sequence[PlannedRow]
) -> list[str]:
    """One session per group of rows, its counts added up or its participants enrolled:
    a session some of whose rows were imported before gets the new rows; a person
    already stored (same national ID) is enrolled, not added again."""
    groups: dict[tuple[Any, ...], list[PlannedRow]] = {}
    for row in rows:
        assert row.session is not None
        groups.setdefault(row.session, []).append(row)
    stored_sessions = _sessions_of(session, earlier)
    rosters = [row.record.person for row in rows if isinstance(row.record, RosterRow)]
    persons = _stored_persons(session, rosters)
    uuids: dict[int, str] = {}
    for key, members in groups.items():
        existing = stored_sessions.get(key)
        draft = read_draft(session, load_row(session, existing)) if existing else None
        if draft is None:
            draft = replace(_session_draft(members[0]), enrollments=[], counts=[])
            for name in _ADDED_UP:
                setattr(draft, name, None)
        for row in members:
            if isinstance(row.record, RosterRow):
                _enroll(ctx, session, draft, row.record, persons)
            else:
                _add_counts(draft, row.record.counts)
                draft.attendance_mode = row.record.attendance_mode
            _add_amounts(draft, _session_draft(row))
        saved = write_training(session, ctx, draft)
        for row in members:
            uuids[row.number] = saved.uuid
    return [uuids[row.number] for row in rows]


def _enroll(
    ctx: AppContext,
    session: Session,
    draft: TrainingDraft,
    roster: RosterRow,
    persons: dict[tuple[str, ...], str],
) -> None:
    person_uuid = persons.get(roster.person_key)
    if person_uuid is None:
        person_uuid = write_person(session, ctx, roster.person).uuid
        persons[roster.person_key] = person_uuid
    if not any(e.person_uuid == person_uuid for e in draft.enrollments):
        draft.enrollments.append(replace(roster.enrollment, person_uuid=person_uuid))


def _sessions_of(session: Session, earlier: Sequence[PlannedRow]) -> dict[tuple[Any, ...], str]:
    """The stored session each earlier-imported training row went into, by session."""
    by_fingerprint = {row.fingerprint: row.session for row in earlier if row.session is not None}
    found: dict[tuple[Any, ...], str] = {}
    for batch in batched(list(by_fingerprint)):
        for fingerprint, uuid in session.execute(
            select(ImportedRow.fingerprint, ImportedRow.record_uuid).where(
                ImportedRow.fingerprint.in_(batch)
            )
        ):
            key = by_fingerprint[fingerprint]
            assert key is not None
            found[key] = uuid
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
