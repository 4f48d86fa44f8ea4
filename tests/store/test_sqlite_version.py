"""The WAL-reset bug: which SQLite libraries have it, and what the engine does about it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from inl_desktop.services.info import sqlite_facts
from inl_desktop.store.engine import has_wal_reset_bug, make_engine


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("3.40.1", True),
        ("3.44.5", True),
        ("3.44.6", False),
        ("3.45.0", True),
        ("3.50.6", True),
        ("3.50.7", False),
        ("3.51.2", True),
        ("3.51.3", False),
        ("3.52.0", False),
        ("3.6.23", False),
    ],
)
def test_the_affected_versions_are_known(version: str, affected: bool) -> None:
    assert has_wal_reset_bug(version) is affected
    assert sqlite_facts(version)["wal_reset_bug"] is affected


@pytest.mark.skipif(not has_wal_reset_bug(), reason="this SQLite library has the fix")
def test_on_an_affected_library_commits_take_turns(db_path: Path) -> None:
    engine = make_engine(db_path)
    try:
        first, second = engine.raw_connection(), engine.raw_connection()
        turn = type(first.driver_connection).turn  # type: ignore[attr-defined]
        assert isinstance(turn, type(threading.Lock()))
        assert type(second.driver_connection).turn is turn  # type: ignore[attr-defined]
        turn.acquire()
        committed = threading.Event()

        def commit() -> None:
            second.driver_connection.commit()  # type: ignore[union-attr]
            committed.set()

        worker = threading.Thread(target=commit)
        worker.start()
        assert not committed.wait(0.2)
        turn.release()
        worker.join()
        assert committed.is_set()
        first.close()
        second.close()
    finally:
        engine.dispose()
