"""Editing the reference lists: add, correct, retire, restore, and delete only unused codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from service_builders import count, log_entries, scalar

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.domain.errors import RecordNotFound, ValidationFailed
from inl_desktop.domain.fields import ALL_RECORDS
from inl_desktop.services.context import AppContext
from inl_desktop.services.reference_lists import (
    CodeInUse,
    ReferenceEntry,
    add_item,
    code_usage,
    delete_item,
    editable_lists,
    list_items,
    set_retired,
    update_item,
)
from inl_desktop.services.seizures import save_seizure, set_seizure_deleted


def small_seizure(**values: object) -> SeizureDraft:
    """A draft seizure of 2 kg of hashish by ANF, with any field overridden."""
    draft = SeizureDraft(
        event_date=date(2026, 5, 2),
        agency="ANF",
        status="draft",
        items=[SeizureItemDraft(drug="HASHISH", quantity=Decimal("2"), unit="KG")],
    )
    for name, value in values.items():
        setattr(draft, name, value)
    return draft


def entry(ctx: AppContext, list_name: str, code: str) -> ReferenceEntry:
    found = [e for e in list_items(ctx, list_name) if e.code == code]
    assert len(found) == 1, f"{code} is not in {list_name}"
    return found[0]


def stored_codes(ctx: AppContext, list_name: str) -> int:
    """Codes of a list in the database file, retired ones included."""
    stored = scalar(ctx, "SELECT count(*) FROM reference_items WHERE list_name = ?", list_name)
    assert isinstance(stored, int)
    return stored


def test_the_settings_page_edits_every_list_that_records_use() -> None:
    names = {name for name, _title in editable_lists()}
    used = {f.reference_list for record in ALL_RECORDS for f in record if f.reference_list}

    assert used <= names
    assert {"drug_groups", "districts", "provinces"} <= names


def test_a_new_agency_is_offered_by_the_catalog(ctx: AppContext) -> None:
    assert not ctx.catalog().has("agencies", "NACTA")

    added = add_item(
        ctx,
        "agencies",
        " nacta ",
        " National Counter Terrorism Authority ",
        None,
        {"kind": "federal"},
    )

    assert added.code == "NACTA"
    catalog = ctx.catalog()
    assert catalog.label("agencies", "NACTA") == "National Counter Terrorism Authority"
    assert "NACTA" not in catalog.retired.get("agencies", frozenset())
    listed = list_items(ctx, "agencies")
    assert listed[-1] == ReferenceEntry(
        "NACTA", "National Counter Terrorism Authority", None, {"kind": "federal"}, False, 0
    )
    logged = log_entries(ctx, "agencies:NACTA")
    assert {(e.revision, e.action, e.field, e.new) for e in logged} >= {
        (1, "create", "code", "NACTA"),
        (1, "create", "label", "National Counter Terrorism Authority"),
        (1, "create", "attributes.kind", "federal"),
    }


def test_a_new_district_belongs_to_its_province(ctx: AppContext) -> None:
    add_item(ctx, "districts", "IS-RURAL", "Islamabad rural", "pk-is")

    assert ctx.catalog().parent_of("districts", "IS-RURAL") == "PK-IS"


@pytest.mark.parametrize(
    ("list_name", "code", "label", "parent", "attributes", "field", "words"),
    [
        ("agencies", "a b", "Spaced", None, {}, "code", "capital letters"),
        ("agencies", "ANF", "Another ANF", None, {}, "code", "already"),
        ("agencies", "NEW_AGENCY", "  ", None, {}, "label", "Label is required"),
        ("agencies", "NEW_AGENCY", "x" * 201, None, {}, "label", "200"),
        ("agencies", "NEW_AGENCY", "New", None, {"kind": "military"}, "kind", "federal"),
        ("districts", "XX-NEW", "Nowhere", "PK-ZZ", {}, "parent", "PK-ZZ"),
        ("districts", "XX-NEW", "Nowhere", None, {}, "parent", "Province is required"),
        ("units", "STONE", "Stone", None, {"kind": "mass"}, "kg_per_unit", "Kilograms per unit"),
        ("units", "STONE", "Stone", None, {"kind": "weight", "kg_per_unit": "6.35"}, "kind", ""),
        ("units", "PILL", "Pill", None, {"kind": "count", "kg_per_unit": "1"}, "kg_per_unit", ""),
        ("drugs", "KRATOM", "Kratom", None, {"group": "PLANTS"}, "group", "PLANTS"),
        ("drugs", "KRATOM", "Kratom", None, {}, "group", "Group is required"),
        (
            "drugs",
            "KRATOM",
            "Kratom",
            None,
            {"group": "NPS", "mass_per_unit_g": "-1"},
            "mass_per_unit_g",
            "positive",
        ),
        (
            "drugs",
            "KRATOM",
            "Kratom",
            None,
            {"group": "NPS", "mass_per_unit_g": "3,26"},
            "mass_per_unit_g",
            "positive",
        ),
        ("countries", "XKX", "Kosovo", None, {}, "code", "two capital letters"),
    ],
)
def test_an_invalid_item_is_refused_naming_the_field_and_nothing_is_written(
    ctx: AppContext,
    list_name: str,
    code: str,
    label: str,
    parent: str | None,
    attributes: dict[str, str],
    field: str,
    words: str,
) -> None:
    before = (stored_codes(ctx, list_name), count(ctx, "change_log"))

    with pytest.raises(ValidationFailed) as refused:
        add_item(ctx, list_name, code, label, parent, attributes)

    assert field in {error.field for error in refused.value.errors}
    assert words in str(refused.value)
    assert (stored_codes(ctx, list_name), count(ctx, "change_log")) == before


def test_a_valid_drug_with_a_mass_per_unit_converts_its_tablets(ctx: AppContext) -> None:
    add_item(
        ctx,
        "drugs",
        "PREGABALIN",
        "Pregabalin",
        None,
        {"group": "sedatives", "mass_per_unit_g": "0.15", "counted": "1"},
    )

    drug = ctx.catalog().drugs["PREGABALIN"]
    assert (drug.group, drug.mass_per_unit_g, drug.counted) == ("SEDATIVES", Decimal("0.15"), True)


def test_renaming_a_label_changes_the_catalog_and_logs_old_and_new(ctx: AppContext) -> None:
    assert ctx.catalog().label("agencies", "ANF") == "Anti-Narcotics Force"

    update_item(ctx, "agencies", "ANF", "Anti Narcotics Force (ANF)", None, None)
    update_item(ctx, "agencies", "ANF", "Anti-Narcotics Force, Pakistan", None, None)

    assert ctx.catalog().label("agencies", "ANF") == "Anti-Narcotics Force, Pakistan"
    assert entry(ctx, "agencies", "ANF").attributes == {"kind": "federal"}
    assert [
        (e.revision, e.action, e.field, e.old, e.new) for e in log_entries(ctx, "agencies:ANF")
    ] == [
        (1, "update", "label", "Anti-Narcotics Force", "Anti Narcotics Force (ANF)"),
        (2, "update", "label", "Anti Narcotics Force (ANF)", "Anti-Narcotics Force, Pakistan"),
    ]


def test_an_invalid_edit_keeps_the_stored_item(ctx: AppContext) -> None:
    with pytest.raises(ValidationFailed) as refused:
        update_item(ctx, "districts", "IS-ISB", "", "PK-ZZ", {})

    assert {e.field for e in refused.value.errors} == {"label", "parent"}
    assert ctx.catalog().label("districts", "IS-ISB") == entry(ctx, "districts", "IS-ISB").label
    assert entry(ctx, "districts", "IS-ISB").parent == "PK-IS"
    assert log_entries(ctx, "districts:IS-ISB") == []


def test_editing_an_unknown_code_is_refused(ctx: AppContext) -> None:
    with pytest.raises(RecordNotFound, match="NOPE"):
        update_item(ctx, "agencies", "NOPE", "Nope", None, None)


def test_an_unused_code_can_be_deleted(ctx: AppContext) -> None:
    add_item(ctx, "agencies", "TYPO_AGENCY", "Agency added by mistake")
    assert entry(ctx, "agencies", "TYPO_AGENCY").in_use == 0

    delete_item(ctx, "agencies", "TYPO_AGENCY")
    delete_item(ctx, "installations", "airport")

    assert not ctx.catalog().has("agencies", "TYPO_AGENCY")
    assert not ctx.catalog().has("installations", "AIRPORT")
    assert [(e.revision, e.action) for e in log_entries(ctx, "agencies:TYPO_AGENCY")][-1] == (
        2,
        "delete",
    )


def test_a_code_used_by_a_seizure_cannot_be_deleted(ctx: AppContext) -> None:
    save_seizure(ctx, small_seizure())
    before = stored_codes(ctx, "agencies")

    with pytest.raises(CodeInUse) as refused:
        delete_item(ctx, "agencies", "ANF")

    message = str(refused.value)
    assert "1 seizure" in message
    assert "Retire it instead" in message
    assert stored_codes(ctx, "agencies") == before
    assert ctx.catalog().has("agencies", "ANF")
    assert entry(ctx, "agencies", "ANF").in_use == 1


def test_a_code_used_only_by_a_deleted_seizure_cannot_be_deleted(ctx: AppContext) -> None:
    add_item(ctx, "agencies", "TEMP_TASK_FORCE", "Temporary task force")
    saved = save_seizure(ctx, small_seizure(agency="TEMP_TASK_FORCE"))
    set_seizure_deleted(ctx, saved.uuid, True)

    with pytest.raises(CodeInUse, match="1 seizure"):
        delete_item(ctx, "agencies", "TEMP_TASK_FORCE")

    assert ctx.catalog().has("agencies", "TEMP_TASK_FORCE")


@pytest.mark.parametrize(
    ("list_name", "code", "seizure_values"),
    [
        ("agencies", "ASF", {"joint_agencies": ("ASF",)}),
        ("countries", "IR", {"transit_countries": ("IR",)}),
        ("drugs", "HASHISH", {}),
        ("units", "KG", {}),
        ("transport_modes", "AIR_CARGO", {"transport_mode": "AIR_CARGO"}),
        ("concealment_methods", "BODY_INGESTED", {"concealment": "BODY_INGESTED"}),
    ],
)
def test_every_kind_of_use_keeps_a_code(
    ctx: AppContext, list_name: str, code: str, seizure_values: dict[str, object]
) -> None:
    save_seizure(ctx, small_seizure(**seizure_values))

    assert code_usage(ctx, list_name, code) == "1 seizure"
    with pytest.raises(CodeInUse):
        delete_item(ctx, list_name, code)


def test_a_seizure_holding_a_code_twice_counts_once(ctx: AppContext) -> None:
    save_seizure(ctx, small_seizure(producing_country="AF", departure_country="AF"))

    assert entry(ctx, "countries", "AF").in_use == 1


@pytest.mark.parametrize(
    ("list_name", "code", "words"),
    [
        ("provinces", "PK-PB", r"[0-9]+ districts"),
        ("drug_groups", "OPIOIDS", "drugs"),
        ("countries", "PK", "the post"),
    ],
)
def test_codes_other_lists_point_at_cannot_be_deleted(
    ctx: AppContext, list_name: str, code: str, words: str
) -> None:
    with pytest.raises(CodeInUse, match=words):
        delete_item(ctx, list_name, code)

    assert ctx.catalog().has(list_name, code)


def test_retire_then_restore(ctx: AppContext) -> None:
    set_retired(ctx, "agencies", "LEVIES_BA", True)

    catalog = ctx.catalog()
    assert catalog.has("agencies", "LEVIES_BA")
    assert "LEVIES_BA" in catalog.retired["agencies"]
    assert entry(ctx, "agencies", "LEVIES_BA").retired
    live = [e.code for e in list_items(ctx, "agencies", include_retired=False)]
    assert "LEVIES_BA" not in live and "ANF" in live

    set_retired(ctx, "agencies", "LEVIES_BA", False)

    assert "LEVIES_BA" not in ctx.catalog().retired.get("agencies", frozenset())
    assert [
        (e.revision, e.action, e.field, e.old, e.new)
        for e in log_entries(ctx, "agencies:LEVIES_BA")
    ] == [
        (1, "retire", "retired", None, "yes"),
        (2, "restore", "retired", "yes", None),
    ]


def test_a_retired_code_stays_valid_for_the_records_that_hold_it(ctx: AppContext) -> None:
    saved = save_seizure(ctx, small_seizure(agency="PCG"))

    set_retired(ctx, "agencies", "PCG", True)

    catalog = ctx.catalog()
    assert catalog.has("agencies", "PCG")
    assert "PCG" in catalog.retired["agencies"]
    assert catalog.label("agencies", "PCG") == "Pakistan Coast Guards"
    assert scalar(ctx, "SELECT agency FROM seizure_events WHERE uuid = ?", saved.uuid) == "PCG"


def test_a_retired_province_is_not_offered_as_a_new_district_s_parent(ctx: AppContext) -> None:
    set_retired(ctx, "provinces", "PK-JK", True)

    with pytest.raises(ValidationFailed, match="retired") as refused:
        add_item(ctx, "districts", "JK-NEW", "New district", "PK-JK")

    assert [e.field for e in refused.value.errors] == ["parent"]


def test_a_used_unit_keeps_its_conversion_factor(ctx: AppContext) -> None:
    save_seizure(
        ctx,
        small_seizure(items=[SeizureItemDraft(drug="HASHISH", quantity=Decimal("3"), unit="LB")]),
    )

    with pytest.raises(ValidationFailed, match="retire") as refused:
        update_item(ctx, "units", "LB", "Pound", None, {"kind": "mass", "kg_per_unit": "0.5"})

    assert [e.field for e in refused.value.errors] == ["kg_per_unit"]
    assert ctx.catalog().units["LB"].kg_per_unit == Decimal("0.45359237")
    # Writing the same factor differently is no change.
    update_item(
        ctx,
        "units",
        "LB",
        "Pound (avoirdupois)",
        None,
        {"kind": "mass", "kg_per_unit": "0.453592370"},
    )
    assert ctx.catalog().label("units", "LB") == "Pound (avoirdupois)"


def test_an_unused_unit_s_factor_can_be_corrected(ctx: AppContext) -> None:
    add_item(ctx, "units", "TOLA", "Tola", None, {"kind": "mass", "kg_per_unit": "0.0117"})

    update_item(ctx, "units", "TOLA", "Tola", None, {"kind": "mass", "kg_per_unit": "0.01166"})

    assert ctx.catalog().units["TOLA"].kg_per_unit == Decimal("0.01166")
