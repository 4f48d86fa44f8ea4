"""What is in a database: where it is, its schema, its post and its record counts."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inl_desktop.store.cipher import is_encrypted
from inl_desktop.store.engine import WAL_RESET_FIXED_IN, has_wal_reset_bug
from inl_desktop.store.location import location_risk

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from inl_desktop.services.context import AppContext

# Live = all - deleted: counting all rows walks the smallest index, and the deleted
# ones are few and indexed, so these stay fast at a million rows.
_DELETED_EVENTS = "SELECT id FROM seizure_events WHERE deleted_at IS NOT NULL"
_DELETED_SESSIONS = "SELECT id FROM training_sessions WHERE deleted_at IS NOT NULL"
COUNT_QUERIES = {
    "seizure_events": "SELECT (SELECT count(*) FROM seizure_events)"
    " - (SELECT count(*) FROM seizure_events WHERE deleted_at IS NOT NULL)",
    "seizure_items": "SELECT (SELECT count(*) FROM seizure_items)"
    f" - (SELECT count(*) FROM seizure_items WHERE event_id IN ({_DELETED_EVENTS}))",
    "trainings": "SELECT (SELECT count(*) FROM training_sessions)"
    " - (SELECT count(*) FROM training_sessions WHERE deleted_at IS NOT NULL)",
    "persons": "SELECT (SELECT count(*) FROM persons)"
    " - (SELECT count(*) FROM persons WHERE deleted_at IS NOT NULL)",
    "enrollments": "SELECT (SELECT count(*) FROM enrollments)"
    f" - (SELECT count(*) FROM enrollments WHERE session_id IN ({_DELETED_SESSIONS}))",
}


def empty_counts() -> dict[str, int]:
    """Zero for every kind of record."""
    return dict.fromkeys(COUNT_QUERIES, 0)


def sqlite_facts(version: str = sqlite3.sqlite_version) -> dict[str, Any]:
    """The SQLite library in use, and how the app stays safe if it has the WAL-reset bug."""
    affected = has_wal_reset_bug(version)
    fixed = ", ".join(".".join(map(str, release)) for release in WAL_RESET_FIXED_IN)
    safeguard = (
        f"has the WAL-reset bug (fixed in {fixed}): this app's connections commit and "
        "checkpoint one at a time, and only one process writes"
        if affected
        else "not affected by the WAL-reset bug"
    )
    return {"version": version, "wal_reset_bug": affected, "safeguard": safeguard}


@dataclass(frozen=True)
class DatabaseInfo:
    """The facts ``inl-desktop info`` prints."""

    db_path: str
    schema_version: str | None
    post: dict[str, str] | None
    counts: dict[str, int] = field(default_factory=empty_counts)
    sqlite: dict[str, Any] = field(default_factory=sqlite_facts)
    location_warning: str | None = None
    # Encrypted (it has users), and who signed in with which role.
    encrypted: bool = False
    user: str | None = None
    role: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The JSON object of ``info --json``."""
        return asdict(self)


def record_counts(connection: Connection) -> dict[str, int]:
    """Live (not deleted) records of each kind."""
    return {
        name: int(connection.exec_driver_sql(sql).scalar() or 0)
        for name, sql in COUNT_QUERIES.items()
    }


def database_info(ctx: AppContext, db_path: Path) -> DatabaseInfo:
    """Facts about an open database (plain SQL: no ORM to load for ``info``)."""
    with ctx.engine.connect() as connection:
        schema = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        post = connection.exec_driver_sql("SELECT code, name, country FROM post_identity").first()
        counts = record_counts(connection)
    return DatabaseInfo(
        db_path=str(db_path),
        schema_version=schema,
        post=None if post is None else {"code": post[0], "name": post[1], "country": post[2]},
        counts=counts,
        location_warning=location_risk(db_path),
        encrypted=is_encrypted(db_path),
        user=ctx.user,
        role=ctx.role.value,
    )
