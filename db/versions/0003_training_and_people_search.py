"""Trainings and people: text search indexes and the indexes their lists sort by.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 05:52:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (search table, content table, searched columns)
SEARCHES = (
    ("training_search", "training_sessions", ("title", "location", "provider", "project_code",
                                              "remarks")),
    # "rank" is a reserved word in FTS5 (its relevance column): ranks are not searched.
    ("person_search", "persons", ("full_name", "national_id", "national_id_key", "unit",
                                  "phone", "email")),
)  # fmt: skip
INDEXES = (
    ("training_sessions", "topic"),
    ("training_sessions", "venue_type"),
    ("training_sessions", "training_status"),
    ("training_sessions", "provider"),
    ("training_sessions", "title"),
    ("persons", "full_name"),
    ("persons", "agency"),
    ("enrollments", "audience"),
)


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])
    for search, content, columns in SEARCHES:
        names = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {search} USING fts5({names}, content='{content}', "
            "content_rowid='id', tokenize='trigram')"
        )
        op.execute(
            f"CREATE TRIGGER {search}_insert AFTER INSERT ON {content} BEGIN "
            f"INSERT INTO {search}(rowid, {names}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {search}_delete AFTER DELETE ON {content} BEGIN "
            f"INSERT INTO {search}({search}, rowid, {names}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {search}_update AFTER UPDATE OF {names} ON {content} BEGIN "
            f"INSERT INTO {search}({search}, rowid, {names}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {search}(rowid, {names}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {search}({search}) VALUES ('rebuild')")


def downgrade() -> None:
    for search, _, _ in SEARCHES:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER {search}_{trigger}")
        op.execute(f"DROP TABLE {search}")
    for table, column in INDEXES:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
