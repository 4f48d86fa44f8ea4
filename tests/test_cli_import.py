"""``inl-desktop import``: what a user at a shell sees (the suggestions used, the
rows skipped and rejected, the JSON summary) and the exit codes scripts rely on."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from importing_fixtures import SEIZURES_APRIL, write_csv
from openpyxl import load_workbook

from inl_desktop.cli import main

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
CLEAN_ROWS = [
    ["Date of Seizure", "LEA", "Narcotics", "Qty", "Province"],
    ["13/04/2019", "ANF", "Charas", "12 kg", "Khyber Pakhtunkhwa"],
    ["02/05/2019", "MoD", "Heroin", "1,500 g", "Punjab"],
    ["Total", None, None, "13.5 kg", None],
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``main`` in-process; return (exit code, stdout, stderr)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# No look-alikes, no rows left out by a where, seizures (no sessions), no errors file.
NOTHING_ELSE = {"duplicates": 0, "not_selected": 0, "sessions": None, "errors_file": None}


def summary(out: str) -> dict[str, Any]:
    """The JSON object on the last line of the output."""
    parsed: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return parsed


def stored_seizures(db_path: Path) -> list[tuple[object, ...]]:
    """(date, agency, drug, quantity, unit) of every seizure in the file."""
    with sqlite3.connect(db_path) as connection:
        return connection.execute(
            "SELECT e.event_date, e.agency, i.drug, i.quantity, i.unit FROM seizure_events e "
            "JOIN seizure_items i ON i.event_id = e.id ORDER BY e.id"
        ).fetchall()


def import_args(db_path: Path, source: Path, *more: str) -> list[str]:
    return ["import", str(source), "--kind", "seizures", "--db", str(db_path), *more]


def test_a_clean_file_imports_and_exits_zero(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "april.csv", CLEAN_ROWS)

    code, out, err = run(capsys, *import_args(db_path, source, "--json"))

    assert (code, err) == (EXIT_OK, "")
    assert summary(out) == {"imported": 2, "skipped": 1, "rejected": 0, **NOTHING_ELSE}
    assert "skipped row 4: a subtotal or total row" in out
    assert stored_seizures(db_path) == [
        ("2019-04-13", "ANF", "HASHISH", "12", "KG"),
        ("2019-05-02", "MOD", "HEROIN", "1500", "G"),
    ]


def test_without_a_mapping_the_suggestions_used_are_printed(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "april.csv", CLEAN_ROWS)

    _, out, _ = run(capsys, *import_args(db_path, source))

    assert "No mapping given; using these suggestions:" in out
    for line in (
        "event_date <- Date of Seizure",
        "agency <- LEA",
        "drug <- Narcotics",
        "quantity <- Qty",
        "province <- Province",
    ):
        assert f"  {line}\n" in out
    assert "Charas -> HASHISH" in out


def test_rejected_rows_exit_one_and_go_to_the_errors_workbook(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "april.csv", SEIZURES_APRIL, encoding="utf-8-sig")
    errors = tmp_path / "april-errors.xlsx"

    code, out, _ = run(capsys, *import_args(db_path, source, "--errors", str(errors), "--json"))

    assert code == EXIT_FAILED
    assert summary(out) == {
        "imported": 4,
        "skipped": 2,
        "rejected": 1,
        **NOTHING_ELSE,
        "errors_file": str(errors),
    }
    assert "rejected row 9, Narcotics: 'Naswar' is not in the list" in out
    sheet = load_workbook(errors)["Rejected rows"]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Naswar"]


def test_a_second_run_imports_nothing_more(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "april.csv", CLEAN_ROWS)
    run(capsys, *import_args(db_path, source))

    code, out, _ = run(capsys, *import_args(db_path, source, "--json"))

    assert code == EXIT_OK
    assert summary(out) == {"imported": 0, "skipped": 3, "rejected": 0, **NOTHING_ELSE}
    assert len(stored_seizures(db_path)) == 2


def test_a_dry_run_writes_nothing(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "april.csv", SEIZURES_APRIL)
    errors = tmp_path / "errors.xlsx"

    code, out, _ = run(
        capsys, *import_args(db_path, source, "--dry-run", "--errors", str(errors), "--json")
    )

    assert code == EXIT_FAILED  # the dry run still reports the rejected row
    assert "Dry run: 4 rows would be imported; nothing was written." in out
    assert summary(out) == {"imported": 0, "skipped": 2, "rejected": 1, **NOTHING_ELSE}
    assert stored_seizures(db_path) == []
    assert not errors.exists()


def test_an_ambiguous_file_needs_the_date_order_option(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "ambiguous.csv",
        [["Date", "Agency", "Drug", "Quantity"], ["03/04/2019", "ANF", "Heroin", "1 kg"]],
    )

    refused, _, _ = run(capsys, *import_args(db_path, source, "--dry-run"))
    code, _, _ = run(capsys, *import_args(db_path, source, "--date-order", "month-first"))

    assert (refused, code) == (EXIT_FAILED, EXIT_OK)
    assert stored_seizures(db_path) == [("2019-03-04", "ANF", "HEROIN", "1", "KG")]


def test_a_saved_mapping_is_used_on_the_next_run(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "april.csv", CLEAN_ROWS)
    profile = tmp_path / "khyber.json"
    run(capsys, *import_args(db_path, source, "--dry-run", "--save-mapping", str(profile)))

    code, out, _ = run(capsys, *import_args(db_path, source, "--mapping", str(profile), "--json"))

    assert code == EXIT_OK
    assert "No mapping given" not in out
    assert json.loads(profile.read_text(encoding="utf-8"))["columns"]["drug"] == "Narcotics"
    assert summary(out)["imported"] == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "missing.csv does not exist"),
        ("empty.csv", b"", "empty.csv is empty"),
        ("renamed.xlsx", b"Date,Drug\n13/04/2019,Heroin\n", "renamed.xlsx"),
        ("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "save it as .xlsx or .csv"),
    ],
)
def test_a_file_that_cannot_be_read_exits_two(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    tmp_path: Path,
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)

    code, _, err = run(capsys, *import_args(db_path, source, "--json"))

    assert code == EXIT_USAGE
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ('{"kind": "seizures", "columns": {"drug": ', "not JSON"),
        ('{"kind": "seizures", "colums": {}}', "unknown key 'colums'"),
        ('{"kind": "trainings"}', "maps trainings, not seizures"),
        ('{"kind": "seizures", "columns": {"drug": "Drug name"}}', "no column 'Drug name'"),
    ],
)
def test_a_bad_mapping_exits_two_and_names_the_problem(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path, profile: str, message: str
) -> None:
    source = write_csv(tmp_path / "april.csv", CLEAN_ROWS)
    mapping = tmp_path / "map.json"
    mapping.write_text(profile, encoding="utf-8")

    code, _, err = run(capsys, *import_args(db_path, source, "--mapping", str(mapping)))

    assert code == EXIT_USAGE
    assert message in err
    assert stored_seizures(db_path) == []


def test_a_file_with_dates_written_both_ways_exits_two(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "mixed.csv",
        [*CLEAN_ROWS[:3], ["04/14/2019", "ANF", "Opium", "1 kg", "Sindh"]],
    )

    code, _, err = run(capsys, *import_args(db_path, source))

    assert code == EXIT_USAGE
    assert "both day-first and month-first" in err
    assert stored_seizures(db_path) == []


def test_an_errors_file_that_is_not_xlsx_exits_two(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "april.csv", CLEAN_ROWS)

    code, _, err = run(capsys, *import_args(db_path, source, "--errors", "errors.csv"))

    assert code == EXIT_USAGE
    assert "must be an .xlsx file" in err
