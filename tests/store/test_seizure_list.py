"""The seizure list's queries: each filter, the search, sorting, paging and totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import save_seizure, set_seizure_deleted
from inl_desktop.store import seizure_list
from inl_desktop.store.seizure_list import (
    PAGE_SIZE,
    SeizureFilter,
    fetch_page,
    fetch_totals,
    search_query,
)


def seizure(
    day: date,
    agency: str,
    items: list[tuple[str, str, str]],
    *,
    province: str = "PK-PB",
    place: str = "Lahore toll plaza",
    remarks: str | None = None,
    source: str | None = None,
    basis: str = "case",
    status: str = "final",
) -> SeizureDraft:
    draft = SeizureDraft(
        basis=basis,
        agency=agency,
        province=province,
        place=place,
        remarks=remarks,
        source_reference=source,
        status=status,
        items=[SeizureItemDraft(d, Decimal(q), u) for d, q, u in items],
    )
    if basis == "case":
        draft.event_date = day
    else:
        draft.period_start, draft.period_end = day, day.replace(day=28)
    return draft


@pytest.fixture
def recorded(ctx: AppContext) -> dict[str, str]:
    """Five seizures with known values; returns their UUIDs by name."""
    drafts = {
        "heroin_lahore": seizure(
            date(2019, 11, 5),
            "ANF",
            [("HEROIN", "12.5", "KG"), ("OPIUM", "40", "KG")],
            source="ANF/2019/0042",
        ),
        "hashish_quetta": seizure(
            date(2020, 2, 1),
            "FC_BA",
            [("HASHISH", "1200", "KG")],
            province="PK-BA",
            place="Quetta checkpost",
            remarks="Hidden in fruit crates",
        ),
        "tablets_karachi": seizure(
            date(2020, 9, 30),
            "CUSTOMS",
            [("METH_TABLETS", "5000", "TABLET")],
            province="PK-SD",
            place="Karachi port",
        ),
        "aggregate_march": seizure(
            date(2021, 3, 1),
            "ANF",
            [("HEROIN", "300", "KG")],
            basis="aggregate",
            place=None,
        ),
        "draft_plants": seizure(
            date(2021, 6, 2),
            "KP_POLICE",
            [("CANNABIS_PLANTS", "900", "PLANT")],
            province="PK-KP",
            place="Swat valley",
            status="draft",
        ),
    }
    return {name: save_seizure(ctx, draft).uuid for name, draft in drafts.items()}


def uuids(ctx: AppContext, filter_: SeizureFilter, **kwargs: object) -> list[str]:
    with ctx.engine.connect() as connection:
        return [row["uuid"] for row in fetch_page(connection, filter_, **kwargs)]


def drugs(ctx: AppContext, filter_: SeizureFilter, **kwargs: object) -> list[str]:
    with ctx.engine.connect() as connection:
        return [row["drug"] for row in fetch_page(connection, filter_, **kwargs)]


def test_every_item_is_a_row_newest_first(ctx: AppContext, recorded: dict[str, str]) -> None:
    assert drugs(ctx, SeizureFilter()) == [
        "CANNABIS_PLANTS", "HEROIN", "METH_TABLETS", "HASHISH", "OPIUM", "HEROIN",
    ]  # fmt: skip


def test_a_fiscal_year_selects_by_date(ctx: AppContext, recorded: dict[str, str]) -> None:
    fy2020 = SeizureFilter(start=date(2019, 10, 1), end=date(2020, 9, 30))
    assert set(uuids(ctx, fy2020)) == {
        recorded["heroin_lahore"], recorded["hashish_quetta"], recorded["tablets_karachi"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        (SeizureFilter(agency="ANF"), {"heroin_lahore", "aggregate_march"}),
        (SeizureFilter(drugs=("HEROIN",)), {"heroin_lahore", "aggregate_march"}),
        (SeizureFilter(drugs=("HASHISH", "CANNABIS_PLANTS")), {"hashish_quetta", "draft_plants"}),
        (SeizureFilter(province="PK-SD"), {"tablets_karachi"}),
        (SeizureFilter(basis="aggregate"), {"aggregate_march"}),
        (SeizureFilter(status="draft"), {"draft_plants"}),
        (SeizureFilter(text="checkpost"), {"hashish_quetta"}),
        (SeizureFilter(text="FRUIT"), {"hashish_quetta"}),
        (SeizureFilter(text="anf/2019"), {"heroin_lahore"}),
        (SeizureFilter(text="karachi port"), {"tablets_karachi"}),
        (SeizureFilter(text="port karachi"), {"tablets_karachi"}),
        (SeizureFilter(text="zzz-not-there"), set()),
        (SeizureFilter(agency="ANF", drugs=("OPIUM",)), {"heroin_lahore"}),
    ],
)
def test_each_filter_selects_the_right_seizures(
    ctx: AppContext, recorded: dict[str, str], filter_: SeizureFilter, expected: set[str]
) -> None:
    assert set(uuids(ctx, filter_)) == {recorded[name] for name in expected}


def test_search_text_is_safe_whatever_is_typed(ctx: AppContext, recorded: dict[str, str]) -> None:
    for text in ['"', "a\"b'c", "100%", "under_score", "(*)", "OR AND NOT", "—"]:
        uuids(ctx, SeizureFilter(text=text))  # must not raise


def test_words_shorter_than_three_letters_do_not_filter(ctx: AppContext) -> None:
    assert search_query("ab") is None
    assert search_query("ab checkpost") == '"checkpost"'


def test_deleted_seizures_appear_only_in_the_deleted_view(
    ctx: AppContext, recorded: dict[str, str]
) -> None:
    set_seizure_deleted(ctx, recorded["tablets_karachi"], True)
    assert recorded["tablets_karachi"] not in uuids(ctx, SeizureFilter())
    assert uuids(ctx, SeizureFilter(deleted=True)) == [recorded["tablets_karachi"]]
    with ctx.engine.connect() as connection:
        assert fetch_totals(connection, SeizureFilter()).items == 5
    set_seizure_deleted(ctx, recorded["tablets_karachi"], False)
    assert recorded["tablets_karachi"] in uuids(ctx, SeizureFilter())


@pytest.mark.parametrize(
    ("sort_key", "expected"),
    [
        # quantities as reported, compared as numbers (1200 > 900 > 300 > 40 > 12.5)
        ("quantity", ["METH_TABLETS", "HASHISH", "CANNABIS_PLANTS", "HEROIN", "OPIUM", "HEROIN"]),
        # kg: 300,000 + ... ; 5000 tablets of 0.1 g = 0.5 kg; plants have none (last)
        (
            "kg_equivalent",
            ["HASHISH", "HEROIN", "OPIUM", "HEROIN", "METH_TABLETS", "CANNABIS_PLANTS"],
        ),
    ],
)
def test_sorting_by_numbers_is_numeric(
    ctx: AppContext, recorded: dict[str, str], sort_key: str, expected: list[str]
) -> None:
    assert drugs(ctx, SeizureFilter(), sort_key=sort_key, descending=True) == expected


def test_sorting_by_an_event_column_keeps_items_together(
    ctx: AppContext, recorded: dict[str, str]
) -> None:
    with ctx.engine.connect() as connection:
        rows = fetch_page(connection, SeizureFilter(), sort_key="place", descending=False)
    places = [row["place"] for row in rows]
    assert places == sorted(places, key=lambda p: (p is not None, p or ""))


def test_pages_cover_every_row_once(ctx: AppContext) -> None:
    for n in range(PAGE_SIZE + 20):
        save_seizure(ctx, seizure(date(2020, 1, 1 + n % 28), "ANF", [("HEROIN", str(n + 1), "G")]))
    with ctx.engine.connect() as connection:
        first = fetch_page(connection, SeizureFilter())
        second = fetch_page(connection, SeizureFilter(), offset=PAGE_SIZE)
    ids = [row["id"] for row in first + second]
    assert len(first) == PAGE_SIZE
    assert len(second) == 20
    assert len(set(ids)) == PAGE_SIZE + 20


@pytest.mark.parametrize("common_from", [5, 10_000], ids=["window", "index"])
def test_a_common_word_pages_the_same_as_a_rare_one(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, common_from: int
) -> None:
    """The search answers from the list order or from the index: the same rows."""
    monkeypatch.setattr(seizure_list, "COMMON_MATCHES", common_from)
    for n in range(60):
        place = "Checkpost" if n % 3 else "Warehouse"
        save_seizure(
            ctx,
            seizure(
                date(2020, 1, 1 + n % 28), "ANF", [("HEROIN", "1", "KG")], place=f"{place} {n}"
            ),
        )
    with ctx.engine.connect() as connection:
        found = fetch_page(connection, SeizureFilter(text="checkpost"), limit=10)
        everything = fetch_page(connection, SeizureFilter(), limit=100)
    expected = [row["id"] for row in everything if "Checkpost" in (row["place"] or "")][:10]
    assert [row["id"] for row in found] == expected


def test_totals_count_items_and_add_exact_kilograms(
    ctx: AppContext, recorded: dict[str, str]
) -> None:
    with ctx.engine.connect() as connection:
        totals = fetch_totals(connection, SeizureFilter(agency="ANF"))
        everything = fetch_totals(connection, SeizureFilter())
    assert totals.items == 3
    assert totals.kg_equivalent == Decimal("352.5")  # 12.5 + 40 + 300
    # + 1200 hashish + 0.5 (5000 tablets of 0.1 g); the plants have no kg-equivalent
    assert everything.kg_equivalent == Decimal("1553")
    assert everything.items_without_kg == 1
