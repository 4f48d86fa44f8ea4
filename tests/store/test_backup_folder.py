"""The backups folder: names, a daily backup once a day, rotation of 7 daily and 4 weekly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from inl_desktop.store.backups import (
    daily_backup_due,
    list_backups,
    make_backup,
    new_backup_path,
    rotate,
)
from inl_desktop.store.migrate import backups_dir

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)


def fake_backup(db_path: Path, reason: str, made_at: datetime) -> Path:
    path = new_backup_path(db_path, reason, made_at)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_a_backup_is_a_sound_copy_named_after_its_reason_and_time(db_path: Path) -> None:
    made = make_backup(db_path, "manual", NOW)

    assert made == backups_dir(db_path) / "post-manual-20260615T093000Z.sqlite"
    (listed,) = list_backups(db_path)
    assert (listed.path, listed.made_at, listed.reason_text) == (made, NOW, "manual")
    assert listed.size == made.stat().st_size > 0
    assert not list(made.parent.glob(".*.part"))


def test_the_daily_backup_is_due_once_a_day(db_path: Path) -> None:
    assert daily_backup_due(db_path, NOW)
    make_backup(db_path, "daily", NOW)
    assert not daily_backup_due(db_path, NOW + timedelta(hours=10))
    assert daily_backup_due(db_path, NOW + timedelta(days=1))


def test_rotation_keeps_the_last_day_7_daily_and_4_weekly(db_path: Path) -> None:
    made = {}
    for days_ago in range(60):
        for hour in (8, 17):
            when = NOW - timedelta(days=days_ago, hours=NOW.hour - hour)
            made[(days_ago, hour)] = fake_backup(db_path, "daily", when)
    today_manual = fake_backup(db_path, "manual", NOW - timedelta(minutes=5))
    other_db = fake_backup(db_path.with_name("other.sqlite"), "daily", NOW - timedelta(days=90))

    removed = rotate(db_path, NOW)

    kept = {backup.path for backup in list_backups(db_path)}
    assert today_manual in kept and other_db.exists()
    assert made[(0, 8)] in kept  # everything from the last day
    for days_ago in range(1, 7):
        assert made[(days_ago, 17)] in kept and made[(days_ago, 8)] not in kept
    assert len(kept) <= 1 + 1 + 7 + 4
    assert made[(59, 17)] not in kept
    assert set(removed) == set(made.values()) - kept
