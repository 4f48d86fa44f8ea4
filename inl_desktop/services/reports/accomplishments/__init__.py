"""The accomplishments report: the sentences INL publishes and the figures behind them.

Seizures are counted by the rule of ``reports.seizures`` (an agency's aggregate report
where one covers the date, else its individual seizures; never both); trainings as
``reports.trainings`` says. Every figure a sentence uses is in the table with the
basis it rests on, so a reviewer can check each number.
"""

from __future__ import annotations

import json
from pathlib import Path

from inl_desktop import __version__, paths
from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.statements import BadGroupings, Groupings, parse_groupings
from inl_desktop.exchange.report_workbook import write_report_workbook
from inl_desktop.services.context import AppContext
from inl_desktop.services.reports.accomplishments.figures import (
    BASIS_AGGREGATE,
    BASIS_BOTH,
    BASIS_CASE,
    BASIS_TRAINEES,
    RULE,
    Figure,
    Report,
    Wording,
)
from inl_desktop.services.reports.accomplishments.seizure_sentences import word_seizures
from inl_desktop.services.reports.accomplishments.training_sentences import (
    VENUE_PLACES,
    sex_not_recorded,
    word_trainings,
)
from inl_desktop.services.reports.seizures import ReportScope, count_seizures
from inl_desktop.services.reports.trainings import count_trainings
from inl_desktop.store.reference import UnknownCountry, country_program

__all__ = [
    "BASIS_AGGREGATE",
    "BASIS_BOTH",
    "BASIS_CASE",
    "BASIS_TRAINEES",
    "RULE",
    "VENUE_PLACES",
    "Figure",
    "Report",
    "build_report",
    "groupings_path",
    "load_groupings",
    "save_report_xlsx",
    "sex_not_recorded",
]


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
    words = Wording(scope, catalog, groupings, country_name)
    word_seizures(words, seizures)
    word_trainings(words, trainings)
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
