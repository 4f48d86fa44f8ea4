"""What `inl-desktop info` reports: schema, post and counts of live records."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from service_builders import ayesha, bilal, counts_training, heroin_and_tablets, roster_training

from inl_desktop.domain.drafts import SeizureItemDraft
from inl_desktop.services.context import AppContext
from inl_desktop.services.info import database_info, empty_counts
from inl_desktop.services.persons import save_person, set_person_deleted
from inl_desktop.services.seizures import save_seizure, set_seizure_deleted
from inl_desktop.services.trainings import save_training, set_training_deleted
from inl_desktop.store.migrate import SCHEMA_HEAD, open_database


def test_a_new_post_database_reports_its_post_and_no_records(
    ctx: AppContext, db_path: Path
) -> None:
    info = database_info(ctx, db_path)

    assert info.db_path == str(db_path)
    assert info.schema_version == SCHEMA_HEAD
    assert info.post == {"code": "PK-ISB", "name": "Islamabad", "country": "PK"}
    assert info.counts == empty_counts()
    assert info.as_json()["counts"]["seizure_items"] == 0


def test_a_database_before_set_up_has_no_post(tmp_path: Path) -> None:
    def now() -> datetime:
        return datetime(2026, 6, 15, tzinfo=UTC)

    path = tmp_path / "new.sqlite"
    ctx = AppContext(open_database(path, now=now), user="clerk", now=now)
    try:
        info = database_info(ctx, path)
    finally:
        ctx.engine.dispose()

    assert info.post is None
    assert info.schema_version == SCHEMA_HEAD
    assert info.counts == empty_counts()


def test_counts_leave_out_deleted_records_and_their_parts(ctx: AppContext, db_path: Path) -> None:
    one_item = [SeizureItemDraft(drug="OPIUM", quantity=Decimal("7.9"), unit="KG")]
    save_seizure(ctx, heroin_and_tablets())  # 2 items, stays
    gone = save_seizure(ctx, heroin_and_tablets(items=one_item))
    set_seizure_deleted(ctx, gone.uuid, True)
    back = save_seizure(ctx, heroin_and_tablets(items=one_item))
    set_seizure_deleted(ctx, back.uuid, True)
    set_seizure_deleted(ctx, back.uuid, False)

    first = save_person(ctx, ayesha()).uuid
    second = save_person(ctx, bilal()).uuid
    duplicate = save_person(ctx, ayesha(national_id=None, agency="ANF"))
    set_person_deleted(ctx, duplicate.uuid, True)

    save_training(ctx, roster_training([first, second]))  # 2 enrollments, stays
    cancelled = save_training(ctx, roster_training([first]))
    set_training_deleted(ctx, cancelled.uuid, True)
    save_training(ctx, counts_training())  # counts, no enrollments

    assert database_info(ctx, db_path).counts == {
        "seizure_events": 2,
        "seizure_items": 3,
        "trainings": 2,
        "persons": 2,
        "enrollments": 2,
    }
