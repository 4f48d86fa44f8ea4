"""The formula cells and error cells of one worksheet, found in its XML.

calamine cannot tell them apart from data: it reads a formula cell as the value Excel
last calculated (and skips it when the file holds none, as openpyxl writes them), and
an error cell (``#N/A``, ``#NAME?``...) as an empty string. So the worksheet part is
read here straight from the zip. Most sheets hold neither, and are only searched as
raw bytes for a ``<f`` element or a ``t="e"`` attribute, without parsing (the importer
reads sheets of 10,000 rows); a sheet that may hold one is parsed, streaming, with
defusedxml (no document type, no entities), up to the end of its ``<sheetData>``.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.sax.saxutils import unescape

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import (  # type: ignore[import-untyped]
    DefusedXMLParser,
    ParseError,
)
from openpyxl.formula.tokenizer import TokenizerError
from openpyxl.formula.translate import Translator, TranslatorError

from inl_desktop.exchange.package import WorkbookRefused, read_package
from inl_desktop.exchange.sheet_scan import root_prefix

Cell = tuple[int, int]
"""(row, column), both 0-based: B3 is (2, 1)."""

CHUNK_BYTES = 1024 * 1024
# What a chunk keeps of the one before, so that a mark split between two is still seen.
_OVERLAP = 64
_TAG_END = b" \t\r\n/>"
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


@dataclass(frozen=True)
class SheetMarks:
    """The formula and error cells of one worksheet.

    ``formulas`` maps each cell holding a formula to its text as stored, without the
    leading "=" (``SUM(B2:B9)``); a cell that shares a formula gets the formula as it
    reads in that cell, and a cell of an array formula's range the array's formula.
    ``errors`` maps each cell holding an error value to it (``#N/A``). A formula whose
    last result was an error is in both.
    """

    formulas: dict[Cell, str] = field(default_factory=dict)
    errors: dict[Cell, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.formulas or self.errors)


def formula_and_error_cells(path: Path, sheet: str) -> SheetMarks:
    """The formula and error cells of the worksheet named ``sheet`` in the xlsx at ``path``.

    WorkbookRefused if the file is not a readable xlsx or has no such worksheet.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return worksheet_marks(archive, worksheet_part(archive, sheet), path.name)
    except zipfile.BadZipFile as error:
        raise WorkbookRefused(f"{path.name} is not an xlsx workbook ({error})") from None
    except OSError as error:
        raise WorkbookRefused(f"{path.name} cannot be read: {error.strerror or error}") from None


def worksheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip member holding the worksheet named ``sheet`` (``xl/worksheets/sheet1.xml``),
    found through the workbook's relationships as calamine finds it; WorkbookRefused if
    there is none."""
    name = Path(archive.filename or "workbook").name
    sheets = read_package(name, archive).sheets
    if sheet not in sheets:
        raise WorkbookRefused(f"{name} has no sheet named {sheet!r}")
    return sheets[sheet]


def worksheet_marks(archive: zipfile.ZipFile, part: str, name: str = "The workbook") -> SheetMarks:
    """The formula and error cells of the worksheet ``part`` of an open xlsx; ``name``
    (the file's) begins the message of the WorkbookRefused raised if it cannot be read."""
    try:
        with archive.open(part) as stream:
            if not _may_hold_marks(_chunks(stream)):
                return SheetMarks()
        if archive.getinfo(part).file_size <= QUICK_BYTES:
            quick = _quick_marks(archive.read(part))
            if quick is not None:
                return quick
        with archive.open(part) as stream:
            return _parse_cells(_chunks(stream))
    except (ParseError, DefusedXmlException) as error:
        raise WorkbookRefused(f"{name}: part {part} cannot be read ({error})") from None
    except zipfile.BadZipFile as error:
        raise WorkbookRefused(f"{name}: part {part} is damaged ({error})") from None
    except (EOFError, ValueError, NotImplementedError) as error:
        raise WorkbookRefused(f"{name}: part {part} cannot be read ({error})") from None


# A sheet up to this size is searched whole for its few formula and error cells, the
# way the sheets most programs write are laid out (every cell with its reference, no
# namespace prefix, no shared or array formulas); any other sheet is parsed.
QUICK_BYTES = 64 * 2**20
_QUICK_FORMULA = re.compile(rb"<f(?=[\s>/])")
_QUICK_ERROR = re.compile(rb"<c\s[^>]*?\bt\s*=\s*[\"']e[\"'][^>]*>")
_QUICK_TYPE = re.compile(rb"\st\s*=")
_QUICK_REFERENCE = re.compile(rb"\sr\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"']")
_QUICK_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _quick_marks(data: bytes) -> SheetMarks | None:
    """The marks of a plainly written sheet found by searching its bytes; None when the
    sheet is not written plainly enough to be sure (then it is parsed)."""
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or _prefix(head) != b"":
        return None
    marks = SheetMarks()
    for found in _QUICK_FORMULA.finditer(data):
        start = found.start()
        cell = _enclosing_cell(data, start)
        if cell is None:
            return None
        tag_end = data.find(b">", start)
        opening = data[start:tag_end]
        if tag_end == -1 or opening.endswith(b"/") or _QUICK_TYPE.search(opening):
            return None  # a shared or array formula: the parser knows them
        close = data.find(b"</f>", tag_end)
        if close == -1:
            return None
        marks.formulas[cell] = unescape(data[tag_end + 1 : close].decode("utf-8"))
    for found in _QUICK_ERROR.finditer(data):
        cell = _quick_reference(found.group(0))
        if cell is None:
            return None
        end = data.find(b"</c>", found.end())
        value = _QUICK_VALUE.search(data, found.end(), end if end != -1 else len(data))
        marks.errors[cell] = unescape(value.group(1).decode("utf-8")) if value else ""
    return marks


def _enclosing_cell(data: bytes, position: int) -> Cell | None:
    """The reference of the cell element around ``position``."""
    start = data.rfind(b"<c ", max(0, position - 4096), position)
    if start == -1:
        return None
    end = data.find(b">", start)
    return _quick_reference(data[start : end + 1])


def _quick_reference(tag: bytes) -> Cell | None:
    found = _QUICK_REFERENCE.search(tag)
    if found is None:
        return None
    column = 0
    for letter in found.group(1):
        column = column * 26 + letter - 64
    return int(found.group(2)) - 1, column - 1


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while block := stream.read(CHUNK_BYTES):
        yield block


def _may_hold_marks(chunks: Iterator[bytes]) -> bool:
    """Whether the sheet data may hold a formula or an error cell: a quick search of the
    bytes that does not miss one (it may see one where the parser then finds none)."""
    tail = b""
    formula = b""
    for chunk in chunks:
        if not formula:
            prefix = _prefix(chunk)
            if prefix is None:
                return True  # not plainly a worksheet: the parser will tell
            formula = b"<" + prefix + b"f"
        window = tail + chunk
        if _opens(window, formula) or _has_error_type(window):
            return True
        tail = window[-_OVERLAP:]
    return False


def _prefix(start: bytes) -> bytes | None:
    """The namespace prefix (``x:``) of the part's root element, b"" if it has none (the
    cells of a worksheet are written with the prefix of its root); None if the part
    does not plainly begin with its root element."""
    try:
        return root_prefix(start)
    except ValueError:
        return None


def _opens(window: bytes, tag: bytes) -> bool:
    """Whether ``tag`` opens an element: ``<f>``, ``<f t="shared" si="0"/>``, not ``<family``."""
    position = window.find(tag)
    while position != -1:
        after = window[position + len(tag) : position + len(tag) + 1]
        if after and after in _TAG_END:
            return True
        position = window.find(tag, position + 1)
    return False


def _has_error_type(window: bytes) -> bool:
    """Whether a ``t="e"`` attribute may be there (``t = 'e'`` is valid XML too)."""
    return (b'"e"' in window or b"'e'" in window) and _ERROR_TYPE.search(window) is not None


def _parse_cells(chunks: Iterator[bytes]) -> SheetMarks:
    collector = _CellCollector()
    parser = DefusedXMLParser(target=collector, forbid_dtd=True)
    for chunk in chunks:
        parser.feed(chunk)
        if collector.done:
            break
    else:
        parser.close()
    return SheetMarks(collector.formulas, collector.errors)


class _CellCollector:
    """Parser target that notes formula and error cells as the sheet streams by.

    Cells are placed by their ``r`` attribute; a row or cell without one follows the
    one before it, as in Excel.
    """

    def __init__(self) -> None:
        self.formulas: dict[Cell, str] = {}
        self.errors: dict[Cell, str] = {}
        self.done = False
        self._row = -1
        self._reference: str | None = None
        self._cell: Cell | None = (0, -1)
        self._is_error = False
        self._formula: dict[str, str] | None = None
        self._text: list[str] | None = None
        self._error_text: str | None = None
        self._shared: dict[str, tuple[str, str]] = {}
        self._translators: dict[str, Translator | None] = {}
        self._arrays: list[tuple[int, int, int, int, str]] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        kind = _kind(tag)
        if kind == "c":
            self._start_cell(attrib)
        elif kind == "v":
            if self._is_error:
                self._text = []
        elif kind == "f":
            self._formula = attrib
            self._text = []
        elif kind == "row":
            number = attrib.get("r")
            self._row = int(number) - 1 if number and number.isdigit() else self._row + 1
            self._reference = None
            self._cell = (self._row, -1)
            if self._arrays:
                self._arrays = [bounds for bounds in self._arrays if bounds[2] >= self._row]

    def end(self, tag: str) -> None:
        kind = _kind(tag)
        if kind == "c":
            if self._is_error:
                self.errors[self._where()] = self._error_text or ""
            if self._arrays:
                self._within_array()
        elif kind == "v":
            if self._text is not None:
                self._error_text = "".join(self._text)
                self._text = None
        elif kind == "f":
            if self._formula is not None and self._text is not None:
                self._end_formula(self._formula, "".join(self._text))
            self._formula = self._text = None
        elif kind == "sheetData":
            self.done = True

    def data(self, text: str) -> None:
        if self._text is not None:
            self._text.append(text)

    def close(self) -> None:
        """Nothing to hand back: the marks are read from the collector."""

    def _start_cell(self, attrib: dict[str, str]) -> None:
        reference = attrib.get("r")
        if reference is None:
            row, column = self._where()
            self._cell = (row, column + 1)
        else:
            self._cell = None
        self._reference = reference
        self._is_error = attrib.get("t") == "e"
        self._error_text = None

    def _where(self) -> Cell:
        """The current cell, placed from its reference only when asked (few cells are)."""
        if self._cell is None:
            place = _place(self._reference or "")
            self._cell = place if place is not None else (self._row, 0)
        return self._cell

    def _end_formula(self, attrib: dict[str, str], text: str) -> None:
        cell = self._where()
        kind = attrib.get("t")
        if kind == "shared":
            index = attrib.get("si", "")
            if text:
                self._shared[index] = (text, _reference(cell))
            else:
                text = self._shared_text(index, cell)
        elif kind == "array" and "ref" in attrib:
            bounds = attrib["ref"].split(":")
            first, last = _place(bounds[0]), _place(bounds[-1])
            # A one-cell array formula (as Excel 365 writes many) covers only its cell.
            if first is not None and last is not None and first != last:
                self._arrays.append((*first, *last, text))
        self.formulas[cell] = text

    def _shared_text(self, index: str, cell: Cell) -> str:
        """The shared formula ``index`` as it reads in ``cell`` ("" before its master)."""
        if index not in self._shared:
            return ""
        text, origin = self._shared[index]
        if index not in self._translators:
            try:
                self._translators[index] = Translator(f"={text}", origin=origin)
            except (TokenizerError, TranslatorError):
                self._translators[index] = None
        translator = self._translators[index]
        if translator is None:
            return text
        try:
            return str(translator.translate_formula(_reference(cell)))[1:]
        except TranslatorError:  # a reference moved off the sheet (Excel shows #REF!)
            return text

    def _within_array(self) -> None:
        row, column = self._where()
        for first_row, first_column, last_row, last_column, text in self._arrays:
            if first_row <= row <= last_row and first_column <= column <= last_column:
                self.formulas.setdefault((row, column), text)
                return


_LOCAL_NAMES = frozenset(("row", "c", "f", "v", "sheetData"))


@functools.lru_cache(maxsize=256)
def _kind(tag: str) -> str | None:
    """The local name of an element the collector follows (``{namespace}c`` -> ``c``), in
    any namespace or none: calamine reads elements by their local name alone."""
    local = tag.rsplit("}", 1)[-1]
    return local if local in _LOCAL_NAMES else None


def _place(reference: str) -> Cell | None:
    """The 0-based (row, column) of a reference such as ``C12``; None if it is not one."""
    match = _REFERENCE.fullmatch(reference)
    if match is None:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, column - 1


def _reference(cell: Cell) -> str:
    row, column = cell
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"
