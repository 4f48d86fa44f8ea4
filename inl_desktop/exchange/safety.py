"""Checks on a workbook file before any parser reads it.

A workbook comes from outside (e-mail, USB sticks), and python-calamine, which reads
it, trusts what the file declares: a shared-string table that claims 10^11 strings
makes it reserve 2.4 TB and abort the process, two values far apart make it set out
every cell between them. So before calamine (or anything else) opens a file we make
sure, in this order:

1. that it is a file, and a zip at all; a file that is not is named for what it is
   (an .xls, an encrypted workbook, a PDF...);
2. that the zip would not inflate to more than a workbook could hold (zip bomb), has
   no encrypted member, no two members of one name and no name outside the package;
3. which part is which, by following the relationships as calamine does
   (``exchange.package``): a sheet named ``sheet2.bin`` is checked as a sheet;
4. that no XML part declares a document type or entities (entity expansion bombs) or
   is written in UTF-16, whatever its name;
5. that the shared-string table declares no more strings than it holds;
6. that each worksheet keeps its rows and cells within Excel's grid, its values in the
   rows that hold them, and no value so far below or to the right of its data that
   reading it would set out millions of empty cells (``exchange.sheet_scan``). The
   readers compare what was seen here (rows holding values) with what the file says of
   itself before they load a sheet.

Every part is inflated once, in chunks, and never beyond the size it declares (zipfile
stops there and checks the CRC).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from inl_desktop.domain.errors import UserError
from inl_desktop.exchange.package import (
    DECLARATIONS,
    Package,
    WorkbookRefused,
    declaration_refusal,
    encoding_refusal,
    read_package,
)
from inl_desktop.exchange.sheet_scan import (
    MAX_TAG_BYTES,
    SheetScanner,
    SheetShape,
    column_letters,
    complete_tags_end,
)

__all__ = [
    "SheetShape",
    "UnsafeXmlSetup",
    "WorkbookRefused",
    "WorkbookScan",
    "WorksheetMarkers",
    "check_workbook_file",
    "column_letters",
    "reader_failures",
    "require_defused_xml",
]

# A real exchange workbook of a million drug items inflates to about 2.2 GB.
MAX_UNCOMPRESSED_BYTES = 4 * 1024**3
# Spreadsheet XML compresses 5 to 30 times, very repetitive sheets about 100 times;
# deflate cannot do better than about 1,030. Small parts are not judged by ratio.
MAX_COMPRESSION_RATIO = 250
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_PARTS = 2_000
CHUNK_BYTES = 4 * 1024 * 1024
# A row with a value takes 25 bytes at the very least, so a value in a row beyond
# this is a stray one far below the data (calamine would set out every row between).
MAX_ROWS_BEFORE_DATA = 1_000
MAX_ROWS_PER_KB = 40
# calamine sets out 32 bytes for each cell of the rectangle from a sheet's first value
# to its last: any sheet may have 4 million (128 MB), a larger one one per 2 bytes of
# its XML (a dense sheet has one per 15 bytes or more; half-empty rows far fewer).
CELLS_FLOOR = 4 * 1024**2
SHEET_BYTES_PER_CELL = 2
# calamine reserves room for the strings the table declares (24 bytes each); a
# table may declare a few more than it holds, not billions.
EXTRA_SHARED_STRINGS = 1_000_000
# Longest needle searched across chunks, minus one.
_OVERLAP = 16
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_UNIQUE_COUNT = re.compile(
    rb"""<(?:[A-Za-z_][\w.\-]*:)?sst\s[^>]*?\buniqueCount\s*=\s*["']\s*\+?([0-9]+)"""
)
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FILE_KINDS = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)


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
    """A checked workbook: its parts, its sheets (name -> the part calamine reads) with
    what the scan saw in each, and the worksheets that need a closer look."""

    parts: frozenset[str]
    marked: dict[str, WorksheetMarkers] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)
    shapes: dict[str, SheetShape] = field(default_factory=dict)
    date1904: bool = False

    def shape(self, sheet: str) -> SheetShape:
        """What the scan saw in the sheet named ``sheet`` (an empty shape if none)."""
        return self.shapes.get(self.sheets.get(sheet, ""), SheetShape())


def check_workbook_file(path: Path) -> WorkbookScan:
    """Check a workbook file as described in the module docstring; WorkbookRefused if not."""
    name = path.name
    if path.is_dir():
        raise WorkbookRefused(f"{name} is a folder, not an xlsx workbook")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise WorkbookRefused(f"{name} cannot be read: {error.strerror}") from None
    if size == 0:
        raise WorkbookRefused(f"{name} is empty (0 bytes): not an xlsx workbook")
    try:
        with zipfile.ZipFile(path) as archive:
            return _check_archive(name, archive)
    except zipfile.BadZipFile as error:
        raise _not_a_zip(path, error) from None
    except OSError as error:
        raise WorkbookRefused(f"{name} cannot be read: {error.strerror or error}") from None


@contextmanager
def reader_failures(what: str) -> Iterator[None]:
    """Turn what python-calamine raises in the block into WorkbookRefused("what: why"):
    its own errors, plain ones, and its panics, which are BaseExceptions (pyo3's
    PanicException) that ``except Exception`` does not catch. KeyboardInterrupt and
    SystemExit go through."""
    try:
        yield
    except WorkbookRefused:
        raise
    except Exception as error:  # calamine raises its own errors and plain ones alike
        raise WorkbookRefused(f"{what}: {error}") from None
    except BaseException as error:
        if not _is_reader_panic(error):
            raise
        raise WorkbookRefused(f"{what}: the reader failed on it ({error})") from None


def _is_reader_panic(error: BaseException) -> bool:
    # pyo3 makes the class at run time in a module it does not let one import.
    kind = type(error)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


def _not_a_zip(path: Path, error: zipfile.BadZipFile) -> WorkbookRefused:
    """The refusal of a file that is not a zip, naming what it is where that is known."""
    name = path.name
    try:
        with path.open("rb") as handle:
            start = handle.read(8)
            if start == _CFB:
                return WorkbookRefused(f"{name} {_office_97_kind(handle)}")
    except OSError as failure:
        return WorkbookRefused(f"{name} cannot be read: {failure.strerror or failure}")
    for magic, kind in _FILE_KINDS:
        if start.startswith(magic):
            return WorkbookRefused(f"{name} is {kind}, not an xlsx workbook")
    if start.startswith(b"PK"):
        return WorkbookRefused(
            f"{name} is not an xlsx workbook (a damaged or cut-short zip: {error})"
        )
    return WorkbookRefused(f"{name} is not an xlsx workbook (not a zip file: {error})")


def _office_97_kind(handle: object) -> str:
    """What an OLE compound file is, from the names of its streams (UTF-16 in it)."""
    tail = b""
    found = set()
    while block := handle.read(CHUNK_BYTES):  # type: ignore[attr-defined]
        window = tail + block
        for stream in ("EncryptedPackage", "Workbook", "Book"):
            if stream.encode("utf-16-le") in window:
                found.add(stream)
        tail = window[-64:]
    if "EncryptedPackage" in found:
        return "is encrypted (protected by a password): save it again without a password"
    if found:
        return (
            "is an Excel 97-2003 workbook (.xls), not an xlsx: open it in Excel and save "
            "it as Excel Workbook (.xlsx)"
        )
    return "is an Office 97-2003 document (.doc, .xls, .ppt), not an xlsx workbook"


def _check_archive(name: str, archive: zipfile.ZipFile) -> WorkbookScan:
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise WorkbookRefused(f"{name} has {len(members):,} parts; no workbook has that many")
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
    package = read_package(name, archive)
    worksheets = package.worksheets()
    shapes: dict[str, SheetShape] = {}
    for member in members:
        if member.is_dir():
            continue
        shape = _scan_part(name, archive, member, package, member.filename in worksheets)
        if shape is not None:
            shapes[member.filename] = shape
    marked = {
        part: WorksheetMarkers(shape.formulas, shape.error_cells)
        for part, shape in shapes.items()
        if shape.formulas or shape.error_cells
    }
    parts = frozenset(member.filename for member in members)
    return WorkbookScan(parts, marked, dict(package.sheets), shapes, package.date1904)


def _scan_part(
    name: str,
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    package: Package,
    worksheet: bool,
) -> SheetShape | None:
    """Inflate one part in chunks and check it; the shape of a worksheet, else None."""
    part = member.filename
    shared_strings = part == package.shared_strings or "sharedStrings" in package.reached.get(
        part, ()
    )
    xml = (
        worksheet
        or shared_strings
        or part.lower().endswith(_XML_SUFFIXES)
        or bool(package.reached.get(part, set()) - {"image"})
    )
    sheet = SheetScanner(name, part) if worksheet else None
    declared_strings = held_strings = 0
    tail = strings = b""
    try:
        with archive.open(member) as stream:
            first = stream.read(CHUNK_BYTES)
            if not first and (worksheet or shared_strings):
                raise WorkbookRefused(f"{name}: part {part} is empty (0 bytes)")
            looks_xml = first.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"
            if xml or looks_xml:
                refusal = encoding_refusal(name, part, first[:8])
                if refusal is not None:
                    raise refusal
            if not (xml or looks_xml) or package.is_image(part):
                return None
            block = first
            while block:
                window = tail + block
                for declaration in DECLARATIONS:
                    if declaration in window:
                        raise declaration_refusal(name, part, declaration)
                if sheet is not None:
                    sheet.feed(block)
                if shared_strings:
                    # Searched up to the end of the last whole tag, the rest kept for next.
                    strings += block
                    end = complete_tags_end(strings)
                    counts = [int(found) for found in _UNIQUE_COUNT.findall(strings, 0, end)]
                    declared_strings = max([declared_strings, *counts])
                    held_strings += sum(strings.count(n, 0, end) for n in (b"si>", b"si ", b"si/"))
                    strings = strings[end:]
                    if len(strings) > MAX_TAG_BYTES:
                        raise WorkbookRefused(f"{name}: part {part} has a tag longer than 1 MB")
                tail = window[-_OVERLAP:]
                block = stream.read(CHUNK_BYTES)
    except zipfile.BadZipFile as error:
        raise WorkbookRefused(f"{name}: part {part} is damaged ({error})") from None
    except (EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        raise WorkbookRefused(f"{name}: part {part} cannot be read ({error})") from None
    if declared_strings > held_strings + EXTRA_SHARED_STRINGS:
        raise WorkbookRefused(
            f"{name}: part {part} declares {declared_strings:,} shared strings, far more "
            f"than it holds: refused (reading it would reserve "
            f"{declared_strings * 24 / 1024**3:,.0f} GB)"
        )
    if sheet is None:
        return None
    shape = sheet.finish()
    _check_shape(name, part, member.file_size, shape)
    return shape


def _check_shape(name: str, part: str, size: int, shape: SheetShape) -> None:
    """Refuse a sheet whose values are far below or to the right of the rest of its data."""
    if shape.last_row > MAX_ROWS_BEFORE_DATA + MAX_ROWS_PER_KB * (size // 1024):
        raise WorkbookRefused(
            f"{name}: part {part} has a value in row {shape.last_row:,}, far below "
            "the rest of its data; delete the stray cells and save the workbook again"
        )
    if shape.cells_set_out > max(CELLS_FLOOR, size // SHEET_BYTES_PER_CELL):
        corner = f"{column_letters(shape.last_column - 1)}{shape.last_row}"
        raise WorkbookRefused(
            f"{name}: part {part} has values as far out as {corner} for its "
            f"{size / 1024**2:,.1f} MB: reading it would set out "
            f"{shape.cells_set_out:,} cells; delete the stray cells and save it again"
        )
