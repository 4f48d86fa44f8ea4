"""The errors workbook of an import keeps each rejected cell as the source held it."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import ERROR_CODES
from python_calamine import CalamineWorkbook

from inl_desktop.exchange.import_errors import ERRORS_SHEET, write_rejected_rows
from inl_desktop.exchange.xlsx_cells import SheetMarks, formula_and_error_cells


@pytest.mark.parametrize("text", [*ERROR_CODES, "=SUM(B2:B4)"])
def test_text_that_reads_as_an_error_or_a_formula_stays_text(tmp_path: Path, text: str) -> None:
    # The user fixes the row and imports this workbook again: an error cell would read
    # back empty, and a formula as its result.
    path = write_rejected_rows(
        tmp_path / "errors.xlsx",
        ["Drug", text],
        [(7, [text, "Cocaine"], ["Drug: unknown drug " + text])],
        marked=[(7, "Drug")],
    )

    with CalamineWorkbook.from_path(str(path)) as book:
        rows = book.get_sheet_by_name(ERRORS_SHEET).to_python(skip_empty_area=False)
    assert rows == [
        ["Drug", text, "Problems", "Source row"],
        [text, "Cocaine", "Drug: unknown drug " + text, 7],
    ]
    sheet = load_workbook(path)[ERRORS_SHEET]
    assert [(cell.value, cell.data_type) for cell in sheet[2][:2]] == [
        (text, "s"),
        ("Cocaine", "s"),
    ]
    assert (sheet["B1"].value, sheet["B1"].data_type) == (text, "s")
    assert formula_and_error_cells(path, ERRORS_SHEET) == SheetMarks()
