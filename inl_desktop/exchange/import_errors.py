"""The errors workbook of an import: the rejected rows as they were in the source,
with their problems beside them, for the user to fix and import again.

The sheet is named ``Rejected rows``; its header row is the source's, then
``Problems`` and ``Source row``. The importer reads such a workbook with the mapping
of the original file (the two extra columns are not mapped). Cells holding a problem
are filled yellow.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from inl_desktop.domain.errors import UserError
from inl_desktop.exchange.writer import clean_text

ERRORS_SHEET = "Rejected rows"
PROBLEMS_HEADER = "Problems"
SOURCE_ROW_HEADER = "Source row"
_MARK = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
_BOLD = Font(bold=True)


def write_rejected_rows(
    path: Path,
    headers: Sequence[str],
    rows: Sequence[tuple[int, Sequence[object], Sequence[str]]],
    marked: Sequence[tuple[int, str]] = (),
) -> Path:
    """Write (source row number, cells, problems) rows; ``marked`` names the (row,
    column header) cells to fill. Written to a temporary file, then moved into place."""
    book = Workbook(write_only=True)
    sheet: Worksheet = book.create_sheet(ERRORS_SHEET)
    sheet.freeze_panes = "A2"
    header_cells = []
    for text in [*headers, PROBLEMS_HEADER, SOURCE_ROW_HEADER]:
        cell = _cell(sheet, text)
        cell.font = _BOLD
        header_cells.append(cell)
    sheet.append(header_cells)
    marks = {(row, part) for row, column in marked for part in column.split(" + ")}
    width = len(headers)
    for number, cells, problems in rows:
        out: list[object] = []
        for index in range(width):
            value = cells[index] if index < len(cells) else None
            cell = _cell(sheet, value)
            if isinstance(value, datetime | date):
                cell.number_format = "yyyy-mm-dd"
            if (number, headers[index]) in marks:
                cell.fill = _MARK
            out.append(cell)
        out.append(_cell(sheet, "; ".join(problems)))
        out.append(number)
        sheet.append(out)
    folder = path.parent if str(path.parent) else Path(".")
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(suffix=".xlsx", prefix=".errors-", dir=folder)
        os.close(handle)
        book.save(temporary)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise UserError(
            f"The errors workbook cannot be written to {path}: {error.strerror or error}"
        ) from None
    return path


def _cell(sheet: Worksheet, value: object) -> WriteOnlyCell:
    """A cell holding ``value``; text stays text even where Excel would read it as a
    formula ("=A1") or an error value ("#N/A"): the user fixes the row and imports this
    workbook again, and an error cell would read back empty."""
    if isinstance(value, str):
        value = clean_text(value)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES):
        cell.data_type = "s"
    return cell
