"""Reporting periods: calendar years, US fiscal years, quarters, months, ranges.

The US government fiscal year FY2020 runs from 1 October 2019 to 30 September 2020.
Months of a year are written ``2019M1-10`` (January to October 2019, "the first 10
months of 2019", as INL's statements put it) or ``2019M3`` (March 2019).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from inl_desktop.domain.errors import UserError

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}


class BadPeriod(UserError):
    """A period text that cannot be read."""


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar dates with the label it was given."""

    start: date
    end: date
    label: str
    # How a sentence names the period ("the first 10 months of 2019"); the label if empty.
    phrase: str = field(default="", compare=False)

    @property
    def description(self) -> str:
        """The period as a sentence names it: "FY2020", "the first 10 months of 2019"."""
        return self.phrase or self.label

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls within the period."""
        return self.start <= day <= self.end


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class MonthSplit:
    """A date range as whole calendar months ("2019-03" to "2019-08", or none) and the
    days outside them at either end."""

    first_month: str | None
    last_month: str | None
    edges: tuple[tuple[date, date], ...]


def split_months(start: date, end: date) -> MonthSplit:
    """The whole months within ``start``..``end`` and the part-months at its ends."""
    first = start if start.day == 1 else month_end(start.year, start.month) + timedelta(days=1)
    if end == date.max or (end + timedelta(days=1)).day == 1:
        last = end
    else:
        last = date(end.year, end.month, 1) - timedelta(days=1)
    if first > last:
        return MonthSplit(None, None, ((start, end),) if start <= end else ())
    edges = []
    if start < first:
        edges.append((start, first - timedelta(days=1)))
    if last < end:
        edges.append((last + timedelta(days=1), end))
    return MonthSplit(_month_text(first), _month_text(last), tuple(edges))


def _month_text(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class CalendarSplit:
    """A date range as whole years ("2016" to "2025"), whole months ("2026-01" to
    "2026-10") at either end of them, and days at either end of those."""

    years: tuple[str, str] | None
    months: tuple[tuple[str, str], ...]
    days: tuple[tuple[date, date], ...]


def split_calendar(start: date, end: date) -> CalendarSplit:
    """The whole years, then whole months, then days that make up ``start``..``end``."""
    by_month = split_months(start, end)
    if by_month.first_month is None or by_month.last_month is None:
        return CalendarSplit(None, (), by_month.edges)
    first_year, first = (int(part) for part in by_month.first_month.split("-"))
    last_year, last = (int(part) for part in by_month.last_month.split("-"))
    whole_first = first_year if first == 1 else first_year + 1
    whole_last = last_year if last == 12 else last_year - 1
    if whole_first > whole_last:
        return CalendarSplit(None, ((by_month.first_month, by_month.last_month),), by_month.edges)
    months = []
    if whole_first > first_year:
        months.append((by_month.first_month, f"{first_year:04d}-12"))
    if whole_last < last_year:
        months.append((f"{last_year:04d}-01", by_month.last_month))
    years = (f"{whole_first:04d}", f"{whole_last:04d}")
    return CalendarSplit(years, tuple(months), by_month.edges)


def calendar_year(year: int) -> Period:
    """1 January to 31 December."""
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def calendar_quarter(year: int, quarter: int) -> Period:
    """Calendar quarter ``quarter`` (1-4) of ``year``."""
    return _quarter(year, 3 * (quarter - 1) + 1, quarter, str(year))


def fiscal_year(fy: int) -> Period:
    """US fiscal year: FY2020 = 1 Oct 2019 to 30 Sep 2020."""
    return Period(date(fy - 1, 10, 1), date(fy, 9, 30), f"FY{fy}")


def fiscal_quarter(fy: int, quarter: int) -> Period:
    """Quarter of a US fiscal year: FY2020Q1 = Oct-Dec 2019."""
    month0 = 10 + 3 * (quarter - 1)
    year = fy - 1 if month0 <= 12 else fy
    month = month0 if month0 <= 12 else month0 - 12
    return _quarter(year, month, quarter, f"FY{fy}")


def _quarter(year: int, first_month: int, quarter: int, of: str) -> Period:
    """The three months from ``first_month``, quarter ``quarter`` of the year ``of``."""
    return Period(
        date(year, first_month, 1),
        month_end(year, first_month + 2),
        f"{of}Q{quarter}",
        f"the {_ORDINALS[quarter]} quarter of {of}",
    )


def fiscal_year_of(day: date) -> int:
    """The US fiscal year a date falls in."""
    return day.year + 1 if day.month >= 10 else day.year


def month(year: int, month_number: int) -> Period:
    """One calendar month."""
    return Period(
        date(year, month_number, 1),
        month_end(year, month_number),
        f"{year}-{month_number:02d}",
        f"{calendar.month_name[month_number]} {year}",
    )


def months_of_year(year: int, first: int, last: int) -> Period:
    """Months ``first`` to ``last`` (1-12) of ``year``: ``months_of_year(2019, 1, 10)`` is
    the first 10 months of 2019, 1 January to 31 October."""
    if not 1 <= first <= last <= 12:
        raise ValueError(f"months {first} to {last} are not months 1 to 12 in order")
    if first == 1 and last == 12:
        return calendar_year(year)
    if first == last:
        single = month(year, first)
        return Period(single.start, single.end, f"{year}M{first}", single.phrase)
    if first == 1:
        phrase = f"the first {last} months of {year}"
    else:
        phrase = f"{calendar.month_name[first]} to {calendar.month_name[last]} {year}"
    return Period(date(year, first, 1), month_end(year, last), f"{year}M{first}-{last}", phrase)


def first_months(year: int, count: int) -> Period:
    """The first ``count`` months of ``year`` (``2019M1-10``)."""
    return months_of_year(year, 1, count)


def _day_text(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^FY(\d{4})$", re.IGNORECASE), "fy"),
    (re.compile(r"^FY(\d{4})Q([1-4])$", re.IGNORECASE), "fyq"),
    (re.compile(r"^(\d{4})Q([1-4])$", re.IGNORECASE), "cq"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})M(\d{1,2})(?:-(\d{1,2}))?$", re.IGNORECASE), "months"),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$"), "range"),
]


def parse_period(text: str) -> Period:
    """Read ``2019``, ``FY2020``, ``FY2020Q1``, ``2019Q3``, ``2019-03``, ``2019M1-10`` (months
    1 to 10 of 2019) or ``FROM..TO``."""
    cleaned = text.strip()
    for pattern, kind in _PATTERNS:
        match = pattern.match(cleaned)
        if not match:
            continue
        try:
            return _build(kind, match.groups())
        except ValueError as error:
            raise BadPeriod(f"Period {text!r} is not a valid date range: {error}") from None
    raise BadPeriod(
        f"Period {text!r} is not understood; use 2019, FY2020, FY2020Q1, 2019Q3, "
        "2019-03, 2019M1-10 (the first 10 months of 2019) or 2019-01-01..2019-06-30"
    )


def _build(kind: str, groups: tuple[str | None, ...]) -> Period:
    parts = [g for g in groups if g is not None]
    if kind == "year":
        return calendar_year(int(parts[0]))
    if kind == "fy":
        return fiscal_year(int(parts[0]))
    if kind == "fyq":
        return fiscal_quarter(int(parts[0]), int(parts[1]))
    if kind == "cq":
        return calendar_quarter(int(parts[0]), int(parts[1]))
    if kind == "month":
        return month(int(parts[0]), int(parts[1]))
    if kind == "months":
        first = int(parts[1])
        return months_of_year(int(parts[0]), first, int(parts[2]) if len(parts) > 2 else first)
    start = date.fromisoformat(parts[0])
    end = date.fromisoformat(parts[1])
    if end < start:
        raise ValueError("the end is before the start")
    return Period(
        start,
        end,
        f"{start.isoformat()}..{end.isoformat()}",
        f"{_day_text(start)} to {_day_text(end)}",
    )
