"""Reports: summary tables kept by triggers (seizure kg-equivalent by year, by month and the
columns reports group by; completed trainees by month; each trainee's span of
training, and how many trainees were trained alike), so a report over many years reads sums instead of every row; aggregate
reports, sessions and a person's completed training read from an index alone.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from inl_desktop.store.summaries import TRIGGER_PREFIX, TRIGGERS, rebuild_summaries

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


COMPLETED = sa.text("completion = 'completed'")
NEW_INDEXES = (
    (
        "ix_training_sessions_report",
        "training_sessions",
        ["start_date", "attendance_mode", "deleted_at", "venue_type", "post_code"],
    ),
    (
        "ix_enrollments_report_person",
        "enrollments",
        [
            *("person_id", "session_live", "person_live", "session_mode", "session_start"),
            *("audience", "person_sex", "session_venue", "session_post"),
        ],
    ),
    (
        "ix_enrollments_report_session",
        "enrollments",
        ["session_id", "person_live", "person_agency"],
    ),
)
REPORT_TAIL = ["person_sex", "person_id", "session_start", "session_post", "person_agency"]
OLD_INDEXES = (
    ("ix_enrollments_report_sex", ["session_live", "person_live", "session_mode", *REPORT_TAIL]),
    (
        "ix_enrollments_report_venue",
        ["session_live", "person_live", "session_mode", "session_venue", *REPORT_TAIL],
    ),
)


def _key(name: str, length: int) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.String(length=length), nullable=False)


def upgrade() -> None:
    op.create_table(
        "seizure_totals",
        sa.Column("live", sa.Integer(), nullable=False),
        _key("basis", 10),
        _key("agency", 40),
        _key("span", 5),
        _key("period", 7),
        _key("drug", 40),
        _key("province", 40),
        _key("status", 8),
        _key("post", 16),
        sa.Column("mg", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("with_kg", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            *("live", "basis", "agency", "span", "period", "drug", "province", "status"),
            "post",
            name=op.f("pk_seizure_totals"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_seizure_totals_period",
        "seizure_totals",
        ["live", "basis", "span", "period", "drug", "province", "mg"],
    )
    op.create_table(
        "trainee_totals",
        _key("month", 7),
        _key("post", 16),
        _key("audience", 40),
        _key("sex", 1),
        _key("venue", 40),
        sa.Column("trainings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "post", "audience", "sex", "venue", name=op.f("pk_trainee_totals")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "trainee_people",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        _key("sex", 1),
        sa.Column("post", sa.String(length=16), nullable=True),
        _key("first_start", 10),
        _key("last_start", 10),
        sa.Column("audiences", sa.Text(), nullable=False),
        sa.Column("abroad", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_trainee_people")),
    )
    op.create_index("ix_trainee_people_first", "trainee_people", ["first_start", "last_start"])
    op.create_index("ix_trainee_people_last", "trainee_people", ["last_start", "first_start"])
    op.create_index(
        "ix_trainee_people_several_posts",
        "trainee_people",
        ["first_start", "last_start"],
        sqlite_where=sa.text("post IS NULL"),
    )
    op.create_table(
        "trainee_alike",
        _key("sex", 1),
        sa.Column("audiences", sa.Text(), nullable=False),
        sa.Column("abroad", sa.Integer(), nullable=False),
        _key("post", 16),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "sex", "audiences", "abroad", "post", name=op.f("pk_trainee_alike")
        ),
        sqlite_with_rowid=False,
    )
    op.drop_index("ix_seizure_events_aggregates", table_name="seizure_events")
    op.create_index(
        "ix_seizure_events_aggregates",
        "seizure_events",
        ["period_start", "period_end", "agency", "post_code", "deleted_at", "same_as_uuid"],
        sqlite_where=sa.text("basis = 'aggregate'"),
    )
    for name, table, columns in NEW_INDEXES:
        op.create_index(
            name, table, columns, sqlite_where=COMPLETED if table == "enrollments" else None
        )
    for name, _ in OLD_INDEXES:
        op.drop_index(name, table_name="enrollments")
    connection = op.get_bind()
    rebuild_summaries(connection)
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    connection = op.get_bind()
    names = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
        (f"{TRIGGER_PREFIX}%",),
    ).scalars()
    for name in list(names):
        op.execute(f"DROP TRIGGER {name}")
    for name, columns in OLD_INDEXES:
        op.create_index(name, "enrollments", columns, sqlite_where=COMPLETED)
    for name, table, _ in NEW_INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_seizure_events_aggregates", table_name="seizure_events")
    op.create_index(
        "ix_seizure_events_aggregates",
        "seizure_events",
        ["period_start"],
        sqlite_where=sa.text("basis = 'aggregate'"),
    )
    op.drop_table("trainee_alike")
    op.drop_table("trainee_people")
    op.drop_table("trainee_totals")
    op.drop_table("seizure_totals")
