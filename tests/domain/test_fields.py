"""Field definitions: reading typed text into values, and the shape of every record.

One definition per field drives the form, the validation, the columns and the
import mapping, so what ``FieldDef.parse`` makes of a user's text is what gets saved,
and a wrong definition shows up everywhere at once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from inl_desktop.domain.fields import (
    ALL_RECORDS,
    ATTENDANCE_COUNT,
    ENROLLMENT,
    SEIZURE_EVENT,
    SEIZURE_ITEM,
    STATUS,
    TRAINING,
    FieldDef,
    FieldType,
    RecordDef,
)
from inl_desktop.store.reference import list_files

ARRESTS = SEIZURE_EVENT["arrests_nationals"]  # INTEGER
QUANTITY = SEIZURE_ITEM["quantity"]  # DECIMAL
TRAVEL_COST = TRAINING["cost_travel"]  # MONEY
EVENT_DATE = SEIZURE_EVENT["event_date"]  # DATE
JOINT_AGENCIES = SEIZURE_EVENT["joint_agencies"]  # CODES
AGENCY = SEIZURE_EVENT["agency"]  # CODE
PLACE = SEIZURE_EVENT["place"]  # TEXT


def test_the_fields_used_here_have_the_types_the_tests_assume() -> None:
    assert ARRESTS.type is FieldType.INTEGER
    assert QUANTITY.type is FieldType.DECIMAL
    assert TRAVEL_COST.type is FieldType.MONEY
    assert EVENT_DATE.type is FieldType.DATE
    assert JOINT_AGENCIES.type is FieldType.CODES
    assert AGENCY.type is FieldType.CODE
    assert PLACE.type is FieldType.TEXT
    assert STATUS.type is FieldType.CHOICE


# --- integers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), ("2,000", 2000), (" 314 ", 314), ("1,000,000", 1_000_000), ("0", 0)],
)
def test_integers_read_with_thousands_separators(text: str, value: int) -> None:
    assert ARRESTS.parse(text) == value


def test_integers_read_in_lakh_grouping() -> None:
    # Pakistan writes one hundred thousand as 1,00,000 (one lakh).
    assert ARRESTS.parse("1,00,000") == 100_000


@pytest.mark.parametrize("text", ["2.5", "abc", "12a", "1 2"])
def test_a_non_whole_number_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValueError, match=r"^Arrests \(nationals\) must be a whole number$"):
        ARRESTS.parse(text)


# --- decimals and money ----------------------------------------------------------


def test_decimals_keep_the_digits_typed() -> None:
    value = QUANTITY.parse("3.260")
    assert value == Decimal("3.260")
    assert isinstance(value, Decimal)
    assert str(value) == "3.260"  # the trailing zero the user typed survives


def test_decimals_read_with_thousands_separators() -> None:
    assert QUANTITY.parse("61,400.5") == Decimal("61400.5")


def test_decimals_are_exact_where_a_float_is_not() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in floats; read as decimals it is 0.3.
    assert QUANTITY.parse("0.1") + QUANTITY.parse("0.2") == Decimal("0.3")  # type: ignore[operator]


def test_a_decimal_comma_is_not_read_as_a_hundredfold_quantity() -> None:
    # "3,26" is how much of the world writes 3.26; it is no valid grouping of 326
    # (neither 3,260 nor the lakh style 3,26,000). Reading it as 326 kg would
    # silently report a hundred times the seizure, so it must be refused.
    with pytest.raises(ValueError, match="Quantity"):
        QUANTITY.parse("3,26")


@pytest.mark.parametrize("text", ["abc", "3.2.6", "1e", "--5"])
def test_a_non_number_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValueError, match=r"^Quantity must be a number$"):
        QUANTITY.parse(text)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf", "sNaN"])
def test_infinite_or_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"^Quantity must be a"):
        QUANTITY.parse(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("$89,600", Decimal("89600")), ("1,250.50", Decimal("1250.50")), ("$0.99", Decimal("0.99"))],
)
def test_money_reads_dollar_signs_and_separators(text: str, value: Decimal) -> None:
    parsed = TRAVEL_COST.parse(text)
    assert parsed == value
    assert isinstance(parsed, Decimal)


def test_money_that_is_not_a_number_names_the_field() -> None:
    with pytest.raises(ValueError, match=r"^Travel cost must be a number$"):
        TRAVEL_COST.parse("ninety dollars")


# --- dates -----------------------------------------------------------------------


def test_dates_read_in_iso_form() -> None:
    assert EVENT_DATE.parse("2019-10-01") == date(2019, 10, 1)
    assert EVENT_DATE.parse(" 2024-02-29 ") == date(2024, 2, 29)


@pytest.mark.parametrize("text", ["01/10/2019", "2023-02-29", "2019-13-01", "yesterday"])
def test_a_bad_date_names_the_field_and_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match=r"^Date of seizure must be a date \(YYYY-MM-DD\)$"):
        EVENT_DATE.parse(text)


# --- blanks, text, choices and codes ---------------------------------------------


@pytest.mark.parametrize(
    "field", [ARRESTS, QUANTITY, TRAVEL_COST, EVENT_DATE, AGENCY, PLACE, STATUS]
)
@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_blank_text_is_no_value(field: FieldDef, text: str) -> None:
    assert field.parse(text) is None


def test_text_is_trimmed() -> None:
    assert PLACE.parse("  Torkham border  ") == "Torkham border"


def test_codes_split_on_commas_and_drop_blanks() -> None:
    assert JOINT_AGENCIES.parse("ANF, CUSTOMS ,PCG") == ("ANF", "CUSTOMS", "PCG")
    assert JOINT_AGENCIES.parse("ANF,,") == ("ANF",)


@pytest.mark.parametrize("text", ["", "  ", ", ,"])
def test_blank_codes_are_an_empty_tuple(text: str) -> None:
    assert JOINT_AGENCIES.parse(text) == ()


def test_a_single_code_is_read_as_typed() -> None:
    assert AGENCY.parse(" ANF ") == "ANF"


def test_choice_labels_show_for_their_codes() -> None:
    assert STATUS.choice_label("final") == "Final"
    assert STATUS.choice_label("unknown") == "unknown"


# --- the record definitions ------------------------------------------------------


@pytest.mark.parametrize("record", ALL_RECORDS, ids=lambda r: r.kind)
def test_field_names_are_unique_within_a_record(record: RecordDef) -> None:
    assert len(set(record.names)) == len(record.names)


@pytest.mark.parametrize("record", ALL_RECORDS, ids=lambda r: r.kind)
def test_every_field_has_a_label(record: RecordDef) -> None:
    assert record.label.strip()
    for field in record:
        assert field.label.strip(), f"{record.kind}.{field.name} has no label"


@pytest.mark.parametrize("record", ALL_RECORDS, ids=lambda r: r.kind)
def test_labels_are_unique_within_a_record(record: RecordDef) -> None:
    # Labels head the export columns and name fields in error messages.
    labels = [field.label for field in record]
    assert len(set(labels)) == len(labels)


def test_record_kinds_are_unique() -> None:
    kinds = [record.kind for record in ALL_RECORDS]
    assert len(set(kinds)) == len(kinds)


@pytest.mark.parametrize("record", ALL_RECORDS, ids=lambda r: r.kind)
def test_every_code_field_names_an_existing_reference_list(record: RecordDef) -> None:
    available = list_files("PK")
    for field in record:
        if field.type in (FieldType.CODE, FieldType.CODES):
            assert field.reference_list, f"{record.kind}.{field.name} names no list"
            assert field.reference_list in available, (
                f"{record.kind}.{field.name}: no list file {field.reference_list}.csv"
            )
            assert available[field.reference_list].is_file()


@pytest.mark.parametrize("record", ALL_RECORDS, ids=lambda r: r.kind)
def test_every_choice_field_has_distinct_labelled_choices(record: RecordDef) -> None:
    for field in record:
        if field.type is FieldType.CHOICE:
            codes = [code for code, _ in field.choices]
            assert codes, f"{record.kind}.{field.name} offers no choices"
            assert len(set(codes)) == len(codes)
            assert all(label.strip() for _, label in field.choices)


def test_looking_up_an_unknown_field_raises_key_error() -> None:
    with pytest.raises(KeyError):
        TRAINING["no_such_field"]


def test_counts_and_enrollments_carry_the_fields_reports_need() -> None:
    # Reports split completed training by audience and sex.
    assert {"audience", "sex", "enrolled", "completed"} <= set(ATTENDANCE_COUNT.names)
    assert {"audience", "completion", "vetting_status"} <= set(ENROLLMENT.names)
