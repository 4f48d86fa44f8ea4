"""Streaming xlsx writer for exchange workbooks (openpyxl's write-only mode).

Written to a temporary file beside the target and moved into place only when
complete: a failure or a cancel leaves any earlier file untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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

# Characters Excel refuses in a cell (XML 1.0 control characters), replaced visibly.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"
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
    an error code is written as text."""

    def __init__(self, sheet: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
        self._sheet = sheet
        # One formatted cell per column, given each row's value in turn: openpyxl writes
        # a row's cells as it is appended, and styling a new cell per value is costly.
        self._formatted = [
            _formatted_cell(sheet, number_format)
            for number_format in (_NUMBER_FORMATS.get(column.kind) for column in columns)
        ]

    def cells(self, row: Sequence[Any]) -> list[Any]:
        out: list[Any] = list(row)
        for index, value in enumerate(out):
            if isinstance(value, str):
                if not value:
                    out[index] = None
                    continue
                value = clean_text(value)
                if value[0] == "=" or value in ERROR_CODES:
                    cell = WriteOnlyCell(self._sheet, value)
                    cell.data_type = "s"
                    out[index] = cell
                else:
                    out[index] = value
            elif value is not None:
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
) -> dict[str, int]:
    """Write an exchange workbook; return the number of data rows per sheet."""
    target = target.resolve()
    _check_target(target)
    workbook = Workbook(write_only=True)
    try:
        return _write(workbook, target, about, sheets, progress)
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
) -> dict[str, int]:
    workbook.properties.creator = "INL Desktop"
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
        writer = _RowWriter(sheet, sheet_data.columns)
        rows = 0
        for row in sheet_data.rows:
            sheet.append(writer.cells(row))
            rows += 1
            if progress is not None and rows % PROGRESS_EVERY == 0:
                progress(done + rows, sheet_data.name)
        done += rows
        counts[sheet_data.name] = rows
        last = get_column_letter(max(len(sheet_data.columns), 1))
        sheet.auto_filter.ref = f"A1:{last}{rows + 1}"
        if progress is not None:
            progress(done, sheet_data.name)
    writer = _RowWriter(about_sheet, (Column("key", Kind.TEXT), Column("value", Kind.TEXT)))
    for key, value in about:
        cell = WriteOnlyCell(about_sheet, key)
        cell.font = bold
        about_sheet.append([cell, *writer.cells([value])])
    for name, rows in counts.items():
        about_sheet.append([WriteOnlyCell(about_sheet, f"rows {name}"), rows])
    _save(workbook, target)
    return counts


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
