"""The dashboard's figures: seizures by month and drug group, by agency and by province
(kg-equivalent), completed trainings by audience category and sex, sessions by venue.

Seizures follow the seizure list's filter (its basis too: the dashboard shows one basis
at a time unless asked for both); trainings the training list's. Each sum is an index
seek per month and drug, per agency and drug, or per province (see
``report_seizures``), so the dashboard stays quick at a million items.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.periods import month as calendar_month
from inl_desktop.domain.units import MG_PER_KG
from inl_desktop.services.report_seizures import distinct_values
from inl_desktop.store.seizure_list import SeizureFilter
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


def dashboard_figures(
    connection: Connection,
    seizures: SeizureFilter,
    trainings: TrainingFilter,
    catalog: Catalog,
) -> DashboardFigures:
    """The figures of every chart, for the two filters."""
    where, params = seizure_where(seizures)
    drugs = distinct_values(connection, "drug")
    if seizures.drugs:
        drugs = [d for d in drugs if d in seizures.drugs]
    months = _months(connection, seizures)
    params |= {"drug_list": json.dumps(drugs)}
    groups = sorted({catalog.drugs[d].group if d in catalog.drugs else "" for d in drugs})
    by_month_group: dict[str, list[Decimal]] = {g: [Decimal(0)] * len(months) for g in groups}
    if months and drugs:
        params["months"] = json.dumps([[a.isoformat(), b.isoformat()] for a, b in months])
        rows = connection.exec_driver_sql(
            "WITH months AS (SELECT key AS n, json_extract(value, '$[0]') AS first, "
            "json_extract(value, '$[1]') AS last FROM json_each(:months)), "
            "drugs AS (SELECT value AS drug FROM json_each(:drug_list)) "
            "SELECT m.n, d.drug, (SELECT sum(i.kg_equivalent_mg) "
            "FROM seizure_items i INDEXED BY ix_seizure_items_report_drug "
            f"WHERE {where} AND i.drug = d.drug AND i.event_start BETWEEN m.first AND m.last) "
            "FROM months m, drugs d",
            params,
        )
        for n, drug, mg in rows:
            if mg:
                group = catalog.drugs[drug].group if drug in catalog.drugs else ""
                by_month_group[group][int(n)] += _kg(mg)

    agencies = (
        [seizures.agency] if seizures.agency is not None else distinct_values(connection, "agency")
    )
    params["agency_list"] = json.dumps(agencies)
    by_agency: dict[str, Decimal] = defaultdict(Decimal)
    rows = connection.exec_driver_sql(
        "WITH agencies AS (SELECT value AS agency FROM json_each(:agency_list)), "
        "drugs AS (SELECT value AS drug FROM json_each(:drug_list)) "
        "SELECT a.agency, (SELECT sum(i.kg_equivalent_mg) "
        "FROM seizure_items i INDEXED BY ix_seizure_items_report_agency "
        f"WHERE {where} AND i.agency = a.agency AND i.drug = d.drug) "
        "FROM agencies a, drugs d",
        params,
    )
    for agency, mg in rows:
        if mg:
            by_agency[str(agency)] += _kg(mg)

    provinces = (
        [seizures.province]
        if seizures.province is not None
        else distinct_values(connection, "province")
    )
    params["province_list"] = json.dumps(provinces)
    by_province: dict[str, Decimal] = {}
    rows = connection.exec_driver_sql(
        "SELECT p.value, (SELECT sum(i.kg_equivalent_mg) "
        "FROM seizure_items i INDEXED BY ix_seizure_items_report_province "
        f"WHERE {where} AND i.province = p.value) FROM json_each(:province_list) p",
        params,
    )
    for province, mg in rows:
        if mg:
            by_province[str(province)] = _kg(mg)

    trainees, sessions = _training_figures(connection, trainings)
    return DashboardFigures(
        months=tuple(f"{a.year}-{a.month:02d}" for a, _ in months),
        by_month_group={g: tuple(values) for g, values in by_month_group.items() if any(values)},
        by_agency=dict(by_agency),
        by_province=by_province,
        trainees=trainees,
        sessions_by_venue=sessions,
    )


def _training_figures(
    connection: Connection, filter_: TrainingFilter
) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    where, params = training_where(filter_)
    # Enrollments carry copies of their session's date and state and their person's sex
    # (see store.models), so the roster figures read one index in order; the filters the
    # copies do not answer select the sessions first.
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
    beyond_copies = replace(filter_, start=None, end=None, audience=None, deleted=False)
    if beyond_copies != TrainingFilter():
        done += f" AND e.session_id IN (SELECT s.id FROM {from_sql(filter_)} WHERE {where})"
    counts_audience = " AND c.audience = :audience" if filter_.audience is not None else ""
    rows = connection.exec_driver_sql(
        "SELECT coalesce(e.audience, ''), e.person_sex, count(*) "
        "FROM enrollments e INDEXED BY ix_enrollments_report_audience "
        f"WHERE {done} GROUP BY e.audience, e.person_sex "
        "UNION ALL SELECT c.audience, c.sex, sum(c.completed) FROM training_sessions s "
        "JOIN attendance_counts c ON c.session_id = s.id "
        f"WHERE {where} AND s.attendance_mode = 'counts'{counts_audience} GROUP BY 1, 2",
        params,
    )
    trainees: dict[tuple[str, str], int] = defaultdict(int)
    for category, sex, completed in rows:
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
