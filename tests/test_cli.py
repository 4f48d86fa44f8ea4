"""The ``inl-desktop`` command line: info, setup, demo, --db and its refusals.

Most tests call ``inl_desktop.cli.main`` in-process and read its output with
capsys; a few run the installed console script to check what a user at a shell
sees (exit code, one line of message, no traceback).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from inl_desktop import __version__
from inl_desktop.cli import main
from inl_desktop.store.engine import DB_ENV_VAR, DB_FILE_NAME
from inl_desktop.store.migrate import backup_database

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
COMMANDS_THAT_OPEN = {
    "info": ["info"],
    "setup": ["setup", "--post", "PK-LHE", "--country", "PK"],
    "demo": ["demo", "--seizures", "5", "--trainings", "1"],
}


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``main`` in-process; return (exit code, stdout, stderr)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def info_json(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, Any]:
    """What ``info --db DB --json`` prints, parsed."""
    code, out, _ = run_cli(capsys, "info", "--db", str(db), "--json")
    assert code == EXIT_OK
    parsed: dict[str, Any] = json.loads(out)
    return parsed


def installed_command() -> str:
    """The console script installed beside this Python."""
    found = shutil.which("inl-desktop", path=sysconfig.get_path("scripts"))
    assert found is not None, "the inl-desktop console script is not installed"
    return found


def run_installed(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script; the environment (sandboxed by conftest) is inherited."""
    env = {key: value for key, value in os.environ.items() if key != DB_ENV_VAR}
    return subprocess.run(
        [installed_command(), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


# --- databases the app must refuse --------------------------------------------


def make_directory(tmp_path: Path, _template: Path) -> Path:
    folder = tmp_path / "a-folder.sqlite"
    folder.mkdir()
    return folder


def make_text_file(tmp_path: Path, _template: Path) -> Path:
    path = tmp_path / "seizures.csv"
    path.write_text("drug,quantity,unit\nHEROIN,2.5,KG\n", encoding="utf-8")
    return path


def make_foreign_sqlite(tmp_path: Path, _template: Path) -> Path:
    path = tmp_path / "other-program.sqlite"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount TEXT)")
        connection.execute("INSERT INTO invoices (amount) VALUES ('12.50')")
    connection.close()
    return path


def make_newer_schema(tmp_path: Path, template: Path) -> Path:
    path = backup_database(template, tmp_path / "from-the-future.sqlite")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    return path


BAD_DATABASES = {
    "directory": make_directory,
    "text file": make_text_file,
    "foreign SQLite": make_foreign_sqlite,
    "newer schema": make_newer_schema,
}


def file_bytes(path: Path) -> bytes | None:
    """The file's content, or None for a folder."""
    return None if path.is_dir() else path.read_bytes()


# --- info ---------------------------------------------------------------------


def test_info_json_is_one_object_with_path_schema_post_and_counts(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    info = info_json(capsys, db_path)

    assert set(info) == {
        "db_path",
        "schema_version",
        "post",
        "counts",
        "sqlite",
        "location_warning",
        "encrypted",
        "user",
        "role",
    }
    assert info["db_path"] == str(db_path)
    assert (info["encrypted"], info["role"]) == (False, "admin")  # no users: its admin
    assert info["schema_version"]
    assert info["post"]["code"] == "PK-ISB"
    assert info["counts"] == {
        "seizure_events": 0,
        "seizure_items": 0,
        "trainings": 0,
        "persons": 0,
        "enrollments": 0,
    }


def test_info_on_a_path_not_yet_created_reports_it_without_creating_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "not-yet.sqlite"

    info = info_json(capsys, path)

    assert info["schema_version"] is None
    assert info["post"] is None
    assert set(info["counts"]) == {
        "seizure_events",
        "seizure_items",
        "trainings",
        "persons",
        "enrollments",
    }
    assert not path.exists()


def test_info_creates_no_folder_for_a_database_not_yet_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``info`` only looks: asking about a file in a missing folder must not make the folder."""
    path = tmp_path / "missing" / "folders" / "post.sqlite"

    code, out, _ = run_cli(capsys, "info", "--db", str(path))

    assert code == EXIT_OK
    assert "not created yet" in out
    assert not (tmp_path / "missing").exists()


def test_info_as_text_names_the_post(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, out, err = run_cli(capsys, "info", "--db", str(db_path))

    assert code == EXIT_OK
    assert err == ""
    assert str(db_path) in out
    assert "PK-ISB Islamabad" in out


# --- setup --------------------------------------------------------------------


def test_setup_gives_a_new_database_its_post_with_the_name_from_reference_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "lahore.sqlite"

    code, out, err = run_cli(
        capsys, "setup", "--db", str(path), "--post", "PK-LHE", "--country", "PK"
    )

    assert (code, err) == (EXIT_OK, "")
    assert "PK-LHE" in out
    assert info_json(capsys, path)["post"] == {"code": "PK-LHE", "name": "Lahore", "country": "PK"}


def test_setup_takes_an_explicit_post_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "lahore.sqlite"

    code, _, _ = run_cli(
        capsys, "setup", "--db", str(path), "--post", "PK-LHE", "--country", "PK",
        "--name", "Lahore Consulate",
    )  # fmt: skip

    assert code == EXIT_OK
    assert info_json(capsys, path)["post"]["name"] == "Lahore Consulate"


@pytest.mark.parametrize(
    ("post", "country"),
    [("XX", "PK"), ("IN-DEL", "PK"), ("PK-LHE", "ZZ")],
    ids=["malformed code", "code of another country", "unknown country"],
)
def test_setup_with_a_bad_post_fails_with_one_line_and_sets_no_post(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, post: str, country: str
) -> None:
    path = tmp_path / "post.sqlite"

    code, out, err = run_cli(
        capsys, "setup", "--db", str(path), "--post", post, "--country", country
    )

    assert code == EXIT_FAILED
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("inl-desktop: ")
    assert info_json(capsys, path)["post"] is None


# --- demo ---------------------------------------------------------------------


def test_demo_adds_exactly_the_items_and_sessions_asked_for(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "demo.sqlite"

    code, out, _ = run_cli(
        capsys, "demo", "--db", str(path), "--seizures", "300", "--trainings", "5", "--seed", "3"
    )

    assert code == EXIT_OK
    assert "300 items" in out
    counts = info_json(capsys, path)["counts"]
    assert counts["seizure_items"] == 300
    assert counts["trainings"] == 5
    assert 75 <= counts["seizure_events"] <= 300  # events of 1 to 4 items


def test_demo_on_a_new_database_sets_up_post_islamabad_by_default(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "demo.sqlite"

    code, _, _ = run_cli(capsys, "demo", "--db", str(path), "--seizures", "0", "--trainings", "0")

    assert code == EXIT_OK
    assert info_json(capsys, path)["post"]["code"] == "PK-ISB"


def test_demo_on_a_new_database_sets_up_the_post_asked_for(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "demo.sqlite"

    code, _, _ = run_cli(
        capsys, "demo", "--db", str(path), "--post", "PK-KHI", "--seizures", "0", "--trainings", "0"
    )

    assert code == EXIT_OK
    assert info_json(capsys, path)["post"] == {"code": "PK-KHI", "name": "Karachi", "country": "PK"}


def test_demo_keeps_the_post_of_a_database_already_set_up(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, _, _ = run_cli(
        capsys, "demo", "--db", str(db_path), "--post", "PK-KHI", "--seizures", "0",
        "--trainings", "0",
    )  # fmt: skip

    assert code == EXIT_OK
    assert info_json(capsys, db_path)["post"]["code"] == "PK-ISB"


def test_demo_of_a_single_seizure_item_adds_it(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """A batch without joint-agency rows (usual for a few events) must still insert."""
    code, _, _ = run_cli(
        capsys, "demo", "--db", str(db_path), "--seizures", "1", "--trainings", "0"
    )

    assert code == EXIT_OK
    assert info_json(capsys, db_path)["counts"]["seizure_items"] == 1


def test_demo_with_a_single_training_session_adds_it(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """One session has a roster or head counts, so one of the two bulk inserts is empty."""
    code, _, _ = run_cli(
        capsys, "demo", "--db", str(db_path), "--seizures", "0", "--trainings", "1"
    )

    assert code == EXIT_OK
    assert info_json(capsys, db_path)["counts"]["trainings"] == 1


def test_demo_with_few_training_sessions_adds_them(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """Three sessions make 30 persons, fewer than a roster of up to 56 draws from."""
    code, _, _ = run_cli(
        capsys, "demo", "--db", str(db_path), "--seizures", "200", "--trainings", "3"
    )

    assert code == EXIT_OK
    counts = info_json(capsys, db_path)["counts"]
    assert (counts["seizure_items"], counts["trainings"]) == (200, 3)


def test_demo_refuses_a_negative_count_before_touching_the_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "demo.sqlite"

    with pytest.raises(SystemExit) as exited:
        main(["demo", "--db", str(path), "--seizures", "-1"])

    assert exited.value.code == EXIT_USAGE
    assert "--seizures" in capsys.readouterr().err
    assert not path.exists()


# --- where the database is ------------------------------------------------------


def test_db_path_is_read_from_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "from-env.sqlite"
    monkeypatch.setenv(DB_ENV_VAR, str(path))

    code, _, _ = run_cli(capsys, "setup", "--post", "PK-PEW", "--country", "PK")

    assert code == EXIT_OK
    code, out, _ = run_cli(capsys, "info", "--json")
    assert code == EXIT_OK
    info = json.loads(out)
    assert info["db_path"] == str(path)
    assert info["post"]["code"] == "PK-PEW"


def test_db_option_wins_over_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env = tmp_path / "from-env.sqlite"
    from_option = tmp_path / "from-option.sqlite"
    monkeypatch.setenv(DB_ENV_VAR, str(from_env))

    code, _, _ = run_cli(
        capsys, "setup", "--db", str(from_option), "--post", "PK-LHE", "--country", "PK"
    )

    assert code == EXIT_OK
    assert from_option.exists()
    assert not from_env.exists()


def test_db_given_before_the_command_is_the_database_used(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``inl-desktop --db X setup ...`` is accepted, so it must not write elsewhere."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    path = tmp_path / "chosen.sqlite"

    code, _, _ = run_cli(capsys, "--db", str(path), "setup", "--post", "PK-LHE", "--country", "PK")

    assert code == EXIT_OK
    assert not list((tmp_path / "user-data").rglob(DB_FILE_NAME)), "wrote the default database"
    assert info_json(capsys, path)["post"]["code"] == "PK-LHE"


@pytest.mark.parametrize("command", COMMANDS_THAT_OPEN)
@pytest.mark.parametrize("kind", BAD_DATABASES)
def test_unusable_database_is_refused_with_one_line_and_left_alone(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    template_db: Path,
    kind: str,
    command: str,
) -> None:
    path = BAD_DATABASES[kind](tmp_path, template_db)
    before = file_bytes(path)

    code, out, err = run_cli(capsys, *COMMANDS_THAT_OPEN[command], "--db", str(path))

    assert code == EXIT_USAGE
    assert out == ""
    assert len(err.splitlines()) == 1
    assert str(path) in err
    assert "Traceback" not in err
    assert file_bytes(path) == before
    if kind == "newer schema":
        assert "newer version" in err


# --- the installed command -------------------------------------------------------


def test_version_option_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == EXIT_OK
    assert __version__ in capsys.readouterr().out


def test_installed_command_prints_its_version() -> None:
    result = run_installed("--version")

    assert result.returncode == EXIT_OK
    assert result.stdout.split() == ["inl-desktop", __version__]


def test_installed_command_prints_info_as_json(db_path: Path) -> None:
    result = run_installed("info", "--db", str(db_path), "--json")

    assert result.returncode == EXIT_OK
    info = json.loads(result.stdout)
    assert info["db_path"] == str(db_path)
    assert info["post"]["code"] == "PK-ISB"


@pytest.mark.parametrize("kind", BAD_DATABASES)
def test_installed_command_refuses_a_bad_database_without_a_traceback(
    tmp_path: Path, template_db: Path, kind: str
) -> None:
    path = BAD_DATABASES[kind](tmp_path, template_db)

    result = run_installed("info", "--db", str(path))

    assert result.returncode == EXIT_USAGE
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
