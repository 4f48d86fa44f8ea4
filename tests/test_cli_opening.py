"""How a command opens its database: exactly the file it names, never waiting for an
answer, and its writer lock given back when it ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from inl_desktop.cli import main
from inl_desktop.store.lock import WriterLock, this_process
from inl_desktop.store.migrate import backup_database

EXIT_OK = 0


def test_a_command_works_on_a_database_in_a_cloud_folder_where_it_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, template_db: Path
) -> None:
    synced = backup_database(template_db, tmp_path / "OneDrive - State" / "post.sqlite")

    code = main(["demo", "--db", str(synced), "--seizures", "3", "--trainings", "0"])

    assert code == EXIT_OK
    assert capsys.readouterr().out.startswith("Added ")
    assert sorted(path.name for path in synced.parent.iterdir() if path.is_file()) == [
        "post.sqlite",
        "post.sqlite.lock",
    ]


def test_a_command_that_wrote_lets_the_app_take_the_database_next(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    assert main(["demo", "--db", str(db_path), "--seizures", "3", "--trainings", "0"]) == EXIT_OK

    with WriterLock(db_path, this_process("INL Desktop", "clerk")) as lock:
        assert lock.held
