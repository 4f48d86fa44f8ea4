"""Reports: completed enrollments by session start, for the figures of a period (a year
of sessions is read as a range, not picked out of all of them).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 08:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    "session_live",
    "person_live",
    "session_mode",
    "session_start",
    "audience",
    "person_sex",
    "person_id",
    "session_venue",
    "session_post",
    "person_agency",
]


def upgrade() -> None:
    op.create_index(
        "ix_enrollments_report_start",
        "enrollments",
        COLUMNS,
        sqlite_where=sa.text("completion = 'completed'"),
    )


def downgrade() -> None:
    op.drop_index("ix_enrollments_report_start", table_name="enrollments")
