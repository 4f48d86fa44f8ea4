"""Opening a database: new files reach the current schema, models and migrations agree,
a newer schema is refused untouched, an older one is backed up before it is migrated."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from inl_desktop import paths
from inl_desktop.store import migrate
from inl_desktop.store.migrate import (
    SCHEMA_HEAD,
    NewerSchema,
    alembic_config,
    backup_database,
    backups_dir,
    known_revisions,
    open_database,
)
from inl_desktop.store.models import Base

OPENED_AT = datetime(2026, 6, 15, 9, 30, 5, tzinfo=UTC)


def opened_at() -> datetime:
    """The clock handed to open_database: always the same instant."""
    return OPENED_AT


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    """Engines a test opens itself, disposed at the end."""
    opened: list[Engine] = []
    yield opened
    for engine in opened:
        engine.dispose()


def sqlite_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of a query on a plain sqlite3 connection, closed afterwards."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def table_names(path: Path) -> set[str]:
    """Names of the tables in an SQLite file."""
    query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return {row[0] for row in sqlite_rows(path, query)}


def schema_revision(path: Path) -> str:
    """The alembic_version of an SQLite file."""
    return str(sqlite_rows(path, "SELECT version_num FROM alembic_version")[0][0])


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table of the app's schema that the file has (an older one has fewer)."""
    present = table_names(path)
    return {
        name: int(sqlite_rows(path, f"SELECT count(*) FROM {name}")[0][0])
        for name in Base.metadata.tables
        if name in present
    }


@pytest.mark.parametrize("existing", [False, True], ids=["missing-file", "empty-file"])
def test_a_new_database_gets_every_table_at_the_newest_revision(
    tmp_path: Path, engines: list[Engine], existing: bool
) -> None:
    path = tmp_path / "post.sqlite"
    if existing:
        path.touch()

    engines.append(open_database(path, now=opened_at))

    assert set(Base.metadata.tables) | {"alembic_version"} <= table_names(path)
    assert schema_revision(path) == SCHEMA_HEAD


def test_schema_head_is_the_newest_migration_file() -> None:
    script = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    carried = sorted(revision.revision for revision in script.walk_revisions())

    assert known_revisions() == carried
    assert SCHEMA_HEAD == known_revisions()[-1] == script.get_current_head()


def sqlite_managed_tables(path: Path) -> set[str]:
    """Virtual tables (full-text search) and the shadow tables SQLite keeps for them."""
    virtual = {
        str(row[0])
        for row in sqlite_rows(
            path, "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
        )
    }
    return {name for name in table_names(path) if any(name.startswith(v) for v in virtual)}


def test_models_and_migrations_describe_the_same_schema(template_db: Path) -> None:
    not_modelled = sqlite_managed_tables(template_db)

    def include_name(name: str | None, kind: str, _parents: object) -> bool:
        return not (kind == "table" and name in not_modelled)

    engine = migrate.make_engine(template_db)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "target_metadata": Base.metadata,
                    "include_name": include_name,
                },
            )
            assert compare_metadata(context, Base.metadata) == []
            # The same check through the app's own Alembic environment (db/env.py).
            config = alembic_config()
            config.attributes["connection"] = connection  # type: ignore[attr-defined]
            command.check(config)  # type: ignore[arg-type]
    finally:
        engine.dispose()


@pytest.fixture
def newer_schema_file(tmp_path: Path, template_db: Path) -> Path:
    """A copy of a post database stamped with a schema this version does not know."""
    path = backup_database(template_db, tmp_path / "from-the-future.sqlite")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    return path


def test_a_database_from_a_newer_version_is_refused_and_left_alone(
    newer_schema_file: Path,
) -> None:
    before_bytes = newer_schema_file.read_bytes()
    before_mtime = newer_schema_file.stat().st_mtime_ns

    with pytest.raises(NewerSchema, match="newer version") as refused:
        open_database(newer_schema_file, now=opened_at)

    assert "9999" in str(refused.value)
    assert newer_schema_file.read_bytes() == before_bytes
    assert newer_schema_file.stat().st_mtime_ns == before_mtime
    assert not backups_dir(newer_schema_file).exists()


def test_backup_is_a_readable_copy_with_the_same_rows(db_path: Path, tmp_path: Path) -> None:
    original = row_counts(db_path)
    assert original["reference_items"] > 0 and original["post_identity"] == 1

    copy = backup_database(db_path, tmp_path / "copies" / "copy.sqlite")

    assert copy == tmp_path / "copies" / "copy.sqlite"
    assert row_counts(copy) == original
    assert schema_revision(copy) == schema_revision(db_path)
    assert sqlite_rows(copy, "PRAGMA integrity_check") == [("ok",)]


def test_backup_while_in_use_holds_only_committed_rows(db_path: Path, tmp_path: Path) -> None:
    engine = open_database(db_path, now=opened_at)
    insert = (
        "INSERT INTO reference_items (list_name, code, label, attributes, position, retired) "
        "VALUES ('agencies', ?, 'x', '{}', 0, 0)"
    )
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(insert, ("COMMITTED",))
        with engine.connect() as connection:
            transaction = connection.begin()
            connection.exec_driver_sql(insert, ("UNCOMMITTED",))
            copy = backup_database(db_path, tmp_path / "while-in-use.sqlite")
            transaction.rollback()
    finally:
        engine.dispose()

    codes = {row[0] for row in sqlite_rows(copy, "SELECT code FROM reference_items")}
    assert "COMMITTED" in codes
    assert "UNCOMMITTED" not in codes


def build_database_at(path: Path, revision: str) -> None:
    """A post database at an older schema revision, as an earlier version left it."""
    engine = migrate.make_engine(path)
    try:
        migrate.upgrade(engine, revision)
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO post_identity (id, code, name, country, created_at) "
                "VALUES (1, 'PK-ISB', 'Islamabad', 'PK', '2025-01-01 00:00:00.000000')"
            )
            for event_id, deleted_at in ((1, None), (2, "2025-03-01 00:00:00.000000")):
                connection.exec_driver_sql(
                    "INSERT INTO seizure_events (id, uuid, post_code, revision, created_at, "
                    "created_by, updated_at, updated_by, status, deleted_at, basis, event_date, "
                    "date_precision, period_start, period_end, agency, province, place) VALUES "
                    "(?, ?, 'PK-ISB', 1, '2025-02-01 00:00:00.000000', 'clerk', "
                    "'2025-02-01 00:00:00.000000', 'clerk', 'final', ?, 'case', '2025-01-20', "
                    "'day', '2025-01-20', '2025-01-20', 'ANF', 'PK-KP', 'Torkham')",
                    (event_id, f"event-{event_id}", deleted_at),
                )
                connection.exec_driver_sql(
                    "INSERT INTO seizure_items (uuid, event_id, position, drug, quantity, unit, "
                    "kg_equivalent_mg) VALUES (?, ?, 0, 'HEROIN', '1.5', 'KG', 1500000)",
                    (f"item-{event_id}", event_id),
                )
    finally:
        engine.dispose()


def test_an_older_database_is_backed_up_then_migrated(
    tmp_path: Path, engines: list[Engine]
) -> None:
    path = tmp_path / "post.sqlite"
    build_database_at(path, known_revisions()[0])
    before = row_counts(path)

    engines.append(open_database(path, now=opened_at))

    backup = backups_dir(path) / f"post-before-schema-{SCHEMA_HEAD}-20260615T093005Z.sqlite"
    assert list(backups_dir(path).iterdir()) == [backup]
    assert schema_revision(backup) == known_revisions()[0]
    assert row_counts(backup) == before
    assert schema_revision(path) == SCHEMA_HEAD
    assert {name: n for name, n in row_counts(path).items() if name in before} == before
    assert sqlite_rows(path, "SELECT uuid, quantity, kg_equivalent_mg FROM seizure_items") == [
        ("item-1", "1.5", 1_500_000),
        ("item-2", "1.5", 1_500_000),
    ]


def test_seizures_from_before_the_upgrade_appear_in_the_list_and_search(
    tmp_path: Path, engines: list[Engine]
) -> None:
    path = tmp_path / "post.sqlite"
    build_database_at(path, "0001")

    engines.append(open_database(path, now=opened_at))

    # The list reads the items alone: each carries its event's columns, and the
    # item of the deleted event is not live.
    assert sqlite_rows(
        path,
        "SELECT uuid, event_start, agency, province, basis, status, live, quantity_value "
        "FROM seizure_items ORDER BY uuid",
    ) == [
        ("item-1", "2025-01-20", "ANF", "PK-KP", "case", "final", 1, 1.5),
        ("item-2", "2025-01-20", "ANF", "PK-KP", "case", "final", 0, 1.5),
    ]
    found = sqlite_rows(path, "SELECT rowid FROM seizure_search WHERE seizure_search MATCH 'orkh'")
    assert sorted(row[0] for row in found) == [1, 2]


def test_a_database_at_the_newest_revision_is_not_backed_up(
    db_path: Path, engines: list[Engine]
) -> None:
    engines.append(open_database(db_path, now=opened_at))

    assert not backups_dir(db_path).exists()


BROKEN_MIGRATION = '''"""a migration that fails half-way

Revision ID: {revision}
Revises: {down_revision}
"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("extra_notes", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("DELETE FROM reference_items")
    raise RuntimeError("migration broke")


def downgrade() -> None:
    op.drop_table("extra_notes")
'''


def install_broken_migration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Pretend this version of the app carries one more migration, which fails half-way.

    The app's own db/ folder is copied and the migration added to the copy, so opening
    a database goes through the backup and the upgrade for real. Returns its revision.
    """
    revision = f"{int(SCHEMA_HEAD) + 1:04d}"
    migrations = tmp_path / "app-db"
    shutil.copytree(
        paths.migrations_dir(), migrations, ignore=shutil.ignore_patterns("__pycache__")
    )
    (migrations / "versions" / f"{revision}_broken.py").write_text(
        BROKEN_MIGRATION.format(revision=revision, down_revision=SCHEMA_HEAD), encoding="utf-8"
    )
    monkeypatch.setattr(paths, "migrations_dir", lambda: migrations)
    monkeypatch.setattr(migrate, "SCHEMA_HEAD", revision)
    return revision


def test_a_failing_migration_leaves_the_database_as_it_was(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = row_counts(db_path)
    install_broken_migration(monkeypatch, tmp_path)

    with pytest.raises(RuntimeError, match="migration broke"):
        open_database(db_path, now=opened_at)

    assert schema_revision(db_path) == SCHEMA_HEAD
    assert "extra_notes" not in table_names(db_path)
    assert row_counts(db_path) == before
    # The copy taken before the attempt is still there for the user.
    assert len(list(backups_dir(db_path).iterdir())) == 1
