"""The main window: post in the title, record counts, and its remembered geometry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from inl_desktop.gui.main_window import OVERVIEW_AREA, MainWindow
from inl_desktop.services.context import AppContext
from inl_desktop.services.demo import generate_demo

DEMO_ITEMS = 200

# The offscreen platform used for tests cannot resize native windows to their size
# hints and says so once per shown window; it is noise, not a fault of the app.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)
DEMO_SESSIONS = 3


def live_counts(ctx: AppContext) -> dict[str, int]:
    """Counts straight from the tables (demo records are never deleted)."""
    tables = {
        "seizure_events": "seizure_events",
        "seizure_items": "seizure_items",
        "trainings": "training_sessions",
        "persons": "persons",
    }
    with ctx.engine.connect() as connection:
        return {
            key: int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() or 0)
            for key, table in tables.items()
        }


def label_named(widget: QWidget, accessible_name: str) -> QLabel:
    """The one label a screen reader announces under ``accessible_name``."""
    found = [
        label for label in widget.findChildren(QLabel) if label.accessibleName() == accessible_name
    ]
    assert len(found) == 1, f"{len(found)} labels named {accessible_name!r}"
    return found[0]


@pytest.fixture
def demo_ctx(ctx: AppContext) -> AppContext:
    """The PK-ISB database with demonstration seizures and trainings."""
    generate_demo(ctx, seizure_items=DEMO_ITEMS, trainings=DEMO_SESSIONS)
    return ctx


@pytest.fixture
def window(
    qtbot: QtBot, app: QApplication, demo_ctx: AppContext, db_path: Path
) -> Iterator[MainWindow]:
    """The main window on the demo database, shown."""
    shown = MainWindow(demo_ctx, db_path)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown


def test_title_names_the_post(window: MainWindow, demo_ctx: AppContext) -> None:
    post = demo_ctx.post()

    assert post.code in window.windowTitle()
    assert post.name in window.windowTitle()


def test_overview_shows_the_post_and_the_database(
    window: MainWindow, demo_ctx: AppContext, db_path: Path
) -> None:
    window.show_area(OVERVIEW_AREA)
    heading = label_named(window, "Post").text()

    assert demo_ctx.post().code in heading
    assert "Pakistan" in heading
    assert str(db_path) in label_named(window, "Database").text()


def test_overview_shows_the_drug_items_seized(window: MainWindow) -> None:
    window.show_area(OVERVIEW_AREA)

    assert label_named(window, "Drug items seized").text() == str(DEMO_ITEMS)


def test_overview_shows_every_count_of_the_database(
    window: MainWindow, demo_ctx: AppContext
) -> None:
    counts = live_counts(demo_ctx)
    window.show_area(OVERVIEW_AREA)

    assert label_named(window, "Seizure events").text() == f"{counts['seizure_events']:,}"
    assert label_named(window, "Training sessions").text() == f"{counts['trainings']:,}"
    assert label_named(window, "Persons").text() == f"{counts['persons']:,}"


def test_status_bar_mentions_the_record_counts(window: MainWindow, demo_ctx: AppContext) -> None:
    counts = live_counts(demo_ctx)
    text = label_named(window, "Record counts").text()

    assert f"{DEMO_ITEMS:,} drug items" in text
    assert f"{counts['seizure_events']:,} seizures" in text
    assert f"{DEMO_SESSIONS:,} trainings" in text
    assert f"{counts['persons']:,} persons" in text


def test_refresh_shows_records_added_since_the_window_opened(
    window: MainWindow, demo_ctx: AppContext
) -> None:
    window.show_area(OVERVIEW_AREA)
    generate_demo(demo_ctx, seizure_items=DEMO_ITEMS, trainings=DEMO_SESSIONS, seed=2)

    window.refresh()

    assert label_named(window, "Drug items seized").text() == f"{2 * DEMO_ITEMS:,}"
    status = label_named(window, "Record counts").text()
    assert f"{2 * DEMO_ITEMS:,} drug items" in status
    assert f"{2 * DEMO_SESSIONS:,} trainings" in status


def test_closing_saves_the_geometry(window: MainWindow) -> None:
    assert QSettings().value("main_window/geometry") is None

    window.close()

    assert QSettings().value("main_window/geometry") is not None


def test_next_window_opens_with_the_height_the_last_one_closed_with(
    qtbot: QtBot, window: MainWindow, demo_ctx: AppContext, db_path: Path
) -> None:
    """Height only: the offscreen screen is narrower than the window's minimum width,
    so a restored width is clamped to the screen."""
    height = window.minimumSizeHint().height() + 157
    assert height != window.height()
    window.resize(window.width(), height)
    qtbot.waitUntil(lambda: window.height() == height)
    window.close()

    reopened = MainWindow(demo_ctx, db_path)
    qtbot.addWidget(reopened)

    assert reopened.height() == height


def test_quit_in_the_file_menu_closes_the_window(window: MainWindow) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    quit_action = next(a for a in file_menu.actions() if a.text().replace("&", "") == "Quit")

    quit_action.trigger()

    assert not window.isVisible()
