"""The accomplishments report: every figure and the exact sentences, from records entered
through the services, with mixed units and an agency that sent both an aggregate report
and individual seizures for the same months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from inl_desktop.domain.drafts import AttendanceCountDraft, SeizureDraft, SeizureItemDraft
from inl_desktop.domain.periods import parse_period
from inl_desktop.services.context import AppContext
from inl_desktop.services.reports.accomplishments import (
    BASIS_AGGREGATE,
    BASIS_BOTH,
    BASIS_CASE,
    Report,
    build_report,
    load_groupings,
    save_report_xlsx,
)
from inl_desktop.services.reports.seizures import ReportScope
from inl_desktop.services.seizures import save_seizure, set_seizure_deleted
from inl_desktop.services.trainings import save_training
from tests.services.service_builders import counts_training, roster_training, save_two_persons


def _case(day: date, agency: str, *items: tuple[str, str, str]) -> SeizureDraft:
    return SeizureDraft(
        basis="case",
        event_date=day,
        date_precision="day",
        agency=agency,
        province="PK-KP",
        status="final",
        items=[SeizureItemDraft(drug=d, quantity=Decimal(q), unit=u) for d, q, u in items],
    )


def _aggregate(first: date, last: date, agency: str, *items: tuple[str, str, str]) -> SeizureDraft:
    return SeizureDraft(
        basis="aggregate",
        event_date=None,
        date_precision=None,
        period_start=first,
        period_end=last,
        agency=agency,
        province="PK-PB",
        status="final",
        items=[SeizureItemDraft(drug=d, quantity=Decimal(q), unit=u) for d, q, u in items],
    )


@pytest.fixture
def seizures(ctx: AppContext) -> dict[str, str]:
    """FY2020 (1 Oct 2019 - 30 Sep 2020) and the days either side of it."""
    saved = {
        # ANF: an aggregate report for October-December 2019 ...
        "anf_report": _aggregate(
            date(2019, 10, 1),
            date(2019, 12, 31),
            "ANF",
            ("HEROIN", "4", "MT"),
            ("MORPHINE", "500", "KG"),
            ("OPIUM", "2", "MT"),
        ),
        # ... which covers this seizure of November: it must not be added again.
        "anf_covered": _case(date(2019, 11, 15), "ANF", ("HEROIN", "100", "KG")),
        # ANF's individual seizures after the report's months count.
        "anf_february": _case(
            date(2020, 2, 10), "ANF", ("HEROIN", "1500", "KG"), ("HASHISH", "3.5", "MT")
        ),
        "anf_may": _case(date(2020, 5, 1), "ANF", ("MORPHINE", "1000", "LB")),
        "anf_cocaine": _case(date(2020, 9, 30), "ANF", ("COCAINE", "3260", "G")),
        "customs": _case(
            date(2020, 3, 3),
            "CUSTOMS",
            ("OPIUM", "5900", "KG"),
            ("HASHISH", "57900000", "G"),
            ("METH_TABLETS", "1000", "TABLET"),
            ("BARBITURATES", "40", "TABLET"),
        ),
        "customs_fy2021": _case(date(2020, 10, 1), "CUSTOMS", ("HEROIN", "999", "KG")),
        "customs_fy2019": _case(date(2019, 9, 30), "CUSTOMS", ("HEROIN", "777", "KG")),
        # PCG: a half-year report reaching back before FY2020 cannot be split by date:
        # it is left out, and PCG's individual seizure of the same months counts.
        "pcg_report": _aggregate(
            date(2019, 7, 1), date(2019, 12, 31), "PCG", ("HASHISH", "9999", "KG")
        ),
        "pcg_case": _case(date(2019, 11, 1), "PCG", ("HASHISH", "100", "KG")),
        "deleted": _case(date(2020, 1, 5), "CUSTOMS", ("OPIUM", "100000", "KG")),
    }
    uuids = {name: save_seizure(ctx, draft).uuid for name, draft in saved.items()}
    set_seizure_deleted(ctx, uuids["deleted"], True)
    return uuids


@pytest.fixture
def trainings(ctx: AppContext) -> None:
    """A roster of two (a woman prosecutor, a man judge), 39 police officers counted
    in-country, and 12 prison officials counted in the United States, all in FY2020."""
    ayesha, bilal = save_two_persons(ctx)
    dates = {"start_date": date(2020, 3, 2), "end_date": date(2020, 3, 6)}
    save_training(ctx, roster_training([ayesha, bilal], **dates))
    save_training(ctx, counts_training(**dates))
    save_training(
        ctx,
        counts_training(
            title="Corrections management",
            topic="CORRECTIONS_MANAGEMENT",
            venue_type="UNITED_STATES",
            location="Pueblo, Colorado",
            venue_country="US",
            counts=[
                AttendanceCountDraft(audience="PRISON_OFFICIAL", sex="F", enrolled=2, completed=2),
                AttendanceCountDraft(
                    audience="PRISON_OFFICIAL", sex="M", enrolled=11, completed=10
                ),
            ],
            **dates,
        ),
    )
    # Outside FY2020: not counted.
    save_training(ctx, counts_training(start_date=date(2020, 10, 1), end_date=date(2020, 10, 2)))


def _report(ctx: AppContext, period: str, **scope: str) -> Report:
    groupings = load_groupings(ctx.catalog())
    return build_report(ctx, ReportScope(parse_period(period), **scope), groupings)  # type: ignore[arg-type]


def _figure(report: Report, label: str, unit: str = "kg-equivalent") -> tuple[object, str, str]:
    found = [f for f in report.figures if f.label == label and f.unit == unit]
    assert len(found) == 1, f"{label}: {found}"
    return found[0].value, found[0].basis, found[0].shown_as


SEIZURE_SENTENCE = (
    "Pakistan's law enforcement agencies reported seizing 6.45 metric tons of morphine and "
    "heroin, 7.9 metric tons of opium, 3.26 kg of cocaine, 61.5 metric tons of hashish, and "
    "0.1 kg of methamphetamine during FY2020."
)


def test_the_seizure_sentence_adds_each_agency_once(
    ctx: AppContext, seizures: dict[str, str]
) -> None:
    report = _report(ctx, "FY2020")
    assert report.sentences[0] == SEIZURE_SENTENCE


def test_every_seizure_figure_names_its_basis(ctx: AppContext, seizures: dict[str, str]) -> None:
    report = _report(ctx, "FY2020")
    # Aggregate: 4 t heroin + 500 kg morphine; individual: 1,500 kg + 1,000 lb.
    assert _figure(report, "morphine and heroin") == (
        Decimal("6453.59237"),
        BASIS_BOTH,
        "6.45 metric tons",
    )
    assert _figure(report, "morphine and heroin: aggregate reports")[0] == Decimal(4500)
    assert _figure(report, "morphine and heroin: individual seizures")[0] == Decimal("1953.59237")
    assert _figure(report, "opium")[:2] == (Decimal(7900), BASIS_BOTH)
    assert _figure(report, "cocaine") == (Decimal("3.26"), BASIS_CASE, "3.26 kg")
    assert _figure(report, "hashish") == (Decimal(61500), BASIS_CASE, "61.5 metric tons")
    assert _figure(report, "methamphetamine") == (Decimal("0.1"), BASIS_CASE, "0.1 kg")
    assert _figure(report, "Anti-Narcotics Force")[:2] == (
        Decimal("4500") + Decimal("2000") + Decimal("1953.59237") + Decimal("3503.26"),
        BASIS_BOTH,
    )
    assert _figure(report, "Pakistan Coast Guards")[:2] == (Decimal(100), BASIS_CASE)


def test_what_is_left_out_is_in_the_table(ctx: AppContext, seizures: dict[str, str]) -> None:
    report = _report(ctx, "FY2020")
    covered = "individual seizures covered by an aggregate report of the same agency"
    beyond = "aggregate reports extending beyond the period"
    assert _figure(report, covered)[:2] == (Decimal(100), BASIS_CASE)
    assert _figure(report, beyond)[:2] == (Decimal(9999), BASIS_AGGREGATE)
    assert _figure(report, beyond, "reports")[0] == 1
    assert _figure(report, "aggregate reports counted", "reports")[0] == 1
    assert _figure(report, "drug items without a kg-equivalent", "items")[0] == 1


def test_reports_of_one_agency_for_the_same_period_all_count(ctx: AppContext) -> None:
    # ANF's monthly reports for March 2020 from Punjab and from Sindh both count; a
    # report of the same length from mid-March overlaps them and is left out.
    march = (date(2020, 3, 1), date(2020, 3, 31))
    save_seizure(ctx, _aggregate(*march, "ANF", ("HEROIN", "100", "KG")))
    sindh = _aggregate(*march, "ANF", ("HEROIN", "250", "KG"))
    sindh.province = "PK-SD"
    save_seizure(ctx, sindh)
    save_seizure(
        ctx, _aggregate(date(2020, 3, 15), date(2020, 4, 14), "ANF", ("HEROIN", "999", "KG"))
    )
    for period in ("FY2020", "2010-01-01..2020-09-30"):
        report = _report(ctx, period)
        assert _figure(report, "aggregate reports counted", "reports")[0] == 2
        assert _figure(report, "morphine and heroin: aggregate reports")[0] == Decimal(350)
        overlapping = "aggregate reports overlapping a counted one of the same agency"
        assert _figure(report, overlapping, "reports")[0] == 1
        assert _figure(report, overlapping)[0] == Decimal(999)


def test_an_agency_report_names_the_agency(ctx: AppContext, seizures: dict[str, str]) -> None:
    report = _report(ctx, "FY2020", agency="ANF")
    assert report.sentences[0] == (
        "Pakistan's Anti-Narcotics Force reported seizing 6.45 metric tons of morphine and "
        "heroin, 2 metric tons of opium, 3.26 kg of cocaine, and 3.5 metric tons of hashish "
        "during FY2020."
    )


@pytest.mark.parametrize(
    ("period", "sentence"),
    [
        # FY2021 starts on 1 October 2020.
        (
            "FY2021",
            "Pakistan's law enforcement agencies reported seizing 999 kg of morphine and "
            "heroin during FY2021.",
        ),
        # 30 September 2019 is the last day of the first 9 months of 2019 ...
        (
            "2019M1-9",
            "Pakistan's law enforcement agencies reported seizing 777 kg of morphine and "
            "heroin during the first 9 months of 2019.",
        ),
        # ... and not of the first 8 (PCG's report reaches into October: not counted).
        (
            "2019M1-8",
            "Pakistan's law enforcement agencies reported no seizures during the first 8 "
            "months of 2019.",
        ),
        # 30 September 2020, the last day of FY2020, is in its fourth quarter.
        (
            "FY2020Q4",
            "Pakistan's law enforcement agencies reported seizing 3.26 kg of cocaine during "
            "the fourth quarter of FY2020.",
        ),
    ],
)
def test_periods_at_their_boundaries(
    ctx: AppContext, seizures: dict[str, str], period: str, sentence: str
) -> None:
    assert _report(ctx, period).sentences[0] == sentence


def test_a_seizure_linked_as_the_same_as_another_counts_once(
    ctx: AppContext, seizures: dict[str, str]
) -> None:
    twin = _case(date(2020, 3, 3), "ANF", ("OPIUM", "5900", "KG"))
    twin.same_as_uuid = seizures["customs"]
    save_seizure(ctx, twin)
    assert _report(ctx, "FY2020").sentences[0] == SEIZURE_SENTENCE


def test_the_training_sentences(ctx: AppContext, trainings: None) -> None:
    report = _report(ctx, "FY2020")
    assert report.sentences[1:] == (
        "INL trained 53 people during FY2020, 14 of them women.",
        "INL trained 2 prosecutors, judges, court administrators, and investigators during FY2020.",
        "INL trained 39 police, customs, border, and narcotics officers during FY2020.",
        "INL trained 12 prison officials during FY2020.",
        "INL sponsored 12 participants for training abroad during FY2020, in 1 session in "
        "the United States.",
    )
    assert _figure(report, "people who completed training", "persons")[0] == 53
    assert _figure(report, "women who completed training", "persons")[0] == 14
    assert _figure(report, "men who completed training", "persons")[0] == 39
    assert _figure(report, "of them recorded as counts (no names)", "persons")[0] == 51
    assert _figure(report, "Prosecutor, women", "persons")[0] == 1
    assert _figure(report, "Judge, men", "persons")[0] == 1
    assert _figure(report, "sessions: United States", "sessions")[0] == 1
    assert _figure(report, "sessions: In-country", "sessions")[0] == 2


def test_roster_sessions_abroad_count_under_their_venue(ctx: AppContext) -> None:
    ayesha, bilal = save_two_persons(ctx)
    save_training(
        ctx, roster_training([ayesha], start_date=date(2020, 3, 2), end_date=date(2020, 3, 6))
    )
    save_training(
        ctx,
        roster_training(
            [ayesha, bilal],
            title="Trial advocacy",
            venue_type="UNITED_STATES",
            location="Washington, DC",
            venue_country="US",
            start_date=date(2020, 6, 1),
            end_date=date(2020, 6, 5),
        ),
    )
    for period in ("FY2020", "2010-01-01..2020-09-30"):
        report = _report(ctx, period)
        assert _figure(report, "sessions: United States", "sessions")[0] == 1
        assert _figure(report, "sessions: In-country", "sessions")[0] == 1
        assert report.sentences[-1].startswith("INL sponsored 2 participants for training abroad")
        assert report.sentences[-1].endswith("in 1 session in the United States.")


def test_a_long_period_counts_trainees_as_a_year_does(ctx: AppContext, trainings: None) -> None:
    # Up to two years are counted as one range, a longer period by SQLite, group by group.
    # The fixture's sessions outside FY2020 start in October 2020: both periods end before.
    year = {f.label: f.value for f in _report(ctx, "FY2020").figures if f.unit == "persons"}
    long = _report(ctx, "2010-01-01..2020-09-30")
    assert {f.label: f.value for f in long.figures if f.unit == "persons"} == year
    assert long.sentences[1] == (
        "INL trained 53 people during 1 January 2010 to 30 September 2020, 14 of them women."
    )


def test_a_report_over_no_records_says_so(ctx: AppContext) -> None:
    assert _report(ctx, "FY2020").sentences == (
        "Pakistan's law enforcement agencies reported no seizures during FY2020.",
        "No training was completed during FY2020.",
    )


def test_the_post_filter_keeps_the_posts_records(ctx: AppContext, seizures: dict[str, str]) -> None:
    assert _report(ctx, "FY2020", post="PK-ISB").sentences[0] == SEIZURE_SENTENCE
    assert _report(ctx, "FY2020", post="PK-LHE").sentences[0] == (
        "Pakistan's law enforcement agencies reported no seizures during FY2020."
    )
    assert _report(ctx, "FY2020", country="PK").sentences[0] == SEIZURE_SENTENCE


def test_the_workbook_holds_the_sentences_and_every_figure(
    ctx: AppContext, seizures: dict[str, str], trainings: None, tmp_path: Path
) -> None:
    report = _report(ctx, "FY2020")
    target = save_report_xlsx(ctx, report, tmp_path / "report.xlsx")
    workbook = openpyxl.load_workbook(target, read_only=True)
    sentences = [row[1] for row in workbook["Sentences"].iter_rows(min_row=2, values_only=True)]
    assert tuple(sentences) == report.sentences
    rows = list(workbook["Figures"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(report.figures)
    for row, figure in zip(rows, report.figures, strict=True):
        assert (row[2], row[4], row[5]) == (figure.label, figure.unit, figure.basis)
        assert row[3] == pytest.approx(float(figure.value))
    morphine_and_heroin = next(row for row in rows if row[2] == "morphine and heroin")
    assert morphine_and_heroin[0] == 1
    assert morphine_and_heroin[3] == pytest.approx(6453.59237)
    assert morphine_and_heroin[6] == "6.45 metric tons"
