"""Fast inserts of many rows (demo data, imports, merges, the change log): one writer
for every path that adds rows without the ORM, so values are converted one way."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Table

from inl_desktop.store.models import Base
from inl_desktop.store.summaries import TRIGGER_PREFIX, rebuild_summaries

BATCH = 500
T = TypeVar("T")


def batched(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    """``?, ?, ?`` for an IN list of ``count`` values."""
    return ", ".join("?" * count)


def next_id(connection: Connection, table: str) -> int:
    """The first free id of a table: rows inserted in bulk are given their ids in the
    writer's own transaction, so that their parts can point at them."""
    value = connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar()
    return int(value or 0) + 1


class BulkInserter:
    """Insert tuples of Python values into a model's table, converted as the ORM would,
    many rows per INSERT statement: on SQLite several times faster than executemany,
    which steps the statement once per row."""

    MAX_VARIABLES = 32_766  # SQLite's limit on bound values per statement (3.32 and later)

    def __init__(self, connection: Connection, model: type[Base], columns: Sequence[str]) -> None:
        table = cast(Table, model.__table__)
        dialect = connection.dialect
        self._connection = connection
        self._prefix = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
        self._row = f"({', '.join('?' * len(columns))})"
        self._per_statement = max(1, self.MAX_VARIABLES // len(columns))
        processors: list[Callable[[Any], Any] | None] = [
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
        ]
        self._processors = [(i, p) for i, p in enumerate(processors) if p is not None]

    def insert(self, rows: Sequence[Sequence[Any]]) -> None:
        """Insert the rows (values in the column order given at construction)."""
        # Bulk rows often repeat one value (a batch's timestamp): convert it once.
        last: dict[int, tuple[Any, Any]] = {}
        for chunk in batched(rows, self._per_statement):
            values: list[Any] = []
            for row in chunk:
                if self._processors:
                    row = self._converted(row, last)
                values.extend(row)
            sql = self._prefix + ", ".join([self._row] * len(chunk))
            self._connection.exec_driver_sql(sql, tuple(values))

    def _converted(self, row: Sequence[Any], last: dict[int, tuple[Any, Any]]) -> list[Any]:
        values = list(row)
        for index, process in self._processors:
            value = values[index]
            if value is None:
                continue
            seen = last.get(index)
            if seen is not None and seen[0] is value:
                values[index] = seen[1]
            else:
                values[index] = converted = process(value)
                last[index] = (value, converted)
        return values


# Enrollments carry copies of their session's and person's columns (migration 0008):
# (copy column, source column or expression).
ENROLLMENT_SESSION_COPIES = (
    ("session_start", "start_date"),
    ("session_post", "post_code"),
    ("session_live", "deleted_at IS NULL"),
    ("session_mode", "attendance_mode"),
    ("session_venue", "venue_type"),
)
ENROLLMENT_PERSON_COPIES = (
    ("person_sex", "sex"),
    ("person_live", "deleted_at IS NULL"),
    ("person_agency", "agency"),
)
ENROLLMENT_COPIES_TRIGGER = "enrollment_copies_insert"


def enrollment_copies_sql(where: str) -> str:
    """An UPDATE setting the copies of the enrollments ``where`` selects (the same as
    the insert trigger does row by row)."""
    session = ", ".join(f"{column} = s.{source}" for column, source in ENROLLMENT_SESSION_COPIES)
    person = ", ".join(f"{column} = p.{source}" for column, source in ENROLLMENT_PERSON_COPIES)
    return (
        f"UPDATE enrollments SET {session}, {person} FROM training_sessions s, persons p "
        f"WHERE s.id = enrollments.session_id AND p.id = enrollments.person_id{where}"
    )


@contextmanager
def deferred_indexes(connection: Connection, models: Iterable[type[Base]]) -> Iterator[None]:
    """Drop the models' secondary indexes, the search triggers, the enrollments' copy
    trigger and the summary tables' triggers, then rebuild them (fill the new
    enrollments' copies and sum the summary tables afresh, each at once).

    For loading many rows inside one transaction: building an index once over all the
    rows is much faster than keeping it up to date row by row. Unique constraints
    stay, so duplicates are still refused.
    """
    indexes = [index for model in models for index in cast(Table, model.__table__).indexes]
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        f"AND (name LIKE '%search%' OR name = '{ENROLLMENT_COPIES_TRIGGER}' "
        f"OR substr(name, 1, {len(TRIGGER_PREFIX)}) = '{TRIGGER_PREFIX}')"
    ).all()
    last_enrollment = connection.exec_driver_sql("SELECT max(id) FROM enrollments").scalar()
    for index in indexes:
        index.drop(connection)
    for name, _ in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    if any(name == ENROLLMENT_COPIES_TRIGGER for name, _ in triggers):
        connection.exec_driver_sql(
            enrollment_copies_sql(f" AND enrollments.id > {int(last_enrollment or 0)}")
        )
    for index in indexes:
        index.create(connection)
    if any(name.startswith(TRIGGER_PREFIX) for name, _ in triggers):
        rebuild_summaries(connection)
    for _, sql in triggers:
        connection.exec_driver_sql(sql)
    searches = {name.rsplit("_", 1)[0] for name, _ in triggers if "search" in name}
    for search in sorted(searches):
        connection.exec_driver_sql(f"INSERT INTO {search}({search}) VALUES ('rebuild')")
    # Fresh statistics let the planner pick the right index; a sample is enough.
    connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
    connection.exec_driver_sql("ANALYZE")
