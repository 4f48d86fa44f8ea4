"""Rows pasted from a spreadsheet into a roster, repeated people, and Leahy vetting."""

from __future__ import annotations

from datetime import date

import pytest

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import EnrollmentDraft, PersonDraft, TrainingDraft
from inl_desktop.domain.roster import (
    national_id_key,
    parse_pasted_roster,
    roster_people_errors,
    same_person,
    unvetted_participants,
)

CATALOG = Catalog(
    codes={
        "agencies": {
            "ANF": "Anti-Narcotics Force",
            "PUNJAB_POLICE": "Punjab Police",
            "OLD_FORCE": "Disbanded Force",
        },
        "audience_categories": {"PROSECUTOR": "Prosecutor"},
    },
    retired={"agencies": frozenset({"OLD_FORCE"})},
    national_id_name="CNIC",
    national_id_pattern=r"^[0-9]{5}-?[0-9]{7}-?[0-9]$",
)


def people(
    text: str,
) -> list[tuple[int, str | None, str | None, str | None, str | None, str | None]]:
    """What the paste made of each good row: (row, name, sex, agency, rank, national ID)."""
    return [
        (
            p.row,
            p.person.full_name,
            p.person.sex,
            p.person.agency,
            p.person.rank,
            p.person.national_id,
        )
        for p in parse_pasted_roster(text, CATALOG).people
    ]


def test_rows_without_a_header_are_name_sex_agency_rank_national_id() -> None:
    text = (
        "Ayesha Khan\tF\tANF\tInspector\t61101-1234567-2\r\n"
        "Bilal Ahmed\tMale\tpunjab police\tASI\t6110112345671\r\n"
    )

    assert people(text) == [
        (1, "Ayesha Khan", "F", "ANF", "Inspector", "61101-1234567-2"),
        (2, "Bilal Ahmed", "M", "PUNJAB_POLICE", "ASI", "6110112345671"),
    ]


def test_a_header_row_orders_the_columns_and_others_are_ignored() -> None:
    text = (
        "S.No\tCNIC No.\tGender\tName of officer\tDesignation\tDepartment\tPhone\n"
        "1\t35202-1234567-1\tWoman\tSana Malik\tSI\tAnti-Narcotics Force\t0300\n"
    )

    result = parse_pasted_roster(text, CATALOG)

    assert result.had_header
    assert result.ignored_columns == ["S.No", "Phone"]
    assert people(text) == [(2, "Sana Malik", "F", "ANF", "SI", "35202-1234567-1")]


def test_a_relatives_name_is_not_the_participants_name() -> None:
    text = "Father's name\tName\tSex\nAhmed Khan\tAyesha Khan\tF\n"

    result = parse_pasted_roster(text, CATALOG)

    assert result.ignored_columns == ["Father's name"]
    assert people(text) == [(2, "Ayesha Khan", "F", None, None, None)]


@pytest.mark.parametrize(
    ("header", "field"),
    [("Name", "full_name"), ("Sex", "sex"), ("Agency", "agency"), ("National ID", "national_id")],
)
def test_the_field_labels_are_headers_too(header: str, field: str) -> None:
    text = f"{header}\tRank\n{'F' if field == 'sex' else 'ANF' if field == 'agency' else 'x'}\tSI\n"

    assert parse_pasted_roster(text, CATALOG).had_header


def test_each_bad_row_is_reported_with_its_row_and_column_and_left_out() -> None:
    text = (
        "Name\tSex\tAgency\tRank\tCNIC\n"
        "Ayesha Khan\tF\tANF\tInspector\t61101-1234567-2\n"
        "Nadia Siddiqui\tX\tANF\t\t\n"
        "\n"
        "Imran Shah\tM\tNarcotics Police\tSI\t12345\n"
        "\tM\tANF\t\t\n"
        "Omar Farooq\tM\tDisbanded Force\t\t\n"
    )

    result = parse_pasted_roster(text, CATALOG)

    assert [p.row for p in result.people] == [2]
    assert [str(problem) for problem in result.problems] == [
        "Row 3, column Sex: “X” is not one of F, Female, W, Woman, M, Male, U or Not recorded",
        "Row 5, column Agency: “Narcotics Police” is not in the list of agencies",
        "Row 5, column CNIC: “12345” is not a valid CNIC",
        "Row 6, column Name: Name (as on ID) is required",
        "Row 7, column Agency: “Disbanded Force” is not in the list of agencies",
    ]


def test_a_sex_the_sheet_says_is_not_recorded_is_kept_as_not_recorded() -> None:
    text = "Name\tSex\nNadia Siddiqui\tNot recorded\nOmar Farooq\tU\nImran Shah\tunknown\n"

    assert [(row, sex) for row, _, sex, *_ in people(text)] == [(2, "U"), (3, "U"), (4, "U")]


def test_a_missing_sex_is_reported_under_the_field_label_without_a_header() -> None:
    result = parse_pasted_roster("Ayesha Khan\n", CATALOG)

    assert [str(problem) for problem in result.problems] == ["Row 1, column Sex: Sex is required"]


def test_a_header_without_names_is_refused_as_a_whole() -> None:
    result = parse_pasted_roster("Sex\tAgency\nF\tANF\n", CATALOG)

    assert result.people == []
    assert [str(p) for p in result.problems] == [
        "Row 1: no column of names (a header such as “Name”)"
    ]


def test_cells_quoted_by_excel_keep_their_tabs_and_line_breaks_inside() -> None:
    text = '"Khan, Ayesha\nSenior"\tF\n'

    assert people(text) == [(1, "Khan, Ayesha Senior", "F", None, None, None)]


def test_nothing_pasted_is_nothing() -> None:
    result = parse_pasted_roster(" \n\t\n", CATALOG)

    assert (result.people, result.problems) == ([], [])


def test_national_ids_compare_without_dashes_and_spaces() -> None:
    assert (
        national_id_key("61101-1234567-2") == national_id_key(" 6110112345672") == "6110112345672"
    )
    assert national_id_key("") is None


def test_the_same_person_is_the_same_id_or_name_and_agency_without_one() -> None:
    ayesha = PersonDraft(full_name="Ayesha Khan", agency="ANF", national_id="61101-1234567-2")

    assert same_person(ayesha, PersonDraft(full_name="A. Khan", national_id="6110112345672"))
    assert same_person(ayesha, PersonDraft(full_name="ayesha  KHAN", agency="ANF"))
    assert not same_person(
        ayesha, PersonDraft(full_name="Ayesha Khan", agency="ANF", national_id="61101-7654321-2")
    )
    assert not same_person(ayesha, PersonDraft(full_name="Ayesha Khan", agency="PUNJAB_POLICE"))


def roster(
    *uuids: str, status: str = "planned", vetting: tuple[str | None, ...] = ()
) -> TrainingDraft:
    return TrainingDraft(
        training_status=status,
        enrollments=[
            EnrollmentDraft(
                person_uuid=uuid,
                audience="PROSECUTOR",
                vetting_status=vetting[n] if n < len(vetting) else None,
            )
            for n, uuid in enumerate(uuids)
        ],
    )


def test_new_persons_are_validated_on_their_rows_and_may_not_repeat_a_participant() -> None:
    known = {
        "p1": PersonDraft(full_name="Ayesha Khan", sex="F", national_id="61101-1234567-2"),
        "n1": PersonDraft(full_name="Sana Malik", sex="F", agency="ANF"),
        "n2": PersonDraft(full_name="Ayesha K.", sex="F", national_id="6110112345672"),
        "n3": PersonDraft(full_name="Imran Shah", sex="Q"),
    }

    errors = roster_people_errors(
        roster("p1", "n1", "n2", "n3"), known, {"n1", "n2", "n3"}, CATALOG
    )

    assert [(e.row, e.field, e.message) for e in errors] == [
        (2, "full_name", "Ayesha K. is participant 1 already"),
        (3, "sex", "Sex must be one of: Female, Male, Not recorded"),
    ]


def test_vetting_not_approved_is_listed_until_the_session_is_held() -> None:
    names = {"a": "Ayesha Khan", "b": "Bilal Ahmed", "c": "Sana Malik", "d": "Omar"}
    vetting = ("approved", "pending", None, "not_required")

    assert unvetted_participants(roster("a", "b", "c", "d", vetting=vetting), names) == [
        (1, "Bilal Ahmed", "pending"),
        (2, "Sana Malik", None),
    ]
    assert unvetted_participants(roster("b", status="active", vetting=("denied",)), names) == [
        (0, "Bilal Ahmed", "denied")
    ]
    for held in ("completed", "cancelled"):
        assert unvetted_participants(roster("b", status=held, vetting=vetting[1:]), names) == []


def test_dates_are_not_needed_for_the_vetting_rule() -> None:
    draft = roster("a", vetting=("suspended",))
    draft.start_date = date(2020, 1, 1)  # an old planned session still warns

    assert unvetted_participants(draft, {}) == [(0, "?", "suspended")]
