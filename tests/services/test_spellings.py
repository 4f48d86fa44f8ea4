"""Spellings of the posts' files: initials, "&", word order and the aliases of the
reference lists name their codes without a mapping; a near spelling never turns a
country or a continent into a province."""

from __future__ import annotations

from pathlib import Path

import pytest
from importing_fixtures import write_csv

from inl_desktop.domain.catalog import Catalog
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.run import READY, plan_import, read_table, suggested_mapping
from inl_desktop.services.importing.spellings import code_lookup, spelling_key, suggest_code
from inl_desktop.services.importing.targets import ImportKind
from inl_desktop.services.reference_lists import set_retired
from inl_desktop.store.reference import list_files, read_list

# What posts wrote in real files, by the code each means.
REAL_SPELLINGS = [
    ("agencies", "ANF", ["A.N.F.", "a.n.f", "Anti Narcotic Force"]),
    ("agencies", "EXCISE", ["Excise & Taxation", "Excise and Taxation", "E.T. & N.C."]),
    ("agencies", "EXCISE_PB", ["Punjab Excise & Taxation", "Excise, Punjab"]),
    ("agencies", "EXCISE_KP", ["Excise & Taxation, KPK", "KP Excise"]),
    ("agencies", "FC_BA", ["F.C. (Balochistan)", "FC Baluchistan"]),
    ("agencies", "NHMP", ["NH&MP", "Motorway Police"]),
    ("provinces", "PK-KP", ["KPK", "K.P.K.", "KP", "NWFP", "N.W.F.P.", "Khyber Pakhtoonkhwa"]),
    ("provinces", "PK-IS", ["Islamabad", "ICT", "I.C.T."]),
    ("provinces", "PK-JK", ["AJ&K", "Azad Kashmir"]),
    ("drugs", "METHAMPHETAMINE", ["Crystal meth", "ICE", "Shabu", "Meth"]),
    ("drugs", "HASHISH", ["Hashish (resin)", "Resin, hashish", "Charas", "Garda"]),
    ("drugs", "MORPHINE", ["Illicit morphine"]),
    ("drugs", "COCAINE", ["Cocaine salts"]),
    ("drugs", "CANNABIS_HERB", ["Marijuana (herb)", "Marijuana"]),
    ("districts", "KP-DIK", ["D.I. Khan", "DI Khan"]),
    ("districts", "PB-DGK", ["D.G. Khan", "DG Khan"]),
    ("districts", "SD-SBA", ["Nawabshah"]),
    ("countries", "AE", ["U.A.E.", "UAE"]),
    ("countries", "IR", ["Iran (Islamic Republic of)", "Iran"]),
]


@pytest.mark.parametrize(("list_name", "code", "texts"), REAL_SPELLINGS)
def test_real_spellings_name_their_code_without_a_mapping(
    ctx: AppContext, list_name: str, code: str, texts: list[str]
) -> None:
    catalog = ctx.catalog()

    assert {text: suggest_code(catalog, list_name, text) for text in texts} == dict.fromkeys(
        texts, code
    )


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("A.N.F.", "ANF"),
        ("K. P. K.", "kpk"),
        ("Excise & Taxation", "Excise and Taxation"),
        ("Resin, hashish", "Hashish resin"),
        ("Hashish (resin)", "hashish - RESIN"),
        ("Côte d’Ivoire", "Cote d'Ivoire"),
        ("Gilgit-Baltistan", "Baltistan Gilgit"),
    ],
)
def test_case_punctuation_and_word_order_do_not_matter(one: str, other: str) -> None:
    assert spelling_key(one) == spelling_key(other) != ""


def test_words_stay_apart_and_dots_join_only_initials() -> None:
    assert spelling_key("A.N.F. Punjab") == "anf punjab"
    assert spelling_key("St. Louis") == "louis st"
    assert spelling_key("3.5 kg") == "3 5 kg"
    assert spelling_key("Sindh Police") != spelling_key("Sindh")


def test_a_whole_file_of_real_spellings_is_ready_to_import_without_a_mapping(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "register.csv",
        [
            ["Date of Seizure", "LEA", "Narcotics", "Qty", "Province"],
            ["13/04/2019", "A.N.F.", "Hashish (resin)", "12 kg", "KPK"],
            ["14/04/2019", "Excise & Taxation", "Crystal meth", "2 kg", "Islamabad"],
            ["15/04/2019", "ANF", "Illicit morphine", "1 kg", "N.W.F.P."],
            ["16/04/2019", "Punjab Excise", "Cocaine salts", "0.5 kg", "Punjab"],
            ["17/04/2019", "FC KPK", "Marijuana (herb)", "30 kg", "Khyber Pakhtoonkhwa"],
        ],
    )
    table = read_table(source, None)

    plan = plan_import(ctx, table, suggested_mapping(ImportKind.SEIZURES, table))

    assert [row.outcome for row in plan.rows] == [READY] * 5, [r.problems for r in plan.rows]
    assert [
        (row.record.agency, row.record.items[0].drug, row.record.province) for row in plan.rows
    ] == [
        ("ANF", "HASHISH", "PK-KP"),
        ("EXCISE", "METHAMPHETAMINE", "PK-IS"),
        ("ANF", "MORPHINE", "PK-KP"),
        ("EXCISE_PB", "COCAINE", "PK-PB"),
        ("FC_KP", "CANNABIS_HERB", "PK-KP"),
    ]


CONTINENTS = [
    "Asia",
    "Europe",
    "Africa",
    "North America",
    "South America",
    "Latin America",
    "Oceania",
    "Antarctica",
    "Central Asia",
    "South Asia",
    "Middle East",
    "Eastern Europe",
]


@pytest.mark.parametrize("list_name", ["provinces", "districts", "agencies"])
def test_no_continent_or_country_is_taken_for_a_province_district_or_agency(
    ctx: AppContext, list_name: str
) -> None:
    catalog = ctx.catalog()
    countries = [
        name
        for code, label in catalog.codes["countries"].items()
        if code != "NK"  # "Not known" is an agency too
        for name in (label, *catalog.aliases.get("countries", {}).get(code, ()))
    ]

    matched = {
        text: suggest_code(catalog, list_name, text)
        for text in CONTINENTS + countries
        if suggest_code(catalog, list_name, text) is not None
    }

    assert matched == {}


def test_a_near_spelling_of_one_name_is_still_suggested(ctx: AppContext) -> None:
    catalog = ctx.catalog()

    assert suggest_code(catalog, "provinces", "Khyber Pakhtunkhawa") == "PK-KP"
    assert suggest_code(catalog, "provinces", "Balochistaan") == "PK-BA"
    assert suggest_code(catalog, "drugs", "Cristal meth") == "METHAMPHETAMINE"  # an alias


def test_a_name_two_codes_share_suggests_neither(ctx: AppContext) -> None:
    catalog = ctx.catalog()

    # Pakistan Rangers (Punjab) and Pakistan Rangers (Sindh): a guess either way.
    assert suggest_code(catalog, "agencies", "Pakistan Rangers") is None
    assert suggest_code(catalog, "agencies", "Rangers (Sindh)") == "RANGERS_SD"


def test_a_retired_code_is_not_suggested_by_its_aliases(ctx: AppContext) -> None:
    assert suggest_code(ctx.catalog(), "provinces", "KPK") == "PK-KP"

    set_retired(ctx, "provinces", "PK-KP", True)

    assert suggest_code(ctx.catalog(), "provinces", "KPK") is None
    assert suggest_code(ctx.catalog(), "provinces", "Khyber Pakhtunkhwa") is None


def test_remembered_spellings_given_to_the_lookup_come_first() -> None:
    catalog = Catalog(
        codes={"agencies": {"PUNJAB_POLICE": "Punjab Police", "SINDH_POLICE": "Sindh Police"}},
        aliases={"agencies": {"SINDH_POLICE": ("Police",)}},
    )

    assert suggest_code(catalog, "agencies", "police") == "SINDH_POLICE"
    assert suggest_code(catalog, "agencies", "POLICE", {"Police": "PUNJAB_POLICE"}) == (
        "PUNJAB_POLICE"
    )
    assert code_lookup(catalog, "agencies", {"Police.": "PUNJAB_POLICE"})["police"] == (
        "PUNJAB_POLICE"
    )


def test_every_alias_of_the_resource_files_names_its_own_code(ctx: AppContext) -> None:
    catalog = ctx.catalog()
    aliases = [
        (list_name, row.code, alias)
        for list_name, path in list_files("PK").items()
        for row in read_list(path)
        for alias in row.aliases
    ]

    assert len(aliases) > 100
    wrong = [
        (list_name, code, alias, suggest_code(catalog, list_name, alias))
        for list_name, code, alias in aliases
        if suggest_code(catalog, list_name, alias) != code
    ]
    assert wrong == []
