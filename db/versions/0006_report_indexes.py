"""Reports and dashboard: covering indexes for kg-equivalent sums by agency, drug and
province over a period, completed enrollments by session with their persons' sex and
agency, and linked duplicates.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    (
        "ix_seizure_items_report_agency",
        "seizure_items",
        ["live", "agency", "drug", "event_start", "basis", "kg_equivalent_mg"],
    ),
    (
        "ix_seizure_items_report_drug",
        "seizure_items",
        ["live", "drug", "event_start", "basis", "kg_equivalent_mg"],
    ),
    (
        "ix_seizure_items_report_province",
        "seizure_items",
        ["live", "province", "event_start", "basis", "kg_equivalent_mg"],
    ),
    (
        "ix_enrollments_report",
        "enrollments",
        ["session_id", "completion", "audience", "person_id"],
    ),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.create_index(
        "ix_seizure_events_same_as",
        "seizure_events",
        ["same_as_uuid"],
        sqlite_where=sa.text("same_as_uuid IS NOT NULL"),
    )
    op.create_index("ix_persons_report", "persons", ["id", "deleted_at", "sex", "agency"])


def downgrade() -> None:
    op.drop_index("ix_persons_report", table_name="persons")
    op.drop_index("ix_seizure_events_same_as", table_name="seizure_events")
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
