"""The Backups page: backups listed with their counts; Back up now; Restore; a full disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inl_desktop.gui.main_window import MainWindow
from inl_desktop.gui.safety.backups_page import BackupsPage
from inl_desktop.services.backups import back_up_now
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import save_seizure
from inl_desktop.store.backups import list_backups
from tests.gui.prompts import ScriptedPrompts
from tests.services.service_builders import heroin_and_tablets, scalar

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def window(
    qtbot: QtBot, app: QApplication, ctx: AppContext, db_path: Path, prompts: ScriptedPrompts
) -> Iterator[MainWindow]:
    shown = MainWindow(ctx, db_path, prompts=prompts)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.backups.wait()


def open_backups(window: MainWindow) -> BackupsPage:
    window.show_area(window.pages.indexOf(window.backups))
    return window.backups


def cell(page: BackupsPage, row: int, title: str) -> str:
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    item = page.table.item(row, headers.index(title))
    return item.text() if item else ""


def test_back_up_now_lists_the_new_backup_with_its_counts(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    save_seizure(ctx, heroin_and_tablets())
    page = open_backups(window)
    qtbot.waitUntil(lambda: "No backups yet" in page.status_label.text())

    page.back_up_button.click()

    qtbot.waitUntil(lambda: page.table.rowCount() == 1 and cell(page, 0, "Seizures") == "1")
    assert cell(page, 0, "Why") == "manual"
    assert cell(page, 0, "Drug items") == "2"
    assert page.status_label.text().startswith("Backed up to post-manual-")


def test_restore_selected_brings_the_backup_back_and_the_window_shows_it(
    qtbot: QtBot,
    window: MainWindow,
    ctx: AppContext,
    db_path: Path,
    prompts: ScriptedPrompts,
) -> None:
    back_up_now(db_path, ctx.now())
    save_seizure(ctx, heroin_and_tablets())
    window.refresh()
    assert window.counts_label.text().startswith("2 drug items in 1 seizures")
    page = open_backups(window)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    prompts.queue("confirm", True)

    page.table.selectRow(0)
    with qtbot.waitSignal(page.database_restored):
        page.restore_button.click()

    [(kind, title, question)] = prompts.asked
    assert (kind, title) == ("confirm", "Restore a backup")
    assert question.startswith("Replace the database with post-manual-")
    assert scalar(ctx, "SELECT count(*) FROM seizure_events") == 0
    assert window.counts_label.text().startswith("0 drug items in 0 seizures")
    reasons = [backup.reason for backup in list_backups(db_path)]
    assert reasons == ["before-restore", "manual"]
    qtbot.waitUntil(lambda: page.table.rowCount() == 2)


def test_a_backup_on_a_full_disk_says_so_and_keeps_the_list(
    qtbot: QtBot,
    app: QApplication,
    ctx: AppContext,
    db_path: Path,
    prompts: ScriptedPrompts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno
    import os

    def no_space(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    page = BackupsPage(ctx, db_path, prompts=prompts)
    qtbot.addWidget(page)
    page.show()
    monkeypatch.setattr(os, "fsync", no_space)

    page.back_up_button.click()

    qtbot.waitUntil(lambda: bool(prompts.asked))
    [(kind, title, warning)] = prompts.asked
    assert (kind, title) == ("warn", "Backups")
    assert "the disk is full" in warning
    assert "the disk is full" in page.status_label.text()
    assert page.back_up_button.isEnabled()
    page.wait()
