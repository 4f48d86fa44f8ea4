"""Validation rules for seizures, trainings, enrollments, counts and persons.

Each test starts from a record that passes (checked by its own test) and breaks one
thing, so an error list that is not exactly the one expected fails the test. The
catalog is Pakistan's real reference data from a fresh post database, and "today"
is the post's clock (``ctx.today()``).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    SeizureDraft,
    SeizureItemDraft,
    TrainingDraft,
)
from inl_desktop.domain.errors import FieldError
from inl_desktop.domain.fields import EXCEL_CELL_LIMIT, FieldDef, FieldType
from inl_desktop.domain.periods import parse_period
from inl_desktop.domain.validation import (
    check_value,
    validate_count,
    validate_enrollment,
    validate_person,
    validate_seizure,
    validate_training,
)
from inl_desktop.services.context import AppContext

# --- fixtures and helpers --------------------------------------------------------


@pytest.fixture
def catalog(ctx: AppContext) -> Catalog:
    """Pakistan's reference lists as loaded from the post database."""
    return ctx.catalog()


@pytest.fixture
def today(ctx: AppContext) -> date:
    """The post's today."""
    return ctx.today()


def where(errors: list[FieldError]) -> list[tuple[str, int | None]]:
    """Which field (and row) each error points at, in order."""
    return [(error.field, error.row) for error in errors]


def kg_item(drug: str = "HEROIN", quantity: str = "12.5", unit: str = "KG") -> SeizureItemDraft:
    """A drug item that passes."""
    return SeizureItemDraft(drug=drug, quantity=Decimal(quantity), unit=unit)


def final_seizure(today: date, **changes: object) -> SeizureDraft:
    """A final individual seizure that passes: heroin in Chagai, Balochistan."""
    draft = SeizureDraft(
        basis="case",
        event_date=today - timedelta(days=10),
        agency="ANF",
        province="PK-BA",
        district="BA-CGI",
        place="Near Taftan",
        status="final",
        items=[kg_item()],
    )
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


def final_aggregate(today: date, **changes: object) -> SeizureDraft:
    """A final aggregate report for last calendar quarter that passes."""
    period = parse_period(f"{today.year - 1}Q4")
    draft = SeizureDraft(
        basis="aggregate",
        event_date=None,
        date_precision=None,
        period_start=period.start,
        period_end=period.end,
        agency="ANF",
        status="final",
        items=[kg_item("HASHISH", "61400")],
    )
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


def count(
    audience: str = "PROSECUTOR", sex: str = "F", enrolled: object = 20, completed: object = 18
) -> AttendanceCountDraft:
    """An audience/sex count (passes with the defaults)."""
    return AttendanceCountDraft(
        audience=audience,
        sex=sex,
        enrolled=enrolled,
        completed=completed,  # type: ignore[arg-type]
    )


def enrollment(today: date, person: str = "person-1", **changes: object) -> EnrollmentDraft:
    """A vetted, completed enrollment that passes."""
    draft = EnrollmentDraft(
        person_uuid=person,
        audience="JUDGE",
        completion="completed",
        pre_score=Decimal("55"),
        post_score=Decimal("82.5"),
        certificate_number="ISB-2026-001",
        vetting_status="approved",
        invest_case_number="INV-12345",
        vetting_submitted=today - timedelta(days=60),
        vetting_cleared=today - timedelta(days=30),
    )
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


def final_training(today: date, **changes: object) -> TrainingDraft:
    """A final, completed in-country session recorded as counts, that passes."""
    draft = TrainingDraft(
        title="Effective prosecutions of drug cases",
        topic="EFFECTIVE_PROSECUTIONS",
        venue_type="IN_COUNTRY",
        location="Islamabad",
        start_date=today - timedelta(days=14),
        end_date=today - timedelta(days=10),
        contact_hours=Decimal("30"),
        funding_program="INCLE",
        cost_instruction=Decimal("12500.00"),
        training_status="completed",
        attendance_mode="counts",
        status="final",
        counts=[count("PROSECUTOR", "F"), count("PROSECUTOR", "M", 25, 25)],
    )
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


def person(**changes: object) -> PersonDraft:
    """A person that passes."""
    draft = PersonDraft(
        full_name="Ayesha Khan",
        sex="F",
        agency="ANF",
        rank="Inspector",
        province="PK-PB",
        national_id="35202-1234567-8",
        email="ayesha@example.org",
    )
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


# --- the starting records pass ---------------------------------------------------


def test_the_catalog_is_pakistans(catalog: Catalog) -> None:
    assert catalog.has("agencies", "ANF")
    assert catalog.parent_of("districts", "BA-CGI") == "PK-BA"
    assert catalog.national_id_name == "CNIC"


def test_a_complete_final_seizure_passes(catalog: Catalog, today: date) -> None:
    assert validate_seizure(final_seizure(today), catalog, today) == []


def test_a_complete_final_aggregate_report_passes(catalog: Catalog, today: date) -> None:
    assert validate_seizure(final_aggregate(today), catalog, today) == []


def test_a_complete_final_training_passes(catalog: Catalog, today: date) -> None:
    assert validate_training(final_training(today), catalog, today) == []


def test_a_complete_enrollment_passes(catalog: Catalog, today: date) -> None:
    assert validate_enrollment(enrollment(today), catalog, today) == []


def test_a_complete_person_passes(catalog: Catalog) -> None:
    assert validate_person(person(), catalog) == []


# --- drafts and required fields --------------------------------------------------


def test_an_empty_draft_seizure_passes(catalog: Catalog, today: date) -> None:
    assert validate_seizure(SeizureDraft(status="draft"), catalog, today) == []


def test_an_empty_seizure_marked_final_lists_what_is_missing(catalog: Catalog, today: date) -> None:
    errors = validate_seizure(SeizureDraft(status="final"), catalog, today)
    assert sorted(where(errors), key=str) == sorted(
        [("agency", None), ("event_date", None), ("items", None)], key=str
    )
    messages = {error.field: error.message for error in errors}
    assert messages["agency"] == "Seizing agency is required"
    assert messages["event_date"] == "Date of seizure is required"


def test_a_draft_must_still_be_well_formed(catalog: Catalog, today: date) -> None:
    draft = SeizureDraft(status="draft", agency="NO_SUCH_AGENCY", arrests_foreigners=-2)
    errors = validate_seizure(draft, catalog, today)
    assert sorted(where(errors), key=str) == [("agency", None), ("arrests_foreigners", None)]


def test_an_empty_draft_training_passes(catalog: Catalog, today: date) -> None:
    assert validate_training(TrainingDraft(status="draft"), catalog, today) == []


def test_an_empty_training_marked_final_lists_the_required_fields(
    catalog: Catalog, today: date
) -> None:
    errors = validate_training(TrainingDraft(status="final"), catalog, today)
    assert {field for field, _ in where(errors)} == {
        "title",
        "topic",
        "venue_type",
        "start_date",
        "end_date",
    }


def test_an_unknown_record_status_is_refused(catalog: Catalog, today: date) -> None:
    errors = validate_seizure(final_seizure(today, status="done"), catalog, today)
    assert where(errors) == [("status", None)]
    assert errors[0].message == "Record status must be one of: Draft, Final"


# --- seizure dates and periods ---------------------------------------------------


def test_a_seizure_dated_tomorrow_is_refused(catalog: Catalog, today: date) -> None:
    tomorrow = today + timedelta(days=1)
    errors = validate_seizure(final_seizure(today, event_date=tomorrow), catalog, today)
    assert where(errors) == [("event_date", None)]
    assert "in the future" in errors[0].message
    assert tomorrow.isoformat() in errors[0].message


def test_a_draft_seizure_dated_tomorrow_is_refused_too(catalog: Catalog, today: date) -> None:
    draft = SeizureDraft(event_date=today + timedelta(days=1))
    assert where(validate_seizure(draft, catalog, today)) == [("event_date", None)]


def test_a_seizure_dated_today_passes(catalog: Catalog, today: date) -> None:
    assert validate_seizure(final_seizure(today, event_date=today), catalog, today) == []


def test_a_final_aggregate_report_needs_its_period(catalog: Catalog, today: date) -> None:
    draft = final_aggregate(today, period_start=None, period_end=None)
    errors = validate_seizure(draft, catalog, today)
    assert where(errors) == [("period_start", None), ("period_end", None)]
    assert errors[0].message == "Period from is required for an aggregate report"
    assert errors[1].message == "Period to is required for an aggregate report"


def test_a_draft_aggregate_report_may_lack_its_period(catalog: Catalog, today: date) -> None:
    draft = final_aggregate(today, period_start=None, period_end=None, status="draft")
    assert validate_seizure(draft, catalog, today) == []


def test_an_aggregate_report_needs_no_date_of_seizure(catalog: Catalog, today: date) -> None:
    draft = final_aggregate(today)
    assert draft.event_date is None
    assert validate_seizure(draft, catalog, today) == []


def test_a_period_ending_before_it_starts_is_refused(catalog: Catalog, today: date) -> None:
    start = today - timedelta(days=30)
    draft = final_aggregate(today, period_start=start, period_end=start - timedelta(days=1))
    errors = validate_seizure(draft, catalog, today)
    assert where(errors) == [("period_end", None)]
    assert "Period to" in errors[0].message and "before Period from" in errors[0].message


def test_a_period_starting_in_the_future_is_refused(catalog: Catalog, today: date) -> None:
    start = today + timedelta(days=1)
    draft = final_aggregate(today, period_start=start, period_end=start + timedelta(days=30))
    assert where(validate_seizure(draft, catalog, today)) == [("period_start", None)]


# --- seizure items ---------------------------------------------------------------


@pytest.mark.parametrize("quantity", ["0", "-1", "-0.000001"])
def test_a_quantity_of_zero_or_less_is_refused(
    catalog: Catalog, today: date, quantity: str
) -> None:
    items = [kg_item(), kg_item("OPIUM", quantity)]
    errors = validate_seizure(final_seizure(today, items=items), catalog, today)
    assert where(errors) == [("quantity", 1)]
    assert errors[0].message == "Quantity must be greater than 0"
    assert str(errors[0]) == "Row 2: Quantity must be greater than 0"


def test_a_quantity_with_seven_decimals_is_refused(catalog: Catalog, today: date) -> None:
    items = [kg_item(quantity="0.1234567")]
    errors = validate_seizure(final_seizure(today, items=items), catalog, today)
    assert where(errors) == [("quantity", 0)]
    assert "more than 6 decimal places" in errors[0].message


@pytest.mark.parametrize("quantity", ["0.123456", "0.1234560", "0.000001", "1000000000000"])
def test_quantities_within_bounds_pass(catalog: Catalog, today: date, quantity: str) -> None:
    items = [kg_item(quantity=quantity)]
    assert validate_seizure(final_seizure(today, items=items), catalog, today) == []


def test_a_quantity_over_a_trillion_is_refused(catalog: Catalog, today: date) -> None:
    items = [kg_item(quantity="1000000000000.5")]
    errors = validate_seizure(final_seizure(today, items=items), catalog, today)
    assert where(errors) == [("quantity", 0)]
    assert "1,000,000,000,000" in errors[0].message


def test_a_drug_not_in_the_list_is_refused_by_name(catalog: Catalog, today: date) -> None:
    items = [kg_item(), kg_item(), kg_item("KRYPTONITE")]
    errors = validate_seizure(final_seizure(today, items=items), catalog, today)
    assert where(errors) == [("drug", 2)]
    assert "KRYPTONITE" in errors[0].message
    assert errors[0].message.startswith("Drug")


def test_an_item_missing_its_quantity_and_unit_is_refused(catalog: Catalog, today: date) -> None:
    items = [SeizureItemDraft(drug="HEROIN")]
    errors = validate_seizure(final_seizure(today, items=items), catalog, today)
    assert where(errors) == [("quantity", 0), ("unit", 0)]


def test_heroin_counted_in_tablets_is_refused(catalog: Catalog, today: date) -> None:
    items = [kg_item(), kg_item("HEROIN", "500", "TABLET")]
    errors = validate_seizure(final_seizure(today, items=items), catalog, today)
    assert where(errors) == [("unit", 1)]
    assert "Heroin" in errors[0].message
    assert "tablet" in errors[0].message
    assert "mass or volume unit" in errors[0].message


def test_yaba_counted_in_tablets_passes(catalog: Catalog, today: date) -> None:
    items = [kg_item("METH_TABLETS", "1000", "TABLET")]
    assert validate_seizure(final_seizure(today, items=items), catalog, today) == []


def test_acetic_anhydride_in_litres_passes(catalog: Catalog, today: date) -> None:
    items = [kg_item("ACETIC_ANHYDRIDE", "1200", "L")]
    assert validate_seizure(final_seizure(today, items=items), catalog, today) == []


# --- seizure places and agencies -------------------------------------------------


def test_a_district_outside_the_chosen_province_is_refused(catalog: Catalog, today: date) -> None:
    draft = final_seizure(today, province="PK-PB", district="BA-CGI")
    errors = validate_seizure(draft, catalog, today)
    assert where(errors) == [("district", None)]
    assert errors[0].message == "District Chagai is not in Punjab"


def test_a_district_inside_the_chosen_province_passes(catalog: Catalog, today: date) -> None:
    draft = final_seizure(today, province="PK-PB", district="PB-LHR")
    assert validate_seizure(draft, catalog, today) == []


def test_joint_agencies_repeating_the_seizing_agency_are_refused(
    catalog: Catalog, today: date
) -> None:
    draft = final_seizure(today, agency="ANF", joint_agencies=("CUSTOMS", "ANF"))
    errors = validate_seizure(draft, catalog, today)
    assert where(errors) == [("joint_agencies", None)]
    assert "repeat the seizing agency" in errors[0].message


def test_other_joint_agencies_pass(catalog: Catalog, today: date) -> None:
    draft = final_seizure(today, joint_agencies=("CUSTOMS", "PCG"))
    assert validate_seizure(draft, catalog, today) == []


def test_a_joint_agency_not_in_the_list_is_refused_by_name(catalog: Catalog, today: date) -> None:
    draft = final_seizure(today, joint_agencies=("CUSTOMS", "SHERIFF"))
    errors = validate_seizure(draft, catalog, today)
    assert where(errors) == [("joint_agencies", None)]
    assert "SHERIFF" in errors[0].message
    assert "CUSTOMS" not in errors[0].message


def test_negative_arrests_are_refused(catalog: Catalog, today: date) -> None:
    errors = validate_seizure(final_seizure(today, arrests_nationals=-1), catalog, today)
    assert where(errors) == [("arrests_nationals", None)]
    assert errors[0].message == "Arrests (nationals) must not be less than 0"


# --- long text -------------------------------------------------------------------


def test_text_over_the_excel_cell_limit_is_refused_with_its_length() -> None:
    notes = FieldDef("notes", "Notes", FieldType.TEXT)  # no limit of its own
    assert EXCEL_CELL_LIMIT == 32_767
    assert check_value(notes, "x" * 32_767, final=True, catalog=None) == []
    errors = check_value(notes, "x" * 32_768, final=True, catalog=None)
    assert where(errors) == [("notes", None)]
    assert "32768" in errors[0].message.replace(",", "")
    assert "32767" in errors[0].message.replace(",", "")


def test_seizure_remarks_longer_than_an_excel_cell_are_refused(
    catalog: Catalog, today: date
) -> None:
    draft = final_seizure(today, remarks="r" * 32_768)
    errors = validate_seizure(draft, catalog, today)
    assert where(errors) == [("remarks", None)]
    assert "32768" in errors[0].message.replace(",", "")


def test_remarks_over_their_own_limit_give_the_length(catalog: Catalog, today: date) -> None:
    errors = validate_seizure(final_seizure(today, remarks="r" * 4001), catalog, today)
    assert where(errors) == [("remarks", None)]
    assert "4001" in errors[0].message.replace(",", "")
    assert validate_seizure(final_seizure(today, remarks="r" * 4000), catalog, today) == []


# --- training dates --------------------------------------------------------------


def test_a_training_ending_before_it_starts_is_refused(catalog: Catalog, today: date) -> None:
    start = today - timedelta(days=10)
    draft = final_training(today, start_date=start, end_date=start - timedelta(days=1))
    errors = validate_training(draft, catalog, today)
    assert where(errors) == [("end_date", None)]
    assert "End date" in errors[0].message and "before Start date" in errors[0].message


def test_a_completed_training_ending_tomorrow_is_refused(catalog: Catalog, today: date) -> None:
    draft = final_training(today, end_date=today + timedelta(days=1))
    errors = validate_training(draft, catalog, today)
    assert where(errors) == [("end_date", None)]
    assert "in the future" in errors[0].message


def test_a_completed_training_ending_today_passes(catalog: Catalog, today: date) -> None:
    assert validate_training(final_training(today, end_date=today), catalog, today) == []


def test_a_planned_training_in_the_future_passes(catalog: Catalog, today: date) -> None:
    draft = final_training(
        today,
        training_status="planned",
        start_date=today + timedelta(days=30),
        end_date=today + timedelta(days=34),
        counts=[],
    )
    assert validate_training(draft, catalog, today) == []


# --- attendance counts -----------------------------------------------------------


def test_a_negative_enrolled_count_is_refused(catalog: Catalog, today: date) -> None:
    counts = [count(), count("JUDGE", "M", -1, 0)]
    errors = validate_training(final_training(today, counts=counts), catalog, today)
    assert where(errors) == [("enrolled", 1)]
    assert errors[0].message == "Enrolled must not be less than 0"


def test_more_completed_than_enrolled_is_refused(catalog: Catalog, today: date) -> None:
    counts = [count(), count("JUDGE", "F", 10, 11)]
    errors = validate_training(final_training(today, counts=counts), catalog, today)
    assert where(errors) == [("completed", 1)]
    assert errors[0].message == "Completed is more than Enrolled"


def test_all_enrolled_completing_passes(catalog: Catalog) -> None:
    assert validate_count(count("JUDGE", "F", 10, 10), catalog, row=0) == []


@pytest.mark.parametrize("enrolled", [Decimal("2.5"), 2.0, "12", True])
def test_a_count_that_is_not_a_whole_number_is_refused(catalog: Catalog, enrolled: object) -> None:
    errors = validate_count(count(enrolled=enrolled, completed=0), catalog, row=3)
    assert where(errors) == [("enrolled", 3)]
    assert errors[0].message.startswith("Enrolled")


def test_a_count_missing_its_audience_and_sex_is_refused(catalog: Catalog) -> None:
    errors = validate_count(AttendanceCountDraft(enrolled=5, completed=5), catalog, row=0)
    assert where(errors) == [("audience", 0), ("sex", 0)]


def test_a_count_whose_sex_is_not_recorded_passes_and_other_codes_do_not(
    catalog: Catalog, today: date
) -> None:
    assert validate_count(count(sex="U"), catalog, row=0) == []
    counts = [count("JUDGE", "F"), count("JUDGE", "M"), count("JUDGE", "U", 5, 5)]
    assert validate_training(final_training(today, counts=counts), catalog, today) == []
    errors = validate_count(count(sex="X"), catalog, row=1)
    assert where(errors) == [("sex", 1)]
    assert errors[0].message == "Sex must be one of: Female, Male, Not recorded"


def test_the_same_audience_and_sex_counted_twice_is_refused(catalog: Catalog, today: date) -> None:
    counts = [count("JUDGE", "F"), count("JUDGE", "M"), count("JUDGE", "F", 5, 5)]
    errors = validate_training(final_training(today, counts=counts), catalog, today)
    assert where(errors) == [("audience", 2)]
    assert "counted twice" in errors[0].message


# --- enrollments -----------------------------------------------------------------


def test_the_same_person_enrolled_twice_is_refused(catalog: Catalog, today: date) -> None:
    roster = [enrollment(today, "p-1"), enrollment(today, "p-2"), enrollment(today, "p-1")]
    draft = final_training(today, attendance_mode="roster", counts=[], enrollments=roster)
    errors = validate_training(draft, catalog, today)
    assert where(errors) == [("person_uuid", 2)]


def test_vetting_cleared_before_it_was_submitted_is_refused(catalog: Catalog, today: date) -> None:
    bad = enrollment(
        today,
        "p-2",
        vetting_submitted=today - timedelta(days=5),
        vetting_cleared=today - timedelta(days=6),
    )
    draft = final_training(
        today, attendance_mode="roster", counts=[], enrollments=[enrollment(today), bad]
    )
    errors = validate_training(draft, catalog, today)
    assert where(errors) == [("vetting_cleared", 1)]
    assert "before Vetting submitted" in errors[0].message


def test_vetting_submitted_in_the_future_is_refused(catalog: Catalog, today: date) -> None:
    draft = enrollment(today, vetting_submitted=today + timedelta(days=1), vetting_cleared=None)
    errors = validate_enrollment(draft, catalog, today, row=4)
    assert where(errors) == [("vetting_submitted", 4)]


def test_an_enrollment_without_a_person_is_refused(catalog: Catalog, today: date) -> None:
    errors = validate_enrollment(enrollment(today, person_uuid=None), catalog, today, row=0)
    assert where(errors) == [("person_uuid", 0)]


@pytest.mark.parametrize("score", ["0", "100", "99.99"])
def test_scores_from_zero_to_one_hundred_pass(catalog: Catalog, today: date, score: str) -> None:
    draft = enrollment(today, pre_score=Decimal(score), post_score=Decimal(score))
    assert validate_enrollment(draft, catalog, today, row=0) == []


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("-1", "Post-test score must not be less than 0"),
        ("100.5", "Post-test score must not be more than 100"),
        ("50.125", "Post-test score has more than 2 decimal places"),
    ],
)
def test_scores_outside_zero_to_one_hundred_are_refused(
    catalog: Catalog, today: date, score: str, message: str
) -> None:
    draft = enrollment(today, post_score=Decimal(score))
    errors = validate_enrollment(draft, catalog, today, row=1)
    assert where(errors) == [("post_score", 1)]
    assert errors[0].message == message


def test_an_audience_not_in_the_list_is_refused(catalog: Catalog, today: date) -> None:
    errors = validate_enrollment(enrollment(today, audience="ASTRONAUT"), catalog, today, row=0)
    assert where(errors) == [("audience", 0)]
    assert "ASTRONAUT" in errors[0].message


# --- persons and the CNIC --------------------------------------------------------


@pytest.mark.parametrize("cnic", ["12345-1234567-1", "1234512345671", " 12345-1234567-1 "])
def test_a_well_formed_cnic_passes(catalog: Catalog, cnic: str) -> None:
    assert validate_person(person(national_id=cnic), catalog) == []


@pytest.mark.parametrize(
    "cnic", ["12345-123456-1", "ABCDE-1234567-1", "12345-1234567-12", "12345 1234567 1"]
)
def test_a_malformed_cnic_is_refused_naming_the_cnic(catalog: Catalog, cnic: str) -> None:
    errors = validate_person(person(national_id=cnic), catalog)
    assert where(errors) == [("national_id", None)]
    assert "CNIC" in errors[0].message
    assert cnic in errors[0].message


def test_a_person_without_a_national_id_passes(catalog: Catalog) -> None:
    assert validate_person(person(national_id=None), catalog) == []


def test_a_person_needs_a_name_and_sex(catalog: Catalog) -> None:
    errors = validate_person(person(full_name=None, sex=None), catalog)
    assert where(errors) == [("full_name", None), ("sex", None)]
    assert errors[0].message == "Name (as on ID) is required"


def test_a_person_whose_sex_is_not_recorded_passes(catalog: Catalog) -> None:
    # Chosen by the clerk as "Not recorded": allowed; left blank it is still required.
    assert validate_person(person(sex="U"), catalog) == []


def test_an_email_without_an_at_sign_is_refused(catalog: Catalog) -> None:
    errors = validate_person(person(email="ayesha.example.org"), catalog)
    assert where(errors) == [("email", None)]


# --- values of the wrong type ----------------------------------------------------


def test_a_float_quantity_is_refused_not_saved(catalog: Catalog, today: date) -> None:
    items = [SeizureItemDraft(drug="HEROIN", quantity=0.1, unit="KG")]  # type: ignore[arg-type]
    errors = validate_seizure(final_seizure(today, items=items), catalog, today)
    assert where(errors) == [("quantity", 0)]
    assert errors[0].message == "Quantity has a value of the wrong type"


def test_a_date_and_time_given_for_a_date_is_refused_not_a_crash(
    catalog: Catalog, today: date
) -> None:
    # A spreadsheet reader (openpyxl) hands date cells over as datetimes, and
    # datetime is a subclass of date. Validation must answer with a field error
    # on the date, not crash comparing a datetime with today's date.
    when = datetime(today.year, today.month, today.day) - timedelta(days=3)
    draft = final_seizure(today, event_date=when)
    errors = validate_seizure(draft, catalog, today)
    assert where(errors) == [("event_date", None)]
