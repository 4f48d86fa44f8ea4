"""Users on the command line: ``setup --user``, ``--user`` with a password file,
``users add|list|disable|reset``, and what each role may do."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from inl_desktop.cli import main

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
RECOVERY_KEY = re.compile(r"^\s+([A-Z0-9]{4}(?:-[A-Z0-9]{4}){7})$", re.MULTILINE)


class Desk:
    """A post database made with ``setup --user Amina``, and the passwords' files."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = tmp_path
        self.db = tmp_path / "post.sqlite"
        self.monkeypatch = monkeypatch
        self.recovery_key = ""
        monkeypatch.setenv("INL_DESKTOP_DB", str(self.db))

    def password_file(self, name: str, password: str) -> Path:
        path = self.folder / f"{name}.txt"
        path.write_text(f"{password}\n", encoding="utf-8")
        return path

    def signs_in_with(self, password: str) -> None:
        self.monkeypatch.setenv(
            "INL_DESKTOP_PASSWORD_FILE", str(self.password_file("pw", password))
        )

    def new_password(self, password: str) -> None:
        path = self.password_file("new", password)
        self.monkeypatch.setenv("INL_DESKTOP_NEW_PASSWORD_FILE", str(path))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Desk:
    desk = Desk(tmp_path, monkeypatch)
    desk.signs_in_with("amina's passphrase")
    code, out, err = run(capsys, "setup", "--post", "PK-ISB", "--country", "PK", "--user", "Amina")
    assert (code, err) == (EXIT_OK, "")
    found = RECOVERY_KEY.search(out)
    assert found is not None
    desk.recovery_key = found.group(1)
    code, _, _ = run(capsys, "--user", "Amina", "demo", "--seizures", "40", "--trainings", "3")
    assert code == EXIT_OK
    return desk


def test_setup_with_a_user_makes_a_database_no_sqlite_tool_can_read(desk: Desk) -> None:
    connection = sqlite3.connect(desk.db)
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        connection.execute("SELECT count(*) FROM persons")
    connection.close()


def test_a_wrong_password_is_exit_2_with_one_line(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    desk.signs_in_with("not it")

    code, out, err = run(capsys, "--user", "Amina", "info")

    assert (code, out) == (EXIT_USAGE, "")
    assert err == "inl-desktop: Wrong user name or password for Amina\n"


def test_an_encrypted_database_without_user_says_how_to_sign_in(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "info")

    assert code == EXIT_USAGE and len(err.splitlines()) == 1
    assert "is encrypted: give --user NAME" in err


def test_a_clerk_exports_but_cannot_restore_or_change_reference_settings(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    desk.new_password("bilal's passphrase")
    assert run(capsys, "--user", "Amina", "users", "add", "Bilal", "--role", "clerk")[0] == EXIT_OK
    _, out, _ = run(capsys, "--user", "Amina", "backup", "--json")
    backup = json.loads(out.splitlines()[-1])["backup"]
    desk.signs_in_with("bilal's passphrase")

    exported = run(capsys, "--user", "Bilal", "export", "--out", str(desk.folder / "hq.xlsx"))
    restored = run(capsys, "--user", "Bilal", "restore", backup)
    allowed = run(capsys, "--user", "Bilal", "hq", "allow-unsigned", "PK-LHE")

    assert exported[0] == EXIT_OK
    assert restored[0] == EXIT_USAGE
    assert restored[2] == (
        "inl-desktop: Bilal is a clerk and may not restore a backup; only an admin can\n"
    )
    assert allowed[0] == EXIT_USAGE and "may not register or replace post keys" in allowed[2]


def test_users_are_listed_disabled_and_reset(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    desk.new_password("reviewer passphrase")
    run(capsys, "--user", "Amina", "users", "add", "Sana", "--role", "reviewer")
    desk.new_password("another passphrase")
    assert run(capsys, "--user", "Amina", "users", "reset", "Sana")[0] == EXIT_OK

    _, out, _ = run(capsys, "--user", "Amina", "users", "list", "--json")
    listed = json.loads(out.splitlines()[-1])["users"]
    assert listed == [
        {"name": "Amina", "role": "admin", "disabled": False},
        {"name": "Sana", "role": "reviewer", "disabled": False},
    ]
    desk.signs_in_with("another passphrase")
    assert run(capsys, "--user", "Sana", "info")[0] == EXIT_OK

    desk.signs_in_with("amina's passphrase")
    assert run(capsys, "--user", "Amina", "users", "disable", "Sana")[0] == EXIT_OK
    desk.signs_in_with("another passphrase")
    assert run(capsys, "--user", "Sana", "info")[0] == EXIT_USAGE


def test_the_recovery_key_resets_a_lost_admin_password(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = desk.password_file("recovery", desk.recovery_key)
    desk.new_password("remembered at last")

    code, out, _ = run(capsys, "users", "reset", "Amina", "--recovery-key-file", str(key_file))

    assert code == EXIT_OK and "new password" in out
    desk.signs_in_with("remembered at last")
    assert run(capsys, "--user", "Amina", "info")[0] == EXIT_OK


def test_users_add_encrypts_a_plain_database_and_shows_the_recovery_key_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = Desk(tmp_path, monkeypatch)
    code, out, _ = run(capsys, "setup", "--post", "PK-ISB", "--country", "PK")
    assert code == EXIT_OK and "is not encrypted" in out
    desk.new_password("first admin passphrase")

    code, out, _ = run(capsys, "users", "add", "Amina", "--role", "admin")

    assert code == EXIT_OK and len(RECOVERY_KEY.findall(out)) == 1
    assert run(capsys, "info")[0] == EXIT_USAGE
    desk.signs_in_with("first admin passphrase")
    assert run(capsys, "--user", "Amina", "info")[0] == EXIT_OK


def test_a_full_export_needs_its_workbook_password(
    desk: Desk, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = desk.folder / "full.xlsx"
    monkeypatch.setenv("INL_DESKTOP_WORKBOOK_PASSWORD_FILE", str(desk.password_file("wb", "x")))

    code, _, err = run(capsys, "--user", "Amina", "export", "--profile", "full", "--out", str(out))

    assert code == EXIT_FAILED and "at least 8 characters" in err and not out.exists()
    monkeypatch.setenv(
        "INL_DESKTOP_WORKBOOK_PASSWORD_FILE", str(desk.password_file("wb", "program-2026"))
    )
    code, _, _ = run(capsys, "--user", "Amina", "export", "--profile", "full", "--out", str(out))
    assert code == EXIT_OK and out.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"


def test_restore_asks_for_the_password_of_the_day_of_the_backup(
    desk: Desk, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = run(capsys, "--user", "Amina", "backup", "--json")
    backup = json.loads(out.splitlines()[-1])["backup"]
    desk.new_password("a newer passphrase")
    assert run(capsys, "--user", "Amina", "users", "reset", "Amina")[0] == EXIT_OK
    desk.signs_in_with("a newer passphrase")

    refused = run(capsys, "--user", "Amina", "restore", backup)
    day_of = desk.password_file("old", "amina's passphrase")
    monkeypatch.setenv("INL_DESKTOP_BACKUP_PASSWORD_FILE", str(day_of))
    restored = run(capsys, "--user", "Amina", "restore", backup)

    assert refused[0] == EXIT_USAGE and "the passwords of the day it was made" in refused[2]
    assert restored[0] == EXIT_OK and "Restored" in restored[1]
    # The restored database has the users and passwords of its day.
    desk.signs_in_with("amina's passphrase")
    assert run(capsys, "--user", "Amina", "info")[0] == EXIT_OK
