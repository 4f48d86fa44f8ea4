"""Opening a database: one writer (else read-only), a file cut short restored from a
backup, a risky folder left for the safe one, and a command's narrower opening.

The window's own answers (message boxes) are in tests/gui/test_startup.py; the slower
checks and the day's backup run after the window is shown (test_housekeeping).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from inl_desktop.domain.errors import UserError
from inl_desktop.services.backups import back_up_now
from inl_desktop.services.opening import (
    DatabaseInUse,
    OpenedDatabase,
    Purpose,
    open_database_for,
    writer_lock,
)
from inl_desktop.store.backups import list_backups
from inl_desktop.store.location import move_database
from inl_desktop.store.lock import WriterLock, this_process
from inl_desktop.store.migrate import backup_database
from tests.conftest import Clock
from tests.scripted_opening import ScriptedAnswers

WINDOW = "INL Desktop"


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
    answers = ScriptedAnswers()

    database = open_database_for(db_path, Purpose(WINDOW, safe_path=db_path), answers, clock)

    assert database is not None
    opened.append(database)
    # A database without users is offered its first admin (declined here: it stays plain).
    assert answers.asked == ["first admin"]
    assert list_backups(db_path) == []  # made in the background once the window shows
    assert database.lock is not None and database.lock.held


def test_a_second_instance_is_told_who_has_it_and_can_open_it_read_only(
    db_path: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    with WriterLock(db_path, this_process(WINDOW, "clerk")):
        answers = ScriptedAnswers(read_only=True)
        database = open_database_for(db_path, Purpose(WINDOW), answers, clock)
        assert database is not None
        opened.append(database)

        assert len(answers.asked) == 1 and "by clerk" in answers.asked[0]
        assert database.read_only and database.lock is None
        assert database.ctx.post().code == "PK-ISB"
        refused = ScriptedAnswers(read_only=False)
        assert open_database_for(db_path, Purpose(WINDOW), refused, clock) is None


def test_a_damaged_database_is_set_aside_and_the_latest_good_backup_restored(
    db_path: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    good = back_up_now(db_path, clock())
    damage(db_path)
    damaged_bytes = db_path.read_bytes()
    answers = ScriptedAnswers(restore=True)

    database = open_database_for(db_path, Purpose(WINDOW, safe_path=db_path), answers, clock)

    assert database is not None
    opened.append(database)
    assert answers.asked[0].startswith("damaged: ") and good.name in answers.asked[0]
    (aside,) = db_path.parent.glob("post.damaged-*.sqlite")
    assert aside.read_bytes() == damaged_bytes
    assert database.ctx.post().code == "PK-ISB"
    assert any("damaged file is kept" in notice for notice in database.notices)


def test_stopping_at_the_damage_question_leaves_the_file_untouched_and_unlocked(
    db_path: Path, clock: Clock
) -> None:
    back_up_now(db_path, clock())
    damage(db_path)
    before = db_path.read_bytes()

    assert (
        open_database_for(db_path, Purpose(WINDOW), ScriptedAnswers(restore=False), clock) is None
    )

    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.damaged-*"))
    with WriterLock(db_path, this_process(WINDOW, "next")) as lock:
        assert lock.held


def test_a_damaged_database_without_a_good_backup_is_left_as_it_is(
    db_path: Path, clock: Clock
) -> None:
    damage(db_path)
    answers = ScriptedAnswers()

    assert open_database_for(db_path, Purpose(WINDOW), answers, clock) is None

    assert answers.asked[0].startswith("no backup: ")
    assert db_path.exists() and not list(db_path.parent.glob("*.damaged-*"))


def test_a_database_in_a_cloud_folder_is_moved_to_the_safe_folder_and_found_there_next_time(
    tmp_path: Path, template_db: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    synced = backup_database(template_db, tmp_path / "OneDrive - State" / "post.sqlite")
    safe = tmp_path / "safe" / "inl-desktop.sqlite"
    answers = ScriptedAnswers(move=True)

    database = open_database_for(synced, Purpose(WINDOW, safe_path=safe), answers, clock)

    assert database is not None
    opened.append(database)
    assert "OneDrive" in answers.asked[0]
    assert database.path == safe and database.ctx.post().code == "PK-ISB"
    assert database.lock is not None and database.lock.db_path == safe
    database.close()
    opened.clear()
    again = ScriptedAnswers()
    reopened = open_database_for(synced, Purpose(WINDOW, safe_path=safe), again, clock)
    assert reopened is not None
    opened.append(reopened)
    assert reopened.path == safe and again.asked[0].startswith("The database was moved")


def test_keeping_a_database_in_a_cloud_folder_opens_it_where_it_is(
    tmp_path: Path, template_db: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    synced = backup_database(template_db, tmp_path / "OneDrive - State" / "post.sqlite")
    safe = tmp_path / "safe" / "inl-desktop.sqlite"

    database = open_database_for(
        synced, Purpose(WINDOW, safe_path=safe), ScriptedAnswers(move=False), clock
    )

    assert database is not None
    opened.append(database)
    assert database.path == synced and not safe.exists()


def test_a_command_works_on_the_file_it_names_and_asks_nothing(
    tmp_path: Path, template_db: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    synced = backup_database(template_db, tmp_path / "OneDrive - State" / "post.sqlite")
    answers = ScriptedAnswers()
    command = Purpose("inl-desktop demo", safeguards=False, safe_path=tmp_path / "safe.sqlite")

    database = open_database_for(synced, command, answers, clock)

    assert database is not None
    opened.append(database)
    assert answers.asked == [] and database.path == synced
    assert database.lock is not None and database.lock.owner.program == "inl-desktop demo"


def test_a_command_that_only_reads_leaves_the_writer_lock_to_the_writer(
    db_path: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    with WriterLock(db_path, this_process(WINDOW, "clerk")):
        answers = ScriptedAnswers()
        reading = Purpose("inl-desktop report", write=False, safeguards=False, create=False)
        database = open_database_for(db_path, reading, answers, clock)

        assert database is not None
        opened.append(database)
        assert answers.asked == [] and database.lock is None
        assert database.ctx.post().code == "PK-ISB"


def test_a_command_does_not_follow_a_moved_database(
    tmp_path: Path, db_path: Path, clock: Clock
) -> None:
    move_database(db_path, tmp_path / "elsewhere" / "post.sqlite", clock())
    reading = Purpose("inl-desktop report", write=False, safeguards=False, create=False)

    with pytest.raises(UserError, match="does not exist"):
        open_database_for(db_path, reading, ScriptedAnswers(), clock)


def test_the_writer_lock_alone_is_refused_while_another_process_writes(
    db_path: Path, clock: Clock
) -> None:
    with (
        WriterLock(db_path, this_process(WINDOW, "clerk")),
        pytest.raises(DatabaseInUse, match="by clerk"),
        writer_lock(db_path, "restore"),
    ):
        pass
    with writer_lock(db_path, "inl-desktop restore", clock) as lock:
        assert lock.held
    assert not lock.held
