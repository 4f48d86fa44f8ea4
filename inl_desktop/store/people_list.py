"""The queries behind the people directory and the participant picker."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

PAGE_SIZE = 200
MIN_SEARCH_LENGTH = 3

ROW_SQL = (
    "p.id, p.uuid, p.revision, p.full_name, p.sex, p.agency, p.unit, p.rank, p.province, "
    "p.national_id, p.status, "
    "(SELECT count(*) FROM enrollments e WHERE e.person_id = p.id) AS trainings"
)
ROW_KEYS = (
    "id", "uuid", "revision", "full_name", "sex", "agency", "unit", "rank", "province",
    "national_id", "status", "trainings",
)  # fmt: skip


@dataclass(frozen=True)
class PeopleFilter:
    """What the directory shows. Empty values mean "any"."""

    text: str = ""
    agency: str | None = None
    sex: str | None = None
    province: str | None = None
    deleted: bool = False


def search_query(text: str) -> str | None:
    """An FTS5 query finding every word (3+ characters) as a substring; None if none."""
    words = [w for w in re.split(r"\s+", text.strip()) if len(w) >= MIN_SEARCH_LENGTH]
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def _where(filter_: PeopleFilter) -> tuple[str, dict[str, Any]]:
    clauses = ["p.deleted_at IS NOT NULL" if filter_.deleted else "p.deleted_at IS NULL"]
    params: dict[str, Any] = {}
    for key in ("agency", "sex", "province"):
        value = getattr(filter_, key)
        if value is not None:
            clauses.append(f"p.{key} = :{key}")
            params[key] = value
    query = search_query(filter_.text)
    if query is not None:
        clauses.append("p.id IN (SELECT rowid FROM person_search WHERE person_search MATCH :q)")
        params["q"] = query
    return " AND ".join(clauses), params


def fetch_people_page(
    connection: Connection,
    filter_: PeopleFilter,
    *,
    sort_key: str = "full_name",
    descending: bool = False,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[dict[str, Any]]:
    """One page of persons (dicts keyed by ``ROW_KEYS``), with their number of trainings."""
    where, params = _where(filter_)
    column = (
        sort_key
        if sort_key in ("full_name", "agency", "sex", "province", "rank")
        else ("full_name")
    )
    direction = "DESC" if descending else "ASC"
    params.update(limit=limit, offset=offset)
    sql = (
        f"SELECT {ROW_SQL} FROM persons p WHERE {where} "
        f"ORDER BY p.{column} {direction}, p.id {direction} LIMIT :limit OFFSET :offset"
    )
    return [
        dict(zip(ROW_KEYS, row, strict=True)) for row in connection.exec_driver_sql(sql, params)
    ]


def search_people(connection: Connection, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Live persons whose name, national ID, unit, phone or email contains every word."""
    return fetch_people_page(connection, PeopleFilter(text=text), limit=limit)
