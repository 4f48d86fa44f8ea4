"""Spreadsheets a post already keeps (.xlsx, .csv, .tsv), read as rows of cells.

A CSV's encoding (UTF-8 with or without BOM, UTF-16, Windows-1252) and delimiter are
detected; an xlsx is checked like an exchange workbook (``exchange.safety``: zip and
XML bombs, a renamed file, declared counts and cells set out far beyond what the file
holds) before python-calamine reads it, sheet by sheet; what calamine raises, its
panics included, is refused in one line. The header row is the first of
the top rows that names the most columns: titles above it and notes below the data
are left to the importer.

Cells come as calamine gives them (str, int, float, bool, date, datetime; None for
blank) for xlsx, and as text (None for blank) for CSV.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from inl_desktop.domain.errors import UserError
from inl_desktop.exchange.safety import (
    WorkbookRefused,
    check_workbook_file,
    column_letters,
    reader_failures,
    require_defused_xml,
)
from inl_desktop.exchange.xlsx_cells import formula_and_error_cells

Cell = str | int | float | bool | date | datetime | None

SUFFIXES = (".xlsx", ".csv", ".tsv", ".txt")
HEADER_SEARCH_ROWS = 30
MAX_SOURCE_BYTES = 200 * 1024 * 1024
_DELIMITERS = (",", ";", "\t", "|")


class UnreadableSource(UserError):
    """A file the importer cannot read at all (the message says why)."""


@dataclass
class SourceTable:
    """One sheet (or CSV file) of a source file, with how it was read."""

    path: Path
    rows: list[list[Cell]]
    header_row: int  # 1-based number of the header row (0: no header found)
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    # A CSV's number of cells on each line as written, trailing blanks included (None
    # for xlsx, whose cells have fixed columns); a row whose count differs from the
    # header's is ragged: its cells may have shifted.
    cell_counts: list[int] | None = None
    # An xlsx sheet's formula cells (the formula) and error cells ("#NAME?"), by
    # (0-based row of ``rows``, 0-based column).
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        """The header row's cells as text ("Column C" for a blank header cell)."""
        if self.header_row == 0:
            return [column_name(i) for i in range(self.width)]
        header = self.rows[self.header_row - 1]
        return [
            _header_text(header[i] if i < len(header) else None) or column_name(i)
            for i in range(self.width)
        ]

    @property
    def width(self) -> int:
        """The number of columns of the widest row."""
        return max((len(row) for row in self.rows), default=0)

    def data(self) -> list[tuple[int, list[Cell]]]:
        """(file row number, cells padded to the width) of every row below the header."""
        width = self.width
        return [
            (number, row + [None] * (width - len(row)))
            for number, row in enumerate(self.rows[self.header_row :], start=self.header_row + 1)
        ]

    @property
    def header_cell_count(self) -> int | None:
        """How many cells the header line has as written (CSV with a header only)."""
        if self.cell_counts is None or self.header_row == 0:
            return None
        return self.cell_counts[self.header_row - 1]

    def cell_count(self, number: int) -> int | None:
        """How many cells file row ``number`` has as written (CSV only)."""
        if self.cell_counts is None:
            return None
        return self.cell_counts[number - 1]

    def column(self, index: int) -> list[Cell]:
        """The cells of one column below the header."""
        return [row[index] if index < len(row) else None for row in self.rows[self.header_row :]]


def column_name(index: int) -> str:
    """ "Column A", "Column AB": how a column without a header is named."""
    return f"Column {column_letters(index)}"


def _header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def sheet_names(path: Path) -> list[str]:
    """The sheets of an xlsx file ([] for CSV)."""
    if path.suffix.lower() != ".xlsx":
        return []
    return _open_xlsx(path).sheet_names


def read_source(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> SourceTable:
    """Read a source file; what is not given is detected. UnreadableSource if it cannot
    be read (with the reason)."""
    if not path.exists():
        raise UnreadableSource(f"{path} does not exist")
    if path.is_dir():
        raise UnreadableSource(f"{path.name} is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableSource(f"{path.name} is empty (0 bytes)")
    if size > MAX_SOURCE_BYTES:
        raise UnreadableSource(f"{path.name} is larger than {MAX_SOURCE_BYTES // 2**20} MB")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = _read_xlsx(path, sheet)
    elif suffix in (".csv", ".tsv", ".txt"):
        table = _read_text(path, encoding, delimiter or ("\t" if suffix == ".tsv" else None))
    elif suffix in (".xls", ".ods", ".xlsm", ".xlsb"):
        raise UnreadableSource(
            f"{path.name}: {suffix} files are not read; save it as .xlsx or .csv first"
        )
    else:
        raise UnreadableSource(f"{path.name} is not an .xlsx, .csv or .tsv file")
    if not any(cell not in (None, "") for row in table.rows for cell in row):
        raise UnreadableSource(f"{path.name} has no values")
    if header_row is None:
        table.header_row = detect_header_row(table.rows)
    else:
        if not 0 <= header_row <= len(table.rows):
            raise UnreadableSource(
                f"{path.name}: there is no row {header_row} (the file has {len(table.rows)})"
            )
        table.header_row = header_row
    return table


def _open_xlsx(path: Path) -> CalamineWorkbook:
    require_defused_xml()
    try:
        check_workbook_file(path)
        with reader_failures(f"{path.name} cannot be read as an xlsx workbook"):
            return CalamineWorkbook.from_path(str(path))
    except WorkbookRefused as error:
        raise UnreadableSource(str(error)) from None


def _read_xlsx(path: Path, sheet: str | None) -> SourceTable:
    book = _open_xlsx(path)
    try:
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise UnreadableSource(
                f"{path.name} has no sheet {sheet!r} (it has {', '.join(names)})"
            )
        try:
            if sheet is None:
                with reader_failures(f"{path.name}: its sheets cannot be read"):
                    sheet = next(
                        (name for name in names if book.get_sheet_by_name(name).height > 0),
                        names[0],
                    )
            with reader_failures(f"{path.name}: sheet {sheet!r} cannot be read"):
                rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except WorkbookRefused as error:  # a damaged sheet part, an error value calamine lacks
            raise UnreadableSource(f"{error}{_errors_named(path, sheet)}") from None
    finally:
        book.close()
    try:
        marks = formula_and_error_cells(path, sheet)
    except WorkbookRefused as error:
        raise UnreadableSource(str(error)) from None
    cleaned = [[None if cell == "" else cell for cell in row] for row in rows]
    return SourceTable(
        path,
        _trimmed(cleaned),
        0,
        sheet=sheet,
        sheets=names,
        formulas=dict(marks.formulas),
        errors=dict(marks.errors),
    )


def _errors_named(path: Path, sheet: str | None) -> str:
    """ " (error cells: C3 #SPILL!, …)" to add to a message, or ""."""
    if sheet is None:
        return ""
    try:
        errors = formula_and_error_cells(path, sheet).errors
    except WorkbookRefused:
        return ""
    if not errors:
        return ""
    named = [f"{column_letters(c)}{r + 1} {text}" for (r, c), text in sorted(errors.items())[:5]]
    return f" (error cells: {', '.join(named)})"


def _trimmed(rows: Sequence[Sequence[Any]]) -> list[list[Cell]]:
    """Rows without their blank trailing cells, and without blank rows at the end."""
    trimmed = []
    for row in rows:
        end = len(row)
        while end and row[end - 1] in (None, ""):
            end -= 1
        trimmed.append(list(row[:end]))
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def detect_encoding(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM, or NUL bytes between ASCII), else
    Windows-1252."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = raw[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number (>1) of fields."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", -1
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        wide = [count for count in counts if count > 1]
        if not wide:
            continue
        common = max(set(wide), key=wide.count)
        score = wide.count(common) * 100 + common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_text(path: Path, encoding: str | None, delimiter: str | None) -> SourceTable:
    raw = path.read_bytes()
    if raw.startswith(b"PK\x03\x04"):
        raise UnreadableSource(f"{path.name} is a zip file (an xlsx?), not a text file")
    encoding = encoding or detect_encoding(raw)
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise UnreadableSource(f"{path.name} cannot be read as {encoding}: {error}") from None
    if "\x00" in text:
        raise UnreadableSource(f"{path.name} is not a text file (it holds NUL bytes)")
    try:
        delimiter = delimiter or detect_delimiter(text)
    except csv.Error as error:
        raise UnreadableSource(
            f"{path.name} is not a readable CSV file: {_csv_reason(error)}"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str | None]] = []
    counts: list[int] = []
    try:
        for row in reader:
            rows.append([cell if cell.strip() else None for cell in row])
            counts.append(len(row))
    except csv.Error as error:
        raise UnreadableSource(
            f"{path.name} is not a readable CSV file: line {reader.line_num}: {_csv_reason(error)}"
        ) from None
    trimmed = _trimmed(rows)
    return SourceTable(
        path,
        trimmed,
        0,
        encoding=_encoding_name(encoding),
        delimiter=delimiter,
        cell_counts=counts[: len(trimmed)],
    )


def _csv_reason(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"a cell longer than {csv.field_size_limit():,} characters (a quote never closed?)"
    return str(error)


def _encoding_name(encoding: str) -> str:
    return {"utf-8-sig": "utf-8-sig", "cp1252": "windows-1252"}.get(encoding, encoding)


def _is_label(cell: Cell) -> bool:
    if not isinstance(cell, str) or not cell.strip():
        return False
    text = cell.strip().replace(",", "").replace(".", "", 1)
    return not text.lstrip("-").isdigit()


def detect_header_row(rows: list[list[Cell]]) -> int:
    """The 1-based number of the header row: among the top rows, the first with the
    most text cells that are not numbers (a title above it has one)."""
    best_row, best_count = 0, 1
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        count = sum(1 for cell in row if _is_label(cell))
        if count > best_count:
            best_row, best_count = number, count
    return best_row
