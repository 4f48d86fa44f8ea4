"""Streaming xlsx writer for exchange workbooks (openpyxl's write-only mode).

Written to a temporary file beside the target and moved into place only when
complete: a failure or a cancel leaves any earlier file untouched. Given the post's
key, the writer signs the values as it writes them (``exchange.signing``): the About
sheet, written last, ends with the signature rows.

Timestamps are written to the whole second (the precision their cells show), so that a
re-save that keeps the seconds keeps the signed value; text that Excel would read as an
escaped character (``_x0041_``) is written escaped (``_x005F_x0041_``), so Excel,
LibreOffice and python-calamine all read the text as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.fields import EXCEL_CELL_LIMIT
from inl_desktop.exchange.format import Column, Kind
from inl_desktop.exchange.signing import SheetDigest, signature_rows

# Characters Excel refuses in a cell (XML 1.0 control characters), replaced visibly.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"
# Text a spreadsheet reads as an escaped character (_x000D_ is a carriage return).
ESCAPE_LIKE = re.compile(r"_x[0-9A-Fa-f]{4}_")
PROGRESS_EVERY = 5_000
_WIDTHS = {
    Kind.TEXT: 18,
    Kind.CODE: 14,
    Kind.LABEL: 24,
    Kind.CODES: 16,
    Kind.NUMBER: 14,
    Kind.INTEGER: 10,
    Kind.DATE: 12,
    Kind.TIMESTAMP: 20,
}
_NUMBER_FORMATS = {Kind.DATE: "yyyy-mm-dd", Kind.TIMESTAMP: "yyyy-mm-dd hh:mm:ss"}


class ExportFailed(UserError):
    """The workbook could not be written (target locked, not writable, disk full...)."""


class ExportCancelled(UserError):
    """The user cancelled; no file was written."""


@dataclass
class SheetData:
    """A sheet to write: its name, columns and rows (values in column order)."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


Progress = Callable[[int, str], None]
"""(rows written so far, sheet name) -> None; raise ExportCancelled to stop."""


def clean_text(text: str) -> str:
    """Text Excel accepts: control characters replaced visibly, length checked."""
    if ILLEGAL_CHARACTERS.search(text):
        text = ILLEGAL_CHARACTERS.sub(REPLACEMENT, text)
    if len(text) > EXCEL_CELL_LIMIT:
        raise ExportFailed(
            f"A text of {len(text):,} characters does not fit in an Excel cell "
            f"(at most {EXCEL_CELL_LIMIT:,}): {text[:60]!r}…"
        )
    return text


class _RowWriter:
    """Turns a row of values into cells; text that Excel would read as a formula or
    an error code is written as text. After ``cells``, ``values`` holds the values the
    cells show (what a reader gets back, and what is signed)."""

    def __init__(self, sheet: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
        self._sheet = sheet
        self.values: list[Any] = []
        # One formatted cell per column, given each row's value in turn: openpyxl writes
        # a row's cells as it is appended, and styling a new cell per value is costly.
        self._formatted = [
            _formatted_cell(sheet, number_format)
            for number_format in (_NUMBER_FORMATS.get(column.kind) for column in columns)
        ]

    def cells(self, row: Sequence[Any]) -> list[Any]:
        out: list[Any] = list(row)
        values = self.values = list(row)
        for index, value in enumerate(out):
            if isinstance(value, str):
                if not value:
                    out[index] = values[index] = None
                    continue
                value = values[index] = clean_text(value)
                if "_x" in value:
                    value = ESCAPE_LIKE.sub(r"_x005F\g<0>", value)
                if value[0] == "=" or value in ERROR_CODES:
                    cell = WriteOnlyCell(self._sheet, value)
                    cell.data_type = "s"
                    out[index] = cell
                else:
                    out[index] = value
            elif value is not None:
                if type(value) is datetime and value.microsecond:
                    value = out[index] = values[index] = value.replace(microsecond=0)
                formatted = self._formatted[index]
                if formatted is not None:
                    formatted.value = value
                    out[index] = formatted
        return out


def _formatted_cell(sheet: WriteOnlyWorksheet, number_format: str | None) -> WriteOnlyCell | None:
    if number_format is None:
        return None
    cell = WriteOnlyCell(sheet)
    cell.number_format = number_format
    return cell


def write_workbook(
    target: Path,
    about: Sequence[tuple[str, Any]],
    sheets: Iterable[SheetData],
    *,
    progress: Progress | None = None,
    signing_key: bytes | None = None,
) -> dict[str, int]:
    """Write an exchange workbook; return the number of data rows per sheet.

    With ``signing_key`` (a raw Ed25519 private key) the workbook is signed.
    """
    target = target.resolve()
    _check_target(target)
    workbook = Workbook(write_only=True)
    try:
        return _write(workbook, target, about, sheets, progress, signing_key)
    except BaseException:
        _discard(workbook)
        raise


def _discard(workbook: Workbook) -> None:
    """Close the half-written sheets of an aborted export and remove their temp files."""
    for sheet in workbook.worksheets:
        with contextlib.suppress(Exception):
            sheet.close()
        writer = getattr(sheet, "_writer", None)
        out = getattr(writer, "out", None)
        if isinstance(out, str):
            with contextlib.suppress(OSError):
                os.remove(out)


def _write(
    workbook: Workbook,
    target: Path,
    about: Sequence[tuple[str, Any]],
    sheets: Iterable[SheetData],
    progress: Progress | None,
    signing_key: bytes | None,
) -> dict[str, int]:
    workbook.properties.creator = "INL Desktop"
    digests: dict[str, str] = {}
    workbook.properties.lastModifiedBy = None
    counts: dict[str, int] = {}
    about_sheet = workbook.create_sheet("About")
    about_sheet.column_dimensions["A"].width = 26
    about_sheet.column_dimensions["B"].width = 60
    bold = Font(bold=True)
    done = 0
    for sheet_data in sheets:
        sheet = workbook.create_sheet(sheet_data.name)
        sheet.freeze_panes = "A2"
        for number, column in enumerate(sheet_data.columns, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = _WIDTHS[column.kind]
        header = []
        for column in sheet_data.columns:
            cell = WriteOnlyCell(sheet, column.key)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        digest = SheetDigest() if signing_key is not None else None
        if digest is not None:
            digest.add(0, 0, [column.key for column in sheet_data.columns])
        writer = _RowWriter(sheet, sheet_data.columns)
        rows = 0
        for row in sheet_data.rows:
            sheet.append(writer.cells(row))
            rows += 1
            if digest is not None:
                digest.add(rows, 0, writer.values)
            if progress is not None and rows % PROGRESS_EVERY == 0:
                progress(done + rows, sheet_data.name)
        done += rows
        counts[sheet_data.name] = rows
        if digest is not None:
            digests[sheet_data.name] = digest.hexdigest()
        last = get_column_letter(max(len(sheet_data.columns), 1))
        sheet.auto_filter.ref = f"A1:{last}{rows + 1}"
        if progress is not None:
            progress(done, sheet_data.name)
    writer = _RowWriter(about_sheet, (Column("key", Kind.TEXT), Column("value", Kind.TEXT)))
    about_digest = SheetDigest()
    about_rows = [*about, *((f"rows {name}", rows) for name, rows in counts.items())]
    for number, (key, value) in enumerate(about_rows):
        cell = WriteOnlyCell(about_sheet, key)
        cell.font = bold
        about_sheet.append([cell, *writer.cells([value])])
        about_digest.add(number, 0, [key, *writer.values])
    if signing_key is not None:
        digests[about_sheet.title] = about_digest.hexdigest()
        for key, text in signature_rows(signing_key, digests):
            cell = WriteOnlyCell(about_sheet, key)
            cell.font = bold
            about_sheet.append([cell, text])
    _save(workbook, target)
    return counts


def check_target(target: Path) -> None:
    """ExportFailed, with the reason, when ``target`` cannot be written."""
    _check_target(target)


def _check_target(target: Path) -> None:
    folder = target.parent
    if target.is_dir():
        raise ExportFailed(f"{target} is a folder; give a file name ending in .xlsx")
    if not folder.is_dir():
        raise ExportFailed(f"Folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ExportFailed(f"Folder {folder} is not writable")
    if target.exists() and not os.access(target, os.W_OK):
        raise ExportFailed(f"{target} is read-only")


def _save(workbook: Workbook, target: Path) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        workbook.save(partial)
        with partial.open("rb+") as written:
            os.fsync(written.fileno())  # on disk before it takes the final name
        os.replace(partial, target)
    except PermissionError:
        raise ExportFailed(
            f"{target} cannot be replaced: it may be open in Excel or another program; "
            "close it and export again"
        ) from None
    except OSError as error:
        reason = "the disk is full" if error.errno == errno.ENOSPC else error.strerror
        raise ExportFailed(
            f"{target} could not be written: {reason}; no file was left under that name"
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
