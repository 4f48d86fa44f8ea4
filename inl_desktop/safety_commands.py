"""The ``backup``, ``restore`` and ``check`` commands of ``inl-desktop``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from inl_desktop.services.backups import back_up_now, backup_summaries, check, restore_database
from inl_desktop.services.context import utc_now
from inl_desktop.store.engine import DatabaseUnusable, resolve_db_path
from inl_desktop.store.migrate import open_database

EXIT_OK, EXIT_FAILED = 0, 1


def run(args: argparse.Namespace, command: str) -> int:
    """Run one of the three commands; return the exit code."""
    path = resolve_db_path(args.db)
    if command == "check":
        return _check(path, quick=args.quick, as_json=args.json)
    if not path.is_file():
        raise DatabaseUnusable(f"Database {path} does not exist")
    if command == "backup":
        if args.list:
            return _list(path, as_json=args.json)
        return _backup(path, args.out, as_json=args.json)
    return _restore(path, args.file)


def _check(path: Path, *, quick: bool, as_json: bool) -> int:
    if not path.is_file():
        raise DatabaseUnusable(f"Database {path} does not exist")
    finding = check(path, thorough=not quick)
    print(("sound: " if finding.sound else "damaged: ") + finding.message)
    if as_json:
        facts = {"db_path": str(path), "sound": finding.sound, "finding": finding.message}
        print(json.dumps(facts))
    return EXIT_OK if finding.sound else EXIT_FAILED


def _backup(path: Path, out: Path | None, *, as_json: bool) -> int:
    target = back_up_now(path, utc_now(), out)
    size = target.stat().st_size
    print(f"Backed up {path} to {target} ({size:,} bytes).")
    if as_json:
        print(json.dumps({"db_path": str(path), "backup": str(target), "size": size}))
    return EXIT_OK


def _list(path: Path, *, as_json: bool) -> int:
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


def _restore(path: Path, source: Path) -> int:
    result = restore_database(path, source, utc_now())
    open_database(path, now=utc_now).dispose()
    print(f"Restored {path} from {result.restored_from} (schema {result.schema}).")
    if result.previous_backup is not None:
        print(f"The database it replaced was backed up to {result.previous_backup}.")
    if result.set_aside is not None:
        print(f"The damaged database it replaced was kept as {result.set_aside}.", file=sys.stderr)
    return EXIT_OK
