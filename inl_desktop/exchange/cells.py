"""Cells as calamine gives them, typed back to what their column holds.

Each converter takes a cell (str, float, int, bool, date, datetime...; "" when empty)
and returns the value or raises ``BadCell`` with the reason, which the reader turns
into a row problem naming sheet, row and column.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from python_calamine import CalamineWorkbook

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.format import Column, Kind

# Days between the 1900 and the 1904 date systems' day zero.
DAYS_1904 = 1462
_NS_MAIN = "spreadsheetml/2006/main"
_NS_RELATIONSHIPS = "officeDocument/2006/relationships"

Cell = Any  # what calamine gives: str, float, int, bool, date, datetime, time, timedelta


class BadCell(Exception):
    """A cell whose value does not fit its column (becomes a RowProblem)."""


@functools.cache
def calamine_reads_1904() -> bool:
    """Whether calamine applies a workbook's 1904 date system itself (asked once)."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            f'{_NS_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="http://schemas.openxmlformats.org/{_NS_MAIN}" '
            f'xmlns:r="http://schemas.openxmlformats.org/{_NS_RELATIONSHIPS}">'
            '<workbookPr date1904="1"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            f'{_NS_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
            f'{_NS_RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="http://schemas.openxmlformats.org/{_NS_MAIN}">'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
            "</cellXfs></styleSheet>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="http://schemas.openxmlformats.org/{_NS_MAIN}"><sheetData>'
            '<row r="1"><c r="A1" s="1"><v>1</v></c></row></sheetData></worksheet>'
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, text in parts.items():
            archive.writestr(part, text)
    buffer.seek(0)
    with CalamineWorkbook.from_filelike(buffer) as book:
        value = book.get_sheet_by_name("S").to_python()[0][0]
    day = value.date() if isinstance(value, datetime) else value
    return bool(day == date(1904, 1, 2))


def describe(cell: Cell) -> str:
    """How a cell is named in a problem ("the text '2019-01-02'", "the number 43466")."""
    if isinstance(cell, str):
        return f"the text {cell[:40]!r}"
    if isinstance(cell, bool):
        return f"the value {'TRUE' if cell else 'FALSE'}"
    if isinstance(cell, float | int):
        return f"the number {number_text(cell)}"
    return f"the value {cell!s}"


def number_text(value: float | int) -> str:
    """A number as its shortest exact text (whole numbers without ".0")."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def plain_text(cell: Cell) -> str:
    """A cell as trimmed text ("" for anything but text and numbers)."""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float | int) and not isinstance(cell, bool):
        return number_text(cell)
    return ""


def whole_number(cell: Cell) -> int | None:
    """A cell as a whole number, or None."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str) and cell.strip().isdigit():
        return int(cell.strip())
    return None


def as_timestamp(cell: date) -> datetime:
    """A date or naive date-and-time cell as an aware UTC time."""
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=UTC) if cell.tzinfo is None else cell.astimezone(UTC)
    return datetime.combine(cell, time(), tzinfo=UTC)


def read_text(cell: Cell) -> str | None:
    """Text exactly as in the cell ("" is None); a number as its digits."""
    if type(cell) is str:
        return cell or None
    if isinstance(cell, bool):
        raise BadCell(f"holds {describe(cell)} where text is expected")
    if isinstance(cell, float | int):
        return number_text(cell)
    if cell is None:
        return None
    raise BadCell(f"holds {describe(cell)} where text is expected")


def read_codes(cell: Cell) -> tuple[str, ...]:
    """Codes separated by ";" in one cell."""
    text = read_text(cell)
    if not text:
        return ()
    return tuple(code for part in text.split(fmt.CODE_SEPARATOR) if (code := part.strip()))


def read_number(cell: Cell) -> Decimal | None:
    """An exact decimal: the shortest text of the cell's double, or the cell's text."""
    kind = type(cell)
    if kind is float:
        return Decimal(int(cell)) if cell.is_integer() else Decimal(repr(cell))
    if kind is int:
        return Decimal(cell)
    if kind is str:
        if not cell.strip():
            return None
        try:
            value = Decimal(cell.strip().replace(",", ""))
        except InvalidOperation:
            raise BadCell(f"holds {describe(cell)} where a number is expected") from None
        if not value.is_finite():
            raise BadCell(f"holds {describe(cell)} where a number is expected")
        return value
    if cell is None:
        return None
    raise BadCell(f"holds {describe(cell)} where a number is expected")


def read_integer(cell: Cell) -> int | None:
    """A whole number (a number cell or digits)."""
    kind = type(cell)
    if kind is float:
        if cell.is_integer():
            return int(cell)
        raise BadCell(f"holds {describe(cell)} where a whole number is expected")
    if kind is int:
        return int(cell)
    if kind is str:
        text = cell.strip().replace(",", "")
        if not text:
            return None
        if text.lstrip("-").isdigit():
            return int(text)
        raise BadCell(f"holds {describe(cell)} where a whole number is expected")
    if cell is None:
        return None
    raise BadCell(f"holds {describe(cell)} where a whole number is expected")


def date_reader(shift: timedelta) -> Callable[[Cell], date | None]:
    """Reads date cells (moved by ``shift`` to correct the 1904 date system)."""

    def read(cell: Cell) -> date | None:
        kind = type(cell)
        if kind is date:
            return cell + shift if shift else cell  # type: ignore[no-any-return]
        if kind is datetime:
            if cell.time() != time():
                raise BadCell(f"holds the date and time {cell} where a date is expected")
            day: date = cell.date()
            return day + shift if shift else day
        if cell == "" or cell is None:
            return None
        raise BadCell(f"holds {describe(cell)} where a date cell is expected")

    return read


def timestamp_reader(shift: timedelta) -> Callable[[Cell], datetime | None]:
    """Reads date-and-time cells as UTC (moved by ``shift`` like dates)."""

    def read(cell: Cell) -> datetime | None:
        if isinstance(cell, date):
            return as_timestamp(cell) + shift
        if cell == "" or cell is None:
            return None
        raise BadCell(f"holds {describe(cell)} where a date and time cell is expected")

    return read


def converter(column: Column, shift: timedelta) -> Callable[[Cell], Any]:
    """The function that types a column's cells."""
    kind = column.kind
    if kind is Kind.DATE:
        return date_reader(shift)
    if kind is Kind.TIMESTAMP:
        return timestamp_reader(shift)
    if kind is Kind.NUMBER:
        return read_number
    if kind is Kind.INTEGER:
        return read_integer
    if kind is Kind.CODES:
        return read_codes
    return read_text
