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
from collections.abc import Iterator
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
from inl_desktop.exchange.format import Column, Kind
from inl_desktop.exchange.writer import SheetData, write_workbook
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import _Selection, _sheets
from inl_desktop.services.person_key import person_key_secret
from inl_desktop.store.reference import country_program

SUMMARY = "Summary"
SUMMARY_COLUMNS = (
    Column("section", Kind.TEXT),
    Column("code", Kind.TEXT),
    Column("label", Kind.TEXT),
    Column("sex", Kind.TEXT),
    Column("measure", Kind.TEXT),
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


def _kg(mg: int | None) -> Decimal:
    return Decimal(mg or 0) / MG_PER_KG


def _fiscal_quarter(day: date) -> str:
    return f"FY{fiscal_year_of(day)}Q{(day.month - 10) % 12 // 3 + 1}"


def _seizure_rows(
    connection: Connection, catalog: Catalog, posts: dict[str, str]
) -> Iterator[list[Any]]:
    def grouped(key: str) -> list[tuple[str, str, int | None, int]]:
        sql = _KG_BY.format(key=key, items=_COUNTED_ITEMS)
        return [tuple(row) for row in connection.exec_driver_sql(sql)]

    def rows(
        section: str, totals: dict[tuple[str, str], list[int]], label: Any
    ) -> Iterator[list[Any]]:
        for (code, basis), (mg, without) in sorted(totals.items()):
            yield [section, code, label(code), None, KG[basis], _kg(mg)]
            if without:
                yield [section, code, label(code), None, NO_KG, Decimal(without)]

    def add(
        totals: dict[tuple[str, str], list[int]], key: str, basis: str, mg: int | None, without: int
    ) -> None:
        entry = totals[(key, basis)]
        entry[0] += mg or 0
        entry[1] += without

    by_drug: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    by_group: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for drug, basis, mg, without in grouped("i.drug"):
        add(by_drug, drug, basis, mg, without)
        group = catalog.drugs[drug].group if drug in catalog.drugs else ""
        add(by_group, group, basis, mg, without)
    yield from rows("seizures by drug group", by_group, lambda c: catalog.label("drug_groups", c))
    yield from rows("seizures by drug", by_drug, lambda c: catalog.label("drugs", c))

    by_post: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    by_country: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for post, basis, mg, without in grouped("e.post_code"):
        add(by_post, post, basis, mg, without)
        add(by_country, post.split("-")[0], basis, mg, without)
    yield from rows("seizures by post", by_post, lambda c: posts.get(c, c))
    yield from rows("seizures by country", by_country, lambda c: catalog.label("countries", c))

    by_quarter: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    by_year: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for start, basis, mg, without in grouped("e.period_start"):
        if start is None:
            continue
        day = date.fromisoformat(start)
        add(by_quarter, _fiscal_quarter(day), basis, mg, without)
        add(by_year, f"FY{fiscal_year_of(day)}", basis, mg, without)
    yield from rows("seizures by fiscal quarter", by_quarter, lambda c: c)
    yield from rows("seizures by fiscal year", by_year, lambda c: c)


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
    with ctx.engine.connect() as connection:
        records = _sheets(connection, _Selection(None, None), catalog, "hq", person_key_secret(ctx))
        return write_workbook(out, about, [summary, *records])
