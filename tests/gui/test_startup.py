"""Start-up: one writer (else read-only), a file cut short restored from a backup, a risky folder.

The slower checks and the day's backup run after the window is shown (test_housekeeping).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inl_desktop.gui.main_window import MainWindow
from inl_desktop.gui.startup import OpenedDatabase, StartupQuestions, open_for_gui
from inl_desktop.services.backups import back_up_now
from inl_desktop.store.backups import BackupFile, list_backups
from inl_desktop.store.integrity import Finding
from inl_desktop.store.lock import DatabaseInUse, WriterLock, this_process
from inl_desktop.store.migrate import backup_database
from tests.conftest import Clock

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)


class ScriptedQuestions(StartupQuestions):
    """Answers start-up's questions as the test says, and records them."""

    def __init__(self, *, read_only: bool = True, restore: bool = True, move: bool = True) -> None:
        super().__init__()
        self.answers = {"read_only": read_only, "restore": restore, "move": move}
        self.asked: list[str] = []

    def open_read_only(self, busy: DatabaseInUse) -> bool:
        self.asked.append(f"in use: {busy}")
        return self.answers["read_only"]

    def restore_damaged(self, path: Path, finding: Finding, backup: BackupFile) -> bool:
        self.asked.append(f"damaged: {finding.message}; backup {backup.path.name}")
        return self.answers["restore"]

    def no_good_backup(self, path: Path, finding: Finding) -> None:
        self.asked.append(f"no backup: {finding.message}")

    def move_to_safe_folder(self, path: Path, risk: str, safe: Path) -> bool:
        self.asked.append(f"risky: {risk}")
        return self.answers["move"]

    def tell(self, title: str, text: str) -> None:
        self.asked.append(f"{title}: {text}")


@pytest.fixture
def opened() -> Iterator[list[OpenedDatabase]]:
    """Databases the test opened; closed (and their locks released) at the end."""
    found: list[OpenedDatabase] = []
    yield found
    for database in found:
        database.close()


def damage(path: Path) -> None:
    """Cut the file short by half its pages, as a copy interrupted halfway leaves it."""
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 8192 * 4096)


def test_the_first_start_of_a_day_holds_the_writer_lock_and_leaves_the_backup_for_later(
    db_path: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    questions = ScriptedQuestions()

    database = open_for_gui(db_path, questions, clock, safe_path=db_path)

    assert database is not None
    opened.append(database)
    assert questions.asked == []
    assert list_backups(db_path) == []  # made in the background once the window shows
    assert database.lock is not None and database.lock.held


def test_a_second_instance_is_told_who_has_it_and_can_open_it_read_only(
    qtbot: QtBot, app: QApplication, db_path: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    holder = WriterLock(db_path, this_process("INL Desktop", "clerk"))
    holder.acquire()
    try:
        questions = ScriptedQuestions(read_only=True)
        database = open_for_gui(db_path, questions, clock, safe_path=db_path)
        assert database is not None
        opened.append(database)

        assert len(questions.asked) == 1 and "by clerk" in questions.asked[0]
        assert database.read_only and database.lock is None
        window = MainWindow(database.ctx, database.path, read_only=True)
        qtbot.addWidget(window)
        assert window.windowTitle().endswith("(read-only)")
        assert not window.backups.restore_file_button.isEnabled()
        assert open_for_gui(db_path, ScriptedQuestions(read_only=False), clock) is None
    finally:
        holder.release()


def test_a_damaged_database_is_set_aside_and_the_latest_good_backup_restored(
    db_path: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    good = back_up_now(db_path, clock())
    damage(db_path)
    damaged_bytes = db_path.read_bytes()
    questions = ScriptedQuestions(restore=True)

    database = open_for_gui(db_path, questions, clock, safe_path=db_path)

    assert database is not None
    opened.append(database)
    assert questions.asked[0].startswith("damaged: ") and good.name in questions.asked[0]
    (aside,) = db_path.parent.glob("post.damaged-*.sqlite")
    assert aside.read_bytes() == damaged_bytes
    assert database.ctx.post().code == "PK-ISB"
    assert any("damaged file is kept" in notice for notice in database.notices)


def test_quitting_at_the_damage_question_leaves_the_file_untouched(
    db_path: Path, clock: Clock
) -> None:
    back_up_now(db_path, clock())
    damage(db_path)
    before = db_path.read_bytes()

    assert open_for_gui(db_path, ScriptedQuestions(restore=False), clock) is None

    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.damaged-*"))
    with WriterLock(db_path, this_process("INL Desktop", "next")) as lock:
        assert lock.held


def test_a_damaged_database_without_a_good_backup_is_left_as_it_is(
    db_path: Path, clock: Clock
) -> None:
    damage(db_path)
    questions = ScriptedQuestions()

    assert open_for_gui(db_path, questions, clock) is None

    assert questions.asked[0].startswith("no backup: ")
    assert db_path.exists() and not list(db_path.parent.glob("*.damaged-*"))


def test_a_database_in_a_cloud_folder_is_moved_to_the_safe_folder(
    tmp_path: Path, template_db: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    synced = backup_database(template_db, tmp_path / "OneDrive - State" / "post.sqlite")
    safe = tmp_path / "safe" / "inl-desktop.sqlite"
    questions = ScriptedQuestions(move=True)

    database = open_for_gui(synced, questions, clock, safe_path=safe)

    assert database is not None
    opened.append(database)
    assert "OneDrive" in questions.asked[0]
    assert database.path == safe and database.ctx.post().code == "PK-ISB"
    database.close()
    opened.clear()
    again = ScriptedQuestions()
    reopened = open_for_gui(synced, again, clock, safe_path=safe)
    assert reopened is not None
    opened.append(reopened)
    assert reopened.path == safe and again.asked[0].startswith("The database was moved")
