"""Recording, correcting, deleting and restoring seizures through the service."""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal

import pytest
from service_builders import (
    all_counts,
    changed_fields,
    count,
    heroin_and_tablets,
    log_entries,
    rows,
)
from sqlalchemy import select

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.domain.errors import StaleRevision, UserError, ValidationFailed
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import load_seizure, save_seizure, set_seizure_deleted
from inl_desktop.store.models import SeizureEvent

# 1.5 lb x 0.45359237 kg/lb = 0.680388555 kg = 680,388.555 mg, rounded to whole mg.
HEROIN_1_5_LB_MG = 680_389
# 1,000 tablets x 0.1 g = 100 g = 0.1 kg.
THOUSAND_YABA_TABLETS_MG = 100_000
# 2 lb x 0.45359237 kg/lb = 0.90718474 kg = 907,184.74 mg.
HEROIN_2_LB_MG = 907_185


def stored_items(ctx: AppContext, uuid: str) -> list[tuple[object, ...]]:
    """(drug, quantity text, unit, kg_equivalent_mg) of a seizure's items, in order."""
    return rows(
        ctx,
        "SELECT i.drug, i.quantity, i.unit, i.kg_equivalent_mg FROM seizure_items i "
        "JOIN seizure_events e ON e.id = i.event_id WHERE e.uuid = ? ORDER BY i.position",
        uuid,
    )


def stored_event(ctx: AppContext, uuid: str) -> SeizureEvent:
    """The stored event row (deleted or not)."""
    with ctx.sessions() as session:
        event = session.scalar(select(SeizureEvent).where(SeizureEvent.uuid == uuid))
    assert event is not None
    return event


def test_a_case_seizure_keeps_quantities_as_reported_with_kg_equivalents(
    ctx: AppContext,
) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())

    assert saved.revision == 1
    assert stored_items(ctx, saved.uuid) == [
        ("HEROIN", "1.5", "LB", HEROIN_1_5_LB_MG),
        ("METH_TABLETS", "1000", "TABLET", THOUSAND_YABA_TABLETS_MG),
    ]
    event = stored_event(ctx, saved.uuid)
    assert (event.post_code, event.created_by, event.updated_by) == ("PK-ISB", "clerk", "clerk")
    assert event.status == "final"
    assert event.created_at.tzinfo is UTC


def test_volume_and_counted_units_convert_or_are_flagged(ctx: AppContext) -> None:
    draft = heroin_and_tablets(
        items=[
            SeizureItemDraft(drug="COCAINE", quantity=Decimal("3.260"), unit="KG"),
            SeizureItemDraft(drug="ACETIC_ANHYDRIDE", quantity=Decimal("200"), unit="L"),
            SeizureItemDraft(drug="CANNABIS_PLANTS", quantity=Decimal("300"), unit="PLANT"),
        ]
    )

    saved = save_seizure(ctx, draft)

    assert stored_items(ctx, saved.uuid) == [
        ("COCAINE", "3.260", "KG", 3_260_000),
        ("ACETIC_ANHYDRIDE", "200", "L", 200_000_000),  # 1 kg per litre
        ("CANNABIS_PLANTS", "300", "PLANT", None),  # no mass per plant: flagged
    ]
    assert str(load_seizure(ctx, saved.uuid).items[0].quantity) == "3.260"


def test_heroin_counted_in_tablets_is_refused_and_nothing_is_written(ctx: AppContext) -> None:
    before = all_counts(ctx)
    draft = heroin_and_tablets(
        items=[
            SeizureItemDraft(drug="HEROIN", quantity=Decimal("40"), unit="TABLET"),
        ]
    )

    with pytest.raises(ValidationFailed) as refused:
        save_seizure(ctx, draft)

    assert [(e.field, e.row) for e in refused.value.errors] == [("unit", 0)]
    assert "Heroin" in str(refused.value) and "tablet" in str(refused.value)
    assert all_counts(ctx) == before


def test_an_update_raises_the_revision_and_logs_exactly_what_changed(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())
    draft = load_seizure(ctx, saved.uuid)
    draft.place = "Torkham customs yard"
    draft.items[0].quantity = Decimal("2")

    updated = save_seizure(ctx, draft)

    assert (updated.uuid, updated.revision) == (saved.uuid, 2)
    assert changed_fields(ctx, saved.uuid, 2) == {
        ("place", "Torkham border crossing", "Torkham customs yard"),
        ("items[1].quantity", "1.5", "2"),
    }
    assert {e.action for e in log_entries(ctx, saved.uuid, 2)} == {"update"}
    assert stored_items(ctx, saved.uuid)[0] == ("HEROIN", "2", "LB", HEROIN_2_LB_MG)
    assert count(ctx, "seizure_items") == 2


def test_the_creation_is_logged_with_every_value_entered(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())

    created = log_entries(ctx, saved.uuid, 1)
    assert {e.action for e in created} == {"create"}
    assert all(e.old is None for e in created)
    logged = {e.field: e.new for e in created}
    assert logged["agency"] == "ANF"
    assert logged["event_date"] == "2026-03-14"
    assert logged["items[1].drug"] == "HEROIN"
    assert logged["items[2].quantity"] == "1000"
    assert "remarks" not in logged  # left blank


def test_removing_an_item_deletes_it_and_logs_it(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())
    draft = load_seizure(ctx, saved.uuid)
    del draft.items[1]

    save_seizure(ctx, draft)

    assert stored_items(ctx, saved.uuid) == [("HEROIN", "1.5", "LB", HEROIN_1_5_LB_MG)]
    assert changed_fields(ctx, saved.uuid, 2) == {
        ("items[2].drug", "METH_TABLETS", None),
        ("items[2].quantity", "1000", None),
        ("items[2].unit", "TABLET", None),
    }


def test_an_edit_from_a_stale_revision_is_refused_and_changes_nothing(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())
    first_window = load_seizure(ctx, saved.uuid)
    second_window = load_seizure(ctx, saved.uuid)
    first_window.place = "Torkham customs yard"
    save_seizure(ctx, first_window)
    before = all_counts(ctx)

    second_window.remarks = "Reported by the ANF KP directorate"
    with pytest.raises(StaleRevision, match="revision 1, now 2"):
        save_seizure(ctx, second_window)
    with pytest.raises(StaleRevision):
        set_seizure_deleted(ctx, saved.uuid, True, revision=1)

    event = stored_event(ctx, saved.uuid)
    assert (event.revision, event.place, event.remarks) == (2, "Torkham customs yard", None)
    assert event.deleted_at is None
    assert all_counts(ctx) == before


def test_delete_and_restore_are_revisions_in_the_log(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())

    deleted = set_seizure_deleted(ctx, saved.uuid, True, revision=1)

    event = stored_event(ctx, saved.uuid)
    assert deleted.revision == 2 and event.revision == 2
    assert event.deleted_at is not None and event.deleted_at > event.created_at
    assert event.deleted_by == "clerk"
    assert log_entries(ctx, saved.uuid, 2)[0].action == "delete"

    restored = set_seizure_deleted(ctx, saved.uuid, False, revision=2)

    event = stored_event(ctx, saved.uuid)
    assert restored.revision == 3
    assert (event.deleted_at, event.deleted_by) == (None, None)
    assert [e.action for e in log_entries(ctx, saved.uuid, 3)] == ["restore"]
    assert count(ctx, "seizure_items") == 2  # the items came back with the event


def test_deleting_twice_changes_nothing_the_second_time(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())
    set_seizure_deleted(ctx, saved.uuid, True)
    before = all_counts(ctx)

    again = set_seizure_deleted(ctx, saved.uuid, True)

    assert again.revision == 2
    assert all_counts(ctx) == before


def test_a_deleted_seizure_cannot_be_edited(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())
    draft = load_seizure(ctx, saved.uuid)
    set_seizure_deleted(ctx, saved.uuid, True)
    before = all_counts(ctx)

    draft.place = "Landi Kotal"
    draft.revision = 2
    with pytest.raises(UserError, match="deleted; restore it"):
        save_seizure(ctx, draft)

    assert stored_event(ctx, saved.uuid).place == "Torkham border crossing"
    assert all_counts(ctx) == before


@pytest.mark.parametrize(
    ("precision", "first", "last"),
    [
        ("day", date(2024, 2, 10), date(2024, 2, 10)),
        ("month", date(2024, 2, 1), date(2024, 2, 29)),  # 2024 is a leap year
        ("year", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_date_precision_sets_the_period_the_date_stands_for(
    ctx: AppContext, precision: str, first: date, last: date
) -> None:
    saved = save_seizure(
        ctx, heroin_and_tablets(event_date=date(2024, 2, 10), date_precision=precision)
    )

    stored = load_seizure(ctx, saved.uuid)
    assert stored.date_precision == precision
    assert (stored.period_start, stored.period_end) == (first, last)


def test_an_aggregate_report_keeps_its_period_and_no_event_date(ctx: AppContext) -> None:
    draft = heroin_and_tablets(
        basis="aggregate",
        event_date=date(2026, 4, 15),  # typed before the basis was switched
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
        place=None,
        items=[SeizureItemDraft(drug="HASHISH", quantity=Decimal("1250"), unit="KG")],
    )

    saved = save_seizure(ctx, draft)

    stored = load_seizure(ctx, saved.uuid)
    assert stored.basis == "aggregate"
    assert (stored.event_date, stored.date_precision) == (None, None)
    assert (stored.period_start, stored.period_end) == (date(2026, 4, 1), date(2026, 4, 30))
    assert stored_items(ctx, saved.uuid) == [("HASHISH", "1250", "KG", 1_250_000_000)]


def test_a_final_aggregate_report_needs_its_period(ctx: AppContext) -> None:
    draft = heroin_and_tablets(basis="aggregate", event_date=None)

    with pytest.raises(ValidationFailed) as refused:
        save_seizure(ctx, draft)

    assert {e.field for e in refused.value.errors} == {"period_start", "period_end"}
    assert count(ctx, "seizure_events") == 0


def test_a_draft_can_be_saved_incomplete_but_final_needs_agency_date_and_items(
    ctx: AppContext,
) -> None:
    saved = save_seizure(ctx, SeizureDraft(status="draft", remarks="Call ANF for details"))

    stored = load_seizure(ctx, saved.uuid)
    assert (stored.status, stored.agency, stored.items) == ("draft", None, [])
    assert stored.remarks == "Call ANF for details"

    stored.status = "final"
    with pytest.raises(ValidationFailed) as refused:
        save_seizure(ctx, stored)

    assert {e.field for e in refused.value.errors} == {"agency", "event_date", "items"}
    assert load_seizure(ctx, saved.uuid).status == "draft"
    assert load_seizure(ctx, saved.uuid).revision == 1


def test_completing_a_draft_makes_it_final(ctx: AppContext) -> None:
    saved = save_seizure(ctx, SeizureDraft(status="draft"))
    draft = heroin_and_tablets(uuid=saved.uuid, revision=1)

    finished = save_seizure(ctx, draft)

    assert finished.revision == 2
    assert load_seizure(ctx, saved.uuid).status == "final"
    assert ("status", "draft", "final") in changed_fields(ctx, saved.uuid, 2)
    assert len(stored_items(ctx, saved.uuid)) == 2


def test_joint_agencies_and_transit_countries_keep_their_order(ctx: AppContext) -> None:
    draft = heroin_and_tablets(
        joint_agencies=("PCG", "CUSTOMS", "ASF"),
        transit_countries=("IR", "OM", "AE"),
    )

    saved = save_seizure(ctx, draft)

    stored = load_seizure(ctx, saved.uuid)
    assert stored.joint_agencies == ("PCG", "CUSTOMS", "ASF")
    assert stored.transit_countries == ("IR", "OM", "AE")


def test_a_seizure_with_joint_agencies_can_be_corrected(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets(joint_agencies=("CUSTOMS", "PCG")))
    draft = load_seizure(ctx, saved.uuid)
    draft.place = "Torkham customs yard"

    updated = save_seizure(ctx, draft)

    stored = load_seizure(ctx, saved.uuid)
    assert updated.revision == 2
    assert stored.place == "Torkham customs yard"
    assert stored.joint_agencies == ("CUSTOMS", "PCG")
    assert changed_fields(ctx, saved.uuid, 2) == {
        ("place", "Torkham border crossing", "Torkham customs yard"),
    }


def test_reordering_transit_countries_is_logged(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets(transit_countries=("IR", "OM")))
    draft = load_seizure(ctx, saved.uuid)
    draft.transit_countries = ("OM", "IR")

    save_seizure(ctx, draft)

    assert load_seizure(ctx, saved.uuid).transit_countries == ("OM", "IR")
    assert changed_fields(ctx, saved.uuid, 2) == {("transit_countries", "IR, OM", "OM, IR")}


def test_a_district_outside_the_province_is_refused(ctx: AppContext) -> None:
    with pytest.raises(ValidationFailed) as refused:
        save_seizure(ctx, heroin_and_tablets(province="PK-PB", district="KP-KBR"))

    assert [e.field for e in refused.value.errors] == ["district"]
    assert "Khyber" in str(refused.value) and "Punjab" in str(refused.value)
    assert count(ctx, "seizure_events") == 0


def list_copies(ctx: AppContext, uuid: str) -> list[tuple[object, ...]]:
    """What the seizure list reads from each item: its copies of the event's columns."""
    return rows(
        ctx,
        "SELECT i.event_start, i.agency, i.province, i.basis, i.status, i.live, "
        "i.quantity_value FROM seizure_items i JOIN seizure_events e ON e.id = i.event_id "
        "WHERE e.uuid = ? ORDER BY i.position",
        uuid,
    )


def test_items_carry_their_events_list_columns(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())

    assert list_copies(ctx, saved.uuid) == [
        ("2026-03-14", "ANF", "PK-KP", "case", "final", 1, 1.5),
        ("2026-03-14", "ANF", "PK-KP", "case", "final", 1, 1000.0),
    ]


def test_list_columns_follow_a_correction_of_the_event(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())
    draft = load_seizure(ctx, saved.uuid)
    draft.agency = "CUSTOMS"
    draft.province, draft.district = "PK-SD", None
    draft.event_date, draft.date_precision = date(2026, 2, 20), "month"

    save_seizure(ctx, draft)

    assert [row[:5] for row in list_copies(ctx, saved.uuid)] == [
        ("2026-02-01", "CUSTOMS", "PK-SD", "case", "final"),
        ("2026-02-01", "CUSTOMS", "PK-SD", "case", "final"),
    ]


def test_deleted_seizures_leave_the_list_and_come_back_on_restore(ctx: AppContext) -> None:
    saved = save_seizure(ctx, heroin_and_tablets())

    set_seizure_deleted(ctx, saved.uuid, True)
    assert [row[5] for row in list_copies(ctx, saved.uuid)] == [0, 0]

    set_seizure_deleted(ctx, saved.uuid, False)
    assert [row[5] for row in list_copies(ctx, saved.uuid)] == [1, 1]
