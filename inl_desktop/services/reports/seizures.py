"""Seizure figures of an accomplishments report, counted without double counting.

The counting rule (README, "Reports and dashboard"):

- A record is in the period when its start is (a seizure's date, an aggregate report's
  first day), as in the seizure list. Deleted records never count; a seizure linked as
  the same as another live seizure counts under that one only.
- An agency's aggregate report counts when its whole period lies within the report's
  period. One extending beyond it is left out (its figures cannot be split by date),
  and so is one overlapping a counted report of the same agency for another period
  that is longer, or as long and earlier. Reports of the agency for the very same
  period (one per province, say) all count.
- An agency's individual seizures dated within one of its counted aggregate reports'
  periods are covered by that report and are not added; its other individual seizures
  count. So each agency's figure uses, date by date, its aggregate report where one
  covers the date, else its individual seizures, and the table says which.

The sums of whole years and months read the summary table ``seizure_totals`` (a range
of rows per agency and date range); the days of part-months at a range's ends read
``seizure_items`` through a covering index, one seek per agency, drug and range. No
pass over the items, in SQL or in Python.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from inl_desktop.domain.periods import Period, split_calendar

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
class _Reports:
    """An agency's aggregate reports for one period (one per province, say)."""

    agency: str | None
    start: date
    end: date
    number: int

    @property
    def key(self) -> tuple[str | None, date, date]:
        return (self.agency, self.start, self.end)

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
    AND i.event_start BETWEEN r.first AND r.last AND i.basis = :basis{items_post}
)
FROM ranges r, drugs d
"""


_TOTALS = """
WITH ranges AS (
  SELECT json_extract(value, '$[0]') AS agency, json_extract(value, '$[1]') AS span,
         json_extract(value, '$[2]') AS first, json_extract(value, '$[3]') AS last,
         json_extract(value, '$[4]') AS part
  FROM json_each(:ranges)
)
SELECT r.agency, r.part, t.drug,
       json_array(sum(t.mg), sum(t.items), sum(t.with_kg))
FROM ranges r CROSS JOIN seizure_totals t
WHERE t.live = 1 AND t.basis = :basis AND t.agency = coalesce(r.agency, '')
  AND t.span = r.span AND t.period BETWEEN r.first AND r.last{totals_post}
GROUP BY r.agency, r.part, t.drug
"""


def distinct_values(connection: Connection, column: str) -> list[str]:
    """The distinct non-null values of an indexed item column (agency, drug, province)."""
    return [str(row[0]) for row in connection.exec_driver_sql(_DISTINCT.format(column=column))]


def count_seizures(
    connection: Connection, scope: ReportScope, *, use_totals: bool = True
) -> SeizureCounts:
    """Kg-equivalent sums of the scope, each in its part of the counting rule.

    Whole years and months come from the summary table ``seizure_totals`` unless ``use_totals``
    is false, when every item is read (the two agree; the tests hold them to it)."""
    counts = SeizureCounts()
    period = scope.period
    reports = _aggregate_reports(connection, scope)
    parts = _choose_parts(reports, period)
    counted: dict[str | None, list[tuple[date, date]]] = defaultdict(list)
    for found in reports:
        counts.reports[(found.agency, parts[found.key])] += found.number
        if parts[found.key] == AGGREGATE:
            counted[found.agency].append((found.start, found.end))

    agencies: list[str | None] = (
        [scope.agency] if scope.agency is not None else [*distinct_values(connection, "agency")]
    )
    if scope.agency is None:
        agencies.append(None)
    if use_totals:
        # The counted reports: all starting in the period, less those left out.
        whole = [
            [agency, period.start.isoformat(), period.end.isoformat(), AGGREGATE]
            for agency in agencies
        ]
        _add_sums(connection, scope, whole, counts, "aggregate", use_totals=True)
        left_out = [found for found in reports if parts[found.key] != AGGREGATE]
        _add_report_sums(connection, scope, left_out, parts, counts, period)
    else:
        _add_report_sums(connection, scope, reports, parts, counts, None)
    spans = {agency: _merged(dates) for agency, dates in counted.items()}
    counts.covered_spans = spans
    ranges: list[list[Any]] = []
    for agency in agencies:
        covered = spans.get(agency, [])
        ranges += [[agency, a.isoformat(), b.isoformat(), COVERED] for a, b in covered]
        ranges += [[agency, a.isoformat(), b.isoformat(), CASE] for a, b in _gaps(period, covered)]
    _add_sums(connection, scope, ranges, counts, "case", use_totals=use_totals)
    _remove_linked_duplicates(connection, scope, spans, counts, aggregates_too=use_totals)
    return counts


def _add_sums(
    connection: Connection,
    scope: ReportScope,
    ranges: list[list[Any]],
    counts: SeizureCounts,
    basis: str,
    *,
    use_totals: bool,
) -> None:
    """Sum the records of a basis starting in each (agency, first day, last day, part)
    range: its whole years and months from ``seizure_totals``, the days outside them
    from the items."""
    day_ranges: list[list[Any]] = []
    summed_ranges: list[list[Any]] = []
    for agency, first, last, part in ranges:
        if not use_totals:
            day_ranges.append([agency, first, last, part])
            continue
        split = split_calendar(date.fromisoformat(first), date.fromisoformat(last))
        if split.years is not None:
            summed_ranges.append([agency, "year", *split.years, part])
        summed_ranges += [[agency, "month", a, b, part] for a, b in split.months]
        day_ranges += [[agency, a.isoformat(), b.isoformat(), part] for a, b in split.days]
    found: list[tuple[str | None, str, str, str]] = []
    if day_ranges:
        items_post, params = scope.post_condition(
            "(SELECT e.post_code FROM seizure_events e WHERE e.id = i.event_id)"
        )
        params |= {
            "ranges": json.dumps(day_ranges),
            "drugs": json.dumps(distinct_values(connection, "drug")),
            "basis": basis,
        }
        sql = _CASE_SUMS.format(items_post=items_post)
        found += connection.exec_driver_sql(sql, params).all()
    if summed_ranges:
        totals_post, params = scope.post_condition("t.post")
        params |= {"ranges": json.dumps(summed_ranges), "basis": basis}
        found += connection.exec_driver_sql(_TOTALS.format(totals_post=totals_post), params).all()
    for agency, part, drug, packed in found:
        mg, items, with_kg = json.loads(packed)
        if items:
            counts.sums[(agency, drug, part)].add(int(mg), int(items), int(items) - int(with_kg))


# Aggregate reports of the scope (live, not linked as the same as another live seizure).
_REPORTS = "e.basis = 'aggregate' AND e.deleted_at IS NULL AND {not_linked}{agency}{post}"


def _aggregate_reports(connection: Connection, scope: ReportScope) -> list[_Reports]:
    """The aggregate reports reaching into the period, by agency and period."""
    period = scope.period
    post, params = scope.post_condition("e.post_code")
    agency = " AND e.agency = :agency" if scope.agency is not None else ""
    params |= {"start": period.start.isoformat(), "end": period.end.isoformat()}
    params |= {"agency": scope.agency}
    where = _REPORTS.format(not_linked=_NOT_LINKED, agency=agency, post=post)
    rows = connection.exec_driver_sql(
        "SELECT e.agency, e.period_start, coalesce(e.period_end, e.period_start), count(*) "
        "FROM seizure_events e INDEXED BY ix_seizure_events_aggregates "
        f"WHERE {where} AND e.period_start <= :end "
        "AND coalesce(e.period_end, e.period_start) >= :start "
        # In the index's order: no sorting.
        "GROUP BY e.period_start, e.period_end, e.agency",
        params,
    )
    days: dict[str, date] = {}  # monthly reports repeat a few dozen dates
    return [
        _Reports(
            agency_code,
            days.setdefault(start, _day(start)),
            days.setdefault(end, _day(end)),
            int(number),
        )
        for agency_code, start, end, number in rows
    ]


def _choose_parts(
    reports: list[_Reports], period: Period
) -> dict[tuple[str | None, date, date], str]:
    """Each period's reports' part: counted, beyond the period, or overlapping a counted
    one of another period that is longer (or as long and earlier)."""
    parts: dict[tuple[str | None, date, date], str] = {}
    # Per agency, the counted periods' starts and ends in date order: they never
    # overlap, so the last one starting by a period's end is the only one that can
    # reach it.
    starts: dict[str | None, list[date]] = defaultdict(list)
    ends: dict[str | None, list[date]] = defaultdict(list)
    for found in sorted(reports, key=lambda r: (-r.days, r.start)):
        if not (period.start <= found.start and found.end <= period.end):
            parts[found.key] = BEYOND
            continue
        mine_starts, mine_ends = starts[found.agency], ends[found.agency]
        before = bisect_right(mine_starts, found.end)
        if before and mine_ends[before - 1] >= found.start:
            parts[found.key] = OVERLAPPING
        else:
            parts[found.key] = AGGREGATE
            mine_starts.insert(before, found.start)
            mine_ends.insert(before, found.end)
    return parts


def _add_report_sums(
    connection: Connection,
    scope: ReportScope,
    reports: list[_Reports],
    parts: dict[tuple[str | None, date, date], str],
    counts: SeizureCounts,
    summed: Period | None,
) -> None:
    """Add the reports' items to their part; with ``summed``, also take away those of
    reports starting in that period from the counted sums (summed as a whole)."""
    if not reports:
        return
    post, params = scope.post_condition("e.post_code")
    periods = [[r.agency, r.start.isoformat(), r.end.isoformat()] for r in reports]
    params |= {"periods": json.dumps(periods), "agency": scope.agency}
    where = _REPORTS.format(not_linked=_NOT_LINKED, agency="", post=post)
    rows = connection.exec_driver_sql(
        "WITH periods AS (SELECT json_extract(value, '$[0]') AS agency, "
        "json_extract(value, '$[1]') AS first, json_extract(value, '$[2]') AS last "
        "FROM json_each(:periods)) "
        "SELECT p.agency, p.first, p.last, i.drug, coalesce(sum(i.kg_equivalent_mg), 0), "
        "count(*), count(i.kg_equivalent_mg) FROM periods p "
        "CROSS JOIN seizure_events e INDEXED BY ix_seizure_events_aggregates "
        "CROSS JOIN seizure_items i INDEXED BY ix_seizure_items_event_drug "
        f"WHERE e.period_start = p.first AND {where} AND e.agency IS p.agency "
        "AND coalesce(e.period_end, e.period_start) = p.last AND i.event_id = e.id "
        "GROUP BY 1, 2, 3, 4",
        params,
    )
    for agency, first, last, drug, mg, items, with_kg in rows:
        start = _day(first)
        part = parts[(agency, start, _day(last))]
        without = int(items) - int(with_kg)
        counts.sums[(agency, str(drug), part)].add(int(mg), int(items), without)
        if summed is not None and summed.contains(start):
            counts.sums[(agency, str(drug), AGGREGATE)].add(-int(mg), -int(items), -without)


def _remove_linked_duplicates(
    connection: Connection,
    scope: ReportScope,
    spans: dict[str | None, list[tuple[date, date]]],
    counts: SeizureCounts,
    *,
    aggregates_too: bool,
) -> None:
    """Take out individual seizures linked as the same as another live seizure, and
    with ``aggregates_too`` linked aggregate reports (summed with the counted ones)."""
    period = scope.period
    post, params = scope.post_condition("e.post_code")
    agency = " AND i.agency = :agency" if scope.agency is not None else ""
    params |= {"start": period.start.isoformat(), "end": period.end.isoformat()}
    params |= {"agency": scope.agency}
    bases = "('case', 'aggregate')" if aggregates_too else "('case')"
    rows = connection.exec_driver_sql(
        "SELECT i.agency, i.drug, i.event_start, i.kg_equivalent_mg, i.basis "
        "FROM seizure_events e INDEXED BY ix_seizure_events_same_as "
        # CROSS JOIN: from the few linked seizures to their items, never the other way.
        "CROSS JOIN seizure_items i ON i.event_id = e.id "
        f"WHERE e.same_as_uuid IS NOT NULL AND {_LINKED} AND i.live = 1 AND i.basis IN {bases} "
        f"AND i.event_start BETWEEN :start AND :end{agency}{post}",
        params,
    )
    for agency_code, drug, start, mg, basis in rows:
        day = _day(start)
        if basis == "aggregate":
            part = AGGREGATE
        elif any(a <= day <= b for a, b in spans.get(agency_code, [])):
            part = COVERED
        else:
            part = CASE
        counts.sums[(agency_code, str(drug), part)].add(-int(mg or 0), -1, -1 if mg is None else 0)


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
