"""Reporting periods: calendar years, US fiscal years, quarters, months, ranges.

The US government fiscal year FY2020 runs from 1 October 2019 to 30 September 2020.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from inl_desktop.domain.errors import UserError


class BadPeriod(UserError):
    """A period text that cannot be read."""


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar dates with the label it was given."""

    start: date
    end: date
    label: str

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls within the period."""
        return self.start <= day <= self.end


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def calendar_year(year: int) -> Period:
    """1 January to 31 December."""
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def calendar_quarter(year: int, quarter: int) -> Period:
    """Calendar quarter ``quarter`` (1-4) of ``year``."""
    first = 3 * (quarter - 1) + 1
    return Period(date(year, first, 1), month_end(year, first + 2), f"{year}Q{quarter}")


def fiscal_year(fy: int) -> Period:
    """US fiscal year: FY2020 = 1 Oct 2019 to 30 Sep 2020."""
    return Period(date(fy - 1, 10, 1), date(fy, 9, 30), f"FY{fy}")


def fiscal_quarter(fy: int, quarter: int) -> Period:
    """Quarter of a US fiscal year: FY2020Q1 = Oct-Dec 2019."""
    month0 = 10 + 3 * (quarter - 1)
    year = fy - 1 if month0 <= 12 else fy
    month = month0 if month0 <= 12 else month0 - 12
    return Period(date(year, month, 1), month_end(year, month + 2), f"FY{fy}Q{quarter}")


def fiscal_year_of(day: date) -> int:
    """The US fiscal year a date falls in."""
    return day.year + 1 if day.month >= 10 else day.year


def month(year: int, month_number: int) -> Period:
    """One calendar month."""
    return Period(
        date(year, month_number, 1),
        month_end(year, month_number),
        f"{year}-{month_number:02d}",
    )


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^FY(\d{4})$", re.IGNORECASE), "fy"),
    (re.compile(r"^FY(\d{4})Q([1-4])$", re.IGNORECASE), "fyq"),
    (re.compile(r"^(\d{4})Q([1-4])$", re.IGNORECASE), "cq"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$"), "range"),
]


def parse_period(text: str) -> Period:
    """Read ``2019``, ``FY2020``, ``FY2020Q1``, ``2019Q3``, ``2019-03`` or ``FROM..TO``."""
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
        "2019-03 or 2019-01-01..2019-06-30"
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
    start = date.fromisoformat(parts[0])
    end = date.fromisoformat(parts[1])
    if end < start:
        raise ValueError("the end is before the start")
    return Period(start, end, f"{start.isoformat()}..{end.isoformat()}")
