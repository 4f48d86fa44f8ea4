"""The hq profile names no clerk: authors travel as the post's pseudonymous user keys.

A clerk's operating-system login (``Jane.Doe``) is personal data; the hq workbook
carries, in ``created_by`` and ``updated_by``, a key that stays the same for that
clerk in every export of the post and that only the post can tie to a login.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from protected_workbooks import WORKBOOK_PASSWORD, readable_copy
from service_builders import heroin_and_tablets, roster_training, rows, save_two_persons
from signing_helpers import register_posts

from inl_desktop.exchange import format as fmt
from inl_desktop.services.consolidate import consolidate
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.seizures import load_seizure, save_seizure
from inl_desktop.services.setup import set_up_post
from inl_desktop.services.trainings import save_training
from inl_desktop.services.user_key import user_key, user_key_secret
from inl_desktop.store.migrate import backup_database, open_database

USER_KEY = re.compile(r"^user-[0-9a-f]{10}$")


def authors(workbook: Path) -> dict[str, list[tuple[str, str]]]:
    """(created_by, updated_by) of every row of the Seizures and Trainings sheets."""
    book = load_workbook(workbook, read_only=True)
    found = {}
    for sheet in (fmt.SEIZURES, fmt.TRAININGS):
        lines = list(book[sheet].iter_rows(values_only=True))
        created, updated = lines[0].index("created_by"), lines[0].index("updated_by")
        found[sheet] = [(line[created], line[updated]) for line in lines[1:]]
    book.close()
    return found


def jane_at_work(ctx: AppContext) -> AppContext:
    """Jane.Doe records a seizure and a course at the post."""
    jane = replace(ctx, user="Jane.Doe")
    save_seizure(jane, heroin_and_tablets())
    save_training(jane, roster_training(list(save_two_persons(jane))))
    return jane


def test_the_hq_profile_carries_a_stable_user_key_not_the_login(
    ctx: AppContext, tmp_path: Path
) -> None:
    jane = jane_at_work(ctx)

    first = export_workbook(jane, ExportRequest(tmp_path / "june.xlsx")).file
    second = export_workbook(jane, ExportRequest(tmp_path / "july.xlsx")).file

    found = authors(first)
    keys = {key for sheet in found.values() for pair in sheet for key in pair}
    assert len(keys) == 1 and USER_KEY.match(keys.pop() or "")
    assert authors(second) == found  # the same clerk, the same key, export after export
    with zipfile.ZipFile(first) as archive:
        for name in archive.namelist():
            assert b"jane" not in archive.read(name).lower(), name


def test_each_clerk_has_a_key_of_their_own_and_the_full_profile_keeps_logins(
    ctx: AppContext, tmp_path: Path
) -> None:
    jane = jane_at_work(ctx)
    omar = replace(ctx, user="Omar.Farooq")
    [(event_uuid,)] = rows(ctx, "SELECT uuid FROM seizure_events")
    draft = load_seizure(omar, str(event_uuid))
    draft.place = "Landi Kotal"
    save_seizure(omar, draft)

    hq = authors(export_workbook(jane, ExportRequest(tmp_path / "hq.xlsx")).file)
    request = ExportRequest(tmp_path / "full.xlsx", profile="full", password=WORKBOOK_PASSWORD)
    full = authors(readable_copy(export_workbook(jane, request).file))

    [created, updated] = {pair for pair in hq[fmt.SEIZURES]}.pop()
    assert created != updated and USER_KEY.match(created) and USER_KEY.match(updated)
    assert set(hq[fmt.TRAININGS]) == {(created, created)}  # Jane's course
    assert set(full[fmt.SEIZURES]) == {("Jane.Doe", "Omar.Farooq")}
    assert set(full[fmt.TRAININGS]) == {("Jane.Doe", "Jane.Doe")}


def test_the_key_is_the_posts_own(
    ctx: AppContext, tmp_path: Path, template_db: Path, clock: Callable[[], datetime]
) -> None:
    other = AppContext(
        open_database(backup_database(template_db, tmp_path / "lhe.sqlite"), now=clock),
        user="clerk",
        now=clock,
    )
    set_up_post(other, "PK-LHE", "PK")

    here, there = user_key_secret(ctx), user_key_secret(other)

    assert here == user_key_secret(ctx)  # kept, not made again
    assert user_key(here, "clerk") != user_key(there, "clerk")  # another post cannot try logins
    assert user_key(here, "JANE.DOE") == user_key(here, "Jane.Doe")  # Windows ignores case
    assert user_key(here, user_key(there, "clerk")) == user_key(there, "clerk")  # re-exported
    other.engine.dispose()


def test_hq_stores_the_user_keys_it_received(
    ctx: AppContext, tmp_path: Path, template_db: Path, clock: Callable[[], datetime]
) -> None:
    jane = jane_at_work(ctx)
    workbook = export_workbook(jane, ExportRequest(tmp_path / "isb.xlsx")).file
    [(key, _)] = set(authors(workbook)[fmt.SEIZURES])
    hq = AppContext(
        open_database(backup_database(template_db, tmp_path / "hq.sqlite"), now=clock),
        user="analyst",
        now=clock,
    )
    set_up_post(hq, "PK-HQ", "PK", "Headquarters")
    register_posts(hq, ctx)

    assert consolidate(hq, [workbook]).everything_merged

    stored = rows(hq, "SELECT created_by, updated_by FROM seizure_events UNION "
                  "SELECT created_by, updated_by FROM training_sessions")  # fmt: skip
    assert stored == [(key, key)]
    hq.engine.dispose()
