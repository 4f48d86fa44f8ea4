"""The wording of accomplishment statements: masses, "over N" counts, lists, groupings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inl_desktop.domain.statements import (
    BadGroupings,
    format_mass,
    join_words,
    over,
    parse_groupings,
)


@pytest.mark.parametrize(
    ("kg", "text"),
    [
        ("6000", "6 metric tons"),
        ("7900", "7.9 metric tons"),
        ("61400", "61.4 metric tons"),
        ("3.26", "3.26 kg"),
        ("2", "2 kg"),
        ("125.55", "126 kg"),
        ("0.680388555", "0.68 kg"),
        ("999.7", "1 metric ton"),
        ("1000", "1 metric ton"),
        ("7912.4", "7.91 metric tons"),
        ("1234567", "1,230 metric tons"),
    ],
)
def test_masses_are_tons_from_a_thousand_kg_with_three_figures_at_most(kg: str, text: str) -> None:
    assert format_mass(Decimal(kg)) == text


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (37, "37"),
        (99, "99"),
        (100, "100"),
        (314, "over 310"),
        (2137, "over 2,100"),
        (2100, "2,100"),
        (183973, "over 180,000"),
    ],
)
def test_counts_from_a_hundred_are_said_as_over(count: int, text: str) -> None:
    assert over(count) == text


def test_lists_take_the_serial_comma() -> None:
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"]) == "a, b, and c"


def test_a_grouping_may_name_a_whole_drug_group() -> None:
    groupings = parse_groupings(
        {"drugs": [{"label": "cocaine", "drug_groups": ["COCAINE"]}]},
        {"COCAINE": "COCAINE", "CRACK": "COCAINE", "HEROIN": "OPIOIDS"},
    )
    assert groupings.drugs[0].drugs == {"COCAINE", "CRACK"}
    assert groupings.drug_grouping("HEROIN") is None


def test_a_drug_in_two_groupings_is_refused() -> None:
    data = {
        "drugs": [
            {"label": "opiates", "drugs": ["HEROIN", "OPIUM"]},
            {"label": "heroin", "drugs": ["HEROIN"]},
        ]
    }
    with pytest.raises(BadGroupings, match="HEROIN"):
        parse_groupings(data, {})
