"""Recording persons and finding the same officer entered twice."""

from __future__ import annotations

import pytest
from service_builders import all_counts, ayesha, bilal, changed_fields, log_entries, scalar

from inl_desktop.domain.errors import StaleRevision, UserError, ValidationFailed
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import (
    find_same_person,
    load_person,
    national_id_key,
    save_person,
    set_person_deleted,
)


def test_a_person_is_created_with_a_normalised_id(ctx: AppContext) -> None:
    saved = save_person(ctx, ayesha())

    stored = load_person(ctx, saved.uuid)
    assert (stored.full_name, stored.sex, stored.agency) == ("Ayesha Khan", "F", "ICT_POLICE")
    assert stored.national_id == "61101-1234567-2"  # kept as typed
    assert (
        scalar(ctx, "SELECT national_id_key FROM persons WHERE uuid = ?", saved.uuid)
        == "6110112345672"
    )
    assert log_entries(ctx, saved.uuid)[0].action == "create"


def test_an_update_raises_the_revision_and_logs_the_change(ctx: AppContext) -> None:
    saved = save_person(ctx, ayesha())
    draft = load_person(ctx, saved.uuid)
    draft.rank = "Inspector"
    draft.national_id = "6110112345679"

    updated = save_person(ctx, draft)

    assert updated.revision == 2
    assert changed_fields(ctx, saved.uuid, 2) == {
        ("rank", "Sub-Inspector", "Inspector"),
        ("national_id", "61101-1234567-2", "6110112345679"),
    }
    assert (
        scalar(ctx, "SELECT national_id_key FROM persons WHERE uuid = ?", saved.uuid)
        == "6110112345679"
    )


def test_an_invalid_cnic_is_refused_naming_the_field(ctx: AppContext) -> None:
    before = all_counts(ctx)

    with pytest.raises(ValidationFailed) as refused:
        save_person(ctx, ayesha(national_id="61101-12345-2"))

    assert [e.field for e in refused.value.errors] == ["national_id"]
    assert "CNIC" in str(refused.value)
    assert all_counts(ctx) == before


def test_a_person_needs_a_name_and_sex(ctx: AppContext) -> None:
    with pytest.raises(ValidationFailed) as refused:
        save_person(ctx, ayesha(full_name=None, sex=None))

    assert {e.field for e in refused.value.errors} == {"full_name", "sex"}


def test_delete_and_restore(ctx: AppContext) -> None:
    saved = save_person(ctx, ayesha())

    set_person_deleted(ctx, saved.uuid, True, revision=1)
    assert scalar(ctx, "SELECT deleted_by FROM persons WHERE uuid = ?", saved.uuid) == "clerk"
    restored = set_person_deleted(ctx, saved.uuid, False, revision=2)

    assert restored.revision == 3
    assert scalar(ctx, "SELECT deleted_at FROM persons WHERE uuid = ?", saved.uuid) is None
    assert [e.action for e in log_entries(ctx, saved.uuid)] == ["create"] * len(
        log_entries(ctx, saved.uuid, 1)
    ) + ["delete", "restore"]


def test_a_deleted_person_cannot_be_edited(ctx: AppContext) -> None:
    saved = save_person(ctx, ayesha())
    set_person_deleted(ctx, saved.uuid, True)

    with pytest.raises(UserError, match="deleted"):
        save_person(ctx, ayesha(uuid=saved.uuid, rank="Inspector"))
    assert scalar(ctx, "SELECT rank FROM persons WHERE uuid = ?", saved.uuid) == "Sub-Inspector"


def test_a_stale_edit_is_refused(ctx: AppContext) -> None:
    saved = save_person(ctx, ayesha())
    old = load_person(ctx, saved.uuid)
    save_person(ctx, ayesha(uuid=saved.uuid, revision=1, rank="Inspector"))

    old.phone = "0300-1234567"
    with pytest.raises(StaleRevision):
        save_person(ctx, old)
    assert scalar(ctx, "SELECT phone FROM persons WHERE uuid = ?", saved.uuid) is None


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("61101-1234567-2", "6110112345672"),
        ("6110112345672", "6110112345672"),
        (" 61101 1234567 2 ", "6110112345672"),
        ("ab-123", "AB123"),
        ("", None),
        ("---", None),
        (None, None),
    ],
)
def test_national_id_key_ignores_dashes_spaces_and_case(typed: str | None, key: str | None) -> None:
    assert national_id_key(typed) == key


def found_names(ctx: AppContext, **draft_values: object) -> list[str | None]:
    """Names of the stored persons find_same_person reports for a draft."""
    return [p.full_name for p in find_same_person(ctx, ayesha(**draft_values))]


def test_the_same_cnic_is_found_with_or_without_dashes(ctx: AppContext) -> None:
    save_person(ctx, ayesha())
    save_person(ctx, bilal())

    other_name = {"full_name": "A. Khan", "agency": "ANF"}
    assert found_names(ctx, national_id="6110112345672", **other_name) == ["Ayesha Khan"]
    assert found_names(ctx, national_id="61101-1234567-2", **other_name) == ["Ayesha Khan"]
    assert found_names(ctx, national_id="61101-1234567-4", **other_name) == []


def test_the_same_name_and_agency_is_found_ignoring_case_and_spacing(ctx: AppContext) -> None:
    save_person(ctx, ayesha())
    save_person(ctx, bilal())

    assert found_names(ctx, full_name="  ayesha   KHAN ", national_id=None) == ["Ayesha Khan"]
    assert found_names(ctx, full_name="Ayesha Khan", agency="ANF", national_id=None) == []
    assert found_names(ctx, full_name="Ayesha Kazmi", national_id=None) == []


def test_a_person_is_not_reported_as_a_duplicate_of_themself(ctx: AppContext) -> None:
    saved = save_person(ctx, ayesha())

    assert find_same_person(ctx, load_person(ctx, saved.uuid)) == []


def test_deleted_persons_are_not_reported_as_duplicates(ctx: AppContext) -> None:
    saved = save_person(ctx, ayesha())
    set_person_deleted(ctx, saved.uuid, True)

    assert found_names(ctx) == []
