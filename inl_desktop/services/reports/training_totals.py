"""Training totals as INL reports them: people who completed training, by sex and audience.

Two measures, both of **completed** training only:

- **Person-trainings**: every completed enrollment of a roster, plus every person counted
  as completed in a session recorded as counts. The same officer trained twice is two
  person-trainings.
- **Unique persons**: the distinct persons among the completed roster enrollments, plus
  the completed counts. Counts carry no names, so they cannot be de-duplicated: each
  person counted is taken as a distinct person (``counted`` says how many of the figures
  come from counts, so a reader can tell how much of "unique" is an upper bound).

Each is given overall, by sex (a person's sex as recorded in the directory, a count's
sex as counted; "not recorded" where the source did not say, never counted as a woman
or a man) and by audience category (the category of the enrollment or count). A
person trained as an investigator and later as a prosecutor is one unique person overall
but one in each of the two categories, so the categories can add up to more than the
overall figure; by sex they always add up.

Which sessions and participants count follows ``store.training_list``: what the filter
selects (deleted sessions never, except in the deleted view), a roster session's
enrollments or a counts session's counts, never enrollments of persons deleted from the
directory, and with an audience filter that category's participants only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection

from inl_desktop.services.context import AppContext
from inl_desktop.store.training_list import TrainingFilter, from_sql, where_sql

NOT_RECORDED = ""  # the audience key of enrollments recorded without a category


@dataclass(frozen=True)
class Figures:
    """A figure split by sex; ``total`` is women, men and those whose sex is not
    recorded. Women and men are as recorded: where ``not_recorded`` is not zero they
    are the least there were, never an estimate."""

    women: int = 0
    men: int = 0
    not_recorded: int = 0

    @property
    def total(self) -> int:
        """Everyone: women, men and those whose sex is not recorded."""
        return self.women + self.men + self.not_recorded

    def plus(self, sex: str, amount: int) -> Figures:
        """These figures with ``amount`` added to ``sex``: "F", "M", or anything else
        (the code "U") as not recorded."""
        if sex == "F":
            return Figures(self.women + amount, self.men, self.not_recorded)
        if sex == "M":
            return Figures(self.women, self.men + amount, self.not_recorded)
        return Figures(self.women, self.men, self.not_recorded + amount)


@dataclass(frozen=True)
class AudienceTotals:
    """Unique persons and person-trainings of one audience category."""

    unique_persons: Figures = Figures()
    person_trainings: Figures = Figures()


@dataclass(frozen=True)
class TrainingTotals:
    """Completed training of what a filter selects (see the module docstring)."""

    sessions: int = 0
    unique_persons: Figures = Figures()
    person_trainings: Figures = Figures()
    by_audience: Mapping[str, AudienceTotals] = field(default_factory=dict)
    counted: Figures = Figures()  # completed counts, included in both measures


def training_totals(source: AppContext | Connection, filter_: TrainingFilter) -> TrainingTotals:
    """Unique persons and person-trainings (completed only) of what ``filter_`` selects."""
    if isinstance(source, AppContext):
        with source.engine.connect() as connection:
            return _totals(connection, filter_)
    return _totals(source, filter_)


def _totals(connection: Connection, filter_: TrainingFilter) -> TrainingTotals:
    sessions_sql = from_sql(filter_)
    where, params = where_sql(filter_)
    audience = filter_.audience is not None
    sessions = int(
        connection.exec_driver_sql(
            f"SELECT count(*) FROM {sessions_sql} WHERE {where}", params
        ).scalar_one()
    )
    # The completed roster enrollments are collected once and grouped twice: by
    # audience and sex, and by sex alone (a person's unique count across categories).
    roster = connection.exec_driver_sql(
        "WITH done AS ("
        "SELECT e.person_id AS person, coalesce(e.audience, '') AS audience, p.sex AS sex "
        f"FROM {sessions_sql} JOIN enrollments e ON e.session_id = s.id "
        "JOIN persons p ON p.id = e.person_id AND p.deleted_at IS NULL "
        f"WHERE {where} AND s.attendance_mode = 'roster' AND e.completion = 'completed'"
        + (" AND e.audience = :audience" if audience else "")
        + ") "
        "SELECT audience, sex, count(*), count(DISTINCT person) FROM done "
        "GROUP BY audience, sex "
        "UNION ALL SELECT NULL, sex, count(*), count(DISTINCT person) FROM done GROUP BY sex",
        params,
    ).all()
    counts = connection.exec_driver_sql(
        "SELECT c.audience, c.sex, sum(c.completed) "
        f"FROM {sessions_sql} JOIN attendance_counts c ON c.session_id = s.id "
        f"WHERE {where} AND s.attendance_mode = 'counts'"
        + (" AND c.audience = :audience" if audience else "")
        + " GROUP BY c.audience, c.sex",
        params,
    ).all()

    unique = trainings = counted = Figures()
    by_audience: dict[str, AudienceTotals] = {}
    for category, sex, person_trainings, persons in roster:
        if category is None:  # the by-sex rows
            unique = unique.plus(sex, int(persons))
            trainings = trainings.plus(sex, int(person_trainings))
            continue
        before = by_audience.get(category, AudienceTotals())
        by_audience[category] = AudienceTotals(
            before.unique_persons.plus(sex, int(persons)),
            before.person_trainings.plus(sex, int(person_trainings)),
        )
    for category, sex, completed in counts:
        amount = int(completed or 0)
        if amount == 0:
            continue
        counted = counted.plus(sex, amount)
        unique = unique.plus(sex, amount)
        trainings = trainings.plus(sex, amount)
        before = by_audience.get(category, AudienceTotals())
        by_audience[category] = AudienceTotals(
            before.unique_persons.plus(sex, amount),
            before.person_trainings.plus(sex, amount),
        )
    return TrainingTotals(
        sessions=sessions,
        unique_persons=unique,
        person_trainings=trainings,
        by_audience=by_audience,
        counted=counted,
    )
