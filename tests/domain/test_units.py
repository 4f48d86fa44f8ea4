"""Units of measure and the kg-equivalent of a reported drug quantity.

The kg-equivalent is what HQ sums across posts ("6 metric tons of heroin"), so it
must be exact: mass units by their exact factor, litres at 1 kg/L, tablets and
other counted units through the drug's mass per unit, and nothing when no mass per
unit is known. The expected figures are worked out by hand in each test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from inl_desktop.domain.units import (
    DrugDef,
    UnitDef,
    UnitKind,
    kg_equivalent,
    kg_to_mg,
    mg_to_kg,
    unit_compatible,
)
from inl_desktop.store.reference import ReferenceRow, list_files, read_list

GRAM = UnitDef("G", "Gram", UnitKind.MASS, Decimal("0.001"))
KILOGRAM = UnitDef("KG", "Kilogram", UnitKind.MASS, Decimal("1"))
METRIC_TON = UnitDef("MT", "Metric ton", UnitKind.MASS, Decimal("1000"))
POUND = UnitDef("LB", "Pound", UnitKind.MASS, Decimal("0.45359237"))
MILLILITRE = UnitDef("ML", "Millilitre", UnitKind.VOLUME, Decimal("0.001"))
LITRE = UnitDef("L", "Litre", UnitKind.VOLUME, Decimal("1"))
TABLET = UnitDef("TABLET", "Tablet", UnitKind.COUNT, None)
PLANT = UnitDef("PLANT", "Plant", UnitKind.COUNT, None)

HEROIN = DrugDef("HEROIN", "Heroin", "OPIOIDS")
ACETIC_ANHYDRIDE = DrugDef("ACETIC_ANHYDRIDE", "Acetic anhydride", "PRECURSORS")
YABA = DrugDef(
    "METH_TABLETS", "Methamphetamine tablets", "ATS", mass_per_unit_g=Decimal("0.1"), counted=True
)
OPIUM_POPPY = DrugDef("OPIUM_POPPY", "Opium poppy (plants)", "OPIOIDS", counted=True)


# --- kg-equivalent of mass units -------------------------------------------------


def test_grams_become_thousandths_of_a_kilogram() -> None:
    # 3,260 g = 3,260 / 1,000 kg = 3.26 kg (the "3.26 kgs of cocaine").
    result = kg_equivalent(Decimal("3260"), GRAM, HEROIN)
    assert result == Decimal("3.26")
    assert isinstance(result, Decimal)


def test_kilograms_stay_as_reported() -> None:
    assert kg_equivalent(Decimal("12.345678"), KILOGRAM, HEROIN) == Decimal("12.345678")


def test_metric_tons_become_thousands_of_kilograms() -> None:
    # 7.9 t = 7.9 x 1,000 kg = 7,900 kg; 61.4 t = 61,400 kg.
    assert kg_equivalent(Decimal("7.9"), METRIC_TON, HEROIN) == Decimal("7900")
    assert kg_equivalent(Decimal("61.4"), METRIC_TON, HEROIN) == Decimal("61400")


def test_pounds_convert_exactly_with_no_float_rounding() -> None:
    # 1 lb = 0.45359237 kg by definition; 1.5 x 0.45359237 = 0.45359237 + 0.226796185
    # = 0.680388555 kg, to the last digit.
    result = kg_equivalent(Decimal("1.5"), POUND, HEROIN)
    assert isinstance(result, Decimal)
    assert result == Decimal("0.680388555")


def test_a_large_pound_quantity_keeps_every_digit() -> None:
    # 1,000,000 lb x 0.45359237 = 453,592.37 kg exactly (a float would also get this
    # one right, so add a digit a float cannot carry: 1,000,000.000001 lb adds
    # 0.000001 x 0.45359237 = 0.00000045359237 kg).
    result = kg_equivalent(Decimal("1000000.000001"), POUND, HEROIN)
    assert result == Decimal("453592.37000045359237")


# --- kg-equivalent of volume units -----------------------------------------------


def test_millilitres_count_at_one_kilogram_per_litre() -> None:
    # 250 ml = 0.25 L = 0.25 kg.
    assert kg_equivalent(Decimal("250"), MILLILITRE, ACETIC_ANHYDRIDE) == Decimal("0.25")


def test_litres_count_at_one_kilogram_per_litre() -> None:
    assert kg_equivalent(Decimal("1200"), LITRE, ACETIC_ANHYDRIDE) == Decimal("1200")


# --- kg-equivalent of counted units ----------------------------------------------


def test_tablets_convert_through_the_drugs_mass_per_tablet() -> None:
    # 1,000 tablets x 0.1 g = 100 g = 0.1 kg.
    assert kg_equivalent(Decimal("1000"), TABLET, YABA) == Decimal("0.1")


def test_a_single_tablet_is_a_ten_thousandth_of_a_kilogram() -> None:
    # 1 x 0.1 g = 0.1 g = 0.0001 kg.
    assert kg_equivalent(Decimal("1"), TABLET, YABA) == Decimal("0.0001")


def test_a_counted_unit_without_a_mass_per_unit_has_no_kg_equivalent() -> None:
    assert kg_equivalent(Decimal("5000"), PLANT, OPIUM_POPPY) is None
    assert kg_equivalent(Decimal("5000"), TABLET, HEROIN) is None


def test_a_mass_unit_with_no_factor_has_no_kg_equivalent() -> None:
    unknown = UnitDef("SACK", "Sack", UnitKind.MASS, None)
    assert kg_equivalent(Decimal("3"), unknown, HEROIN) is None


# --- which units suit which drugs ------------------------------------------------


def test_heroin_cannot_be_reported_in_tablets() -> None:
    assert unit_compatible(TABLET, HEROIN) is False


def test_tablets_suit_a_drug_with_a_known_mass_per_tablet() -> None:
    assert unit_compatible(TABLET, YABA) is True


def test_plants_suit_a_drug_reported_by_the_piece() -> None:
    assert unit_compatible(PLANT, OPIUM_POPPY) is True


@pytest.mark.parametrize("unit", [GRAM, KILOGRAM, METRIC_TON, POUND, MILLILITRE, LITRE])
@pytest.mark.parametrize("drug", [HEROIN, ACETIC_ANHYDRIDE, YABA, OPIUM_POPPY])
def test_mass_and_volume_units_suit_every_drug(unit: UnitDef, drug: DrugDef) -> None:
    assert unit_compatible(unit, drug) is True


# --- storage as whole milligrams -------------------------------------------------


def test_kilograms_are_stored_as_whole_milligrams() -> None:
    # 3.26 kg x 1,000,000 mg/kg = 3,260,000 mg; 0.680388555 kg = 680,388.555 mg -> 680,389.
    assert kg_to_mg(Decimal("3.26")) == 3_260_000
    assert kg_to_mg(Decimal("0.680388555")) == 680_389


def test_milligrams_read_back_as_kilograms() -> None:
    assert mg_to_kg(3_260_000) == Decimal("3.26")
    assert mg_to_kg(1) == Decimal("0.000001")


@pytest.mark.parametrize(
    "kg",
    ["0", "0.000001", "0.1", "3.26", "7900", "61400", "453592.37", "999999999999.999999"],
)
def test_milligram_round_trip_keeps_every_value_with_up_to_six_decimals(kg: str) -> None:
    assert mg_to_kg(kg_to_mg(Decimal(kg))) == Decimal(kg)


def test_kg_to_mg_rounds_to_the_nearest_milligram() -> None:
    # 0.0000014 kg = 1.4 mg -> 1 mg; 0.0000016 kg = 1.6 mg -> 2 mg.
    assert kg_to_mg(Decimal("0.0000014")) == 1
    assert kg_to_mg(Decimal("0.0000016")) == 2


def test_an_unknown_kg_equivalent_stays_unknown_in_storage() -> None:
    assert kg_to_mg(None) is None
    assert mg_to_kg(None) is None


# --- the real reference data -----------------------------------------------------


@pytest.fixture(scope="module")
def reference_units() -> dict[str, ReferenceRow]:
    """The units list Pakistan uses (common/units.csv), by code."""
    return {row.code: row for row in read_list(list_files("PK")["units"])}


def test_every_mass_and_volume_unit_has_a_positive_kg_factor(
    reference_units: dict[str, ReferenceRow],
) -> None:
    measured = [
        row for row in reference_units.values() if row.attributes["kind"] in ("mass", "volume")
    ]
    assert measured, "units.csv lists no mass or volume units"
    for row in measured:
        factor = row.attributes.get("kg_per_unit", "")
        assert factor, f"unit {row.code} has no kg_per_unit"
        assert Decimal(factor) > 0, f"unit {row.code} has kg_per_unit {factor}"


def test_counted_units_have_no_kg_factor(reference_units: dict[str, ReferenceRow]) -> None:
    counted = [row for row in reference_units.values() if row.attributes["kind"] == "count"]
    assert "TABLET" in {row.code for row in counted}
    for row in counted:
        assert not row.attributes.get("kg_per_unit"), f"counted unit {row.code} has a factor"


def test_every_unit_kind_is_known(reference_units: dict[str, ReferenceRow]) -> None:
    known = {kind.value for kind in UnitKind}
    for row in reference_units.values():
        assert row.attributes["kind"] in known, f"unit {row.code}: kind {row.attributes['kind']}"


def test_reference_mass_factors_are_the_exact_definitions(
    reference_units: dict[str, ReferenceRow],
) -> None:
    def factor(code: str) -> Decimal:
        return Decimal(reference_units[code].attributes["kg_per_unit"])

    assert factor("LB") == Decimal("0.45359237")  # international pound, 1959
    assert factor("OZ") * 16 == factor("LB")  # 16 avoirdupois ounces to the pound
    assert factor("KG") == 1
    assert factor("G") * 1000 == 1
    assert factor("MT") == 1000
    assert factor("L") == 1  # 1 kg per litre
    assert factor("ML") * 1000 == 1
    # US gallon = 231 cubic inches; 1 cubic inch = 0.016387064 L.
    assert factor("GAL_US") == 231 * Decimal("0.016387064")


def test_reference_drugs_with_a_mass_per_unit_are_counted_drugs() -> None:
    drugs = read_list(list_files("PK")["drugs"])
    with_mass = [row for row in drugs if row.attributes.get("mass_per_unit_g")]
    assert "METH_TABLETS" in {row.code for row in with_mass}
    for row in with_mass:
        assert Decimal(row.attributes["mass_per_unit_g"]) > 0, row.code
        assert row.attributes.get("counted") == "1", f"{row.code} has a mass but is not counted"
