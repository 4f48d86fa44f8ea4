"""Signed workbooks: the values are signed, so a re-save that changes nothing verifies
(openpyxl, LibreOffice) and any changed value fails, naming its sheet."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange import signing
from inl_desktop.exchange.writer import SheetData, write_workbook

EVENT = "0c6b1a52-5d0e-4b8e-9a51-3f0a3f1a0001"
PRIVATE = signing.new_private_key()
PUBLIC = signing.public_key_of(PRIVATE)
# Values a re-save or a reader could easily change without anyone meaning to.
TRICKY_TEXTS = {
    "remarks": 'Line one\r\nline two\rthree =HYPERLINK("x") _x0041_ \u00e9 e\u0301 \t tab ',
    "place": "=1+1",
    "source_reference": "#N/A",
    "district": "0012345678901",
    "concealment": "  spaces kept  ",
}


def seizure_row(**values: Any) -> dict[str, Any]:
    """A Seizures row with a timestamp that has microseconds and an exact quantity."""
    row: dict[str, Any] = {
        "event_uuid": EVENT,
        "revision": 2,
        "post_code": "PK-ISB",
        "status": "final",
        "created_at": datetime(2026, 3, 14, 9, 30, 5, 999_999),
        "created_by": "clerk",
        "updated_at": datetime(2026, 3, 15, 10, 0, 0, 500_000),
        "updated_by": "clerk",
        "basis": "case",
        "event_date": date(2026, 3, 14),
        "period_start": date(2026, 3, 14),
        "period_end": date(2026, 3, 14),
        "agency": "ANF",
        "arrests_nationals": 2,
        "item_uuid": "0c6b1a52-5d0e-4b8e-9a51-3f0a3f1a0002",
        "item_position": 0,
        "drug": "HEROIN",
        "quantity": Decimal("3.26"),
        "kg_equivalent": Decimal("0.680388555"),
        "unit": "KG",
        **TRICKY_TEXTS,
    }
    row.update(values)
    return row


def write_signed(path: Path, rows: list[Mapping[str, Any]] | None = None) -> Path:
    """A full-profile workbook of one post, written and signed by the app's writer."""
    about = [
        ("format", fmt.FORMAT_NAME),
        ("format_version", fmt.FORMAT_VERSION),
        ("post_code", "PK-ISB"),
        ("country", "PK"),
        ("period_start", date(2025, 10, 1)),
        ("exported_at_utc", datetime(2026, 6, 15, 9, 30, 1, 250_000)),
        ("profile", "full"),
    ]
    seizures = rows if rows is not None else [seizure_row()]
    data = []
    for sheet in fmt.SHEET_ORDER[1:]:
        columns = fmt.columns_for(sheet, "full")
        sheet_rows = seizures if sheet == fmt.SEIZURES else []
        data.append(
            SheetData(sheet, columns, [[row.get(c.key) for c in columns] for row in sheet_rows])
        )
    write_workbook(path, about, data, signing_key=PRIVATE)
    return path


def about_values(path: Path) -> dict[str, Any]:
    with CalamineWorkbook.from_path(str(path)) as book:
        rows = book.get_sheet_by_name(fmt.ABOUT).to_python()
    return {row[0]: row[1] for row in rows if row and row[0]}


def check(path: Path, public_key: bytes = PUBLIC) -> tuple[bool, str]:
    """Whether the workbook verifies with the key, and what changed if it does not."""
    signature = signing.signature_of(about_values(path))
    assert signature is not None, "the workbook is not signed"
    values = signing.read_values(path)
    return signing.verifies(public_key, signature, values), signing.what_changed(signature, values)


def column(sheet: Any, key: str) -> int:
    return [cell.value for cell in sheet[1]].index(key) + 1


def test_a_signed_workbook_verifies_and_names_its_key(tmp_path: Path) -> None:
    path = write_signed(tmp_path / "isb.xlsx")

    assert check(path)[0]
    about = about_values(path)
    assert about[signing.SIGNING_KEY_ID] == signing.fingerprint(PUBLIC)
    assert set(about[signing.SIGNED_SHEETS].split("; ")[0].split()) >= {fmt.ABOUT}


def test_the_text_and_times_come_back_as_written(tmp_path: Path) -> None:
    """What is signed is what a reader gets: the text as it was (an escape-like _x0041_
    too), timestamps to the second."""
    path = write_signed(tmp_path / "isb.xlsx")

    with CalamineWorkbook.from_path(str(path)) as book:
        header, row = book.get_sheet_by_name(fmt.SEIZURES).to_python()[:2]
    cells = dict(zip(header, row, strict=True))
    for key, text in TRICKY_TEXTS.items():
        assert cells[key] == text, key
    assert cells["created_at"] == datetime(2026, 3, 14, 9, 30, 5)
    assert cells["updated_at"] == datetime(2026, 3, 15, 10, 0, 0)


def test_an_openpyxl_load_and_save_still_verifies(tmp_path: Path) -> None:
    path = write_signed(tmp_path / "isb.xlsx")
    resaved = tmp_path / "resaved.xlsx"

    load_workbook(path).save(resaved)

    assert resaved.read_bytes() != path.read_bytes()
    assert check(resaved)[0]


@pytest.mark.parametrize(
    ("sheet", "key", "value"),
    [
        (fmt.SEIZURES, "quantity", 3.27),
        (fmt.SEIZURES, "place", "=1+2"),
        (fmt.SEIZURES, "event_date", datetime(2026, 3, 15)),
        (fmt.ABOUT, None, "PK-LHE"),
    ],
    ids=["number", "text", "date", "about-post"],
)
def test_a_changed_value_fails_and_names_its_sheet(
    tmp_path: Path, sheet: str, key: str | None, value: Any
) -> None:
    path = write_signed(tmp_path / "isb.xlsx")
    book = load_workbook(path)
    target = book[sheet]
    if key is None:
        target["B3"] = value  # post_code
    else:
        target.cell(2, column(target, key)).value = value
    book.save(path)

    verified, changed = check(path)

    assert not verified
    assert changed == f"sheet {sheet}"


def test_a_row_added_to_another_sheet_fails(tmp_path: Path) -> None:
    path = write_signed(tmp_path / "isb.xlsx")
    book = load_workbook(path)
    book[fmt.DELETED].append(["seizure", EVENT, 3, datetime(2026, 4, 1)])
    book.create_sheet("Notes")["A1"] = "added by hand"
    book.save(path)

    assert check(path) == (False, "sheet Deleted; sheet Notes was added")


def test_another_key_does_not_verify(tmp_path: Path) -> None:
    path = write_signed(tmp_path / "isb.xlsx")
    other = signing.public_key_of(signing.new_private_key())

    assert not check(path, other)[0]


def test_a_second_signature_row_fails(tmp_path: Path) -> None:
    path = write_signed(tmp_path / "isb.xlsx")
    book = load_workbook(path)
    book[fmt.ABOUT].append([signing.SIGNATURE, "AAAA"])
    book.save(path)

    assert check(path) == (False, "the About sheet has the row signature more than once")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (1, 1.0),
        (Decimal("3.260"), 3.26),
        (Decimal("0.1") + Decimal("0.2"), 0.30000000000000004),
        (date(2026, 3, 14), datetime(2026, 3, 14)),
        (datetime(2026, 3, 14, 9, 30, 5), datetime(2026, 3, 14, 9, 30, 5, 4_000)),
        ("e\u0301", "\u00e9"),
        ("a\r\nb", "a\nb"),
        (None, ""),
    ],
)
def test_values_a_reader_cannot_tell_apart_are_the_same(one: Any, other: Any) -> None:
    assert signing.canonical_cell(one) == signing.canonical_cell(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [(1, "1"), (1, True), (3.26, 3.2600001), (date(2026, 3, 14), 46095), (" a", "a")],
)
def test_values_that_differ_stay_different(one: Any, other: Any) -> None:
    assert signing.canonical_cell(one) != signing.canonical_cell(other)


def test_a_key_file_gives_back_its_post_and_key() -> None:
    text = signing.public_key_text("PK-KHI", PUBLIC)

    key = signing.read_public_key_text("\ufeff" + text.replace("\n", "\r\n"), "PK-KHI.pub")

    assert (key.post_code, key.public_key) == ("PK-KHI", PUBLIC)
    assert f"fingerprint: {key.fingerprint}" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: "hello", "not an INL Desktop post key file"),
        (lambda text: text.replace("PK-KHI\n", "Karachi\n"), "KARACHI is not a post code"),
        (lambda text: text.replace("public_key: ", "public_key: x"), "missing or damaged"),
        (
            lambda text: text.replace("fingerprint: ", "fingerprint: 0"),
            "does not match the key",
        ),
    ],
    ids=["not-a-key-file", "post", "key", "fingerprint"],
)
def test_a_damaged_key_file_is_refused(change: Any, message: str) -> None:
    text = change(signing.public_key_text("PK-KHI", PUBLIC))

    with pytest.raises(signing.BadKeyFile, match=message):
        signing.read_public_key_text(text, "PK-KHI.pub")


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_resave(source: Path, folder: Path) -> Path:
    """The workbook opened and saved as xlsx by LibreOffice (headless)."""
    folder.mkdir()
    assert SOFFICE is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / source.name


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_libreoffice_resave_verifies_and_an_edit_in_it_fails(tmp_path: Path) -> None:
    path = write_signed(
        tmp_path / "isb.xlsx",
        [seizure_row(), seizure_row(quantity=Decimal("1234567.125"), arrests_nationals=None)],
    )

    resaved = libreoffice_resave(path, tmp_path / "libreoffice")

    assert resaved.read_bytes() != path.read_bytes()
    assert check(resaved)[0]
    book = load_workbook(resaved)
    sheet = book[fmt.SEIZURES]
    sheet.cell(3, column(sheet, "quantity")).value = 1234567.25
    book.save(resaved)
    assert check(resaved) == (False, f"sheet {fmt.SEIZURES}")
