"""Spellings a post mapped once are remembered for the list and suggested at its next
import, whatever their case and punctuation; a later mapping replaces them, and a
retired code is not suggested."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from importing_fixtures import write_csv
from service_builders import rows

from inl_desktop.domain.roster import fold
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.remembered import (
    forget_spelling,
    remember_mapping_values,
    remember_spellings,
    remembered_spellings,
)
from inl_desktop.services.importing.run import (
    READY,
    REJECTED,
    ImportPlan,
    commit_import,
    plan_import,
    read_table,
    suggested_mapping,
)
from inl_desktop.services.importing.spellings import suggest_code
from inl_desktop.services.importing.targets import ImportKind
from inl_desktop.services.reference_lists import set_retired

HEADERS = ["Date of Seizure", "LEA", "Narcotics", "Qty", "Province"]


def seizure_file(path: Path, agency: str, day: str = "13/03/2019") -> Path:
    """A one-row seizure register naming its agency as ``agency``."""
    return write_csv(path, [HEADERS, [day, agency, "Heroin", "2 kg", "Punjab"]])


def plan(
    ctx: AppContext, path: Path, values: Mapping[str, Mapping[str, str]] | None = None
) -> ImportPlan:
    """The plan of a file with the suggested columns and the ``values`` given."""
    table = read_table(path, None)
    mapping = suggested_mapping(ImportKind.SEIZURES, table)
    for field, texts in (values or {}).items():
        # As the wizard and a profile keep them: folded.
        mapping.values.setdefault(field, {}).update({fold(t): c for t, c in texts.items()})
    return plan_import(ctx, table, mapping)


def remember(ctx: AppContext, values: Mapping[str, Mapping[str, str]]) -> int:
    """What the import's commit does with its mapping's values."""
    with ctx.sessions.begin() as session:
        return remember_mapping_values(session, ctx, ImportKind.SEIZURES, values)


def test_a_spelling_mapped_once_is_suggested_at_the_next_import(
    ctx: AppContext, tmp_path: Path
) -> None:
    march = seizure_file(tmp_path / "march.csv", "Excise Deptt. Lahore")
    assert plan(ctx, march).rows[0].outcome == REJECTED  # nobody knows the spelling yet
    values = {"agency": {"Excise Deptt. Lahore": "EXCISE_PB"}}
    first = plan(ctx, march, values)
    assert first.rows[0].outcome == READY, first.rows[0].problems
    commit_import(ctx, first)

    assert remember(ctx, values) == 1

    april = seizure_file(tmp_path / "april.csv", "EXCISE DEPTT LAHORE", "21/04/2019")
    again = plan(ctx, april)
    assert again.rows[0].outcome == READY, again.rows[0].problems
    assert again.rows[0].record.agency == "EXCISE_PB"
    assert rows(
        ctx, "SELECT list_name, spelling, text, code, remembered_by FROM import_spellings"
    ) == [("agencies", "deptt excise lahore", "Excise Deptt. Lahore", "EXCISE_PB", "clerk")]


def test_remembered_spellings_are_kept_by_list_for_every_field_of_it(ctx: AppContext) -> None:
    stored = remember(
        ctx,
        {
            "joint_agencies": {"Anti Narc. Force Rwp": "ANF"},
            "drug": {"Pukhta": "HEROIN", "Unheard-of powder": "NOT_A_DRUG"},
            "status": {"ok": "final"},  # not a reference list: not remembered
            "province": {"N.W.F.P.": "PK-KP"},  # an alias already: not stored twice
        },
    )

    assert stored == 2
    assert remembered_spellings(ctx) == {
        "agencies": {"anti force narc rwp": "ANF"},
        "drugs": {"pukhta": "HEROIN"},
    }
    catalog = ctx.catalog()
    assert suggest_code(catalog, "agencies", "ANTI-NARC FORCE, RWP") == "ANF"
    assert suggest_code(catalog, "drugs", "pukhta") == "HEROIN"


def test_a_remembered_spelling_beats_the_list_and_a_later_mapping_replaces_it(
    ctx: AppContext,
) -> None:
    assert suggest_code(ctx.catalog(), "provinces", "Islamabad") == "PK-IS"

    # This post's files name the Rawalpindi-Islamabad division's province "Islamabad".
    remember(ctx, {"province": {"Islamabad": "PK-PB"}})
    assert suggest_code(ctx.catalog(), "provinces", "ISLAMABAD") == "PK-PB"

    assert remember(ctx, {"province": {"islamabad": "PK-IS"}}) == 1
    assert suggest_code(ctx.catalog(), "provinces", "Islamabad") == "PK-IS"
    assert remember(ctx, {"province": {"islamabad": "PK-IS"}}) == 0


def test_a_remembered_spelling_of_a_retired_code_is_not_suggested(ctx: AppContext) -> None:
    remember(ctx, {"agency": {"Excise Deptt. Lahore": "EXCISE_PB"}})

    set_retired(ctx, "agencies", "EXCISE_PB", True)

    assert suggest_code(ctx.catalog(), "agencies", "Excise Deptt. Lahore") is None
    set_retired(ctx, "agencies", "EXCISE_PB", False)
    assert suggest_code(ctx.catalog(), "agencies", "Excise Deptt. Lahore") == "EXCISE_PB"


def test_a_forgotten_spelling_is_no_longer_suggested(ctx: AppContext) -> None:
    with ctx.sessions.begin() as session:
        remember_spellings(session, ctx, "drugs", {"Pukhta": "HEROIN"})
    assert suggest_code(ctx.catalog(), "drugs", "Pukhta") == "HEROIN"

    assert forget_spelling(ctx, "drugs", "PUKHTA")

    assert suggest_code(ctx.catalog(), "drugs", "Pukhta") is None
    assert not forget_spelling(ctx, "drugs", "Pukhta")


def test_spellings_of_a_transaction_rolled_back_are_not_remembered(ctx: AppContext) -> None:
    class Refused(Exception):
        pass

    try:
        with ctx.sessions.begin() as session:
            remember_spellings(session, ctx, "drugs", {"Pukhta": "HEROIN"})
            raise Refused
    except Refused:
        pass

    assert remembered_spellings(ctx) == {}
    assert suggest_code(ctx.catalog(), "drugs", "Pukhta") is None


def test_a_spelling_remembered_from_a_mappings_folded_text_is_found(ctx: AppContext) -> None:
    # A profile keeps "E.T.N.C. Rwp." as "e t n c rwp": the initials come apart.
    remember(ctx, {"agency": {fold("E.T.N.C. Rwp."): "EXCISE_PB"}})

    assert suggest_code(ctx.catalog(), "agencies", "E.T.N.C. Rwp.") == "EXCISE_PB"
    assert suggest_code(ctx.catalog(), "agencies", "e.t.n.c rwp") == "EXCISE_PB"
