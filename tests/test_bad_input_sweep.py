"""Hostile and odd input, table-driven: stored exactly, or refused naming the field.

Three channels, as a user meets them: what is typed into a form field (parsed by the
field's definition, checked, saved by the service, read back, exported), what is
given to the command line, and whole files given to consolidation. Never a crash,
never a partial write.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from protected_workbooks import WORKBOOK_PASSWORD, readable_copy

from inl_desktop.cli import main
from inl_desktop.domain.drafts import PersonDraft, SeizureDraft, SeizureItemDraft
from inl_desktop.domain.errors import ValidationFailed
from inl_desktop.domain.fields import PERSON, SEIZURE_EVENT, SEIZURE_ITEM, RecordDef
from inl_desktop.services.consolidate import consolidate
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.persons import load_person, save_person
from inl_desktop.services.seizures import load_seizure, save_seizure
from inl_desktop.services.setup import set_up_post
from inl_desktop.store.migrate import backup_database, open_database
from tests.conftest import Clock
from tests.services.service_builders import all_counts, ayesha
from tests.signing_helpers import register_posts, sign_again

STORED = None


@dataclass(frozen=True)
class Typed:
    """Text typed into one field, and what must come of it."""

    record: str
    field: str
    text: str
    refusal: str | None = STORED  # part of the message naming the field, or STORED
    value: object = "as typed"  # the value read back, when it is not the text itself


FORM_CASES = {
    "formula-like text": Typed("seizure", "place", '=HYPERLINK("http://x.example","Torkham")'),
    "plus-formula text": Typed("seizure", "source_reference", "+cmd|' /C calc'!A0"),
    "at-sign text": Typed("seizure", "remarks", "@SUM(A1:A9) reported by ANF"),
    "right-to-left text": Typed("seizure", "place", "طورخم، ضلع خیبر"),
    "mixed direction text": Typed("seizure", "remarks", "Truck \u202eelcihev\u202c from Kabul"),
    "emoji text": Typed("seizure", "place", "🚚 Torkham 🇵🇰"),
    "line breaks in remarks": Typed("seizure", "remarks", "first line\nsecond line\r\nthird"),
    "a NUL character": Typed("seizure", "place", "Tor\x00kham", "Place contains an invisible"),
    "a bell character": Typed("seizure", "remarks", "ring\x07", "Remarks contains an invisible"),
    "40,000-character remarks": Typed(
        "seizure", "remarks", "x" * 40_000, "Remarks is 40000 characters long"
    ),
    "20-digit ID with leading zeros": Typed("seizure", "source_reference", "00000000000000000012"),
    "20 digits as a CNIC": Typed(
        "person", "national_id", "00000000000000000012", "National ID '00000000000000000012'"
    ),
    "CNIC with leading zeros": Typed("person", "national_id", "00101-0034567-1"),
    "CNIC with dashes": Typed("person", "national_id", "61101-1234567-2"),
    "quantity 1e20": Typed("item", "quantity", "1e20", "Quantity must not be more than"),
    "quantity -1": Typed("item", "quantity", "-1", "Quantity must be greater than 0"),
    "quantity NaN": Typed("item", "quantity", "NaN", "Quantity must be a finite number"),
    "quantity Infinity": Typed("item", "quantity", "Infinity", "Quantity must be a finite number"),
    "quantity 1,5": Typed("item", "quantity", "1,5", "Quantity must be a number"),
    "quantity 1,500 grouped": Typed("item", "quantity", "1,500", value=Decimal(1500)),
    "quantity in Arabic-Indic digits": Typed("item", "quantity", "١٢٥", value=Decimal(125)),
    "quantity with 7 decimals": Typed("item", "quantity", "0.0000001", "more than 6 decimal"),
    "quantity as words": Typed("item", "quantity", "five kilos", "Quantity must be a number"),
    "arrests 2.5": Typed("seizure", "arrests_nationals", "2.5", "must be a whole number"),
    "arrests with 23 digits": Typed(
        "seizure", "arrests_nationals", "99999999999999999999999", "must not be more than"
    ),
    "date before 1900": Typed("seizure", "event_date", "1899-12-31", "is before 1900"),
    "the first of 1900": Typed("seizure", "event_date", "1900-01-01", value=date(1900, 1, 1)),
    "date in the future": Typed("seizure", "event_date", "2999-01-01", "is in the future"),
    "day-first date": Typed("seizure", "event_date", "31/12/2019", "must be a date (YYYY-MM-DD)"),
    "impossible date": Typed("seizure", "event_date", "2019-02-30", "must be a date"),
    "unknown agency code": Typed("seizure", "agency", "NOT_AN_AGENCY", "Seizing agency"),
}


def parse(record: str, field: str, text: str) -> object:
    definition: RecordDef = {"seizure": SEIZURE_EVENT, "item": SEIZURE_ITEM, "person": PERSON}[
        record
    ]
    return definition[field].parse(text)


def seizure_with(field: str, value: object) -> SeizureDraft:
    draft = SeizureDraft(
        basis="case",
        event_date=date(2026, 3, 14),
        agency="ANF",
        province="PK-KP",
        place="Torkham",
        status="final",
        items=[SeizureItemDraft(drug="HEROIN", quantity=Decimal("1.5"), unit="KG")],
    )
    if field == "quantity":
        draft.items[0].quantity = value  # type: ignore[assignment]
    else:
        setattr(draft, field, value)
    return draft


def exported_cell(ctx: AppContext, folder: Path, sheet: str, key: str) -> object:
    request = ExportRequest(folder / "round-trip.xlsx", profile="full", password=WORKBOOK_PASSWORD)
    out = readable_copy(export_workbook(ctx, request).file)
    book = load_workbook(out, read_only=True)
    try:
        rows = list(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()
    return rows[1][list(rows[0]).index(key)]


@pytest.mark.parametrize("case", FORM_CASES.values(), ids=FORM_CASES.keys())
def test_typed_input_is_stored_exactly_or_refused_naming_the_field(
    case: Typed, ctx: AppContext, tmp_path: Path
) -> None:
    before = all_counts(ctx)
    try:
        value = parse(case.record, case.field, case.text)
        if case.record == "person":
            draft: SeizureDraft | PersonDraft = ayesha(**{case.field: value})
            uuid = save_person(ctx, copy.deepcopy(draft)).uuid  # type: ignore[arg-type]
            stored = getattr(load_person(ctx, uuid), case.field)
        else:
            uuid = save_seizure(ctx, seizure_with(case.field, value)).uuid
            back = load_seizure(ctx, uuid)
            stored = (
                back.items[0].quantity if case.field == "quantity" else getattr(back, case.field)
            )
    except (ValueError, ValidationFailed) as refused:
        assert case.refusal is not None, f"refused: {refused}"
        assert case.refusal in str(refused)
        assert all_counts(ctx) == before
        return
    assert case.refusal is None, f"stored {stored!r}; expected a refusal"
    expected = case.text if case.value == "as typed" else case.value
    assert stored == expected
    if case.record == "seizure" and case.field in ("place", "remarks", "source_reference"):
        assert exported_cell(ctx, tmp_path, "Seizures", case.field) == expected
    if case.field == "event_date":
        assert exported_cell(ctx, tmp_path, "Seizures", "event_date").date() == expected  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Command:
    """Arguments given to ``inl-desktop`` and the exit code and message expected."""

    args: tuple[str, ...]
    code: int
    message: str


CLI_CASES = {
    "negative count": Command(("demo", "--seizures", "-5"), 2, "is negative"),
    "count as a float": Command(("demo", "--seizures", "1e3"), 2, "is not a whole number"),
    "month 13": Command(("export", "--out", "{tmp}/x.xlsx", "--period", "2019-13"), 2, "2019-13"),
    "fiscal year of 5 digits": Command(("report", "--period", "FY20200"), 2, "FY20200"),
    "post code with a space": Command(
        ("setup", "--post", "pk isb", "--country", "PK"), 1, "PK-ISB"
    ),
    "restore a missing file": Command(("restore", "{tmp}/none.sqlite"), 1, "does not exist"),
    "backup into a folder": Command(("backup", "--out", "{tmp}"), 1, "is a folder"),
    "a text file as database": Command(("info", "--db", "{tmp}/notes.txt"), 2, "not an SQLite"),
}


@pytest.mark.parametrize("case", CLI_CASES.values(), ids=CLI_CASES.keys())
def test_odd_command_lines_get_one_line_and_an_exit_code(
    case: Command, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("shopping list\n" * 20, encoding="utf-8")
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in case.args]
    if "--db" not in args:
        args += ["--db", str(db_path)]
    before = db_path.read_bytes()

    code = exit_code(args)
    err = capsys.readouterr().err

    assert code == case.code
    assert case.message in err and "Traceback" not in err
    assert db_path.read_bytes() == before


def exit_code(args: list[str]) -> int:
    """What the process would exit with (argparse refusals exit from inside main)."""
    try:
        return main(args)
    except SystemExit as refused:
        return int(refused.code or 0)


@pytest.fixture
def hq(tmp_path: Path, template_db: Path, clock: Clock) -> AppContext:
    path = backup_database(template_db, tmp_path / "hq.sqlite")
    ctx = AppContext(open_database(path, now=clock), user="hq", now=clock)
    set_up_post(ctx, "PK-HQ", "PK", "Headquarters")
    return ctx


@pytest.fixture
def lahore_workbook(tmp_path: Path, template_db: Path, clock: Clock, hq: AppContext) -> Path:
    """An exchange workbook of PK-LHE with two one-item seizures (HQ holds its key)."""
    path = backup_database(template_db, tmp_path / "lahore.sqlite")
    post = AppContext(open_database(path, now=clock), user="clerk", now=clock)
    set_up_post(post, "PK-LHE", "PK")
    register_posts(hq, post)
    for place in ("Wagah", "Lahore airport"):
        save_seizure(post, seizure_with("place", place))
    out = export_workbook(post, ExportRequest(tmp_path / "lahore.xlsx")).file
    post.engine.dispose()
    return out


def text_renamed(path: Path, _source: Path) -> Path:
    path.write_text("name,quantity\nheroin,5\n", encoding="utf-8")
    return path


def entity_declared(path: Path, source: Path) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY boom "boom">]>' + data.split(b"?>", 1)[-1]
            new.writestr(info, data)
    return path


def empty_workbook(path: Path, _source: Path) -> Path:
    Workbook().save(path)
    return path


def truncated_zip(path: Path, source: Path) -> Path:
    path.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    return path


HOSTILE_FILES: dict[str, Callable[[Path, Path], Path]] = {
    "a text file renamed .xlsx": text_renamed,
    "an entity declaration (XML bomb)": entity_declared,
    "an empty workbook": empty_workbook,
    "a workbook cut in half": truncated_zip,
}


@pytest.mark.parametrize("make", HOSTILE_FILES.values(), ids=HOSTILE_FILES.keys())
def test_a_hostile_workbook_is_refused_whole(
    make: Callable[[Path, Path], Path], hq: AppContext, lahore_workbook: Path, tmp_path: Path
) -> None:
    before = all_counts(hq)

    result = consolidate(hq, [make(tmp_path / "hostile.xlsx", lahore_workbook)])

    (file_result,) = result.files
    assert file_result.error, "the file was not refused"
    assert all_counts(hq) == before


WRONG_TYPES = {"date": "last Tuesday", "number": "a lot", "text": 3.25}


def test_wrong_types_in_every_column_refuse_the_workbook_and_name_the_columns(
    hq: AppContext, lahore_workbook: Path, tmp_path: Path
) -> None:
    book = load_workbook(lahore_workbook)
    sheet = book["Seizures"]
    header = [cell.value for cell in sheet[1]]
    for column, cell in enumerate(sheet[2]):
        if header[column] in ("uuid", "event_uuid", "item_uuid", "post_code"):
            continue
        if isinstance(cell.value, date):
            cell.value = WRONG_TYPES["date"]
        elif isinstance(cell.value, int | float):
            cell.value = WRONG_TYPES["number"]
        else:
            cell.value = WRONG_TYPES["text"]
    hostile = tmp_path / "wrong-types.xlsx"
    book.save(hostile)
    sign_again(hostile, tmp_path / "lahore.sqlite")  # as if Lahore had sent them

    before = all_counts(hq)

    result = consolidate(hq, [hostile])

    (file_result,) = result.files
    assert file_result.error is None and not file_result.merged
    problems = [str(problem) for problem in file_result.rejected]
    assert problems and all(problem.startswith("Seizures row 2") for problem in problems)
    assert any("column event_date" in problem for problem in problems)
    assert any("column quantity" in problem for problem in problems)
    # A workbook is one unit: the sound seizure on row 3 waits for the fixed file too.
    assert all_counts(hq) == before
