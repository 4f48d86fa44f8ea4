"""What a user at a shell sees when a file is not what it seems: ragged rows said
plainly, a contradicted date order refused in one line, unreadable files refused
without a traceback, roster columns mapped to the fields they name, ``report --json``
printing only JSON, and output piped into ``head`` ending quietly."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from importing_fixtures import write_csv

from inl_desktop.cli import main

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def import_args(db_path: Path, source: Path, kind: str, *more: str) -> list[str]:
    return ["import", str(source), "--kind", kind, "--db", str(db_path), *more]


def test_ragged_rows_are_counted_and_explained_and_the_repair_is_offered(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "table.csv"
    source.write_bytes(
        b"Year,Drug,Kilograms\n2019,Heroin,12630,15\n2019,Opium,33000\n2019,Hashish,0,12\n"
    )
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps({"kind": "seizures", "columns": {"period": "Year", "drug": "Drug",
                    "quantity": "Kilograms"}, "constants": {"unit": "KG", "agency": "ANF"}})
    )  # fmt: skip

    code, out, err = run(
        capsys, *import_args(db_path, source, "seizures", "--mapping", str(mapping), "--json")
    )

    assert code == EXIT_FAILED
    assert "2 rows have more cells than the header's 3 (usually decimal commas in a " in out
    assert "--repair-decimal-commas" in out
    assert json.loads(out.splitlines()[-1])["imported"] == 1

    code, out, err = run(
        capsys,
        *import_args(db_path, source, "seizures", "--mapping", str(mapping),
                     "--repair-decimal-commas"),
    )  # fmt: skip

    assert (code, err) == (EXIT_OK, "")
    assert "row 2: Kilograms: 12630,15 (decimal comma joined)" in out
    with sqlite3.connect(db_path) as connection:
        stored = connection.execute("SELECT quantity FROM seizure_items ORDER BY id").fetchall()
    assert stored == [("33000",), ("12630.15",), ("0.12",)]


def test_a_date_order_the_file_contradicts_ends_with_one_true_line_and_exit_two(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "monthly.csv",
        [["Date of Seizure", "LEA", "Narcotics", "Qty"],
         ["12/4/2017", "ANF", "Heroin", "2 kg"], ["12/15/2017", "ANF", "Opium", "5 kg"]],
    )  # fmt: skip

    code, _, err = run(
        capsys, *import_args(db_path, source, "seizures", "--date-order", "day-first")
    )

    assert code == EXIT_USAGE
    assert err == (
        "inl-desktop: the file's dates are month-first ('12/15/2017'); you asked for day-first\n"
    )
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM seizure_events").fetchone() == (0,)


def test_a_csv_cell_longer_than_the_reader_allows_is_refused_without_a_traceback(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "broken.csv"
    source.write_text('Date,Drug,Qty\n13/04/2019,"Heroin' + "x" * 140_000 + "\n", "utf-8")

    code, out, err = run(capsys, *import_args(db_path, source, "seizures"))

    assert code == EXIT_USAGE
    assert err.startswith("inl-desktop: broken.csv is not a readable CSV file: a cell longer")
    assert "Traceback" not in err + out


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_bytes_are_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path, seed: int
) -> None:
    source = tmp_path / "noise.csv"
    source.write_bytes(random.Random(seed).randbytes(50_000))

    code, _, err = run(capsys, *import_args(db_path, source, "seizures"))

    assert code in (EXIT_USAGE, EXIT_FAILED)
    assert "Traceback" not in err
    if code == EXIT_USAGE:
        assert err.startswith("inl-desktop: noise.csv") and err.count("\n") == 1


def test_roster_columns_named_for_enrollment_fields_fill_them(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "roster.csv",
        [["Course", "Topic", "Venue", "Start date", "End date", "Name", "Sex", "Audience",
          "vetting_status", "Certificate No", "INVEST case number"],
         ["Basic investigation", "Investigation skills", "In-country", "04/12/2017",
          "15/12/2017", "Zainab Bibi", "F", "Investigator", "approved", "C-2017-44",
          "INV-88123"]],
    )  # fmt: skip

    code, out, err = run(capsys, *import_args(db_path, source, "trainings"))

    assert (code, err) == (EXIT_OK, ""), out
    assert "vetting_status <- vetting_status" in out
    assert "status <- vetting_status" not in out.replace("vetting_status <-", "")
    with sqlite3.connect(db_path) as connection:
        assert connection.execute(
            "SELECT vetting_status, certificate_number, invest_case_number FROM enrollments"
        ).fetchall() == [("approved", "C-2017-44", "INV-88123")]


def test_report_json_prints_only_the_json_object(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "report", "--db", str(db_path), "--period", "2019", "--json")

    assert code == EXIT_OK
    assert isinstance(json.loads(out), dict)  # the whole of stdout is one JSON object


def test_output_piped_into_a_reader_that_stops_ends_without_a_traceback(
    db_path: Path, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "totals.csv",
        [["Date of Seizure", "LEA", "Narcotics", "Qty"],
         *(["Total", None, None, f"{n} kg"] for n in range(3000))],
    )  # fmt: skip
    command = [
        str(Path(sys.executable).parent / "inl-desktop"),
        *import_args(db_path, source, "seizures"),
    ]
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before a line is written, as with `| head -0`
    done = subprocess.run(command, stdout=writer, stderr=subprocess.PIPE, text=True, check=False)
    os.close(writer)

    assert "Traceback" not in done.stderr
    assert "BrokenPipeError" not in done.stderr
    assert done.returncode == EXIT_OK
