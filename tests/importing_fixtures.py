"""Spreadsheets as posts keep them, written by the import tests: CSV files in the
encodings and with the delimiters that Excel, LibreOffice and other systems write,
and xlsx workbooks with titles above the header and a second sheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

Row = Sequence[object]


def write_csv(
    path: Path,
    rows: Sequence[Row],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    """Write rows as Excel writes a CSV (CRLF line ends, quoting where needed).
    ``utf-8-sig`` and ``utf-16`` write a BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Row]]) -> Path:
    """Write a workbook with openpyxl, one sheet per entry, cells as given (dates as
    date cells, numbers as numbers)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, datetime | date):
                    cell.number_format = "dd/mm/yyyy"
    book.save(path)
    return path


# A Khyber desk's seizure register: two title rows, then the header on row 3.
SEIZURE_HEADERS = ["Date of Seizure", "LEA", "Narcotics", "Qty", "Province", "Remarks"]
HYPERLINK_REMARK = '=HYPERLINK("http://intranet/anf/2019/0412","FIR scan")'
MULTILINE_REMARK = 'Driver said "spare tyre";\nsecond line, café – Peshawar'
SEIZURES_APRIL: list[Row] = [
    ["Narcotics seizures register — Khyber desk"],
    ["Compiled from LEA daily situation reports, April–May 2019"],
    SEIZURE_HEADERS,
    ["13/04/2019", "ANF", "Charas", "12 kg", "Khyber Pakhtunkhwa", "Torkham, truck from Jalalabad"],
    ["02/05/2019", "MoD", "Hashish", "1,500 g", "Punjab", HYPERLINK_REMARK],
    ["21/05/2019", "MOD", "Cannabis resin", "3.5 MT", "Balochistan", None],
    ["03/05/2019", "Ministry Of Defense", "Heroin", "2 kgs", "KP", MULTILINE_REMARK],
    ["Total", None, None, "3,515.5 kg", None, None],
    ["14/05/2019", "ANF", "Naswar", "1 kg", "Sindh", "crystal, unknown to the list"],
    ["Note: May figures are provisional until the monthly return"],
]
SEIZURES_APRIL_ROWS = {"data": [4, 5, 6, 7], "total": 8, "unknown_drug": 9, "note": 10}
