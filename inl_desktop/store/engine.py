"""Where the database lives, and an engine with the pragmas the app relies on."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from inl_desktop.domain.errors import UserError

DB_ENV_VAR = "INL_DESKTOP_DB"
DB_FILE_NAME = "inl-desktop.sqlite"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


class DatabaseUnusable(UserError):
    """The database path cannot be used (a directory, not SQLite, not writable...)."""


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
        if header and header != SQLITE_HEADER:
            raise DatabaseUnusable(f"Database {path} is not an SQLite database")
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


def make_engine(path: Path | str, *, echo: bool = False) -> Engine:
    """An engine on an SQLite file with WAL, foreign keys, synchronous FULL, busy timeout."""
    engine = create_engine(f"sqlite:///{path}", echo=echo)
    event.listen(engine, "connect", _on_connect)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (one session per user action)."""
    return sessionmaker(engine, expire_on_commit=False)
