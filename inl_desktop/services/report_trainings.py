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


def count_trainings(
    connection: Connection, scope: ReportScope, groupings: Groupings
) -> TrainingCounts:
    """Completed trainees of the scope by sex, audience, grouping and venue."""
    where, params = _conditions(scope)
    if scope.agency is not None:
        params["agency"] = scope.agency
    grouping_case = ""
    for n, grouping in enumerate(groupings.audiences):
        params[f"grouping{n}"] = json.dumps(sorted(grouping.audiences))
        grouping_case += f" WHEN audience IN (SELECT value FROM json_each(:grouping{n})) THEN {n}"
    grouping_sql = f"CASE {grouping_case} END" if grouping_case else "NULL"
    agency = " AND p.agency = :agency" if scope.agency is not None else ""
    sql = f"""
    WITH done AS MATERIALIZED (
      SELECT e.person_id AS person, coalesce(e.audience, '') AS audience, p.sex AS sex,
             coalesce(s.venue_type, '') AS venue, s.id AS session
      FROM training_sessions s
      JOIN enrollments e INDEXED BY ix_enrollments_report
        ON e.session_id = s.id AND e.completion = 'completed'
      JOIN persons p INDEXED BY ix_persons_report
        ON p.id = e.person_id AND p.deleted_at IS NULL{agency}
      WHERE {where} AND s.attendance_mode = 'roster'
    )
    SELECT 'audience', audience, sex, count(*), count(DISTINCT person) FROM done
      GROUP BY audience, sex
    UNION ALL SELECT 'sex', '', sex, count(*), count(DISTINCT person) FROM done GROUP BY sex
    UNION ALL SELECT 'grouping', grouping, sex, count(*), count(DISTINCT person)
      FROM (SELECT {grouping_sql} AS grouping, sex, person FROM done)
      WHERE grouping IS NOT NULL GROUP BY grouping, sex
    UNION ALL SELECT 'abroad', '', sex, count(*), count(DISTINCT person) FROM done
      WHERE venue NOT IN ('', '{IN_COUNTRY}') GROUP BY sex
    UNION ALL SELECT 'sessions', venue, '', count(DISTINCT session), 0 FROM done GROUP BY venue
    """
    result = TrainingCounts()
    for kind, key, sex, trainings, unique in connection.exec_driver_sql(sql, params):
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
