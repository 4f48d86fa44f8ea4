"""Setting the post a database belongs to."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from service_builders import ayesha, count, scalar

from inl_desktop.services.context import AppContext, PostNotSet
from inl_desktop.services.persons import save_person, set_person_deleted
from inl_desktop.services.setup import BadPostCode, set_up_post
from inl_desktop.store.migrate import open_database
from inl_desktop.store.reference import UnknownCountry


def stored_post(ctx: AppContext) -> tuple[object, ...]:
    """(code, name, country) as stored in the file."""
    with ctx.engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT code, name, country FROM post_identity").one()
    return tuple(row)


def test_setting_up_the_same_post_again_is_harmless(ctx: AppContext) -> None:
    items_before = count(ctx, "reference_items")
    save_person(ctx, ayesha())

    post = set_up_post(ctx, " pk-isb ", "pk")

    assert (post.code, post.name, post.country) == ("PK-ISB", "Islamabad", "PK")
    assert stored_post(ctx) == ("PK-ISB", "Islamabad", "PK")
    assert count(ctx, "reference_items") == items_before
    assert count(ctx, "post_identity") == 1


def test_the_post_cannot_change_once_records_exist(ctx: AppContext) -> None:
    saved = save_person(ctx, ayesha())
    set_person_deleted(ctx, saved.uuid, True)  # a tombstone is still a record of PK-ISB

    with pytest.raises(BadPostCode, match="PK-ISB") as refused:
        set_up_post(ctx, "PK-LHE", "PK")

    assert "PK-LHE" in str(refused.value)
    assert stored_post(ctx) == ("PK-ISB", "Islamabad", "PK")
    assert ctx.post().code == "PK-ISB"


def test_the_post_can_be_corrected_before_any_record_exists(ctx: AppContext) -> None:
    post = set_up_post(ctx, "PK-LHE", "PK")

    assert (post.code, post.name) == ("PK-LHE", "Lahore")
    assert stored_post(ctx) == ("PK-LHE", "Lahore", "PK")
    saved = save_person(ctx, ayesha())
    assert scalar(ctx, "SELECT post_code FROM persons WHERE uuid = ?", saved.uuid) == "PK-LHE"


@pytest.mark.parametrize("code", ["ISB", "PK_ISB", "PK-", "PK-I", "PK-ISLAMABAD01"])
def test_a_malformed_post_code_is_refused_with_an_example(ctx: AppContext, code: str) -> None:
    with pytest.raises(BadPostCode, match="must look like PK-ISB"):
        set_up_post(ctx, code, "PK")
    assert stored_post(ctx) == ("PK-ISB", "Islamabad", "PK")


def test_a_post_code_of_another_country_is_refused(ctx: AppContext) -> None:
    with pytest.raises(BadPostCode, match="does not belong to country PK"):
        set_up_post(ctx, "AF-KBL", "PK", name="Kabul")
    assert stored_post(ctx) == ("PK-ISB", "Islamabad", "PK")


def test_a_country_without_reference_data_is_refused(ctx: AppContext) -> None:
    with pytest.raises(UnknownCountry, match="'XX'"):
        set_up_post(ctx, "XX-ABC", "XX", name="Nowhere")
    assert stored_post(ctx) == ("PK-ISB", "Islamabad", "PK")


def test_a_post_missing_from_the_list_needs_a_name(tmp_path: Path) -> None:
    def now() -> datetime:
        return datetime(2026, 6, 15, tzinfo=UTC)

    ctx = AppContext(open_database(tmp_path / "new.sqlite", now=now), user="clerk", now=now)
    try:
        with pytest.raises(PostNotSet):
            ctx.post()
        with pytest.raises(BadPostCode, match="give its name"):
            set_up_post(ctx, "PK-QTA", "PK")
        assert ctx.post_or_none() is None

        post = set_up_post(ctx, "PK-QTA", "PK", name="Quetta")

        assert (post.code, post.name, post.country) == ("PK-QTA", "Quetta", "PK")
        assert count(ctx, "reference_items") > 0
        assert ctx.catalog().has("provinces", "PK-BA")
    finally:
        ctx.engine.dispose()
