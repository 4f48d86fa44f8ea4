"""Back up, restore, check: the restored file is checked first and the replaced one is kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from inl_desktop.services.backups import (
    RestoreRefused,
    back_up_now,
    backup_summaries,
    daily_backup,
    latest_good_backup,
    restore_database,
    restore_in_place,
)
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import save_seizure
from inl_desktop.store.backups import list_backups
from inl_desktop.store.integrity import check_database
from inl_desktop.store.migrate import backup_database
from tests.conftest import Clock
from tests.services.service_builders import heroin_and_tablets, scalar


def events_in(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM seizure_events").fetchone()[0])
    finally:
        connection.close()


def damage(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(b"\xa5" * 8192)


def test_a_backup_is_listed_with_its_record_counts_and_schema(
    ctx: AppContext, db_path: Path
) -> None:
    save_seizure(ctx, heroin_and_tablets())

    made = back_up_now(db_path, ctx.now())

    (summary,) = backup_summaries(db_path)
    assert summary.backup.path == made
    assert summary.counts["seizure_events"] == 1 and summary.counts["seizure_items"] == 2
    assert (summary.schema, summary.post, summary.problem) == (
        scalar(ctx, "SELECT version_num FROM alembic_version"),
        "PK-ISB",
        None,
    )


def test_the_daily_backup_is_made_once_a_day(db_path: Path, clock: Clock) -> None:
    first = daily_backup(db_path, clock())

    assert first is not None and first.name.startswith("post-daily-")
    assert daily_backup(db_path, clock()) is None
    assert len(list_backups(db_path)) == 1


def test_restoring_brings_the_backup_back_and_keeps_the_replaced_database(
    ctx: AppContext, db_path: Path
) -> None:
    save_seizure(ctx, heroin_and_tablets())
    backup = back_up_now(db_path, ctx.now())
    save_seizure(ctx, heroin_and_tablets(place="Landi Kotal"))

    result = restore_in_place(ctx, db_path, backup)

    assert scalar(ctx, "SELECT count(*) FROM seizure_events") == 1
    assert result.previous_backup is not None and events_in(result.previous_backup) == 2
    assert result.previous_backup.name.startswith("post-before-restore-")
    assert check_database(db_path, thorough=True).sound
    save_seizure(ctx, heroin_and_tablets(place="After the restore"))
    assert scalar(ctx, "SELECT count(*) FROM seizure_events") == 2


def test_a_damaged_database_is_set_aside_not_overwritten_by_a_restore(
    ctx: AppContext, db_path: Path
) -> None:
    backup = back_up_now(db_path, ctx.now())
    ctx.engine.dispose()
    damage(db_path)
    damaged_bytes = db_path.read_bytes()

    result = restore_database(db_path, backup, ctx.now())

    assert result.previous_backup is None and result.set_aside is not None
    assert result.set_aside.read_bytes() == damaged_bytes
    assert check_database(db_path).sound


def test_a_damaged_backup_is_refused_before_anything_is_touched(
    ctx: AppContext, db_path: Path
) -> None:
    save_seizure(ctx, heroin_and_tablets())
    backup = back_up_now(db_path, ctx.now())
    damage(backup)

    with pytest.raises(RestoreRefused, match=r"cannot be restored: .* is damaged"):
        restore_in_place(ctx, db_path, backup)

    assert scalar(ctx, "SELECT count(*) FROM seizure_events") == 1
    assert len(list_backups(db_path)) == 1


def test_a_backup_from_a_newer_version_is_refused(ctx: AppContext, db_path: Path) -> None:
    newer = backup_database(db_path, db_path.with_name("newer.sqlite"))
    connection = sqlite3.connect(newer)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()

    with pytest.raises(RestoreRefused, match="newer version of INL Desktop"):
        restore_database(db_path, newer, ctx.now())


def test_a_file_of_another_program_is_refused(ctx: AppContext, db_path: Path) -> None:
    other = db_path.with_name("other.sqlite")
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.close()

    with pytest.raises(RestoreRefused, match="not an INL Desktop database"):
        restore_database(db_path, other, ctx.now())
    with pytest.raises(RestoreRefused, match="the database itself"):
        restore_database(db_path, db_path, ctx.now())


def test_the_latest_good_backup_skips_a_damaged_newer_one(ctx: AppContext, db_path: Path) -> None:
    good = back_up_now(db_path, ctx.now())
    bad = back_up_now(db_path, ctx.now())
    damage(bad)

    latest = latest_good_backup(db_path)

    assert latest is not None and latest.path == good
