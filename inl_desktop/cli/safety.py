"""``inl-desktop backup``, ``restore`` and ``check``: the database's safety net.

``check`` and ``backup`` only read the database, so they run while the app has it
open; ``restore`` replaces it and needs the writer lock.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from inl_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CommandAnswers,
    credentials_for,
    read_password,
    user_of,
)

if TYPE_CHECKING:
    from inl_desktop.cli.common import Commands
    from inl_desktop.services.users import Credentials


def add_parsers(commands: Commands, common: argparse.ArgumentParser) -> None:
    """The arguments of ``backup``, ``restore`` and ``check``."""
    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="back the database up (SQLite's backup API) into backups/ beside it, or --out",
    )
    backup.add_argument("--out", type=Path, metavar="FILE", help="write the backup to FILE")
    backup.add_argument(
        "--list", action="store_true", help="list the backups with their dates and counts"
    )
    backup.add_argument("--json", action="store_true", help="print one JSON object last")

    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a backup (checked first; the current one is kept)",
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")

    check = commands.add_parser(
        "check",
        parents=[common],
        help="is the database sound? exit 0 when it is, 1 when it is damaged",
    )
    check.add_argument(
        "--quick", action="store_true", help="quick_check instead of the full integrity_check"
    )
    check.add_argument("--json", action="store_true", help="print one JSON object last")


def run(args: argparse.Namespace, command: str) -> int:
    """Run one of the three commands; return the exit code."""
    from inl_desktop.domain.roles import Permission
    from inl_desktop.services.context import utc_now
    from inl_desktop.services.opening import writer_lock
    from inl_desktop.services.users import is_encrypted, require_at
    from inl_desktop.store.engine import DatabaseUnusable, resolve_db_path

    path = resolve_db_path(args.db)
    if not path.is_file():
        raise DatabaseUnusable(f"Database {path} does not exist")
    credentials = None
    if is_encrypted(path):
        credentials = credentials_for(path, user_of(args))
        needed = {"check": Permission.EXPORT_HQ, "backup": Permission.BACK_UP}
        require_at(path, credentials, needed.get(command, Permission.RESTORE))
    if command == "check":
        return _check(path, quick=args.quick, as_json=args.json)
    if command == "backup":
        if args.list:
            return _list(path, as_json=args.json)
        return _backup(path, args.out, as_json=args.json)
    with writer_lock(path, "inl-desktop restore", utc_now):
        return _restore(path, args.file, credentials, user_of(args))


def _check(path: Path, *, quick: bool, as_json: bool) -> int:
    from inl_desktop.services.backups import check

    finding = check(path, thorough=not quick)
    print(("sound: " if finding.sound else "damaged: ") + finding.message)
    if as_json:
        facts = {"db_path": str(path), "sound": finding.sound, "finding": finding.message}
        print(json.dumps(facts))
    return EXIT_OK if finding.sound else EXIT_FAILED


def _backup(path: Path, out: Path | None, *, as_json: bool) -> int:
    from inl_desktop.services.backups import back_up_now
    from inl_desktop.services.context import utc_now

    target = back_up_now(path, utc_now(), out)
    size = target.stat().st_size
    print(f"Backed up {path} to {target} ({size:,} bytes).")
    if as_json:
        print(json.dumps({"db_path": str(path), "backup": str(target), "size": size}))
    return EXIT_OK


def _list(path: Path, *, as_json: bool) -> int:
    from inl_desktop.services.backups import backup_summaries

    summaries = backup_summaries(path)
    if not summaries:
        print(f"No backups of {path} yet.")
    for summary in summaries:
        backup = summary.backup
        what = summary.problem or (
            f"{summary.counts['seizure_events']:,} seizures, "
            f"{summary.counts['trainings']:,} trainings, {summary.counts['persons']:,} persons"
        )
        print(
            f"{backup.made_at:%Y-%m-%d %H:%M} UTC  {backup.reason_text:<24}"
            f"{backup.size:>14,} bytes  {what}  {backup.path.name}"
        )
    if as_json:
        listing = [
            {
                "path": str(summary.backup.path),
                "made_at": summary.backup.made_at.isoformat(),
                "reason": summary.backup.reason,
                "size": summary.backup.size,
                "schema_version": summary.schema,
                "post": summary.post,
                "counts": summary.counts,
                "problem": summary.problem,
            }
            for summary in summaries
        ]
        print(json.dumps({"db_path": str(path), "backups": listing}))
    return EXIT_OK


BACKUP_PASSWORD_FILE_ENV = "INL_DESKTOP_BACKUP_PASSWORD_FILE"


def _backup_credentials(source: Path, credentials: Credentials) -> Credentials:
    """Credentials valid on the day the backup was made: those given, else the user's
    password of that day (asked, or read from $INL_DESKTOP_BACKUP_PASSWORD_FILE)."""
    from inl_desktop.services.users import Credentials, WrongPassword, backup_unlocked

    try:
        backup_unlocked(source, credentials)
        return credentials
    except WrongPassword:
        if not os.environ.get(BACKUP_PASSWORD_FILE_ENV) and not sys.stdin.isatty():
            raise
    name = credentials.name
    password = read_password(
        f"Password of {name} on the day of the backup", BACKUP_PASSWORD_FILE_ENV
    )
    older = Credentials(name, password)
    backup_unlocked(source, older)
    return older


def _restore(path: Path, source: Path, credentials: Credentials | None, user: str | None) -> int:
    from inl_desktop.services.backups import restore_database
    from inl_desktop.services.context import utc_now
    from inl_desktop.services.opening import Purpose, open_database_for
    from inl_desktop.services.users import is_encrypted

    if is_encrypted(source):
        credentials = _backup_credentials(source, credentials or credentials_for(source, user))
    result = restore_database(path, source, utc_now())
    # Opened once so that a backup of an older version is migrated now, under the lock.
    migrating = Purpose("inl-desktop restore", write=False, safeguards=False)
    answers = CommandAnswers(
        credentials.name if credentials else user, credentials.password if credentials else None
    )
    restored = open_database_for(path, migrating, answers, utc_now)
    if restored is not None:
        restored.close()
    print(f"Restored {path} from {result.restored_from} (schema {result.schema}).")
    if result.previous_backup is not None:
        print(f"The database it replaced was backed up to {result.previous_backup}.")
    if result.set_aside is not None:
        print(f"The damaged database it replaced was kept as {result.set_aside}.", file=sys.stderr)
    return EXIT_OK
