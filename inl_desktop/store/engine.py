"""Where the database lives, and an engine with the pragmas the app relies on."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, ExceptionContext, create_engine, event

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

from inl_desktop.domain.errors import UserError
from inl_desktop.store.cipher import SQLITE_HEADER

DB_ENV_VAR = "INL_DESKTOP_DB"
DB_FILE_NAME = "inl-desktop.sqlite"
BUSY_TIMEOUT_MS = 10_000


class DatabaseUnusable(UserError):
    """The database path cannot be used (a directory, not SQLite, not writable...)."""


class StorageFailed(UserError):
    """SQLite could not do what was asked of the file; nothing of the change was kept."""


class DatabaseFull(StorageFailed):
    """The disk (or the database's size limit) is full."""


class DatabaseReadOnly(StorageFailed):
    """The database was opened read-only, or its file or folder cannot be written."""


class DatabaseBusy(StorageFailed):
    """Another program kept the database locked for longer than the busy timeout."""


class DatabaseDamaged(StorageFailed):
    """SQLite found the file damaged while reading it."""


def default_data_dir() -> Path:
    """The per-user data directory of the app (created on demand by callers)."""
    from platformdirs import user_data_path

    return user_data_path("INL Desktop", appauthor=False)


def resolve_db_path(cli_value: str | None, environ: dict[str, str] | None = None) -> Path:
    """``--db`` first, then the environment variable, then the per-user default."""
    env = os.environ if environ is None else environ
    if cli_value:
        return Path(cli_value).expanduser().absolute()
    if env.get(DB_ENV_VAR):
        return Path(env[DB_ENV_VAR]).expanduser().absolute()
    return default_data_dir() / DB_FILE_NAME


def check_db_path(path: Path, *, create_parent: bool) -> None:
    """Refuse, with one clear line, a path that cannot hold our database.

    Only reads: never creates, truncates or writes the file.
    """
    if path.is_dir():
        raise DatabaseUnusable(f"Database path {path} is a folder, not a file")
    if path.exists():
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as error:
            raise DatabaseUnusable(f"Database {path} cannot be read: {error.strerror}") from None
        if header and header != SQLITE_HEADER and not _has_key_file(path):
            raise DatabaseUnusable(
                f"Database {path} is not an SQLite database (or it is an encrypted one "
                f"whose key file {path.name}.keys is missing: put it back beside it)"
            )
        if not os.access(path, os.W_OK):
            raise DatabaseUnusable(f"Database {path} is read-only")
        if not os.access(path.parent, os.W_OK):
            raise DatabaseUnusable(
                f"Database {path} is in a read-only folder (SQLite needs to write beside it)"
            )
        return
    parent = path.parent
    if not parent.exists():
        if not create_parent:
            raise DatabaseUnusable(f"Folder {parent} does not exist")
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseUnusable(f"Folder {parent} cannot be created: {error.strerror}") from None
    if not parent.is_dir():
        raise DatabaseUnusable(f"{parent} is not a folder")
    if not os.access(parent, os.W_OK):
        raise DatabaseUnusable(f"Folder {parent} is read-only; the database cannot be created")


def _has_key_file(path: Path) -> bool:
    from inl_desktop.store.cipher import is_encrypted

    return is_encrypted(path)


# The WAL-reset bug (SQLite 3.7.0 to 3.51.2) can damage a database when one connection
# checkpoints while another commits. Fixed in 3.51.3 and in the 3.50.7 and 3.44.6 backports.
WAL_RESET_FIXED_IN = ((3, 51, 3), (3, 50, 7), (3, 44, 6))


def version_tuple(version: str) -> tuple[int, int, int]:
    """'3.40.1' -> (3, 40, 1)."""
    numbers = [int(part) for part in version.split(".")[:3]]
    numbers += [0] * (3 - len(numbers))
    return numbers[0], numbers[1], numbers[2]


def has_wal_reset_bug(version: str = sqlite3.sqlite_version) -> bool:
    """True for SQLite libraries that carry the WAL-reset corruption bug."""
    current = version_tuple(version)
    if current < (3, 7, 0):
        return False
    for fixed in WAL_RESET_FIXED_IN:
        if fixed[:2] == current[:2]:
            return current < fixed
    return current < WAL_RESET_FIXED_IN[0]


class _TakingTurns(sqlite3.Connection):
    """A connection whose commits (and the checkpoints they run) take turns.

    Each engine makes a subclass with its own ``turn`` lock, so that no two of its
    connections ever commit or checkpoint at the same time: the WAL-reset bug needs
    exactly that. Other processes only read (the writer lock lets one process write).
    """

    turn: threading.Lock

    def commit(self) -> None:
        with self.turn:
            super().commit()

    def close(self) -> None:
        with self.turn:
            super().close()


def _translate_storage_error(context: ExceptionContext) -> None:
    """Turn SQLite's expected failures into messages for the user; leave bugs alone."""
    error = context.original_exception
    if not isinstance(error, sqlite3.DatabaseError) and not _is_cipher_error(error):
        return
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    for codes, failure, message in _STORAGE_FAILURES:
        if code in codes:
            raise failure(message.format(error=error)) from error


def _is_cipher_error(error: BaseException) -> bool:
    module = sys.modules.get("sqlcipher3")
    return module is not None and isinstance(error, module.DatabaseError)


# SQLite's primary result codes of the expected failures, the exception each becomes
# and its message ({error}: SQLite's own words).
_STORAGE_FAILURES: tuple[tuple[tuple[int, ...], type[StorageFailed], str], ...] = (
    (
        (sqlite3.SQLITE_FULL,),
        DatabaseFull,
        "The disk is full: this change was not saved. Free some space and try again; "
        "everything saved before is safe",
    ),
    (
        (sqlite3.SQLITE_READONLY,),
        DatabaseReadOnly,
        "The database is open read-only: this change was not saved. "
        "Close the other INL Desktop window that has it open and start again to make changes",
    ),
    (
        (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED),
        DatabaseBusy,
        "Another program kept the database busy: this change was not saved. Try again",
    ),
    (
        (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB),
        DatabaseDamaged,
        "The database file is damaged. Close INL Desktop and start it again to restore "
        "the latest good backup, or run 'inl-desktop check'",
    ),
    (
        (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN),
        StorageFailed,
        "The database file could not be read or written ({error}); this change was "
        "not saved. Check that the disk or USB stick is still there",
    ),
)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself, so that DDL (migrations)
    # is transactional too; the sqlite3 module's own handling would commit early.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


# SQLCipher decrypts each page as it enters SQLite's page cache: a larger cache keeps a
# search's pages decrypted from one keystroke to the next (it fills only as pages are read).
CIPHER_CACHE_KIB = 64 * 1024


def _on_connect_encrypted(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    from inl_desktop.store.cipher import cipher_settings

    for pragma in cipher_settings():
        dbapi_connection.execute(pragma)
    dbapi_connection.execute(f"PRAGMA cache_size = -{CIPHER_CACHE_KIB}")


def _on_connect_read_only(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def make_engine(path: Path | str, *, echo: bool = False, read_only: bool = False) -> Engine:
    """An engine on an SQLite file with WAL, foreign keys, synchronous FULL, busy timeout.

    ``read_only`` opens the file in SQLite's read-only mode: writes fail with
    DatabaseReadOnly, and the connection never checkpoints. Where the SQLite library
    has the WAL-reset bug, the engine's connections commit one at a time. An encrypted
    database (``store.cipher``) is opened with SQLCipher and the key its user unlocked.
    """
    from inl_desktop.store.cipher import KEYRING

    key = KEYRING.key_for(Path(path))
    if key is not None:
        engine = _cipher_engine(Path(path), key, echo=echo, read_only=read_only)
        event.listen(engine, "connect", _on_connect_encrypted)
    else:
        engine = _plain_engine(Path(path), echo=echo, read_only=read_only)
    event.listen(engine, "connect", _on_connect_read_only if read_only else _on_connect)
    event.listen(engine, "handle_error", _translate_storage_error)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def _plain_engine(path: Path, *, echo: bool, read_only: bool) -> Engine:
    connect_args: dict[str, Any] = {}
    if has_wal_reset_bug():
        connect_args["factory"] = type("TakingTurns", (_TakingTurns,), {"turn": threading.Lock()})
    if read_only:
        uri = path.resolve().as_uri() + "?mode=ro"
        return create_engine(
            "sqlite://",
            echo=echo,
            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False, **connect_args),
        )
    return create_engine(f"sqlite:///{path}", echo=echo, connect_args=connect_args)


def _cipher_engine(path: Path, key: bytes, *, echo: bool, read_only: bool) -> Engine:
    """SQLAlchemy's SQLCipher dialect, given the raw key as its pass phrase (SQLCipher
    reads ``x'<hex>'`` as a raw key and derives nothing)."""
    from sqlalchemy.engine import URL
    from sqlalchemy.pool import QueuePool

    from inl_desktop.store.cipher import cipher_module

    module = cipher_module()
    target = path.resolve().as_uri() + "?mode=ro" if read_only else str(path)
    url = URL.create("sqlite+pysqlcipher", password=f"x'{key.hex()}'", database=str(path))
    return create_engine(
        url,
        echo=echo,
        module=module,
        poolclass=QueuePool,
        creator=lambda: module.connect(target, uri=read_only, check_same_thread=False),
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (one session per user action)."""
    from sqlalchemy.orm import sessionmaker  # the ORM, only once a session is needed

    return sessionmaker(engine, expire_on_commit=False)
