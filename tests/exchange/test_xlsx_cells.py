"""Formula and error cells found in a worksheet's XML, where calamine sees only values."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from inl_desktop.exchange import xlsx_cells
from inl_desktop.exchange.safety import WorkbookRefused
from inl_desktop.exchange.xlsx_cells import SheetMarks, formula_and_error_cells

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DATA_PART = "xl/worksheets/sheet1.xml"
OTHER_PART = "xl/worksheets/sheet2.xml"


def book(path: Path) -> Path:
    """A workbook as openpyxl writes it: sheet Data (formulas in B5, C2, D3) and sheet
    Other (a formula in B1), with the values Excel would have cached added to each."""
    workbook = Workbook()
    data = workbook.active
    assert data is not None
    data.title = "Data"
    data.append(["Name", "Kilos", "Double", "Lookup"])
    data.append(["Cocaine", 10, "=B2*2"])
    data.append(["Heroin", 12, None, "=Other!A1"])
    data.append(["Opium", 20])
    data["B5"] = "=SUM(B2:B4)"
    other = workbook.create_sheet("Other")
    other.append(["SZ-0001", "=LEN(A1)"])
    workbook.save(path)
    cached = {"B5": "42", "C2": "20", "D3": "SZ-0001", "B1": "7"}

    def add_cached_values(xml: bytes) -> bytes:
        # openpyxl writes <v></v> after a formula; Excel writes the last result there.
        def value(match: re.Match[bytes]) -> bytes:
            cell = match.group(1).decode()
            text = b' t="str"' if cell == "D3" else b""
            return b'<c r="%s"%s>%s<v>%s</v></c>' % (
                match.group(1),
                text,
                match.group(2),
                cached[cell].encode(),
            )

        return re.sub(rb'<c r="([A-Z]+[0-9]+)">(<f>[^<]*</f>)<v\s*(?:/>|></v>)</c>', value, xml)

    return rewrite(path, {DATA_PART: add_cached_values, OTHER_PART: add_cached_values})


def rewrite(path: Path, changes: dict[str, Callable[[bytes], bytes]]) -> Path:
    """Pass some parts of the workbook at ``path`` through a change, in place."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            change = changes.get(name)
            archive.writestr(name, change(data) if change else data)
    return path


def with_sheet_data(path: Path, rows: str, *, root: str = "", after: str = "") -> Path:
    """The two-sheet workbook of ``book`` with sheet Data's XML replaced: ``rows`` is the
    content of its <sheetData>, ``after`` what follows it."""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}" {root}><sheetData>{rows}</sheetData>{after}</worksheet>'
    )
    return rewrite(book(path), {DATA_PART: lambda _: xml.encode()})


def calamine_rows(path: Path, sheet: str) -> list[list[object]]:
    with CalamineWorkbook.from_path(str(path)) as workbook:
        return list(workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False))


def never_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> SheetMarks:
        raise AssertionError("a sheet without formulas or errors was parsed")

    monkeypatch.setattr(xlsx_cells, "_parse_cells", fail)


def test_formulas_are_found_where_calamine_reads_their_last_result(tmp_path: Path) -> None:
    path = book(tmp_path / "book.xlsx")
    rows = calamine_rows(path, "Data")
    assert rows[4][1] == 42 and rows[1][2] == 20 and rows[2][3] == "SZ-0001"

    marks = formula_and_error_cells(path, "Data")

    assert marks.formulas == {(4, 1): "SUM(B2:B4)", (1, 2): "B2*2", (2, 3): "Other!A1"}
    assert marks.errors == {}
    assert marks


def test_each_sheet_has_its_own_formulas(tmp_path: Path) -> None:
    path = book(tmp_path / "book.xlsx")

    assert formula_and_error_cells(path, "Other") == SheetMarks(formulas={(0, 1): "LEN(A1)"})


def test_sheets_are_found_through_the_workbook_relationships(tmp_path: Path) -> None:
    # Excel writes targets relative to xl/; here the second relationship names sheet1.
    def swap_targets(xml: bytes) -> bytes:
        xml = xml.replace(b"/xl/worksheets/sheet1.xml", b"worksheets/SWAP")
        xml = xml.replace(b"/xl/worksheets/sheet2.xml", b"worksheets/sheet1.xml")
        return xml.replace(b"worksheets/SWAP", b"worksheets/sheet2.xml")

    path = rewrite(book(tmp_path / "book.xlsx"), {"xl/_rels/workbook.xml.rels": swap_targets})

    assert formula_and_error_cells(path, "Data").formulas == {(0, 1): "LEN(A1)"}
    assert formula_and_error_cells(path, "Other").formulas[(4, 1)] == "SUM(B2:B4)"


def test_error_cells_are_found_where_calamine_reads_empty_text(tmp_path: Path) -> None:
    path = with_sheet_data(
        tmp_path / "errors.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Kilos</t></is></c></row>'
        '<row r="2"><c r="A2" t="e"><v>#N/A</v></c><c r="B2" t="e"><v>#DIV/0!</v></c></row>'
        '<row r="3"><c r="A3"><v>1</v></c><c r="C3" t="e"><v>#NAME?</v></c></row>'
        '<row r="4"><c r="A4" t="e"><v>#REF!</v></c><c r="B4" t="e"><v>#VALUE!</v></c></row>',
    )
    assert calamine_rows(path, "Data")[1:] == [["", "", ""], [1, "", ""], ["", "", ""]]

    marks = formula_and_error_cells(path, "Data")

    assert marks.errors == {
        (1, 0): "#N/A",
        (1, 1): "#DIV/0!",
        (2, 2): "#NAME?",
        (3, 0): "#REF!",
        (3, 1): "#VALUE!",
    }
    assert marks.formulas == {}


def test_a_formula_whose_result_is_an_error_is_both(tmp_path: Path) -> None:
    path = with_sheet_data(
        tmp_path / "both.xlsx",
        '<row r="2"><c r="A2"><v>0</v></c><c r="B2" t="e"><f>1/A2</f><v>#DIV/0!</v></c></row>',
    )

    assert formula_and_error_cells(path, "Data") == SheetMarks(
        formulas={(1, 1): "1/A2"}, errors={(1, 1): "#DIV/0!"}
    )


def test_a_shared_formula_reads_as_in_each_cell(tmp_path: Path) -> None:
    # Excel writes a formula filled down once, in the first cell; the others refer to it.
    path = with_sheet_data(
        tmp_path / "shared.xlsx",
        '<row r="2"><c r="B2"><v>10</v></c>'
        '<c r="C2"><f t="shared" ref="C2:C4" si="0">B2*2+$B$2</f><v>30</v></c></row>'
        '<row r="3"><c r="B3"><v>12</v></c><c r="C3"><f t="shared" si="0"/><v>34</v></c></row>'
        '<row r="4"><c r="B4"><v>20</v></c><c r="C4"><f t="shared" si="0"/><v>50</v></c></row>',
    )
    assert [row[2] for row in calamine_rows(path, "Data")[1:]] == [30, 34, 50]

    marks = formula_and_error_cells(path, "Data")

    assert marks.formulas == {(1, 2): "B2*2+$B$2", (2, 2): "B3*2+$B$2", (3, 2): "B4*2+$B$2"}


def test_a_shared_formula_that_cannot_be_read_is_given_as_written(tmp_path: Path) -> None:
    path = with_sheet_data(
        tmp_path / "unreadable.xlsx",
        '<row r="2"><c r="C2"><f t="shared" ref="C2:C3" si="4">"abc</f><v>1</v></c></row>'
        '<row r="3"><c r="C3"><f t="shared" si="4"/><v>1</v></c></row>',
    )

    assert formula_and_error_cells(path, "Data").formulas == {(1, 2): '"abc', (2, 2): '"abc'}


def test_an_array_formula_marks_each_cell_of_its_range(tmp_path: Path) -> None:
    path = with_sheet_data(
        tmp_path / "array.xlsx",
        '<row r="1"><c r="A1"><f t="array" ref="A1:B2">ROW(A1:B2)</f><v>1</v></c>'
        '<c r="B1"><v>1</v></c><c r="C1"><v>5</v></c></row>'
        '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><v>2</v></c></row>'
        '<row r="3"><c r="A3"><v>3</v></c></row>',
    )

    marks = formula_and_error_cells(path, "Data")

    assert marks.formulas == {cell: "ROW(A1:B2)" for cell in [(0, 0), (0, 1), (1, 0), (1, 1)]}


def test_cells_without_a_reference_follow_the_one_before(tmp_path: Path) -> None:
    path = with_sheet_data(
        tmp_path / "unnamed.xlsx",
        '<row r="3"><c><v>1</v></c><c><f>A3*2</f><v>2</v></c></row>'
        '<row><c r="B4" t="e"><v>#N/A</v></c><c t="e"><v>#REF!</v></c></row>',
    )

    assert formula_and_error_cells(path, "Data") == SheetMarks(
        formulas={(2, 1): "A3*2"}, errors={(3, 1): "#N/A", (3, 2): "#REF!"}
    )


def test_a_worksheet_with_a_namespace_prefix(tmp_path: Path) -> None:
    xml = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">'
        '<x:c r="A1"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r="B1" t="e"><x:v>#N/A</x:v></x:c>'
        "</x:row></x:sheetData></x:worksheet>"
    )
    path = rewrite(book(tmp_path / "prefixed.xlsx"), {DATA_PART: lambda _: xml.encode()})

    assert formula_and_error_cells(path, "Data") == SheetMarks(
        formulas={(0, 0): "1+1"}, errors={(0, 1): "#N/A"}
    )


@pytest.mark.parametrize("attribute", ["t='e'", 't = "e"'])
def test_error_attributes_written_otherwise_are_found(tmp_path: Path, attribute: str) -> None:
    path = with_sheet_data(
        tmp_path / "quoted.xlsx", f'<row r="7"><c r="D7" {attribute}><v>#NUM!</v></c></row>'
    )

    assert formula_and_error_cells(path, "Data").errors == {(6, 3): "#NUM!"}


def test_marks_split_between_chunks_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_cells, "CHUNK_BYTES", 5)
    path = with_sheet_data(
        tmp_path / "chunks.xlsx",
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f>A2+1</f><v>2</v></c></row>'
        '<row r="3"><c r="A3" t="e"><v>#N/A</v></c></row>',
    )

    assert formula_and_error_cells(path, "Data") == SheetMarks(
        formulas={(1, 1): "A2+1"}, errors={(2, 0): "#N/A"}
    )


def test_text_that_looks_like_a_formula_or_an_error_is_data(tmp_path: Path) -> None:
    path = with_sheet_data(
        tmp_path / "text.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>=SUM(B2:B4)</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>#N/A</t></is></c>'
        '<c r="C1" t="inlineStr"><is><r><rPr><family val="2"/></rPr><t>t="e"</t></r></is></c>'
        '<c r="D1"><f>LEN(A1)</f><v>11</v></c></row>',
    )

    assert formula_and_error_cells(path, "Data") == SheetMarks(formulas={(0, 3): "LEN(A1)"})


VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list"><x14:formula1><xm:f>Other!$A$1:$A$3</xm:f></x14:formula1>'
    "<xm:sqref>A2:A100</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
)


def test_a_sheet_without_formulas_or_errors_is_not_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Text that reads like a mark, and a drop-down list of another sheet's cells (a data
    # validation, whose formula follows the sheet data), are no reason to parse.
    rows = (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&lt;f&gt; "e" &lt;f/&gt;</t></is></c>'
        '<c r="B2" t="inlineStr"><is><r><rPr><family val="2"/></rPr><t>x</t></r></is></c>'
        '<c r="C2"><v>1</v></c></row>'
    )
    plain = with_sheet_data(tmp_path / "plain.xlsx", rows, after=VALIDATION)
    marked = with_sheet_data(
        tmp_path / "marked.xlsx",
        rows.replace('<c r="C2"><v>1</v></c>', '<c r="C2"><f>1</f><v>1</v></c>'),
        after=VALIDATION,
    )

    assert formula_and_error_cells(marked, "Data") == SheetMarks(formulas={(1, 2): "1"})
    never_parsed(monkeypatch)
    assert formula_and_error_cells(plain, "Data") == SheetMarks()


def test_a_sheet_declaring_a_document_type_is_refused(tmp_path: Path) -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x "SUM(B2:B4)">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><f>&x;</f></c></row>'
        "</sheetData></worksheet>"
    )
    path = rewrite(book(tmp_path / "entities.xlsx"), {DATA_PART: lambda _: xml.encode()})

    with pytest.raises(WorkbookRefused, match=r"entities\.xlsx: part xl/worksheets/sheet1.xml"):
        formula_and_error_cells(path, "Data")


def test_a_sheet_that_is_not_there_is_refused(tmp_path: Path) -> None:
    path = book(tmp_path / "book.xlsx")

    with pytest.raises(WorkbookRefused, match=r"book\.xlsx has no sheet named 'Seizures'"):
        formula_and_error_cells(path, "Seizures")


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")

    with pytest.raises(WorkbookRefused, match=r"notes\.xlsx is not an xlsx workbook"):
        formula_and_error_cells(path, "Data")
