"""Record, correct, delete and restore seizures (events with their drug items)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from inl_desktop.domain import periods
from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.domain.errors import RecordNotFound, ValidationFailed
from inl_desktop.domain.fields import SEIZURE_EVENT, SEIZURE_ITEM
from inl_desktop.domain.validation import validate_seizure
from inl_desktop.services.context import AppContext
from inl_desktop.services.records import (
    Saved,
    log_changes,
    mark_deleted,
    new_uuid,
    snapshot,
    start_save,
)
from inl_desktop.store.models import (
    SeizureEvent,
    SeizureItem,
    SeizureJointAgency,
    SeizureTransitCountry,
)
from inl_desktop.store.seizure_rows import item_measures

KIND = "seizure"
_SCALAR_FIELDS = tuple(
    f.name for f in SEIZURE_EVENT if f.name not in ("joint_agencies", "transit_countries", "status")
)


def case_period(day: date, precision: str | None) -> tuple[date, date]:
    """The dates a case's date stands for at its precision."""
    if precision == "year":
        year = periods.calendar_year(day.year)
        return year.start, year.end
    if precision == "month":
        month = periods.month(day.year, day.month)
        return month.start, month.end
    return day, day


def normalised(draft: SeizureDraft) -> SeizureDraft:
    """The draft with the period derived from a case's date and precision (an aggregate
    report keeps its period and has no date), as every seizure is stored."""
    if draft.basis == "case":
        draft.date_precision = draft.date_precision or "day"
        if draft.event_date is not None:
            draft.period_start, draft.period_end = case_period(
                draft.event_date, draft.date_precision
            )
        else:
            draft.period_start = draft.period_end = None
    else:
        draft.event_date = None
        draft.date_precision = None
    return draft


def draft_of(event: SeizureEvent) -> SeizureDraft:
    """The stored event as a draft (for editing and for the change log)."""
    draft = SeizureDraft(
        joint_agencies=event.joint_agencies,
        transit_countries=event.transit_countries,
        status=event.status,
        same_as_uuid=event.same_as_uuid,
        uuid=event.uuid,
        revision=event.revision,
        items=[
            SeizureItemDraft(drug=item.drug, quantity=item.quantity, unit=item.unit, uuid=item.uuid)
            for item in event.items
        ],
    )
    for name in _SCALAR_FIELDS:
        setattr(draft, name, getattr(event, name))
    return draft


def _snapshot(draft: SeizureDraft) -> dict[str, str]:
    values = snapshot(SEIZURE_EVENT, draft, {"items": (SEIZURE_ITEM, draft.items)})
    values["same_as_uuid"] = draft.same_as_uuid or ""
    return values


def _apply(ctx: AppContext, event: SeizureEvent, draft: SeizureDraft) -> None:
    """Copy the draft's values, items, joint agencies and transit countries onto the event."""
    catalog = ctx.catalog()
    for name in _SCALAR_FIELDS:
        setattr(event, name, getattr(draft, name))
    event.status = draft.status
    event.same_as_uuid = draft.same_as_uuid
    # Keep the rows of codes that stay: a new row for an unchanged agency would be
    # inserted before the old one is deleted and break the (event, agency) uniqueness.
    old_agencies = {row.agency: row for row in event.joint_agency_rows}
    joint_rows = []
    for position, code in enumerate(draft.joint_agencies):
        joint = old_agencies.get(code) or SeizureJointAgency(agency=code)
        joint.position = position
        joint_rows.append(joint)
    event.joint_agency_rows = joint_rows
    old_countries = {row.country: row for row in event.transit_country_rows}
    transit_rows = []
    for position, code in enumerate(draft.transit_countries):
        transit = old_countries.pop(code, None) or SeizureTransitCountry(country=code)
        transit.position = position
        transit_rows.append(transit)
    event.transit_country_rows = transit_rows
    existing = {item.uuid: item for item in event.items}
    items = []
    for position, item_draft in enumerate(draft.items):
        item = existing.get(item_draft.uuid or "") or SeizureItem(
            uuid=item_draft.uuid or new_uuid()
        )
        assert item_draft.drug and item_draft.unit and item_draft.quantity is not None
        item.position = position
        item.drug, item.unit, item.quantity = item_draft.drug, item_draft.unit, item_draft.quantity
        item.kg_equivalent_mg, item.quantity_value = item_measures(
            catalog, item.drug, item.unit, item.quantity
        )
        items.append(item)
    event.items = items
    for item in items:
        item.copy_event_columns(event)


def _check(ctx: AppContext, draft: SeizureDraft) -> None:
    errors = validate_seizure(draft, ctx.catalog(), ctx.today())
    if errors:
        raise ValidationFailed(errors)


def save_seizure(ctx: AppContext, draft: SeizureDraft) -> Saved:
    """Create the seizure (no uuid yet) or update it; validated, logged, one commit."""
    normalised(draft)
    _check(ctx, draft)
    with ctx.sessions.begin() as session:
        event = SeizureEvent() if draft.uuid is None else _load(session, draft.uuid)
        before = start_save(
            session, ctx, event, draft, "seizure", lambda: _snapshot(draft_of(event))
        )
        _apply(ctx, event, draft)
        session.flush()
        action = "create" if draft.uuid is None else "update"
        log_changes(session, ctx, KIND, event, action, before, _snapshot(draft_of(event)))
        return Saved(event.uuid, event.revision)


def _load(session: Session, uuid: str) -> SeizureEvent:
    event = session.scalar(
        select(SeizureEvent)
        .where(SeizureEvent.uuid == uuid)
        .options(
            selectinload(SeizureEvent.items),
            selectinload(SeizureEvent.joint_agency_rows),
            selectinload(SeizureEvent.transit_country_rows),
        )
    )
    if event is None:
        raise RecordNotFound(f"No seizure with ID {uuid}")
    return event


def load_seizure(ctx: AppContext, uuid: str) -> SeizureDraft:
    """The stored seizure as a draft to edit."""
    with ctx.sessions() as session:
        return draft_of(_load(session, uuid))


def set_seizure_deleted(
    ctx: AppContext, uuid: str, deleted: bool, revision: int | None = None
) -> Saved:
    """Soft-delete (or restore) a seizure; it leaves (or returns to) lists and totals."""
    with ctx.sessions.begin() as session:
        event = _load(session, uuid)
        saved = mark_deleted(session, ctx, event, KIND, deleted, revision, "seizure")
        for item in event.items:
            item.copy_event_columns(event)
        return saved
