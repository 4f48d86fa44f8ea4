"""Spellings: reference items get aliases (other names an import recognises: "KPK" for
Khyber Pakhtunkhwa), and the spellings an import mapped are remembered for the next one.

The aliases of the resource files are given to the items of the post's country that
have none yet; Pakistan's list of agencies, when seeded, gains the Excise, Taxation and
Narcotics Control department whose province a file does not state (EXCISE), new in the
list files.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 12:00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from inl_desktop.store.reference import (
    UnknownCountry,
    country_program,
    join_aliases,
    list_files,
    read_list,
)

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Codes the list files gained with this revision: (country, list, code).
NEW_CODES = (("PK", "agencies", "EXCISE"),)


def upgrade() -> None:
    op.add_column(
        "reference_items", sa.Column("aliases", sa.Text(), server_default="", nullable=False)
    )
    op.create_table(
        "import_spellings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=40), nullable=False),
        sa.Column("spelling", sa.String(length=200), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("remembered_at", sa.DateTime(), nullable=False),
        sa.Column("remembered_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_spellings")),
        sa.UniqueConstraint("list_name", "spelling", name=op.f("uq_import_spellings_list_name")),
    )
    _add_resource_aliases()


def _add_resource_aliases() -> None:
    connection = op.get_bind()
    country = connection.exec_driver_sql("SELECT country FROM post_identity").scalar()
    if not country:
        return  # no post yet: set-up seeds the lists, aliases included
    try:
        country_program(country)
    except UnknownCountry:
        return
    for list_name, path in list_files(country).items():
        rows = read_list(path)
        for row in rows:
            if row.aliases:
                connection.exec_driver_sql(
                    "UPDATE reference_items SET aliases = ? "
                    "WHERE list_name = ? AND code = ? AND aliases = ''",
                    (join_aliases(row.aliases), list_name, row.code),
                )
        new = [row for row in rows if (country.upper(), list_name, row.code) in NEW_CODES]
        for row in new:
            present = connection.exec_driver_sql(
                "SELECT 1 FROM reference_items WHERE list_name = ? AND code = ?",
                (list_name, row.code),
            ).scalar()
            if present:
                continue
            last = connection.exec_driver_sql(
                "SELECT max(position) FROM reference_items WHERE list_name = ?", (list_name,)
            ).scalar()
            if last is None:
                continue  # the list was never seeded: nothing to add to
            connection.exec_driver_sql(
                "INSERT INTO reference_items "
                "(list_name, code, label, parent_code, attributes, position, retired, aliases) "
                "VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                (
                    list_name,
                    row.code,
                    row.label,
                    row.parent,
                    json.dumps(row.attributes, ensure_ascii=False, sort_keys=True),
                    last + 1,
                    join_aliases(row.aliases),
                ),
            )


def downgrade() -> None:
    op.drop_table("import_spellings")
    with op.batch_alter_table("reference_items") as batch:
        batch.drop_column("aliases")
