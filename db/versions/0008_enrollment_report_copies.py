"""Reports: enrollments carry copies of their session's and person's columns that the
report and the dashboard filter and group by, kept in step by triggers, so a unique
count of trainees reads one index in person order; aggregate reports' items summed from
an index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 09:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from inl_desktop.store.bulk import (
    ENROLLMENT_PERSON_COPIES,
    ENROLLMENT_SESSION_COPIES,
    enrollment_copies_sql,
)

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    sa.Column("session_start", sa.Date(), nullable=True),
    sa.Column("session_post", sa.String(length=16), nullable=True),
    sa.Column("session_live", sa.Boolean(), server_default=sa.text("1"), nullable=False),
    sa.Column("session_mode", sa.String(length=10), nullable=True),
    sa.Column("session_venue", sa.String(length=40), nullable=True),
    sa.Column("person_sex", sa.String(length=1), nullable=True),
    sa.Column("person_live", sa.Boolean(), server_default=sa.text("1"), nullable=False),
    sa.Column("person_agency", sa.String(length=40), nullable=True),
)
REPORT_TAIL = ["person_sex", "person_id", "session_start", "session_post", "person_agency"]
REPORT_INDEXES = (
    ("ix_enrollments_report_audience", ["audience", *REPORT_TAIL]),
    ("ix_enrollments_report_sex", REPORT_TAIL),
    ("ix_enrollments_report_venue", ["session_venue", *REPORT_TAIL]),
)


def _propagate(table: str, key: str, copies: tuple[tuple[str, str], ...]) -> str:
    """A trigger copying a session's or person's columns to its enrollments."""
    sources = [s.split()[0] for _, s in copies]
    changed = " OR ".join(f"old.{s} IS NOT new.{s}" for s in sources)
    values = ", ".join(f"{column} = new.{source}" for column, source in copies)
    return (
        f"CREATE TRIGGER enrollment_copies_{table} AFTER UPDATE OF {', '.join(sources)} "
        f"ON {table} WHEN {changed} BEGIN "
        f"UPDATE enrollments SET {values} WHERE {key} = new.id; END"
    )


TRIGGERS = (
    "CREATE TRIGGER enrollment_copies_insert AFTER INSERT ON enrollments BEGIN "
    + enrollment_copies_sql(" AND enrollments.id = new.id")
    + "; END",
    "CREATE TRIGGER enrollment_copies_move AFTER UPDATE OF session_id, person_id "
    "ON enrollments BEGIN " + enrollment_copies_sql(" AND enrollments.id = new.id") + "; END",
    _propagate("training_sessions", "session_id", ENROLLMENT_SESSION_COPIES),
    _propagate("persons", "person_id", ENROLLMENT_PERSON_COPIES),
)
TRIGGER_NAMES = (
    "enrollment_copies_insert",
    "enrollment_copies_move",
    "enrollment_copies_training_sessions",
    "enrollment_copies_persons",
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("enrollments", column)
    op.execute(enrollment_copies_sql(""))
    for trigger in TRIGGERS:
        op.execute(trigger)
    completed = sa.text("completion = 'completed'")
    for name, columns in REPORT_INDEXES:
        op.create_index(
            name,
            "enrollments",
            ["session_live", "person_live", "session_mode", *columns],
            sqlite_where=completed,
        )
    op.create_index(
        "ix_seizure_items_event_drug", "seizure_items", ["event_id", "drug", "kg_equivalent_mg"]
    )
    op.drop_index("ix_seizure_items_event_id", table_name="seizure_items")


def downgrade() -> None:
    op.create_index("ix_seizure_items_event_id", "seizure_items", ["event_id"])
    op.drop_index("ix_seizure_items_event_drug", table_name="seizure_items")
    for name, _ in REPORT_INDEXES:
        op.drop_index(name, table_name="enrollments")
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table("enrollments") as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column.name)
