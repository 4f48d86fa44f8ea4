"""Reading a post's own files: CSV in the encodings and delimiters that Excel,
LibreOffice and other systems write, xlsx with titles above the header, and the
files that cannot be read at all."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from importing_fixtures import (
    HYPERLINK_REMARK,
    MULTILINE_REMARK,
    SEIZURE_HEADERS,
    SEIZURES_APRIL,
    write_csv,
    write_xlsx,
)

from inl_desktop.exchange.sources import UnreadableSource, detect_header_row, read_source

KHYBER_ROWS = [
    ["Seizures, Peshawar – Khyber"],
    [],
    ["Date", "Agency", "Drug", "Quantity", "Place", "Cost"],
    ["13/04/2019", "ANF", "Charas", "12 kg", "Peshawar – Khyber", "€ 1.200"],
    ["14/04/2019", "Customs", "Heroin", "2 kg", "Landi Kotal café", "€ 300"],
]


def test_a_utf8_file_with_a_bom_reads_without_the_bom_in_its_first_header(
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "april.csv", SEIZURES_APRIL, encoding="utf-8-sig")

    table = read_source(path)

    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ","
    assert table.header_row == 3
    assert table.headers == SEIZURE_HEADERS
    assert table.rows[3] == [
        "13/04/2019",
        "ANF",
        "Charas",
        "12 kg",
        "Khyber Pakhtunkhwa",
        "Torkham, truck from Jalalabad",
    ]
    assert table.rows[4][5] == HYPERLINK_REMARK
    assert table.rows[6][5] == MULTILINE_REMARK


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with its BOM, as Excel's "Unicode text" writes it
        ("utf-16-le", "utf-16-le"),  # without a BOM
        ("cp1252", "windows-1252"),
    ],
)
def test_the_encoding_is_detected_and_every_character_survives(
    tmp_path: Path, encoding: str, detected: str
) -> None:
    path = write_csv(tmp_path / "khyber.csv", KHYBER_ROWS, encoding=encoding)

    table = read_source(path)

    assert table.encoding == detected
    assert table.header_row == 3
    assert table.headers == ["Date", "Agency", "Drug", "Quantity", "Place", "Cost"]
    assert table.rows[0] == ["Seizures, Peshawar – Khyber"]
    assert table.rows[3][4] == "Peshawar – Khyber"
    assert table.rows[4][4] == "Landi Kotal café"
    assert [row[5] for row in table.rows[3:]] == ["€ 1.200", "€ 300"]


def test_a_given_encoding_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("Name,City\nZoë,Zürich\n".encode("latin-1"))

    assert read_source(path, encoding="latin-1").rows[1] == ["Zoë", "Zürich"]


def test_a_semicolon_file_with_decimal_commas_splits_on_semicolons(tmp_path: Path) -> None:
    rows = [
        ["Datum", "Droge", "Menge", "Einheit"],
        ["13.04.2019", "Heroin", "3,26", "kg"],
        ["14.04.2019", "Kokain", "1.234,5", "g"],
    ]
    path = write_csv(tmp_path / "export.csv", rows, delimiter=";")

    table = read_source(path)

    assert table.delimiter == ";"
    assert table.header_row == 1
    assert table.rows == rows


@pytest.mark.parametrize(("suffix", "delimiter"), [(".tsv", "\t"), (".txt", "\t"), (".csv", "|")])
def test_tab_and_pipe_files_split_on_their_delimiter(
    tmp_path: Path, suffix: str, delimiter: str
) -> None:
    rows = [
        ["Course title", "Start", "Male", "Female"],
        ["Effective prosecutions, Lahore", "02/03/2026", "30", "12"],
    ]
    path = write_csv(tmp_path / f"trainings{suffix}", rows, delimiter=delimiter)

    table = read_source(path)

    assert table.delimiter == delimiter
    assert table.rows == rows


def test_blank_cells_are_none_and_short_rows_are_padded(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("Date,Agency,Drug\n13/04/2019,,Heroin\n14/04/2019\n\n\n", encoding="utf-8")

    table = read_source(path)

    assert table.data() == [(2, ["13/04/2019", None, "Heroin"]), (3, ["14/04/2019", None, None])]


def test_a_workbook_is_read_with_its_title_rows_dates_and_numbers(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "register.xlsx",
        {
            "Seizures 2019": [
                ["Khyber desk — seizures 2019"],
                [],
                ["Date of Seizure", "LEA", "Narcotics", "Qty", "Unit", "FIR"],
                [date(2019, 4, 13), "ANF", "Charas", 12.5, "kg", "0123/19"],
                [date(2019, 5, 2), "MoD", "Heroin", 1500, "g", None],
            ],
            "Trainings": [["Course title", "Start"], ["Effective prosecutions", "02/03/2026"]],
        },
    )

    table = read_source(path)

    assert table.sheet == "Seizures 2019"
    assert table.sheets == ["Seizures 2019", "Trainings"]
    assert table.header_row == 3
    assert table.headers == ["Date of Seizure", "LEA", "Narcotics", "Qty", "Unit", "FIR"]
    (first_number, first), (second_number, second) = table.data()
    assert (first_number, second_number) == (4, 5)
    assert isinstance(first[0], date)
    assert (first[0].year, first[0].month, first[0].day) == (2019, 4, 13)
    assert first[1:] == ["ANF", "Charas", 12.5, "kg", "0123/19"]
    assert isinstance(second[0], date)
    assert (second[0].year, second[0].month, second[0].day) == (2019, 5, 2)
    assert second[3] == 1500
    assert second[5] is None


def test_a_chosen_sheet_and_header_row_are_read(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "register.xlsx",
        {
            "Seizures": [["Date", "Drug"], ["13/04/2019", "Heroin"]],
            "Trainings": [["Course title", "Start"], ["Effective prosecutions", "02/03/2026"]],
        },
    )

    table = read_source(path, sheet="Trainings", header_row=0)

    assert table.sheet == "Trainings"
    assert table.header_row == 0
    assert table.headers == ["Column A", "Column B"]
    assert table.data()[0] == (1, ["Course title", "Start"])


def test_a_missing_sheet_is_refused_with_the_sheets_there_are(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "register.xlsx", {"Seizures": [["Date", "Drug"]]})

    with pytest.raises(UnreadableSource, match=r"register\.xlsx has no sheet 'April'.*Seizures"):
        read_source(path, sheet="April")


def test_the_header_is_the_top_row_naming_the_most_columns() -> None:
    rows: list[list[object]] = [
        ["INL Pakistan"],
        ["Seizures", "2019"],
        ["Date", "Agency", "Drug", "Quantity"],
        ["13/04/2019", "ANF", "Heroin", "12"],
        ["14/04/2019", "ANF", "Opium", "1,200.5"],
    ]
    assert detect_header_row(rows) == 3
    assert detect_header_row([["13/04/2019", 12.0, 4], ["14/04/2019", 2.0, 5]]) == 0


def test_a_row_number_beyond_the_file_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "short.csv", [["Date", "Drug"], ["13/04/2019", "Heroin"]])

    with pytest.raises(UnreadableSource, match=r"short\.csv: there is no row 9"):
        read_source(path, header_row=9)


def _zip_named(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return path


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", b""),
        ("blank.csv", b"\r\n,,\r\n\r\n"),
        ("letter.xlsx", b"Dear colleague, please find the figures attached."),
        ("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
        ("figures.ods", b"PK\x03\x04"),
        ("figures.pdf", b"%PDF-1.7"),
        ("renamed.csv", b"PK\x03\x04\x14\x00" + b"\x00" * 40),
        ("binary.csv", b"Date,Drug\n" + b"\x00\x01\x02" * 20),
    ],
)
def test_unreadable_files_are_refused_with_a_message_naming_them(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(UnreadableSource, match=name.replace(".", r"\.")):
        read_source(path)


def test_a_zip_that_is_not_a_workbook_is_refused_by_name(tmp_path: Path) -> None:
    path = _zip_named(tmp_path / "archive.xlsx")

    with pytest.raises(UnreadableSource, match=r"archive\.xlsx"):
        read_source(path)


def test_a_missing_file_and_a_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableSource, match=r"nowhere\.csv does not exist"):
        read_source(tmp_path / "nowhere.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(UnreadableSource, match=r"folder\.csv is a folder"):
        read_source(tmp_path / "folder.csv")
