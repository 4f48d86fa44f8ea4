"""Post keys: headquarters registers each post's public signing key, and checks the
signature of every workbook against it (``services.post_keys``).

One row per key registered; a replaced key keeps its row, with when and by whom it was
replaced, and each post has at most one current key. A post's own private key is kept
in ``app_settings`` and made by set-up or by the first export: no table is needed for it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "post_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=True),
        sa.Column("replaced_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_keys")),
    )
    op.create_index(
        "ix_post_keys_current",
        "post_keys",
        ["post_code"],
        unique=True,
        sqlite_where=sa.text("replaced_at IS NULL"),
        postgresql_where=sa.text("replaced_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_post_keys_current", table_name="post_keys")
    op.drop_table("post_keys")
