"""The day's check and backup after the window shows: the clerk saves meanwhile, damage
found in the background is offered a restore, and quitting mid-backup leaves no file."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import inl_desktop.services.backups as backups_service
from inl_desktop.gui.main_window import MainWindow
from inl_desktop.services.backups import back_up_now
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import save_seizure
from inl_desktop.store.backups import list_backups, new_backup_path, rotate, write_snapshot
from inl_desktop.store.integrity import check_database
from inl_desktop.store.migrate import backups_dir
from tests.conftest import Clock
from tests.gui.test_startup import ScriptedQuestions
from tests.services.service_builders import heroin_and_tablets

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)


class HeldBackup:
    """The day's backup, held after its first step until ``release()`` is set, so that a
    test acts while the copy is under way (in small steps, so there are several)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.under_way = threading.Event()
        self.release: Callable[[], threading.Event] = threading.Event
        monkeypatch.setattr(backups_service, "make_snapshot_backup", self._make)

    def _make(
        self,
        db_path: Path,
        reason: str,
        now: datetime,
        progress: Callable[[int, int], None] | None = None,
    ) -> Path:
        release = self.release()

        def step(done: int, total: int) -> None:
            if not self.under_way.is_set():
                self.under_way.set()
                release.wait(timeout=60)
            if progress is not None:
                progress(done, total)

        target = write_snapshot(db_path, new_backup_path(db_path, reason, now), step, step_pages=4)
        rotate(db_path, now)
        return target


def uuids_in(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT uuid FROM seizure_events")}
    finally:
        connection.close()


def damage(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(b"\xa5" * 8192)


@pytest.fixture
def window(qtbot: QtBot, app: QApplication, ctx: AppContext, db_path: Path) -> MainWindow:
    """The main window on the PK-ISB database, shown; no backup made yet today."""
    shown = MainWindow(ctx, db_path)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_the_clerk_saves_while_the_backup_runs_and_it_holds_what_was_saved_before(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {save_seizure(ctx, heroin_and_tablets(place=f"Before {n}")).uuid for n in range(3)}
    held = HeldBackup(monkeypatch)
    saves_done = threading.Event()
    held.release = lambda: saves_done

    window.start_housekeeping()
    housekeeping = window.housekeeping
    assert housekeeping is not None
    qtbot.waitUntil(held.under_way.is_set)
    qtbot.waitUntil(lambda: housekeeping.progress.isVisible())
    assert housekeeping.label.text().startswith("Making today's backup")
    during = {save_seizure(ctx, heroin_and_tablets(place=f"During {n}")).uuid for n in range(3)}
    window.seizures.model.reload()
    assert window.seizures.model.rowCount() == 2 * len(before | during)
    with qtbot.waitSignal(housekeeping.finished, timeout=60_000) as finished:
        saves_done.set()

    backup = finished.args[0].backup
    assert backup is not None and backup.name.startswith("post-daily-")
    assert check_database(backup, thorough=True).sound
    assert uuids_in(backup) == before
    assert housekeeping.label.text() == "Today's backup is made"
    assert not housekeeping.progress.isVisible()


def test_damage_found_in_the_background_is_told_and_the_good_backup_restored(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, db_path: Path, clock: Clock
) -> None:
    good = back_up_now(db_path, clock())
    damage(db_path)
    questions = ScriptedQuestions(restore=True)
    window.questions = questions

    window.start_housekeeping()
    assert window.housekeeping is not None
    with qtbot.waitSignal(window.housekeeping.finished, timeout=60_000):
        pass

    assert questions.asked[0].startswith("damaged: ") and good.name in questions.asked[0]
    assert list(db_path.parent.glob("post.damaged-*.sqlite"))
    assert "Restored the backup" in window.statusBar().currentMessage()
    assert window.isVisible() and ctx.post().code == "PK-ISB"
    assert check_database(db_path).sound


def test_declining_the_restore_after_damage_closes_the_window_and_keeps_the_file(
    qtbot: QtBot, window: MainWindow, db_path: Path, clock: Clock
) -> None:
    back_up_now(db_path, clock())
    damage(db_path)
    window.questions = ScriptedQuestions(restore=False)

    window.start_housekeeping()
    assert window.housekeeping is not None
    with qtbot.waitSignal(window.housekeeping.finished, timeout=60_000):
        pass

    assert not window.isVisible()
    assert not list(db_path.parent.glob("*.damaged-*"))


def test_quitting_mid_backup_abandons_it_and_leaves_no_file(
    qtbot: QtBot, window: MainWindow, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldBackup(monkeypatch)
    window.start_housekeeping()
    housekeeping = window.housekeeping
    assert housekeeping is not None
    held.release = lambda: housekeeping.stopping  # held until the window asks it to stop
    qtbot.waitUntil(held.under_way.is_set)

    window.close()

    assert not window.isVisible()
    assert list(backups_dir(db_path).iterdir()) == []
    assert list_backups(db_path) == []
