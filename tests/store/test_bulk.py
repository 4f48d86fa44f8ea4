"""Bulk inserts (demo data, imports): values converted as the ORM would, any batch size."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from inl_desktop.store.bulk import BulkInserter
from inl_desktop.store.migrate import open_database
from inl_desktop.store.models import Base, Person, SeizureEvent, SeizureItem, SeizureJointAgency

CREATED = datetime(2026, 6, 15, 14, 30, tzinfo=timezone(timedelta(hours=5)))
RECORD_COLUMNS = ["id", "uuid", "post_code", "revision", "created_at", "created_by"]
EVENT_COLUMNS = [*RECORD_COLUMNS, "updated_at", "updated_by", "status", "basis"]
ITEM_COLUMNS = ["uuid", "event_id", "position", "drug", "quantity", "unit"]


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    """The post database's engine."""
    engine = open_database(db_path, now=lambda: datetime(2026, 6, 15, tzinfo=UTC))
    yield engine
    engine.dispose()


def test_bulk_rows_read_back_like_orm_rows(engine: Engine) -> None:
    with engine.begin() as connection:
        event = (7, "event-7", "PK-ISB", 1, CREATED, "demo", CREATED, "demo", "final", "case")
        BulkInserter(connection, SeizureEvent, EVENT_COLUMNS).insert([event])
        item = ("item-1", 7, 0, "COCAINE", Decimal("3.260"), "KG")
        BulkInserter(connection, SeizureItem, ITEM_COLUMNS).insert([item])

    with Session(engine) as session:
        event = session.scalars(select(SeizureEvent)).one()
        assert event.created_at == datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
        assert [(i.drug, str(i.quantity)) for i in event.items] == [("COCAINE", "3.260")]


@pytest.mark.parametrize(
    ("model", "columns"),
    [
        (SeizureJointAgency, ["event_id", "position", "agency"]),  # no value needs converting
        (Person, ["uuid", "created_at"]),  # timestamps are converted
    ],
    ids=["plain-columns", "converted-columns"],
)
def test_an_empty_batch_inserts_nothing(
    engine: Engine, model: type[Base], columns: list[str]
) -> None:
    with engine.begin() as connection:
        BulkInserter(connection, model, columns).insert([])

    with engine.connect() as connection:
        table = model.__tablename__
        assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
