"""The queries behind the people directory and the participant picker.

A page is found on ``persons`` alone (sorted by an index where there is one; a
search's matches come from the trigram index ``person_search`` and are sorted), and
the number of trainings is counted for the rows of that page only, so the directory
stays fast at 200,000 persons and 600,000 enrollments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from inl_desktop.domain.fields import PERSON

PAGE_SIZE = 200
MIN_SEARCH_LENGTH = 3  # the trigram index finds substrings of three characters or more
# The columns of the search index ``person_search`` (db/versions/0003).
SEARCHED_COLUMNS = ("full_name", "national_id", "national_id_key", "unit", "phone", "email")

# Trainings are enrollments in sessions that are not deleted. Counting them reads only
# the index of enrollments by person; leaving out the (few) deleted sessions' ones
# needs each enrollment's row, so that is done only when a session is deleted.
_PERSON_SQL = (
    "p.id, p.uuid, p.revision, p.full_name, p.sex, p.agency, p.unit, p.rank, p.province, "
    "p.national_id, p.status, "
)
ROW_SQL = _PERSON_SQL + (
    "(SELECT count(*) FROM enrollments e WHERE e.person_id = p.id AND e.session_id NOT IN "
    "(SELECT id FROM training_sessions WHERE deleted_at IS NOT NULL)) AS trainings"
)
_ROW_SQL_NONE_DELETED = (
    _PERSON_SQL + "(SELECT count(*) FROM enrollments e WHERE e.person_id = p.id) AS trainings"
)
_ANY_SESSION_DELETED = (
    "SELECT EXISTS (SELECT 1 FROM training_sessions WHERE deleted_at IS NOT NULL)"
)
ROW_KEYS = (
    "id", "uuid", "revision", "full_name", "sex", "agency", "unit", "rank", "province",
    "national_id", "status", "trainings",
)  # fmt: skip


@dataclass(frozen=True)
class PeopleColumn:
    """A column of the directory: its key, label and the SQL it sorts by (None: unsorted)."""

    key: str
    label: str
    sort_sql: str | None
    numeric: bool = False


def _field_column(name: str, sort_sql: str | None) -> PeopleColumn:
    return PeopleColumn(name, PERSON[name].label, sort_sql)


COLUMNS: tuple[PeopleColumn, ...] = (
    _field_column("full_name", "p.full_name"),
    _field_column("sex", "p.sex"),
    _field_column("agency", "p.agency"),
    _field_column("unit", "p.unit"),
    _field_column("rank", "p.rank"),
    _field_column("province", "p.province"),
    # The key sorts IDs typed with and without dashes alike (and has an index).
    _field_column("national_id", "p.national_id_key"),
    # Counting every person's trainings to sort by them would read every enrollment.
    PeopleColumn("trainings", "Trainings", None, numeric=True),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
SORTABLE_KEYS = tuple(column.key for column in COLUMNS if column.sort_sql is not None)


@dataclass(frozen=True)
class PeopleFilter:
    """What the directory shows. Empty values mean "any"."""

    text: str = ""
    agency: str | None = None
    sex: str | None = None
    province: str | None = None
    deleted: bool = False

    @property
    def narrowed(self) -> bool:
        """Whether anything but the deleted view is chosen."""
        chosen = (self.agency, self.sex, self.province)
        return search_query(self.text) is not None or any(v is not None for v in chosen)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def search_query(text: str) -> str | None:
    """An FTS5 query finding every word (3+ characters) as a substring; None if none.

    A word of digits with dashes or spaces (a national ID or phone number as typed)
    also matches without them, so "61101-1234567" finds "6110112345672" and the
    reverse (the index holds each ID also as its key, without dashes).
    """
    parts = []
    for word in re.split(r"\s+", text.strip()):
        if len(word) < MIN_SEARCH_LENGTH:
            continue
        bare = re.sub(r"[^0-9A-Za-z]", "", word)
        if bare != word and any(ch.isdigit() for ch in word) and len(bare) >= MIN_SEARCH_LENGTH:
            parts.append(f"({_quoted(word)} OR {_quoted(bare.upper())})")
        else:
            parts.append(_quoted(word))
    return " AND ".join(parts) if parts else None


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
        # Words too short for the index narrow what it found ("Ayesha Kh"); alone they
        # would have to read every person, so they wait for a longer word.
        for n, word in enumerate(_short_words(filter_.text)):
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params[f"short{n}"] = f"%{escaped}%"
            tests = " OR ".join(
                f"p.{column} LIKE :short{n} ESCAPE '\\'" for column in SEARCHED_COLUMNS
            )
            clauses.append(f"({tests})")
    return " AND ".join(clauses), params


def _short_words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text.strip()) if 0 < len(w) < MIN_SEARCH_LENGTH]


def _order(sort_key: str, descending: bool, *, by_index: bool = True) -> str:
    """The ORDER BY terms; ``by_index=False`` keeps SQLite from walking a sort index
    (the deleted are few: finding them first and sorting them is faster)."""
    column = next((c for c in COLUMNS if c.key == sort_key and c.sort_sql), COLUMNS[0])
    direction = "DESC" if descending else "ASC"
    terms = [str(column.sort_sql)]
    if column.key not in ("full_name", "national_id"):
        terms.append("p.full_name")
    terms.append("p.id")
    plus = "" if by_index else "+"
    return ", ".join(f"{plus}{term} {direction}" for term in terms)


def fetch_people_page(
    connection: Connection,
    filter_: PeopleFilter,
    *,
    sort_key: str = "full_name",
    descending: bool = False,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[dict[str, Any]]:
    """One page of persons (dicts keyed by ``ROW_KEYS``), with their number of trainings.

    An unknown or unsortable ``sort_key`` sorts by name.
    """
    where, params = _where(filter_)
    order = _order(sort_key, descending)
    inner_order = _order(sort_key, descending, by_index=not filter_.deleted)
    params.update(limit=limit, offset=offset)
    any_deleted = connection.exec_driver_sql(_ANY_SESSION_DELETED).scalar()
    columns = ROW_SQL if any_deleted else _ROW_SQL_NONE_DELETED
    sql = (
        f"SELECT {columns} FROM (SELECT p.id FROM persons p WHERE {where} "
        f"ORDER BY {inner_order} LIMIT :limit OFFSET :offset) AS page "
        f"JOIN persons p ON p.id = page.id ORDER BY {order}"
    )
    rows = connection.exec_driver_sql(sql, params)
    return [dict(zip(ROW_KEYS, row, strict=True)) for row in rows]


def count_people(connection: Connection, filter_: PeopleFilter) -> int:
    """How many persons the filter selects."""
    if not filter_.narrowed and not filter_.deleted:
        # All minus the few deleted: both counts read small indexes, not the table.
        sql = (
            "SELECT (SELECT count(*) FROM persons) - "
            "(SELECT count(*) FROM persons WHERE deleted_at IS NOT NULL)"
        )
        return int(connection.exec_driver_sql(sql).scalar_one())
    where, params = _where(filter_)
    sql = f"SELECT count(*) FROM persons p WHERE {where}"
    return int(connection.exec_driver_sql(sql, params).scalar_one())


def search_people(connection: Connection, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Live persons whose name, national ID, unit, phone or email contains every word."""
    return fetch_people_page(connection, PeopleFilter(text=text), limit=limit)


def count_person_trainings(connection: Connection, person_uuid: str) -> int:
    """How many sessions (not deleted) a person is enrolled in."""
    sql = (
        "SELECT count(*) FROM persons p JOIN enrollments e ON e.person_id = p.id "
        "JOIN training_sessions s ON s.id = e.session_id AND s.deleted_at IS NULL "
        "WHERE p.uuid = :uuid"
    )
    return int(connection.exec_driver_sql(sql, {"uuid": person_uuid}).scalar_one())


@dataclass(frozen=True)
class TrainingAttended:
    """One training session in a person's history."""

    session_uuid: str
    title: str | None
    start_date: date | None
    end_date: date | None
    audience: str | None
    completion: str | None


def fetch_person_trainings(connection: Connection, person_uuid: str) -> list[TrainingAttended]:
    """The sessions (not deleted) a person is enrolled in, the latest first."""
    sql = (
        "SELECT s.uuid, s.title, s.start_date, s.end_date, e.audience, e.completion "
        "FROM persons p JOIN enrollments e ON e.person_id = p.id "
        "JOIN training_sessions s ON s.id = e.session_id AND s.deleted_at IS NULL "
        "WHERE p.uuid = :uuid ORDER BY s.start_date DESC, s.id DESC"
    )
    rows = connection.exec_driver_sql(sql, {"uuid": person_uuid})
    return [
        TrainingAttended(
            uuid,
            title,
            _as_date(start),
            _as_date(end),
            audience,
            completion,
        )
        for uuid, title, start, end, audience, completion in rows
    ]


def _as_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
