"""Opening the database: one writer, a sound file, a safe folder.

In order: follow a database that was moved; take the writer lock (or open read-only
when another process has it); check the file's header and restore the latest good
backup when it is damaged; move the database out of a risky folder into the safe
default; migrate. The window and the command line open a database through the same
steps; what differs is who answers the questions on the way (``OpeningQuestions``):
the window asks the user in message boxes, a command answers by its flags, never
waiting for input.

The slow checks (``quick_check``) and the day's backup are not part of opening: the
window runs them in the background once it is shown (``backups.check_and_back_up``),
so the clerk never waits for them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from inl_desktop.domain.errors import UserError
from inl_desktop.services.context import AppContext, current_user, utc_now
from inl_desktop.services.users import (
    Credentials,
    SignedIn,
    WrongPassword,
    encrypt_database,
    finish_encryption,
    is_encrypted,
    sign_in,
    signed_in_role,
    user_names,
)
from inl_desktop.store.backups import BackupFile
from inl_desktop.store.engine import DB_FILE_NAME, default_data_dir, resolve_db_path
from inl_desktop.store.integrity import Finding, check_header
from inl_desktop.store.location import location_risk, move_database, moved_to
from inl_desktop.store.lock import DatabaseInUse, WriterLock, this_process
from inl_desktop.store.migrate import open_database

# The names a caller needs to answer the questions and to find the database, so that
# the window never reaches into the store.
__all__ = [
    "DB_FILE_NAME",
    "BackupFile",
    "Credentials",
    "DatabaseInUse",
    "Finding",
    "OpenedDatabase",
    "OpeningQuestions",
    "Purpose",
    "open_database_for",
    "resolve_db_path",
    "writer_lock",
]


class OpeningQuestions(Protocol):
    """What opening a database asks of whoever opens it."""

    def tell(self, title: str, text: str) -> None:
        """Something the user should know and acknowledge (the database was moved...)."""

    def open_read_only(self, busy: DatabaseInUse) -> bool:
        """Another process writes the database: open it read-only (True) or stop?"""

    def restore_damaged(self, path: Path, finding: Finding, backup: BackupFile) -> bool:
        """The database is damaged: restore ``backup``, the latest good one (True), or stop?"""

    def no_good_backup(self, path: Path, finding: Finding) -> None:
        """The database is damaged and no backup can replace it: opening stops."""

    def move_to_safe_folder(self, path: Path, risk: str, safe: Path) -> bool:
        """The folder is risky (``risk`` says why): move the database to ``safe`` (True)?"""

    def sign_in(self, path: Path, names: list[str], failures: int) -> Credentials | None:
        """The database is encrypted: who signs in, of ``names`` (None: stop)?
        ``failures`` is the number of wrong passwords given so far."""

    def first_admin(self, path: Path) -> Credentials | None:
        """The database has no users and is not encrypted: the first admin, with whom
        to encrypt it now (None: leave it as it is)."""

    def keep_recovery_key(self, path: Path, recovery_key: str) -> None:
        """The database was just encrypted: show the recovery key, once."""


@dataclass(frozen=True)
class Purpose:
    """Who opens the database and what for.

    ``program`` names the writer in the lock file, for the message another instance
    shows. ``write``: take the writer lock (a command that only reads leaves it to
    whoever writes). ``safeguards``: follow a move, check the header, offer the safe
    folder; a command works on exactly the file it is given and leaves these to
    ``inl-desktop check``, ``restore`` and the window.
    """

    program: str
    create: bool = True
    write: bool = True
    safeguards: bool = True
    safe_path: Path | None = None


@dataclass
class OpenedDatabase:
    """An open database, and the lock that makes this process its writer.

    ``signed_in`` is who unlocked an encrypted database (None for a plain one).
    """

    ctx: AppContext
    path: Path
    lock: WriterLock | None
    read_only: bool = False
    notices: list[str] = field(default_factory=list)
    signed_in: SignedIn | None = None

    def close(self) -> None:
        """Close the connections, then let the next instance write."""
        self.ctx.engine.dispose()
        if self.lock is not None:
            self.lock.release()


def open_database_for(
    path: Path,
    purpose: Purpose,
    questions: OpeningQuestions,
    now: Callable[[], datetime] = utc_now,
) -> OpenedDatabase | None:
    """Open the database for ``purpose``, asking ``questions`` when something is wrong.

    None when the answers said to stop. UserError for a database that cannot be opened.
    """
    if purpose.safeguards:
        moved = moved_to(path)
        if moved is not None:
            questions.tell("The database was moved", f"The database was moved to\n{moved}")
            path = moved
    signed_in = None
    if is_encrypted(path):
        signed_in = _signed_in(path, questions)
        if signed_in is None:
            return None
    if not purpose.write:
        engine = open_database(path, now=now, create=purpose.create)
        return OpenedDatabase(_context(engine, signed_in, now), path, None, signed_in=signed_in)
    lock = WriterLock(path, this_process(purpose.program, current_user(), now()))
    try:
        if _can_hold_a_lock(path):
            lock.acquire()
    except DatabaseInUse as busy:
        if not questions.open_read_only(busy):
            return None
        engine = open_database(path, now=now, read_only=True)
        ctx = _context(engine, signed_in, now)
        return OpenedDatabase(ctx, path, None, read_only=True, signed_in=signed_in)
    try:
        opened = _open_as_writer(path, lock, purpose, questions, now)
        if opened is not None:
            opened.signed_in = signed_in
            opened.ctx = _context(opened.ctx.engine, signed_in, now)
            if signed_in is not None:
                # The writer, under its lock, finishes an encryption cut short.
                finish_encryption(opened.path)
            if signed_in is None and purpose.safeguards:
                _protected_if_asked(opened, questions, now)
        return opened
    except BaseException:
        lock.release()
        raise


@contextlib.contextmanager
def writer_lock(
    path: Path, program: str, now: Callable[[], datetime] = utc_now
) -> Iterator[WriterLock]:
    """Hold the writer lock of ``path`` without opening it (to replace the file, say).

    DatabaseInUse when another process has it.
    """
    lock = WriterLock(path, this_process(program, current_user(), now()))
    if _can_hold_a_lock(path):
        lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


def _signed_in(path: Path, questions: OpeningQuestions) -> SignedIn | None:
    """Ask for credentials until they unlock the database, or the answer is to stop."""
    names = user_names(path)
    failures = 0
    while True:
        credentials = questions.sign_in(path, names, failures)
        if credentials is None:
            return None
        try:
            return sign_in(path, credentials)
        except WrongPassword:
            failures += 1


def _context(engine: Engine, signed_in: SignedIn | None, now: Callable[[], datetime]) -> AppContext:
    """The context of an open database: its signed-in user and their role, or for a plain
    database the operating-system user as its admin."""
    if signed_in is None:
        return AppContext(engine, now=now)
    try:
        name, role = signed_in_role(engine, signed_in.name)
    except BaseException:
        engine.dispose()
        raise
    return AppContext(engine, user=name, now=now, role=role)


def _protected_if_asked(
    opened: OpenedDatabase, questions: OpeningQuestions, now: Callable[[], datetime]
) -> None:
    """A plain database: ask for its first admin and, given one, encrypt it in place."""
    admin = questions.first_admin(opened.path)
    if admin is None:
        return
    opened.ctx.engine.dispose()
    recovery_key = encrypt_database(opened.path, admin, now)
    opened.signed_in = sign_in(opened.path, admin)
    engine = open_database(opened.path, now=now)
    opened.ctx = _context(engine, opened.signed_in, now)
    questions.keep_recovery_key(opened.path, recovery_key)
    opened.notices.append(f"The database is encrypted; {opened.ctx.user} is its admin")


def _can_hold_a_lock(path: Path) -> bool:
    # A path that cannot hold a database gets its clear refusal from open_database,
    # not a lock file's error.
    return path.parent.is_dir() and not path.is_dir()


def _open_as_writer(
    path: Path,
    lock: WriterLock,
    purpose: Purpose,
    questions: OpeningQuestions,
    now: Callable[[], datetime],
) -> OpenedDatabase | None:
    notices: list[str] = []
    if purpose.safeguards and path.is_file():
        if not _restored_if_damaged(path, questions, now, notices):
            lock.release()
            return None
        safe = purpose.safe_path or default_data_dir() / DB_FILE_NAME
        moved = _moved_if_risky(path, safe, questions, now)
        if moved is not None:
            lock.release()
            lock = WriterLock(moved, lock.owner)
            lock.acquire()
            path = moved
            notices.append(f"The database now lives in {moved}")
    engine = open_database(path, now=now, create=purpose.create)
    return OpenedDatabase(AppContext(engine, now=now), path, lock, notices=notices)


def _restored_if_damaged(
    path: Path, questions: OpeningQuestions, now: Callable[[], datetime], notices: list[str]
) -> bool:
    """False when the database is damaged and stays so (the answers said to stop)."""
    finding = check_header(path)
    if finding.sound:
        return True
    # Only a damaged database needs the backups; a sound one opens without loading them.
    from inl_desktop.services.backups import latest_good_backup, restore_database

    backup = latest_good_backup(path)
    if backup is None:
        questions.no_good_backup(path, finding)
        return False
    if not questions.restore_damaged(path, finding, backup):
        return False
    result = restore_database(path, backup.path, now())
    notices.append(
        f"Restored the backup of {backup.made_at.astimezone():%d %B %Y %H:%M}; "
        f"the damaged file is kept as {result.set_aside}"
    )
    return True


def _moved_if_risky(
    path: Path, safe: Path, questions: OpeningQuestions, now: Callable[[], datetime]
) -> Path | None:
    """Where the database went when it was in a risky folder and the answer was to move it."""
    risk = location_risk(path)
    if not risk or path == safe or not questions.move_to_safe_folder(path, risk, safe):
        return None
    try:
        move_database(path, safe, now())
    except UserError as error:
        questions.tell("The database was not moved", str(error))
        return None
    return safe
