"""The wording of INL's accomplishment statements: masses, "over N" counts, lists, and
the groupings of drugs and audiences the sentences name.

Rounding, as such statements use it:

- Masses from 1,000 kg up are metric tons, below that kilograms; three significant
  figures at most, trailing zeros dropped, so a figure never shows more precision than
  the data has (2 kg stays "2 kg", 7,912.4 kg is "7.91 metric tons").
- Counts below 100 are exact; from 100 up they are rounded down to two significant
  figures and said as "over N" when that drops anything (2,137 -> "over 2,100"; 2,100
  stays "2,100").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from inl_desktop.domain.errors import UserError

KG_PER_METRIC_TON = Decimal(1000)
SIGNIFICANT_FIGURES = 3
EXACT_BELOW = 100


class BadGroupings(UserError):
    """A groupings file that cannot be used."""


def significant(value: Decimal, figures: int = SIGNIFICANT_FIGURES) -> Decimal:
    """``value`` rounded (half up) to ``figures`` significant figures, trailing zeros dropped."""
    if value == 0:
        return Decimal(0)
    exponent = value.adjusted() - figures + 1
    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP).normalize()


def _number(value: Decimal) -> str:
    """Digits with thousands separators and no exponent: 1230 -> "1,230", 0.5 -> "0.5"."""
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_mass(kg: Decimal) -> str:
    """A mass as a statement says it: "61.4 metric tons", "3.26 kg", "1 metric ton"."""
    if kg >= KG_PER_METRIC_TON:
        tons = significant(kg / KG_PER_METRIC_TON)
        if tons == 1:
            return "1 metric ton"
        return f"{_number(tons)} metric tons"
    rounded = significant(kg)
    if rounded >= KG_PER_METRIC_TON:  # 999.7 kg rounds up to a metric ton
        return "1 metric ton"
    return f"{_number(rounded)} kg"


def rounded_down(count: int) -> int:
    """``count`` rounded down to two significant figures (exact below 100)."""
    if count < EXACT_BELOW:
        return count
    step = int(10 ** (len(str(count)) - 2))
    return count // step * step


def over(count: int) -> str:
    """A count as a statement says it: "37", "2,100", "over 2,100"."""
    shown = rounded_down(count)
    return f"{shown:,}" if shown == count else f"over {shown:,}"


def join_words(words: Sequence[str]) -> str:
    """ "a", "a and b", "a, b, and c" (the serial comma INL's statements use)."""
    if len(words) <= 1:
        return "".join(words)
    if len(words) == 2:
        return f"{words[0]} and {words[1]}"
    return ", ".join(words[:-1]) + ", and " + words[-1]


@dataclass(frozen=True)
class DrugGrouping:
    """Drugs a seizure sentence names together ("morphine and heroin")."""

    label: str
    drugs: frozenset[str]


@dataclass(frozen=True)
class AudienceGrouping:
    """Audience categories a training sentence names together."""

    label: str
    audiences: frozenset[str]


@dataclass(frozen=True)
class Groupings:
    """The groupings of drugs and audiences the sentences use, in sentence order.

    A drug or audience category belongs to one grouping at most; drugs in no grouping
    appear in the figures table only.
    """

    drugs: tuple[DrugGrouping, ...]
    audiences: tuple[AudienceGrouping, ...]

    def drug_grouping(self, drug: str) -> DrugGrouping | None:
        """The grouping a drug is counted under, if any."""
        return next((g for g in self.drugs if drug in g.drugs), None)


def parse_groupings(data: Mapping[str, Any], drug_groups: Mapping[str, str]) -> Groupings:
    """Groupings from their JSON form (see resources/reports/groupings.json).

    ``drug_groups`` maps each drug code to its UNODC group, so a grouping may name
    whole groups (``"drug_groups": ["PRECURSORS"]``) besides single drugs.
    """
    try:
        drugs = tuple(
            DrugGrouping(
                str(entry["label"]),
                frozenset(entry.get("drugs", ()))
                | {
                    code
                    for code, group in drug_groups.items()
                    if group in set(entry.get("drug_groups", ()))
                },
            )
            for entry in data.get("drugs", ())
        )
        audiences = tuple(
            AudienceGrouping(str(entry["label"]), frozenset(entry["audiences"]))
            for entry in data.get("audiences", ())
        )
    except (KeyError, TypeError) as error:
        raise BadGroupings(f"Groupings need a label and codes for each entry ({error})") from None
    for kind, codes in (
        ("drug", [c for g in drugs for c in g.drugs]),
        ("audience category", [c for g in audiences for c in g.audiences]),
    ):
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise BadGroupings(
                f"Each {kind} may be in one grouping only; repeated: {', '.join(repeated)}"
            )
    return Groupings(drugs, audiences)
