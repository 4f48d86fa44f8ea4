"""The seizures sentence, and the table's figures of what was counted and what was not.

Seizures are counted by the rule of ``reports.seizures`` (an agency's aggregate report
where one covers the date, else its individual seizures; never both).
"""

from __future__ import annotations

from collections import defaultdict

from inl_desktop.domain.statements import format_mass, join_words
from inl_desktop.services.reports.accomplishments.figures import (
    BASIS_AGGREGATE,
    BASIS_BOTH,
    BASIS_CASE,
    Figure,
    Wording,
    basis_of,
    kg,
)
from inl_desktop.services.reports.seizures import (
    AGGREGATE,
    BEYOND,
    CASE,
    COVERED,
    OVERLAPPING,
    KgSum,
    SeizureCounts,
)

_KG = "kg-equivalent"


def word_seizures(words: Wording, counts: SeizureCounts) -> None:
    """The sentence of the kilograms seized by drug grouping, then the table's figures
    by agency and of what the sentence leaves out."""
    by_grouping: dict[int, dict[str, KgSum]] = defaultdict(lambda: defaultdict(KgSum))
    outside: dict[str, KgSum] = defaultdict(KgSum)
    by_agency: dict[str | None, dict[str, KgSum]] = defaultdict(lambda: defaultdict(KgSum))
    for (agency, drug, part), sums in counts.sums.items():
        by_agency[agency][part].add(sums.mg, sums.items, sums.without_kg)
        grouping = words.groupings.drug_grouping(drug)
        if grouping is None:
            outside[part].add(sums.mg, sums.items, sums.without_kg)
        else:
            number = words.groupings.drugs.index(grouping)
            by_grouping[number][part].add(sums.mg, sums.items, sums.without_kg)

    number = words.next_number
    phrases = []
    figures = []
    for index, grouping in enumerate(words.groupings.drugs):
        parts = by_grouping.get(index, {})
        case_mg = parts[CASE].mg if CASE in parts else 0
        aggregate_mg = parts[AGGREGATE].mg if AGGREGATE in parts else 0
        total = kg(case_mg + aggregate_mg)
        if total <= 0:
            continue
        shown = format_mass(total)
        phrases.append(f"{shown} of {grouping.label}")
        label = grouping.label
        figures += [
            Figure(number, "Seizures", label, total, _KG, basis_of(parts), shown),
            Figure(number, "Seizures", f"{label}: {BASIS_CASE}", kg(case_mg), _KG, BASIS_CASE),
            Figure(
                number,
                "Seizures",
                f"{label}: {BASIS_AGGREGATE}",
                kg(aggregate_mg),
                _KG,
                BASIS_AGGREGATE,
            ),
        ]
    subject = _subject(words)
    if phrases:
        words.sentences.append(f"{subject} reported seizing {join_words(phrases)} {words.during}.")
    else:
        words.sentences.append(f"{subject} reported no seizures {words.during}.")
    words.add(*figures)
    _agency_figures(words, by_agency)
    _outside_figures(words, outside)
    _left_out_figures(words, counts)


def _subject(words: Wording) -> str:
    if words.scope.agency is not None:
        agency = words.catalog.label("agencies", words.scope.agency)
        return f"{words.country}'s {agency}"
    return f"{words.country}'s law enforcement agencies"


def _agency_figures(words: Wording, by_agency: dict[str | None, dict[str, KgSum]]) -> None:
    catalog = words.catalog
    for agency in sorted(by_agency, key=lambda a: catalog.label("agencies", a) or "~"):
        parts = by_agency[agency]
        counted = sum(parts[p].mg for p in (CASE, AGGREGATE) if p in parts)
        if not counted and not any(p in parts for p in (CASE, AGGREGATE)):
            continue
        label = catalog.label("agencies", agency) or "Agency not recorded"
        words.add(Figure(0, "Seizures by agency", label, kg(counted), _KG, basis_of(parts)))


def _outside_figures(words: Wording, outside: dict[str, KgSum]) -> None:
    outside_mg = sum(outside[p].mg for p in (CASE, AGGREGATE) if p in outside)
    if outside_mg:
        label = "drugs in none of the sentence's groupings"
        words.add(Figure(0, "Not in the sentence", label, kg(outside_mg), _KG, basis_of(outside)))


def _left_out_figures(words: Wording, counts: SeizureCounts) -> None:
    """What the totals leave out (covered, beyond the period, overlapping, without a
    kg-equivalent) and how many aggregate reports they count."""
    left_out: dict[str, KgSum] = defaultdict(KgSum)
    for (_, _, part), sums in counts.sums.items():
        left_out[part].add(sums.mg, sums.items, sums.without_kg)
    reports: dict[str, int] = defaultdict(int)
    for (_, part), number in counts.reports.items():
        reports[part] += number
    if COVERED in left_out:
        words.add(
            Figure(
                0,
                "Not added",
                "individual seizures covered by an aggregate report of the same agency",
                kg(left_out[COVERED].mg),
                _KG,
                BASIS_CASE,
            )
        )
    for part, label in (
        (BEYOND, "aggregate reports extending beyond the period"),
        (OVERLAPPING, "aggregate reports overlapping a counted one of the same agency"),
    ):
        if reports.get(part):
            words.add(
                Figure(0, "Not added", label, kg(left_out[part].mg), _KG, BASIS_AGGREGATE),
                Figure(0, "Not added", label, reports[part], "reports", BASIS_AGGREGATE),
            )
    if reports.get(AGGREGATE):
        words.add(
            Figure(
                0,
                "Counted",
                "aggregate reports counted",
                reports[AGGREGATE],
                "reports",
                BASIS_AGGREGATE,
            )
        )
    without = sum(left_out[p].without_kg for p in (CASE, AGGREGATE) if p in left_out)
    if without:
        words.add(
            Figure(
                0,
                "Not in the totals",
                "drug items without a kg-equivalent",
                without,
                "items",
                BASIS_BOTH,
            )
        )
