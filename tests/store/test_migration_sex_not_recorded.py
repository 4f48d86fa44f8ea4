"""Migration 0011: a post database of schema 0010, with persons, a roster and counts,
opens with every row, index and trigger it had, and takes sex 'U' (not recorded)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from inl_desktop.store import migrate
from inl_desktop.store.migrate import backups_dir, open_database
from tests.store.test_migrations import opened_at, schema_revision, sqlite_rows

STAMP = "'2025-01-01 00:00:00.000000'"
RECORD = f"'PK-ISB', 1, {STAMP}, 'clerk', {STAMP}, 'clerk', 'final'"
RECORD_COLUMNS = "post_code, revision, created_at, created_by, updated_at, updated_by, status"
# What a 0010 database holds: two persons, a roster session both completed, and a
# session recorded as counts of women and men.
OLD_ROWS = (
    "INSERT INTO post_identity (id, code, name, country, created_at) "
    f"VALUES (1, 'PK-ISB', 'Islamabad', 'PK', {STAMP})",
    f"INSERT INTO persons (id, uuid, full_name, sex, agency, national_id, name_key, "
    f"{RECORD_COLUMNS}) VALUES "
    f"(1, 'p-ayesha', 'Ayesha Khan', 'F', 'ICT_POLICE', '61101-1234567-2', 'ayesha khan', "
    f"{RECORD}), "
    f"(2, 'p-bilal', 'Bilal Ahmed', 'M', 'ANF', NULL, 'ahmed bilal', {RECORD})",
    "INSERT INTO training_sessions (id, uuid, title, venue_type, start_date, end_date, "
    f"training_status, attendance_mode, {RECORD_COLUMNS}) VALUES "
    f"(1, 's-roster', 'Prosecutions', 'IN_COUNTRY', '2025-03-02', '2025-03-06', 'completed', "
    f"'roster', {RECORD}), "
    f"(2, 's-counts', 'Women police', 'IN_COUNTRY', '2025-04-01', '2025-04-03', 'completed', "
    f"'counts', {RECORD})",
    "INSERT INTO enrollments (id, uuid, session_id, person_id, position, audience, completion) "
    "VALUES (1, 'e-1', 1, 1, 0, 'INVESTIGATOR', 'completed'), "
    "(2, 'e-2', 1, 2, 1, 'PROSECUTOR', 'completed')",
    "INSERT INTO attendance_counts (id, uuid, session_id, position, audience, sex, enrolled, "
    "completed) VALUES (1, 'c-1', 2, 0, 'POLICE_OFFICER', 'F', 12, 11), "
    "(2, 'c-2', 2, 1, 'POLICE_OFFICER', 'M', 30, 28)",
)
KEPT_TABLES = (
    "persons",
    "training_sessions",
    "enrollments",
    "attendance_counts",
    "trainee_totals",
    "trainee_people",
    "trainee_alike",
)


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    """Engines a test opens itself, disposed at the end."""
    opened: list[Engine] = []
    yield opened
    for engine in opened:
        engine.dispose()


@pytest.fixture
def old_database(tmp_path: Path) -> Path:
    """A post database left at schema 0010 by the previous version, with its records."""
    path = tmp_path / "post.sqlite"
    engine = migrate.make_engine(path)
    try:
        migrate.upgrade(engine, "0010")
        with engine.begin() as connection:
            for sql in OLD_ROWS:
                connection.exec_driver_sql(sql)
    finally:
        engine.dispose()
    return path


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables the migration rebuilds or that depend on them."""
    return {t: sqlite_rows(path, f"SELECT * FROM {t} ORDER BY 1, 2") for t in KEPT_TABLES}


def attached(path: Path) -> set[tuple[str, str, str]]:
    """(type, name, sql) of the indexes and triggers of persons and attendance_counts."""
    return {
        (str(kind), str(name), str(sql))
        for kind, name, sql in sqlite_rows(
            path,
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND tbl_name IN ('persons', 'attendance_counts') AND sql IS NOT NULL",
        )
    }


def execute(path: Path, *statements: str) -> None:
    """Run statements on a plain sqlite3 connection with foreign keys on, committed."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        with connection:
            for sql in statements:
                connection.execute(sql)
    finally:
        connection.close()


def test_a_0010_database_keeps_its_rows_indexes_and_triggers(
    old_database: Path, engines: list[Engine]
) -> None:
    before_rows = table_rows(old_database)
    before_attached = attached(old_database)
    assert len(before_attached) > 10  # the persons' indexes, search and copy triggers

    engines.append(open_database(old_database, now=opened_at))

    assert schema_revision(old_database) == migrate.SCHEMA_HEAD
    assert table_rows(old_database) == before_rows
    assert attached(old_database) == before_attached
    assert sqlite_rows(old_database, "PRAGMA foreign_key_check") == []
    assert sqlite_rows(old_database, "PRAGMA integrity_check") == [("ok",)]
    # The people directory's search still finds the persons by their old rows.
    found = "SELECT rowid FROM person_search WHERE person_search MATCH 'yesha'"
    assert sqlite_rows(old_database, found) == [(1,)]
    # The copy taken before the migration is the 0010 database as it was.
    (backup,) = backups_dir(old_database).iterdir()
    assert schema_revision(backup) == "0010"
    assert table_rows(backup) == before_rows


def test_after_the_upgrade_sex_may_be_not_recorded_and_the_triggers_follow(
    old_database: Path, engines: list[Engine]
) -> None:
    engines.append(open_database(old_database, now=opened_at))

    # Bilal's sex turns out not to be known; a new count has no sex either.
    execute(
        old_database,
        "UPDATE persons SET sex = 'U' WHERE uuid = 'p-bilal'",
        "INSERT INTO attendance_counts (uuid, session_id, position, audience, sex, enrolled, "
        "completed) VALUES ('c-3', 2, 2, 'POLICE_OFFICER', 'U', 5, 5)",
    )

    # The enrollment carries the person's sex (copy trigger), and the summary tables
    # kept by triggers count him as not recorded, no longer as a man.
    assert sqlite_rows(old_database, "SELECT uuid, person_sex FROM enrollments ORDER BY uuid") == [
        ("e-1", "F"),
        ("e-2", "U"),
    ]
    assert sqlite_rows(
        old_database,
        "SELECT audience, sex, trainings FROM trainee_totals WHERE trainings != 0 ORDER BY 1",
    ) == [("INVESTIGATOR", "F", 1), ("PROSECUTOR", "U", 1)]
    assert sqlite_rows(
        old_database, "SELECT sex, persons FROM trainee_alike WHERE persons != 0 ORDER BY 1"
    ) == [("F", 1), ("U", 1)]
    assert sqlite_rows(
        old_database, "SELECT sex, completed FROM attendance_counts ORDER BY id"
    ) == [("F", 11), ("M", 28), ("U", 5)]
    # Anything else is still refused by the database itself.
    with pytest.raises(sqlite3.IntegrityError, match="ck_persons_sex"):
        execute(old_database, "UPDATE persons SET sex = 'X' WHERE uuid = 'p-ayesha'")
    # A person who is enrolled still cannot be removed from under the enrollment.
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        execute(old_database, "DELETE FROM persons WHERE uuid = 'p-bilal'")
