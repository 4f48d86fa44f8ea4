"""Reading the attendance grids' typed cells into drafts.

The roster and counts grids hold text as typed; a part of a session (an enrollment,
a new participant, a count) is read from a row one column at a time, and each
cell that cannot be read is kept as a problem of that row and column, so the form
can mark the very cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from inl_desktop.gui.common.part_grid import Column, GridRow, parse_cell

# (row, field, message): a cell that cannot be read.
CellProblem = tuple[int, str, str]


def read_cells(
    record: object,
    columns: Sequence[Column],
    row: GridRow,
    at: int,
    lookups: Mapping[str, Mapping[str, str]],
    problems: list[CellProblem],
) -> None:
    """Set each of ``columns`` of ``record`` from grid row ``row`` (number ``at``);
    a cell that cannot be read leaves None and adds its problem to ``problems``."""
    for column in columns:
        value, message = parse_cell(column.field, row.values.get(column.name), lookups)
        if message is not None:
            problems.append((at, column.name, message))
        setattr(record, column.name, value)
