"""Reading exchange workbooks: refusals with their messages, and cells typed back exactly."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.reader import RowProblem, SheetRow, open_workbook
from inl_desktop.exchange.safety import WorkbookRefused
from inl_desktop.exchange.writer import SheetData, write_workbook

EVENT = "0c6b1a52-5d0e-4b8e-9a51-3f0a3f1a0001"
ITEM = "0c6b1a52-5d0e-4b8e-9a51-3f0a3f1a0002"
CNIC = "0012345678901"
REMARK = '=HYPERLINK("x")'
KNOWN = {"PK": {"PK-ISB", "PK-LHE"}}


def seizure_row(**values: Any) -> dict[str, Any]:
    """One Seizures row: an item of 3.26 kg of heroin seized on 14 March 2026."""
    row: dict[str, Any] = {
        "event_uuid": EVENT,
        "revision": 2,
        "post_code": "PK-ISB",
        "status": "final",
        "created_at": datetime(2026, 3, 14, 9, 30, 5),
        "created_by": "clerk",
        "updated_at": datetime(2026, 3, 15, 10, 0, 0),
        "updated_by": "clerk",
        "basis": "case",
        "event_date": date(2026, 3, 14),
        "date_precision": "day",
        "period_start": date(2026, 3, 14),
        "period_end": date(2026, 3, 14),
        "agency": "ANF",
        "joint_agencies": "CUSTOMS;FC_KP",
        "arrests_nationals": 2,
        "remarks": REMARK,
        "source_reference": "#N/A",
        "item_uuid": ITEM,
        "item_position": 0,
        "drug": "HEROIN",
        "quantity": Decimal("3.26"),
        "unit": "KG",
    }
    row.update(values)
    return row


def write(
    path: Path,
    sheets: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    *,
    profile: str = "full",
    about: Mapping[str, Any] | None = None,
) -> Path:
    """An exchange workbook written by the app's own writer, with the rows given."""
    facts = {
        "format": fmt.FORMAT_NAME,
        "format_version": fmt.FORMAT_VERSION,
        "post_code": "PK-ISB",
        "country": "PK",
        "exported_at_utc": datetime(2026, 6, 15, 9, 30),
        "profile": profile,
        "person_key_id": "abc123",
        **(about or {}),
    }
    rows = sheets if sheets is not None else {fmt.SEIZURES: [seizure_row()]}
    data = [
        SheetData(
            sheet,
            fmt.columns_for(sheet, profile),
            [
                [row.get(column.key) for column in fmt.columns_for(sheet, profile)]
                for row in rows.get(sheet, [])
            ],
        )
        for sheet in fmt.SHEET_ORDER[1:]
    ]
    write_workbook(path, list(facts.items()), data)
    return path


def seizure_rows(path: Path) -> list[SheetRow]:
    with open_workbook(path, KNOWN) as book:
        return list(book.rows(fmt.SEIZURES))


def edit(path: Path, sheet: str, cell: str, value: Any, data_type: str | None = None) -> Path:
    """Change one cell with openpyxl, as someone editing the workbook in Excel would."""
    workbook = load_workbook(path)
    target = workbook[sheet][cell]
    target.value = value
    if data_type is not None:
        target.data_type = data_type
    workbook.save(path)
    return path


def column_letter(sheet: str, key: str, profile: str = "full") -> str:
    keys = [column.key for column in fmt.columns_for(sheet, profile)]
    return str(get_column_letter(keys.index(key) + 1))


def test_cells_come_back_typed_and_exact(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx")
    with open_workbook(path, KNOWN) as book:
        assert book.about.post_code == "PK-ISB" and book.about.profile == "full"
        assert book.about.row_counts[fmt.SEIZURES] == 1
        [row] = list(book.rows(fmt.SEIZURES))
    assert row.problems == []
    values = row.values
    assert values["event_date"] == date(2026, 3, 14) and type(values["event_date"]) is date
    assert values["created_at"] == datetime(2026, 3, 14, 9, 30, 5, tzinfo=UTC)
    assert values["quantity"] == Decimal("3.26") and str(values["quantity"]) == "3.26"
    assert values["revision"] == 2 and type(values["revision"]) is int
    assert values["joint_agencies"] == ("CUSTOMS", "FC_KP")
    assert values["remarks"] == REMARK  # text, not a formula
    assert values["source_reference"] == "#N/A"  # text, not an error
    assert values["place"] is None
    assert "agency_label" not in values  # labels are for people, not read


def test_a_national_id_keeps_its_leading_zeros(tmp_path: Path) -> None:
    enrollment = {"enrollment_uuid": ITEM, "person_uuid": EVENT, "national_id": CNIC}
    path = write(tmp_path / "full.xlsx", {fmt.ENROLLMENTS: [enrollment]})
    with open_workbook(path, KNOWN) as book:
        [row] = list(book.rows(fmt.ENROLLMENTS))
    assert row.values["national_id"] == CNIC


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.1, "0.1"), (1000, "1000"), (0.000001, "0.000001"), (123456.789, "123456.789")],
)
def test_numbers_are_exact_decimals(tmp_path: Path, value: float, expected: str) -> None:
    path = write(tmp_path / "post.xlsx", {fmt.SEIZURES: [seizure_row(quantity=value)]})
    [row] = seizure_rows(path)
    assert row.values["quantity"] == Decimal(expected)
    assert str(row.values["quantity"]) == expected


def test_a_number_typed_as_text_is_read_as_its_digits(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx", {fmt.SEIZURES: [seizure_row(quantity="2.500")]})
    [row] = seizure_rows(path)
    assert row.values["quantity"] == Decimal("2.500") and row.problems == []


def test_a_date_column_holding_text_is_a_row_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx", {fmt.SEIZURES: [seizure_row(event_date="2026-03-14")]})
    [row] = seizure_rows(path)
    reason = "holds the text '2026-03-14' where a date cell is expected"
    assert row.problems == [RowProblem(fmt.SEIZURES, 2, "event_date", reason)]


def test_a_date_column_holding_a_plain_number_is_a_row_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx")
    workbook = load_workbook(path)
    cell = workbook[fmt.SEIZURES][f"{column_letter(fmt.SEIZURES, 'event_date')}2"]
    cell.value, cell.number_format = 46095, "General"
    workbook.save(path)
    [row] = seizure_rows(path)
    reason = "holds the number 46095 where a date cell is expected"
    assert row.problems == [RowProblem(fmt.SEIZURES, 2, "event_date", reason)]


def test_a_formula_in_a_data_cell_is_a_row_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx", {fmt.SEIZURES: [seizure_row(), seizure_row()]})
    edit(path, fmt.SEIZURES, f"{column_letter(fmt.SEIZURES, 'quantity')}3", "=1+2")
    first, second = seizure_rows(path)
    assert first.problems == []
    assert second.problems == [
        RowProblem(fmt.SEIZURES, 3, "quantity", "holds a formula (=1+2) where a value is expected")
    ]


def test_an_error_cell_is_a_row_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx")
    edit(path, fmt.SEIZURES, f"{column_letter(fmt.SEIZURES, 'place')}2", "#N/A", "e")
    [row] = seizure_rows(path)
    assert row.problems == [
        RowProblem(fmt.SEIZURES, 2, "place", "holds the error value #N/A where a value is expected")
    ]


def test_dates_of_a_1904_workbook_come_out_right(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx")
    workbook = load_workbook(path)
    workbook.epoch = CALENDAR_MAC_1904  # openpyxl writes the dates' 1904 serials on save
    workbook.save(path)
    assert b'date1904="1"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    [row] = seizure_rows(path)
    assert row.values["event_date"] == date(2026, 3, 14)
    assert row.values["created_at"] == datetime(2026, 3, 14, 9, 30, 5, tzinfo=UTC)


def test_a_sheet_declared_as_the_whole_grid_is_read_to_its_last_row(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx")
    load_workbook(path).save(path)  # openpyxl writes a <dimension> element
    rewritten = tmp_path / "grid.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                start = data.index(b"<dimension ref=")
                end = data.index(b"/>", start) + 2
                data = data[:start] + b'<dimension ref="A1:XFD1048576"/>' + data[end:]
            target.writestr(info, data)
    [row] = seizure_rows(rewritten)
    assert row.values["event_uuid"] == EVENT and row.number == 2


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(tmp_path: Path) -> None:
    blank = dict.fromkeys(seizure_row())
    path = write(tmp_path / "post.xlsx", {fmt.SEIZURES: [seizure_row(), blank, seizure_row()]})
    assert [row.number for row in seizure_rows(path)] == [2, 4]


def test_the_hq_profile_needs_no_personal_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "hq.xlsx", profile="hq")
    with open_workbook(path, KNOWN) as book:
        assert "national_id" not in book.columns(fmt.ENROLLMENTS)
        assert "person_key" in book.columns(fmt.ENROLLMENTS)


@pytest.mark.parametrize(
    ("about", "message"),
    [
        ({"format": "Some other workbook"}, "is not an INL Desktop exchange workbook"),
        ({"format_version": 2}, "format version 2; this version of INL Desktop reads versions up"),
        ({"format_version": "one"}, "format version 'one'"),
        ({"country": "AF", "post_code": "AF-KBL"}, "comes from country program AF"),
        ({"post_code": "PK-QTA"}, "comes from post PK-QTA, which is not a post of PK"),
        ({"post_code": "Islamabad"}, "post ISLAMABAD is not a post of PK"),
        ({"profile": "everything"}, "profile 'everything' is not one of hq, full"),
    ],
)
def test_a_workbook_of_another_format_or_origin_is_refused(
    tmp_path: Path, about: dict[str, Any], message: str
) -> None:
    path = write(tmp_path / "post.xlsx", about=about)
    with pytest.raises(WorkbookRefused, match=message):
        open_workbook(path, KNOWN)


def test_every_earlier_format_version_is_read(tmp_path: Path) -> None:
    for version in fmt.READABLE_VERSIONS:
        path = write(tmp_path / f"v{version}.xlsx", about={"format_version": version})
        with open_workbook(path, KNOWN) as book:
            assert book.about.format_version == version


def test_a_missing_sheet_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx")
    workbook = load_workbook(path)
    del workbook[fmt.COUNTS]
    workbook.save(path)
    with pytest.raises(WorkbookRefused, match=r"post\.xlsx has no Counts sheet"):
        open_workbook(path, KNOWN)


def test_a_workbook_without_about_is_not_an_exchange_workbook(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx")
    workbook = load_workbook(path)
    del workbook[fmt.ABOUT]
    workbook.save(path)
    with pytest.raises(WorkbookRefused, match="has no About sheet: it is not an INL Desktop"):
        open_workbook(path, KNOWN)


@pytest.mark.parametrize("new_header", [None, "agency_code"], ids=["deleted", "renamed"])
def test_a_missing_column_is_named_with_its_sheet(tmp_path: Path, new_header: str | None) -> None:
    path = write(tmp_path / "post.xlsx")
    workbook = load_workbook(path)
    sheet = workbook[fmt.SEIZURES]
    column = [cell.value for cell in sheet[1]].index("agency") + 1
    if new_header is None:
        sheet.delete_cols(column)
    else:
        sheet.cell(1, column).value = new_header
    workbook.save(path)
    with pytest.raises(WorkbookRefused, match=r"post\.xlsx: sheet Seizures lacks column agency$"):
        open_workbook(path, KNOWN)


def test_a_column_given_twice_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx")
    edit(path, fmt.SEIZURES, f"{column_letter(fmt.SEIZURES, 'place')}1", "agency")
    with pytest.raises(WorkbookRefused, match="sheet Seizures has column agency twice"):
        open_workbook(path, KNOWN)


def test_label_columns_may_be_missing(tmp_path: Path) -> None:
    path = write(tmp_path / "post.xlsx")
    workbook = load_workbook(path)
    sheet = workbook[fmt.SEIZURES]
    sheet.delete_cols([cell.value for cell in sheet[1]].index("agency_label") + 1)
    workbook.save(path)
    [row] = seizure_rows(path)
    assert row.values["agency"] == "ANF" and row.problems == []
