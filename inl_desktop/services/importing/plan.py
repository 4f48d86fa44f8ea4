"""Planning an import: every row read, checked and shown with its problems; nothing
is written (see ``services.importing.run``)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.errors import UserError
from inl_desktop.domain.import_values import DateOrder, Decimals, decide_date_order, row_skip_reason
from inl_desktop.domain.roster import fold
from inl_desktop.exchange.ragged import RaggedRows, ragged_rows
from inl_desktop.exchange.sources import Cell, SourceTable
from inl_desktop.services.context import AppContext
from inl_desktop.services.duplicates import describe_duplicate, find_lookalikes
from inl_desktop.services.importing.mapping import (
    ImportMapping,
    quantity_has_units,
    suggest_decimals,
)
from inl_desktop.services.importing.outcomes import (
    DUPLICATE,
    IMPORTED_BEFORE,
    NOT_SELECTED,
    READY,
    REJECTED,
    SKIPPED,
    ImportPlan,
    PlannedRow,
    RosterRow,
    RowProblem,
)
from inl_desktop.services.importing.reading import RowReader
from inl_desktop.services.importing.sessions import group_sessions, session_of
from inl_desktop.services.importing.source_rows import (
    TotalRows,
    cell_key,
    column_places,
    marked_cells,
    refuse_contradicted_order,
    repair_notes,
    repaired_cells,
    values_key,
)
from inl_desktop.services.importing.targets import ImportKind, Reads, Target, targets_of
from inl_desktop.services.persons import national_id_key
from inl_desktop.store.bulk import batched, marks


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
    effective = _effective_mapping(table, mapping)
    columns = column_places(mapping.columns, headers, targets)
    selectors = column_places({h: [h] for h in mapping.where}, headers, None)
    ragged, data = _repaired_rows(table, mapping, columns, targets, notes)
    if effective.decimal_separator is None:
        numbers = _cells(data, columns, targets, (Reads.NUMBER, Reads.INTEGER))
        effective.decimal_separator = _decimals_shown(numbers, notes)
    dates = _cells(data, columns, targets, (Reads.DATE,), single=True)
    needs_order = _decide_date_order(table, effective, dates, notes)
    unit_mapped = "unit" in columns or "unit" in mapping.constants
    quantities = (
        [row[columns["quantity"][0]] for _, row in data[:200]] if "quantity" in columns else []
    )
    if not unit_mapped and quantity_has_units(quantities):
        notes.append("Units are taken from the quantity cells (12 kg)")
    reader = RowReader(ctx, catalog, effective, columns, headers, targets)
    totals = TotalRows(mapping.kind, columns, targets, effective.decimal_separator)
    planner = _RowPlanner(table, mapping, columns, selectors, ragged, reader, totals)
    planned = (planner.plan(number, cells) for number, cells in data)
    rows = [row for row in planned if row is not None]
    if planner.formulas:
        formulas = planner.formulas
        said = "1 cell is a formula" if formulas == 1 else f"{formulas:,} cells are formulas"
        notes.append(f"{said}: the last calculated values are used (each is noted on its row)")
    sessions = _check_rows_together(ctx, mapping.kind, rows, allow_duplicates, notes)
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


def _effective_mapping(table: SourceTable, mapping: ImportMapping) -> ImportMapping:
    """A copy of the mapping that names how the file was read and that the plan may
    complete (the decimal separator, the date order, suggested values)."""
    return replace(
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


_Rows = list[tuple[int, list[Cell]]]


def _repaired_rows(
    table: SourceTable,
    mapping: ImportMapping,
    columns: dict[str, list[int]],
    targets: dict[str, Target],
    notes: list[str],
) -> tuple[RaggedRows, _Rows]:
    """The rows with more cells than headers, and every row's cells (with its decimal
    commas joined when the user chose so)."""
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
        (number, repaired_cells(table, ragged, number, cells, mapping))
        for number, cells in table.data()
    ]
    return ragged, data


def _cells(
    data: _Rows,
    columns: dict[str, list[int]],
    targets: dict[str, Target],
    reads: tuple[Reads, ...],
    single: bool = False,
) -> list[Cell]:
    """The cells of the fields read as ``reads`` (only those mapped to ``single``
    columns: a date joined from several cells says nothing of their order)."""
    return [
        row[i]
        for name, places in columns.items()
        if targets[name].reads in reads and (len(places) == 1 or not single)
        for _, row in data
        for i in places
    ]


def _decimals_shown(numbers: list[Cell], notes: list[str]) -> Decimals:
    """The decimal separator the file's numbers show."""
    decimals = suggest_decimals(numbers)
    if decimals is Decimals.COMMA:
        notes.append("Numbers are read with a decimal comma (3,26 is 3.26)")
    return decimals


def _decide_date_order(
    table: SourceTable, effective: ImportMapping, date_cells: list[Cell], notes: list[str]
) -> bool:
    """The date order the file's dates show, unless the mapping names one (then the
    dates must not contradict it); True when the user must choose."""
    if effective.date_order is not None:
        refuse_contradicted_order(date_cells, effective.date_order)
        return False
    try:
        order, needs_order = decide_date_order(date_cells)
    except ValueError as error:
        raise UserError(f"The dates of {table.path.name} cannot be read: {error}") from None
    if order is not None:
        effective.date_order = order
        notes.append(f"Dates are read {order} (some can only be read that way)")
        return False
    if needs_order:
        notes.append(
            "Dates like 03/04/2019 read both ways and no date in the file tells which: "
            "choose day-first or month-first"
        )
    return needs_order


@dataclass
class _RowPlanner:
    """Decides each row on its own: not selected, skipped, rejected or ready."""

    table: SourceTable
    mapping: ImportMapping
    columns: dict[str, list[int]]
    selectors: dict[str, list[int]]
    ragged: RaggedRows
    reader: RowReader
    totals: TotalRows
    formulas: int = 0  # formula cells among the mapped cells read so far
    # How many identical rows came before: part of a row's fingerprint.
    seen: Counter[str] = field(default_factory=Counter)

    def plan(self, number: int, cells: list[Cell]) -> PlannedRow | None:
        """The row's outcome, or None for an empty row (not shown at all)."""
        reason = row_skip_reason(cells)
        if reason == "empty":
            return None
        selectors = self.selectors.items()
        if not all(self.mapping.keeps(header, cell_key(cells[at[0]])) for header, at in selectors):
            said = ", ".join(f"{header} is {cell_key(cells[at[0]])!r}" for header, at in selectors)
            return PlannedRow(number, cells, NOT_SELECTED, said)
        reason = self.totals.skip_reason(cells, reason)
        if reason is not None:
            return PlannedRow(number, cells, SKIPPED, reason)
        self.totals.add(cells)
        ragged, repairing = self.ragged, self.mapping.repair_decimal_commas
        if number in ragged.counts and not (repairing and number in ragged.repairs):
            problem = RowProblem(number, "Row", ragged.reason(number))
            return PlannedRow(number, cells, REJECTED, "", [problem])
        return self._read(number, cells)

    def _read(self, number: int, cells: list[Cell]) -> PlannedRow:
        mapping, headers = self.mapping, self.table.headers
        row_notes = (
            repair_notes(self.ragged, number, headers) if mapping.repair_decimal_commas else []
        )
        marked = marked_cells(self.table, number, self.columns, headers)
        self.formulas += marked.formulas
        record, problems, values = self.reader.read(number, cells)
        problems = marked.problems + [p for p in problems if p.column not in marked.columns]
        key = "\x1f".join([mapping.kind, *values_key(values)])
        self.seen[key] += 1
        fingerprint = hashlib.sha256(f"{key}\x1e{self.seen[key]}".encode()).hexdigest()
        outcome = REJECTED if problems else READY
        planned = PlannedRow(number, cells, outcome, "", problems, record, fingerprint)
        planned.notes = row_notes + marked.notes
        if mapping.kind is ImportKind.TRAININGS:
            planned.session = session_of(record, values)
        return planned


def _check_rows_together(
    ctx: AppContext, kind: ImportKind, rows: list[PlannedRow], allow: bool, notes: list[str]
) -> int | None:
    """What only the rows together, or the stored records, can tell: rows imported
    before, persons already stored, the sessions training rows name, participants on a
    roster twice, look-alikes of stored seizures. How many sessions the rows name."""
    _skip_imported(ctx, rows)
    _skip_known_persons(ctx, kind, rows)
    sessions = None
    if kind is ImportKind.TRAININGS:
        sessions = group_sessions(rows)
        training_rows = sum(1 for row in rows if row.outcome == READY)
        if training_rows:
            notes.append(f"{training_rows:,} rows → {sessions:,} sessions")
    _refuse_repeated_participants(rows)
    if kind is ImportKind.SEIZURES:
        _mark_lookalikes(ctx, rows, allow)
    return sessions


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
