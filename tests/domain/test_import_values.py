"""Reading values as posts type them in their own spreadsheets: money and counts,
quantities with their units, dates in either order, and subtotal or note rows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from inl_desktop.domain.import_values import (
    DateOrder,
    Decimals,
    decide_date_order,
    parse_date,
    parse_integer,
    parse_number,
    row_skip_reason,
    split_quantity,
)

DAY_FIRST, MONTH_FIRST = DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST


# -- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("$89,600 ", Decimal("89600")),
        ("US$ 1,234,567.89", Decimal("1234567.89")),
        ("Rs. 4,500", Decimal("4500")),
        ("(1,200)", Decimal("-1200")),
        ("-12.5", Decimal("-12.5")),
        ("1 500", Decimal("1500")),
        ("0.125", Decimal("0.125")),
        ("١٢٣٤", Decimal("1234")),  # Arabic-Indic digits
        ("۱۲۵", Decimal("125")),  # the Extended (Urdu, Persian) ones
        ("١٬٢٠٠٫٥", Decimal("1200.5")),  # with the Arabic separators
        (42, Decimal("42")),
        (3.26, Decimal("3.26")),
    ],
)
def test_numbers_are_read_as_typed_in_a_decimal_point_file(
    typed: object, expected: Decimal
) -> None:
    assert parse_number(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3,26", Decimal("3.26")),
        ("1.234,5", Decimal("1234.5")),
        ("€ 2.500", Decimal("2500")),
        ("(1.200,75)", Decimal("-1200.75")),
        ("١٢٣٫٥", Decimal("123.5")),
    ],
)
def test_numbers_are_read_with_a_decimal_comma_when_the_file_has_one(
    typed: str, expected: Decimal
) -> None:
    assert parse_number(typed, Decimals.COMMA) == expected


def test_a_decimal_comma_in_a_decimal_point_file_is_refused_with_a_hint() -> None:
    with pytest.raises(ValueError, match="decimal comma"):
        parse_number("1,5")


@pytest.mark.parametrize(
    "typed",
    [float("nan"), float("inf"), float("-inf"), "NaN", "inf", Decimal("NaN"), Decimal("Infinity")],
)
def test_values_that_are_not_finite_numbers_are_refused(typed: object) -> None:
    with pytest.raises(ValueError):
        parse_number(typed)


@pytest.mark.parametrize("typed", ["", "  ", "twelve", "1.2.3", "12-5", True, "1,23,4"])
def test_texts_that_are_not_numbers_are_refused(typed: object) -> None:
    with pytest.raises(ValueError):
        parse_number(typed)


def test_a_whole_number_may_carry_grouping_but_not_a_fraction() -> None:
    assert parse_integer("1,200") == 1200
    assert parse_integer(12.0) == 12
    with pytest.raises(ValueError, match="whole number"):
        parse_integer("2.5")


# -- quantities --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "decimals", "number", "unit"),
    [
        ("12 kg", Decimals.POINT, Decimal("12"), "kg"),
        ("1,500g", Decimals.POINT, Decimal("1500"), "g"),
        ("3.5 MT", Decimals.POINT, Decimal("3.5"), "MT"),
        ("2 Kgs.", Decimals.POINT, Decimal("2"), "Kgs"),
        ("3,5 kg", Decimals.COMMA, Decimal("3.5"), "kg"),
        ("1 000 tablets", Decimals.POINT, Decimal("1000"), "tablets"),
        ("٥ kg", Decimals.POINT, Decimal("5"), "kg"),
        ("250", Decimals.POINT, Decimal("250"), None),
        (12.5, Decimals.POINT, Decimal("12.5"), None),
    ],
)
def test_a_quantity_cell_gives_its_number_and_its_unit(
    typed: object, decimals: Decimals, number: Decimal, unit: str | None
) -> None:
    assert split_quantity(typed, decimals) == (number, unit)


@pytest.mark.parametrize("typed", ["kg 12", "about a kilo", ""])
def test_a_quantity_that_does_not_start_with_a_number_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        split_quantity(typed)


# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [None, DAY_FIRST, MONTH_FIRST])
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2019-04-13", date(2019, 4, 13)),
        ("2019/4/3", date(2019, 4, 3)),
        ("2019-04-13 00:00:00", date(2019, 4, 13)),
        ("4-Mar-2019", date(2019, 3, 4)),
        ("04 March 2019", date(2019, 3, 4)),
        ("March 4, 2019", date(2019, 3, 4)),
        ("Sept 21st, 2019", date(2019, 9, 21)),
        ("05/05/2019", date(2019, 5, 5)),  # the same day either way
        (43528, date(2019, 3, 4)),  # Excel's serial number
        (43528.75, date(2019, 3, 4)),  # with a time of day
        (datetime(2019, 3, 4, 10, 30), date(2019, 3, 4)),
        (date(2019, 3, 4), date(2019, 3, 4)),
    ],
)
def test_dates_that_read_only_one_way_need_no_order(
    typed: object, expected: date, order: DateOrder | None
) -> None:
    assert parse_date(typed, order) == expected


@pytest.mark.parametrize("order", [None, DAY_FIRST])
def test_a_day_above_twelve_first_is_day_first(order: DateOrder | None) -> None:
    assert parse_date("13/04/2019", order) == date(2019, 4, 13)
    assert parse_date("13.04.19", order) == date(2019, 4, 13)
    assert parse_date("١٣/٠٤/٢٠١٩", order) == date(2019, 4, 13)


def test_a_day_first_date_in_a_month_first_file_is_refused() -> None:
    with pytest.raises(ValueError, match="month-first"):
        parse_date("13/04/2019", MONTH_FIRST)


@pytest.mark.parametrize("order", [None, MONTH_FIRST])
def test_a_day_above_twelve_second_is_month_first(order: DateOrder | None) -> None:
    assert parse_date("04/13/2019", order) == date(2019, 4, 13)


def test_a_month_first_date_in_a_day_first_file_is_refused() -> None:
    with pytest.raises(ValueError, match="day-first"):
        parse_date("04/13/2019", DAY_FIRST)


def test_an_ambiguous_date_is_never_guessed() -> None:
    with pytest.raises(ValueError, match="choose the file's date order"):
        parse_date("03/04/2019", None)


def test_an_ambiguous_date_reads_the_way_the_file_is_written() -> None:
    assert parse_date("03/04/2019", DAY_FIRST) == date(2019, 4, 3)
    assert parse_date("03/04/2019", MONTH_FIRST) == date(2019, 3, 4)
    assert parse_date("03/04/2019 14:05", DAY_FIRST) == date(2019, 4, 3)


@pytest.mark.parametrize(
    "typed", ["31/02/2019", "2019-02-29", "13/13/2019", "31 Apr 2019", "00/01/2019"]
)
@pytest.mark.parametrize("order", [None, DAY_FIRST, MONTH_FIRST])
def test_dates_missing_from_the_calendar_are_refused(typed: str, order: DateOrder | None) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date(typed, order)


@pytest.mark.parametrize("typed", ["soon", "4 Mär 2019", "2019", True, 0, -5, "12/2019"])
def test_values_that_are_not_dates_are_refused(typed: object) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date(typed, DAY_FIRST)


def test_the_unambiguous_dates_decide_the_order_of_the_ambiguous_ones() -> None:
    assert decide_date_order(["03/04/2019", "13/04/2019", None]) == (DAY_FIRST, True)
    assert decide_date_order(["03/04/2019", "04/13/2019"]) == (MONTH_FIRST, True)


def test_a_file_of_ambiguous_dates_needs_an_order_chosen() -> None:
    assert decide_date_order(["03/04/2019", "11/12/2019", "01/02/2020"]) == (None, True)


def test_a_file_whose_dates_all_read_one_way_needs_no_order() -> None:
    assert decide_date_order(["2019-04-03", date(2019, 4, 3), "05/05/2019", 43528]) == (
        None,
        False,
    )


def test_a_file_with_dates_written_both_ways_is_refused() -> None:
    with pytest.raises(ValueError, match="both day-first and month-first"):
        decide_date_order(["13/04/2019", "03/04/2019", "04/14/2019"])


# -- rows that are not records -----------------------------------------------------------


@pytest.mark.parametrize(
    "cells",
    [
        ["Total", None, None, "17.5 kg"],
        [None, "TOTAL:", None, "17.5"],
        ["Subtotal KP", None, "Heroin", "14 kg"],
        ["Sub-total", None, None, 14],
        ["Khyber Pakhtunkhwa", "Sub total", None, 14],
        ["Grand Total 2019", None, None, 123.5],
        ["Heroin total", None, None, 40],
    ],
)
def test_subtotal_and_total_rows_are_skipped(cells: list[object]) -> None:
    assert row_skip_reason(cells) == "a subtotal or total row"


@pytest.mark.parametrize(
    "cells",
    [
        ["Note: figures for June are provisional", None, None],
        [None, "Source: ANF daily situation reports"],
        ["Remarks", None],
        ["N.B. Kg-equivalents are computed by the app, not by the desk."],
        ["Prepared by the Khyber desk"],
    ],
)
def test_rows_of_one_note_are_skipped(cells: list[object]) -> None:
    assert row_skip_reason(cells) == "a note (one cell of text)"


def test_blank_rows_are_empty() -> None:
    assert row_skip_reason([None, "", None]) == "empty"


@pytest.mark.parametrize(
    "cells",
    [
        ["13/04/2019", "ANF", "Heroin", "12 kg", "KP", None],
        ["13/04/2019", "ANF", "Heroin", "12 kg", "KP", "Total of 3 packets in the fuel tank"],
        ["14/04/2019", "Customs", "Opium", 40, "Sindh", "Recovered from a truck; total 40 kg"],
        ["Ayesha Khan", "F", "61101-1234567-2"],
        [2019, "Heroin", 1234.5],
    ],
)
def test_data_rows_are_not_skipped(cells: list[object]) -> None:
    """A remark that mentions a total does not make a seizure a subtotal."""
    assert row_skip_reason(cells) is None
