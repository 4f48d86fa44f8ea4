"""The consolidation report: the merged records and a Summary sheet of HQ's totals.

The Summary sheet is one long table (section, code, label, sex, measure, value) that
filters and pivots well in Excel:

- seizures: kg-equivalent by drug, drug group, post, country, fiscal quarter and
  fiscal year, individual seizures and aggregate reports apart (an agency's aggregate
  report may cover its individual seizures: adding the two would double count), and
  the items that have no kg-equivalent (counted units without a mass per unit);
- trainings: people who completed training (person-trainings) by audience category
  and sex, and by venue and sex; unique persons and person-trainings by sex.

What counts follows the rest of the app: deleted records never; a seizure marked as
the same as another live one (``same_as_uuid``) is counted under that one only; a
roster session counts its completed enrollments of persons not deleted, a counts
session its completed counts (training_totals does the same). Unique persons are
told apart by ``person_key`` (the pseudonymous key of the national ID, the same at
every post of a country program), else by the person's UUID; people in counts carry
no identity, so each is taken as a distinct person (the figure is an upper bound).
Records are dated by the start of their period (a seizure's date, a report's period).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from inl_desktop import __version__
from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import SEX
from inl_desktop.domain.periods import fiscal_year_of
from inl_desktop.domain.units import MG_PER_KG
from inl_desktop.exchange.format import Column, Kind, text_columns
from inl_desktop.exchange.writer import SheetData, write_workbook
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import Selection, export_sheets
from inl_desktop.services.person_key import person_key_secret
from inl_desktop.store.reference import country_program

SUMMARY = "Summary"
SUMMARY_COLUMNS = (
    *text_columns("section", "code", "label", "sex", "measure"),
    Column("value", Kind.NUMBER),
)
KG = {
    "case": "kg-equivalent (individual seizures)",
    "aggregate": "kg-equivalent (aggregate reports)",
}
NO_KG = "items without kg-equivalent"
COMPLETED = "completed (person-trainings)"
SEXES = dict(SEX)

# Live seizure items, a linked duplicate counted under the seizure it is the same as.
_COUNTED_ITEMS = """
FROM seizure_items i JOIN seizure_events e ON e.id = i.event_id
WHERE e.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM seizure_events same
                  WHERE same.uuid = e.same_as_uuid AND same.deleted_at IS NULL)
"""
_KG_BY = """
SELECT {key} AS key, e.basis, sum(i.kg_equivalent_mg), sum(i.kg_equivalent_mg IS NULL)
{items} GROUP BY 1, 2 ORDER BY 1, 2
"""
# Completed training: one row per person-training, with what it is counted by.
_COMPLETED = """
SELECT coalesce(n.audience, '') AS audience, p.sex AS sex, s.venue_type AS venue,
       coalesce(p.person_key, p.uuid) AS person, 1 AS people
FROM enrollments n
JOIN training_sessions s ON s.id = n.session_id
JOIN persons p ON p.id = n.person_id
WHERE s.deleted_at IS NULL AND s.attendance_mode = 'roster' AND p.deleted_at IS NULL
  AND n.completion = 'completed'
UNION ALL
SELECT c.audience, c.sex, s.venue_type, NULL, c.completed
FROM attendance_counts c JOIN training_sessions s ON s.id = c.session_id
WHERE s.deleted_at IS NULL AND s.attendance_mode = 'counts' AND c.completed > 0
"""
_TRAINEES_BY = "SELECT {key}, sex, sum(people) FROM ({done}) GROUP BY 1, 2 ORDER BY 1, 2"
# Unique persons: distinct keys, plus the people counted (who carry no identity).
_PERSONS = """
SELECT {key}, count(DISTINCT person) + coalesce(sum(CASE WHEN person IS NULL THEN people END), 0),
       sum(people)
FROM ({done}) {group}
"""


def _fiscal_quarter(day: date) -> str:
    return f"FY{fiscal_year_of(day)}Q{(day.month - 10) % 12 // 3 + 1}"


class _KgTotals:
    """Kg-equivalent (in mg) and items without one, by code and reporting basis."""

    def __init__(self, section: str, label: Callable[[str], str]) -> None:
        self._section = section
        self._label = label
        self._totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])

    def add(self, code: str, basis: str, mg: int | None, without: int) -> None:
        totals = self._totals[(code, basis)]
        totals[0] += mg or 0
        totals[1] += without

    def rows(self) -> Iterator[list[Any]]:
        for (code, basis), (mg, without) in sorted(self._totals.items()):
            label = self._label(code)
            yield [self._section, code, label, None, KG[basis], Decimal(mg) / MG_PER_KG]
            if without:
                yield [self._section, code, label, None, NO_KG, Decimal(without)]


def _seizure_rows(
    connection: Connection, catalog: Catalog, posts: dict[str, str]
) -> Iterator[list[Any]]:
    def grouped(key: str) -> Iterator[tuple[Any, str, int | None, int]]:
        yield from connection.exec_driver_sql(_KG_BY.format(key=key, items=_COUNTED_ITEMS))

    by_group = _KgTotals("seizures by drug group", lambda c: catalog.label("drug_groups", c))
    by_drug = _KgTotals("seizures by drug", lambda c: catalog.label("drugs", c))
    for drug, basis, mg, without in grouped("i.drug"):
        by_drug.add(drug, basis, mg, without)
        by_group.add(catalog.drugs[drug].group if drug in catalog.drugs else "", basis, mg, without)

    by_post = _KgTotals("seizures by post", lambda c: posts.get(c, c))
    by_country = _KgTotals("seizures by country", lambda c: catalog.label("countries", c))
    for post, basis, mg, without in grouped("e.post_code"):
        by_post.add(post, basis, mg, without)
        by_country.add(post.split("-")[0], basis, mg, without)

    by_quarter = _KgTotals("seizures by fiscal quarter", str)
    by_year = _KgTotals("seizures by fiscal year", str)
    for start, basis, mg, without in grouped("e.period_start"):
        if start is not None:
            day = date.fromisoformat(start)
            by_quarter.add(_fiscal_quarter(day), basis, mg, without)
            by_year.add(f"FY{fiscal_year_of(day)}", basis, mg, without)

    for totals in (by_group, by_drug, by_post, by_country, by_quarter, by_year):
        yield from totals.rows()


def _training_rows(connection: Connection, catalog: Catalog) -> Iterator[list[Any]]:
    for section, key, list_name in (
        ("trainees by audience category", "audience", "audience_categories"),
        ("trainees by venue", "venue", "venue_types"),
    ):
        sql = _TRAINEES_BY.format(key=key, done=_COMPLETED)
        for code, sex, people in connection.exec_driver_sql(sql):
            label = catalog.label(list_name, code) if code else "not recorded"
            yield [section, code or None, label, SEXES.get(sex, sex), COMPLETED, Decimal(people)]
    by_sex = _PERSONS.format(key="sex", done=_COMPLETED, group="GROUP BY sex ORDER BY sex")
    overall = _PERSONS.format(key="NULL", done=_COMPLETED, group="")
    for sql in (by_sex, overall):
        for sex, unique, trainings in connection.exec_driver_sql(sql):
            shown = SEXES.get(sex, sex) if sex else "both"
            yield ["persons", None, None, shown, "unique persons", Decimal(unique)]
            yield ["persons", None, None, shown, "person-trainings", Decimal(trainings or 0)]


def summary_rows(ctx: AppContext) -> list[list[Any]]:
    """The Summary sheet's rows: section, code, label, sex, measure, value."""
    catalog = ctx.catalog()
    post = ctx.post()
    posts = {p.code: p.name for p in country_program(post.country).posts} | {post.code: post.name}
    with ctx.engine.connect() as connection:
        return [*_seizure_rows(connection, catalog, posts), *_training_rows(connection, catalog)]


def summary_report(ctx: AppContext, out: Path) -> dict[str, int]:
    """Write the report workbook (merged records, hq profile, and Summary); rows per sheet."""
    post = ctx.post()
    catalog = ctx.catalog()
    about = [
        ("report", "INL Desktop consolidation report"),
        ("app_version", __version__),
        ("database_post", f"{post.code} ({post.name})"),
        ("country", post.country),
        ("generated_at_utc", ctx.now().replace(tzinfo=None)),
        ("profile", "hq"),
        ("personal_data", "none (hq profile)"),
        ("summary", "Summary sheet: section, code, label, sex, measure, value"),
    ]
    summary = SheetData(SUMMARY, SUMMARY_COLUMNS, summary_rows(ctx))
    secret = person_key_secret(ctx)
    with ctx.engine.connect() as connection:
        # The merged records, laid out as an hq-profile export of the whole database.
        records = export_sheets(connection, Selection(None, None), catalog, "hq", secret)
        return write_workbook(out, about, [summary, *records])
