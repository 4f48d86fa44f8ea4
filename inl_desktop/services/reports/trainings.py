"""Training figures of an accomplishments report: people who completed training.

What counts follows ``training_totals``: sessions starting within the period, not
deleted; a roster session's completed enrollments of persons still in the directory,
a counts session's completed counts. Unique persons are told apart by their record;
people in counts carry no identity and each is taken as a distinct person. With an
agency filter only roster participants of that agency count (counts name no agency).
Sessions are those with at least one participant who completed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection

from inl_desktop.domain.periods import split_months
from inl_desktop.domain.statements import Groupings
from inl_desktop.services.reports.seizures import ReportScope
from inl_desktop.services.reports.training_totals import Figures
from inl_desktop.store.summaries import IN_COUNTRY


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

# A period of up to about two years, or one of an agency, is read as one range of
# enrollments; a longer one from the summary tables (store.summaries).
RANGE_DAYS = 800

# Completed trainings by (audience, sex, venue).
Trainings = Counter[tuple[str, str, str]]
# Unique trainees by (sex, their audience categories, trained abroad); the categories
# as trainee_people keeps them, sorted and comma-separated.
People = Counter[tuple[str, str, bool]]
# A figure: (kind, key, sex), kind "sex", "audience", "abroad" or "grouping".
Figure = tuple[str, str | int, str]
# Enrollment rows: (person, audience, sex, venue).
Rows = list[tuple[int, str, str, str]]


def _abroad(venue: str) -> bool:
    return bool(venue) and venue != IN_COUNTRY


def _unique_of_rows(rows: Rows, groupings: Groupings) -> Counter[Figure]:
    """Unique persons of each figure among enrollment rows, from sets of (person, ...)
    tuples that C code builds; Python loops only to pick the rows abroad and the
    trainees of a grouping."""
    unique: Counter[Figure] = Counter()
    trainees = set(map(itemgetter(0, 1, 2), rows))  # (person, audience, sex)
    for (audience, sex), count in Counter(map(itemgetter(1, 2), trainees)).items():
        unique["audience", audience, sex] = count
    for sex, count in Counter(map(itemgetter(1), set(map(itemgetter(0, 2), rows)))).items():
        unique["sex", "", sex] = count
    home = ("", IN_COUNTRY)
    abroad = {(person, sex) for person, _, sex, venue in rows if venue not in home}
    for sex, count in Counter(map(itemgetter(1), abroad)).items():
        unique["abroad", "", sex] = count
    # An audience category is in one grouping at most.
    grouping_of = {
        a: n for n, grouping in enumerate(groupings.audiences) for a in grouping.audiences
    }
    grouped = {
        (grouping_of[audience], person, sex)
        for person, audience, sex in trainees
        if audience in grouping_of
    }
    for (n, sex), count in Counter(map(itemgetter(0, 2), grouped)).items():
        unique["grouping", n, sex] = count
    return unique


def _places(groupings: Groupings, sex: str, audiences: Iterable[str], abroad: bool) -> list[Figure]:
    """The figures a person (or a training) of this sex and these audiences counts in."""
    found: list[Figure] = [("sex", "", sex), *(("audience", a, sex) for a in audiences)]
    if abroad:
        found.append(("abroad", "", sex))
    found += [
        ("grouping", n, sex)
        for n, grouping in enumerate(groupings.audiences)
        if not grouping.audiences.isdisjoint(audiences)
    ]
    return found


def _unique_of_people(people: People, groupings: Groupings) -> Counter[Figure]:
    """Unique persons of each figure, from persons counted by what they were trained in."""
    unique: Counter[Figure] = Counter()
    for (sex, audiences, abroad), count in people.items():
        for figure in _places(groupings, sex, audiences.split(","), abroad):
            unique[figure] += count
    return unique


_ROWS = (
    "SELECT e.person_id, coalesce(e.audience, ''), coalesce(e.person_sex, ''), "
    "coalesce(e.session_venue, '') FROM enrollments e "
)


def _rows(connection: Connection, sql: str, params: dict[str, Any]) -> list[Any]:
    """Many rows of plain values, fetched by the driver at once."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()  # type: ignore[no-any-return]
    finally:
        cursor.close()


def _trainees_of_range(
    connection: Connection, done: str, params: dict[str, Any], groupings: Groupings
) -> tuple[Trainings, Counter[Figure]]:
    """The period's trainees, their enrollments read as one range of start dates."""
    rows = _rows(connection, f"{_ROWS}INDEXED BY ix_enrollments_report_start WHERE {done}", params)
    trainings: Trainings = Counter(map(itemgetter(1, 2, 3), rows))
    return trainings, _unique_of_rows(rows, groupings)


def _trainees_from_summaries(
    connection: Connection,
    scope: ReportScope,
    done: str,
    params: dict[str, Any],
    groupings: Groupings,
) -> tuple[Trainings, Counter[Figure]]:
    """The period's trainees from the summary tables: trainings of whole months from
    ``trainee_totals``, those of the part-months at the ends from the enrollments;
    persons whose training all lies within the period from ``trainee_alike`` and
    ``trainee_people``, and the enrollments of the others read person by person."""
    period = scope.period
    trainings: Trainings = Counter()
    people: People = Counter()
    split = split_months(period.start, period.end)
    if split.first_month is not None:
        post, month_params = scope.post_condition("t.post")
        month_params |= {"first": split.first_month, "last": split.last_month}
        rows = connection.exec_driver_sql(
            "SELECT t.audience, t.sex, t.venue, sum(t.trainings) FROM trainee_totals t "
            f"WHERE t.month BETWEEN :first AND :last{post} GROUP BY 1, 2, 3",
            month_params,
        )
        for audience, sex, venue, count in rows:
            trainings[audience, sex, venue] += int(count)
    for first, last in split.edges:
        rows = connection.exec_driver_sql(
            "SELECT coalesce(e.audience, ''), coalesce(e.person_sex, ''), "
            "coalesce(e.session_venue, ''), count(*) FROM enrollments e "
            f"INDEXED BY ix_enrollments_report_start WHERE {done} GROUP BY 1, 2, 3",
            params | {"start": first.isoformat(), "end": last.isoformat()},
        )
        for audience, sex, venue, count in rows:
            trainings[audience, sex, venue] += int(count)

    post, people_params = scope.post_condition("t.post")
    people_params |= {"start": period.start.isoformat(), "end": period.end.isoformat()}
    # Every trainee, less those whose training begins before the period or ends after
    # it; of those, the ones trained within it are counted from their enrollments.
    for sex, audiences, abroad, count in _rows(
        connection,
        f"SELECT t.sex, t.audiences, t.abroad, t.persons FROM trainee_alike t WHERE true{post}",
        people_params,
    ):
        people[sex, audiences, bool(abroad)] += count
    beyond = (
        "SELECT t.person_id FROM trainee_people t INDEXED BY ix_trainee_people_last "
        f"WHERE t.last_start > :end{post} UNION "
        "SELECT t.person_id FROM trainee_people t INDEXED BY ix_trainee_people_first "
        f"WHERE t.first_start < :start{post}"
    )
    for sex, audiences, abroad, count in connection.exec_driver_sql(
        "SELECT t.sex, t.audiences, t.abroad, count(*) FROM trainee_people t "
        f"WHERE t.person_id IN ({beyond}) GROUP BY 1, 2, 3",
        people_params,
    ).all():
        people[sex, audiences, bool(abroad)] -= int(count)
    if post:
        # A person trained at several posts has no one post: read its enrollments.
        beyond += (
            " UNION SELECT t.person_id FROM trainee_people t "
            "INDEXED BY ix_trainee_people_several_posts WHERE t.post IS NULL "
            "AND t.first_start <= :end AND t.last_start >= :start"
        )
    others = _rows(
        connection,
        f"{_ROWS}INDEXED BY ix_enrollments_report_person "
        f"WHERE e.person_id IN ({beyond}) AND {done}",
        params | people_params,
    )
    return trainings, _unique_of_people(+people, groupings) + _unique_of_rows(others, groupings)


def _figures(
    trainings: Trainings, unique: Counter[Figure], groupings: Groupings
) -> list[tuple[str, str | int, str, int, int]]:
    """(kind, key, sex, person-trainings, unique persons) of every figure: by audience,
    overall, abroad and by audience grouping, each split by sex."""
    counted: Counter[Figure] = Counter()
    for (audience, sex, venue), count in trainings.items():
        for figure in _places(groupings, sex, (audience,), _abroad(venue)):
            counted[figure] += count
    return [(*figure, n, unique[figure]) for figure, n in counted.items() if n]


def count_trainings(
    connection: Connection,
    scope: ReportScope,
    groupings: Groupings,
    *,
    use_totals: bool = True,
) -> TrainingCounts:
    """Completed trainees of the scope by sex, audience, grouping and venue.

    A long period without an agency is counted from the summary tables unless
    ``use_totals`` is false, when every enrollment of the period is read (the two
    agree; the tests hold them to it)."""
    where, params = _conditions(scope)
    post, _ = scope.post_condition("e.session_post")
    done = _DONE + post
    if scope.agency is not None:
        params["agency"] = scope.agency
        done += " AND e.person_agency = :agency"
    agency = " AND e.person_agency = :agency" if scope.agency is not None else ""
    long = (scope.period.end - scope.period.start).days > RANGE_DAYS
    if use_totals and long and scope.agency is None:
        trainings, unique = _trainees_from_summaries(connection, scope, done, params, groupings)
    else:
        trainings, unique = _trainees_of_range(connection, done, params, groupings)
    figures = _figures(trainings, unique, groupings)
    figures += connection.exec_driver_sql(
        "SELECT 'sessions', coalesce(s.venue_type, ''), '', count(*), 0 "
        "FROM training_sessions s INDEXED BY ix_training_sessions_report "
        f"WHERE {where} AND s.attendance_mode = 'roster' AND EXISTS (SELECT 1 "
        "FROM enrollments e INDEXED BY ix_enrollments_report_session WHERE e.session_id = s.id "
        f"AND e.completion = 'completed' AND e.person_live = 1{agency}) GROUP BY 2",
        params,
    ).all()
    result = TrainingCounts()
    for kind, key, sex, count, persons in figures:
        _add(result, kind, key, sex, int(count), int(persons))
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
