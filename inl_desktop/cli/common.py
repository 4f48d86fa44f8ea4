"""What every command shares: exit codes, the ``--db`` option, and opening the database.

A command opens its database through ``services.opening`` like the window does, and
answers the questions on the way itself (``CommandAnswers``): it never waits for
input, so it answers by its flags and defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from inl_desktop.domain.errors import UserError

if TYPE_CHECKING:
    from inl_desktop.services.opening import (
        BackupFile,
        DatabaseInUse,
        Finding,
        OpenedDatabase,
    )

    # What ``add_subparsers`` returns: the list of commands a command's parser joins.
    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Commands that write the database hold its writer lock while they run.
WRITE_COMMANDS = {"setup", "export", "consolidate", "demo", "import", "restore", "key", "hq"}


def db_option() -> argparse.ArgumentParser:
    """The ``--db`` option, a parent of every command that works on a database."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,  # keep a --db given before the command
        help="database file (default: $INL_DESKTOP_DB, else the per-user data folder)",
    )
    return common


def fail(message: str, code: int = EXIT_USAGE) -> int:
    """Say why the command stops, in one line on stderr; return its exit code."""
    print(f"inl-desktop: {message}", file=sys.stderr)
    return code


class CommandAnswers:
    """A command's answers to the questions of opening a database (``OpeningQuestions``).

    A command never waits for input. It works on exactly the file it is given and
    stops, with one line saying why, where a person would have been asked to choose:
    it does not fall back to reading a database another process writes, and a damaged
    database is for ``inl-desktop check`` and ``inl-desktop restore``.
    """

    def tell(self, title: str, text: str) -> None:
        """Say it on stderr, where the command's messages go."""
        print(f"inl-desktop: {title}: {text}", file=sys.stderr)

    def open_read_only(self, busy: DatabaseInUse) -> bool:
        """No: stop, naming the process that has the database."""
        raise busy

    def restore_damaged(self, path: Path, finding: Finding, backup: BackupFile) -> bool:
        """No: stop, naming the backup to restore."""
        raise UserError(
            f"Database {path} is damaged ({finding.message}); the latest good backup is "
            f"{backup.path} (inl-desktop restore FILE)"
        )

    def no_good_backup(self, path: Path, finding: Finding) -> None:
        """Stop, saying what was found."""
        raise UserError(f"Database {path} is damaged ({finding.message}); it has no good backup")

    def move_to_safe_folder(self, path: Path, risk: str, safe: Path) -> bool:
        """No: the database stays where the command was told it is."""
        return False


@contextlib.contextmanager
def opened(db: str | None, command: str, *, create: bool = True) -> Iterator[OpenedDatabase]:
    """The database of ``--db`` for ``command``, under its writer lock if the command
    writes; closed (and the lock released) when the command is done."""
    from inl_desktop.services.context import utc_now
    from inl_desktop.services.opening import Purpose, open_database_for, resolve_db_path

    purpose = Purpose(
        f"inl-desktop {command}", create=create, write=command in WRITE_COMMANDS, safeguards=False
    )
    database = open_database_for(resolve_db_path(db), purpose, CommandAnswers(), utc_now)
    # CommandAnswers raises, with its reason, wherever opening could stop.
    assert database is not None
    try:
        yield database
    finally:
        database.close()
