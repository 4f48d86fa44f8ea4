"""The source's rows as the importer sees them: cells compared as text, the columns a
mapping names, cells marked by the file (formulas, errors), repaired decimal commas,
subtotal rows, and the canonical text a row's fingerprint is over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.import_values import (
    DateOrder,
    Decimals,
    date_order_evidence,
    says_total,
    split_quantity,
)
from inl_desktop.domain.periods import Period
from inl_desktop.exchange.import_errors import ERRORS_SHEET
from inl_desktop.exchange.ragged import RaggedRows
from inl_desktop.exchange.sources import Cell, SourceTable, read_source, sheet_names
from inl_desktop.services.importing.mapping import ImportMapping
from inl_desktop.services.importing.outcomes import TOTAL_ROW, RowProblem
from inl_desktop.services.importing.targets import ImportKind, Reads, Target


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


def column_places(
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


def repaired_cells(
    table: SourceTable, ragged: RaggedRows, number: int, cells: list[Cell], mapping: ImportMapping
) -> list[Cell]:
    """A row's cells, with its decimal commas joined when the user chose so."""
    repair = ragged.repairs.get(number) if mapping.repair_decimal_commas else None
    if repair is None:
        return cells
    return repair.cells + [None] * (table.width - len(repair.cells))


def repair_notes(ragged: RaggedRows, number: int, headers: list[str]) -> list[str]:
    repair = ragged.repairs.get(number)
    if repair is None:
        return []
    return [f"{headers[column]}: {text} (decimal comma joined)" for column, text in repair.joined]


def refuse_contradicted_order(values: Sequence[Cell], order: DateOrder) -> None:
    """UserError when the file's own dates show the other order than the one asked for."""
    order = DateOrder(order)
    for value in values:
        evidence = date_order_evidence(value)
        if evidence is not None and evidence != order:
            raise UserError(
                f"the file's dates are {evidence} ({str(value).strip()!r}); you asked for {order}"
            )


@dataclass
class CellMarks:
    notes: list[str]
    problems: list[RowProblem]
    columns: set[str]
    formulas: int = 0


def marked_cells(
    table: SourceTable, number: int, columns: dict[str, list[int]], headers: list[str]
) -> CellMarks:
    """The formula cells (a note each) and error cells (a problem each) among a row's
    mapped cells."""
    marks = CellMarks([], [], set())
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


def values_key(values: dict[str, Any]) -> list[str]:
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


_IDENTIFYING = {
    ImportKind.SEIZURES: ("event_date", "period", "period_start", "period_end"),
    ImportKind.TRAININGS: ("title", "start_date", "end_date", "session_key", "full_name"),
    ImportKind.PERSONS: ("full_name", "national_id"),
}


class TotalRows:
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
