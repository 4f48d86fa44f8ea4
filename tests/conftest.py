"""Shared fixtures: a fresh post database per test, a fixed clock, offscreen Qt."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Before anything imports Qt or platformdirs: no screen, and nothing written to
# the real user's settings or data folders.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_SANDBOX = Path(tempfile.mkdtemp(prefix="inl-desktop-tests-"))
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")
os.environ.pop("INL_DESKTOP_DB", None)
# Users' passwords are wrapped with Argon2id at its cheapest: the tests sign in often.
os.environ["INL_DESKTOP_KDF_SECONDS"] = "0"

import pytest  # noqa: E402

from inl_desktop.services.context import AppContext  # noqa: E402
from inl_desktop.services.setup import set_up_post  # noqa: E402
from inl_desktop.store.migrate import backup_database, open_database  # noqa: E402

START = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)


class Clock:
    """A clock that moves only when told (one second per reading by default)."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=1)) -> None:
        self.current = start
        self.step = step

    def __call__(self) -> datetime:
        self.current += self.step
        return self.current


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with post PK-ISB and Pakistan's reference data, built once."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = open_database(path, now=Clock())
    set_up_post(AppContext(engine, user="setup", now=Clock()), "PK-ISB", "PK")
    engine.dispose()
    return path


@pytest.fixture
def clock() -> Clock:
    """The fixed clock the test's context uses."""
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path, template_db: Path) -> Path:
    """A fresh copy of the template database."""
    return backup_database(template_db, tmp_path / "post.sqlite")


@pytest.fixture
def ctx(db_path: Path, clock: Clock) -> Iterator[AppContext]:
    """An open post database (PK-ISB), user "clerk", on the fixed clock."""
    context = AppContext(open_database(db_path, now=clock), user="clerk", now=clock)
    yield context
    context.engine.dispose()


@pytest.fixture(autouse=True)
def gui_thread_collection(request: pytest.FixtureRequest) -> Iterator[None]:
    """In tests with a QApplication, cycles are collected in the GUI thread only, as
    in the running app (gui.collector): never by a worker thread that allocates.

    What earlier tests closed is deleted first, so that no window of theirs goes
    away (and hands the keyboard on) in the middle of this test.
    """
    if "qapp" not in request.fixturenames:
        yield
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    from inl_desktop.gui.common.collector import GuiThreadCollector

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    collector = GuiThreadCollector(request.getfixturevalue("qapp"))
    yield
    collector.stop()
    collector.deleteLater()
