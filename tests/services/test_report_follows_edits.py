"""The report and the dashboard follow edits made after the training was entered: a
session moved to another period or deleted, a person's sex corrected, a person deleted
or merged into another."""

from __future__ import annotations

from datetime import date

import pytest

from inl_desktop.domain.periods import parse_period
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import load_person, merge_persons, save_person, set_person_deleted
from inl_desktop.services.reports.accomplishments import Report, build_report, load_groupings
from inl_desktop.services.reports.dashboard import dashboard_figures
from inl_desktop.services.reports.seizures import ReportScope
from inl_desktop.services.trainings import load_training, save_training, set_training_deleted
from inl_desktop.store.seizure_list import SeizureFilter
from inl_desktop.store.training_list import TrainingFilter
from tests.services.service_builders import roster_training, save_two_persons

MARCH_2020 = {"start_date": date(2020, 3, 2), "end_date": date(2020, 3, 6)}


@pytest.fixture
def people(ctx: AppContext) -> tuple[str, str, str]:
    """Ayesha (a woman prosecutor) and Bilal (a man judge) in one FY2020 session."""
    ayesha, bilal = save_two_persons(ctx)
    session = save_training(ctx, roster_training([ayesha, bilal], **MARCH_2020)).uuid
    return ayesha, bilal, session


def _report(ctx: AppContext, period: str) -> Report:
    scope = ReportScope(parse_period(period))
    return build_report(ctx, scope, load_groupings(ctx.catalog()))


# Every session here lies in March 2020 or October 2020: a long period ending with the
# fiscal year holds the same training, and is counted from the summary tables.
SINCE_2010 = {"FY2020": "2010-01-01..2020-09-30", "FY2021": "2010-01-01..2021-09-30"}


def _people(ctx: AppContext, period: str) -> tuple[int, int]:
    figures = {f.label: f.value for f in _report(ctx, period).figures if f.unit == "persons"}
    return (
        int(figures.get("people who completed training", 0)),
        int(figures.get("women who completed training", 0)),
    )


def _trained(ctx: AppContext, period: str = "FY2020") -> tuple[int, int]:
    """People and women who completed training, as the report's table gives them, the
    same for the fiscal year and for the years since 2010 up to its end."""
    found = _people(ctx, period)
    assert _people(ctx, SINCE_2010[period]) == found
    return found


def _dashboard_trainees(ctx: AppContext) -> dict[tuple[str, str], int]:
    with ctx.engine.connect() as connection:
        figures = dashboard_figures(connection, SeizureFilter(), TrainingFilter(), ctx.catalog())
    return figures.trainees


def test_a_session_moved_to_another_period_counts_there(
    ctx: AppContext, people: tuple[str, str, str]
) -> None:
    _, _, session = people
    assert _trained(ctx) == (2, 1)
    draft = load_training(ctx, session)
    draft.start_date, draft.end_date = date(2020, 10, 5), date(2020, 10, 9)
    save_training(ctx, draft)
    assert _trained(ctx) == (0, 0)
    assert _trained(ctx, "FY2021") == (2, 1)


def test_a_deleted_session_stops_counting_until_restored(
    ctx: AppContext, people: tuple[str, str, str]
) -> None:
    _, _, session = people
    deleted = set_training_deleted(ctx, session, True)
    assert _trained(ctx) == (0, 0)
    assert _dashboard_trainees(ctx) == {}
    set_training_deleted(ctx, session, False, deleted.revision)
    assert _trained(ctx) == (2, 1)
    assert _dashboard_trainees(ctx) == {("PROSECUTOR", "F"): 1, ("JUDGE", "M"): 1}


def test_a_corrected_sex_moves_the_person_between_women_and_men(
    ctx: AppContext, people: tuple[str, str, str]
) -> None:
    _, bilal, _ = people
    draft = load_person(ctx, bilal)
    draft.sex = "F"
    save_person(ctx, draft)
    assert _trained(ctx) == (2, 2)
    assert _dashboard_trainees(ctx) == {("PROSECUTOR", "F"): 1, ("JUDGE", "F"): 1}


def test_a_deleted_person_no_longer_counts(ctx: AppContext, people: tuple[str, str, str]) -> None:
    ayesha, _, _ = people
    set_person_deleted(ctx, ayesha, True)
    assert _trained(ctx) == (1, 0)
    assert _dashboard_trainees(ctx) == {("JUDGE", "M"): 1}


def test_a_merged_person_counts_once_with_the_kept_persons_sex(ctx: AppContext) -> None:
    ayesha, bilal = save_two_persons(ctx)
    save_training(ctx, roster_training([ayesha], **MARCH_2020))
    save_training(ctx, roster_training([bilal], title="Judicial ethics", **MARCH_2020))
    assert _trained(ctx) == (2, 1)
    merge_persons(ctx, ayesha, bilal)
    assert _trained(ctx) == (1, 1)
    assert _dashboard_trainees(ctx) == {("PROSECUTOR", "F"): 2}
