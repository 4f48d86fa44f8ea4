"""Reporting periods: calendar years, US fiscal years, quarters, months and ranges.

The US government fiscal year FY2020 runs from 1 October 2019 to 30 September 2020;
its first quarter is October-December 2019.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from inl_desktop.domain.periods import (
    BadPeriod,
    Period,
    calendar_quarter,
    calendar_year,
    first_months,
    fiscal_quarter,
    fiscal_year,
    fiscal_year_of,
    month,
    month_end,
    parse_period,
    split_calendar,
    split_months,
)

# --- fiscal years ----------------------------------------------------------------


def test_fiscal_year_2020_runs_october_2019_to_september_2020() -> None:
    fy = fiscal_year(2020)
    assert (fy.start, fy.end) == (date(2019, 10, 1), date(2020, 9, 30))
    assert fy.label == "FY2020"


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2019, 10, 1), date(2019, 12, 31)),
        (2, date(2020, 1, 1), date(2020, 3, 31)),
        (3, date(2020, 4, 1), date(2020, 6, 30)),
        (4, date(2020, 7, 1), date(2020, 9, 30)),
    ],
)
def test_fiscal_quarters_of_fy2020(quarter: int, start: date, end: date) -> None:
    period = fiscal_quarter(2020, quarter)
    assert (period.start, period.end) == (start, end)
    assert period.label == f"FY2020Q{quarter}"


def test_the_four_fiscal_quarters_tile_the_fiscal_year() -> None:
    quarters = [fiscal_quarter(2024, q) for q in (1, 2, 3, 4)]
    fy = fiscal_year(2024)
    assert quarters[0].start == fy.start
    assert quarters[-1].end == fy.end
    for earlier, later in pairwise(quarters):
        assert (later.start - earlier.end).days == 1


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2019, 9, 30), 2019),
        (date(2019, 10, 1), 2020),
        (date(2019, 12, 31), 2020),
        (date(2020, 1, 1), 2020),
        (date(2020, 9, 30), 2020),
        (date(2020, 10, 1), 2021),
    ],
)
def test_fiscal_year_of_a_date_turns_over_on_1_october(day: date, fy: int) -> None:
    assert fiscal_year_of(day) == fy
    assert fiscal_year(fy).contains(day)


# --- calendar years, quarters and months -----------------------------------------


def test_calendar_year_is_january_to_december() -> None:
    year = calendar_year(2019)
    assert (year.start, year.end, year.label) == (date(2019, 1, 1), date(2019, 12, 31), "2019")


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2019, 1, 1), date(2019, 3, 31)),
        (2, date(2019, 4, 1), date(2019, 6, 30)),
        (3, date(2019, 7, 1), date(2019, 9, 30)),
        (4, date(2019, 10, 1), date(2019, 12, 31)),
    ],
)
def test_calendar_quarters(quarter: int, start: date, end: date) -> None:
    period = calendar_quarter(2019, quarter)
    assert (period.start, period.end) == (start, end)
    assert period.label == f"2019Q{quarter}"


@pytest.mark.parametrize(
    ("year", "month_number", "last_day"),
    [
        (2024, 2, 29),  # leap year: divisible by 4
        (2023, 2, 28),
        (2000, 2, 29),  # divisible by 400
        (1900, 2, 28),  # divisible by 100 but not 400
        (2023, 4, 30),
        (2023, 12, 31),
    ],
)
def test_month_end(year: int, month_number: int, last_day: int) -> None:
    assert month_end(year, month_number) == date(year, month_number, last_day)


def test_month_period_covers_the_whole_month() -> None:
    february = month(2024, 2)
    assert (february.start, february.end, february.label) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
        "2024-02",
    )


def test_contains_includes_both_ends_and_nothing_outside() -> None:
    q1 = fiscal_quarter(2020, 1)
    assert q1.contains(date(2019, 10, 1))
    assert q1.contains(date(2019, 12, 31))
    assert not q1.contains(date(2019, 9, 30))
    assert not q1.contains(date(2020, 1, 1))


# --- reading a period typed by the user ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", Period(date(2019, 1, 1), date(2019, 12, 31), "2019")),
        ("FY2020", Period(date(2019, 10, 1), date(2020, 9, 30), "FY2020")),
        ("fy2020q2", Period(date(2020, 1, 1), date(2020, 3, 31), "FY2020Q2")),
        ("FY2020Q1", Period(date(2019, 10, 1), date(2019, 12, 31), "FY2020Q1")),
        ("2019Q3", Period(date(2019, 7, 1), date(2019, 9, 30), "2019Q3")),
        ("2019q4", Period(date(2019, 10, 1), date(2019, 12, 31), "2019Q4")),
        ("2019-03", Period(date(2019, 3, 1), date(2019, 3, 31), "2019-03")),
        ("2024-02", Period(date(2024, 2, 1), date(2024, 2, 29), "2024-02")),
        (
            "2019-01-01..2019-06-30",
            Period(date(2019, 1, 1), date(2019, 6, 30), "2019-01-01..2019-06-30"),
        ),
        (
            "2019-06-30..2019-06-30",
            Period(date(2019, 6, 30), date(2019, 6, 30), "2019-06-30..2019-06-30"),
        ),
        ("  FY2020  ", Period(date(2019, 10, 1), date(2020, 9, 30), "FY2020")),
    ],
)
def test_parse_period_reads_every_form(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2019-13",
        "2019-00",
        "FY20",
        "2019Q5",
        "FY2020Q0",
        "19",
        "",
        "last year",
        "2019-06-30..2019-01-01",
        "2019-02-30..2019-03-31",
        "2019-01-01..",
    ],
)
def test_parse_period_refuses_bad_text_with_a_message_quoting_it(text: str) -> None:
    with pytest.raises(BadPeriod) as caught:
        parse_period(text)
    assert repr(text) in str(caught.value)


def test_a_reversed_range_says_the_end_is_before_the_start() -> None:
    with pytest.raises(BadPeriod, match="end is before the start"):
        parse_period("2019-06-30..2019-01-01")


def test_an_unknown_form_lists_the_forms_understood() -> None:
    with pytest.raises(BadPeriod) as caught:
        parse_period("FY20")
    message = str(caught.value)
    for form in ("2019", "FY2020", "FY2020Q1", "2019Q3", "2019-03", "2019-01-01..2019-06-30"):
        assert form in message


# --- months of a year ("the first 10 months of 2019") ------------------------------


def test_the_first_10_months_of_2019_run_january_to_october() -> None:
    period = parse_period("2019M1-10")
    assert (period.start, period.end) == (date(2019, 1, 1), date(2019, 10, 31))
    assert period.label == "2019M1-10"
    assert period.description == "the first 10 months of 2019"
    assert period == first_months(2019, 10)


def test_the_first_2_months_of_a_leap_year_end_on_29_february() -> None:
    assert parse_period("2020M1-2").end == date(2020, 2, 29)
    assert parse_period("2019M1-2").end == date(2019, 2, 28)


@pytest.mark.parametrize(
    ("text", "start", "end", "description"),
    [
        ("2019M3", date(2019, 3, 1), date(2019, 3, 31), "March 2019"),
        ("2019m3-5", date(2019, 3, 1), date(2019, 5, 31), "March to May 2019"),
        ("2019M1-12", date(2019, 1, 1), date(2019, 12, 31), "2019"),
    ],
)
def test_other_months_of_a_year(text: str, start: date, end: date, description: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.description) == (start, end, description)


@pytest.mark.parametrize("text", ["2019M0-3", "2019M1-13", "2019M5-2"])
def test_months_out_of_order_or_range_are_refused(text: str) -> None:
    with pytest.raises(BadPeriod, match=text):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("FY2020", "FY2020"),
        ("FY2020Q1", "the first quarter of FY2020"),
        ("2019Q3", "the third quarter of 2019"),
        ("2019-03", "March 2019"),
        ("2019-01-01..2019-06-30", "1 January 2019 to 30 June 2019"),
    ],
)
def test_every_period_names_itself_for_a_sentence(text: str, description: str) -> None:
    assert parse_period(text).description == description


@pytest.mark.parametrize(
    ("start", "end", "years", "months", "days"),
    [
        # Ten years and ten months, and days of the eleventh month.
        (
            date(2015, 1, 1),
            date(2026, 11, 28),
            ("2015", "2025"),
            (("2026-01", "2026-10"),),
            ((date(2026, 11, 1), date(2026, 11, 28)),),
        ),
        # Part-months at both ends, whole months either side of the whole years.
        (
            date(2019, 3, 15),
            date(2024, 5, 10),
            ("2020", "2023"),
            (("2019-04", "2019-12"), ("2024-01", "2024-04")),
            ((date(2019, 3, 15), date(2019, 3, 31)), (date(2024, 5, 1), date(2024, 5, 10))),
        ),
        # A fiscal year: twelve whole months, no whole calendar year.
        (date(2019, 10, 1), date(2020, 9, 30), None, (("2019-10", "2020-09"),), ()),
        (date(2020, 1, 1), date(2020, 12, 31), ("2020", "2020"), (), ()),
        # Within one month, or across the turn of a month: days only.
        (date(2019, 3, 5), date(2019, 3, 9), None, (), ((date(2019, 3, 5), date(2019, 3, 9)),)),
        (date(2019, 12, 31), date(2020, 1, 1), None, (), ((date(2019, 12, 31), date(2020, 1, 1)),)),
        # February of a leap year ends on the 29th.
        (date(2020, 2, 1), date(2020, 2, 29), None, (("2020-02", "2020-02"),), ()),
        (date(2020, 2, 1), date(2020, 2, 28), None, (), ((date(2020, 2, 1), date(2020, 2, 28)),)),
        # No start and no end: every year there can be.
        (date.min, date.max, ("0001", "9999"), (), ()),
    ],
)
def test_a_range_splits_into_whole_years_whole_months_and_days(
    start: date,
    end: date,
    years: tuple[str, str] | None,
    months: tuple[tuple[str, str], ...],
    days: tuple[tuple[date, date], ...],
) -> None:
    split = split_calendar(start, end)
    assert (split.years, split.months, split.days) == (years, months, days)
    # Together they hold every day of the range once.
    covered = sum((b - a).days + 1 for a, b in split.days)
    by_month = split_months(start, end)
    if by_month.first_month is not None and by_month.last_month is not None:
        first_year, first_month = (int(n) for n in by_month.first_month.split("-"))
        last_year, last_month = (int(n) for n in by_month.last_month.split("-"))
        first = date(first_year, first_month, 1)
        last = month_end(last_year, last_month)
        covered += (last - first).days + 1
    assert covered == (end - start).days + 1
