"""Hostile and foreign workbooks (issue 15): each refused in one line by consolidation and
by the importer, or read if it is a legitimate workbook; never a traceback, an abort or
a change to the database.

The files are built in code (``hostile_workbooks.py``) from a workbook the export
service wrote. Those that killed the process before (calamine aborting on a declared
count, or panicking) are opened only in child processes, through the command line as a
user runs it, so that an abort fails a test instead of ending the run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_workbooks import (
    ABOUT_PART,
    LISTS_PART,
    SEIZURES_PART,
    Case,
    cases,
    exchange_workbook,
)

from inl_desktop.cli import main
from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.reader import ExchangeWorkbook, open_workbook
from inl_desktop.exchange.safety import WorkbookRefused, check_workbook_file
from inl_desktop.exchange.sources import UnreadableSource, read_source
from inl_desktop.services.consolidate import FileResult, consolidate
from inl_desktop.services.context import AppContext
from inl_desktop.services.setup import set_up_post
from inl_desktop.store.migrate import backup_database, open_database
from tests.conftest import Clock

CASES = cases()
REFUSED = {name: case for name, case in CASES.items() if case.refusal and not case.crashed}
ACCEPTED = {name: case for name, case in CASES.items() if case.refusal is None}
CRASHED = {name: case for name, case in CASES.items() if case.crashed}
IMPORT_CASES = {name: case for name, case in CASES.items() if not case.crashed}
TABLES = ("seizure_events", "seizure_items", "training_sessions", "persons", "change_log")
ISSUE_FILES = ("uniqueCount 10^11", "uniqueCount 2^64-1")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case's file, built once from one exported workbook."""
    folder = tmp_path_factory.mktemp("hostile")
    source = exchange_workbook(folder)
    sheets = check_workbook_file(source).sheets  # the parts the cases change are these
    assert (sheets[fmt.ABOUT], sheets[fmt.SEIZURES]) == (ABOUT_PART, SEIZURES_PART)
    assert sheets[fmt.LISTS] == LISTS_PART
    built = {}
    for number, (name, case) in enumerate(CASES.items()):
        built[name] = folder / f"case-{number:02d}.xlsx"
        case.build(source, built[name])
    return built


def hq_database(folder: Path, template: Path) -> Path:
    path = backup_database(template, folder / "hq.sqlite")
    ctx = AppContext(open_database(path, now=Clock()), user="hq", now=Clock())
    set_up_post(ctx, "PK-HQ", "PK", "Headquarters")
    ctx.engine.dispose()
    return path


def counts(database: Path) -> dict[str, int]:
    connection = sqlite3.connect(database)
    try:
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        connection.close()


@dataclass
class Run:
    """One consolidation of every file refused in process, and the counts around it."""

    results: dict[str, FileResult]
    before: dict[str, int]
    after: dict[str, int]


@pytest.fixture(scope="module")
def consolidated(
    files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, template_db: Path
) -> Iterator[Run]:
    database = hq_database(tmp_path_factory.mktemp("hq"), template_db)
    before = counts(database)
    ctx = AppContext(open_database(database, now=Clock()), user="hq", now=Clock())
    try:
        result = consolidate(ctx, [files[name] for name in REFUSED])
    finally:
        ctx.engine.dispose()
    by_file = {file_result.file: file_result for file_result in result.files}
    yield Run({name: by_file[files[name]] for name in REFUSED}, before, counts(database))


def one_line(text: str) -> bool:
    return "\n" not in text.strip() and "Traceback" not in text and "panicked" not in text


@pytest.mark.parametrize("name", REFUSED)
def test_consolidation_refuses_the_file_in_one_line_and_changes_nothing(
    name: str, consolidated: Run
) -> None:
    error, expected = consolidated.results[name].error, REFUSED[name].refusal
    assert error is not None and expected is not None, "the workbook was not refused"
    assert expected in error and one_line(error)
    assert consolidated.after == consolidated.before


@pytest.mark.parametrize("name", IMPORT_CASES)
def test_the_importer_refuses_the_file_in_one_line_or_reads_it(
    name: str, files: dict[str, Path]
) -> None:
    expected = IMPORT_CASES[name].refused_on_import
    if expected is None:
        assert read_source(files[name]).rows
        return
    with pytest.raises(UnreadableSource) as refused:
        read_source(files[name])
    assert expected in str(refused.value) and one_line(str(refused.value))


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_legitimate_workbook_is_read_with_its_formulas_reported(
    name: str, files: dict[str, Path]
) -> None:
    case: Case = ACCEPTED[name]
    with open_workbook(files[name]) as book:
        seizures = list(book.rows(fmt.SEIZURES))
    problems = [str(problem) for row in seizures for problem in row.problems]
    assert len(seizures) == 2
    table = read_source(files[name], sheet=fmt.SEIZURES)
    if case.formula:
        reason = "holds a formula (=1+2) where a value is expected"
        assert problems == [f"Seizures row 2, column quantity: {reason}"]
        assert list(table.formulas.values()) == ["1+2"]
    else:
        assert problems == [] and table.formulas == {}


def test_a_sheet_longer_than_its_about_sheet_says_is_refused_before_it_is_loaded(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[str] = []
    load = ExchangeWorkbook._load

    def recording(self: ExchangeWorkbook, sheet: str) -> None:
        loaded.append(sheet)
        load(self, sheet)

    monkeypatch.setattr(ExchangeWorkbook, "_load", recording)

    with pytest.raises(WorkbookRefused, match="says Seizures has 2 rows, the sheet holds 20,002"):
        open_workbook(files["20,000 rows where About says 2"])

    assert loaded == []


# -- files that crashed the reader: in child processes only ---------------------------------


def installed_command() -> str:
    found = shutil.which("inl-desktop", path=sysconfig.get_path("scripts"))
    assert found is not None, "the inl-desktop console script is not installed"
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "INL_DESKTOP_DB"}
    return subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, check=False)


def test_consolidate_refuses_each_file_that_crashed_the_reader_in_one_line(
    files: dict[str, Path], tmp_path: Path, template_db: Path
) -> None:
    database = hq_database(tmp_path, template_db)
    before = counts(database)

    paths = [str(files[name]) for name in CRASHED]

    done = run(installed_command(), "consolidate", *paths, "--into", str(database))

    refusals = [line for line in done.stdout.splitlines() if line.lstrip().startswith("refused:")]
    assert done.returncode == 1, done.stderr
    assert len(refusals) == len(CRASHED)
    for line, case in zip(refusals, CRASHED.values(), strict=True):
        assert case.refusal is not None and case.refusal in line
    output = done.stdout + done.stderr  # stderr: the progress line, rewritten in place
    assert "Traceback" not in output and "panicked" not in output
    assert counts(database) == before


@pytest.mark.parametrize("name", ISSUE_FILES)
def test_import_refuses_a_file_that_crashed_the_reader_in_one_line(
    name: str, files: dict[str, Path], db_path: Path
) -> None:
    before = counts(db_path)

    command = installed_command(), "import", str(files[name]), "--kind", "seizures"

    done = run(*command, "--db", str(db_path))

    assert done.returncode == 2
    assert done.stderr.startswith("inl-desktop: ") and one_line(done.stderr)
    assert CRASHED[name].refusal in done.stderr
    assert counts(db_path) == before


CHILD_READ = """
import sys
from pathlib import Path
from inl_desktop.exchange.sources import UnreadableSource, read_source
for path in sys.argv[1:]:
    try:
        read_source(Path(path))
        print("read")
    except UnreadableSource as refused:
        print(str(refused).replace("\\n", " "))
"""


def test_the_importer_refuses_every_file_that_crashed_the_reader(files: dict[str, Path]) -> None:
    done = run(sys.executable, "-c", CHILD_READ, *map(str, (files[n] for n in CRASHED)))

    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    for line, case in zip(lines, CRASHED.values(), strict=True):
        assert case.refusal is not None and case.refusal in line
    assert done.stderr == ""


# -- issue 15, point 9: a folder is called a folder -----------------------------------------


def test_consolidate_and_import_call_a_folder_a_folder(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "workbooks.xlsx"
    folder.mkdir()

    consolidated = main(["consolidate", str(folder), "--into", str(db_path)])
    consolidate_error = capsys.readouterr().err
    imported = main(["import", str(folder), "--kind", "seizures", "--db", str(db_path)])
    import_error = capsys.readouterr().err

    assert (consolidated, imported) == (2, 2)
    assert "workbooks.xlsx is a folder" in consolidate_error and one_line(consolidate_error)
    assert "workbooks.xlsx is a folder" in import_error and one_line(import_error)
