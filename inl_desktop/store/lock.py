"""One writer per database: a lock file beside it says who has it open for writing.

The lock file is a tiny SQLite database. Its owner holds SQLite's write lock on it
for as long as it works on the database, and keeps its process ID, user, host and
start time in it for others to read. The operating system drops the lock when the
owner ends, however it ends (closed, crashed, killed), so a lock left behind by a
process that is gone is stale by construction and the next instance takes it over.
SQLite's own locking is the portable file lock here (Windows, macOS, Linux).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from inl_desktop.domain.errors import UserError

_TAKE_OVER_ATTEMPTS = 5
_READ_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class LockOwner:
    """Who holds (or last held) the write lock of a database."""

    pid: int
    user: str
    host: str
    started_at: datetime
    program: str
    token: str

    def describe(self) -> str:
        """'clerk on LAPTOP-7 (process 4711, since 2026-06-15 09:30 UTC)'."""
        return (
            f"{self.user} on {self.host} (process {self.pid}, "
            f"since {self.started_at:%Y-%m-%d %H:%M} UTC)"
        )


class DatabaseInUse(UserError):
    """Another process has the database open for writing."""

    def __init__(self, db_path: Path, owner: LockOwner | None) -> None:
        self.db_path = db_path
        self.owner = owner
        by = f" in {owner.program} by {owner.describe()}" if owner else " by another program"
        super().__init__(
            f"Database {db_path} is already open for writing{by}; close it there first"
        )


def lock_path(db_path: Path) -> Path:
    """The lock file of a database: beside it, named after it."""
    return db_path.with_name(db_path.name + ".lock")


def this_process(program: str, user: str, now: datetime | None = None) -> LockOwner:
    """The owner record of the running process."""
    return LockOwner(
        pid=os.getpid(),
        user=user,
        host=socket.gethostname(),
        started_at=(now or datetime.now(UTC)).astimezone(UTC),
        program=program,
        token=uuid.uuid4().hex,
    )


class WriterLock:
    """The right to write ``db_path``; ``acquire`` raises DatabaseInUse when it is taken."""

    def __init__(self, db_path: Path, owner: LockOwner) -> None:
        self.db_path = db_path
        self.owner = owner
        self._connection: sqlite3.Connection | None = None

    @property
    def held(self) -> bool:
        """True between a successful ``acquire`` and ``release``."""
        return self._connection is not None

    def acquire(self) -> None:
        """Take the lock, or raise DatabaseInUse naming the process that has it."""
        if self._connection is not None:
            return
        connection = _connect(lock_path(self.db_path))
        try:
            for _ in range(_TAKE_OVER_ATTEMPTS):
                if not _try_write_lock(connection):
                    raise DatabaseInUse(self.db_path, _read_owner(connection))
                connection.execute(_CREATE)
                if _read_owner(connection) == self.owner:
                    self._connection = connection
                    return
                # Our record becomes readable to others only once committed; then we
                # take the lock again and check that nobody slipped in between.
                connection.execute("DELETE FROM owner")
                connection.execute(
                    "INSERT INTO owner VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        self.owner.pid,
                        self.owner.user,
                        self.owner.host,
                        self.owner.started_at.isoformat(),
                        self.owner.program,
                        self.owner.token,
                    ),
                )
                connection.execute("COMMIT")
            raise DatabaseInUse(self.db_path, _read_owner(connection))
        except BaseException:
            connection.close()
            raise

    def release(self) -> None:
        """Give the lock up (the record stays, marked stale by nobody holding it)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def current_owner(db_path: Path) -> LockOwner | None:
    """Who holds the write lock now; None when nobody does (a stale record is ignored)."""
    path = lock_path(db_path)
    if not path.exists():
        return None
    connection = _connect(path)
    try:
        if _try_write_lock(connection):
            connection.execute("ROLLBACK")
            return None
        return _read_owner(connection)
    finally:
        connection.close()


_CREATE = (
    "CREATE TABLE IF NOT EXISTS owner ("
    "pid INTEGER, user TEXT, host TEXT, started_at TEXT, program TEXT, token TEXT)"
)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as error:
        raise UserError(f"The lock file {path} cannot be opened: {error}") from None
    return connection


def _try_write_lock(connection: sqlite3.Connection) -> bool:
    connection.execute("PRAGMA busy_timeout = 0")
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return False
        raise UserError(f"The lock file beside the database cannot be used: {error}") from None
    return True


def _read_owner(connection: sqlite3.Connection) -> LockOwner | None:
    connection.execute(f"PRAGMA busy_timeout = {int(_READ_TIMEOUT_S * 1000)}")
    try:
        row = connection.execute(
            "SELECT pid, user, host, started_at, program, token FROM owner"
        ).fetchone()
    except sqlite3.OperationalError:
        return None
    if row is None:
        return None
    pid, user, host, started_at, program, token = row
    return LockOwner(int(pid), user, host, datetime.fromisoformat(started_at), program, token)
