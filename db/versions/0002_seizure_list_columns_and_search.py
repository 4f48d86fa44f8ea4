"""Seizure list: items carry copies of their event's list columns; text search index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 05:06:43
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_COLUMNS = "place, remarks, source_reference"
NEW_SEARCH_VALUES = "new.place, new.remarks, new.source_reference"
OLD_SEARCH_VALUES = "old.place, old.remarks, old.source_reference"
EVENT_SORT_COLUMNS = ("district", "place", "source_reference", "transport_mode", "updated_at")


def upgrade() -> None:
    with op.batch_alter_table("seizure_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quantity_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("event_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("agency", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("province", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("basis", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column("live", sa.Boolean(), server_default=sa.text("1"), nullable=False)
        )
        batch_op.drop_index(batch_op.f("ix_seizure_items_drug"))
    op.execute(
        """
        UPDATE seizure_items SET
            quantity_value = CAST(quantity AS REAL),
            event_start = (SELECT period_start FROM seizure_events e WHERE e.id = event_id),
            agency = (SELECT agency FROM seizure_events e WHERE e.id = event_id),
            province = (SELECT province FROM seizure_events e WHERE e.id = event_id),
            basis = (SELECT basis FROM seizure_events e WHERE e.id = event_id),
            status = (SELECT status FROM seizure_events e WHERE e.id = event_id),
            live = (SELECT deleted_at IS NULL FROM seizure_events e WHERE e.id = event_id)
        """
    )
    with op.batch_alter_table("seizure_items", schema=None) as batch_op:
        batch_op.create_index("ix_seizure_items_list_agency", ["live", "agency", "event_start"])
        batch_op.create_index("ix_seizure_items_list_date", ["live", "event_start", "id"])
        batch_op.create_index("ix_seizure_items_list_drug", ["live", "drug", "event_start"])
        batch_op.create_index("ix_seizure_items_list_kg", ["live", "kg_equivalent_mg", "id"])
        batch_op.create_index("ix_seizure_items_list_province", ["live", "province", "event_start"])
        batch_op.create_index("ix_seizure_items_list_quantity", ["live", "quantity_value", "id"])
        batch_op.create_index("ix_seizure_items_list_unit", ["live", "unit", "event_start"])
    with op.batch_alter_table("seizure_events", schema=None) as batch_op:
        for column in EVENT_SORT_COLUMNS:
            batch_op.create_index(f"ix_seizure_events_{column}", [column])
        batch_op.create_index(
            "ix_seizure_events_aggregates",
            ["period_start"],
            sqlite_where=sa.text("basis = 'aggregate'"),
        )

    # Substring search ("as you type") over place, remarks and source reference.
    op.execute(
        f"CREATE VIRTUAL TABLE seizure_search USING fts5({SEARCH_COLUMNS}, "
        "content='seizure_events', content_rowid='id', tokenize='trigram')"
    )
    op.execute(
        "CREATE TRIGGER seizure_search_insert AFTER INSERT ON seizure_events BEGIN "
        f"INSERT INTO seizure_search(rowid, {SEARCH_COLUMNS}) "
        f"VALUES (new.id, {NEW_SEARCH_VALUES}); END"
    )
    op.execute(
        "CREATE TRIGGER seizure_search_delete AFTER DELETE ON seizure_events BEGIN "
        f"INSERT INTO seizure_search(seizure_search, rowid, {SEARCH_COLUMNS}) "
        f"VALUES ('delete', old.id, {OLD_SEARCH_VALUES}); END"
    )
    op.execute(
        f"CREATE TRIGGER seizure_search_update AFTER UPDATE OF {SEARCH_COLUMNS} "
        "ON seizure_events BEGIN "
        f"INSERT INTO seizure_search(seizure_search, rowid, {SEARCH_COLUMNS}) "
        f"VALUES ('delete', old.id, {OLD_SEARCH_VALUES}); "
        f"INSERT INTO seizure_search(rowid, {SEARCH_COLUMNS}) "
        f"VALUES (new.id, {NEW_SEARCH_VALUES}); END"
    )
    op.execute("INSERT INTO seizure_search(seizure_search) VALUES ('rebuild')")


def downgrade() -> None:
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER seizure_search_{trigger}")
    op.execute("DROP TABLE seizure_search")
    with op.batch_alter_table("seizure_events", schema=None) as batch_op:
        batch_op.drop_index("ix_seizure_events_aggregates")
        for column in EVENT_SORT_COLUMNS:
            batch_op.drop_index(f"ix_seizure_events_{column}")
    with op.batch_alter_table("seizure_items", schema=None) as batch_op:
        for name in ("unit", "quantity", "province", "kg", "drug", "date", "agency"):
            batch_op.drop_index(f"ix_seizure_items_list_{name}")
        batch_op.create_index(batch_op.f("ix_seizure_items_drug"), ["drug"], unique=False)
        for column in ("live", "status", "basis", "province", "agency", "event_start"):
            batch_op.drop_column(column)
        batch_op.drop_column("quantity_value")
