"""The queries behind the seizure list: one row per drug item, filtered, sorted, paged.

Filters and the common sorts read ``seizure_items`` alone (it carries copies of its
event's list columns, each served by an index), so a page and a sort stay fast at a
million items; the event's other columns are joined for the rows of one page only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from inl_desktop.domain.fields import SEIZURE_EVENT, SEIZURE_ITEM, RecordDef

PAGE_SIZE = 200
MIN_SEARCH_LENGTH = 3  # the trigram index finds substrings of three characters or more
SEARCH_COLUMNS = ("place", "remarks", "source_reference")
SEARCH_WINDOW_FACTOR = 20
MAX_SEARCH_WINDOW = 20_000
# A word found in this many seizures or more is "common": its first page comes faster
# from the list order than from the index.
COMMON_MATCHES = 5_000


@dataclass(frozen=True)
class SeizureFilter:
    """What the list shows. Empty values mean "any"."""

    start: date | None = None
    end: date | None = None
    agency: str | None = None
    drugs: tuple[str, ...] = ()
    province: str | None = None
    basis: str | None = None
    status: str | None = None
    text: str = ""
    deleted: bool = False


@dataclass(frozen=True)
class ListColumn:
    """A column of the list: its key, the SQL it reads and the SQL it sorts by."""

    key: str
    label: str
    sort_sql: str
    visible: bool = True
    numeric: bool = False


# Selected for every row, in this order (the model formats them into cells).
ROW_SQL = (
    "i.id, e.uuid, e.revision, e.basis, e.event_date, e.date_precision, e.period_start, "
    "e.period_end, e.agency, i.drug, i.quantity, i.unit, i.kg_equivalent_mg, e.province, "
    "e.district, e.place, e.transport_mode, e.source_reference, e.status, e.remarks, "
    "e.updated_at, e.updated_by, e.same_as_uuid"
)
ROW_KEYS = tuple(part.strip().split(".")[1] for part in ROW_SQL.split(","))


def field_column(
    record: RecordDef, name: str, sort_sql: str, *, visible: bool = True, numeric: bool = False
) -> ListColumn:
    """The list column of a field, headed by the field's label."""
    return ListColumn(name, record[name].label, sort_sql, visible, numeric)


COLUMNS: tuple[ListColumn, ...] = (
    # Not a field: a case's date as precise as recorded, or an aggregate report's period.
    ListColumn("date", "Date", "i.event_start"),
    field_column(SEIZURE_EVENT, "basis", "i.basis", visible=False),
    field_column(SEIZURE_EVENT, "agency", "i.agency"),
    field_column(SEIZURE_ITEM, "drug", "i.drug"),
    field_column(SEIZURE_ITEM, "quantity", "i.quantity_value", numeric=True),
    field_column(SEIZURE_ITEM, "unit", "i.unit"),
    field_column(SEIZURE_ITEM, "kg_equivalent", "i.kg_equivalent_mg", numeric=True),
    field_column(SEIZURE_EVENT, "province", "i.province"),
    field_column(SEIZURE_EVENT, "district", "e.district"),
    field_column(SEIZURE_EVENT, "place", "e.place"),
    field_column(SEIZURE_EVENT, "transport_mode", "e.transport_mode", visible=False),
    field_column(SEIZURE_EVENT, "source_reference", "e.source_reference"),
    field_column(SEIZURE_EVENT, "status", "i.status"),
    ListColumn("updated_at", "Last changed", "e.updated_at", visible=False),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)


def search_query(text: str) -> str | None:
    """An FTS5 query that finds every word as a substring, or None if nothing to search.

    Words shorter than three characters cannot be looked up in a trigram index and
    are left out; quotes are doubled so any text is safe.
    """
    words = [w for w in re.split(r"\s+", text.strip()) if len(w) >= MIN_SEARCH_LENGTH]
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def _where(filter_: SeizureFilter, *, search: bool = True) -> tuple[str, dict[str, Any]]:
    clauses = ["i.live = :live"]
    params: dict[str, Any] = {"live": 0 if filter_.deleted else 1}
    if filter_.start is not None:
        clauses.append("i.event_start >= :start")
        params["start"] = filter_.start.isoformat()
    if filter_.end is not None:
        clauses.append("i.event_start <= :end")
        params["end"] = filter_.end.isoformat()
    for key in ("agency", "province", "basis", "status"):
        value = getattr(filter_, key)
        if value is not None:
            clauses.append(f"i.{key} = :{key}")
            params[key] = value
    if filter_.drugs:
        names = []
        for n, drug in enumerate(filter_.drugs):
            params[f"drug{n}"] = drug
            names.append(f":drug{n}")
        clauses.append(f"i.drug IN ({', '.join(names)})")
    query = search_query(filter_.text) if search else None
    if query is not None:
        clauses.append(
            "i.event_id IN (SELECT rowid FROM seizure_search WHERE seizure_search MATCH :search)"
        )
        params["search"] = query
    return " AND ".join(clauses), params


def where_sql(filter_: SeizureFilter) -> tuple[str, dict[str, Any]]:
    """The WHERE condition on ``seizure_items i`` for a filter, and its parameters."""
    return _where(filter_)


def _column(sort_key: str) -> ListColumn:
    return next((c for c in COLUMNS if c.key == sort_key), COLUMNS[0])


def _order(sort_key: str, descending: bool) -> str:
    column = _column(sort_key)
    direction = "DESC" if descending else "ASC"
    if column.sort_sql.startswith("e."):
        # Walk the event column's index, then each event's items in order.
        return f"{column.sort_sql} {direction}, e.id {direction}, i.id {direction}"
    return f"{column.sort_sql} {direction}, i.id {direction}"


def _like_clauses(text: str, params: dict[str, Any]) -> str:
    """The search as LIKE tests on the event's columns (same words as ``search_query``)."""
    words = [w for w in re.split(r"\s+", text.strip()) if len(w) >= MIN_SEARCH_LENGTH]
    clauses = []
    for n, word in enumerate(words):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params[f"like{n}"] = f"%{escaped}%"
        clauses.append(
            "("
            + " OR ".join(f"e.{column} LIKE :like{n} ESCAPE '\\'" for column in SEARCH_COLUMNS)
            + ")"
        )
    return " AND ".join(clauses)


def _is_common(connection: Connection, query: str) -> bool:
    """Whether a search matches many seizures (a probe that stops after a few thousand)."""
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM (SELECT rowid FROM seizure_search WHERE seizure_search MATCH ? "
        "LIMIT ?)",
        (query, COMMON_MATCHES),
    ).scalar()
    return int(found or 0) >= COMMON_MATCHES


def _page_by_window(
    connection: Connection, filter_: SeizureFilter, order: str, offset: int, limit: int
) -> list[Any] | None:
    """A search's page found among the first rows of the unsearched order, if it is there.

    A common word matches many seizures: testing the first few thousand rows in list
    order finds a page sooner than collecting every match from the index. A rare word
    does not fill the page from the window: None, and the caller asks the index.
    """
    where, params = _where(filter_, search=False)
    window = min(MAX_SEARCH_WINDOW, (offset + limit) * SEARCH_WINDOW_FACTOR)
    params.update(window=window, limit=limit, offset=offset)
    like = _like_clauses(filter_.text, params)
    sql = (
        f"SELECT {ROW_SQL} FROM (SELECT i.id FROM seizure_items i WHERE {where} "
        f"ORDER BY {order} LIMIT :window) AS candidates "
        "JOIN seizure_items i ON i.id = candidates.id JOIN seizure_events e ON e.id = i.event_id "
        f"WHERE {like} ORDER BY {order} LIMIT :limit OFFSET :offset"
    )
    rows = connection.exec_driver_sql(sql, params).all()
    return list(rows) if len(rows) == limit else None


def fetch_page(
    connection: Connection,
    filter_: SeizureFilter,
    *,
    sort_key: str = "date",
    descending: bool = True,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[dict[str, Any]]:
    """One page of list rows (dicts keyed by ``ROW_KEYS``)."""
    order = _order(sort_key, descending)
    event_sort = _column(sort_key).sort_sql.startswith("e.")
    query = search_query(filter_.text)
    if query is not None and not event_sort and _is_common(connection, query):
        found = _page_by_window(connection, filter_, order, offset, limit)
        if found is not None:
            return [dict(zip(ROW_KEYS, row, strict=True)) for row in found]
    where, params = _where(filter_)
    params.update(limit=limit, offset=offset)
    if event_sort:
        # Sorting by a column only the event has: join first, then sort.
        sql = (
            f"SELECT {ROW_SQL} FROM seizure_items i JOIN seizure_events e ON e.id = i.event_id "
            f"WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset"
        )
    else:
        # Find the page's items on the items table alone, then join their events.
        sql = (
            f"SELECT {ROW_SQL} FROM (SELECT i.id FROM seizure_items i WHERE {where} "
            f"ORDER BY {order} LIMIT :limit OFFSET :offset) AS page "
            "JOIN seizure_items i ON i.id = page.id JOIN seizure_events e ON e.id = i.event_id "
            f"ORDER BY {order}"
        )
    rows = connection.exec_driver_sql(sql, params).all()
    return [dict(zip(ROW_KEYS, row, strict=True)) for row in rows]


@dataclass(frozen=True)
class ListTotals:
    """How many items the filter selects and their total kg-equivalent."""

    items: int
    kg_equivalent: Decimal
    items_without_kg: int


def fetch_totals(connection: Connection, filter_: SeizureFilter) -> ListTotals:
    """Count and total kg-equivalent of what the filter selects."""
    where, params = _where(filter_)
    sql = (
        "SELECT count(*), coalesce(sum(i.kg_equivalent_mg), 0), "
        f"count(*) - count(i.kg_equivalent_mg) FROM seizure_items i WHERE {where}"
    )
    count, mg, missing = connection.exec_driver_sql(sql, params).one()
    return ListTotals(int(count), Decimal(int(mg)) / 1_000_000, int(missing))


def parse_timestamp(value: str | datetime | None) -> datetime | None:
    """A stored UTC timestamp as read by the raw driver."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)
