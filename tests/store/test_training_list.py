"""The training sessions list's queries: each filter, the search, sorting, paging, the
per-row participant figures and the figures of everything a filter selects."""

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
from inl_desktop.services.demo import generate_demo
from inl_desktop.services.persons import save_person, set_person_deleted
from inl_desktop.services.trainings import save_training, set_training_deleted
from inl_desktop.store.training_list import (
    COLUMN_KEYS,
    PAGE_SIZE,
    SORTABLE_KEYS,
    ListTotals,
    TrainingFilter,
    fetch_list_totals,
    fetch_page,
    fetch_providers,
)


def person(ctx: AppContext, name: str, sex: str) -> str:
    draft = PersonDraft(full_name=name, sex=sex, agency="ICT_POLICE", status="final")
    return save_person(ctx, draft).uuid


def session(
    title: str,
    start: date,
    *,
    topic: str,
    venue: str,
    provider: str,
    status: str = "completed",
    location: str = "Islamabad",
    remarks: str | None = None,
    roster: tuple[tuple[str, str, str | None], ...] = (),
    counts: tuple[tuple[str, str, int, int], ...] = (),
) -> TrainingDraft:
    return TrainingDraft(
        title=title,
        topic=topic,
        provider=provider,
        venue_type=venue,
        location=location,
        start_date=start,
        end_date=start,
        training_status=status,
        attendance_mode="counts" if counts else "roster",
        remarks=remarks,
        status="final",
        enrollments=[
            EnrollmentDraft(person_uuid=uuid, audience=audience, completion=completion)
            for uuid, audience, completion in roster
        ],
        counts=[
            AttendanceCountDraft(audience=audience, sex=sex, enrolled=enrolled, completed=done)
            for audience, sex, enrolled, done in counts
        ],
    )


@dataclass
class Recorded:
    """The UUIDs of the sessions ``recorded`` saved."""

    prosecutions: str
    bangkok: str
    gender: str
    colorado: str
    deleted: str


@pytest.fixture
def recorded(ctx: AppContext) -> Recorded:
    """Five sessions whose figures are worked out by hand beside each one."""
    ayesha = person(ctx, "Ayesha Khan", "F")
    bilal = person(ctx, "Bilal Ahmed", "M")
    imran = person(ctx, "Imran Shah", "M")
    kamran = person(ctx, "Kamran Ali", "M")
    dilawar = person(ctx, "Dilawar Khan", "M")
    saved = Recorded(
        # Enrolled 4 (Dilawar is deleted below), completed 3, women 1 (Ayesha).
        prosecutions=save_training(
            ctx,
            session(
                "Effective prosecutions of narcotics cases",
                date(2020, 3, 2),
                topic="EFFECTIVE_PROSECUTIONS",
                venue="IN_COUNTRY",
                provider="INL Pakistan",
                remarks="Held at the Federal Judicial Academy",
                roster=(
                    (ayesha, "INVESTIGATOR", "completed"),
                    (bilal, "PROSECUTOR", "completed"),
                    (imran, "INVESTIGATOR", "completed"),
                    (kamran, "PROSECUTOR", "no_show"),
                    (dilawar, "JUDGE", "completed"),
                ),
            ),
        ).uuid,
        # Enrolled 2, completed 1 (Imran again), women 0 (Ayesha did not finish).
        bangkok=save_training(
            ctx,
            session(
                "Investigation skills",
                date(2020, 11, 10),
                topic="INVESTIGATION_SKILLS",
                venue="THIRD_COUNTRY",
                provider="ILEA Bangkok",
                location="Bangkok",
                roster=((imran, "PROSECUTOR", "completed"), (ayesha, "INVESTIGATOR", "partial")),
            ),
        ).uuid,
        # Counts: enrolled 42, completed 39, women 11.
        gender=save_training(
            ctx,
            session(
                "Gender-responsive policing",
                date(2019, 5, 20),
                topic="GENDER_WOMEN_POLICE",
                venue="IN_COUNTRY",
                provider="UNODC",
                counts=(("POLICE_OFFICER", "F", 12, 11), ("POLICE_OFFICER", "M", 30, 28)),
            ),
        ).uuid,
        # Planned: enrolled 1, completed 0.
        colorado=save_training(
            ctx,
            session(
                "Corrections management",
                date(2026, 9, 1),
                topic="CORRECTIONS_MANAGEMENT",
                venue="UNITED_STATES",
                provider="ICMTC Colorado",
                location="Pueblo, Colorado",
                status="planned",
                roster=((kamran, "PRISON_OFFICIAL", None),),
            ),
        ).uuid,
        deleted=save_training(
            ctx,
            session(
                "Judicial ethics",
                date(2020, 4, 1),
                topic="COURT_CASE_MANAGEMENT",
                venue="IN_COUNTRY",
                provider="Federal Judicial Academy",
                roster=((bilal, "JUDGE", "completed"),),
            ),
        ).uuid,
    )
    set_training_deleted(ctx, saved.deleted, True)
    set_person_deleted(ctx, dilawar, True)
    return saved


EVERYTHING = TrainingFilter()


def page(ctx: AppContext, filter_: TrainingFilter, **options: object) -> list[dict[str, object]]:
    with ctx.engine.connect() as connection:
        return fetch_page(connection, filter_, **options)  # type: ignore[arg-type]


def uuids(ctx: AppContext, filter_: TrainingFilter = EVERYTHING, **options: object) -> set:
    return {row["uuid"] for row in page(ctx, filter_, **options)}


def figures(ctx: AppContext, filter_: TrainingFilter = EVERYTHING) -> dict[str, tuple]:
    return {
        str(row["uuid"]): (row["enrolled"], row["completed"], row["completed_women"])
        for row in page(ctx, filter_)
    }


def totals(ctx: AppContext, filter_: TrainingFilter = EVERYTHING) -> ListTotals:
    with ctx.engine.connect() as connection:
        return fetch_list_totals(connection, filter_)


def test_each_row_carries_its_enrolled_completed_and_women(
    ctx: AppContext, recorded: Recorded
) -> None:
    assert figures(ctx) == {
        recorded.prosecutions: (4, 3, 1),
        recorded.bangkok: (2, 1, 0),
        recorded.gender: (42, 39, 11),
        recorded.colorado: (1, 0, 0),
    }


def test_the_totals_add_up_the_sessions_the_filter_selects(
    ctx: AppContext, recorded: Recorded
) -> None:
    assert totals(ctx) == ListTotals(sessions=4, enrolled=49, completed=43, completed_women=12)
    assert totals(ctx, TrainingFilter(start=date(2020, 1, 1), end=date(2020, 12, 31))) == (
        ListTotals(sessions=2, enrolled=6, completed=4, completed_women=1)
    )


def test_deleted_sessions_show_only_in_the_deleted_view(
    ctx: AppContext, recorded: Recorded
) -> None:
    assert recorded.deleted not in uuids(ctx)
    assert uuids(ctx, TrainingFilter(deleted=True)) == {recorded.deleted}
    assert totals(ctx, TrainingFilter(deleted=True)) == ListTotals(1, 1, 1, 0)


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        # A session is in a period when it starts within it.
        (TrainingFilter(start=date(2019, 10, 1), end=date(2020, 9, 30)), {"prosecutions"}),
        (
            TrainingFilter(start=date(2020, 1, 1), end=date(2020, 12, 31)),
            {"prosecutions", "bangkok"},
        ),
        (TrainingFilter(start=date(2020, 11, 10), end=date(2020, 11, 10)), {"bangkok"}),
        (TrainingFilter(start=date(2021, 1, 1)), {"colorado"}),
        (TrainingFilter(topic="INVESTIGATION_SKILLS"), {"bangkok"}),
        (TrainingFilter(venue_type="THIRD_COUNTRY"), {"bangkok"}),
        (TrainingFilter(venue_type="IN_COUNTRY"), {"prosecutions", "gender"}),
        (TrainingFilter(provider="UNODC"), {"gender"}),
        (TrainingFilter(provider="INL"), set()),  # exact, not a substring
        (TrainingFilter(training_status="planned"), {"colorado"}),
        (TrainingFilter(audience="PROSECUTOR"), {"prosecutions", "bangkok"}),
        (TrainingFilter(audience="POLICE_OFFICER"), {"gender"}),  # a counts row
        (TrainingFilter(audience="PRISON_OFFICIAL"), {"colorado"}),
        # Only a deleted person and a deleted session had judges.
        (TrainingFilter(audience="JUDGE"), set()),
        (TrainingFilter(topic="GENDER_WOMEN_POLICE", venue_type="THIRD_COUNTRY"), set()),
    ],
)
def test_each_filter_selects_its_sessions(
    ctx: AppContext, recorded: Recorded, filter_: TrainingFilter, expected: set[str]
) -> None:
    assert uuids(ctx, filter_) == {getattr(recorded, name) for name in expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("prosecutions", {"prosecutions"}),  # title
        ("bangkok", {"bangkok"}),  # location and provider, any case
        ("ICMTC", {"colorado"}),  # provider
        ("Judicial Academy", {"prosecutions"}),  # remarks; every word must match
        ("tion", {"prosecutions", "bangkok", "colorado"}),  # a part of a word
        ("of Bangkok", {"bangkok"}),  # words under three letters are left out
        ("in", {"prosecutions", "bangkok", "gender", "colorado"}),  # nothing to search
        ('Bang"kok', set()),  # quotes are text, not syntax
        ("ethics", set()),  # the deleted session is not found
    ],
)
def test_the_search_finds_words_in_title_location_provider_and_remarks(
    ctx: AppContext, recorded: Recorded, text: str, expected: set[str]
) -> None:
    assert uuids(ctx, TrainingFilter(text=text)) == {getattr(recorded, n) for n in expected}


def test_an_audience_filter_counts_that_audience_only(ctx: AppContext, recorded: Recorded) -> None:
    prosecutors = TrainingFilter(audience="PROSECUTOR")
    # Bilal completed and Kamran did not show; Imran completed in Bangkok.
    assert figures(ctx, prosecutors) == {
        recorded.prosecutions: (2, 1, 0),
        recorded.bangkok: (1, 1, 0),
    }
    assert totals(ctx, prosecutors) == ListTotals(2, 3, 2, 0)
    assert totals(ctx, TrainingFilter(audience="POLICE_OFFICER")) == ListTotals(1, 42, 39, 11)


def test_sorting_orders_the_sessions_both_ways(ctx: AppContext, recorded: Recorded) -> None:
    by_date = [recorded.gender, recorded.prosecutions, recorded.bangkok, recorded.colorado]
    rows = page(ctx, TrainingFilter(), sort_key="start_date", descending=False)
    assert [row["uuid"] for row in rows] == by_date
    rows = page(ctx, TrainingFilter(), sort_key="start_date", descending=True)
    assert [row["uuid"] for row in rows] == by_date[::-1]
    rows = page(ctx, TrainingFilter(), sort_key="title", descending=False)
    assert [row["title"] for row in rows] == [
        "Corrections management",
        "Effective prosecutions of narcotics cases",
        "Gender-responsive policing",
        "Investigation skills",
    ]
    rows = page(ctx, TrainingFilter(), sort_key="training_status", descending=True)
    assert [row["training_status"] for row in rows] == [
        "planned",
        "completed",
        "completed",
        "completed",
    ]


def test_every_sortable_column_sorts_and_the_counted_ones_do_not(
    ctx: AppContext, recorded: Recorded
) -> None:
    assert {"enrolled", "completed", "completed_women"}.isdisjoint(SORTABLE_KEYS)
    for key in COLUMN_KEYS:
        rows = page(ctx, TrainingFilter(), sort_key=key, descending=False)
        assert len(rows) == 4, key
    # A column that cannot be sorted by sorts by start date.
    rows = page(ctx, TrainingFilter(), sort_key="enrolled", descending=False)
    assert rows[0]["uuid"] == recorded.gender


def test_pages_follow_each_other_without_gaps(ctx: AppContext) -> None:
    generate_demo(ctx, seizure_items=0, trainings=PAGE_SIZE + 30)
    first = page(ctx, TrainingFilter(), sort_key="topic", descending=False)
    second = page(ctx, TrainingFilter(), sort_key="topic", descending=False, offset=PAGE_SIZE)
    assert len(first) == PAGE_SIZE
    assert len(second) == 30
    assert len({row["uuid"] for row in first + second}) == PAGE_SIZE + 30
    topics = [row["topic"] for row in first + second]
    assert topics == sorted(topics)  # type: ignore[type-var]
    listed = sum(int(row["enrolled"]) for row in first + second)  # type: ignore[call-overload]
    assert totals(ctx).enrolled == listed


def test_the_provider_list_names_each_provider_once(ctx: AppContext, recorded: Recorded) -> None:
    with ctx.engine.connect() as connection:
        assert fetch_providers(connection) == [
            "Federal Judicial Academy",
            "ICMTC Colorado",
            "ILEA Bangkok",
            "INL Pakistan",
            "UNODC",
        ]
