"""The engine's SQLite settings, and paths that cannot hold a database refused untouched."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from inl_desktop.store.engine import DatabaseUnusable, check_db_path, make_engine
from inl_desktop.store.migrate import SCHEMA_HEAD, open_database


def opened_at() -> datetime:
    """The clock handed to open_database."""
    return datetime(2026, 6, 15, 9, 30, tzinfo=UTC)


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine from make_engine on a new, migrated file."""
    open_database(tmp_path / "post.sqlite", now=opened_at).dispose()
    engine = make_engine(tmp_path / "post.sqlite")
    yield engine
    engine.dispose()


def pragma(engine: Engine, name: str) -> object:
    """The value of one PRAGMA on a connection of the engine."""
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_connections_use_wal_and_full_sync(fresh_engine: Engine) -> None:
    assert pragma(fresh_engine, "journal_mode") == "wal"
    assert pragma(fresh_engine, "synchronous") == 2  # FULL


def test_connections_wait_when_the_file_is_busy(fresh_engine: Engine) -> None:
    timeout = pragma(fresh_engine, "busy_timeout")
    assert isinstance(timeout, int) and timeout > 0


def test_foreign_keys_are_enforced(fresh_engine: Engine) -> None:
    assert pragma(fresh_engine, "foreign_keys") == 1
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), fresh_engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO seizure_items (uuid, event_id, position, drug, quantity, unit) "
            "VALUES ('orphan', 999, 0, 'HEROIN', '1', 'KG')"
        )


@pytest.fixture
def ctx_engine(db_path: Path) -> Iterator[Engine]:
    """The engine open_database hands to the app."""
    engine = open_database(db_path, now=opened_at)
    yield engine
    engine.dispose()


def test_the_app_context_engine_has_the_same_settings(ctx_engine: Engine) -> None:
    assert pragma(ctx_engine, "journal_mode") == "wal"
    assert pragma(ctx_engine, "foreign_keys") == 1
    assert pragma(ctx_engine, "synchronous") == 2


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()

    with pytest.raises(DatabaseUnusable, match="is a folder"):
        open_database(folder, now=opened_at)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "content",
    ["drug,quantity\nheroin,1.5\nopium,7900\n", "hello"],
    ids=["csv-file", "shorter-than-a-header"],
)
def test_a_file_that_is_not_sqlite_is_refused_and_unchanged(tmp_path: Path, content: str) -> None:
    path = tmp_path / "seizures.csv"
    path.write_text(content, encoding="utf-8")
    mtime = path.stat().st_mtime_ns

    with pytest.raises(DatabaseUnusable, match="not an SQLite database"):
        open_database(path, now=opened_at)

    assert path.read_text(encoding="utf-8") == content
    assert path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seizures.csv"]


def test_a_read_only_file_is_refused(db_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: every file is writable, so read-only cannot be shown")
    db_path.chmod(0o444)
    try:
        with pytest.raises(DatabaseUnusable, match="read-only"):
            open_database(db_path, now=opened_at)
    finally:
        db_path.chmod(0o644)


def test_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: every folder is writable, so read-only cannot be shown")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(DatabaseUnusable, match="read-only"):
            open_database(folder / "post.sqlite", now=opened_at)
    finally:
        folder.chmod(0o755)


def test_another_programs_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "contacts.sqlite"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        connection.execute("INSERT INTO contacts VALUES ('Ayesha', '0300-1234567')")
    connection.close()
    before = path.read_bytes()

    with pytest.raises(DatabaseUnusable, match="another program"):
        open_database(path, now=opened_at)

    assert path.read_bytes() == before
    connection = sqlite3.connect(path)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
    finally:
        connection.close()
    assert tables == ["contacts"]


def test_a_missing_parent_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "INL Desktop" / "data" / "post.sqlite"

    engine = open_database(path, now=opened_at)
    try:
        with engine.connect() as connection:
            revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert revision.scalar() == SCHEMA_HEAD
    finally:
        engine.dispose()
    assert path.parent.is_dir()


def test_a_missing_parent_folder_is_refused_when_not_creating(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "post.sqlite"

    with pytest.raises(DatabaseUnusable, match="does not exist"):
        check_db_path(path, create_parent=False)
    with pytest.raises(DatabaseUnusable, match="does not exist"):
        open_database(path, now=opened_at, create=False)
    assert not path.parent.exists()


def test_a_missing_file_is_refused_when_not_creating(tmp_path: Path) -> None:
    path = tmp_path / "post.sqlite"

    with pytest.raises(DatabaseUnusable, match="does not exist"):
        open_database(path, now=opened_at, create=False)
    assert list(tmp_path.iterdir()) == []


def test_a_parent_that_is_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")

    with pytest.raises(DatabaseUnusable, match="is not a folder"):
        open_database(blocker / "post.sqlite", now=opened_at)
    assert blocker.read_text(encoding="utf-8") == "not a folder"
