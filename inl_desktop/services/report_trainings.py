"""Training figures of an accomplishments report: people who completed training.

What counts follows ``training_totals``: sessions starting within the period, not
deleted; a roster session's completed enrollments of persons still in the directory,
a counts session's completed counts. Unique persons are told apart by their record;
people in counts carry no identity and each is taken as a distinct person. With an
agency filter only roster participants of that agency count (counts name no agency).
Sessions are those with at least one participant who completed.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from inl_desktop.domain.statements import Groupings
from inl_desktop.services.report_seizures import ReportScope
from inl_desktop.services.training_totals import Figures

IN_COUNTRY = "IN_COUNTRY"


@dataclass(frozen=True)
class Trainees:
    """Unique persons and person-trainings, each split by sex."""

    unique_persons: Figures = field(default_factory=Figures)
    person_trainings: Figures = field(default_factory=Figures)

    def plus(self, sex: str, unique: int, trainings: int) -> Trainees:
        """These figures with more of one sex."""
        return Trainees(
            self.unique_persons.plus(sex, unique), self.person_trainings.plus(sex, trainings)
        )


@dataclass
class TrainingCounts:
    """Completed training of a report's scope."""

    overall: Trainees = field(default_factory=Trainees)
    by_audience: dict[str, Trainees] = field(default_factory=dict)
    by_grouping: dict[int, Trainees] = field(default_factory=dict)
    abroad: Trainees = field(default_factory=Trainees)
    sessions_by_venue: dict[str, int] = field(default_factory=dict)
    counted: Figures = field(default_factory=Figures)  # people recorded as counts, included above


def _conditions(scope: ReportScope) -> tuple[str, dict[str, Any]]:
    post, params = scope.post_condition("s.post_code")
    params |= {"start": scope.period.start.isoformat(), "end": scope.period.end.isoformat()}
    return f"s.deleted_at IS NULL AND s.start_date BETWEEN :start AND :end{post}", params


# Completed roster enrollments of live persons in live sessions, by the copies of their
# session's and person's columns that each enrollment carries (see store.models).
_DONE = (
    "e.session_live = 1 AND e.person_live = 1 AND e.session_mode = 'roster' "
    "AND e.completion = 'completed' AND e.session_start BETWEEN :start AND :end"
)
# Each figure reads one covering index in the order of its group, then of the person.
_FIGURES = """
SELECT 'audience', coalesce(e.audience, ''), e.person_sex, count(*), count(DISTINCT e.person_id)
  FROM enrollments e INDEXED BY ix_enrollments_report_audience
  WHERE {done} GROUP BY e.audience, e.person_sex
UNION ALL SELECT 'sex', '', e.person_sex, count(*), count(DISTINCT e.person_id)
  FROM enrollments e INDEXED BY ix_enrollments_report_sex
  WHERE {done} GROUP BY e.person_sex
UNION ALL SELECT 'abroad', '', e.person_sex, count(*), count(DISTINCT e.person_id)
  FROM enrollments e INDEXED BY ix_enrollments_report_venue
  WHERE {done} AND e.session_venue IN (SELECT DISTINCT venue_type FROM training_sessions
    WHERE venue_type NOT IN ('', '{in_country}'))
  GROUP BY e.person_sex
"""
_GROUPING = """
UNION ALL SELECT 'grouping', {n}, e.person_sex, count(*), count(DISTINCT e.person_id)
  FROM enrollments e INDEXED BY ix_enrollments_report_audience
  WHERE {done} AND e.audience IN (SELECT value FROM json_each(:grouping{n}))
  GROUP BY e.person_sex
"""


# Up to about two years of sessions are read once, as a range of start dates, and
# counted here; a longer period is counted by SQLite, each figure from an index read in
# the order of its group and then of the person.
RANGE_DAYS = 800


def _figures_of_range(
    connection: Connection, done: str, params: dict[str, Any], groupings: Groupings
) -> list[tuple[str, str | int, str, int, int]]:
    """(kind, key, sex, person-trainings, unique persons) of the short period's trainees:
    counted by audience and sex as the rows come; the other figures are unions of those."""
    trainings: Counter[tuple[str, str]] = Counter()
    persons: dict[tuple[str, str], set[int]] = defaultdict(set)
    abroad: Counter[str] = Counter()
    abroad_persons: dict[str, set[int]] = defaultdict(set)
    rows = connection.exec_driver_sql(
        "SELECT coalesce(e.audience, ''), e.person_sex, e.person_id, "
        "coalesce(e.session_venue, '') FROM enrollments e "
        f"INDEXED BY ix_enrollments_report_start WHERE {done}",
        params,
    )
    for audience, sex, person, venue in rows:
        trainings[audience, sex] += 1
        persons[audience, sex].add(person)
        if venue and venue != IN_COUNTRY:
            abroad[sex] += 1
            abroad_persons[sex].add(person)
    figures: list[tuple[str, str | int, str, int, int]] = [
        ("audience", audience, sex, count, len(persons[audience, sex]))
        for (audience, sex), count in trainings.items()
    ]
    figures += [
        ("abroad", "", sex, count, len(abroad_persons[sex])) for sex, count in abroad.items()
    ]
    wholes: list[tuple[str, str | int, frozenset[str] | None]] = [("sex", "", None)]
    wholes += [("grouping", n, g.audiences) for n, g in enumerate(groupings.audiences)]
    for kind, key, audiences in wholes:
        for sex in {sex for _, sex in trainings}:
            parts = [
                part
                for part in trainings
                if part[1] == sex and (audiences is None or part[0] in audiences)
            ]
            if parts:
                people = set().union(*(persons[part] for part in parts))
                count = sum(trainings[part] for part in parts)
                figures.append((kind, key, sex, count, len(people)))
    return figures


def count_trainings(
    connection: Connection, scope: ReportScope, groupings: Groupings
) -> TrainingCounts:
    """Completed trainees of the scope by sex, audience, grouping and venue."""
    where, params = _conditions(scope)
    post, _ = scope.post_condition("e.session_post")
    done = _DONE + post
    if scope.agency is not None:
        params["agency"] = scope.agency
        done += " AND e.person_agency = :agency"
    agency = " AND e.person_agency = :agency" if scope.agency is not None else ""
    sessions_sql = (
        "SELECT 'sessions', coalesce(s.venue_type, ''), '', count(*), 0 "
        f"FROM training_sessions s WHERE {where} AND s.attendance_mode = 'roster' "
        "AND EXISTS (SELECT 1 FROM enrollments e WHERE e.session_id = s.id "
        f"AND e.completion = 'completed' AND e.person_live = 1{agency}) GROUP BY 1"
    )
    figures: list[tuple[str, str | int, str, int, int]] = []
    if (scope.period.end - scope.period.start).days <= RANGE_DAYS:
        figures += _figures_of_range(connection, done, params, groupings)
        sql = sessions_sql
    else:
        sql = _FIGURES.format(done=done, in_country=IN_COUNTRY)
        for n, grouping in enumerate(groupings.audiences):
            params[f"grouping{n}"] = json.dumps(sorted(grouping.audiences))
            sql += _GROUPING.format(done=done, n=n)
        sql += "UNION ALL " + sessions_sql
    figures += connection.exec_driver_sql(sql, params).all()
    result = TrainingCounts()
    for kind, key, sex, trainings, unique in figures:
        _add(result, kind, key, sex, int(trainings), int(unique))
    if scope.agency is None:
        counts_sql = (
            "SELECT c.audience, c.sex, coalesce(s.venue_type, ''), sum(c.completed) "
            "FROM training_sessions s "
            "JOIN attendance_counts c ON c.session_id = s.id "
            f"WHERE {where} AND s.attendance_mode = 'counts' AND c.completed > 0 "
            "GROUP BY 1, 2, 3"
        )
        for audience, sex, venue, completed in connection.exec_driver_sql(counts_sql, params):
            amount = int(completed)
            result.counted = result.counted.plus(sex, amount)
            in_grouping = next(
                (n for n, g in enumerate(groupings.audiences) if audience in g.audiences), None
            )
            places: list[tuple[str, str | int]] = [("audience", audience), ("sex", "")]
            if venue not in ("", IN_COUNTRY):
                places.append(("abroad", ""))
            if in_grouping is not None:
                places.append(("grouping", in_grouping))
            for kind, key in places:
                _add(result, kind, key, sex, amount, amount)
        counted_sessions = connection.exec_driver_sql(
            "SELECT coalesce(s.venue_type, ''), count(*) FROM training_sessions s "
            f"WHERE {where} AND s.attendance_mode = 'counts' AND EXISTS (SELECT 1 FROM "
            "attendance_counts c WHERE c.session_id = s.id AND c.completed > 0) GROUP BY 1",
            params,
        )
        for venue, number in counted_sessions:
            result.sessions_by_venue[venue] = result.sessions_by_venue.get(venue, 0) + int(number)
    return result


def _add(
    result: TrainingCounts,
    kind: str,
    key: str | int,
    sex: str,
    trainings: int,
    unique: int,
) -> None:
    if kind == "sessions":
        result.sessions_by_venue[str(key)] = result.sessions_by_venue.get(str(key), 0) + trainings
    elif kind == "sex":
        result.overall = result.overall.plus(sex, unique, trainings)
    elif kind == "abroad":
        result.abroad = result.abroad.plus(sex, unique, trainings)
    elif kind == "grouping":
        number = int(key)
        result.by_grouping[number] = result.by_grouping.get(number, Trainees()).plus(
            sex, unique, trainings
        )
    else:
        result.by_audience[str(key)] = result.by_audience.get(str(key), Trainees()).plus(
            sex, unique, trainings
        )
