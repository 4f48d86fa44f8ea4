"""Read exchange workbooks: checked first, then each data sheet row by row, typed back.

``open_workbook`` runs the file checks of ``exchange.safety``, opens the workbook with
python-calamine (fast), reads the About sheet and refuses, with a message that names
the file (and sheet and column), a workbook that is not of this format, of a format
version this app cannot read, from an unknown country program or post, or that lacks
a sheet or a required column. ``ExchangeWorkbook.rows`` then gives each data row as a
dict keyed by column key, with values typed back:

- dates as ``date``, timestamps as aware UTC ``datetime``; a date column holding a
  number or text is a row problem (a date typed as text would be read by guesswork);
- numbers as exact ``Decimal`` (through the shortest text of the cell's double, or the
  cell's text); integers as ``int``;
- codes, UUIDs, national IDs and other text exactly as the cell's text (leading zeros
  and a leading "=" kept); several codes in one cell as a tuple;
- a formula or an error value (``#N/A``) in a data cell is a row problem naming the
  sheet, row and column, whatever value Excel cached for it.

Label columns (``agency_label``...) are for people and are not read. Columns the
format does not know are ignored. Blank rows are skipped; a sheet whose declared range
is the whole grid is read up to its last non-empty row (calamine keeps only cells with
a value). Workbooks in the 1904 date system come out with the right dates.

A sheet is loaded whole by calamine, so what the file's own check (``exchange.safety``)
saw of each sheet is compared with the About sheet first: a sheet holding more rows
than About gives it (a file inflated, or edited) is refused before it is loaded, as is
an About sheet, or a sheet the format does not have, of more than a few hundred rows.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Self

from python_calamine import CalamineSheet, CalamineWorkbook

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.cells import (
    DAYS_1904,
    BadCell,
    as_timestamp,
    calamine_reads_1904,
    converter,
    plain_text,
    read_text,
    whole_number,
)
from inl_desktop.exchange.format import Kind
from inl_desktop.exchange.safety import (
    WorkbookRefused,
    WorkbookScan,
    check_workbook_file,
    column_letters,
    reader_failures,
    require_defused_xml,
)
from inl_desktop.exchange.xlsx_cells import SheetMarks, worksheet_marks

PROFILES = ("hq", "full")
DATA_SHEETS = (fmt.SEIZURES, fmt.TRAININGS, fmt.ENROLLMENTS, fmt.COUNTS, fmt.DELETED, fmt.LISTS)
# The About sheet has a row per fact (about 25); a sheet the format does not have is
# read by no one, and is not let in to be loaded whole for the signature check.
MAX_ABOUT_ROWS = 200
MAX_OTHER_SHEET_ROWS = 1_000
_POST_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,10}$")
_TEXT_KINDS = (Kind.TEXT, Kind.CODE)


@dataclass(frozen=True)
class RowProblem:
    """Why a row (or one cell of it) was not taken: sheet, Excel row, column key, reason."""

    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}"
        return (
            f"{where}, column {self.column}: {self.reason}"
            if self.column
            else (f"{where}: {self.reason}")
        )


@dataclass(frozen=True)
class About:
    """The About sheet: which post wrote the workbook, how, and how many rows it holds."""

    format_version: int
    post_code: str
    country: str
    profile: str
    person_key_id: str | None
    exported_at: datetime | None
    row_counts: dict[str, int]
    values: dict[str, Any]


@dataclass
class SheetRow:
    """One data row: its Excel row number, typed values and any cell problems."""

    number: int
    values: dict[str, Any]
    problems: list[RowProblem] = field(default_factory=list)


def open_workbook(
    path: Path, known_posts: Mapping[str, Collection[str]] | None = None
) -> ExchangeWorkbook:
    """Check and open an exchange workbook; WorkbookRefused (with a message) if it is not one.

    ``known_posts`` maps each country program the reader accepts to its post codes;
    None accepts any well-formed post and country.
    """
    require_defused_xml()
    scan = check_workbook_file(path)
    about_rows = scan.shape(fmt.ABOUT).value_rows
    if about_rows > MAX_ABOUT_ROWS:
        raise WorkbookRefused(
            f"{path.name}: its About sheet has {about_rows:,} rows; an exchange workbook's "
            f"has fewer than {MAX_ABOUT_ROWS}"
        )
    with reader_failures(f"{path.name} cannot be read as an xlsx workbook"):
        book = CalamineWorkbook.from_path(str(path))
    try:
        return ExchangeWorkbook(path, book, scan, known_posts)
    except BaseException:
        book.close()
        raise


class ExchangeWorkbook:
    """An exchange workbook open for reading (a context manager; see ``open_workbook``)."""

    def __init__(
        self,
        path: Path,
        book: CalamineWorkbook,
        scan: WorkbookScan,
        known_posts: Mapping[str, Collection[str]] | None,
    ) -> None:
        self.path = path
        self._book = book
        self._name = path.name
        self._scan = scan
        self._marked = {fmt.ABOUT: self._marked_cells(fmt.ABOUT)}
        # calamine applies the 1904 date system itself; should a version not, we do.
        shift = scan.date1904 and not calamine_reads_1904()
        self._date_shift = timedelta(days=DAYS_1904 if shift else 0)
        self.about = self._read_about(known_posts)
        self._check_sizes()
        for sheet in DATA_SHEETS:
            self._marked[sheet] = self._marked_cells(sheet)
        self._sheets: dict[str, CalamineSheet] = {}
        self._headers: dict[str, dict[str, int]] = {}
        for sheet in DATA_SHEETS:
            self._load(sheet)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the workbook."""
        self._sheets.clear()
        self._book.close()

    def columns(self, sheet: str) -> frozenset[str]:
        """The column keys a sheet has (of those the format knows)."""
        return frozenset(self._headers[sheet])

    def sheet_cells(self) -> Iterator[tuple[str, tuple[int, int], Iterator[list[Any]]]]:
        """Every sheet as calamine reads it, for the signature check (``exchange.signing``):
        its name, the 0-based (row, column) of its first cell, and its rows of cells. The
        data sheets are those already loaded; the others are loaded one at a time."""
        for name in self._book.sheet_names:
            sheet = self._sheets[name] if name in self._sheets else self._sheet(name)
            yield name, sheet.start or (0, 0), sheet.iter_rows()

    def rows(self, sheet: str, skip: Collection[str] = ()) -> Iterator[SheetRow]:
        """The sheet's non-blank data rows, typed (see the module docstring).

        Columns in ``skip`` are not read.
        """
        calamine_sheet = self._sheets[sheet]
        header = self._headers[sheet]
        start = calamine_sheet.start
        first_row = (start[0] if start else 0) + 1
        first_column = start[1] if start else 0
        read = [
            column
            for column in fmt.SHEET_COLUMNS[sheet]
            if column.kind is not Kind.LABEL and column.key in header and column.key not in skip
        ]
        # Text cells (most of them) are taken as they are; the others are converted.
        texts = [(c.key, header[c.key]) for c in read if c.kind in _TEXT_KINDS]
        others = [
            (c.key, header[c.key], converter(c, self._date_shift))
            for c in read
            if c.kind not in _TEXT_KINDS
        ]
        plan = [(key, index, read_text) for key, index in texts] + others
        by_index = {index: key for key, index in header.items()}
        marked: dict[int, list[RowProblem]] = {}
        for (row, column), reason in self._marked.get(sheet, {}).items():
            key = by_index.get(column - first_column, column_letters(column))
            marked.setdefault(row, []).append(RowProblem(sheet, row, key, reason))
        rows = calamine_sheet.iter_rows()
        next(rows, None)  # the header
        for offset, cells in enumerate(rows, start=1):
            if cells.count("") == len(cells):
                continue
            number = first_row + offset
            problems: list[RowProblem] = []
            try:
                values = {
                    key: (cell or None) if type(cell := cells[index]) is str else read_text(cell)
                    for key, index in texts
                }
                for key, index, convert in others:
                    values[key] = convert(cells[index])
            except BadCell:
                values = {}
                for key, index, convert in plan:
                    try:
                        values[key] = convert(cells[index])
                    except BadCell as bad:
                        values[key] = None
                        problems.append(RowProblem(sheet, number, key, str(bad)))
            if number in marked:
                problems.extend(marked[number])
            yield SheetRow(number, values, problems)

    # -- opening -------------------------------------------------------------------------

    def _sheet(self, name: str) -> CalamineSheet:
        if name not in self._book.sheet_names:
            raise WorkbookRefused(
                f"{self._name} has no {name} sheet"
                + (": it is not an INL Desktop exchange workbook" if name == fmt.ABOUT else "")
            )
        with reader_failures(f"{self._name}: sheet {name} cannot be read"):
            return self._book.get_sheet_by_name(name)

    def _marked_cells(self, sheet: str) -> dict[tuple[int, int], str]:
        """(Excel row, 0-based column) -> why, for the formula and error cells of a sheet
        the scan marked (the slow, exact look; only marked sheets get it)."""
        part = self._scan.sheets.get(sheet)
        if part is None or part not in self._scan.marked:
            return {}
        with zipfile.ZipFile(self.path) as archive:
            marks = worksheet_marks(archive, part, self._name)
        return _reasons(marks)

    def _check_sizes(self) -> None:
        """Refuse, before loading them, sheets holding more rows than About gives them, and
        large sheets the format does not have."""
        for sheet in self._scan.sheets:
            rows = self._scan.shape(sheet).value_rows
            if sheet in self.about.row_counts:
                expected = self.about.row_counts[sheet]
                if rows - 1 > expected:
                    raise WorkbookRefused(
                        f"{self._name}: the About sheet says {sheet} has {expected:,} rows, "
                        f"the sheet holds {rows - 1:,}; the workbook is incomplete or was "
                        "edited (nothing of it was read)"
                    )
            elif sheet not in fmt.SHEET_ORDER and rows > MAX_OTHER_SHEET_ROWS:
                raise WorkbookRefused(
                    f"{self._name} has a sheet {sheet} of {rows:,} rows, which the exchange "
                    "format does not have; the workbook was edited"
                )

    def _read_about(self, known_posts: Mapping[str, Collection[str]] | None) -> About:
        name = self._name
        sheet = self._sheet(fmt.ABOUT)
        if self._marked[fmt.ABOUT]:
            (row, _), reason = next(iter(self._marked[fmt.ABOUT].items()))
            raise WorkbookRefused(f"{name}: About row {row}: {reason}")
        values: dict[str, Any] = {}
        for cells in sheet.iter_rows():
            if len(cells) >= 2 and isinstance(cells[0], str) and cells[0].strip():
                values[cells[0].strip()] = cells[1]
        if values.get("format") != fmt.FORMAT_NAME:
            raise WorkbookRefused(
                f"{name} is not an INL Desktop exchange workbook "
                f"(its About sheet does not say format = {fmt.FORMAT_NAME})"
            )
        version = whole_number(values.get("format_version"))
        if version is None or version not in fmt.READABLE_VERSIONS:
            newest = max(fmt.READABLE_VERSIONS)
            newer = version is not None and version > newest
            shown = version if version is not None else repr(values.get("format_version"))
            raise WorkbookRefused(
                f"{name} is in exchange format version {shown}; "
                f"this version of INL Desktop reads versions up to {newest}"
                + (": install the newer version of INL Desktop" if newer else "")
            )
        country = plain_text(values.get("country")).upper()
        post = plain_text(values.get("post_code")).upper()
        if known_posts is not None and country not in known_posts:
            raise WorkbookRefused(
                f"{name} comes from country program {country or '(none)'}; this database "
                f"consolidates {', '.join(sorted(known_posts)) or 'no country'}"
            )
        if not _POST_CODE.match(post) or not post.startswith(country + "-"):
            raise WorkbookRefused(f"{name}: post {post or '(none)'} is not a post of {country}")
        if known_posts is not None and post not in known_posts[country]:
            raise WorkbookRefused(
                f"{name} comes from post {post}, which is not a post of {country} "
                f"({', '.join(sorted(known_posts[country]))})"
            )
        profile = plain_text(values.get("profile"))
        if profile not in PROFILES:
            raise WorkbookRefused(f"{name}: profile {profile!r} is not one of hq, full")
        counts = {}
        for data_sheet in DATA_SHEETS:
            count = whole_number(values.get(f"rows {data_sheet}"))
            if count is not None:
                counts[data_sheet] = count
        exported = values.get("exported_at_utc")
        return About(
            format_version=version,
            post_code=post,
            country=country,
            profile=profile,
            person_key_id=plain_text(values.get("person_key_id")) or None,
            exported_at=as_timestamp(exported) if isinstance(exported, date) else None,
            row_counts=counts,
            values=values,
        )

    def _load(self, sheet: str) -> None:
        calamine_sheet = self._sheet(sheet)
        header: dict[str, int] = {}
        first = next(calamine_sheet.iter_rows(), [])
        for index, cell in enumerate(first):
            key = cell.strip() if isinstance(cell, str) else ""
            if not key:
                continue
            if key in header:
                raise WorkbookRefused(f"{self._name}: sheet {sheet} has column {key} twice")
            header[key] = index
        required = [
            column.key
            for column in fmt.columns_for(sheet, self.about.profile)
            if column.kind is not Kind.LABEL
        ]
        missing = [key for key in required if key not in header]
        if missing:
            raise WorkbookRefused(
                f"{self._name}: sheet {sheet} lacks column"
                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
            )
        self._sheets[sheet] = calamine_sheet
        self._headers[sheet] = header


def _reasons(marks: SheetMarks) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    for (row, column), formula in marks.formulas.items():
        shown = formula[:60]
        found[row + 1, column] = (
            f"holds a formula (={shown}) where a value is expected"
            if shown
            else "holds a formula where a value is expected"
        )
    for (row, column), error in marks.errors.items():
        found[row + 1, column] = (
            f"holds the error value {error or 'an error'} where a value is expected"
        )
    return found
