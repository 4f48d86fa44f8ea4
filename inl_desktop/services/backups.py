"""Back up, restore and check the database; what each backup holds.

Every copy is made with SQLite's backup API, never a file copy of a live
database. A restore first checks the chosen file (``quick_check`` and its schema
version), then backs the current database up (or, when it is damaged, renames it
aside with a timestamp), then writes the backup's pages into the database in one
transaction: a crash during a restore leaves the database as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.roles import Permission
from inl_desktop.services.context import AppContext
from inl_desktop.services.info import COUNT_QUERIES
from inl_desktop.store.backups import (
    BackupFile,
    daily_backup_due,
    list_backups,
    make_backup,
    make_snapshot_backup,
)
from inl_desktop.store.cipher import (
    KEYRING,
    connect,
    copy_key_file,
    database_errors,
    is_encrypted,
    keys_path,
)
from inl_desktop.store.integrity import (
    CheckAbandoned,
    Finding,
    check_database,
    check_in_use,
    set_aside,
)
from inl_desktop.store.migrate import (
    BackupFailed,
    backup_database,
    copy_pages,
    inspect_database,
    known_revisions,
    open_database,
    storage_failure,
)


class RestoreRefused(UserError):
    """The chosen file cannot be restored; the database was not touched."""


@dataclass(frozen=True)
class BackupSummary:
    """A backup with what it holds (``problem`` says why it could not be read)."""

    backup: BackupFile
    schema: str | None
    post: str | None
    counts: dict[str, int]
    problem: str | None = None


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the file restored, and where the replaced database went."""

    restored_from: Path
    previous_backup: Path | None
    set_aside: Path | None
    schema: str


def summarise(backup: BackupFile) -> BackupSummary:
    """Read a backup's schema version, post and record counts (read-only)."""
    try:
        connection = connect(backup.path, read_only=True)
        try:
            schema = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            post = connection.execute("SELECT code FROM post_identity").fetchone()
            counts = {
                name: int(connection.execute(sql).fetchone()[0] or 0)
                for name, sql in COUNT_QUERIES.items()
            }
        finally:
            connection.close()
    except (*database_errors(), UserError) as error:  # type: ignore[misc]
        return BackupSummary(backup, None, None, {}, f"cannot be read: {error}")
    return BackupSummary(
        backup, schema[0] if schema else None, post[0] if post else None, counts, None
    )


def backup_summaries(db_path: Path) -> list[BackupSummary]:
    """Every backup of the database with what it holds, newest first."""
    return [summarise(backup) for backup in list_backups(db_path)]


def back_up_now(db_path: Path, now: datetime, out: Path | None = None) -> Path:
    """A backup into the backups folder (rotated), or into ``out``."""
    if not db_path.is_file():
        raise BackupFailed(f"Database {db_path} does not exist; there is nothing to back up")
    if out is None:
        return make_backup(db_path, "manual", now)
    if out.resolve() == db_path.resolve():
        raise BackupFailed("A backup cannot replace the database itself; choose another file")
    if out.is_dir():
        raise BackupFailed(f"{out} is a folder; give a file name ending in .sqlite")
    return backup_database(db_path, out.resolve())


def daily_backup(db_path: Path, now: datetime) -> Path | None:
    """The first start of a day backs the database up; later starts do nothing."""
    if not db_path.is_file() or not daily_backup_due(db_path, now):
        return None
    return make_backup(db_path, "daily", now)


def check(db_path: Path, *, thorough: bool = True) -> Finding:
    """Is the database sound? ``integrity_check`` (or ``quick_check``) after the header."""
    return check_database(db_path, thorough=thorough)


def restorable_schema(source: Path) -> str:
    """The schema of a sound INL Desktop backup this version can open; RestoreRefused if not."""
    if not source.is_file():
        raise RestoreRefused(f"{source} does not exist")
    finding = check_database(source)
    if not finding.sound:
        raise RestoreRefused(f"{source} cannot be restored: {finding.message}")
    state = inspect_database(source)
    if state.foreign_tables or state.revision is None:
        raise RestoreRefused(f"{source} is not an INL Desktop database")
    known = known_revisions()
    if state.revision not in known:
        raise RestoreRefused(
            f"{source} was written by a newer version of INL Desktop (schema "
            f"{state.revision}; this version knows up to {known[-1]})"
        )
    return state.revision


def latest_good_backup(db_path: Path) -> BackupFile | None:
    """The newest backup that passes the checks a restore makes."""
    for backup in list_backups(db_path):
        try:
            restorable_schema(backup.path)
        except RestoreRefused:
            continue
        return backup
    return None


def restore_database(db_path: Path, source: Path, now: datetime) -> RestoreResult:
    """Replace the database with a backup (nothing may have the database open for writing)."""
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise RestoreRefused("That file is the database itself; choose a backup")
    schema = restorable_schema(source)
    previous = aside = None
    if db_path.exists():
        if check_database(db_path).sound:
            previous = make_backup(db_path, "before-restore", now)
        else:
            aside = set_aside(db_path, now)
    same_key = _same_key(source, db_path)
    if is_encrypted(source):
        copy_key_file(source, db_path)  # first: the restored pages need their key file
        _write_pages(source, db_path, same_key)
    else:
        _write_pages(source, db_path, same_key)
        keys_path(db_path).unlink(missing_ok=True)  # a plain backup makes a plain database
    return RestoreResult(source, previous, aside, schema)


def _same_key(source: Path, db_path: Path) -> bool:
    if not db_path.exists():
        return True
    try:
        return KEYRING.key_for(source) == KEYRING.key_for(db_path)
    except UserError:  # the database's own key file is gone or not unlocked
        return False


def restore_in_place(ctx: AppContext, db_path: Path, source: Path) -> RestoreResult:
    """Restore while the app has the database open: the context moves to the restored one."""
    ctx.require(Permission.RESTORE)
    ctx.engine.dispose()
    result = restore_database(db_path, source, ctx.now())
    old = ctx.engine
    ctx.use_engine(open_database(db_path, now=ctx.now))
    old.dispose()
    return result


def _write_pages(source: Path, db_path: Path, same_key: bool) -> None:
    """The backup's pages into the database file: in place when both have the same key
    (or none), else into a new file that replaces it (SQLite copies pages only between
    databases of one key)."""
    try:
        if same_key:
            copy_pages(source, db_path, "WAL", read_only_source=True)
            return
        fresh = db_path.with_name(f".{db_path.name}.{os.getpid()}.restoring")
        fresh.unlink(missing_ok=True)
        try:
            copy_pages(source, fresh, "WAL", read_only_source=True)
            for suffix in ("-wal", "-shm"):
                db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
            os.replace(fresh, db_path)
        finally:
            fresh.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                fresh.with_name(fresh.name + suffix).unlink(missing_ok=True)
    except (OSError, *database_errors()) as error:  # type: ignore[misc]
        raise RestoreRefused(
            f"The backup could not be restored: {storage_failure(error)}; "
            "the database was not changed"
        ) from None


# Up to this size quick_check runs after every start (it reads every page, about a
# second per 250 MB); a larger database gets it once a day. Both in the background;
# the header is checked before the window opens.
QUICK_CHECK_EVERY_START_BYTES = 256 * 1024 * 1024


class HousekeepingStopped(Exception):
    """The day's check or backup was abandoned (the app is closing); nothing was kept."""


@dataclass(frozen=True)
class HousekeepingResult:
    """What the check and backup made after start-up found and did.

    ``finding`` is None when no check was due; ``restore_from`` is the backup to offer
    when the check found damage (None if there is no good one); ``backup`` is the day's
    backup when one was made; ``problem`` says why it could not be made.
    """

    finding: Finding | None
    restore_from: BackupFile | None = None
    backup: Path | None = None
    problem: str | None = None

    @property
    def damaged(self) -> bool:
        """The check found the database damaged."""
        return self.finding is not None and not self.finding.sound


def check_and_back_up(
    db_path: Path,
    now: datetime,
    report: Callable[[int, str], None],
    stop: Callable[[], bool],
) -> HousekeepingResult:
    """The check, then the day's backup, for a database the app has open and writes to.

    Runs on connections of its own, reading one snapshot, so that the clerk goes on
    saving meanwhile. ``report(percent, what)`` tells progress (-1: not known);
    ``stop()`` returning True abandons the work (HousekeepingStopped), leaving no
    partial backup. A damaged database gets no backup: the newest good backup is
    offered instead.
    """
    if not db_path.is_file():
        return HousekeepingResult(None)
    small = db_path.stat().st_size <= QUICK_CHECK_EVERY_START_BYTES
    backup_due = daily_backup_due(db_path, now)
    finding = None
    if small or backup_due:
        report(-1, "Checking the database…")
        try:
            finding = check_in_use(db_path, stop)
        except CheckAbandoned:
            raise HousekeepingStopped from None
        if not finding.sound:
            report(-1, "Looking for a good backup…")
            return HousekeepingResult(finding, restore_from=latest_good_backup(db_path))
    if not backup_due:
        return HousekeepingResult(finding)

    def progress(done: int, total: int) -> None:
        if stop():
            raise HousekeepingStopped
        report(done * 100 // max(total, 1), "Making today's backup…")

    report(0, "Making today's backup…")
    try:
        made = make_snapshot_backup(db_path, "daily", now, progress)
    except BackupFailed as error:
        return HousekeepingResult(finding, problem=str(error))
    return HousekeepingResult(finding, backup=made)


def backups_folder(db_path: Path) -> Path:
    """The folder beside the database that holds its backups."""
    from inl_desktop.store.migrate import backups_dir

    return backups_dir(db_path)


def backups_kept() -> tuple[int, int]:
    """How long backups are kept: (days with one a day, weeks with one a week)."""
    from inl_desktop.store.backups import KEEP_DAILY, KEEP_WEEKLY

    return KEEP_DAILY, KEEP_WEEKLY
