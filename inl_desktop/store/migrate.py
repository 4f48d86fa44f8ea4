"""Open a database for use: inspect it, refuse it, back it up, migrate it.

Alembic is imported only when a migration has to run, so a normal start-up of
an up-to-date database pays nothing for it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from inl_desktop import paths
from inl_desktop.domain.errors import UserError
from inl_desktop.store import cipher
from inl_desktop.store.engine import DatabaseUnusable, check_db_path, make_engine

# The newest migration in db/versions; a test keeps the two in step.
SCHEMA_HEAD = "0014"

_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


# Tables the models do not describe: the full-text search indexes (migrations 0002 and
# 0003) and the shadow tables SQLite keeps for them. Alembic leaves them out of its comparisons.
NOT_MODELLED_PREFIXES = ("seizure_search", "training_search", "person_search")


def include_name(name: str | None, kind: str, parent_names: object) -> bool:
    """Alembic's filter: compare every table but the search index."""
    return not (kind == "table" and name is not None and name.startswith(NOT_MODELLED_PREFIXES))


class NewerSchema(UserError):
    """The database was written by a newer version of the app."""


@dataclass(frozen=True)
class DatabaseState:
    """What a look at the file found, before anything is written to it."""

    exists: bool
    revision: str | None
    foreign_tables: bool


def known_revisions() -> list[str]:
    """Revision IDs of the migrations this version carries, oldest first."""
    versions = paths.migrations_dir() / "versions"
    found = [m.group(1) for p in versions.iterdir() if (m := _REVISION_FILE.match(p.name))]
    return sorted(found)


def inspect_database(path: Path) -> DatabaseState:
    """Read the schema revision without changing the file (read-only connection)."""
    if not path.exists() or path.stat().st_size == 0:
        return DatabaseState(exists=path.exists(), revision=None, foreign_tables=False)
    try:
        connection = cipher.connect(path, read_only=True)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            revision = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            connection.close()
    except cipher.database_errors() as error:
        raise DatabaseUnusable(f"Database {path} cannot be read: {error}") from None
    foreign = bool(tables - {"alembic_version"}) and "alembic_version" not in tables
    return DatabaseState(exists=True, revision=revision, foreign_tables=foreign)


class BackupFailed(UserError):
    """A backup could not be written (disk full, read-only folder...); nothing was replaced."""


def backup_database(source: Path, target: Path) -> Path:
    """Copy a database with SQLite's backup API (consistent even while in use).

    The copy is a single self-contained file (no WAL beside it), written under a
    temporary name and moved into place once complete, so a backup interrupted by a
    crash or a full disk never sits under the final name.
    """
    with cipher.key_file_first(source, target):
        write_backup(target, lambda partial: copy_pages(source, partial, "DELETE"))
    return target


def write_backup(target: Path, copy: Callable[[Path], None]) -> Path:
    """Have ``copy`` write a backup to a temporary file beside ``target``, then move it
    into place once complete and on disk; BackupFailed if the disk or SQLite refuse.

    Whatever happens, no partial file is left behind; an exception ``copy`` raises
    for another reason propagates.
    """
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        copy(partial)
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except (OSError, *cipher.database_errors()) as error:  # type: ignore[misc]
        reason = storage_failure(error)
        raise BackupFailed(f"The backup {target} could not be written: {reason}") from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return target


def copy_pages(
    source: Path, target: Path, journal_mode: str, *, read_only_source: bool = False
) -> None:
    """Every page of ``source`` into ``target`` with SQLite's backup API (consistent even
    while ``source`` is in use), then ``target`` set to ``journal_mode``."""
    src = cipher.connect(source, read_only=read_only_source)
    try:
        # An encrypted source is copied into a file with the same key.
        dst = cipher.connect(target, key=cipher.KEYRING.key_for(source))
        try:
            src.backup(dst)
            dst.execute(f"PRAGMA journal_mode = {journal_mode}")
        finally:
            dst.close()
    finally:
        src.close()


def storage_failure(error: BaseException) -> str:
    """Why a file could not be written, in words ("the disk is full")."""
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return "the disk is full"
        return error.strerror or str(error)
    if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:
        return "the disk is full"
    return str(error)


def backups_dir(db_path: Path) -> Path:
    """Backups live in a folder beside the database."""
    return db_path.parent / "backups"


def open_database(
    path: Path,
    *,
    now: Callable[[], datetime],
    create: bool = True,
    read_only: bool = False,
) -> Engine:
    """An engine on ``path`` at the current schema, migrating (after a backup) if needed.

    Raises DatabaseUnusable or NewerSchema with a message for the user; in that
    case the file has not been touched. ``read_only`` opens an existing database
    at the current schema without writing anything (another process is its writer).
    """
    if read_only:
        return _open_read_only(path)
    check_db_path(path, create_parent=create)
    state = inspect_database(path)
    if state.foreign_tables:
        raise DatabaseUnusable(f"Database {path} is an SQLite file of another program")
    if not state.exists and not create:
        raise DatabaseUnusable(f"Database {path} does not exist")
    known = known_revisions()
    if state.revision is not None and state.revision not in known:
        raise NewerSchema(
            f"Database {path} was written by a newer version of INL Desktop "
            f"(schema {state.revision}; this version knows up to {known[-1]}). "
            "Install the newer version to open it."
        )
    if state.revision != SCHEMA_HEAD and state.revision is not None:
        stamp = now().strftime("%Y%m%dT%H%M%SZ")
        backup_database(
            path, backups_dir(path) / f"{path.stem}-before-schema-{SCHEMA_HEAD}-{stamp}.sqlite"
        )
    engine = make_engine(path)
    if state.revision != SCHEMA_HEAD:
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine


def _open_read_only(path: Path) -> Engine:
    if not path.is_file():
        raise DatabaseUnusable(f"Database {path} does not exist")
    state = inspect_database(path)
    if state.foreign_tables or state.revision is None:
        raise DatabaseUnusable(f"Database {path} is not an INL Desktop database")
    if state.revision != SCHEMA_HEAD:
        raise DatabaseUnusable(
            f"Database {path} needs an upgrade to schema {SCHEMA_HEAD}, which cannot be "
            "done read-only; open it for writing once it is free"
        )
    return make_engine(path, read_only=True)


def alembic_config() -> object:
    """An Alembic configuration pointing at the migrations carried by the app."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(paths.migrations_dir()))
    return config


def upgrade(engine: Engine, target: str = "head") -> None:
    """Apply migrations up to ``target`` in a single transaction."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.upgrade(config, target)  # type: ignore[arg-type]
