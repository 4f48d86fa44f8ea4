"""Every service that changes something, called as each of the four roles: the roles that
may do it succeed, the others are refused with a message naming the user, the role and
what it may not do, and nothing of theirs is kept."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from importing_fixtures import write_csv
from service_builders import all_counts, ayesha, heroin_and_tablets, save_two_persons

from inl_desktop.domain.periods import parse_period
from inl_desktop.domain.roles import NotAllowed, Role
from inl_desktop.services import users
from inl_desktop.services.backups import back_up_now, restore_in_place
from inl_desktop.services.consolidate import consolidate, keep_hq_copy
from inl_desktop.services.context import AppContext
from inl_desktop.services.demo import generate_demo
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.importing.mapping import ImportMapping
from inl_desktop.services.importing.remembered import forget_spelling
from inl_desktop.services.importing.run import commit_import, plan_import, read_table
from inl_desktop.services.importing.targets import ImportKind
from inl_desktop.services.person_key import set_person_key_secret
from inl_desktop.services.persons import merge_persons, save_person
from inl_desktop.services.post_keys import accept_unsigned
from inl_desktop.services.reference_lists.editing import add_item, set_retired
from inl_desktop.services.seizures import save_seizure, set_seizure_deleted
from inl_desktop.services.setup import set_up_post
from inl_desktop.services.trainings import save_training
from inl_desktop.store.migrate import open_database
from tests.conftest import Clock

ROLES = list(Role)
PASSWORD = "correct horse"


@dataclasses.dataclass
class Desk:
    """A post database with one record of each kind, saved by an admin, and a folder."""

    admin: AppContext
    folder: Path
    path: Path
    draft_seizure: str
    final_seizure: str
    persons: tuple[str, str]


@pytest.fixture
def desk(tmp_path: Path, db_path: Path, clock: Clock) -> Iterator[Desk]:
    admin = AppContext(open_database(db_path, now=clock), user="Admin", now=clock)
    draft = save_seizure(admin, heroin_and_tablets(status="draft")).uuid
    final = save_seizure(admin, heroin_and_tablets(status="final", place="Quetta")).uuid
    yield Desk(admin, tmp_path, db_path, draft, final, save_two_persons(admin))
    admin.engine.dispose()


def as_role(desk: Desk, role: Role) -> AppContext:
    """The same database, worked on by a user of ``role``."""
    return AppContext(desk.admin.engine, user=f"{role.value}-user", now=desk.admin.now, role=role)


def _edit_final(ctx: AppContext, desk: Desk) -> object:
    from inl_desktop.services.seizures import load_seizure

    draft = load_seizure(ctx, desk.final_seizure)
    return save_seizure(ctx, dataclasses.replace(draft, remarks="corrected"))


def _import(ctx: AppContext, desk: Desk) -> object:
    source = write_csv(
        desk.folder / "table.csv", [["Year", "Drug", "Kilograms"], ["2019", "Heroin", "12"]]
    )
    mapping = ImportMapping(
        ImportKind.SEIZURES,
        columns={"period": ["Year"], "drug": ["Drug"], "quantity": ["Kilograms"]},
        constants={"unit": "KG", "agency": "ANF"},
    )
    return commit_import(ctx, plan_import(ctx, read_table(source, mapping), mapping))


def _export(profile: str) -> Callable[[AppContext, Desk], object]:
    def export(ctx: AppContext, desk: Desk) -> object:
        out = desk.folder / f"{profile}.xlsx"
        return export_workbook(
            ctx, ExportRequest(out, parse_period("2026"), profile, password=PASSWORD)
        )

    return export


def _consolidate(ctx: AppContext, desk: Desk) -> object:
    export_workbook(desk.admin, ExportRequest(desk.folder / "own.xlsx", None, "hq"))
    return consolidate(ctx, [desk.folder / "own.xlsx"])


def _decide_conflict(ctx: AppContext, desk: Desk) -> object:
    with desk.admin.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO merge_conflicts (record_kind, record_uuid, revision, source_file, "
            "stored, incoming, detected_at) VALUES ('seizure', ?, 1, 'x.xlsx', '{}', '{}', "
            "'2026-06-15 09:00:00')",
            (desk.final_seizure,),
        )
        conflict_id = connection.exec_driver_sql("SELECT max(id) FROM merge_conflicts").scalar()
    return keep_hq_copy(ctx, int(conflict_id))


def _restore(ctx: AppContext, desk: Desk) -> object:
    backup = back_up_now(desk.path, desk.admin.now())
    return restore_in_place(ctx, desk.path, backup)


def _merge(ctx: AppContext, desk: Desk) -> object:
    return merge_persons(ctx, *desk.persons)


# (what, the weakest role that may, the call)
SERVICES: list[tuple[str, Role, Callable[[AppContext, Desk], object]]] = [
    ("export hq", Role.VIEWER, _export("hq")),
    (
        "save a draft seizure",
        Role.CLERK,
        lambda c, d: save_seizure(c, heroin_and_tablets(status="draft")),
    ),
    (
        "delete a draft seizure",
        Role.CLERK,
        lambda c, d: set_seizure_deleted(c, d.draft_seizure, True, 1),
    ),
    ("save a draft training", Role.CLERK, lambda c, d: save_training(c, _training())),
    ("save a person", Role.CLERK, lambda c, d: save_person(c, ayesha(full_name="Sana Mir"))),
    ("merge persons", Role.CLERK, _merge),
    ("import", Role.CLERK, _import),
    ("forget a learned spelling", Role.CLERK, lambda c, d: forget_spelling(c, "drugs", "smack")),
    ("export full", Role.CLERK, _export("full")),
    (
        "save a final seizure",
        Role.REVIEWER,
        lambda c, d: save_seizure(c, heroin_and_tablets(status="final")),
    ),
    ("edit a final seizure", Role.REVIEWER, _edit_final),
    (
        "delete a final seizure",
        Role.REVIEWER,
        lambda c, d: set_seizure_deleted(c, d.final_seizure, True, 1),
    ),
    ("decide a conflict", Role.REVIEWER, _decide_conflict),
    ("consolidate", Role.ADMIN, _consolidate),
    ("set up the post", Role.ADMIN, lambda c, d: set_up_post(c, "PK-ISB", "PK", "Islamabad")),
    (
        "set the person key",
        Role.ADMIN,
        lambda c, d: set_person_key_secret(c, "a program secret of 32 characters"),
    ),
    ("accept unsigned workbooks", Role.ADMIN, lambda c, d: accept_unsigned(c, "PK-LHE")),
    (
        "add a reference item",
        Role.ADMIN,
        lambda c, d: add_item(c, "agencies", "NEWCO", "New agency"),
    ),
    ("retire a reference item", Role.ADMIN, lambda c, d: set_retired(c, "agencies", "ANF", True)),
    ("restore a backup", Role.ADMIN, _restore),
    ("make demo data", Role.ADMIN, lambda c, d: generate_demo(c, seizure_items=4, trainings=1)),
    ("set the idle lock", Role.ADMIN, lambda c, d: users.set_idle_lock_minutes(c, 5)),
]


def _training() -> object:
    from service_builders import counts_training

    return counts_training(status="draft", start_date=date(2026, 2, 1), end_date=date(2026, 2, 2))


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize(("what", "least", "call"), SERVICES, ids=[s[0] for s in SERVICES])
def test_each_service_is_done_only_by_the_roles_that_may(
    desk: Desk, role: Role, what: str, least: Role, call: Callable[[AppContext, Desk], object]
) -> None:
    ctx = as_role(desk, role)
    if role.rank >= least.rank:
        call(ctx, desk)
        return
    before = all_counts(desk.admin)
    with pytest.raises(NotAllowed) as refused:
        call(ctx, desk)
    message = str(refused.value)
    assert message.startswith(f"{role.value}-user is a {role.value} and may not ")
    assert all_counts(desk.admin) == before


def test_the_roles_cover_every_service_listed_once() -> None:
    assert len({what for what, _, _ in SERVICES}) == len(SERVICES)
    assert {least for _, least, _ in SERVICES} == set(Role)


def test_a_viewer_reads_what_a_clerk_saved(desk: Desk) -> None:
    from inl_desktop.services.seizures import load_seizure

    viewer = as_role(desk, Role.VIEWER)
    assert load_seizure(viewer, desk.final_seizure).place == "Quetta"
