"""``backup``, ``restore`` and ``check`` on the command line; write commands wait their turn."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from inl_desktop.cli import main
from inl_desktop.store.lock import WriterLock, this_process

EXIT_OK, EXIT_FAILED = 0, 1


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def events_in(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM seizure_events").fetchone()[0])
    finally:
        connection.close()


def test_backup_then_restore_brings_the_records_back(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, out, _ = run_cli(capsys, "backup", "--db", str(db_path), "--json")
    assert code == EXIT_OK
    backup = Path(json.loads(out.splitlines()[-1])["backup"])
    assert backup.parent == db_path.parent / "backups"
    run_cli(capsys, "demo", "--db", str(db_path), "--seizures", "10", "--trainings", "0")
    assert events_in(db_path) > 0

    code, out, _ = run_cli(capsys, "restore", "--db", str(db_path), str(backup))

    assert code == EXIT_OK
    assert events_in(db_path) == 0
    assert "The database it replaced was backed up to" in out
    code, out, _ = run_cli(capsys, "backup", "--db", str(db_path), "--list", "--json")
    listing = json.loads(out.splitlines()[-1])["backups"]
    assert [entry["reason"] for entry in listing] == ["before-restore", "manual"]
    assert listing[0]["counts"]["seizure_events"] > 0


def test_backup_out_writes_the_named_file(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "usb" / "copy.sqlite"
    out.parent.mkdir()

    code, text, _ = run_cli(capsys, "backup", "--db", str(db_path), "--out", str(out))

    assert code == EXIT_OK and f"to {out}" in text
    assert events_in(out) == events_in(db_path)


def test_check_says_sound_or_damaged_in_one_line_with_its_exit_code(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, out, _ = run_cli(capsys, "check", "--db", str(db_path))
    assert (code, out.count("\n")) == (EXIT_OK, 1)
    assert out.startswith("sound: ")

    with db_path.open("r+b") as handle:
        handle.seek(db_path.stat().st_size // 2)
        handle.write(b"\xa5" * 8192)
    code, out, _ = run_cli(capsys, "check", "--db", str(db_path))

    assert (code, out.count("\n")) == (EXIT_FAILED, 1)
    assert out.startswith("damaged: ") and "is damaged" in out


def test_restoring_a_damaged_backup_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database at all, just text" * 200)

    code, _, err = run_cli(capsys, "restore", "--db", str(db_path), str(bad))

    assert code == EXIT_FAILED
    assert err.count("\n") == 1 and "cannot be restored" in err and "Traceback" not in err


def test_write_commands_are_refused_while_the_app_has_the_database_open(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    holder = WriterLock(db_path, this_process("INL Desktop", "clerk"))
    holder.acquire()
    try:
        for args in (
            ["demo", "--seizures", "5", "--trainings", "0"],
            ["setup", "--post", "PK-ISB", "--country", "PK"],
            ["export", "--out", str(tmp_path / "out.xlsx")],
            ["restore", str(db_path)],
        ):
            code, _, err = run_cli(capsys, *args, "--db", str(db_path))
            assert code == EXIT_FAILED, args
            assert err.count("\n") == 1, err
            assert "already open for writing in INL Desktop by clerk" in err
        assert run_cli(capsys, "info", "--db", str(db_path))[0] == EXIT_OK
        assert run_cli(capsys, "check", "--db", str(db_path), "--quick")[0] == EXIT_OK
        assert run_cli(capsys, "backup", "--db", str(db_path))[0] == EXIT_OK
    finally:
        holder.release()
    assert run_cli(capsys, "demo", "--db", str(db_path), "--seizures", "5")[0] == EXIT_OK


def test_info_names_the_sqlite_library_and_its_safeguard(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, out, _ = run_cli(capsys, "info", "--db", str(db_path))
    assert code == EXIT_OK
    (line,) = [line for line in out.splitlines() if line.startswith("SQLite:")]
    assert sqlite3.sqlite_version in line

    code, out, _ = run_cli(capsys, "info", "--db", str(db_path), "--json")
    facts = json.loads(out)["sqlite"]
    assert facts["version"] == sqlite3.sqlite_version
    if facts["wal_reset_bug"]:
        assert "one at a time" in facts["safeguard"] and "one at a time" in line
