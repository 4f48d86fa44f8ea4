"""The summary tables behind reports over many years hold exactly the sums of the rows
they summarise, whatever writes those rows; and a report read from them gives the same
figures as one read from every row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from inl_desktop.domain.drafts import SeizureItemDraft
from inl_desktop.domain.periods import parse_period
from inl_desktop.services.context import AppContext
from inl_desktop.services.demo import generate_demo
from inl_desktop.services.persons import load_person, merge_persons, save_person, set_person_deleted
from inl_desktop.services.reports.accomplishments import load_groupings
from inl_desktop.services.reports.dashboard import dashboard_figures
from inl_desktop.services.reports.seizures import ReportScope, count_seizures
from inl_desktop.services.reports.trainings import count_trainings
from inl_desktop.services.seizures import load_seizure, save_seizure, set_seizure_deleted
from inl_desktop.services.trainings import load_training, save_training, set_training_deleted
from inl_desktop.store.seizure_list import SeizureFilter
from inl_desktop.store.training_list import TrainingFilter
from tests.services.service_builders import (
    assert_summaries_match_their_rows,
    heroin_and_tablets,
    roster_training,
    save_two_persons,
)


@pytest.fixture
def demo(ctx: AppContext) -> AppContext:
    """Ten years of seizures (individual and aggregate) and eight of training."""
    generate_demo(ctx, seizure_items=1500, trainings=60, seed=7)
    return ctx


def test_a_bulk_load_sums_the_tables_afresh(demo: AppContext) -> None:
    assert_summaries_match_their_rows(demo)
    with demo.engine.connect() as connection:
        items, mg = connection.exec_driver_sql(
            "SELECT count(*), sum(kg_equivalent_mg) FROM seizure_items"
        ).one()
        by_year = connection.exec_driver_sql(
            "SELECT sum(items), sum(mg) FROM seizure_totals WHERE span = 'year'"
        ).one()
        by_month = connection.exec_driver_sql(
            "SELECT sum(items), sum(mg) FROM seizure_totals WHERE span = 'month'"
        ).one()
    assert by_year == by_month == (items, mg)


def test_seizure_edits_keep_the_sums(ctx: AppContext) -> None:
    uuid = save_seizure(ctx, heroin_and_tablets()).uuid
    assert_summaries_match_their_rows(ctx)
    draft = load_seizure(ctx, uuid)
    draft.agency, draft.province, draft.district = "CUSTOMS", "PK-SD", None
    draft.event_date = date(2025, 12, 31)
    draft.items[0].quantity = Decimal("7")
    draft.items.append(SeizureItemDraft(drug="OPIUM", quantity=Decimal("2"), unit="KG"))
    saved = save_seizure(ctx, draft)
    assert_summaries_match_their_rows(ctx)
    draft = load_seizure(ctx, uuid)
    del draft.items[1]
    save_seizure(ctx, draft)
    assert_summaries_match_their_rows(ctx)
    deleted = set_seizure_deleted(ctx, uuid, True)
    assert_summaries_match_their_rows(ctx)
    set_seizure_deleted(ctx, uuid, False, deleted.revision)
    assert_summaries_match_their_rows(ctx)
    assert saved.revision > 1
    with ctx.engine.begin() as connection:
        # What a merge at HQ may do: move a record to its post, or remove it whole.
        connection.exec_driver_sql("UPDATE seizure_events SET post_code = 'PK-LHE'")
    assert_summaries_match_their_rows(ctx)
    with ctx.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM seizure_events")
    assert_summaries_match_their_rows(ctx)
    with ctx.engine.connect() as connection:
        left = connection.exec_driver_sql("SELECT count(*) FROM seizure_totals WHERE items != 0")
        assert left.scalar() == 0


def test_training_edits_keep_the_sums(ctx: AppContext) -> None:
    ayesha, bilal = save_two_persons(ctx)
    dates = {"start_date": date(2020, 3, 2), "end_date": date(2020, 3, 6)}
    session = save_training(ctx, roster_training([ayesha, bilal], **dates)).uuid
    later = save_training(
        ctx,
        roster_training(
            [ayesha],
            title="Court management",
            start_date=date(2023, 5, 8),
            end_date=date(2023, 5, 9),
        ),
    ).uuid
    assert_summaries_match_their_rows(ctx)

    draft = load_training(ctx, session)
    draft.start_date, draft.end_date = date(2021, 1, 4), date(2021, 1, 8)
    draft.venue_type, draft.location, draft.venue_country = "UNITED_STATES", "Quantico", "US"
    draft.enrollments[1].completion = "partial"
    save_training(ctx, draft)
    assert_summaries_match_their_rows(ctx)

    person = load_person(ctx, bilal)
    person.sex = "F"
    save_person(ctx, person)
    assert_summaries_match_their_rows(ctx)

    deleted = set_person_deleted(ctx, ayesha, True)
    assert_summaries_match_their_rows(ctx)
    set_person_deleted(ctx, ayesha, False, deleted.revision)
    assert_summaries_match_their_rows(ctx)

    removed = set_training_deleted(ctx, later, True)
    assert_summaries_match_their_rows(ctx)
    set_training_deleted(ctx, later, False, removed.revision)
    merge_persons(ctx, ayesha, bilal)
    assert_summaries_match_their_rows(ctx)
    with ctx.engine.connect() as connection:
        people = connection.exec_driver_sql(
            "SELECT first_start, last_start, audiences, abroad FROM trainee_people"
        ).all()
    # Ayesha, with Bilal's training merged in: January 2021 in the United States (her
    # enrollment there completed) and May 2023 at home.
    assert people == [("2021-01-04", "2023-05-08", "PROSECUTOR", 1)]


PERIODS = (
    "FY2020",
    "2019M1-10",
    "2016-01-01..2026-06-15",  # years, months and days at both ends
    "2017-03-15..2024-05-10",
    "2000-01-01..2040-12-31",
)
SCOPES: tuple[dict[str, str], ...] = (
    {},
    {"agency": "ANF"},
    {"agency": "CUSTOMS"},
    {"post": "PK-ISB"},
    {"post": "PK-LHE"},
    {"country": "PK"},
)


@pytest.mark.parametrize("period", PERIODS)
def test_reports_from_the_summaries_equal_reports_from_every_row(
    demo: AppContext, period: str
) -> None:
    groupings = load_groupings(demo.catalog())
    with demo.engine.connect() as connection:
        for scope_values in SCOPES:
            scope = ReportScope(parse_period(period), **scope_values)
            summed = count_seizures(connection, scope)
            read = count_seizures(connection, scope, use_totals=False)
            assert {k: v for k, v in summed.sums.items() if v.items} == {
                k: v for k, v in read.sums.items() if v.items
            }, scope_values
            assert summed.reports == read.reports
            assert summed.covered_spans == read.covered_spans
            trained = count_trainings(connection, scope, groupings)
            assert trained == count_trainings(connection, scope, groupings, use_totals=False)
        everything = count_seizures(connection, ReportScope(parse_period("2000-01-01..2040-12-31")))
    assert sum(s.items for s in everything.sums.values()) > 1000


DASHBOARD_FILTERS = (
    (SeizureFilter(basis="case"), TrainingFilter()),
    (
        SeizureFilter(start=date(2019, 10, 1), end=date(2020, 9, 30), basis="case"),
        TrainingFilter(start=date(2019, 10, 1), end=date(2020, 9, 30)),
    ),
    (
        SeizureFilter(start=date(2017, 3, 15), end=date(2024, 5, 10)),
        TrainingFilter(start=date(2017, 3, 15), end=date(2024, 5, 10), audience="JUDGE"),
    ),
    (
        SeizureFilter(end=date(2022, 6, 20), agency="ANF", drugs=("HEROIN", "OPIUM")),
        TrainingFilter(end=date(2022, 6, 20), venue_type="IN_COUNTRY"),
    ),
    (
        SeizureFilter(start=date(2018, 2, 2), province="PK-PB", basis="aggregate"),
        TrainingFilter(start=date(2018, 2, 2)),
    ),
    (SeizureFilter(status="final", deleted=True), TrainingFilter(deleted=True)),
)


@pytest.mark.parametrize(("seizures", "trainings"), DASHBOARD_FILTERS)
def test_the_dashboard_from_the_summaries_equals_the_dashboard_from_every_row(
    demo: AppContext, seizures: SeizureFilter, trainings: TrainingFilter
) -> None:
    with demo.engine.connect() as connection:
        summed = dashboard_figures(connection, seizures, trainings, demo.catalog())
        read = dashboard_figures(connection, seizures, trainings, demo.catalog(), use_totals=False)
    assert summed == read
    if not seizures.deleted:
        assert summed.by_agency and summed.by_month_group and summed.trainees
