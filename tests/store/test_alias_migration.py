"""Migration 0012: a post database made before aliases existed gets the aliases of the
resource files for the codes it has, and the agency the files gained; what the users
added or changed stays theirs."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.spellings import suggest_code
from inl_desktop.store import migrate
from inl_desktop.store.migrate import open_database


def opened_at() -> datetime:
    return datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def database_before_aliases(path: Path, post: bool = True) -> None:
    """A post database at revision 0011 with a few codes, one of them the users' own."""
    engine = migrate.make_engine(path)
    try:
        migrate.upgrade(engine, "0011")
        with engine.begin() as connection:
            if post:
                connection.exec_driver_sql(
                    "INSERT INTO post_identity (id, code, name, country, created_at) "
                    "VALUES (1, 'PK-PEW', 'Peshawar', 'PK', '2025-01-01 00:00:00.000000')"
                )
            for position, (list_name, code, label) in enumerate(
                [
                    ("agencies", "ANF", "Anti-Narcotics Force"),
                    ("agencies", "FRONTIER_POLICE", "Frontier Police"),
                    ("provinces", "PK-KP", "Khyber Pakhtunkhwa"),
                    ("provinces", "PK-IS", "Islamabad (federal capital)"),
                    ("drugs", "METHAMPHETAMINE", "Methamphetamine"),
                ]
            ):
                connection.exec_driver_sql(
                    "INSERT INTO reference_items (list_name, code, label, attributes, position, "
                    "retired) VALUES (?, ?, ?, '{}', ?, 0)",
                    (list_name, code, label, position),
                )
    finally:
        engine.dispose()


def stored(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    connection = sqlite3.connect(path)
    try:
        return {
            (list_name, code): (label, aliases)
            for list_name, code, label, aliases in connection.execute(
                "SELECT list_name, code, label, aliases FROM reference_items"
            )
        }
    finally:
        connection.close()


def test_an_older_database_gets_the_aliases_of_the_resource_files(tmp_path: Path) -> None:
    path = tmp_path / "peshawar.sqlite"
    database_before_aliases(path)

    engine = open_database(path, now=opened_at)
    try:
        items = stored(path)
        ctx = AppContext(engine, user="clerk", now=opened_at)
        catalog = ctx.catalog()
    finally:
        engine.dispose()

    assert "NWFP" in items[("provinces", "PK-KP")][1].split("|")
    assert "Islamabad" in items[("provinces", "PK-IS")][1].split("|")
    assert items[("provinces", "PK-IS")][0] == "Islamabad (federal capital)"  # the users' label
    assert "Crystal meth" in items[("drugs", "METHAMPHETAMINE")][1].split("|")
    assert items[("agencies", "FRONTIER_POLICE")] == ("Frontier Police", "")
    assert items[("agencies", "EXCISE")][0].startswith("Excise, Taxation and Narcotics Control")
    assert suggest_code(catalog, "provinces", "KPK") == "PK-KP"
    assert suggest_code(catalog, "agencies", "Excise & Taxation") == "EXCISE"
    assert suggest_code(catalog, "drugs", "crystal meth") == "METHAMPHETAMINE"


def test_a_database_without_a_post_is_migrated_and_left_without_aliases(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    database_before_aliases(path, post=False)

    open_database(path, now=opened_at).dispose()

    items = stored(path)
    assert ("agencies", "EXCISE") not in items
    assert {aliases for _label, aliases in items.values()} == {""}
