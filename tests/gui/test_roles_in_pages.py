"""The pages offer only what the signed-in user's role may do: a clerk sees restore and
the reference lists' buttons greyed, and an encrypted backup asks for the password of
its day before it is restored."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inl_desktop.domain.roles import Role
from inl_desktop.gui.common.reference_page import ReferenceListsPage
from inl_desktop.gui.safety.backups_page import BackupsPage
from inl_desktop.services.backups import back_up_now
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import save_seizure
from inl_desktop.services.users import Credentials, encrypt_database, sign_in
from inl_desktop.store.migrate import open_database
from tests.conftest import Clock
from tests.gui.prompts import ScriptedPrompts
from tests.services.service_builders import heroin_and_tablets, scalar


def as_role(ctx: AppContext, role: Role) -> AppContext:
    return dataclasses.replace(ctx, user=f"{role.value}-user", role=role)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_only_an_admin_is_offered_restore_and_reference_list_changes(
    qtbot: QtBot, app: QApplication, ctx: AppContext, db_path: Path, role: Role
) -> None:
    back_up_now(db_path, ctx.now())
    user = as_role(ctx, role)
    backups = BackupsPage(user, db_path, prompts=ScriptedPrompts())
    lists = ReferenceListsPage(user, prompts=ScriptedPrompts())
    for page in (backups, lists):
        qtbot.addWidget(page)
        page.show()
    qtbot.waitUntil(lambda: backups.table.rowCount() == 1)
    backups.table.selectRow(0)
    lists.table.selectRow(0)

    admin = role is Role.ADMIN
    assert backups.restore_button.isEnabled() is admin
    assert backups.restore_file_button.isEnabled() is admin
    assert backups.back_up_button.isEnabled()
    assert lists.add_button.isEnabled() is admin
    assert lists.edit_button.isEnabled() is admin


def test_an_encrypted_backup_is_restored_only_with_the_password_of_its_day(
    qtbot: QtBot, app: QApplication, db_path: Path, clock: Clock
) -> None:
    amina = Credentials("Amina", "amina's passphrase")
    encrypt_database(db_path, amina, clock)
    sign_in(db_path, amina)
    ctx = AppContext(open_database(db_path, now=clock), user="Amina", now=clock)
    backup = back_up_now(db_path, ctx.now())
    save_seizure(ctx, heroin_and_tablets(place="Gwadar"))
    prompts = ScriptedPrompts(confirm=[True, True], password=["a wrong guess", amina.password])
    page = BackupsPage(ctx, db_path, prompts=prompts)
    qtbot.addWidget(page)
    try:
        refused = page.restore(backup)
        assert refused is None
        assert "do not open the backup" in prompts.texts("warn")[-1]
        assert scalar(ctx, "SELECT count(*) FROM seizure_events") == 1

        restored = page.restore(backup)

        assert restored is not None
        assert scalar(ctx, "SELECT count(*) FROM seizure_events") == 0
        assert [kind for kind in prompts.kinds() if kind == "password"] == ["password"] * 2
    finally:
        ctx.engine.dispose()
