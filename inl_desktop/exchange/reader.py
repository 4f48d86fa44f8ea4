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
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Self
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.format import Column, Kind
from inl_desktop.exchange.safety import (
    WorkbookRefused,
    WorkbookScan,
    check_workbook_file,
    require_defused_xml,
)

PROFILES = ("hq", "full")
DATA_SHEETS = (fmt.SEIZURES, fmt.TRAININGS, fmt.ENROLLMENTS, fmt.COUNTS, fmt.DELETED, fmt.LISTS)
# Days between the 1900 and the 1904 date systems' day zero.
DAYS_1904 = 1462
_POST_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,10}$")
_CELL_REF = re.compile(rb'\sr\s*=\s*["\']([A-Z]{1,3})([0-9]{1,7})["\']')
_NS_MAIN = "spreadsheetml/2006/main"
_NS_RELATIONSHIPS = "officeDocument/2006/relationships"

Cell = Any  # what calamine gives: str, float, int, bool, date, datetime, time, timedelta


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


class _BadCell(Exception):
    """A cell whose value does not fit its column (becomes a RowProblem)."""


def open_workbook(
    path: Path, known_posts: Mapping[str, Collection[str]] | None = None
) -> ExchangeWorkbook:
    """Check and open an exchange workbook; WorkbookRefused (with a message) if it is not one.

    ``known_posts`` maps each country program the reader accepts to its post codes;
    None accepts any well-formed post and country.
    """
    require_defused_xml()
    scan = check_workbook_file(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except CalamineError as error:
        raise WorkbookRefused(f"{path.name} cannot be read as an xlsx workbook: {error}") from None
    except Exception as error:  # calamine raises plain errors for some broken zips
        raise WorkbookRefused(f"{path.name} cannot be read as an xlsx workbook: {error}") from None
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
        with zipfile.ZipFile(path) as archive:
            self._sheet_parts, date1904 = _workbook_parts(self._name, archive)
            problems = {
                sheet: _marked_cells(archive.read(part), scan.marked[part])
                for sheet, part in self._sheet_parts.items()
                if part in scan.marked
            }
        self._marked = problems
        # calamine applies the 1904 date system itself; should a version not, we do.
        shift = date1904 and not _calamine_reads_1904()
        self._date_shift = timedelta(days=DAYS_1904 if shift else 0)
        self.about = self._read_about(known_posts)
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
        # Text cells (most of them) are taken as they are; the rest are converted.
        texts = [(c.key, header[c.key]) for c in read if c.kind in (Kind.TEXT, Kind.CODE)]
        others = [
            (c.key, header[c.key], _converter(c, self._date_shift))
            for c in read
            if c.kind not in (Kind.TEXT, Kind.CODE)
        ]
        plan = [(key, index, _read_text) for key, index in texts] + others
        by_index = {index: key for key, index in header.items()}
        marked: dict[int, list[RowProblem]] = {}
        for (row, column), reason in self._marked.get(sheet, {}).items():
            key = by_index.get(column - first_column, _column_letters(column))
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
                    key: (cell or None) if type(cell := cells[index]) is str else _read_text(cell)
                    for key, index in texts
                }
                for key, index, convert in others:
                    values[key] = convert(cells[index])
            except _BadCell:
                values = {}
                for key, index, convert in plan:
                    try:
                        values[key] = convert(cells[index])
                    except _BadCell as bad:
                        values[key] = None
                        problems.append(RowProblem(sheet, number, key, str(bad)))
            if number in marked:
                problems.extend(marked[number])
            yield SheetRow(number, values, problems)

    # -- opening -------------------------------------------------------------------------

    def _sheet(self, name: str) -> CalamineSheet:
        try:
            return self._book.get_sheet_by_name(name)
        except CalamineError as error:
            if name not in self._book.sheet_names:
                raise WorkbookRefused(
                    f"{self._name} has no {name} sheet"
                    + ("" if name != fmt.ABOUT else ": it is not an INL Desktop exchange workbook")
                ) from None
            raise WorkbookRefused(f"{self._name}: sheet {name} cannot be read: {error}") from None

    def _read_about(self, known_posts: Mapping[str, Collection[str]] | None) -> About:
        name = self._name
        if fmt.ABOUT not in self._book.sheet_names:
            raise WorkbookRefused(
                f"{name} has no About sheet: it is not an INL Desktop exchange workbook"
            )
        if fmt.ABOUT in self._marked:
            (row, _), reason = next(iter(self._marked[fmt.ABOUT].items()))
            raise WorkbookRefused(f"{name}: About row {row}: {reason}")
        values: dict[str, Any] = {}
        for cells in self._sheet(fmt.ABOUT).iter_rows():
            if len(cells) >= 2 and isinstance(cells[0], str) and cells[0].strip():
                values[cells[0].strip()] = cells[1]
        if values.get("format") != fmt.FORMAT_NAME:
            raise WorkbookRefused(
                f"{name} is not an INL Desktop exchange workbook "
                f"(its About sheet does not say format = {fmt.FORMAT_NAME})"
            )
        version = _whole_number(values.get("format_version"))
        if version is None or version not in fmt.READABLE_VERSIONS:
            newest = max(fmt.READABLE_VERSIONS)
            newer = version is not None and version > newest
            shown = version if version is not None else repr(values.get("format_version"))
            raise WorkbookRefused(
                f"{name} is in exchange format version {shown}; "
                f"this version of INL Desktop reads versions up to {newest}"
                + (": install the newer version of INL Desktop" if newer else "")
            )
        country = _text(values.get("country")).upper()
        post = _text(values.get("post_code")).upper()
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
        profile = _text(values.get("profile"))
        if profile not in PROFILES:
            raise WorkbookRefused(f"{name}: profile {profile!r} is not one of hq, full")
        counts = {}
        for sheet in DATA_SHEETS:
            count = _whole_number(values.get(f"rows {sheet}"))
            if count is not None:
                counts[sheet] = count
        exported = values.get("exported_at_utc")
        return About(
            format_version=version,
            post_code=post,
            country=country,
            profile=profile,
            person_key_id=_text(values.get("person_key_id")) or None,
            exported_at=_as_timestamp(exported) if isinstance(exported, date) else None,
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


# -- the workbook's parts ----------------------------------------------------------------


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _workbook_parts(name: str, archive: zipfile.ZipFile) -> tuple[dict[str, str], bool]:
    """Sheet name -> worksheet part, and whether the workbook uses the 1904 date system."""
    try:
        workbook = fromstring(archive.read("xl/workbook.xml"))
        relations = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        raise WorkbookRefused(f"{name} is not an xlsx workbook (no xl/workbook.xml)") from None
    except Exception as error:  # defusedxml refusals and malformed XML alike
        raise WorkbookRefused(f"{name}: the workbook part cannot be read ({error})") from None
    targets = {
        element.get("Id"): element.get("Target", "")
        for element in relations.iter()
        if _local(element) == "Relationship"
    }
    parts: dict[str, str] = {}
    date1904 = False
    for element in workbook.iter():
        local = _local(element)
        if local == "workbookPr":
            date1904 = (element.get("date1904") or "").strip().lower() in ("1", "true")
        elif local == "sheet":
            relation = next(
                (value for key, value in element.attrib.items() if key.endswith("}id")), None
            )
            target = targets.get(relation, "")
            if target:
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                parts[element.get("name", "")] = part
    return parts, date1904


def _marked_cells(xml: bytes, markers: Any) -> dict[tuple[int, int], str]:
    """(Excel row, 0-based column) -> reason, for each formula and error cell of a sheet."""
    found: dict[tuple[int, int], str] = {}
    starts = [m.start() for m in re.finditer(rb"<(?:\w+:)?c[\s>]", xml)]
    if not starts:
        return found

    def cell_at(position: int) -> tuple[int, int] | None:
        # The cell element that contains ``position``: the last "<c" opened before it.
        low, high = 0, len(starts)
        while low < high:
            middle = (low + high) // 2
            if starts[middle] <= position:
                low = middle + 1
            else:
                high = middle
        if low == 0:
            return None
        opening = starts[low - 1]
        ref = _CELL_REF.search(xml, opening, xml.find(b">", opening) + 1)
        if ref is None:
            return None
        return int(ref.group(2)), _column_number(ref.group(1).decode())

    if markers.formulas:
        for match in re.finditer(rb"<(?:\w+:)?f[\s/>]", xml):
            cell = cell_at(match.start())
            if cell is not None:
                end = xml.find(b"</", match.end())
                formula = xml[match.end() : end].split(b">", 1)[-1] if end != -1 else b""
                shown = formula.decode(errors="replace")[:60]
                found[cell] = (
                    f"holds a formula (={shown}) where a value is expected"
                    if shown
                    else "holds a formula where a value is expected"
                )
    if markers.error_cells:
        for match in re.finditer(rb"""\st\s*=\s*["']e["']""", xml):
            cell = cell_at(match.start())
            if cell is not None:
                value = re.search(rb"<(?:\w+:)?v>([^<]*)<", xml[match.end() : match.end() + 200])
                shown = value.group(1).decode(errors="replace") if value else "an error"
                found[cell] = f"holds the error value {shown} where a value is expected"
    return found


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- 1904 dates --------------------------------------------------------------------------


@functools.cache
def _calamine_reads_1904() -> bool:
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


# -- cells -------------------------------------------------------------------------------


def _describe(cell: Cell) -> str:
    if isinstance(cell, str):
        return f"the text {cell[:40]!r}"
    if isinstance(cell, bool):
        return f"the value {'TRUE' if cell else 'FALSE'}"
    if isinstance(cell, float | int):
        return f"the number {_number_text(cell)}"
    return f"the value {cell!s}"


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _text(cell: Cell) -> str:
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float | int) and not isinstance(cell, bool):
        return _number_text(cell)
    return ""


def _whole_number(cell: Cell) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str) and cell.strip().isdigit():
        return int(cell.strip())
    return None


def _as_timestamp(cell: date) -> datetime:
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=UTC) if cell.tzinfo is None else cell.astimezone(UTC)
    return datetime.combine(cell, time(), tzinfo=UTC)


def _read_text(cell: Cell) -> str | None:
    if type(cell) is str:
        return cell or None
    if isinstance(cell, bool):
        raise _BadCell(f"holds {_describe(cell)} where text is expected")
    if isinstance(cell, float | int):
        return _number_text(cell)
    if cell is None:
        return None
    raise _BadCell(f"holds {_describe(cell)} where text is expected")


def _read_codes(cell: Cell) -> tuple[str, ...]:
    text = _read_text(cell)
    if not text:
        return ()
    return tuple(code for part in text.split(fmt.CODE_SEPARATOR) if (code := part.strip()))


def _read_number(cell: Cell) -> Decimal | None:
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
            raise _BadCell(f"holds {_describe(cell)} where a number is expected") from None
        if not value.is_finite():
            raise _BadCell(f"holds {_describe(cell)} where a number is expected")
        return value
    if cell is None:
        return None
    raise _BadCell(f"holds {_describe(cell)} where a number is expected")


def _read_integer(cell: Cell) -> int | None:
    kind = type(cell)
    if kind is float:
        if cell.is_integer():
            return int(cell)
        raise _BadCell(f"holds {_describe(cell)} where a whole number is expected")
    if kind is int:
        return int(cell)
    if kind is str:
        text = cell.strip().replace(",", "")
        if not text:
            return None
        if text.lstrip("-").isdigit():
            return int(text)
        raise _BadCell(f"holds {_describe(cell)} where a whole number is expected")
    if cell is None:
        return None
    raise _BadCell(f"holds {_describe(cell)} where a whole number is expected")


def _date_reader(shift: timedelta) -> Callable[[Cell], date | None]:
    def read(cell: Cell) -> date | None:
        kind = type(cell)
        if kind is date:
            return cell + shift if shift else cell  # type: ignore[no-any-return]
        if kind is datetime:
            if cell.time() != time():
                raise _BadCell(f"holds the date and time {cell} where a date is expected")
            day: date = cell.date()
            return day + shift if shift else day
        if cell == "" or cell is None:
            return None
        raise _BadCell(f"holds {_describe(cell)} where a date cell is expected")

    return read


def _timestamp_reader(shift: timedelta) -> Callable[[Cell], datetime | None]:
    def read(cell: Cell) -> datetime | None:
        if isinstance(cell, date):
            return _as_timestamp(cell) + shift
        if cell == "" or cell is None:
            return None
        raise _BadCell(f"holds {_describe(cell)} where a date and time cell is expected")

    return read


def _converter(column: Column, shift: timedelta) -> Callable[[Cell], Any]:
    kind = column.kind
    if kind is Kind.DATE:
        return _date_reader(shift)
    if kind is Kind.TIMESTAMP:
        return _timestamp_reader(shift)
    if kind is Kind.NUMBER:
        return _read_number
    if kind is Kind.INTEGER:
        return _read_integer
    if kind is Kind.CODES:
        return _read_codes
    return _read_text
