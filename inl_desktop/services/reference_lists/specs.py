"""What each editable reference list holds: its title, parent list and attributes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.units import UnitKind

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")


class UnknownList(UserError):
    """A list name that is not one of the editable reference lists."""


@dataclass(frozen=True)
class AttributeSpec:
    """A list-specific value kept in an item's attributes.

    ``kind`` is "text", "decimal" (a positive number or blank), "choice" (one of
    ``choices``), "code" (a code of ``reference_list``) or "flag" ("1" or "0").
    """

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    reference_list: str | None = None
    short_label: str = ""

    @property
    def header(self) -> str:
        """The attribute's name as a table column header."""
        return self.short_label or self.label


@dataclass(frozen=True)
class ListSpec:
    """An editable list: its title, its parent list and its attributes."""

    name: str
    title: str
    item_noun: str
    parent_list: str | None = None
    parent_label: str = ""
    attributes: tuple[AttributeSpec, ...] = ()
    code_pattern: re.Pattern[str] = CODE_PATTERN
    code_rule: str = "1 to 40 capital letters, digits, _ or -, starting with a letter or digit"

    def attribute(self, name: str) -> AttributeSpec | None:
        """The spec of one attribute, None when the list does not declare it."""
        return next((a for a in self.attributes if a.name == name), None)


UNIT_KINDS = tuple((kind.value, kind.value.capitalize()) for kind in UnitKind)
AGENCY_KINDS = (("federal", "Federal"), ("provincial", "Provincial"), ("other", "Other"))

LIST_SPECS: tuple[ListSpec, ...] = (
    ListSpec(
        "agencies",
        "Agencies",
        "agency",
        attributes=(AttributeSpec("kind", "Kind", "choice", choices=AGENCY_KINDS),),
    ),
    ListSpec(
        "drugs",
        "Drugs",
        "drug",
        attributes=(
            AttributeSpec("group", "Group", "code", required=True, reference_list="drug_groups"),
            AttributeSpec(
                "mass_per_unit_g", "Mass per unit (g)", "decimal", short_label="g per unit"
            ),
            AttributeSpec("counted", "Counted by the piece", "flag", short_label="Counted"),
        ),
    ),
    ListSpec("drug_groups", "Drug groups", "drug group"),
    ListSpec(
        "units",
        "Units",
        "unit",
        attributes=(
            AttributeSpec("kind", "Kind", "choice", required=True, choices=UNIT_KINDS),
            AttributeSpec(
                "kg_per_unit", "Kilograms per unit", "decimal", short_label="kg per unit"
            ),
        ),
    ),
    ListSpec("provinces", "Provinces", "province"),
    ListSpec(
        "districts", "Districts", "district", parent_list="provinces", parent_label="Province"
    ),
    ListSpec("transport_modes", "Transport modes", "transport mode"),
    ListSpec("concealment_methods", "Concealment methods", "concealment method"),
    ListSpec("installations", "Installations", "installation"),
    ListSpec("route_types", "Route types", "route type"),
    ListSpec(
        "countries",
        "Countries",
        "country",
        # Records keep country codes in two-character columns (ISO 3166-1 alpha-2).
        code_pattern=re.compile(r"^[A-Z]{2}$"),
        code_rule="two capital letters (ISO 3166-1 alpha-2)",
    ),
    ListSpec("audience_categories", "Audience categories", "audience category"),
    ListSpec("training_topics", "Training topics", "training topic"),
    ListSpec("funding_programs", "Funding programs", "funding program"),
    ListSpec("venue_types", "Venue types", "venue type"),
)
_SPECS = {spec.name: spec for spec in LIST_SPECS}


def editable_lists() -> list[tuple[str, str]]:
    """(list name, title) of every list the settings page edits, in display order."""
    return [(spec.name, spec.title) for spec in LIST_SPECS]


def list_spec(list_name: str) -> ListSpec:
    """What an editable list holds; UnknownList for any other name."""
    try:
        return _SPECS[list_name]
    except KeyError:
        raise UnknownList(f"{list_name!r} is not an editable reference list") from None


@dataclass(frozen=True)
class ReferenceEntry:
    """One code of a list as the settings page shows it.

    ``in_use`` counts the records (seizures, training sessions, persons; deleted
    ones included) and reference items (districts of a province, drugs of a group,
    the post of a country) that hold the code. ``aliases`` are the code's other
    names, which an import recognises in a post's files.
    """

    code: str
    label: str
    parent: str | None
    attributes: dict[str, str]
    retired: bool
    in_use: int
    aliases: tuple[str, ...] = ()
