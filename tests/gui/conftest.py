"""GUI fixtures: the application's names for QSettings, and a database with no post yet."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from inl_desktop.gui.app import make_application
from inl_desktop.services.context import AppContext
from inl_desktop.services.users import Credentials, encrypt_database
from inl_desktop.store.migrate import open_database


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """pytest-qt's QApplication with INL Desktop's names, its settings emptied."""
    application = make_application()
    assert application is qapp
    settings = QSettings()
    # conftest points XDG_CONFIG_HOME at a sandbox; refuse to clear anything else.
    assert Path(settings.fileName()).is_relative_to(os.environ["XDG_CONFIG_HOME"])
    settings.clear()
    settings.sync()
    yield application
    QSettings().clear()


@pytest.fixture
def first_start_ctx(tmp_path: Path, clock: Callable[[], datetime]) -> Iterator[AppContext]:
    """A migrated database that has no post and no reference data yet."""
    engine = open_database(tmp_path / "first-start.sqlite", now=clock)
    yield AppContext(engine, user="clerk", now=clock)
    engine.dispose()


# The admin of the encrypted databases of the window's tests.
AMINA = Credentials("Amina", "correct horse")


@pytest.fixture
def encrypted_db(db_path: Path, clock: Callable[[], datetime]) -> Path:
    """The post database, encrypted with Amina as its admin."""
    encrypt_database(db_path, AMINA, clock)
    return db_path
