"""Sex not recorded ('U'): a training whose source does not say its participants' sex is
kept as such, and every figure by sex says so instead of counting them as women or men.

The case behind it: a post's training report without a sex column, whose trainees all
used to be counted as men (and the report's "0 women" was made up)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from inl_desktop.cli import main
from inl_desktop.domain.drafts import AttendanceCountDraft
from inl_desktop.domain.periods import parse_period
from inl_desktop.exchange import format as fmt
from inl_desktop.services.consolidate import consolidate
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.person_key import set_person_key_secret
from inl_desktop.services.persons import load_person, save_person
from inl_desktop.services.reports.accomplishments import Report, build_report, load_groupings
from inl_desktop.services.reports.dashboard import dashboard_figures
from inl_desktop.services.reports.hq import summary_rows
from inl_desktop.services.reports.seizures import ReportScope
from inl_desktop.services.reports.training_totals import Figures, training_totals
from inl_desktop.services.setup import set_up_post
from inl_desktop.services.trainings import load_training, save_training
from inl_desktop.store.migrate import backup_database, open_database
from inl_desktop.store.seizure_list import SeizureFilter
from inl_desktop.store.training_list import ListTotals, TrainingFilter, fetch_list_totals
from tests.services.service_builders import (
    assert_summaries_match_their_rows,
    ayesha,
    bilal,
    counts_training,
    roster_training,
    rows,
)
from tests.signing_helpers import register_posts

SECRET = "pakistan-program-person-key-2026"
NOT_RECORDED_LABEL = "people who completed training, sex not recorded"


def police_counts(*counts: tuple[str, int, int], **overrides: object) -> Any:
    """A counts session (2 March 2026, in FY2026) of police officers: (sex, enrolled,
    completed) per row."""
    return counts_training(
        counts=[
            AttendanceCountDraft(audience="POLICE_OFFICER", sex=sex, enrolled=n, completed=done)
            for sex, n, done in counts
        ],
        **overrides,
    )


@pytest.fixture
def unrecorded(ctx: AppContext) -> dict[str, str]:
    """The report without a sex column: 193 of 200 police officers completed, sex not
    recorded. Beside it 40 women police officers counted, and a roster of Ayesha (a
    woman prosecutor) and Bilal (a judge), whose sex is not recorded in the directory."""
    ayesha_uuid = save_person(ctx, ayesha()).uuid
    bilal_uuid = save_person(ctx, bilal(sex="U")).uuid
    return {
        "unrecorded": save_training(ctx, police_counts(("U", 200, 193))).uuid,
        "women": save_training(ctx, police_counts(("F", 40, 40), title="Women police")).uuid,
        "roster": save_training(ctx, roster_training([ayesha_uuid, bilal_uuid])).uuid,
        "bilal": bilal_uuid,
    }


def report_of(ctx: AppContext, period: str) -> Report:
    scope = ReportScope(parse_period(period))
    return build_report(ctx, scope, load_groupings(ctx.catalog()))


def figure(report: Report, label: str) -> tuple[object, int, str]:
    (found,) = [f for f in report.figures if f.label == label and f.unit == "persons"]
    return found.value, found.sentence, found.shown_as


def test_a_count_and_a_person_with_sex_not_recorded_are_saved_as_such(
    ctx: AppContext, unrecorded: dict[str, str]
) -> None:
    assert rows(
        ctx,
        "SELECT c.sex, c.enrolled, c.completed FROM attendance_counts c "
        "JOIN training_sessions s ON s.id = c.session_id WHERE s.uuid = ?",
        unrecorded["unrecorded"],
    ) == [("U", 200, 193)]
    (count,) = load_training(ctx, unrecorded["unrecorded"]).counts
    assert (count.sex, count.completed) == ("U", 193)
    assert load_person(ctx, unrecorded["bilal"]).sex == "U"
    assert rows(ctx, "SELECT sex FROM persons WHERE uuid = ?", unrecorded["bilal"]) == [("U",)]


def test_totals_by_sex_say_it_and_invent_no_women_or_men(
    ctx: AppContext, unrecorded: dict[str, str]
) -> None:
    totals = training_totals(ctx, TrainingFilter())

    # Women: Ayesha and the 40 counted. Men: none. Not recorded: Bilal and the 193.
    assert totals.unique_persons == Figures(women=41, men=0, not_recorded=194)
    assert totals.person_trainings == Figures(women=41, men=0, not_recorded=194)
    assert totals.unique_persons.total == 235
    assert totals.counted == Figures(women=40, not_recorded=193)
    police = totals.by_audience["POLICE_OFFICER"]
    assert police.unique_persons == Figures(women=40, not_recorded=193)
    # The list's footer: completed women as recorded, the others said apart.
    with ctx.engine.connect() as connection:
        assert fetch_list_totals(connection, TrainingFilter()) == ListTotals(
            sessions=3,
            enrolled=242,
            completed=235,
            completed_women=41,
            completed_sex_not_recorded=194,
        )


@pytest.mark.parametrize("period", ["FY2026", "2010-01-01..2026-09-30"], ids=["year", "long"])
def test_the_report_says_for_how_many_sex_is_not_recorded(
    ctx: AppContext, unrecorded: dict[str, str], period: str
) -> None:
    report = report_of(ctx, period)  # a long period reads the summary tables

    during = "during " + parse_period(period).description
    assert report.sentences[1] == (
        f"INL trained over 230 people {during}, 41 of them women; sex not recorded for 194."
    )
    assert figure(report, "people who completed training") == (235, 2, "over 230")
    assert figure(report, "women who completed training") == (41, 2, "41")
    assert figure(report, "men who completed training") == (0, 0, "")
    assert figure(report, NOT_RECORDED_LABEL) == (194, 2, "194")
    assert figure(report, "Police officer, sex not recorded") == (193, 0, "")
    assert figure(report, "Police officer, men") == (0, 0, "")
    assert figure(report, "Judge, sex not recorded") == (1, 0, "")  # Bilal
    assert figure(report, "Judge, men") == (0, 0, "")
    shown = {f["label"]: f["value"] for f in report.as_json()["figures"]}
    assert shown[NOT_RECORDED_LABEL] == 194


def test_when_no_sex_is_recorded_the_report_names_no_women(ctx: AppContext) -> None:
    save_training(ctx, police_counts(("U", 200, 193)))

    report = report_of(ctx, "FY2026")

    assert report.sentences[1] == (
        "INL trained over 190 people during FY2026; sex not recorded for any of them."
    )
    assert figure(report, NOT_RECORDED_LABEL) == (193, 2, "193")
    assert figure(report, "women who completed training") == (0, 2, "")


def test_every_sex_recorded_keeps_the_sentence_and_says_none_unrecorded(
    ctx: AppContext,
) -> None:
    save_training(ctx, police_counts(("F", 12, 11), ("M", 30, 28)))

    report = report_of(ctx, "FY2026")

    assert report.sentences[1] == "INL trained 39 people during FY2026, 11 of them women."
    assert figure(report, NOT_RECORDED_LABEL) == (0, 0, "")


def test_the_dashboard_and_the_hq_summary_keep_it_apart(
    ctx: AppContext, unrecorded: dict[str, str]
) -> None:
    fy2026 = SeizureFilter(start=date(2025, 10, 1), end=date(2026, 9, 30))
    trainings = TrainingFilter(start=fy2026.start, end=fy2026.end)
    with ctx.engine.connect() as connection:
        for use_totals in (True, False):
            figures = dashboard_figures(
                connection, fy2026, trainings, ctx.catalog(), use_totals=use_totals
            )
            assert figures.trainees == {
                ("POLICE_OFFICER", "U"): 193,
                ("POLICE_OFFICER", "F"): 40,
                ("PROSECUTOR", "F"): 1,  # Ayesha
                ("JUDGE", "U"): 1,  # Bilal
            }
    by_sex = {(row[3], row[4]): row[5] for row in summary_rows(ctx) if row[0] == "persons"}
    assert by_sex[("Not recorded", "unique persons")] == 194
    assert by_sex[("Female", "unique persons")] == 41
    assert ("Male", "unique persons") not in by_sex
    assert_summaries_match_their_rows(ctx)


def test_the_report_json_of_the_command_line_carries_the_count(
    ctx: AppContext, unrecorded: dict[str, str], db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx.engine.dispose()

    code = main(["report", "--db", str(db_path), "--period", "FY2026", "--json"])

    assert code == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["sentences"][1].endswith("41 of them women; sex not recorded for 194.")
    (unknown,) = [f for f in report["figures"] if f["label"] == NOT_RECORDED_LABEL]
    assert (unknown["value"], unknown["sentence"]) == (194, 2)


@pytest.fixture
def hq(tmp_path: Path, template_db: Path, clock: Any) -> Iterator[AppContext]:
    """Headquarters' database."""
    path = backup_database(template_db, tmp_path / "hq.sqlite")
    context = AppContext(open_database(path, now=clock), user="analyst", now=clock)
    set_up_post(context, "PK-HQ", "PK", "Headquarters")
    yield context
    context.engine.dispose()


def sheet_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    """A workbook sheet's rows keyed by its header row."""
    book = load_workbook(path, read_only=True)
    try:
        header, *values = book[sheet].iter_rows(values_only=True)
        # A read-only sheet leaves out a row's empty cells at its end.
        return [dict(zip(header, row, strict=False)) for row in values]  # type: ignore[arg-type]
    finally:
        book.close()


def test_sex_not_recorded_is_exported_and_consolidated_at_hq(
    ctx: AppContext, unrecorded: dict[str, str], hq: AppContext, tmp_path: Path
) -> None:
    set_person_key_secret(ctx, SECRET)
    workbook = tmp_path / "isb.xlsx"
    export_workbook(ctx, ExportRequest(workbook))  # the hq profile, as posts send
    register_posts(hq, ctx)

    bilal_row = next(
        row
        for row in sheet_rows(workbook, fmt.ENROLLMENTS)
        if row["person_uuid"] == unrecorded["bilal"]
    )
    assert (bilal_row["sex"], bilal_row["sex_label"]) == ("U", "Not recorded")
    assert {
        (row["sex"], row["sex_label"], row["completed"]) for row in sheet_rows(workbook, fmt.COUNTS)
    } == {("U", "Not recorded", 193), ("F", "Female", 40)}

    result = consolidate(hq, [workbook])

    assert result.everything_merged
    assert rows(hq, "SELECT sex FROM persons WHERE uuid = ?", unrecorded["bilal"]) == [("U",)]
    assert sorted(rows(hq, "SELECT sex, completed FROM attendance_counts")) == [
        ("F", 40),
        ("U", 193),
    ]
    assert training_totals(hq, TrainingFilter()).unique_persons == Figures(
        women=41, not_recorded=194
    )
    assert report_of(hq, "FY2026").sentences[1] == (
        "INL trained over 230 people during FY2026, 41 of them women; sex not recorded for 194."
    )
    # The same workbook again changes nothing.
    again = consolidate(hq, [workbook])
    assert again.as_json()["totals"]["added"] == again.as_json()["totals"]["updated"] == 0
    assert_summaries_match_their_rows(hq)
