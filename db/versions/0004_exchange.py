"""Exchange workbooks: the exports made, merge conflicts kept for HQ, the person key.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 05:57:54.697063
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("destination", sa.String(length=1000), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=False),
        sa.Column("exported_by", sa.String(length=100), nullable=False),
        sa.Column("profile", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=True),
        sa.Column("since", sa.DateTime(), nullable=True),
        sa.Column("rows", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
    )
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exports_destination", ["destination", "exported_at"], unique=False
        )

    op.create_table(
        "merge_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(length=20), nullable=False),
        sa.Column("record_uuid", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("source_file", sa.String(length=1000), nullable=False),
        sa.Column("stored", sa.Text(), nullable=False),
        sa.Column("incoming", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_conflicts")),
    )
    with op.batch_alter_table("merge_conflicts", schema=None) as batch_op:
        batch_op.create_index("ix_merge_conflicts_record", ["record_uuid"], unique=False)

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_key", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_persons_person_key"), ["person_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_person_key"))
        batch_op.drop_column("person_key")

    with op.batch_alter_table("merge_conflicts", schema=None) as batch_op:
        batch_op.drop_index("ix_merge_conflicts_record")

    op.drop_table("merge_conflicts")
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.drop_index("ix_exports_destination")

    op.drop_table("exports")
