"""What a report is made of: its sentences, and the figures with the basis each rests on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.statements import Groupings
from inl_desktop.domain.units import MG_PER_KG
from inl_desktop.services.reports.seizures import AGGREGATE, CASE, KgSum, ReportScope

BASIS_CASE = "individual seizures"
BASIS_AGGREGATE = "aggregate reports"
BASIS_BOTH = "aggregate reports where they cover the date, else individual seizures"
BASIS_TRAINEES = "completed: roster enrollments (unique persons) and counts"
VENUE_PLACES = {"UNITED_STATES": "the United States", "THIRD_COUNTRY": "third countries"}
RULE = (
    "An agency's aggregate report counts when its whole period lies within the report's "
    "period; the agency's individual seizures dated within a counted aggregate report are "
    "covered by it and not added. Records are dated by their start; deleted records and "
    "seizures linked as the same as another never count."
)


@dataclass(frozen=True)
class Figure:
    """One number behind the report: what it is, its value, and what it rests on.

    ``sentence`` is the 1-based number of the sentence that uses it (0: the table only).
    """

    sentence: int
    section: str
    label: str
    value: Decimal | int
    unit: str
    basis: str
    shown_as: str = ""

    def as_json(self) -> dict[str, Any]:
        """The figure as JSON (kilograms as a number with up to six decimals)."""
        value: float | int = float(self.value) if isinstance(self.value, Decimal) else self.value
        return {
            "sentence": self.sentence,
            "section": self.section,
            "label": self.label,
            "value": value,
            "unit": self.unit,
            "basis": self.basis,
            "shown_as": self.shown_as,
        }


@dataclass(frozen=True)
class Report:
    """The sentences of a report and the figures behind them."""

    scope: ReportScope
    title: str
    sentences: tuple[str, ...]
    figures: tuple[Figure, ...]
    rule: str = RULE

    @property
    def text(self) -> str:
        """The sentences as one paragraph (what Copy text copies)."""
        return " ".join(self.sentences)

    def as_json(self) -> dict[str, Any]:
        """The report as one JSON object."""
        period = self.scope.period
        return {
            "title": self.title,
            "period": {
                "label": period.label,
                "description": period.description,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            },
            "country": self.scope.country,
            "post": self.scope.post,
            "agency": self.scope.agency,
            "sentences": list(self.sentences),
            "figures": [figure.as_json() for figure in self.figures],
            "rule": self.rule,
        }

    def table_text(self) -> str:
        """The figures as a plain-text table."""
        lines = []
        for figure in self.figures:
            value = _value_text(figure.value)
            sentence = str(figure.sentence) if figure.sentence else "-"
            lines.append(
                f"{sentence:>2}  {figure.section[:28]:<28}  {figure.label[:44]:<44}  "
                f"{value:>16} {figure.unit:<16}  {figure.basis}"
            )
        return "\n".join(lines)


def _value_text(value: Decimal | int) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.3f}"
    return f"{value:,}"


def basis_of(parts: dict[str, KgSum]) -> str:
    """What a kilogram figure rests on: individual seizures, aggregate reports or both."""
    case = CASE in parts and parts[CASE].items > 0
    aggregate = AGGREGATE in parts and parts[AGGREGATE].items > 0
    if case and aggregate:
        return BASIS_BOTH
    if aggregate:
        return BASIS_AGGREGATE
    return BASIS_CASE


def kg(mg: int) -> Decimal:
    """Milligrams as kilograms."""
    return Decimal(mg) / MG_PER_KG


class Wording:
    """Collects a report's sentences and their figures in order."""

    def __init__(
        self, scope: ReportScope, catalog: Catalog, groupings: Groupings, country: str
    ) -> None:
        self.scope = scope
        self.catalog = catalog
        self.groupings = groupings
        self.country = country
        self.sentences: list[str] = []
        self.figures: list[Figure] = []
        self.during = f"during {scope.period.description}"

    @property
    def next_number(self) -> int:
        """The 1-based number the next sentence will have."""
        return len(self.sentences) + 1

    def add(self, *figures: Figure) -> None:
        """Figures, in the order the table shows them."""
        self.figures.extend(figures)
