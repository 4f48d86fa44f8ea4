"""Seizure figures of an accomplishments report, counted without double counting.

The counting rule (README, "Reports and dashboard"):

- A record is in the period when its start is (a seizure's date, an aggregate report's
  first day), as in the seizure list. Deleted records never count; a seizure linked as
  the same as another live seizure counts under that one only.
- An agency's aggregate report counts when its whole period lies within the report's
  period. One extending beyond it is left out (its figures cannot be split by date),
  and so is one overlapping a longer report of the same agency that counts.
- An agency's individual seizures dated within one of its counted aggregate reports'
  periods are covered by that report and are not added; its other individual seizures
  count. So each agency's figure uses, date by date, its aggregate report where one
  covers the date, else its individual seizures, and the table says which.

The sums read ``seizure_items`` through covering indexes: one index seek per agency,
drug and date range (a few thousand at most), never a pass over the rows in Python.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from inl_desktop.domain.periods import Period

# What part of the counting a sum belongs to.
CASE = "case"  # individual seizures, counted
AGGREGATE = "aggregate"  # aggregate reports, counted
COVERED = "covered"  # individual seizures covered by a counted aggregate report, not added
BEYOND = "beyond"  # aggregate reports extending beyond the period, not counted
OVERLAPPING = "overlapping"  # aggregate reports overlapping a longer counted one, not counted


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: a period, and optionally a country, a post, an agency."""

    period: Period
    country: str | None = None
    post: str | None = None
    agency: str | None = None

    def post_condition(self, column: str) -> tuple[str, dict[str, Any]]:
        """An SQL condition on a post-code column (" AND ..."), and its parameters."""
        if self.post is not None:
            return f" AND {column} = :post", {"post": self.post}
        if self.country is not None:
            return f" AND {column} LIKE :country_posts", {"country_posts": f"{self.country}-%"}
        return "", {}


@dataclass
class KgSum:
    """Kg-equivalent (whole milligrams) of some items, and how many lack one."""

    mg: int = 0
    items: int = 0
    without_kg: int = 0

    def add(self, mg: int, items: int, without_kg: int) -> None:
        """Add another sum."""
        self.mg += mg
        self.items += items
        self.without_kg += without_kg


@dataclass
class SeizureCounts:
    """Sums by (agency, drug, part) and the aggregate reports by part and agency."""

    sums: dict[tuple[str | None, str, str], KgSum] = field(
        default_factory=lambda: defaultdict(KgSum)
    )
    reports: dict[tuple[str | None, str], int] = field(default_factory=lambda: defaultdict(int))
    covered_spans: dict[str | None, list[tuple[date, date]]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Aggregate:
    event_id: int
    agency: str | None
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


_LINKED = (
    "(e.same_as_uuid IS NOT NULL AND EXISTS (SELECT 1 FROM seizure_events same "
    "WHERE same.uuid = e.same_as_uuid AND same.deleted_at IS NULL))"
)
_NOT_LINKED = f"NOT {_LINKED}"
# Distinct values of an indexed column, one index seek each ("loose index scan").
_DISTINCT = """
WITH RECURSIVE found(value) AS (
  SELECT (SELECT min({column}) FROM seizure_items WHERE live = 1)
  UNION ALL
  SELECT (SELECT min({column}) FROM seizure_items WHERE live = 1 AND {column} > value)
  FROM found WHERE value IS NOT NULL
)
SELECT value FROM found WHERE value IS NOT NULL
"""
_CASE_SUMS = """
WITH ranges AS (
  SELECT json_extract(value, '$[0]') AS agency, json_extract(value, '$[1]') AS first,
         json_extract(value, '$[2]') AS last, json_extract(value, '$[3]') AS part
  FROM json_each(:ranges)
), drugs AS (SELECT value AS drug FROM json_each(:drugs))
SELECT r.agency, r.part, d.drug, (
  SELECT json_array(coalesce(sum(i.kg_equivalent_mg), 0), count(*), count(i.kg_equivalent_mg))
  FROM seizure_items i INDEXED BY ix_seizure_items_report_agency
  WHERE i.live = 1 AND i.agency IS r.agency AND i.drug = d.drug
    AND i.event_start BETWEEN r.first AND r.last AND i.basis = 'case'{items_post}
)
FROM ranges r, drugs d
"""


def distinct_values(connection: Connection, column: str) -> list[str]:
    """The distinct non-null values of an indexed item column (agency, drug, province)."""
    return [str(row[0]) for row in connection.exec_driver_sql(_DISTINCT.format(column=column))]


def count_seizures(connection: Connection, scope: ReportScope) -> SeizureCounts:
    """Kg-equivalent sums of the scope, each in its part of the counting rule."""
    counts = SeizureCounts()
    period = scope.period
    aggregates = _aggregates(connection, scope)
    parts = _choose_parts(aggregates, period)
    _add_aggregate_sums(connection, aggregates, parts, counts)
    counted: dict[str | None, list[tuple[date, date]]] = defaultdict(list)
    for report in aggregates:
        if parts[report.event_id] == AGGREGATE:
            counted[report.agency].append((report.start, report.end))

    agencies: list[str | None] = (
        [scope.agency] if scope.agency is not None else [*distinct_values(connection, "agency")]
    )
    if scope.agency is None:
        agencies.append(None)
    spans = {agency: _merged(dates) for agency, dates in counted.items()}
    counts.covered_spans = spans
    ranges: list[list[Any]] = []
    for agency in agencies:
        covered = spans.get(agency, [])
        ranges += [[agency, a.isoformat(), b.isoformat(), COVERED] for a, b in covered]
        ranges += [[agency, a.isoformat(), b.isoformat(), CASE] for a, b in _gaps(period, covered)]
    items_post, params = scope.post_condition(
        "(SELECT e.post_code FROM seizure_events e WHERE e.id = i.event_id)"
    )
    sql = _CASE_SUMS.format(items_post=items_post)
    params |= {
        "ranges": json.dumps(ranges),
        "drugs": json.dumps(distinct_values(connection, "drug")),
    }
    for agency, part, drug, packed in connection.exec_driver_sql(sql, params):
        mg, items, with_kg = json.loads(packed)
        if items:
            counts.sums[(agency, drug, part)].add(int(mg), int(items), int(items) - int(with_kg))
    _remove_linked_duplicates(connection, scope, spans, counts)
    return counts


def _aggregates(connection: Connection, scope: ReportScope) -> list[_Aggregate]:
    period = scope.period
    post, params = scope.post_condition("e.post_code")
    agency = " AND e.agency = :agency" if scope.agency is not None else ""
    params |= {"start": period.start.isoformat(), "end": period.end.isoformat()}
    params |= {"agency": scope.agency}
    rows = connection.exec_driver_sql(
        "SELECT e.id, e.agency, e.period_start, coalesce(e.period_end, e.period_start) "
        "FROM seizure_events e INDEXED BY ix_seizure_events_aggregates "
        "WHERE e.basis = 'aggregate' AND e.deleted_at IS NULL AND e.period_start <= :end "
        f"AND coalesce(e.period_end, e.period_start) >= :start AND {_NOT_LINKED}{agency}{post}",
        params,
    )
    return [
        _Aggregate(int(event_id), agency_code, _day(start), _day(end))
        for event_id, agency_code, start, end in rows
    ]


def _choose_parts(aggregates: list[_Aggregate], period: Period) -> dict[int, str]:
    """Each aggregate report's part: counted, beyond the period, or overlapping a longer one."""
    parts: dict[int, str] = {}
    # Per agency, the counted reports' starts and ends in date order: they never overlap,
    # so the last one starting by a report's end is the only one that can reach it.
    starts: dict[str | None, list[date]] = defaultdict(list)
    ends: dict[str | None, list[date]] = defaultdict(list)
    for report in sorted(aggregates, key=lambda a: (-a.days, a.start, a.event_id)):
        if not (period.start <= report.start and report.end <= period.end):
            parts[report.event_id] = BEYOND
            continue
        mine_starts, mine_ends = starts[report.agency], ends[report.agency]
        before = bisect_right(mine_starts, report.end)
        if before and mine_ends[before - 1] >= report.start:
            parts[report.event_id] = OVERLAPPING
        else:
            parts[report.event_id] = AGGREGATE
            mine_starts.insert(before, report.start)
            mine_ends.insert(before, report.end)
    return parts


def _add_aggregate_sums(
    connection: Connection,
    aggregates: list[_Aggregate],
    parts: dict[int, str],
    counts: SeizureCounts,
) -> None:
    by_id = {a.event_id: a for a in aggregates}
    for report in aggregates:
        counts.reports[(report.agency, parts[report.event_id])] += 1
    if not by_id:
        return
    rows = connection.exec_driver_sql(
        "SELECT i.event_id, i.drug, coalesce(sum(i.kg_equivalent_mg), 0), count(*), "
        "count(i.kg_equivalent_mg) FROM seizure_items i "
        "WHERE i.event_id IN (SELECT value FROM json_each(:ids)) GROUP BY 1, 2",
        {"ids": json.dumps(sorted(by_id))},
    )
    for event_id, drug, mg, items, with_kg in rows:
        report = by_id[int(event_id)]
        counts.sums[(report.agency, str(drug), parts[report.event_id])].add(
            int(mg), int(items), int(items) - int(with_kg)
        )


def _remove_linked_duplicates(
    connection: Connection,
    scope: ReportScope,
    spans: dict[str | None, list[tuple[date, date]]],
    counts: SeizureCounts,
) -> None:
    """Take out individual seizures linked as the same as another live seizure."""
    period = scope.period
    post, params = scope.post_condition("e.post_code")
    agency = " AND i.agency = :agency" if scope.agency is not None else ""
    params |= {"start": period.start.isoformat(), "end": period.end.isoformat()}
    params |= {"agency": scope.agency}
    rows = connection.exec_driver_sql(
        "SELECT i.agency, i.drug, i.event_start, i.kg_equivalent_mg "
        "FROM seizure_events e INDEXED BY ix_seizure_events_same_as "
        # CROSS JOIN: from the few linked seizures to their items, never the other way.
        "CROSS JOIN seizure_items i ON i.event_id = e.id "
        f"WHERE e.same_as_uuid IS NOT NULL AND {_LINKED} AND i.live = 1 AND i.basis = 'case' "
        f"AND i.event_start BETWEEN :start AND :end{agency}{post}",
        params,
    )
    for agency_code, drug, start, mg in rows:
        day = _day(start)
        covered = any(a <= day <= b for a, b in spans.get(agency_code, []))
        key = (agency_code, str(drug), COVERED if covered else CASE)
        counts.sums[key].add(-int(mg or 0), -1, -1 if mg is None else 0)


def _merged(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Date ranges joined where they touch or overlap, in order."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _gaps(period: Period, covered: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The parts of the period outside the (merged, ordered) covered ranges."""
    gaps = []
    cursor = period.start
    for start, end in covered:
        if start > cursor:
            gaps.append((cursor, start - timedelta(days=1)))
        cursor = max(cursor, end + timedelta(days=1))
    if cursor <= period.end:
        gaps.append((cursor, period.end))
    return gaps


def _day(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
