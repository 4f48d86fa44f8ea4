"""Checks on a workbook file before any parser reads it.

A workbook comes from outside (e-mail, USB sticks), so before calamine or openpyxl
opens it we make sure it is a zip at all, that it does not inflate to more than a
workbook could hold (zip bomb), that no XML part declares a document type or entities
(entity expansion bombs), that no worksheet has a stray value a million rows below its
data, and we note which worksheets hold formulas or error cells so the reader can
report them cell by cell. Every part is inflated once here, in chunks,
and never beyond the size it declares (zipfile stops there and checks the CRC).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from inl_desktop.domain.errors import UserError

# A real exchange workbook of a million drug items inflates to about 2.2 GB.
MAX_UNCOMPRESSED_BYTES = 4 * 1024**3
# Spreadsheet XML compresses 5 to 30 times, very repetitive sheets about 100 times;
# deflate cannot do better than about 1,030. Small parts are not judged by ratio.
MAX_COMPRESSION_RATIO = 250
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_PARTS = 2_000
CHUNK_BYTES = 1024 * 1024
# A value far below a sheet's data makes calamine fill every row between with empty
# cells; a row with a value takes 25 bytes at the very least, so a last row beyond
# this is a stray value (the declared range, <dimension>, is not used by calamine).
MAX_ROWS_BEFORE_DATA = 1_000
MAX_ROWS_PER_KB = 40
# Longest needle searched for minus one: what a chunk keeps of the one before it.
_OVERLAP = 16
# How much of a worksheet's end is searched for its last row with a value.
_ENDING_BYTES = 256 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_WORKSHEETS = "xl/worksheets/"
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
_ERROR_CELL = (b't="e"', b"t='e'")
_TAG_END = b" \t\r\n/>"
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']([0-9]{1,7})["']""")
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})([0-9]{1,7})["']""")


class WorkbookRefused(UserError):
    """A workbook that is not read (not an xlsx, hostile, wrong format...)."""


class UnsafeXmlSetup(UserError):
    """openpyxl would parse XML without defusedxml: reading workbooks is refused."""


def require_defused_xml() -> None:
    """Refuse to read workbooks unless openpyxl parses XML through defusedxml."""
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise UnsafeXmlSetup(
            "Workbooks are not read: defusedxml is not active for openpyxl (install "
            "defusedxml and unset OPENPYXL_DEFUSEDXML), so XML attacks would not be stopped"
        )


@dataclass(frozen=True)
class WorksheetMarkers:
    """What the scan saw in one worksheet part (the reader locates the cells)."""

    formulas: bool = False
    error_cells: bool = False


@dataclass(frozen=True)
class WorkbookScan:
    """The parts of a checked workbook and the worksheets that need a closer look."""

    parts: frozenset[str]
    marked: dict[str, WorksheetMarkers] = field(default_factory=dict)


def check_workbook_file(path: Path) -> WorkbookScan:
    """Check a workbook file as described in the module docstring; WorkbookRefused if not."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as error:
        raise WorkbookRefused(f"{name} cannot be read: {error.strerror}") from None
    if path.is_dir():
        raise WorkbookRefused(f"{name} is a folder, not an xlsx workbook")
    if size == 0:
        raise WorkbookRefused(f"{name} is empty (0 bytes): not an xlsx workbook")
    try:
        with zipfile.ZipFile(path) as archive:
            return _check_archive(name, archive)
    except zipfile.BadZipFile as error:
        raise WorkbookRefused(f"{name} is not an xlsx workbook (not a zip file: {error})") from None
    except OSError as error:
        raise WorkbookRefused(f"{name} cannot be read: {error.strerror or error}") from None


def _check_archive(name: str, archive: zipfile.ZipFile) -> WorkbookScan:
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise WorkbookRefused(f"{name} has {len(members):,} parts; no workbook has that many")
    parts = frozenset(member.filename for member in members)
    if "[Content_Types].xml" not in parts:
        raise WorkbookRefused(f"{name} is not an xlsx workbook (a zip without [Content_Types].xml)")
    declared = sum(member.file_size for member in members)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookRefused(
            f"{name} would inflate to {declared / 1024**3:,.1f} GB "
            f"(more than {MAX_UNCOMPRESSED_BYTES / 1024**3:,.0f} GB): refused as a zip bomb"
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise WorkbookRefused(f"{name} is encrypted ({member.filename}); save it unprotected")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise WorkbookRefused(
                f"{name}: part {member.filename} inflates {ratio:,.0f} times "
                f"(at most {MAX_COMPRESSION_RATIO} is plausible): refused as a zip bomb"
            )
    marked: dict[str, WorksheetMarkers] = {}
    for member in members:
        if member.is_dir() or not member.filename.lower().endswith(_XML_SUFFIXES):
            continue
        markers, last_row = _scan_part(name, archive, member)
        if markers.formulas or markers.error_cells:
            marked[member.filename] = markers
        if last_row > MAX_ROWS_BEFORE_DATA + MAX_ROWS_PER_KB * (member.file_size // 1024):
            raise WorkbookRefused(
                f"{name}: part {member.filename} has a value in row {last_row:,}, far below "
                "the rest of its data; delete the stray cells and save the workbook again"
            )
    return WorkbookScan(parts, marked)


def _scan_part(
    name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo
) -> tuple[WorksheetMarkers, int]:
    """Inflate one part in chunks: refuse declarations; note formulas and error cells.

    Also returns the number of a worksheet's last row holding a value (0 otherwise).
    """
    worksheet = member.filename.startswith(_WORKSHEETS)
    formulas = error_cells = False
    prefix = b""
    previous = tail = chunk = b""
    try:
        with archive.open(member) as stream:
            while block := stream.read(CHUNK_BYTES):
                if not chunk and worksheet:
                    prefix = _prefix(block)
                previous, chunk = chunk, block
                window = tail + chunk
                for declaration in _DECLARATIONS:
                    if declaration in window:
                        raise WorkbookRefused(
                            f"{name}: part {member.filename} declares "
                            f"{declaration.decode()[2:]} (XML entities are refused: "
                            "they can expand without bound)"
                        )
                if worksheet:
                    formulas = formulas or _has_tag(window, b"<" + prefix + b"f")
                    error_cells = error_cells or any(mark in window for mark in _ERROR_CELL)
                tail = window[-_OVERLAP:]
    except zipfile.BadZipFile as error:
        raise WorkbookRefused(f"{name}: part {member.filename} is damaged ({error})") from None
    except (EOFError, ValueError, NotImplementedError) as error:
        raise WorkbookRefused(f"{name}: part {member.filename} cannot be read ({error})") from None
    last_row = _last_value_row(previous[-_ENDING_BYTES:] + chunk, prefix) if worksheet else 0
    return WorksheetMarkers(formulas, error_cells), last_row


def _prefix(start: bytes) -> bytes:
    """The namespace prefix (``x:``) of the part's root element, b"" if it has none."""
    position = start.find(b"worksheet")
    if position > 1 and start[position - 1 : position] == b":":
        opening = start.rfind(b"<", 0, position)
        if opening != -1:
            return start[opening + 1 : position]
    return b""


def _last_value_row(ending: bytes, prefix: bytes) -> int:
    """The r attribute of the row holding the part's last cell value (0 if not found).

    Rows come in ascending order, so this is the row calamine's range reaches down to
    (rows and cells without a value do not count: calamine skips them).
    """
    last_value = max(ending.rfind(b"</" + prefix + b"v>"), ending.rfind(b"</" + prefix + b"is>"))
    if last_value == -1:
        return 0
    tag = b"<" + prefix + b"row"
    position = ending.rfind(tag, 0, last_value)
    while position != -1:
        after = ending[position + len(tag) : position + len(tag) + 1]
        if after and after in _TAG_END:
            match = _ROW_NUMBER.search(ending, position, ending.find(b">", position) + 1)
            return int(match.group(1)) if match else 0
        position = ending.rfind(tag, 0, position)
    return 0


def _has_tag(window: bytes, tag: bytes) -> bool:
    """Whether ``tag`` opens an element (``<f>``, ``<f t="shared"/>``, not ``<filterColumn``)."""
    position = window.find(tag)
    while position != -1:
        after = window[position + len(tag) : position + len(tag) + 1]
        if after and after in _TAG_END:
            return True
        position = window.find(tag, position + 1)
    return False


def locate_marked_cells(xml: bytes, markers: WorksheetMarkers) -> dict[tuple[int, int], str]:
    """(Excel row, 0-based column) -> reason, for each formula and error cell of a
    worksheet the scan marked (the slow, exact look; only marked sheets get it)."""
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
    """0-based index of a column's letters (A is 0)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def column_letters(index: int) -> str:
    """The letters of a 0-based column index (0 is A, 26 is AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
