"""The signed-in session in the window: locking (by hand and when idle) hides the work
and gives it back as it was, roles grey what they may not do, and the admin's Users
dialog adds a user who can then sign in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from inl_desktop.domain.roles import Role
from inl_desktop.gui.app import build_window
from inl_desktop.gui.main_window import MainWindow
from inl_desktop.gui.safety import passwords, session
from inl_desktop.gui.safety.session import Session, guard_window
from inl_desktop.gui.safety.sign_in import ChangePasswordDialog
from inl_desktop.gui.safety.users_dialog import AddUserDialog, UsersDialog
from inl_desktop.gui.startup import PROGRAM, StartupQuestions
from inl_desktop.services.context import AppContext
from inl_desktop.services.opening import OpenedDatabase, Purpose, open_database_for
from inl_desktop.services.users import (
    Credentials,
    WrongPassword,
    add_user,
    idle_lock_minutes,
    sign_in,
    signed_in_role,
)
from inl_desktop.store.migrate import open_database
from tests.conftest import Clock
from tests.gui.conftest import AMINA
from tests.gui.prompts import ScriptedPrompts

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)

VERA = Credentials("Vera", "viewer password")


class SignsInAs(StartupQuestions):
    """Start-up's questions, with the sign-in answered by ``credentials``."""

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self.credentials = credentials

    def sign_in(self, path: Path, names: list[str], failures: int) -> Credentials | None:
        assert failures == 0, "the scripted password was wrong"
        return self.credentials


@pytest.fixture
def fast_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Countdowns count 10 ms seconds, idle minutes last 100 ms."""
    monkeypatch.setattr(passwords, "SECOND_MS", 10)
    monkeypatch.setattr(session, "MINUTE_MS", 100)


class Opener:
    """Opens the encrypted database as a user, in a shown window (one at a time)."""

    def __init__(self, path: Path, clock: Clock, qtbot: QtBot) -> None:
        self.path, self.clock, self.qtbot = path, clock, qtbot
        self.database: OpenedDatabase | None = None
        self.prompts = ScriptedPrompts()
        # The window closes at the end of a test with its form as the test left it.
        self.prompts.always("unsaved", "discard")

    def window(self, credentials: Credentials) -> MainWindow:
        """The window of ``credentials``' user, as start-up shows it."""
        purpose = Purpose(PROGRAM, safe_path=self.path)
        self.database = open_database_for(self.path, purpose, SignsInAs(credentials), self.clock)
        assert self.database is not None
        window = build_window(self.database, self.prompts)
        self.qtbot.addWidget(window)
        window.show()
        self.qtbot.waitExposed(window)
        # Window shortcuts (Ctrl+L) answer only in the active window.
        window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        return window

    @property
    def ctx(self) -> AppContext:
        """The context of the window opened last."""
        assert self.database is not None
        return self.database.ctx

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


@pytest.fixture
def opener(encrypted_db: Path, clock: Clock, qtbot: QtBot, app: QApplication) -> Iterator[Opener]:
    """Opens the encrypted database as a user in a window; closes it after the test."""
    opening = Opener(encrypted_db, clock, qtbot)
    yield opening
    opening.close()


def file_menu_texts(window: MainWindow) -> list[str]:
    return [action.text() for action in window.file_menu.actions() if not action.isSeparator()]


def session_of(window: MainWindow) -> Session:
    found = window.findChild(Session)
    assert found is not None, "the window has no signed-in session"
    return found


def test_a_locked_window_hides_the_form_and_gives_it_back_as_it_was(
    qtbot: QtBot, opener: Opener, fast_clock: None
) -> None:
    window = opener.window(AMINA)
    window.new_action.trigger()
    form = window.seizures.form
    place = form.findChild(QLineEdit, "placeEdit")
    place.setFocus()
    qtbot.keyClicks(place, "Torkham border")
    lock = session_of(window).idle_lock

    qtbot.keyClick(place, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert lock.is_locked()
    assert not form.isVisible() and not place.isVisible()
    assert lock.screen.isVisible()
    assert "Signed in as Amina" in lock.screen.findChild(QLabel).text()
    assert not window.menuBar().isEnabled()
    # The window's shortcuts do nothing while it is locked.
    qtbot.keyClick(lock.screen.password_edit, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.navigation.currentRow() == 1

    qtbot.keyClicks(lock.screen.password_edit, "wrong horse")
    qtbot.keyClick(lock.screen.password_edit, Qt.Key.Key_Return)
    assert lock.is_locked()
    assert lock.screen.message_label.text().startswith("Wrong password. Try again in 1 second")
    assert not lock.screen.unlock_button.isEnabled()

    qtbot.waitUntil(lock.screen.unlock_button.isEnabled)
    qtbot.keyClicks(lock.screen.password_edit, AMINA.password)
    qtbot.keyClick(lock.screen.password_edit, Qt.Key.Key_Return)

    assert not lock.is_locked()
    assert form.isVisible() and place.text() == "Torkham border"
    assert QApplication.focusWidget() is place
    assert window.menuBar().isEnabled()


def test_a_dialog_open_when_the_window_locks_is_hidden_and_comes_back_as_it_was(
    qtbot: QtBot, opener: Opener
) -> None:
    window = opener.window(AMINA)
    next(a for a in window.file_menu.actions() if a.text() == "Change &password…").trigger()
    dialog = window.findChild(ChangePasswordDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.current_edit, "half typed")
    lock = session_of(window).idle_lock

    lock.lock()
    assert not dialog.isVisible()
    qtbot.keyClicks(lock.screen.password_edit, AMINA.password)
    qtbot.keyClick(lock.screen.password_edit, Qt.Key.Key_Return)

    assert dialog.isVisible() and dialog.current_edit.text() == "half typed"


def test_the_window_locks_itself_after_the_idle_minutes(
    qtbot: QtBot, opener: Opener, fast_clock: None
) -> None:
    window = opener.window(AMINA)
    lock = session_of(window).idle_lock
    assert not lock.is_locked()
    lock.set_minutes(1)

    with qtbot.waitSignal(lock.locked, timeout=5_000):
        pass

    assert lock.screen.isVisible() and not window.pages.isVisible()


def test_typing_puts_the_idle_lock_off(
    qtbot: QtBot, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "MINUTE_MS", 1_000)
    window = opener.window(AMINA)
    lock = session_of(window).idle_lock
    lock.set_minutes(1)
    qtbot.waitUntil(lambda: lock.timer.remainingTime() < 700)

    qtbot.keyClick(window.counts_label, Qt.Key.Key_Shift)

    assert lock.timer.remainingTime() > 900 and not lock.is_locked()


def test_no_idle_minutes_means_the_window_never_locks_itself(
    opener: Opener, fast_clock: None
) -> None:
    window = opener.window(AMINA)
    lock = session_of(window).idle_lock

    lock.set_minutes(0)

    assert not lock.timer.isActive()


def test_a_viewer_sees_import_and_new_greyed_and_no_users(
    opener: Opener, encrypted_db: Path, clock: Clock
) -> None:
    sign_in(encrypted_db, AMINA)
    engine = open_database(encrypted_db, now=clock)
    add_user(AppContext(engine, user="Amina", now=clock), VERA, Role.VIEWER)
    engine.dispose()

    window = opener.window(VERA)

    assert not window.import_action.isEnabled()
    assert not window.new_action.isEnabled()
    assert "&Lock" in file_menu_texts(window)
    assert "Change &password…" in file_menu_texts(window)
    assert "&Users…" not in file_menu_texts(window)
    assert session_of(window).user_label.text() == "Signed in as Vera (viewer)"


def test_a_plain_database_shows_nothing_new(
    qtbot: QtBot, app: QApplication, ctx: AppContext, db_path: Path
) -> None:
    window = MainWindow(ctx, db_path)
    qtbot.addWidget(window)

    assert guard_window(window, ctx, encrypted=False) is None

    assert file_menu_texts(window) == ["&New seizure", "&Import a spreadsheet…", "&Quit"]
    assert window.import_action.isEnabled()
    assert window.findChild(Session) is None


def test_the_users_dialog_adds_a_user_who_can_then_sign_in(
    qtbot: QtBot, opener: Opener, encrypted_db: Path
) -> None:
    window = opener.window(AMINA)
    users_action = next(a for a in window.file_menu.actions() if a.text() == "&Users…")
    users_action.trigger()
    dialog = window.findChild(UsersDialog)
    assert dialog is not None and dialog.names() == ["Amina"]

    dialog.add_button.click()
    adding = dialog.findChild(AddUserDialog)
    assert adding is not None and adding.isVisible()
    adding.name_edit.setText("Farid Khan")
    adding.choose_role(Role.REVIEWER)
    adding.passwords.password_edit.setText("farid's password")
    adding.passwords.repeat_edit.setText("farid's password")
    qtbot.keyClick(adding.name_edit, Qt.Key.Key_Return)

    assert not adding.isVisible()
    assert dialog.names() == ["Amina", "Farid Khan"]
    assert dialog.table.item(1, 1).text() == "reviewer"
    signed_in = sign_in(encrypted_db, Credentials("farid khan", "farid's password"))
    assert signed_in_role(opener.ctx.engine, signed_in.name) == ("Farid Khan", Role.REVIEWER)


def test_the_users_dialog_disables_a_user_and_sets_the_idle_minutes(
    qtbot: QtBot, opener: Opener, encrypted_db: Path
) -> None:
    window = opener.window(AMINA)
    add_user(opener.ctx, VERA, Role.VIEWER)
    opener.prompts.queue("confirm", True)
    next(a for a in window.file_menu.actions() if a.text() == "&Users…").trigger()
    dialog = window.findChild(UsersDialog)
    lock = session_of(window).idle_lock

    dialog.select("Vera")
    dialog.disable_button.click()

    assert opener.prompts.count("confirm") == 1
    assert dialog.table.item(1, 3).text() == "disabled"
    assert not dialog.disable_button.isEnabled()
    with pytest.raises(WrongPassword):
        sign_in(encrypted_db, VERA)

    dialog.idle_spin.setValue(5)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close).click()

    assert idle_lock_minutes(opener.ctx) == 5
    assert lock.minutes == 5 and lock.timer.interval() == 5 * session.MINUTE_MS


def test_the_lock_action_is_in_the_file_menu_with_ctrl_l(opener: Opener) -> None:
    window = opener.window(AMINA)
    lock_action = next(a for a in window.file_menu.actions() if a.text() == "&Lock")

    assert isinstance(lock_action, QAction)
    assert lock_action.shortcut().toString() == "Ctrl+L"
    lock_action.trigger()
    assert session_of(window).idle_lock.is_locked()


def test_a_read_only_window_leaves_users_and_passwords_to_the_writer(
    qtbot: QtBot, opener: Opener, encrypted_db: Path
) -> None:
    opener.window(AMINA)
    window = MainWindow(opener.ctx, encrypted_db, read_only=True, prompts=opener.prompts)
    qtbot.addWidget(window)

    signed_in = guard_window(window, opener.ctx, encrypted=True, read_only=True)

    assert signed_in is not None and signed_in.users_action is not None
    assert signed_in.lock_action.isEnabled()
    assert not signed_in.change_password_action.isEnabled()
    assert not signed_in.users_action.isEnabled()


def test_a_locked_window_does_not_close_until_it_is_unlocked(qtbot: QtBot, opener: Opener) -> None:
    window = opener.window(AMINA)
    window.new_action.trigger()
    place = window.seizures.form.findChild(QLineEdit, "placeEdit")
    qtbot.keyClicks(place, "Torkham border")
    lock = session_of(window).idle_lock
    lock.lock()

    assert not window.close()  # nothing asked, nothing saved or discarded

    assert window.isVisible() and lock.is_locked()
    assert lock.screen.message_label.text() == "Unlock first to close INL Desktop."
    assert "unsaved" not in opener.prompts.kinds()
    assert lock.unlock(AMINA.password)
    assert place.text() == "Torkham border"
    assert window.close()
    assert opener.prompts.kinds() == ["unsaved"]  # the usual question, once unlocked
