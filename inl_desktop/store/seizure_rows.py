"""A seizure's rows as the database keeps them: the event, its drug items with their
derived columns, its joint agencies and transit countries.

An item carries columns derived from its own values (the kg-equivalent, the quantity
as a number to sort and sum by) and copies of its event's columns (for the seizure
list, which reads items alone). Every writer computes them here: the form's save, an
import, a merge and the demo data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import SeizureDraft
from inl_desktop.domain.fields import SEIZURE_EVENT
from inl_desktop.domain.units import kg_equivalent, kg_to_mg
from inl_desktop.store.bulk import BulkInserter
from inl_desktop.store.models import (
    SeizureEvent,
    SeizureItem,
    SeizureJointAgency,
    SeizureTransitCountry,
)
from inl_desktop.store.record_rows import RECORD_COLUMNS, Audit, record_columns

_LISTS = ("joint_agencies", "transit_countries")
# The event's own columns (its lists have tables of their own; status is a record column).
EVENT_SCALARS = tuple(name for name in SEIZURE_EVENT.names if name not in (*_LISTS, "status"))
EVENT_COLUMNS = (*RECORD_COLUMNS, *EVENT_SCALARS, "same_as_uuid")
ITEM_EVENT_COPIES = ("event_start", "agency", "province", "basis", "status", "live")
ITEM_COLUMNS = (
    *("uuid", "event_id", "position", "drug", "quantity", "unit"),
    *("kg_equivalent_mg", "quantity_value", *ITEM_EVENT_COPIES),
)
EventCopies = tuple[date | None, str | None, str | None, str | None, str, bool]
"""The values of ``ITEM_EVENT_COPIES``: start, agency, province, basis, status, live."""
Measures = tuple[int | None, float]
"""An item's derived columns: kg-equivalent in mg (None when it has none), quantity value."""


def item_measures(catalog: Catalog, drug: str, unit: str, quantity: Decimal) -> Measures:
    """An item's kg-equivalent in mg and its quantity as a number."""
    drug_entry, unit_entry = catalog.drugs.get(drug), catalog.units.get(unit)
    kg = kg_equivalent(quantity, unit_entry, drug_entry) if drug_entry and unit_entry else None
    return kg_to_mg(kg), float(quantity)


def event_copies(event: SeizureDraft, live: bool = True) -> EventCopies:
    """The event's columns its items carry."""
    return (event.period_start, event.agency, event.province, event.basis, event.status, live)


def item_row(
    uuid: str | None,
    event_id: int,
    position: int,
    drug: str,
    quantity: object,
    unit: str,
    measures: Measures,
    copies: EventCopies,
) -> tuple[Any, ...]:
    """An item's row in the order of ``ITEM_COLUMNS``."""
    return (uuid, event_id, position, drug, quantity, unit, *measures, *copies)


def insert_seizures(
    connection: Connection, writes: Sequence[tuple[int, SeizureDraft, Audit]], catalog: Catalog
) -> None:
    """Insert checked events with their parts under the ids given (each with its audit
    columns)."""
    events: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    joint: list[tuple[Any, ...]] = []
    transit: list[tuple[Any, ...]] = []
    for event_id, draft, audit in writes:
        events.append(
            (
                *record_columns(event_id, draft.uuid, draft.revision, draft.status, audit),
                *(getattr(draft, name) for name in EVENT_SCALARS),
                draft.same_as_uuid,
            )
        )
        copies = event_copies(draft)
        for position, item in enumerate(draft.items):
            assert item.drug is not None and item.unit is not None and item.quantity is not None
            measures = item_measures(catalog, item.drug, item.unit, item.quantity)
            items.append(
                item_row(
                    item.uuid, event_id, position, item.drug, item.quantity, item.unit,
                    measures, copies,
                )
            )  # fmt: skip
        joint.extend((event_id, n, code) for n, code in enumerate(draft.joint_agencies))
        transit.extend((event_id, n, code) for n, code in enumerate(draft.transit_countries))
    BulkInserter(connection, SeizureEvent, EVENT_COLUMNS).insert(events)
    BulkInserter(connection, SeizureItem, ITEM_COLUMNS).insert(items)
    BulkInserter(connection, SeizureJointAgency, ["event_id", "position", "agency"]).insert(joint)
    BulkInserter(connection, SeizureTransitCountry, ["event_id", "position", "country"]).insert(
        transit
    )
