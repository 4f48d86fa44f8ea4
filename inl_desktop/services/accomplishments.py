"""The accomplishments report: the sentences INL publishes and the figures behind them.

Seizures are counted by the rule of ``report_seizures`` (an agency's aggregate report
where one covers the date, else its individual seizures; never both); trainings as
``report_trainings`` says. Every figure a sentence uses is in the table with the
basis it rests on, so a reviewer can check each number.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from inl_desktop import __version__, paths
from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.statements import (
    BadGroupings,
    Groupings,
    format_mass,
    join_words,
    over,
    parse_groupings,
)
from inl_desktop.domain.units import MG_PER_KG
from inl_desktop.exchange.report_workbook import write_report_workbook
from inl_desktop.services.context import AppContext
from inl_desktop.services.report_seizures import (
    AGGREGATE,
    BEYOND,
    CASE,
    COVERED,
    OVERLAPPING,
    KgSum,
    ReportScope,
    SeizureCounts,
    count_seizures,
)
from inl_desktop.services.report_trainings import TrainingCounts, count_trainings
from inl_desktop.services.training_totals import Figures
from inl_desktop.store.reference import UnknownCountry, country_program
from inl_desktop.store.summaries import IN_COUNTRY

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


def groupings_path() -> Path:
    """The groupings file that ships with the app."""
    return paths.resources_dir() / "reports" / "groupings.json"


def load_groupings(catalog: Catalog, path: Path | None = None) -> Groupings:
    """The drug and audience groupings the sentences use (a JSON file)."""
    source = path or groupings_path()
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BadGroupings(f"Groupings file {source} cannot be read: {error}") from None
    return parse_groupings(data, {code: drug.group for code, drug in catalog.drugs.items()})


def build_report(ctx: AppContext, scope: ReportScope, groupings: Groupings) -> Report:
    """Count the scope's seizures and trainings and word the report."""
    catalog = ctx.catalog()
    with ctx.engine.connect() as connection:
        seizures = count_seizures(connection, scope)
        trainings = count_trainings(connection, scope, groupings)
    country = scope.country or (scope.post or ctx.post().code).split("-")[0]
    country_name = _country_name(catalog, country)
    words = _Wording(scope, catalog, groupings, country_name)
    words.seizures(seizures)
    words.trainings(trainings)
    title = f"Accomplishments, {scope.period.description}"
    if scope.post:
        title += f" — {scope.post}"
    elif scope.country:
        title += f" — {country_name}"
    return Report(scope, title, tuple(words.sentences), tuple(words.figures))


def _country_name(catalog: Catalog, code: str) -> str:
    try:
        return country_program(code).name
    except UnknownCountry:
        return catalog.label("countries", code)


class _Wording:
    """Collects the sentences and their figures in order."""

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

    def _add(self, *figures: Figure) -> None:
        self.figures.extend(figures)

    # Seizures -----------------------------------------------------------------------

    def seizures(self, counts: SeizureCounts) -> None:
        by_grouping: dict[int, dict[str, KgSum]] = defaultdict(lambda: defaultdict(KgSum))
        outside: dict[str, KgSum] = defaultdict(KgSum)
        by_agency: dict[str | None, dict[str, KgSum]] = defaultdict(lambda: defaultdict(KgSum))
        for (agency, drug, part), kg in counts.sums.items():
            by_agency[agency][part].add(kg.mg, kg.items, kg.without_kg)
            grouping = self.groupings.drug_grouping(drug)
            if grouping is None:
                outside[part].add(kg.mg, kg.items, kg.without_kg)
            else:
                number = self.groupings.drugs.index(grouping)
                by_grouping[number][part].add(kg.mg, kg.items, kg.without_kg)

        number = len(self.sentences) + 1
        phrases = []
        figures = []
        for index, grouping in enumerate(self.groupings.drugs):
            parts = by_grouping.get(index, {})
            case_mg = parts[CASE].mg if CASE in parts else 0
            aggregate_mg = parts[AGGREGATE].mg if AGGREGATE in parts else 0
            total = _kg(case_mg + aggregate_mg)
            if total <= 0:
                continue
            shown = format_mass(total)
            phrases.append(f"{shown} of {grouping.label}")
            label = grouping.label
            figures += [
                Figure(number, "Seizures", label, total, "kg-equivalent", _basis(parts), shown),
                Figure(
                    number,
                    "Seizures",
                    f"{label}: {BASIS_CASE}",
                    _kg(case_mg),
                    "kg-equivalent",
                    BASIS_CASE,
                ),
                Figure(
                    number,
                    "Seizures",
                    f"{label}: {BASIS_AGGREGATE}",
                    _kg(aggregate_mg),
                    "kg-equivalent",
                    BASIS_AGGREGATE,
                ),
            ]
        subject = self._seizure_subject()
        if phrases:
            self.sentences.append(
                f"{subject} reported seizing {join_words(phrases)} {self.during}."
            )
        else:
            self.sentences.append(f"{subject} reported no seizures {self.during}.")
        self._add(*figures)
        self._seizure_table(counts, outside, by_agency)

    def _seizure_subject(self) -> str:
        if self.scope.agency is not None:
            agency = self.catalog.label("agencies", self.scope.agency)
            return f"{self.country}'s {agency}"
        return f"{self.country}'s law enforcement agencies"

    def _seizure_table(
        self,
        counts: SeizureCounts,
        outside: dict[str, KgSum],
        by_agency: dict[str | None, dict[str, KgSum]],
    ) -> None:
        for agency in sorted(by_agency, key=lambda a: self.catalog.label("agencies", a) or "~"):
            parts = by_agency[agency]
            counted = sum(parts[p].mg for p in (CASE, AGGREGATE) if p in parts)
            if not counted and not any(p in parts for p in (CASE, AGGREGATE)):
                continue
            label = self.catalog.label("agencies", agency) or "Agency not recorded"
            self._add(
                Figure(0, "Seizures by agency", label, _kg(counted), "kg-equivalent", _basis(parts))
            )
        outside_mg = sum(outside[p].mg for p in (CASE, AGGREGATE) if p in outside)
        if outside_mg:
            label = "drugs in none of the sentence's groupings"
            self._add(
                Figure(
                    0,
                    "Not in the sentence",
                    label,
                    _kg(outside_mg),
                    "kg-equivalent",
                    _basis(outside),
                )
            )
        left_out: dict[str, KgSum] = defaultdict(KgSum)
        for (_, _, part), kg in counts.sums.items():
            left_out[part].add(kg.mg, kg.items, kg.without_kg)
        reports: dict[str, int] = defaultdict(int)
        for (_, part), number in counts.reports.items():
            reports[part] += number
        if COVERED in left_out:
            self._add(
                Figure(
                    0,
                    "Not added",
                    "individual seizures covered by an aggregate report of the same agency",
                    _kg(left_out[COVERED].mg),
                    "kg-equivalent",
                    BASIS_CASE,
                )
            )
        for part, label in (
            (BEYOND, "aggregate reports extending beyond the period"),
            (OVERLAPPING, "aggregate reports overlapping a counted one of the same agency"),
        ):
            if reports.get(part):
                self._add(
                    Figure(
                        0,
                        "Not added",
                        label,
                        _kg(left_out[part].mg),
                        "kg-equivalent",
                        BASIS_AGGREGATE,
                    ),
                    Figure(0, "Not added", label, reports[part], "reports", BASIS_AGGREGATE),
                )
        if reports.get(AGGREGATE):
            self._add(
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
            self._add(
                Figure(
                    0,
                    "Not in the totals",
                    "drug items without a kg-equivalent",
                    without,
                    "items",
                    BASIS_BOTH,
                )
            )

    # Trainings ----------------------------------------------------------------------

    def trainings(self, counts: TrainingCounts) -> None:
        overall = counts.overall.unique_persons
        if overall.total == 0:
            self.sentences.append(f"No training was completed {self.during}.")
            return
        number = len(self.sentences) + 1
        women = f", {over(overall.women)} of them women" if overall.women else ""
        unknown = sex_not_recorded(overall)
        self.sentences.append(
            f"INL trained {over(overall.total)} people {self.during}{women}"
            + (f"; {unknown}" if unknown else "")
            + "."
        )
        self._add(
            Figure(
                number,
                "Trainees",
                "people who completed training",
                overall.total,
                "persons",
                BASIS_TRAINEES,
                over(overall.total),
            ),
            Figure(
                number,
                "Trainees",
                "women who completed training",
                overall.women,
                "persons",
                BASIS_TRAINEES,
                over(overall.women) if overall.women else "",
            ),
            Figure(
                0, "Trainees", "men who completed training", overall.men, "persons", BASIS_TRAINEES
            ),
            Figure(
                number if unknown else 0,
                "Trainees",
                "people who completed training, sex not recorded",
                overall.not_recorded,
                "persons",
                BASIS_TRAINEES,
                f"{overall.not_recorded:,}" if unknown else "",
            ),
            Figure(
                0,
                "Trainees",
                "completed trainings (person-trainings)",
                counts.overall.person_trainings.total,
                "person-trainings",
                BASIS_TRAINEES,
            ),
        )
        if counts.counted.total:
            self._add(
                Figure(
                    0,
                    "Trainees",
                    "of them recorded as counts (no names)",
                    counts.counted.total,
                    "persons",
                    "counts",
                )
            )
        for index, grouping in enumerate(self.groupings.audiences):
            trainees = counts.by_grouping.get(index)
            if trainees is None or trainees.unique_persons.total == 0:
                continue
            total = trainees.unique_persons.total
            number = len(self.sentences) + 1
            self.sentences.append(f"INL trained {over(total)} {grouping.label} {self.during}.")
            self._add(
                Figure(
                    number,
                    "Trainees by audience",
                    grouping.label,
                    total,
                    "persons",
                    BASIS_TRAINEES,
                    over(total),
                )
            )
        abroad = counts.abroad.unique_persons.total
        sessions = {
            venue: n
            for venue, n in counts.sessions_by_venue.items()
            if venue not in ("", IN_COUNTRY)
        }
        if abroad:
            number = len(self.sentences) + 1
            total_sessions = sum(sessions.values())
            noun = "session" if total_sessions == 1 else "sessions"
            if len(sessions) == 1:
                (venue,) = sessions
                where = f"{total_sessions:,} {noun} in {self._venue_place(venue)}"
            else:
                places = join_words(
                    [f"{n:,} in {self._venue_place(v)}" for v, n in sorted(sessions.items())]
                )
                where = f"{total_sessions:,} {noun}: {places}"
            self.sentences.append(
                f"INL sponsored {over(abroad)} participants for training abroad {self.during}, "
                f"in {where}."
            )
            self._add(
                Figure(
                    number,
                    "Training abroad",
                    "participants who completed training abroad",
                    abroad,
                    "persons",
                    BASIS_TRAINEES,
                    over(abroad),
                )
            )
            for venue, n in sorted(sessions.items()):
                self._add(
                    Figure(
                        number,
                        "Training abroad",
                        f"sessions: {self.catalog.label('venue_types', venue)}",
                        n,
                        "sessions",
                        "sessions with a participant who completed",
                    )
                )
        for code, trainees in sorted(counts.by_audience.items()):
            label = self.catalog.label("audience_categories", code) if code else "not recorded"
            by_sex = [
                ("women", trainees.unique_persons.women),
                ("men", trainees.unique_persons.men),
            ]
            if trainees.unique_persons.not_recorded:
                by_sex.append(("sex not recorded", trainees.unique_persons.not_recorded))
            for sex_label, value in by_sex:
                self._add(
                    Figure(
                        0,
                        "Trainees by audience category",
                        f"{label}, {sex_label}",
                        value,
                        "persons",
                        BASIS_TRAINEES,
                    )
                )
        if IN_COUNTRY in counts.sessions_by_venue:
            self._add(
                Figure(
                    0,
                    "Sessions",
                    f"sessions: {self.catalog.label('venue_types', IN_COUNTRY)}",
                    counts.sessions_by_venue[IN_COUNTRY],
                    "sessions",
                    "sessions with a participant who completed",
                )
            )

    def _venue_place(self, venue: str) -> str:
        return VENUE_PLACES.get(venue) or self.catalog.label("venue_types", venue)


def sex_not_recorded(figures: Figures) -> str:
    """ "sex not recorded for 193" (exact: it qualifies the figures beside it, and is not
    rounded down as they are), "sex not recorded for any of them", or "" when every
    sex is recorded. Women and men are then as recorded, never estimated."""
    if not figures.not_recorded:
        return ""
    if figures.not_recorded == figures.total:
        return "sex not recorded for any of them"
    return f"sex not recorded for {figures.not_recorded:,}"


def _basis(parts: dict[str, KgSum]) -> str:
    case = CASE in parts and parts[CASE].items > 0
    aggregate = AGGREGATE in parts and parts[AGGREGATE].items > 0
    if case and aggregate:
        return BASIS_BOTH
    if aggregate:
        return BASIS_AGGREGATE
    return BASIS_CASE


def _kg(mg: int) -> Decimal:
    return Decimal(mg) / MG_PER_KG


def save_report_xlsx(ctx: AppContext, report: Report, target: Path) -> Path:
    """Write the report's sentences and figures to an .xlsx workbook; return its path."""
    post = ctx.post()
    period = report.scope.period
    about = [
        ("report", report.title),
        ("app_version", __version__),
        ("database_post", f"{post.code} ({post.name})"),
        ("period", f"{period.label} ({period.start.isoformat()} to {period.end.isoformat()})"),
        ("country", report.scope.country or ""),
        ("post", report.scope.post or ""),
        ("agency", report.scope.agency or ""),
        ("generated_at_utc", ctx.now().replace(tzinfo=None)),
        ("counting_rule", report.rule),
    ]
    rows = [
        [f.sentence or None, f.section, f.label, f.value, f.unit, f.basis, f.shown_as or None]
        for f in report.figures
    ]
    write_report_workbook(target, about, report.sentences, rows)
    return target
