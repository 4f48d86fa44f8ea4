"""Seizures that look like one already recorded (agencies often report jointly)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import SeizureDraft
from inl_desktop.domain.units import kg_equivalent, kg_to_mg
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import case_period
from inl_desktop.store.models import SeizureEvent, SeizureItem, SeizureJointAgency

TOLERANCE = Decimal("0.01")
MAX_CANDIDATES = 500
LONGEST_PERIOD = timedelta(days=366)


@dataclass(frozen=True)
class PossibleDuplicate:
    """A stored seizure that may be the same as the one being entered."""

    uuid: str
    revision: int
    period_start: date
    period_end: date
    agency: str | None
    drug: str
    quantity: Decimal
    unit: str
    place: str | None
    source_reference: str | None


Compared = tuple[str, Decimal, str, int | None]  # drug, quantity, unit, kg-equivalent (mg)


def _compared_items(draft: SeizureDraft, catalog: Catalog) -> list[Compared]:
    """The draft's complete items as the 1% rule compares them."""
    compared = []
    for item in draft.items:
        if item.drug is None or item.quantity is None or item.unit is None:
            continue
        drug, unit = catalog.drugs.get(item.drug), catalog.units.get(item.unit)
        kg = kg_equivalent(item.quantity, unit, drug) if drug and unit else None
        compared.append((item.drug, item.quantity, item.unit, kg_to_mg(kg)))
    return compared


def _close(a: Decimal | int, b: Decimal | int) -> bool:
    """Within 1% of the larger of the two."""
    larger = max(abs(Decimal(a)), abs(Decimal(b)))
    return larger == 0 or abs(Decimal(a) - Decimal(b)) <= larger * TOLERANCE


def find_possible_duplicates(ctx: AppContext, draft: SeizureDraft) -> list[PossibleDuplicate]:
    """Live seizures with the same date or an overlapping period, the same or a joint
    agency, and an item of the same drug whose quantity is within 1%."""
    if draft.basis == "case" and draft.event_date is not None:
        start, end = case_period(draft.event_date, draft.date_precision)
    elif draft.period_start is not None and draft.period_end is not None:
        start, end = draft.period_start, draft.period_end
    else:
        return []
    agencies = {code for code in (draft.agency, *draft.joint_agencies) if code}
    if not agencies or not draft.items:
        return []
    wanted = _compared_items(draft, ctx.catalog())
    if not wanted:
        return []
    joint = exists().where(
        SeizureJointAgency.event_id == SeizureEvent.id, SeizureJointAgency.agency.in_(agencies)
    )
    same_agency = or_(SeizureEvent.agency.in_(agencies), joint)
    # An item of the same drug whose quantity (same unit) or kg-equivalent is close: a
    # slightly wider window in SQL, the exact 1% rule in Python below.
    close_items = []
    for drug_code, quantity, unit_code, kg_mg in wanted:
        low, high = float(quantity) * 0.989, float(quantity) * 1.011
        near = and_(SeizureItem.unit == unit_code, SeizureItem.quantity_value.between(low, high))
        if kg_mg is not None:
            near = or_(near, SeizureItem.kg_equivalent_mg.between(kg_mg * 0.989, kg_mg * 1.011))
        close_items.append(and_(SeizureItem.drug == drug_code, near))
    same_drug = exists().where(SeizureItem.event_id == SeizureEvent.id, or_(*close_items))
    live = SeizureEvent.deleted_at.is_(None)
    # Reports that start within the period (the period index, a narrow range), and
    # aggregate reports that started before it and still cover it (a small partial index).
    starting_within = select(SeizureEvent.id).where(
        live, same_agency, same_drug, SeizureEvent.period_start.between(start, end)
    )
    covering = select(SeizureEvent.id).where(
        live,
        same_agency,
        same_drug,
        SeizureEvent.basis == "aggregate",
        SeizureEvent.period_start >= start - LONGEST_PERIOD,
        SeizureEvent.period_start < start,
        SeizureEvent.period_end >= start,
    )
    with ctx.sessions() as session:
        ids = set(session.scalars(starting_within)) | set(session.scalars(covering))
    query = (
        select(SeizureEvent)
        .where(SeizureEvent.id.in_(sorted(ids)[:MAX_CANDIDATES]))
        .options(selectinload(SeizureEvent.items))
    )
    if draft.uuid is not None:
        query = query.where(SeizureEvent.uuid != draft.uuid)
    found = []
    with ctx.sessions() as session:
        for event in session.scalars(query):
            for stored in event.items:
                if any(
                    _same_item(
                        stored.drug, stored.quantity, stored.unit, stored.kg_equivalent_mg, *w
                    )
                    for w in wanted
                ):
                    assert event.period_start is not None and event.period_end is not None
                    found.append(
                        PossibleDuplicate(
                            event.uuid,
                            event.revision,
                            event.period_start,
                            event.period_end,
                            event.agency,
                            stored.drug,
                            stored.quantity,
                            stored.unit,
                            event.place,
                            event.source_reference,
                        )
                    )
                    break
    return found


def _same_item(
    drug: str,
    quantity: Decimal,
    unit: str,
    kg_mg: int | None,
    other_drug: str,
    other_quantity: Decimal,
    other_unit: str,
    other_kg_mg: int | None,
) -> bool:
    if drug != other_drug:
        return False
    if unit == other_unit:
        return _close(quantity, other_quantity)
    return kg_mg is not None and other_kg_mg is not None and _close(kg_mg, other_kg_mg)


def find_lookalikes(
    ctx: AppContext, drafts: Sequence[SeizureDraft]
) -> list[list[PossibleDuplicate]]:
    """For each draft, the stored live seizures it looks like by the form's rule (as
    ``find_possible_duplicates``), read for many drafts at once: one query per month
    the drafts start in."""
    periods = [_period_of(draft) for draft in drafts]
    found: list[list[PossibleDuplicate]] = [[] for _ in drafts]
    known = [period for period in periods if period is not None]
    if not known:
        return found
    with ctx.sessions() as session:
        first, last = min(start for start, _ in known), max(end for _, end in known)
        if not _any_seizure_meets(session, first, last):
            return found  # nothing stored in those days: one query says so
    catalog = ctx.catalog()
    wanted: list[tuple[date, date, set[str], list[Compared]]] = []
    months: dict[tuple[int, int], list[int]] = {}
    for index, (draft, period) in enumerate(zip(drafts, periods, strict=True)):
        if period is None:
            wanted.append((date.min, date.min, set(), []))
            continue
        start, end = period
        items = _compared_items(draft, catalog)
        agencies = {code for code in (draft.agency, *draft.joint_agencies) if code}
        wanted.append((start, end, agencies, items))
        if agencies and items:
            months.setdefault((start.year, start.month), []).append(index)
    with ctx.sessions() as session:
        for members in months.values():
            start = min(wanted[i][0] for i in members)
            end = max(wanted[i][1] for i in members)
            drugs = sorted({item[0] for i in members for item in wanted[i][3]})
            stored = _stored_items(session, start, end, drugs)
            by_drug: dict[str, list[tuple[Any, ...]]] = {}
            for stored_row in stored:
                by_drug.setdefault(stored_row.drug, []).append(tuple(stored_row))
            joint = _joint_agencies(session, sorted({row.id for row in stored}))
            for index in members:
                first, last, agencies, items = wanted[index]
                seen: set[str] = set()
                for wanted_item in items:
                    for row in by_drug.get(wanted_item[0], ()):
                        (event_id, uuid, revision, start, end, agency, place, reference,
                         drug, quantity, unit, kg_mg) = row  # fmt: skip
                        if uuid in seen or start > last or end < first:
                            continue
                        if agency not in agencies and not (joint.get(event_id, set()) & agencies):
                            continue
                        if not _roughly_same(quantity, unit, kg_mg, wanted_item):
                            continue
                        if _same_item(drug, quantity, unit, kg_mg, *wanted_item):
                            seen.add(uuid)
                            found[index].append(
                                PossibleDuplicate(
                                    uuid, revision, start, end, agency, drug, quantity, unit,
                                    place, reference,
                                )
                            )  # fmt: skip
    return found


def _stored_items(session: Session, start: date, end: date, drugs: Sequence[str]) -> list[Any]:
    """The live items of these drugs whose seizure's date or period meets start..end."""
    query = (
        select(
            SeizureEvent.id, SeizureEvent.uuid, SeizureEvent.revision, SeizureEvent.period_start,
            SeizureEvent.period_end, SeizureEvent.agency, SeizureEvent.place,
            SeizureEvent.source_reference, SeizureItem.drug, SeizureItem.quantity,
            SeizureItem.unit, SeizureItem.kg_equivalent_mg,
        )
        .join(SeizureItem, SeizureItem.event_id == SeizureEvent.id)
        .where(
            SeizureEvent.deleted_at.is_(None),
            SeizureEvent.period_start <= end,
            SeizureEvent.period_start >= start - LONGEST_PERIOD,
            SeizureEvent.period_end >= start,
            SeizureItem.drug.in_(drugs),
        )
    )  # fmt: skip
    return list(session.execute(query))


def _roughly_same(quantity: Decimal, unit: str, kg_mg: int | None, item: Compared) -> bool:
    """A quick test in floats, a little wider than the 1% rule: most pairs fail it."""
    if unit == item[2]:
        a, b = float(quantity), float(item[1])
    elif kg_mg is not None and item[3] is not None:
        a, b = float(kg_mg), float(item[3])
    else:
        return False
    return abs(a - b) <= max(abs(a), abs(b)) * 0.011


def _period_of(draft: SeizureDraft) -> tuple[date, date] | None:
    """The days a draft covers: its date's, or its period."""
    if draft.basis == "case" and draft.event_date is not None:
        return case_period(draft.event_date, draft.date_precision)
    if draft.period_start is not None and draft.period_end is not None:
        return draft.period_start, draft.period_end
    return None


def _any_seizure_meets(session: Session, start: date, end: date) -> bool:
    query = (
        select(SeizureEvent.id)
        .where(
            SeizureEvent.deleted_at.is_(None),
            SeizureEvent.period_start <= end,
            SeizureEvent.period_start >= start - LONGEST_PERIOD,
            SeizureEvent.period_end >= start,
        )
        .limit(1)
    )
    return session.scalar(query) is not None


def _joint_agencies(session: Session, event_ids: Sequence[int]) -> dict[int, set[str]]:
    joint: dict[int, set[str]] = {}
    for offset in range(0, len(event_ids), 500):
        batch = event_ids[offset : offset + 500]
        for event_id, agency in session.execute(
            select(SeizureJointAgency.event_id, SeizureJointAgency.agency).where(
                SeizureJointAgency.event_id.in_(batch)
            )
        ):
            joint.setdefault(event_id, set()).add(agency)
    return joint


def describe_duplicate(duplicate: PossibleDuplicate, catalog: Catalog) -> str:
    """ "the seizure of 2019-03-04 by ANF: Heroin 12 kg (FIR 12/2019)"."""
    if duplicate.period_start == duplicate.period_end:
        when = f"of {duplicate.period_start.isoformat()}"
    else:
        when = f"for {duplicate.period_start.isoformat()} to {duplicate.period_end.isoformat()}"
    by = f" by {duplicate.agency}" if duplicate.agency else ""
    quantity = format(duplicate.quantity.normalize(), "f")
    text = (
        f"the seizure {when}{by}: {catalog.label('drugs', duplicate.drug)} "
        f"{quantity} {catalog.label('units', duplicate.unit)}"
    )
    if duplicate.source_reference:
        text += f" ({duplicate.source_reference})"
    return text
