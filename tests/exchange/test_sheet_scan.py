"""The worksheet scan sees the same rows, columns and refusals however the part is cut
into chunks, and places cells where calamine places them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_workbooks import cases, exchange_workbook
from python_calamine import CalamineWorkbook

from inl_desktop.exchange import safety
from inl_desktop.exchange.safety import WorkbookRefused, check_workbook_file

SHEET_CASES = {
    name: case
    for name, case in cases().items()
    if case.family in ("counts", "relationships") and "5,000" not in name and "20,000" not in name
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scan")
    source = exchange_workbook(folder)
    files = {"the exported workbook": source}
    for number, (name, case) in enumerate(SHEET_CASES.items()):
        files[name] = folder / f"case-{number:02d}.xlsx"
        case.build(source, files[name])
    return files


def outcome(path: Path) -> object:
    try:
        return check_workbook_file(path).shapes
    except WorkbookRefused as refused:
        return str(refused)


@pytest.mark.parametrize("name", ["the exported workbook", *SHEET_CASES])
def test_chunks_of_any_size_give_the_same_outcome(
    name: str, built: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = outcome(built[name])
    monkeypatch.setattr(safety, "CHUNK_BYTES", 97)

    assert outcome(built[name]) == whole


def test_the_rows_and_columns_seen_are_those_calamine_reads(built: dict[str, Path]) -> None:
    path = built["the exported workbook"]
    scan = check_workbook_file(path)
    with CalamineWorkbook.from_path(str(path)) as book:
        for sheet in book.sheet_names:
            read = book.get_sheet_by_name(sheet)
            shape = scan.shape(sheet)
            assert read.end == (shape.last_row - 1, shape.last_column - 1)  # calamine's: 0-based
            assert shape.value_rows == sum(
                1 for row in read.iter_rows() if row.count("") < len(row)
            )


def test_cells_without_references_are_placed_one_after_the_other(built: dict[str, Path]) -> None:
    path = built["cells without references"]
    shape = check_workbook_file(path).shape("Lists")
    with CalamineWorkbook.from_path(str(path)) as book:
        end = book.get_sheet_by_name("Lists").end
    assert end is not None and (shape.last_row - 1, shape.last_column - 1) == end
