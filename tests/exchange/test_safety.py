"""Workbook checks before parsing: not a zip, empty, zip bombs, XML entities, stray rows."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import openpyxl.xml
import pytest
from openpyxl import Workbook

from inl_desktop.exchange import safety
from inl_desktop.exchange.safety import (
    UnsafeXmlSetup,
    WorkbookRefused,
    WorksheetMarkers,
    check_workbook_file,
    require_defused_xml,
)

SHEET = "xl/worksheets/sheet1.xml"
ENTITIES = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
)


def workbook(path: Path) -> Path:
    """A small real xlsx (openpyxl) with a number, a text and a date."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["a", "b"])
    sheet.append([1.5, "text"])
    book.save(path)
    return path


def rewrite(source: Path, target: Path, part: str, change: object) -> Path:
    """A copy of ``source`` with one part's bytes passed through ``change``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == part:
                data = change(data)  # type: ignore[operator]
            new.writestr(info, data)
    return target


def test_a_real_workbook_passes(tmp_path: Path) -> None:
    scan = check_workbook_file(workbook(tmp_path / "book.xlsx"))
    assert SHEET in scan.parts and scan.marked == {}


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(WorkbookRefused, match=r"empty.xlsx is empty \(0 bytes\)"):
        check_workbook_file(path)


def test_a_text_file_renamed_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("date,drug,kg\n2019-01-01,heroin,3\n", encoding="utf-8")
    with pytest.raises(WorkbookRefused, match=r"notes\.xlsx is not an xlsx workbook"):
        check_workbook_file(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    with pytest.raises(WorkbookRefused, match=r"not an xlsx workbook \(a zip without"):
        check_workbook_file(path)


def test_a_part_that_inflates_a_thousand_times_is_a_zip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(SHEET, b"\0" * (20 * 1024 * 1024))
    with pytest.raises(WorkbookRefused, match=f"part {SHEET} inflates .* times.*zip bomb"):
        check_workbook_file(path)


def test_declared_sizes_beyond_any_workbook_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "declared.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(SHEET, b"<worksheet/>")
        archive.writestr("xl/worksheets/sheet2.xml", b"<worksheet/>")
    # Make both sheets declare 3 GB in the central directory.
    data = bytearray(path.read_bytes())
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        name = bytes(data[entry + 46 : entry + 46 + name_length])
        if name.startswith(b"xl/worksheets/"):
            struct.pack_into("<I", data, entry + 24, 3 * 1024**3)
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookRefused, match=r"would inflate to 6.0 GB.*zip bomb"):
        check_workbook_file(path)


@pytest.mark.parametrize("part", [SHEET, "docProps/core.xml", "xl/workbook.xml"])
def test_entity_declarations_are_refused_in_any_part(tmp_path: Path, part: str) -> None:
    source = workbook(tmp_path / "book.xlsx")

    def declare(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[-1] if data.startswith(b"<?xml") else data
        return ENTITIES.encode() + body

    path = rewrite(source, tmp_path / "entities.xlsx", part, declare)
    with pytest.raises(WorkbookRefused, match=f"part {part} declares DOCTYPE"):
        check_workbook_file(path)


def test_an_entity_declaration_across_chunks_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safety, "CHUNK_BYTES", 64)
    source = workbook(tmp_path / "book.xlsx")
    padded = rewrite(
        source, tmp_path / "late.xlsx", SHEET, lambda data: b" " * 60 + b"<!ENTITY x 'y'>" + data
    )
    with pytest.raises(WorkbookRefused, match="declares ENTITY"):
        check_workbook_file(padded)


def test_formulas_and_error_cells_are_marked_for_the_reader(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "=SUM(1, 2)"
    sheet["B1"].value = "#N/A"
    sheet["B1"].data_type = "e"
    sheet.auto_filter.ref = "A1:B1"  # <autoFilter> is not a formula
    path = tmp_path / "marked.xlsx"
    book.save(path)
    assert check_workbook_file(path).marked == {SHEET: WorksheetMarkers(True, True)}


def test_text_that_looks_like_a_formula_is_not_marked(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"].value = '=HYPERLINK("x")'
    sheet["A1"].data_type = "s"
    sheet["A2"].value = "#N/A"
    sheet["A2"].data_type = "s"
    path = tmp_path / "text.xlsx"
    book.save(path)
    assert check_workbook_file(path).marked == {}


def test_a_stray_value_a_million_rows_down_is_refused(tmp_path: Path) -> None:
    source = workbook(tmp_path / "book.xlsx")

    def stray(data: bytes) -> bytes:
        far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return data.replace(b"</sheetData>", far + b"</sheetData>")

    path = rewrite(source, tmp_path / "stray.xlsx", SHEET, stray)
    with pytest.raises(WorkbookRefused, match="has a value in row 1,048,576, far below"):
        check_workbook_file(path)


def test_empty_formatted_cells_far_down_are_harmless(tmp_path: Path) -> None:
    source = workbook(tmp_path / "book.xlsx")

    def styled(data: bytes) -> bytes:
        far = b'<row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="1"/></row>'
        return data.replace(b"</sheetData>", far + b"</sheetData>")

    path = rewrite(source, tmp_path / "styled.xlsx", SHEET, styled)
    assert SHEET in check_workbook_file(path).parts


def test_reading_is_refused_without_defusedxml(monkeypatch: pytest.MonkeyPatch) -> None:
    require_defused_xml()  # active in this environment
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(UnsafeXmlSetup, match="defusedxml is not active"):
        require_defused_xml()
