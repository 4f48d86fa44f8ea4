"""Units of measure and the kg-equivalent of a reported drug quantity.

Quantities stay exactly as reported (``Decimal``); the kg-equivalent is derived:
mass units convert exactly, volume at 1 kg per litre, counted units through the
drug's mass per unit when the reference data gives one, else no kg-equivalent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

MG_PER_KG = 1_000_000


class UnitKind(StrEnum):
    """What a unit measures."""

    MASS = "mass"
    VOLUME = "volume"
    COUNT = "count"


@dataclass(frozen=True)
class UnitDef:
    """A unit from the reference data; ``kg_per_unit`` is None for counted units."""

    code: str
    label: str
    kind: UnitKind
    kg_per_unit: Decimal | None


@dataclass(frozen=True)
class DrugDef:
    """A drug from the reference data (UNODC list)."""

    code: str
    label: str
    group: str
    mass_per_unit_g: Decimal | None = None
    counted: bool = False


def unit_compatible(unit: UnitDef, drug: DrugDef) -> bool:
    """Whether a quantity of ``drug`` may be reported in ``unit``.

    Mass and volume suit every drug (volume at 1 kg/L); counted units suit only
    drugs that are reported by the piece or have a known mass per unit.
    """
    if unit.kind is not UnitKind.COUNT:
        return True
    return drug.counted or drug.mass_per_unit_g is not None


def kg_equivalent(quantity: Decimal, unit: UnitDef, drug: DrugDef) -> Decimal | None:
    """The kilograms that ``quantity`` of ``unit`` stands for, or None when unknown."""
    if unit.kind is UnitKind.COUNT:
        if drug.mass_per_unit_g is None:
            return None
        return quantity * drug.mass_per_unit_g / Decimal(1000)
    if unit.kg_per_unit is None:
        return None
    return quantity * unit.kg_per_unit


def kg_to_mg(kg: Decimal | None) -> int | None:
    """Kilograms as whole milligrams (the stored form, exact to sum in SQL)."""
    if kg is None:
        return None
    return int((kg * MG_PER_KG).to_integral_value(rounding=ROUND_HALF_UP))


def mg_to_kg(mg: int | None) -> Decimal | None:
    """Whole milligrams back to kilograms."""
    if mg is None:
        return None
    return Decimal(mg) / MG_PER_KG


# The units proposed when nothing else tells: codes of the shared units list.
MASS_UNIT = "KG"
TABLET_UNIT = "TABLET"


def proposed_unit(
    drug: DrugDef, previous: UnitDef | None, units: Mapping[str, UnitDef]
) -> str | None:
    """The unit to offer for a new item of ``drug``, the item before it in ``previous``.

    A drug weighed keeps the previous item's mass or volume unit (a report in
    pounds is in pounds throughout), else kilograms. A counted drug with a mass
    per unit (the mass of one tablet) is proposed in tablets; one without (plants,
    bottles, blotters) gets no proposal, since only the clerk knows what was
    counted, and neither takes the previous item's count, which may be of
    something else.
    """
    if drug.counted:
        if drug.mass_per_unit_g is not None and TABLET_UNIT in units:
            return TABLET_UNIT
        return None
    if previous is not None and previous.code in units and previous.kind is not UnitKind.COUNT:
        return previous.code
    return MASS_UNIT if MASS_UNIT in units else None
