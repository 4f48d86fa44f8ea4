"""Ragged rows of a CSV file: rows with more (or fewer) cells than the header names.

A ragged row's cells may have shifted: in a comma-separated file written with
unquoted decimal commas, ``12630,15`` is two cells, the quantity reads 12630 and the
``15`` lands in the next column. Such a row is never imported as it is. When joining
pairs of number cells (a whole number, then the digits of its fraction) gives back
the header's cell count in exactly one way, and each joined cell falls in a column
that holds decimals, the row can be *repaired*; the repair is the user's choice.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise

from inl_desktop.domain.import_values import row_skip_reason
from inl_desktop.exchange.sources import Cell, SourceTable

_WHOLE = re.compile(r"^\s*[+-]?\d+\s*$")
_FRACTION = re.compile(r"^\d+\s*$")
_MAX_TRIALS = 20_000
# Why rows are usually ragged, said where their count is said.
MORE_CELLS_CAUSE = "decimal commas in a comma-separated file"
FEWER_CELLS_CAUSE = "cells missing at the end of the line"


@dataclass(frozen=True)
class Repair:
    """A ragged row's cells with its decimal commas joined, and what was joined."""

    cells: list[Cell]
    joined: list[tuple[int, str]]  # (column index after the repair, the joined text)


@dataclass
class RaggedRows:
    """The ragged rows of a table and which of them a decimal-comma join repairs."""

    header_cells: int
    counts: dict[int, int] = field(default_factory=dict)  # file row number -> cells
    repairs: dict[int, Repair] = field(default_factory=dict)

    @property
    def more(self) -> int:
        """How many rows have more cells than the header."""
        return sum(1 for count in self.counts.values() if count > self.header_cells)

    @property
    def fewer(self) -> int:
        """How many rows have fewer cells than the header."""
        return sum(1 for count in self.counts.values() if count < self.header_cells)

    @property
    def repairable(self) -> bool:
        """Whether joining decimal commas restores the header's count on every one."""
        return bool(self.counts) and len(self.repairs) == len(self.counts)

    def reason(self, number: int) -> str:
        """Why row ``number`` is not imported as it is."""
        count = self.counts[number]
        cause = MORE_CELLS_CAUSE if count > self.header_cells else FEWER_CELLS_CAUSE
        return (
            f"the row has {count} cells where the header names {self.header_cells}; "
            f"its values may have shifted ({cause}?)"
        )

    def summary(self) -> str:
        """One line for the file's first screen and the command's output."""
        parts = []
        if self.more:
            parts.append(
                f"{_rows(self.more)} more cells than the header's {self.header_cells} "
                f"(usually {MORE_CELLS_CAUSE})"
            )
        if self.fewer:
            parts.append(
                f"{_rows(self.fewer)} fewer cells than the header's {self.header_cells} "
                f"({FEWER_CELLS_CAUSE})"
            )
        text = "; ".join(parts)
        text = text[0].upper() + text[1:]
        if self.repairable:
            return f"{text}. Joining the decimal commas repairs every one of them (a choice)."
        return f"{text}. They are not imported as they are."


def _rows(count: int) -> str:
    return f"{count:,} row has" if count == 1 else f"{count:,} rows have"


def ragged_rows(table: SourceTable, decimal_columns: Collection[int] | None = None) -> RaggedRows:
    """The ragged data rows of a CSV table (none for xlsx or a table without header).

    ``decimal_columns`` are the columns that may hold decimals (those mapped to
    quantities and amounts); without them, the columns whose cells in the rows that
    are not ragged are all numbers.
    """
    header_cells = table.header_cell_count
    found = RaggedRows(header_cells or 0)
    if header_cells is None:
        return found
    data = table.rows[table.header_row :]
    for number, cells in enumerate(data, start=table.header_row + 1):
        count = table.cell_count(number)
        if count is None or count == header_cells:
            continue
        if row_skip_reason(cells) is not None:  # blank, a note or a total
            continue
        found.counts[number] = count
    if not found.counts:
        return found
    if decimal_columns is None:
        decimal_columns = _number_columns(table, header_cells)
    for number, count in found.counts.items():
        if count > header_cells:
            cells = list(data[number - table.header_row - 1])
            cells += [None] * (count - len(cells))
            repair = repair_row(cells, header_cells, decimal_columns)
            if repair is not None:
                found.repairs[number] = repair
    return found


def repair_row(
    cells: Sequence[Cell], header_cells: int, decimal_columns: Collection[int]
) -> Repair | None:
    """The row with pairs of number cells joined by a decimal comma, when exactly one
    choice of pairs gives ``header_cells`` cells with every joined cell in a decimal
    column; None otherwise (the row cannot be repaired without guessing)."""
    extra = len(cells) - header_cells
    if extra <= 0:
        return None
    texts = ["" if cell is None else str(cell) for cell in cells]
    pairs = [
        index
        for index in range(len(texts) - 1)
        if _WHOLE.match(texts[index]) and _FRACTION.match(texts[index + 1])
    ]
    if len(pairs) < extra or math.comb(len(pairs), extra) > _MAX_TRIALS:
        return None
    found: tuple[int, ...] | None = None
    for choice in combinations(pairs, extra):
        if any(later - earlier < 2 for earlier, later in pairwise(choice)):
            continue  # a cell cannot be both a fraction and a whole number
        if any(index - shift not in decimal_columns for shift, index in enumerate(choice)):
            continue
        if found is not None:
            return None  # two ways to repair the row: it is not repaired
        found = choice
    if found is None:
        return None
    repaired: list[Cell] = []
    joined: list[tuple[int, str]] = []
    index = 0
    while index < len(texts):
        if index in found:
            text = f"{texts[index].strip()},{texts[index + 1].strip()}"
            joined.append((len(repaired), text))
            repaired.append(text)
            index += 2
        else:
            repaired.append(cells[index])
            index += 1
    return Repair(repaired, joined)


def _number_columns(table: SourceTable, header_cells: int) -> set[int]:
    """Columns whose cells, in the rows that are not ragged, are all numbers (or blank);
    every column when no row is whole."""
    numbers: list[bool] = [True] * header_cells
    whole_rows = 0
    for number, cells in enumerate(table.rows[table.header_row :], start=table.header_row + 1):
        if table.cell_count(number) != header_cells or row_skip_reason(cells) is not None:
            continue
        whole_rows += 1
        for index, cell in enumerate(cells[:header_cells]):
            if cell is not None and not _WHOLE.match(str(cell)):
                numbers[index] = False
    if whole_rows == 0:
        return set(range(header_cells))
    return {index for index, number in enumerate(numbers) if number}
