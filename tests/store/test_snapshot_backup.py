"""A backup taken while the app writes: one consistent snapshot, never a partial file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import save_seizure
from inl_desktop.store.backups import write_snapshot
from inl_desktop.store.integrity import check_database
from tests.services.service_builders import heroin_and_tablets


def uuids_in(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT uuid FROM seizure_events")}
    finally:
        connection.close()


def test_saves_during_a_backup_go_on_and_the_backup_holds_what_was_committed_before(
    ctx: AppContext, db_path: Path, tmp_path: Path
) -> None:
    before = {save_seizure(ctx, heroin_and_tablets(place=f"Before {n}")).uuid for n in range(5)}
    during: list[str] = []

    def save_between_steps(done: int, total: int) -> None:
        if done < total:
            during.append(save_seizure(ctx, heroin_and_tablets(place=f"During {done}")).uuid)

    target = tmp_path / "backup.sqlite"
    write_snapshot(db_path, target, save_between_steps, step_pages=4)

    assert len(during) >= 3, "the copy should have taken several steps"
    assert check_database(target, thorough=True).sound
    assert uuids_in(target) == before
    assert uuids_in(db_path) == before | set(during)


def test_an_abandoned_backup_leaves_no_file_behind(db_path: Path, tmp_path: Path) -> None:
    class Quit(Exception):
        pass

    def quit_after_the_first_step(done: int, total: int) -> None:
        raise Quit

    target = tmp_path / "backups" / "post-daily.sqlite"
    with pytest.raises(Quit):
        write_snapshot(db_path, target, quit_after_the_first_step, step_pages=4)

    assert list(target.parent.iterdir()) == []
