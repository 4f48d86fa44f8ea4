"""Reading the values of spreadsheets kept by hand: numbers, quantities and dates as
people type them, and telling data rows from subtotals and notes.

Every reader raises ``ValueError`` with a message a clerk understands; the importer
adds the row and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from inl_desktop.domain.roster import fold

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Arabic script has its own separators, the same whatever the file's decimals.
_ARABIC_GROUPING, _ARABIC_POINT = "\u066c", "\u066b"
_CURRENCY = re.compile(r"^(?:us\$|\$|usd|rs\.?|pkr|€|£)\s*|\s*(?:us\$|\$|usd|rs\.?|pkr|€|£)$", re.I)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_EXCEL_EPOCH = date(1899, 12, 30)


class DateOrder(StrEnum):
    """How a file writes dates like 03/04/2019."""

    DAY_FIRST = "day-first"  # 03/04/2019 is 3 April
    MONTH_FIRST = "month-first"  # 03/04/2019 is 4 March


class Decimals(StrEnum):
    """The decimal separator of a file's numbers."""

    POINT = "."
    COMMA = ","


def parse_number(value: object, decimals: Decimals = Decimals.POINT) -> Decimal:
    """A number cell or text ("$89,600 ", "3,26" in a decimal-comma file, "(1,200)",
    Arabic-Indic digits) as an exact Decimal."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("is not a finite number")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("is not a finite number")
        return value
    text = str(value).translate(_DIGITS).strip()
    if not text:
        raise ValueError("is empty")
    grouping, point = (",", ".") if decimals is Decimals.POINT else (".", ",")
    text = text.replace(_ARABIC_GROUPING, "").replace(_ARABIC_POINT, point)
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1].strip()
    text = _CURRENCY.sub("", text).strip()
    text = _SPACES.sub("", text)
    if point in text and text.count(point) > 1:
        raise ValueError(f"{value!r} is not a number")
    whole, _, fraction = text.partition(point)
    if grouping in whole:
        groups = whole.lstrip("+-").split(grouping)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            hint = " (a decimal comma? choose it for the file)" if grouping == "," else ""
            raise ValueError(f"{value!r} is not a number{hint}")
        whole = whole.replace(grouping, "")
    if grouping in fraction:
        raise ValueError(f"{value!r} is not a number")
    number_text = whole + ("." + fraction if fraction else "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", number_text):
        raise ValueError(f"{value!r} is not a number")
    try:
        number = Decimal(number_text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    return -number if negative else number


def parse_integer(value: object, decimals: Decimals = Decimals.POINT) -> int:
    """A whole number ("1,200", 12.0); refuses fractions."""
    number = parse_number(value, decimals)
    if number != number.to_integral_value():
        raise ValueError(f"{value!r} is not a whole number")
    return int(number)


_QUANTITY = re.compile(
    r"^\s*(?P<number>[-+(]?[\d٠-٩۰-۹][\d٠-٩۰-۹.,'\s\u00a0\u066b\u066c]*\)?)\s*"
    r"(?P<unit>\D.*?)?\s*$"
)


def split_quantity(
    value: object, decimals: Decimals = Decimals.POINT
) -> tuple[Decimal, str | None]:
    """A quantity cell that may hold its unit ("12 kg", "1,500g", "3.5 MT") as the
    number and the unit's text (None when the cell is a plain number)."""
    if not isinstance(value, str):
        return parse_number(value, decimals), None
    match = _QUANTITY.match(value.translate(_DIGITS))
    if match is None:
        raise ValueError(f"{value!r} is not a quantity (a number, then a unit)")
    unit = (match["unit"] or "").strip().rstrip(".") or None
    return parse_number(match["number"].strip(), decimals), unit


# Systems that export dates often add a time of day ("13/04/2019 00:00"); it is dropped.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?)?"
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})" + _TIME + "$", re.I)
_ISO_DATE = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})" + _TIME + "$", re.I)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WORD_DATE = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)[\s\-/.,]+(\d{2}|\d{4})$")
_WORD_DATE_US = re.compile(r"^([a-z]+)[\s\-/.]+(\d{1,2})(?:st|nd|rd|th)?[\s,\-/.]+(\d{2}|\d{4})$")


def _leading_numbers(value: object) -> tuple[int, int] | None:
    """The day and month of a numeric date text in either order (13 and 4 of
    13/04/2019); None when the value is not such a text."""
    if not isinstance(value, str):
        return None
    match = _NUMERIC_DATE.match(value.strip().translate(_DIGITS))
    if match is None:
        return None
    return int(match[1]), int(match[2])


def date_order_evidence(value: object) -> DateOrder | None:
    """The order a numeric date text must be in (13/04/2019 can only be day-first);
    None when the value tells nothing (either order reads, or it is not such a text)."""
    numbers = _leading_numbers(value)
    if numbers is None:
        return None
    first, second = numbers
    if first > 12 and second <= 12:
        return DateOrder.DAY_FIRST
    if second > 12 and first <= 12:
        return DateOrder.MONTH_FIRST
    return None


def is_ambiguous_date(value: object) -> bool:
    """Whether a date text reads both ways (03/04/2019), unless it is the same day."""
    numbers = _leading_numbers(value)
    if numbers is None:
        return False
    first, second = numbers
    return 1 <= first <= 12 and 1 <= second <= 12 and first != second


def date_order_shown(values: Iterable[object]) -> tuple[DateOrder, str] | None:
    """The order the values' unambiguous dates show, with the first such date
    ("month-first", "12/15/2017"); None when no value tells."""
    for value in values:
        evidence = date_order_evidence(value)
        if evidence is not None:
            return evidence, str(value).strip()
    return None


def decide_date_order(values: Iterable[object]) -> tuple[DateOrder | None, bool]:
    """(the order the unambiguous values show, whether any value needs an order).

    Raises ValueError when the values contradict each other (13/04 and 04/13 in one
    file): such a file has mixed orders and no order reads it.
    """
    seen: set[DateOrder] = set()
    needs_order = False
    for value in values:
        evidence = date_order_evidence(value)
        if evidence is not None:
            seen.add(evidence)
        elif is_ambiguous_date(value):
            needs_order = True
    if len(seen) > 1:
        raise ValueError("the dates are written both day-first and month-first")
    return (next(iter(seen)) if seen else None), needs_order


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _is_calendar_date(year: int, first: int, second: int, order: DateOrder) -> bool:
    month, day = (first, second) if order is DateOrder.MONTH_FIRST else (second, first)
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def parse_date(value: object, order: DateOrder | None) -> date:
    """A date cell, an Excel serial number or a date text (2019-03-04, 04/03/2019,
    4-Mar-2019, March 4, 2019). ``order`` reads numeric texts; without it an
    ambiguous text is refused, never guessed."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, int | float):
        if not 1 <= value < 2_958_466:
            raise ValueError(f"{value!r} is not a date")
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip().translate(_DIGITS)
    try:
        if match := _ISO_DATE.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _NUMERIC_DATE.match(text):
            first, second, year = int(match[1]), int(match[2]), _year(match[3])
            evidence = date_order_evidence(text)
            if evidence is not None and order is not None and evidence is not order:
                if not _is_calendar_date(year, first, second, evidence):
                    raise ValueError(f"{text!r} is not a date of the calendar")
                raise ValueError(f"{text!r} is not written {order} like the file's other dates")
            if evidence is None and is_ambiguous_date(text):
                if order is None:
                    raise ValueError(
                        f"{text!r} reads as day/month or month/day; choose the file's date order"
                    )
                evidence = order
            if evidence is DateOrder.MONTH_FIRST:
                return date(year, first, second)
            return date(year, second, first)
        lowered = text.casefold()
        if match := _WORD_DATE.match(lowered):
            day, month, year = int(match[1]), _MONTHS.get(match[2]), _year(match[3])
        elif match := _WORD_DATE_US.match(lowered):
            month, day, year = _MONTHS.get(match[1]), int(match[2]), _year(match[3])
        else:
            raise ValueError(f"{text!r} is not a date")
        if month is None:
            raise ValueError(f"{text!r} is not a date (unknown month)")
        return date(year, month, day)
    except ValueError as error:
        if "day is out of range" in str(error) or "month must be" in str(error):
            raise ValueError(f"{text!r} is not a date of the calendar") from None
        raise


_SUBTOTAL = re.compile(r"^(sub ?)?totals?\b|\btotals?$|^grand total|^sum\b|^total of\b")
_NOTE = re.compile(r"^(note|notes|source|remarks?|prepared by|n\.?b\.?)\b")


_TOTAL_WORD = re.compile(r"\b(sub ?)?totals?\b|\bgrand total\b")


def says_total(cell: object) -> bool:
    """Whether a cell's text calls its row a total ("Fiscal Year 2018 Program Totals",
    "Sub-total", "Grand total")."""
    return (
        isinstance(cell, str)
        and "total" in cell.casefold()
        and _TOTAL_WORD.search(fold(cell)) is not None
    )


def row_skip_reason(cells: Iterable[object]) -> str | None:
    """Why a row is not a record ("a subtotal row", "a note"), or None for data."""
    present = [cell for cell in cells if cell not in (None, "")]
    if not present:
        return "empty"
    # A subtotal's label comes first; a remark further along that mentions a total
    # ("Total of 3 packets in the fuel tank") belongs to a seizure.
    labels = [cell for cell in present[:2] if isinstance(cell, str)]
    marked = any("total" in t.casefold() or t.lstrip().casefold().startswith("sum") for t in labels)
    if len(present) > 1 and not marked:
        return None
    if any(_SUBTOTAL.search(fold(text)) for text in labels):
        return "a subtotal or total row"
    texts = [fold(cell) for cell in present if isinstance(cell, str)]
    if len(present) == 1 and texts and (_NOTE.match(texts[0]) or len(texts[0]) > 40):
        return "a note (one cell of text)"
    return None
