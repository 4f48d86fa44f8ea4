"""People directory: indexes for its filters and sorts, and per-person training counts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 06:12:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_persons_sex_name", "persons", ["sex", "full_name"]),
    ("ix_persons_province_name", "persons", ["province", "full_name"]),
    ("ix_persons_rank", "persons", ["rank"]),
    ("ix_persons_unit", "persons", ["unit"]),
    ("ix_enrollments_person_session", "enrollments", ["person_id", "session_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
