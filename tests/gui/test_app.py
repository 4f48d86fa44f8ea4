"""Starting the GUI: the application's names, a refused database, a cancelled first start.

``run_gui`` normally blocks in the event loop; these tests only take the paths that
return before it (a refused database, a cancelled set-up dialog).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from inl_desktop.gui import app as gui_app
from inl_desktop.gui.common.post_setup import PostSetupDialog
from inl_desktop.gui.safety.sign_in import FirstAdminDialog
from inl_desktop.store.migrate import backup_database
from tests.conftest import Clock

EXIT_USAGE = 2

# The offscreen platform used for tests cannot resize native windows to their size
# hints and says so once per shown window; it is noise, not a fault of the app.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)


class RecordedMessageBoxes:
    """Stands in for QMessageBox: records critical messages instead of blocking on them."""

    shown: list[tuple[str, str]]

    def __init__(self) -> None:
        self.shown = []

    def critical(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append((title, text))


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> RecordedMessageBoxes:
    recorded = RecordedMessageBoxes()
    monkeypatch.setattr(gui_app, "QMessageBox", recorded)
    return recorded


def test_make_application_names_the_app_for_its_settings(app: QApplication) -> None:
    assert app.organizationName() == "INL"
    assert app.applicationName() == "INL Desktop"
    assert app.applicationVersion()


def test_a_folder_as_database_is_refused_with_a_message(
    app: QApplication,
    message_boxes: RecordedMessageBoxes,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()

    code = gui_app.run_gui(str(folder))

    assert code == EXIT_USAGE
    assert len(message_boxes.shown) == 1
    _, text = message_boxes.shown[0]
    assert str(folder) in text
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_a_database_of_a_newer_version_is_refused_and_left_alone(
    app: QApplication,
    message_boxes: RecordedMessageBoxes,
    tmp_path: Path,
    template_db: Path,
) -> None:
    path = backup_database(template_db, tmp_path / "newer.sqlite")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    before = path.read_bytes()

    code = gui_app.run_gui(str(path))

    assert code == EXIT_USAGE
    assert len(message_boxes.shown) == 1
    assert "newer version" in message_boxes.shown[0][1]
    assert path.read_bytes() == before


def visible_post_setup_dialog() -> PostSetupDialog | None:
    shown = [
        widget
        for widget in QApplication.topLevelWidgets()
        if isinstance(widget, PostSetupDialog) and widget.isVisible()
    ]
    return shown[0] if len(shown) == 1 else None


def test_escape_in_the_first_start_dialog_exits_without_setting_a_post(
    qtbot: QtBot, app: QApplication, tmp_path: Path
) -> None:
    path = tmp_path / "first-start.sqlite"
    found: list[PostSetupDialog] = []
    declined: list[FirstAdminDialog] = []

    def press_escape_in_the_dialog(attempts_left: int = 50) -> None:
        # A new database first offers its first admin ("Not now": it stays plain).
        admin = [w for w in QApplication.topLevelWidgets() if isinstance(w, FirstAdminDialog)]
        if not declined and admin and admin[0].isVisible():
            declined.append(admin[0])
            qtbot.keyClick(admin[0], Qt.Key.Key_Escape)
            QTimer.singleShot(20, lambda: press_escape_in_the_dialog(attempts_left - 1))
            return
        dialog = visible_post_setup_dialog()
        if dialog is not None:
            found.append(dialog)
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        elif attempts_left:
            QTimer.singleShot(20, lambda: press_escape_in_the_dialog(attempts_left - 1))
        else:
            QApplication.exit(1)  # leaves the dialog's event loop: fail, don't hang

    QTimer.singleShot(0, press_escape_in_the_dialog)

    code = gui_app.run_gui(str(path))

    assert declined, "run_gui did not offer the first admin"
    assert found, "run_gui did not show the post set-up dialog"
    assert code == 0
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT count(*) FROM post_identity").fetchone() == (0,)
    finally:
        connection.close()


def test_user_and_password_given_sign_in_without_the_dialog(
    qtbot: QtBot,
    app: QApplication,
    db_path: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from inl_desktop.gui.safety.sign_in import SignInDialog
    from inl_desktop.services.users import Credentials, encrypt_database

    amina = Credentials("Amina", "amina's passphrase")
    encrypt_database(db_path, amina, clock)
    monkeypatch.setenv(gui_app.FIRST_PAINT_ENV_VAR, "quit")
    asked: list[QWidget] = []

    finished: list[bool] = []

    def no_sign_in_dialog(attempts_left: int = 250) -> None:
        if finished:
            return  # the window came and went: stop looking (a later test has its own)
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, SignInDialog)]
        if any(w.isVisible() for w in shown):
            asked.extend(shown)
            for widget in shown:
                widget.reject()  # the dialog would wait for a person: fail, don't hang
        elif attempts_left:
            QTimer.singleShot(20, lambda: no_sign_in_dialog(attempts_left - 1))

    QTimer.singleShot(0, no_sign_in_dialog)

    code = gui_app.run_gui(str(db_path), amina)
    finished.append(True)

    assert (code, asked) == (0, [])
    assert "first painted" in capsys.readouterr().out
