"""Demonstration seizures: events of one to four drug items, drawn agency by agency
(each mostly in its own provinces), a few of them aggregate monthly reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Connection

from inl_desktop.domain import periods
from inl_desktop.domain.catalog import Catalog
from inl_desktop.services.demo.shared import DemoDrug, DemoRun, draw_quantity, weighted
from inl_desktop.services.seizures import case_period
from inl_desktop.store.bulk import BulkInserter, next_id
from inl_desktop.store.models import SeizureEvent, SeizureItem, SeizureJointAgency
from inl_desktop.store.record_rows import RECORD_COLUMNS, Audit, record_columns
from inl_desktop.store.seizure_rows import ITEM_COLUMNS, Measures, item_measures, item_row

EVENTS_PER_BATCH = 20_000
QUANTITY_POOL_SIZE = 2_048
_EVENT_COLUMNS = [
    *RECORD_COLUMNS,
    *("basis", "event_date", "date_precision", "period_start", "period_end", "agency"),
    *("province", "district", "place", "transport_mode", "producing_country"),
    *("destination_country", "arrests_nationals", "arrests_foreigners", "source_reference"),
]
_Row = tuple[object, ...]
_Pool = list[tuple[str, Measures]]


@dataclass
class _Draws:
    """What the events are drawn from: weighted tables to draw from with one call (the
    loop runs a million times), and pools of quantities per drug, unit and basis."""

    run: DemoRun
    audit: Audit
    agencies: list[str]
    homes: dict[str, tuple[str, ...]]
    drugs: list[DemoDrug]
    districts: dict[str, list[str]]
    provinces: list[str]
    transports: list[str | None]
    first_day: date
    case_sizes: list[int] = field(
        default_factory=lambda: weighted([(1, 70), (2, 20), (3, 7), (4, 3)])
    )
    arrest_counts: list[int] = field(
        default_factory=lambda: weighted([(0, 30), (1, 45), (2, 15), (3, 10)])
    )
    foreigner_counts: list[int] = field(default_factory=lambda: weighted([(0, 92), (1, 8)]))
    pools: dict[tuple[str, str, bool], _Pool] = field(default_factory=dict)
    # An agency reports a province's month once; another draw of the same becomes an
    # individual seizure.
    reported: set[tuple[str, str, date]] = field(default_factory=set)


@dataclass
class _Batch:
    """The rows of a batch of events, inserted together."""

    events: list[_Row] = field(default_factory=list)
    items: list[_Row] = field(default_factory=list)
    joint: list[_Row] = field(default_factory=list)

    def insert(self, connection: Connection) -> None:
        BulkInserter(connection, SeizureEvent, _EVENT_COLUMNS).insert(self.events)
        BulkInserter(connection, SeizureItem, ITEM_COLUMNS).insert(self.items)
        BulkInserter(connection, SeizureJointAgency, ["event_id", "position", "agency"]).insert(
            self.joint
        )


def add_seizures(run: DemoRun, total_items: int) -> tuple[int, int]:
    """Add events with ``total_items`` drug items in all; how many events and items."""
    if total_items <= 0:
        return 0, 0
    draws = _draws(run)
    event_id = next_id(run.connection, "seizure_events")
    made_items = made_events = 0
    while made_items < total_items:
        batch = _Batch()
        for _ in range(EVENTS_PER_BATCH):
            if made_items >= total_items:
                break
            made_items += _add_event(draws, batch, event_id, total_items - made_items)
            made_events += 1
            event_id += 1
        batch.insert(run.connection)
        run.report(made_items, total_items, "seizure items")
    return made_events, made_items


def _draws(run: DemoRun) -> _Draws:
    catalog, lists = run.catalog, run.lists
    districts = _districts_by_province(catalog)
    agencies = [(a.code, a.weight) for a in lists.agencies if catalog.has("agencies", a.code)]
    drugs = [d for d in lists.drugs if d[0] in catalog.drugs and d[2] in catalog.units]
    transports: list[str | None] = [
        t for t in lists.transport_modes if catalog.has("transport_modes", t)
    ]
    return _Draws(
        run=run,
        audit=run.audit(),
        agencies=weighted(agencies),
        homes={agency.code: agency.provinces for agency in lists.agencies},
        drugs=weighted([(d, d[1]) for d in drugs]),
        districts=districts,
        provinces=sorted(districts),
        transports=transports or [None],
        first_day=date(run.today.year - 10, 1, 1),
    )


def _districts_by_province(catalog: Catalog) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for district, province in catalog.parents.get("districts", {}).items():
        result.setdefault(province, []).append(district)
    return {province: sorted(codes) for province, codes in result.items()}


def _add_event(draws: _Draws, batch: _Batch, event_id: int, items_left: int) -> int:
    """Draw one event with its items into the batch; how many items it has."""
    run = draws.run
    rng, pick, lists = run.rng, run.rng.pick, run.lists
    agency = pick(draws.agencies)
    home = draws.homes[agency]
    province = pick(home) if home else pick(draws.provinces)
    aggregate = rng.random() < 0.04
    if aggregate:
        month = rng.day(draws.first_day, run.today - timedelta(days=40))
        period = periods.month(month.year, month.month)
        aggregate = (agency, province, period.start) not in draws.reported
        draws.reported.add((agency, province, period.start))
    basis = "aggregate" if aggregate else "case"
    if aggregate:
        event_date, precision = None, None
        start, end = period.start, period.end
        n_items = rng.randint(2, 4)
    else:
        event_date = rng.day(draws.first_day, run.today)
        precision = "day" if rng.random() < 0.97 else "month"
        start, end = case_period(event_date, precision)
        n_items = pick(draws.case_sizes)
    n_items = min(n_items, items_left)
    district = pick(draws.districts[province])
    district_label = run.catalog.label("districts", district)
    batch.events.append(
        (
            *record_columns(event_id, rng.uuid(), 1, "final", draws.audit),
            basis,
            event_date,
            precision,
            start,
            end,
            agency,
            province,
            district,
            None if aggregate else f"{pick(lists.places)}, {district_label}",
            None if aggregate else pick(draws.transports),
            None if aggregate else pick(lists.origins),
            None if aggregate else pick(lists.destinations),
            None if aggregate else pick(draws.arrest_counts),
            None if aggregate else pick(draws.foreigner_counts),
            f"{agency}/{start.year}/{rng.randrange(1, 99999):05d}",
        )
    )
    if not aggregate and agency != "ANF" and rng.random() < 0.05:
        batch.joint.append((event_id, 0, "ANF"))
    copies = (start, agency, province, basis, "final", True)
    chosen: set[str] = set()
    for position in range(n_items):
        drug, unit, quantity, measures = _draw_item(draws, chosen, aggregate)
        batch.items.append(
            item_row(rng.uuid(), event_id, position, drug, quantity, unit, measures, copies)
        )
    return n_items


def _draw_item(draws: _Draws, chosen: set[str], aggregate: bool) -> tuple[str, str, str, Measures]:
    """A drug not yet in the event (added to ``chosen``), its unit and a quantity."""
    pick = draws.run.rng.pick
    drug, _, unit, typical, spread = pick(draws.drugs)
    if drug in chosen:
        unused = [d for d in draws.drugs if d[0] not in chosen]
        drug, _, unit, typical, spread = pick(unused)
    chosen.add(drug)
    key = (drug, unit, aggregate)
    pool = draws.pools.get(key)
    if pool is None:
        typical *= 40.0 if aggregate else 1.0
        pool = draws.pools[key] = _quantity_pool(draws.run, drug, unit, typical, spread)
    quantity, measures = pick(pool)
    return drug, unit, quantity, measures


def _quantity_pool(run: DemoRun, drug: str, unit: str, typical: float, spread: float) -> _Pool:
    """Plausible quantities (as text) of one drug and unit, with their derived columns."""
    pool = []
    for _ in range(QUANTITY_POOL_SIZE):
        quantity = draw_quantity(run.rng, typical, spread, unit)
        pool.append((str(quantity), item_measures(run.catalog, drug, unit, quantity)))
    return pool
