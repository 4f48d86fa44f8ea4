"""The backups folder beside a database: names, listing, and rotation.

Every backup is ``<database stem>-<reason>-<UTC stamp>.sqlite`` in ``backups/``:
reasons are ``daily`` (the first start of a day), ``manual`` (Back up now),
``before-schema-NNNN``, ``before-restore``, ``before-consolidation``. Rotation keeps
everything from the last day, the newest backup of each of the last 7 days that have
one, and the newest of each of the last 4 weeks that have one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from inl_desktop.store import cipher
from inl_desktop.store.engine import BUSY_TIMEOUT_MS
from inl_desktop.store.migrate import backup_database, backups_dir, write_backup

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_ALL_WITHIN = timedelta(days=1)
# Pages copied per step of a backup taken while the app works: a step is a moment of
# progress, and the point where an abandoned backup stops.
SNAPSHOT_STEP_PAGES = 2048
_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(
    r"^(?P<stem>.+?)-(?P<reason>daily|manual|before-[a-z]+(?:-\d{4})?)"
    r"-(?P<stamp>\d{8}T\d{6}Z)(?:-\d+)?\.sqlite$"
)


@dataclass(frozen=True)
class BackupFile:
    """One backup of the database: where, when, why, how big."""

    path: Path
    made_at: datetime
    reason: str
    size: int
    written_ns: int = 0

    @property
    def reason_text(self) -> str:
        """'daily', 'manual', 'before restore'..."""
        return self.reason.replace("-", " ")


def list_backups(db_path: Path) -> list[BackupFile]:
    """The backups of this database, newest first."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None or match["stem"] != db_path.stem or not path.is_file():
            continue
        made_at = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        stat = path.stat()
        found.append(BackupFile(path, made_at, match["reason"], stat.st_size, stat.st_mtime_ns))
    found.sort(key=lambda backup: (backup.made_at, backup.written_ns), reverse=True)
    return found


def new_backup_path(db_path: Path, reason: str, now: datetime) -> Path:
    """A name in the backups folder that no backup has yet."""
    stamp = now.astimezone(UTC).strftime(_STAMP)
    target = backups_dir(db_path) / f"{db_path.stem}-{reason}-{stamp}.sqlite"
    number = 1
    while target.exists():
        number += 1
        target = target.with_name(f"{db_path.stem}-{reason}-{stamp}-{number}.sqlite")
    return target


def make_backup(db_path: Path, reason: str, now: datetime) -> Path:
    """Back the database up into its backups folder, then rotate the folder."""
    target = backup_database(db_path, new_backup_path(db_path, reason, now))
    rotate(db_path, now)
    return target


def daily_backup_due(db_path: Path, now: datetime) -> bool:
    """True when no backup of the database was made today (UTC)."""
    today = now.astimezone(UTC).date()
    return all(backup.made_at.date() != today for backup in list_backups(db_path))


def backups_to_remove(backups: list[BackupFile], now: datetime) -> list[BackupFile]:
    """The backups the rotation drops (see the module's docstring)."""
    keep: set[Path] = set()
    days: dict[date, BackupFile] = {}
    weeks: dict[tuple[int, int], BackupFile] = {}
    for backup in sorted(backups, key=lambda b: b.made_at, reverse=True):
        if now - backup.made_at <= KEEP_ALL_WITHIN:
            keep.add(backup.path)
        day = backup.made_at.date()
        if day not in days and len(days) < KEEP_DAILY:
            days[day] = backup
        week = day.isocalendar()[:2]
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks[(week[0], week[1])] = backup
    keep |= {backup.path for backup in days.values()}
    keep |= {backup.path for backup in weeks.values()}
    return [backup for backup in backups if backup.path not in keep]


def rotate(db_path: Path, now: datetime) -> list[Path]:
    """Delete the backups the rotation drops; return their paths."""
    removed = []
    for backup in backups_to_remove(list_backups(db_path), now):
        backup.path.unlink(missing_ok=True)
        cipher.keys_path(backup.path).unlink(missing_ok=True)
        removed.append(backup.path)
    return removed


def write_snapshot(
    source: Path,
    target: Path,
    progress: Callable[[int, int], None] | None = None,
    *,
    step_pages: int = SNAPSHOT_STEP_PAGES,
) -> Path:
    """Copy the database as it stood when the copy began, while the app goes on writing.

    The copy reads on a read-only connection of its own inside one read transaction:
    in WAL mode that is a fixed snapshot, so commits made meanwhile neither show up in
    the copy nor make it start again, and the connection never checkpoints. It is
    written under a temporary name and renamed once complete and on disk, so an
    interrupted or abandoned copy never sits under the final name. ``progress(done,
    total)`` is called after each step (in pages); an exception it raises abandons
    the copy, removes the partial file and propagates.
    """
    with cipher.key_file_first(source, target):
        write_backup(target, lambda partial: _copy_snapshot(source, partial, progress, step_pages))
    return target


def _copy_snapshot(
    source: Path, target: Path, progress: Callable[[int, int], None] | None, step_pages: int
) -> None:
    src = cipher.connect(source, read_only=True, isolation_level=None, check_same_thread=False)
    try:
        src.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot
        dst = cipher.connect(target, key=cipher.KEYRING.key_for(source))
        try:
            src.backup(
                dst,
                pages=step_pages,
                progress=None
                if progress is None
                else lambda _status, remaining, total: progress(total - remaining, total),
            )
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        src.execute("COMMIT")
    finally:
        src.close()


def make_snapshot_backup(
    db_path: Path,
    reason: str,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """``make_backup`` for a database in use: a snapshot copy, then the rotation."""
    target = write_snapshot(db_path, new_backup_path(db_path, reason, now), progress)
    rotate(db_path, now)
    return target
