"""The queries behind the training sessions list: one row per session, filtered, sorted,
paged, with each shown session's enrolled, completed and completed-women figures (and
how many completed whose sex is not recorded, who are never counted as women or men).

Filters and sorts read ``training_sessions`` alone (each list column that sorts has an
index), so a page stays fast at tens of thousands of sessions. The participant figures
are counted for the page's rows only, by correlated subqueries; the figures of
everything a filter selects are counted apart (``fetch_list_totals``), off the GUI
thread.

Which participants count:

- A session recorded as a roster counts its enrollments, a session recorded as counts
  its attendance counts (the other part, if the form left one behind, is ignored, so
  the figures are what the form shows).
- Enrollments of persons deleted from the directory do not count (deleted records
  never leak into totals).
- With an audience filter, only that audience category's participants count.
- Completed means completion "completed" (roster) or the count's completed figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from inl_desktop.domain.fields import SEX_NOT_RECORDED, TRAINING
from inl_desktop.store import seizure_list
from inl_desktop.store.seizure_list import ListColumn, field_column, search_query

PAGE_SIZE = seizure_list.PAGE_SIZE


@dataclass(frozen=True)
class TrainingFilter:
    """What the list shows. Empty values mean "any".

    A session is in the period ``start``..``end`` when it starts within it.
    ``audience`` selects sessions with a participant of that audience category (and
    narrows the participant figures to that category).
    """

    start: date | None = None
    end: date | None = None
    topic: str | None = None
    venue_type: str | None = None
    provider: str | None = None
    training_status: str | None = None
    audience: str | None = None
    text: str = ""
    deleted: bool = False


# Columns whose sort_sql is empty are counted per page and cannot be sorted by.
COLUMNS: tuple[ListColumn, ...] = (
    field_column(TRAINING, "start_date", "s.start_date"),
    field_column(TRAINING, "end_date", "s.end_date"),
    field_column(TRAINING, "title", "s.title"),
    field_column(TRAINING, "topic", "s.topic"),
    ListColumn("enrolled", "Enrolled", "", numeric=True),
    ListColumn("completed", "Completed", "", numeric=True),
    ListColumn("completed_women", "Completed women", "", numeric=True),
    field_column(TRAINING, "training_status", "s.training_status"),
    field_column(TRAINING, "provider", "s.provider"),
    field_column(TRAINING, "venue_type", "s.venue_type"),
    field_column(TRAINING, "location", "s.location"),
    field_column(TRAINING, "attendance_mode", "s.attendance_mode", visible=False),
    field_column(TRAINING, "funding_program", "s.funding_program", visible=False),
    field_column(TRAINING, "project_code", "s.project_code", visible=False),
    field_column(TRAINING, "status", "s.status"),
    ListColumn("updated_at", "Last changed", "s.updated_at", visible=False),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
SORTABLE_KEYS = frozenset(column.key for column in COLUMNS if column.sort_sql)

SESSION_SQL = (
    "s.id, s.uuid, s.revision, s.title, s.topic, s.provider, s.venue_type, s.location, "
    "s.start_date, s.end_date, s.funding_program, s.project_code, s.training_status, "
    "s.attendance_mode, s.status, s.updated_at"
)
SESSION_KEYS = tuple(part.strip().split(".")[1] for part in SESSION_SQL.split(","))
FIGURE_KEYS = ("enrolled", "completed", "completed_women", "completed_sex_not_recorded")
ROW_KEYS = SESSION_KEYS + FIGURE_KEYS

# Enrollments that count: their person is still in the directory. (Few persons are
# deleted and a partial index lists them, so this test costs next to nothing, unlike a
# join to every enrolled person.)
_LIVE_PERSON = "e.person_id NOT IN (SELECT id FROM persons WHERE deleted_at IS NOT NULL)"
_COMPLETED = "e.completion = 'completed'"
_WOMAN = "EXISTS (SELECT 1 FROM persons w WHERE w.id = e.person_id AND w.sex = 'F')"
_UNRECORDED = (
    f"EXISTS (SELECT 1 FROM persons w WHERE w.id = e.person_id AND w.sex = '{SEX_NOT_RECORDED}')"
)


def _audience_sql(alias: str, filter_: TrainingFilter) -> str:
    return f" AND {alias}.audience = :audience" if filter_.audience is not None else ""


def _figure_sql(filter_: TrainingFilter) -> str:
    """Per-row subqueries: enrolled, completed, completed women and completed whose sex
    is not recorded, of session ``s``."""
    roster = f"FROM enrollments e WHERE e.session_id = s.id AND {_LIVE_PERSON}" + _audience_sql(
        "e", filter_
    )
    counts = "FROM attendance_counts c WHERE c.session_id = s.id" + _audience_sql("c", filter_)
    figures = (
        (f"SELECT count(*) {roster}", f"SELECT coalesce(sum(c.enrolled), 0) {counts}"),
        (
            f"SELECT count(*) {roster} AND {_COMPLETED}",
            f"SELECT coalesce(sum(c.completed), 0) {counts}",
        ),
        (
            f"SELECT count(*) {roster} AND {_COMPLETED} AND {_WOMAN}",
            f"SELECT coalesce(sum(c.completed), 0) {counts} AND c.sex = 'F'",
        ),
        (
            f"SELECT count(*) {roster} AND {_COMPLETED} AND {_UNRECORDED}",
            f"SELECT coalesce(sum(c.completed), 0) {counts} AND c.sex = '{SEX_NOT_RECORDED}'",
        ),
    )
    return ", ".join(
        f"CASE s.attendance_mode WHEN 'counts' THEN ({by_count}) ELSE ({by_roster}) END"
        for by_roster, by_count in figures
    )


def from_sql(filter_: TrainingFilter) -> str:
    """``training_sessions s``, read through the index of deleted sessions in that view.

    (Left to itself SQLite walks the date index to avoid a sort and visits every live
    session to find the few deleted ones.)
    """
    if filter_.deleted:
        return "training_sessions s INDEXED BY ix_training_sessions_deleted"
    return "training_sessions s"


def where_sql(filter_: TrainingFilter) -> tuple[str, dict[str, Any]]:
    """The WHERE condition on ``training_sessions s`` for a filter, and its parameters."""
    clauses = ["s.deleted_at IS NOT NULL" if filter_.deleted else "s.deleted_at IS NULL"]
    params: dict[str, Any] = {}
    if filter_.start is not None:
        clauses.append("s.start_date >= :start")
        params["start"] = filter_.start.isoformat()
    if filter_.end is not None:
        clauses.append("s.start_date <= :end")
        params["end"] = filter_.end.isoformat()
    for key in ("topic", "venue_type", "provider", "training_status"):
        value = getattr(filter_, key)
        if value is not None:
            clauses.append(f"s.{key} = :{key}")
            params[key] = value
    if filter_.audience is not None:
        params["audience"] = filter_.audience
        clauses.append(
            "CASE s.attendance_mode "
            "WHEN 'counts' THEN EXISTS (SELECT 1 FROM attendance_counts c "
            "WHERE c.session_id = s.id AND c.audience = :audience) "
            "ELSE EXISTS (SELECT 1 FROM enrollments e WHERE e.session_id = s.id "
            f"AND e.audience = :audience AND {_LIVE_PERSON}) END"
        )
    query = search_query(filter_.text)
    if query is not None:
        clauses.append(
            "s.id IN (SELECT rowid FROM training_search WHERE training_search MATCH :search)"
        )
        params["search"] = query
    return " AND ".join(clauses), params


def _order(sort_key: str, descending: bool) -> str:
    if sort_key not in SORTABLE_KEYS:
        sort_key = "start_date"
    column = next(c for c in COLUMNS if c.key == sort_key)
    direction = "DESC" if descending else "ASC"
    return f"{column.sort_sql} {direction}, s.id {direction}"


def fetch_page(
    connection: Connection,
    filter_: TrainingFilter,
    *,
    sort_key: str = "start_date",
    descending: bool = True,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[dict[str, Any]]:
    """One page of sessions (dicts keyed by ``ROW_KEYS``), with their participant figures.

    ``sort_key`` must be a sortable column (see ``SORTABLE_KEYS``); any other sorts by
    start date.
    """
    where, params = where_sql(filter_)
    order = _order(sort_key, descending)
    params.update(limit=limit, offset=offset)
    # The page's ids come from the sessions table alone; only those rows are counted.
    sql = (
        f"SELECT {SESSION_SQL}, {_figure_sql(filter_)} "
        f"FROM (SELECT s.id FROM {from_sql(filter_)} WHERE {where} "
        f"ORDER BY {order} LIMIT :limit OFFSET :offset) AS page "
        f"JOIN training_sessions s ON s.id = page.id ORDER BY {order}"
    )
    rows = connection.exec_driver_sql(sql, params).all()
    return [dict(zip(ROW_KEYS, row, strict=True)) for row in rows]


@dataclass(frozen=True)
class ListTotals:
    """Sessions a filter selects and their participants (see the module docstring)."""

    sessions: int
    enrolled: int
    completed: int
    completed_women: int
    completed_sex_not_recorded: int = 0  # in ``completed``, in neither women nor men


def fetch_list_totals(connection: Connection, filter_: TrainingFilter) -> ListTotals:
    """Sessions, enrolled, completed, completed women and completed whose sex is not
    recorded, of everything ``filter_`` selects."""
    sessions_sql = from_sql(filter_)
    where, params = where_sql(filter_)
    sessions = connection.exec_driver_sql(
        f"SELECT count(*) FROM {sessions_sql} WHERE {where}", params
    ).scalar_one()
    roster = connection.exec_driver_sql(
        "SELECT count(*), "
        f"coalesce(sum({_COMPLETED}), 0), "
        f"coalesce(sum({_COMPLETED} AND p.sex = 'F'), 0), "
        f"coalesce(sum({_COMPLETED} AND p.sex = '{SEX_NOT_RECORDED}'), 0) "
        f"FROM {sessions_sql} JOIN enrollments e ON e.session_id = s.id "
        "JOIN persons p ON p.id = e.person_id AND p.deleted_at IS NULL "
        f"WHERE {where} AND s.attendance_mode = 'roster'{_audience_sql('e', filter_)}",
        params,
    ).one()
    counts = connection.exec_driver_sql(
        "SELECT coalesce(sum(c.enrolled), 0), coalesce(sum(c.completed), 0), "
        "coalesce(sum(CASE WHEN c.sex = 'F' THEN c.completed ELSE 0 END), 0), "
        f"coalesce(sum(CASE WHEN c.sex = '{SEX_NOT_RECORDED}' THEN c.completed ELSE 0 END), 0) "
        f"FROM {sessions_sql} JOIN attendance_counts c ON c.session_id = s.id "
        f"WHERE {where} AND s.attendance_mode = 'counts'{_audience_sql('c', filter_)}",
        params,
    ).one()
    return ListTotals(
        sessions=int(sessions),
        enrolled=int(roster[0]) + int(counts[0]),
        completed=int(roster[1]) + int(counts[1]),
        completed_women=int(roster[2]) + int(counts[2]),
        completed_sex_not_recorded=int(roster[3]) + int(counts[3]),
    )


def fetch_providers(connection: Connection) -> list[str]:
    """The providers sessions name, each once, in order (for the provider filter)."""
    rows = connection.exec_driver_sql(
        "SELECT DISTINCT provider FROM training_sessions "
        "WHERE provider IS NOT NULL AND provider <> '' ORDER BY provider"
    )
    return [str(row[0]) for row in rows]
