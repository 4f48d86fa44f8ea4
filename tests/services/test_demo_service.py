"""Demonstration data: deterministic, the requested size, consistent with the reference data."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from service_builders import count, rows, scalar

from inl_desktop.services.context import AppContext
from inl_desktop.services.demo import DemoResult, generate_demo
from inl_desktop.services.demo.shared import DemoRandom, draw_quantity
from inl_desktop.services.info import database_info
from inl_desktop.store.migrate import backup_database, open_database
from inl_desktop.store.reference import list_files, read_list

ITEMS = 500
SESSIONS = 10
SEED = 7
UUID_QUERIES = {
    "seizure_events": "SELECT uuid FROM seizure_events ORDER BY id",
    "seizure_items": "SELECT uuid FROM seizure_items ORDER BY id",
    "training_sessions": "SELECT uuid FROM training_sessions ORDER BY id",
    "persons": "SELECT uuid FROM persons ORDER BY id",
    "enrollments": "SELECT uuid FROM enrollments ORDER BY id",
    "attendance_counts": "SELECT uuid FROM attendance_counts ORDER BY id",
}

ContextFactory = Callable[[str], AppContext]


@pytest.fixture
def fresh_context(
    template_db: Path, tmp_path: Path, clock: Callable[[], datetime]
) -> Iterator[ContextFactory]:
    """Make more post databases, each a fresh copy of the template, on the same clock."""
    opened: list[AppContext] = []

    def make(name: str) -> AppContext:
        path = backup_database(template_db, tmp_path / f"{name}.sqlite")
        context = AppContext(open_database(path, now=clock), user="clerk", now=clock)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.engine.dispose()


def add_demo(ctx: AppContext) -> DemoResult:
    """Fill the test's post database with the demo data of the usual size and seed."""
    return generate_demo(ctx, seizure_items=ITEMS, trainings=SESSIONS, seed=SEED)


def uuids(ctx: AppContext) -> dict[str, list[object]]:
    """Every record and part UUID, in insertion order."""
    return {name: [row[0] for row in rows(ctx, sql)] for name, sql in UUID_QUERIES.items()}


def test_the_same_seed_gives_the_same_records(
    ctx: AppContext, fresh_context: ContextFactory
) -> None:
    other = fresh_context("second")

    first = generate_demo(ctx, seizure_items=ITEMS, trainings=SESSIONS, seed=SEED)
    second = generate_demo(other, seizure_items=ITEMS, trainings=SESSIONS, seed=SEED)

    assert first == second
    assert uuids(ctx) == uuids(other)
    assert len(uuids(ctx)["seizure_items"]) == ITEMS


def test_another_seed_gives_other_records(ctx: AppContext, fresh_context: ContextFactory) -> None:
    add_demo(ctx)
    other = fresh_context("other-seed")

    generate_demo(other, seizure_items=ITEMS, trainings=SESSIONS, seed=SEED + 1)

    assert set(uuids(ctx)["seizure_events"]).isdisjoint(uuids(other)["seizure_events"])


def test_exactly_the_requested_items_and_sessions(ctx: AppContext) -> None:
    demo = add_demo(ctx)

    assert (demo.seizure_items, demo.trainings) == (ITEMS, SESSIONS)
    assert count(ctx, "seizure_items") == ITEMS
    assert count(ctx, "training_sessions") == SESSIONS
    assert count(ctx, "seizure_events") == demo.seizure_events
    assert demo.seizure_events <= ITEMS <= 4 * demo.seizure_events
    assert count(ctx, "persons") == demo.persons
    assert count(ctx, "enrollments") == demo.enrollments


def kg_factors() -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Kilograms per unit (mass and volume units) and grams per piece (drugs), from the
    reference files themselves."""
    files = list_files("PK")
    per_unit = {
        row.code: Decimal(row.attributes["kg_per_unit"])
        for row in read_list(files["units"])
        if row.attributes["kind"] in ("mass", "volume")
    }
    per_piece = {
        row.code: Decimal(row.attributes["mass_per_unit_g"])
        for row in read_list(files["drugs"])
        if row.attributes["mass_per_unit_g"]
    }
    return per_unit, per_piece


def test_every_item_has_the_kg_equivalent_of_its_quantity(ctx: AppContext) -> None:
    add_demo(ctx)
    per_unit, per_piece = kg_factors()
    seen_units: set[object] = set()

    for drug, quantity, unit, stored_mg in rows(
        ctx, "SELECT drug, quantity, unit, kg_equivalent_mg FROM seizure_items"
    ):
        amount = Decimal(str(quantity))
        if unit in per_unit:
            kg: Decimal | None = amount * per_unit[str(unit)]
        elif drug in per_piece:
            kg = amount * per_piece[str(drug)] / 1000
        else:
            kg = None
        expected = None if kg is None else int((kg * 1_000_000).to_integral_value())
        assert stored_mg == expected, (drug, quantity, unit)
        seen_units.add(unit)

    assert {"KG", "G", "TABLET"} <= seen_units


def test_quantities_are_stored_as_plain_decimals(ctx: AppContext) -> None:
    add_demo(ctx)
    for (quantity,) in rows(ctx, "SELECT quantity FROM seizure_items"):
        text = str(quantity)
        assert "E" not in text.upper(), text
        assert Decimal(text) > 0, text


def test_aggregate_reports_have_a_month_and_no_date(ctx: AppContext) -> None:
    add_demo(ctx)
    aggregates = rows(
        ctx,
        "SELECT event_date, date_precision, period_start, period_end FROM seizure_events "
        "WHERE basis = 'aggregate'",
    )

    assert aggregates, "the demo should include some aggregate reports"
    for event_date, precision, start, end in aggregates:
        assert (event_date, precision) == (None, None)
        first, last = date.fromisoformat(str(start)), date.fromisoformat(str(end))
        assert first.day == 1
        assert (last.year, last.month) == (first.year, first.month)
        assert last.day == calendar.monthrange(first.year, first.month)[1]


def test_cases_have_a_past_date_inside_their_period(ctx: AppContext) -> None:
    add_demo(ctx)
    today = ctx.today()
    cases = rows(
        ctx,
        "SELECT event_date, date_precision, period_start, period_end FROM seizure_events "
        "WHERE basis = 'case'",
    )

    assert cases
    for event_date, precision, start, end in cases:
        day = date.fromisoformat(str(event_date))
        first, last = date.fromisoformat(str(start)), date.fromisoformat(str(end))
        assert day <= today
        assert first <= day <= last
        if precision == "day":
            assert first == last == day
        else:
            assert precision == "month" and first.day == 1 and first.month == day.month


def test_demo_records_are_final_live_and_unlogged(ctx: AppContext) -> None:
    add_demo(ctx)
    for table in ("seizure_events", "training_sessions", "persons"):
        assert rows(ctx, f"SELECT DISTINCT status, created_by, deleted_at FROM {table}") == [
            ("final", "demo", None)
        ], table
    assert count(ctx, "change_log") == 0


def test_database_info_counts_the_demo(ctx: AppContext, db_path: Path) -> None:
    demo = add_demo(ctx)
    info = database_info(ctx, db_path)

    assert info.counts == {
        "seizure_events": demo.seizure_events,
        "seizure_items": ITEMS,
        "trainings": SESSIONS,
        "persons": demo.persons,
        "enrollments": demo.enrollments,
    }
    assert demo.enrollments == scalar(ctx, "SELECT count(*) FROM enrollments")


def test_a_demo_seizure_lists_each_drug_once(ctx: AppContext) -> None:
    add_demo(ctx)
    repeated = rows(
        ctx,
        "SELECT event_id, drug FROM seizure_items GROUP BY event_id, drug HAVING count(*) > 1",
    )

    assert repeated == []


def test_a_round_demo_quantity_is_written_without_an_exponent() -> None:
    # With no spread the lognormal factor is exactly 1: a typical 10 kg gives 10 kg.
    quantity = draw_quantity(DemoRandom(SEED), 10.0, 0.0, "KG")

    assert quantity == 10
    assert str(quantity) == "10"


def test_demo_items_carry_their_events_list_columns(ctx: AppContext) -> None:
    add_demo(ctx)

    mismatched = rows(
        ctx,
        "SELECT i.uuid FROM seizure_items i JOIN seizure_events e ON e.id = i.event_id "
        "WHERE i.event_start IS NOT e.period_start OR i.agency IS NOT e.agency "
        "OR i.province IS NOT e.province OR i.basis IS NOT e.basis "
        "OR i.status IS NOT e.status OR i.live != (e.deleted_at IS NULL) "
        "OR i.quantity_value != CAST(i.quantity AS REAL)",
    )

    assert mismatched == []
    assert count(ctx, "seizure_items") == ITEMS
