"""The dashboard's figures: seizures by month and drug group, by agency and by province
(kg-equivalent), completed trainings by audience category and sex, sessions by venue.

Seizures follow the seizure list's filter (its basis too: the dashboard shows one basis
at a time unless asked for both); trainings the training list's. Whole years and months
are read from the summary tables (``store.summaries``); the days of part-months at the
ends, and a text search, from the items, an index seek per month and drug, per agency
and drug, or per province. So the dashboard stays quick at a million items.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.periods import month as calendar_month
from inl_desktop.domain.periods import month_end, split_calendar, split_months
from inl_desktop.domain.units import MG_PER_KG
from inl_desktop.services.reports.seizures import distinct_values
from inl_desktop.store.seizure_list import SeizureFilter, search_query
from inl_desktop.store.seizure_list import where_sql as seizure_where
from inl_desktop.store.training_list import TrainingFilter, from_sql
from inl_desktop.store.training_list import where_sql as training_where


@dataclass(frozen=True)
class DashboardFigures:
    """What the dashboard's charts draw (kg-equivalent as Decimal kilograms)."""

    months: tuple[str, ...] = ()  # "2019-03", in order
    by_month_group: dict[str, tuple[Decimal, ...]] = field(default_factory=dict)
    by_agency: dict[str, Decimal] = field(default_factory=dict)
    by_province: dict[str, Decimal] = field(default_factory=dict)
    trainees: dict[tuple[str, str], int] = field(default_factory=dict)  # (audience, sex)
    sessions_by_venue: dict[str, int] = field(default_factory=dict)


def _months(connection: Connection, filter_: SeizureFilter) -> list[tuple[date, date]]:
    first, last = filter_.start, filter_.end
    if first is None or last is None:
        # Two subqueries, each one seek at an end of the date index (together in one
        # SELECT, min and max read every row).
        low, high = connection.exec_driver_sql(
            "SELECT (SELECT min(event_start) FROM seizure_items "
            "INDEXED BY ix_seizure_items_list_date WHERE live = :live), "
            "(SELECT max(event_start) FROM seizure_items "
            "INDEXED BY ix_seizure_items_list_date WHERE live = :live)",
            {"live": 0 if filter_.deleted else 1},
        ).one()
        if low is None:
            return []
        first = first or date.fromisoformat(str(low))
        last = last or date.fromisoformat(str(high))
    months = []
    year, number = first.year, first.month
    while (year, number) <= (last.year, last.month):
        period = calendar_month(year, number)
        months.append((max(period.start, first), min(period.end, last)))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return months


def _kg(mg: int | None) -> Decimal:
    return Decimal(int(mg or 0)) / MG_PER_KG


def _summable(filter_: SeizureFilter, use_totals: bool) -> bool:
    """Whether ``seizure_totals`` answers the filter (a text search needs the items)."""
    return use_totals and search_query(filter_.text) is None


def _totals_where(filter_: SeizureFilter, params: dict[str, object]) -> str:
    """The filter's conditions on ``seizure_totals t`` other than the dates."""
    clauses = ["t.live = :live"]
    for key in ("agency", "province", "basis", "status"):
        if getattr(filter_, key) is not None:
            clauses.append(f"t.{key} = :{key}")
    if filter_.drugs:
        clauses.append("t.drug IN (SELECT value FROM json_each(:chosen_drugs))")
        params["chosen_drugs"] = json.dumps(list(filter_.drugs))
    return " AND ".join(clauses)


def _sums_by(
    connection: Connection,
    filter_: SeizureFilter,
    column: str,
    keys: list[str],
    drugs: list[str],
    dates: tuple[date, date] | None,
    use_totals: bool,
) -> dict[str, int]:
    """Kg-equivalent (mg) of the filter's items by ``column`` (agency or province), for
    the keys given: whole years and months from ``seizure_totals``, other days (and any
    text search) from the items."""
    where, params = seizure_where(filter_)
    params["keys"] = json.dumps(keys)
    sums: dict[str, int] = defaultdict(int)
    # Day ranges read from the items; None: every item the filter selects.
    days: list[tuple[date, date] | None] = []
    if not _summable(filter_, use_totals):
        spans, days = [], [None]
    elif filter_.start is None and filter_.end is None:
        spans = [("year", "", "9999")]  # every year, and the undated
    elif dates is None:
        return {}
    else:
        split = split_calendar(*dates)
        spans = [("year", *split.years)] if split.years is not None else []
        spans += [("month", first, last) for first, last in split.months]
        days = list(split.days)
    if spans:
        params["spans"] = json.dumps(spans)
        rows = connection.exec_driver_sql(
            f"SELECT t.{column}, sum(t.mg) FROM json_each(:spans) s CROSS JOIN seizure_totals t "
            f"WHERE {_totals_where(filter_, params)} "
            "AND t.span = json_extract(s.value, '$[0]') "
            "AND t.period BETWEEN json_extract(s.value, '$[1]') AND json_extract(s.value, '$[2]') "
            f"AND t.{column} IN (SELECT value FROM json_each(:keys)) GROUP BY 1",
            params,
        )
        for key, mg in rows:
            sums[str(key)] += int(mg or 0)
    index = f"ix_seizure_items_report_{column}"
    for day_range in days:
        between = "" if day_range is None else " AND i.event_start BETWEEN :first AND :last"
        first, last = day_range or (None, None)
        # The agency index has the drug before the date: one seek per agency and drug.
        by_drug = column == "agency"
        rows = connection.exec_driver_sql(
            f"SELECT k.value, (SELECT sum(i.kg_equivalent_mg) FROM seizure_items i "
            f"INDEXED BY {index} WHERE {where} AND i.{column} = k.value"
            + (" AND i.drug = d.value" if by_drug else "")
            + f"{between}) FROM json_each(:keys) k"
            + (", json_each(:drug_list) d" if by_drug else ""),
            params
            | {
                "first": first and first.isoformat(),
                "last": last and last.isoformat(),
                "drug_list": json.dumps(drugs),
            },
        )
        for key, mg in rows:
            sums[str(key)] += int(mg or 0)
    return sums


def _by_month_and_drug(
    connection: Connection,
    filter_: SeizureFilter,
    months: list[tuple[date, date]],
    drugs: list[str],
    use_totals: bool,
) -> dict[tuple[int, str], int]:
    """Kg-equivalent (mg) by (month number in ``months``, drug): whole months from
    ``seizure_totals``, the part-months at the ends (and any text search) from the
    items, one index seek per month and drug."""
    where, params = seizure_where(filter_)
    params["drug_list"] = json.dumps(drugs)
    found: dict[tuple[int, str], int] = defaultdict(int)
    whole = {
        f"{a:%Y-%m}": n
        for n, (a, b) in enumerate(months)
        if _summable(filter_, use_totals) and a.day == 1 and b == month_end(b.year, b.month)
    }
    if whole:
        rows = connection.exec_driver_sql(
            f"SELECT t.period, t.drug, sum(t.mg) FROM seizure_totals t "
            f"WHERE {_totals_where(filter_, params)} AND t.span = 'month' "
            "AND t.period BETWEEN :first_month AND :last_month "
            "AND t.drug IN (SELECT value FROM json_each(:drug_list)) GROUP BY 1, 2",
            params | {"first_month": min(whole), "last_month": max(whole)},
        )
        for period, drug, mg in rows:
            if period in whole:
                found[(whole[period], str(drug))] += int(mg or 0)
    parts = [
        [n, a.isoformat(), b.isoformat()]
        for n, (a, b) in enumerate(months)
        if f"{a:%Y-%m}" not in whole
    ]
    if parts:
        params["months"] = json.dumps(parts)
        rows = connection.exec_driver_sql(
            "WITH months AS (SELECT json_extract(value, '$[0]') AS n, "
            "json_extract(value, '$[1]') AS first, json_extract(value, '$[2]') AS last "
            "FROM json_each(:months)), drugs AS (SELECT value AS drug FROM json_each(:drug_list)) "
            "SELECT m.n, d.drug, (SELECT sum(i.kg_equivalent_mg) "
            "FROM seizure_items i INDEXED BY ix_seizure_items_report_drug "
            f"WHERE {where} AND i.drug = d.drug AND i.event_start BETWEEN m.first AND m.last) "
            "FROM months m, drugs d",
            params,
        )
        for n, drug, mg in rows:
            found[(int(n), str(drug))] += int(mg or 0)
    return found


def dashboard_figures(
    connection: Connection,
    seizures: SeizureFilter,
    trainings: TrainingFilter,
    catalog: Catalog,
    *,
    use_totals: bool = True,
) -> DashboardFigures:
    """The figures of every chart, for the two filters.

    With ``use_totals`` false every figure is read from the rows, not the summary
    tables (the two agree; the tests hold them to it)."""
    drugs = distinct_values(connection, "drug")
    if seizures.drugs:
        drugs = [d for d in drugs if d in seizures.drugs]
    months = _months(connection, seizures)
    groups = sorted({catalog.drugs[d].group if d in catalog.drugs else "" for d in drugs})
    by_month_group: dict[str, list[Decimal]] = {g: [Decimal(0)] * len(months) for g in groups}
    if months and drugs:
        for (n, drug), mg in _by_month_and_drug(
            connection, seizures, months, drugs, use_totals
        ).items():
            if mg:
                group = catalog.drugs[drug].group if drug in catalog.drugs else ""
                by_month_group[group][n] += _kg(mg)
    dates = (months[0][0], months[-1][1]) if months else None

    def kg_by(column: str) -> dict[str, Decimal]:
        """Kg-equivalent by agency or by province (the one chosen, or every one)."""
        chosen = getattr(seizures, column)
        keys = [chosen] if chosen is not None else distinct_values(connection, column)
        sums = _sums_by(connection, seizures, column, keys, drugs, dates, use_totals)
        return {key: _kg(mg) for key, mg in sums.items() if mg}

    by_agency, by_province = kg_by("agency"), kg_by("province")
    trainees, sessions = _training_figures(connection, trainings, use_totals)
    return DashboardFigures(
        months=tuple(f"{a.year}-{a.month:02d}" for a, _ in months),
        by_month_group={g: tuple(values) for g, values in by_month_group.items() if any(values)},
        by_agency=by_agency,
        by_province=by_province,
        trainees=trainees,
        sessions_by_venue=sessions,
    )


def _roster_trainees(connection: Connection, filter_: TrainingFilter) -> dict[tuple[str, str], int]:
    """Completed roster enrollments by (audience, sex) of a filter on dates and audience
    only: whole months from ``trainee_totals``, the days at the ends from the
    enrollments."""
    split = split_months(filter_.start or date.min, filter_.end or date.max)
    audience = " AND {alias}.audience = :audience" if filter_.audience is not None else ""
    found: dict[tuple[str, str], int] = defaultdict(int)
    rows: list[Any] = []
    if split.first_month is not None:
        rows += connection.exec_driver_sql(
            "SELECT t.audience, t.sex, sum(t.trainings) FROM trainee_totals t "
            "WHERE t.month BETWEEN :first AND :last"
            + audience.format(alias="t")
            + " GROUP BY 1, 2",
            {"first": split.first_month, "last": split.last_month, "audience": filter_.audience},
        ).all()
    for first, last in split.edges:
        rows += connection.exec_driver_sql(
            "SELECT coalesce(e.audience, ''), coalesce(e.person_sex, ''), count(*) "
            "FROM enrollments e INDEXED BY ix_enrollments_report_start "
            "WHERE e.session_live = 1 AND e.person_live = 1 AND e.session_mode = 'roster' "
            "AND e.completion = 'completed' AND e.session_start BETWEEN :first AND :last"
            + audience.format(alias="e")
            + " GROUP BY 1, 2",
            {"first": first.isoformat(), "last": last.isoformat(), "audience": filter_.audience},
        ).all()
    for category, sex, completed in rows:
        if completed:
            found[(str(category), str(sex))] += int(completed)
    return found


def _training_figures(
    connection: Connection, filter_: TrainingFilter, use_totals: bool
) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    where, params = training_where(filter_)
    beyond_copies = replace(filter_, start=None, end=None, audience=None, deleted=False)
    trainees: dict[tuple[str, str], int] = defaultdict(int)
    if beyond_copies == TrainingFilter() and not filter_.deleted and use_totals:
        trainees.update(_roster_trainees(connection, filter_))
    else:
        # Enrollments carry copies of their session's date and state and their person's
        # sex (see store.models), so the roster figures read one index in order; the
        # filters the copies do not answer select the sessions first.
        live = 0 if filter_.deleted else 1
        done = (
            f"e.session_live = {live} AND e.person_live = 1 AND e.session_mode = 'roster' "
            "AND e.completion = 'completed'"
        )
        if filter_.start is not None:
            done += " AND e.session_start >= :start"
        if filter_.end is not None:
            done += " AND e.session_start <= :end"
        if filter_.audience is not None:
            done += " AND e.audience = :audience"
        if beyond_copies != TrainingFilter():
            done += f" AND e.session_id IN (SELECT s.id FROM {from_sql(filter_)} WHERE {where})"
        for category, sex, completed in connection.exec_driver_sql(
            "SELECT coalesce(e.audience, ''), e.person_sex, count(*) "
            "FROM enrollments e INDEXED BY ix_enrollments_report_audience "
            f"WHERE {done} GROUP BY e.audience, e.person_sex",
            params,
        ):
            trainees[(str(category), str(sex))] += int(completed)
    counts_audience = " AND c.audience = :audience" if filter_.audience is not None else ""
    for category, sex, completed in connection.exec_driver_sql(
        "SELECT c.audience, c.sex, sum(c.completed) FROM training_sessions s "
        "JOIN attendance_counts c ON c.session_id = s.id "
        f"WHERE {where} AND s.attendance_mode = 'counts'{counts_audience} GROUP BY 1, 2",
        params,
    ):
        if completed:
            trainees[(str(category), str(sex))] += int(completed)
    sessions = {
        str(venue): int(number)
        for venue, number in connection.exec_driver_sql(
            f"SELECT coalesce(s.venue_type, ''), count(*) FROM training_sessions s WHERE {where} "
            "GROUP BY 1",
            params,
        )
    }
    return dict(trainees), sessions
