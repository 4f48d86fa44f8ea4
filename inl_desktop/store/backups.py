"""The backups folder beside a database: names, listing, and rotation.

Every backup is ``<database stem>-<reason>-<UTC stamp>.sqlite`` in ``backups/``:
reasons are ``daily`` (the first start of a day), ``manual`` (Back up now),
``before-schema-NNNN``, ``before-restore``, ``before-consolidation``. Rotation keeps
everything from the last day, the newest backup of each of the last 7 days that have
one, and the newest of each of the last 4 weeks that have one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from inl_desktop.store.migrate import backup_database, backups_dir

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_ALL_WITHIN = timedelta(days=1)
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
        removed.append(backup.path)
    return removed
