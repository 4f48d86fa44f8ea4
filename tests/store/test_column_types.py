"""Column types that keep quantities, money and timestamps exact on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, create_engine, func, select
from sqlalchemy.exc import StatementError

from inl_desktop.store.types import Cents, DecimalText, UTCDateTime

metadata = MetaData()
samples = Table(
    "samples",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("quantity", DecimalText),
    Column("amount", Cents),
    Column("at", UTCDateTime),
)


@pytest.fixture
def engine() -> Iterator[Engine]:
    """An in-memory SQLite database with one table of the app's column types."""
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def store(engine: Engine, **values: object) -> int:
    """Insert one row and return its id."""
    with engine.begin() as connection:
        key = connection.execute(samples.insert().values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def read(engine: Engine, row_id: int, column: str) -> object:
    """One value as the app reads it."""
    with engine.connect() as connection:
        return connection.scalar(select(samples.c[column]).where(samples.c.id == row_id))


def raw(engine: Engine, row_id: int, column: str) -> object:
    """One value as SQLite holds it."""
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            f"SELECT {column} FROM samples WHERE id = ?", (row_id,)
        ).scalar()


def test_decimal_text_keeps_the_quantity_as_reported(engine: Engine) -> None:
    row = store(engine, quantity=Decimal("3.260"))

    value = read(engine, row, "quantity")
    assert isinstance(value, Decimal)
    assert str(value) == "3.260"
    assert raw(engine, row, "quantity") == "3.260"


def test_decimal_text_keeps_large_and_tiny_quantities_exact(engine: Engine) -> None:
    big = store(engine, quantity=Decimal("61400000.000001"))
    tiny = store(engine, quantity=Decimal("0.000001"))

    assert read(engine, big, "quantity") == Decimal("61400000.000001")
    assert read(engine, tiny, "quantity") == Decimal("0.000001")


def test_cents_keep_dollars_and_cents_exactly(engine: Engine) -> None:
    row = store(engine, amount=Decimal("89600.10"))

    value = read(engine, row, "amount")
    assert isinstance(value, Decimal)
    assert str(value) == "89600.10"
    assert raw(engine, row, "amount") == 8_960_010


def test_cents_sum_exactly_in_sql(engine: Engine) -> None:
    for amount in ("89600.10", "0.10", "0.20", "1999.99"):
        store(engine, amount=Decimal(amount))

    with engine.connect() as connection:
        total = connection.scalar(select(func.sum(samples.c.amount)))

    # 89600.10 + 0.10 + 0.20 + 1999.99 = 91600.39, with no float residue.
    assert total == Decimal("91600.39")
    assert str(total) == "91600.39"


def test_timestamps_without_a_time_zone_are_refused(engine: Engine) -> None:
    with pytest.raises(StatementError, match="timezone-aware"):
        store(engine, at=datetime(2026, 6, 15, 9, 30))
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(samples)) == 0


def test_timestamps_are_stored_and_read_back_in_utc(engine: Engine) -> None:
    pakistan_time = timezone(timedelta(hours=5))
    row = store(engine, at=datetime(2026, 6, 15, 14, 30, 15, tzinfo=pakistan_time))

    value = read(engine, row, "at")
    assert value == datetime(2026, 6, 15, 9, 30, 15, tzinfo=UTC)
    assert isinstance(value, datetime) and value.tzinfo is UTC
    assert str(raw(engine, row, "at")).startswith("2026-06-15 09:30:15")


def test_empty_values_stay_empty(engine: Engine) -> None:
    row = store(engine)

    assert read(engine, row, "quantity") is None
    assert read(engine, row, "amount") is None
    assert read(engine, row, "at") is None
