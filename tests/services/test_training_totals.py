"""Training totals as INL reports them: unique persons and person-trainings, completed
only, by sex and audience category, checked against figures worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    TrainingDraft,
)
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import save_person, set_person_deleted
from inl_desktop.services.reports.training_totals import (
    AudienceTotals,
    Figures,
    TrainingTotals,
    training_totals,
)
from inl_desktop.services.trainings import save_training, set_training_deleted
from inl_desktop.store.training_list import TrainingFilter

Roster = tuple[tuple[str, str, str | None], ...]


def person(ctx: AppContext, name: str, sex: str) -> str:
    draft = PersonDraft(full_name=name, sex=sex, agency="ICT_POLICE", status="final")
    return save_person(ctx, draft).uuid


def roster_session(ctx: AppContext, start: date, roster: Roster, **values: object) -> str:
    draft = TrainingDraft(
        title="Course",
        topic="EFFECTIVE_PROSECUTIONS",
        venue_type="IN_COUNTRY",
        start_date=start,
        end_date=start,
        training_status="completed",
        attendance_mode="roster",
        status="final",
        enrollments=[
            EnrollmentDraft(person_uuid=uuid, audience=audience, completion=completion)
            for uuid, audience, completion in roster
        ],
    )
    for name, value in values.items():
        setattr(draft, name, value)
    return save_training(ctx, draft).uuid


@dataclass
class People:
    ayesha: str
    bilal: str
    imran: str
    kamran: str
    dilawar: str


@pytest.fixture
def people(ctx: AppContext) -> People:
    return People(
        ayesha=person(ctx, "Ayesha Khan", "F"),
        bilal=person(ctx, "Bilal Ahmed", "M"),
        imran=person(ctx, "Imran Shah", "M"),
        kamran=person(ctx, "Kamran Ali", "M"),
        dilawar=person(ctx, "Dilawar Khan", "M"),
    )


@pytest.fixture
def recorded(ctx: AppContext, people: People) -> People:
    """Five sessions; what each adds to the totals is written beside it."""
    # Completed: Ayesha (F, investigator), Bilal (M, prosecutor), Imran (M, investigator).
    # Kamran did not show; Dilawar is deleted from the directory below.
    roster_session(
        ctx,
        date(2020, 3, 2),
        (
            (people.ayesha, "INVESTIGATOR", "completed"),
            (people.bilal, "PROSECUTOR", "completed"),
            (people.imran, "INVESTIGATOR", "completed"),
            (people.kamran, "PROSECUTOR", "no_show"),
            (people.dilawar, "JUDGE", "completed"),
        ),
    )
    # Completed: Imran again (M, this time as a prosecutor); Ayesha only partly.
    roster_session(
        ctx,
        date(2020, 11, 10),
        ((people.imran, "PROSECUTOR", "completed"), (people.ayesha, "INVESTIGATOR", "partial")),
        venue_type="THIRD_COUNTRY",
    )
    # Counts only: 11 women and 28 men police officers completed.
    save_training(
        ctx,
        TrainingDraft(
            title="Gender-responsive policing",
            topic="GENDER_WOMEN_POLICE",
            venue_type="IN_COUNTRY",
            start_date=date(2019, 5, 20),
            end_date=date(2019, 5, 22),
            training_status="completed",
            attendance_mode="counts",
            status="final",
            counts=[
                AttendanceCountDraft(audience="POLICE_OFFICER", sex="F", enrolled=12, completed=11),
                AttendanceCountDraft(audience="POLICE_OFFICER", sex="M", enrolled=30, completed=28),
            ],
        ),
    )
    # Planned: Kamran enrolled, nobody completed yet.
    roster_session(
        ctx,
        date(2026, 9, 1),
        ((people.kamran, "PRISON_OFFICIAL", None),),
        training_status="planned",
        venue_type="UNITED_STATES",
    )
    # Deleted: Bilal completed as a judge, which must not count.
    deleted = roster_session(ctx, date(2020, 4, 1), ((people.bilal, "JUDGE", "completed"),))
    set_training_deleted(ctx, deleted, True)
    set_person_deleted(ctx, people.dilawar, True)
    return people


def test_the_totals_of_everything_match_the_hand_count(ctx: AppContext, recorded: People) -> None:
    totals = training_totals(ctx, TrainingFilter())

    assert totals == TrainingTotals(
        sessions=4,
        # Women: Ayesha + 11 counted. Men: Bilal and Imran + 28 counted.
        unique_persons=Figures(women=12, men=30),
        # Imran's two completed sessions are two person-trainings.
        person_trainings=Figures(women=12, men=31),
        by_audience={
            "INVESTIGATOR": AudienceTotals(Figures(1, 1), Figures(1, 1)),
            "PROSECUTOR": AudienceTotals(Figures(0, 2), Figures(0, 2)),
            "POLICE_OFFICER": AudienceTotals(Figures(11, 28), Figures(11, 28)),
        },
        counted=Figures(women=11, men=28),
    )
    assert totals.unique_persons.total == 42
    assert totals.person_trainings.total == 43


def test_the_same_officer_trained_twice_is_one_person_and_two_trainings(
    ctx: AppContext, recorded: People
) -> None:
    year_2020 = TrainingFilter(start=date(2020, 1, 1), end=date(2020, 12, 31))

    totals = training_totals(ctx, year_2020)

    assert totals.sessions == 2
    assert totals.unique_persons == Figures(women=1, men=2)  # Ayesha; Bilal, Imran
    assert totals.person_trainings == Figures(women=1, men=3)  # Ayesha; Bilal, Imran twice
    assert totals.counted == Figures()


def test_by_audience_a_person_counts_in_each_category_they_trained_in(
    ctx: AppContext, recorded: People
) -> None:
    totals = training_totals(ctx, TrainingFilter(start=date(2020, 1, 1), end=date(2020, 12, 31)))

    # Imran completed as an investigator and as a prosecutor: one person overall, but
    # one in each category; by sex the figures always add up.
    in_categories = sum(a.unique_persons.total for a in totals.by_audience.values())
    assert in_categories == totals.unique_persons.total + 1
    assert sum(a.person_trainings.men for a in totals.by_audience.values()) == 3


@pytest.mark.parametrize(
    ("filter_", "sessions", "unique", "trainings"),
    [
        # Bilal (2020-03) and Imran (2020-11) completed as prosecutors; Kamran no-show.
        (TrainingFilter(audience="PROSECUTOR"), 2, Figures(0, 2), Figures(0, 2)),
        # Ayesha and Imran in March; Ayesha's partial in November does not count.
        (TrainingFilter(audience="INVESTIGATOR"), 2, Figures(1, 1), Figures(1, 1)),
        (TrainingFilter(audience="POLICE_OFFICER"), 1, Figures(11, 28), Figures(11, 28)),
        # Only the deleted person and the deleted session had judges.
        (TrainingFilter(audience="JUDGE"), 0, Figures(), Figures()),
        (TrainingFilter(venue_type="THIRD_COUNTRY"), 1, Figures(0, 1), Figures(0, 1)),
        (TrainingFilter(training_status="planned"), 1, Figures(), Figures()),
        (TrainingFilter(deleted=True), 1, Figures(0, 1), Figures(0, 1)),
        (TrainingFilter(text="policing"), 1, Figures(11, 28), Figures(11, 28)),
    ],
)
def test_the_totals_follow_the_filter(
    ctx: AppContext,
    recorded: People,
    filter_: TrainingFilter,
    sessions: int,
    unique: Figures,
    trainings: Figures,
) -> None:
    totals = training_totals(ctx, filter_)

    assert (totals.sessions, totals.unique_persons, totals.person_trainings) == (
        sessions,
        unique,
        trainings,
    )
    if filter_.audience is not None:
        assert set(totals.by_audience) <= {filter_.audience}


def test_an_open_connection_gives_the_same_totals(ctx: AppContext, recorded: People) -> None:
    with ctx.engine.connect() as connection:
        assert training_totals(connection, TrainingFilter()) == training_totals(
            ctx, TrainingFilter()
        )


def test_a_restored_session_counts_again(ctx: AppContext, people: People) -> None:
    uuid = roster_session(ctx, date(2021, 2, 1), ((people.ayesha, "JUDGE", "completed"),))
    set_training_deleted(ctx, uuid, True)
    assert training_totals(ctx, TrainingFilter()).unique_persons == Figures()

    set_training_deleted(ctx, uuid, False)

    totals = training_totals(ctx, TrainingFilter())
    assert totals.unique_persons == Figures(women=1)
    assert totals.by_audience == {"JUDGE": AudienceTotals(Figures(1, 0), Figures(1, 0))}
