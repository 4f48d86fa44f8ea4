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
        Credentials,
        DatabaseInUse,
        Finding,
        OpenedDatabase,
    )

    # What ``add_subparsers`` returns: the list of commands a command's parser joins.
    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Commands that write the database hold its writer lock while they run.
WRITE_COMMANDS = {
    "setup",
    "export",
    "consolidate",
    "demo",
    "import",
    "restore",
    "key",
    "hq",
    "users",
}


def db_option() -> argparse.ArgumentParser:
    """The ``--db`` option, a parent of every command that works on a database."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,  # keep a --db given before the command
        help="database file (default: $INL_DESKTOP_DB, else the per-user data folder)",
    )
    common.add_argument(
        "--user",
        metavar="NAME",
        default=argparse.SUPPRESS,  # keep a --user given before the command
        help="who signs in to an encrypted database (the password is asked, or read "
        "from the file named by $INL_DESKTOP_PASSWORD_FILE)",
    )
    return common


PASSWORD_FILE_ENV = "INL_DESKTOP_PASSWORD_FILE"
# The password of protected workbooks (full exports), for export and consolidate.
WORKBOOK_PASSWORD_FILE_ENV = "INL_DESKTOP_WORKBOOK_PASSWORD_FILE"


def workbook_password(files: list[Path]) -> str | None:
    """The password of the protected workbooks among ``files`` (None when there are none):
    from the file named by ``$INL_DESKTOP_WORKBOOK_PASSWORD_FILE``, else typed."""
    from inl_desktop.exchange.protection import is_protected

    if not any(is_protected(path) for path in files):
        return None
    return read_password("The workbook password", WORKBOOK_PASSWORD_FILE_ENV)


def user_of(args: argparse.Namespace) -> str | None:
    """The ``--user`` given, before or after the command."""
    user: str | None = getattr(args, "user", None)
    return user


def read_password(prompt: str, env: str = PASSWORD_FILE_ENV) -> str:
    """A password from the file named by ``$env`` (its first line), else typed at a
    prompt; UserError when there is neither (a script without the file)."""
    import os

    named = os.environ.get(env)
    if named:
        try:
            with open(named, encoding="utf-8") as handle:
                return handle.readline().rstrip("\r\n")
        except OSError as error:
            raise UserError(
                f"${env} names {named}, which cannot be read: {error.strerror}"
            ) from None
    if not sys.stdin.isatty():
        raise SignInNeeded(f"{prompt} is needed: type it at a terminal, or name a file in ${env}")
    import getpass

    return getpass.getpass(f"{prompt}: ")


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

    def __init__(self, user: str | None = None, password: str | None = None) -> None:
        self.user = user
        self.password = password

    def move_to_safe_folder(self, path: Path, risk: str, safe: Path) -> bool:
        """No: the database stays where the command was told it is."""
        return False

    def sign_in(self, path: Path, names: list[str], failures: int) -> Credentials | None:
        """``--user`` with its password, once: a wrong one stops the command."""
        from inl_desktop.services.opening import Credentials
        from inl_desktop.services.users import WrongPassword

        if self.user is None:
            raise SignInNeeded(
                f"Database {path} is encrypted: give --user NAME (the password is asked, "
                f"or read from ${PASSWORD_FILE_ENV})"
            )
        if failures:
            raise WrongPassword(f"Wrong user name or password for {self.user}")
        if self.password is None:
            self.password = read_password(f"Password of {self.user}")
        return Credentials(self.user, self.password)

    def first_admin(self, path: Path) -> Credentials | None:
        """None: a command works on the file as it is ('inl-desktop users add' encrypts
        it)."""
        return None

    def keep_recovery_key(self, path: Path, recovery_key: str) -> None:
        """A command never encrypts while opening (see ``first_admin``)."""


def credentials_for(path: Path, user: str | None) -> Credentials:
    """``--user`` and its password, for a command that works on the file of an encrypted
    database without opening it (backup, restore)."""
    credentials = CommandAnswers(user).sign_in(path, [], 0)
    assert credentials is not None
    return credentials


class SignInNeeded(UserError):
    """An encrypted database was given without ``--user``."""


@contextlib.contextmanager
def opened(
    db: str | None,
    command: str,
    *,
    create: bool = True,
    user: str | None = None,
    password: str | None = None,
) -> Iterator[OpenedDatabase]:
    """The database of ``--db`` for ``command``, under its writer lock if the command
    writes; closed (and the lock released) when the command is done."""
    from inl_desktop.services.context import utc_now
    from inl_desktop.services.opening import Purpose, open_database_for, resolve_db_path

    purpose = Purpose(
        f"inl-desktop {command}", create=create, write=command in WRITE_COMMANDS, safeguards=False
    )
    database = open_database_for(
        resolve_db_path(db), purpose, CommandAnswers(user, password), utc_now
    )
    # CommandAnswers raises, with its reason, wherever opening could stop.
    assert database is not None
    try:
        yield database
    finally:
        database.close()
