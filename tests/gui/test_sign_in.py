"""Signing in at start-up, protecting a plain database, the recovery key and a new
password, as the user meets them: real dialogs, typed into and clicked.

The dialogs of start-up are modal (opening waits for the answer), so a test hands its
steps to ``Driver``, which acts in whichever of them is on screen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from inl_desktop.gui.app import build_window
from inl_desktop.gui.safety import passwords
from inl_desktop.gui.safety.session import Session
from inl_desktop.gui.safety.sign_in import (
    ChangePasswordDialog,
    FirstAdminDialog,
    RecoveryKeyDialog,
    SignInDialog,
)
from inl_desktop.gui.startup import PROGRAM, StartupQuestions
from inl_desktop.services.context import AppContext
from inl_desktop.services.opening import OpenedDatabase, Purpose, open_database_for
from inl_desktop.services.users import (
    Credentials,
    WrongPassword,
    is_encrypted,
    sign_in,
    signed_in_role,
)
from inl_desktop.store.migrate import open_database
from tests.conftest import Clock
from tests.gui.conftest import AMINA

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)

# Enough polls (10 ms apart) for any step; a test that runs out fails instead of hanging.
POLLS = 1000


@pytest.fixture
def fast_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Countdowns count 10 ms seconds."""
    monkeypatch.setattr(passwords, "SECOND_MS", 10)


Step = Callable[[QDialog], bool]


class Driver:
    """Acts in the modal dialogs of start-up: each step is given the dialog of its kind
    on screen, and is done when it returns True. Records what the steps saw."""

    def __init__(self, *steps: tuple[type[QDialog], Step]) -> None:
        self.steps = deque(steps)
        self.seen: list[str] = []
        self.polls = 0
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        self.polls += 1
        kind, step = self.steps[0]
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if shown and step(shown[0]):
            self.steps.popleft()
        if self.steps and self.polls < POLLS:
            QTimer.singleShot(10, self._poll)
        elif self.steps:
            for dialog in QApplication.topLevelWidgets():
                if isinstance(dialog, QDialog) and dialog.isVisible():
                    dialog.done(QDialog.DialogCode.Rejected)

    def done(self) -> bool:
        """True when every step was done."""
        return not self.steps


def type_password(password: str) -> Step:
    """Type ``password`` into the sign-in dialog and press Sign in, once it may be."""

    def step(dialog: QDialog) -> bool:
        assert isinstance(dialog, SignInDialog)
        if not dialog.sign_in_button.isEnabled():
            return False
        dialog.password_edit.setText(password)
        dialog.sign_in_button.click()
        return True

    return step


@pytest.fixture
def opened_databases() -> Iterator[list[OpenedDatabase]]:
    """Databases a test opened, closed after it."""
    opened: list[OpenedDatabase] = []
    yield opened
    for database in opened:
        database.close()


def open_in_window(path: Path, clock: Clock, opened: list[OpenedDatabase]) -> OpenedDatabase | None:
    database = open_database_for(path, Purpose(PROGRAM, safe_path=path), StartupQuestions(), clock)
    if database is not None:
        opened.append(database)
    return database


def test_a_wrong_password_is_said_and_holds_sign_in_back_then_the_right_one_opens_the_window(
    qtbot: QtBot,
    app: QApplication,
    encrypted_db: Path,
    clock: Clock,
    fast_seconds: None,
    opened_databases: list[OpenedDatabase],
) -> None:
    driver = Driver((SignInDialog, type_password("wrong horse")))

    def note_the_second_showing(dialog: QDialog) -> bool:
        assert isinstance(dialog, SignInDialog)
        driver.seen.append(dialog.message_label.text())
        driver.seen.append(f"button enabled: {dialog.sign_in_button.isEnabled()}")
        return True

    driver.steps.extend(
        [(SignInDialog, note_the_second_showing), (SignInDialog, type_password(AMINA.password))]
    )

    database = open_in_window(encrypted_db, clock, opened_databases)

    assert driver.done() and database is not None
    assert driver.seen == [
        "Wrong password for Amina (1 wrong password). Try again in 1 second.",
        "button enabled: False",
    ]
    window = build_window(database)
    qtbot.addWidget(window)
    window.show()
    session = window.findChild(Session)
    assert session is not None and session.user_label.isVisible()
    assert session.user_label.text() == "Signed in as Amina (admin)"


def test_quitting_at_sign_in_opens_nothing(
    app: QApplication, encrypted_db: Path, clock: Clock, opened_databases: list[OpenedDatabase]
) -> None:
    def quit_(dialog: QDialog) -> bool:
        dialog.reject()
        return True

    driver = Driver((SignInDialog, quit_))

    assert open_in_window(encrypted_db, clock, opened_databases) is None
    assert driver.done()


def test_the_wait_after_wrong_passwords_doubles_up_to_half_a_minute(
    qtbot: QtBot, app: QApplication, encrypted_db: Path, fast_seconds: None
) -> None:
    dialog = SignInDialog(encrypted_db, ["amina"])
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.prepare(3)
    assert not dialog.sign_in_button.isEnabled()
    assert "(3 wrong passwords). Try again in 4 seconds." in dialog.message_label.text()
    qtbot.waitUntil(dialog.sign_in_button.isEnabled)
    assert dialog.message_label.text().endswith("Try again.")

    dialog.prepare(9)
    assert "Try again in 30 seconds." in dialog.message_label.text()


def test_enter_does_not_sign_in_while_the_button_waits(
    qtbot: QtBot, app: QApplication, encrypted_db: Path
) -> None:
    dialog = SignInDialog(encrypted_db, ["amina"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.prepare(5)
    dialog.password_edit.setText(AMINA.password)

    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted


def test_a_capital_typed_without_shift_warns_of_caps_lock(
    qtbot: QtBot, app: QApplication, encrypted_db: Path
) -> None:
    dialog = SignInDialog(encrypted_db, ["amina"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.caps_warning.isVisible()

    qtbot.keyClicks(dialog.password_edit, "CORRECT")
    assert dialog.caps_warning.isVisible()
    assert "Caps Lock" in dialog.caps_warning.text()

    qtbot.keyClicks(dialog.password_edit, "h")
    assert not dialog.caps_warning.isVisible()

    qtbot.keyClick(dialog.password_edit, "H", Qt.KeyboardModifier.ShiftModifier)
    assert not dialog.caps_warning.isVisible()


@pytest.mark.parametrize(
    ("name", "password", "repeat", "problem"),
    [
        ("Amina", "short", "short", "Password: use at least 8 characters."),
        ("Amina", "correct horse", "correct hose", "Repeat password: it differs"),
        ("  ", "correct horse", "correct horse", "Admin name: type the name"),
    ],
)
def test_the_first_admin_is_refused_a_short_or_mistyped_password_or_no_name(
    qtbot: QtBot,
    app: QApplication,
    db_path: Path,
    name: str,
    password: str,
    repeat: str,
    problem: str,
) -> None:
    dialog = FirstAdminDialog(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText(name)
    dialog.passwords.password_edit.setText(password)
    dialog.passwords.repeat_edit.setText(repeat)

    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert dialog.problem_label.isVisible()
    assert dialog.problem_label.text().startswith(problem)


def test_a_plain_database_is_encrypted_with_its_first_admin_and_the_key_must_be_kept(
    qtbot: QtBot,
    app: QApplication,
    db_path: Path,
    clock: Clock,
    opened_databases: list[OpenedDatabase],
) -> None:
    def fill_in(dialog: QDialog) -> bool:
        assert isinstance(dialog, FirstAdminDialog)
        dialog.name_edit.setText("Bilal")
        dialog.passwords.password_edit.setText("staple battery")
        dialog.passwords.repeat_edit.setText("staple battery")
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
        return True

    def try_to_leave_then_tick(dialog: QDialog) -> bool:
        assert isinstance(dialog, RecoveryKeyDialog)
        driver.seen.append(f"close enabled: {dialog.close_button.isEnabled()}")
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        dialog.close()
        driver.seen.append(f"still shown: {dialog.isVisible()}")
        driver.seen.append(dialog.key_edit.text())
        dialog.kept_check.click()
        dialog.close_button.click()
        return True

    driver = Driver((FirstAdminDialog, fill_in), (RecoveryKeyDialog, try_to_leave_then_tick))

    database = open_in_window(db_path, clock, opened_databases)

    assert driver.done() and database is not None
    assert driver.seen[:2] == ["close enabled: False", "still shown: True"]
    recovery_key = driver.seen[2]
    assert len(recovery_key) == 39 and recovery_key.count("-") == 7
    assert is_encrypted(db_path)
    assert database.ctx.user == "Bilal"
    assert any("encrypted" in notice for notice in database.notices)


def test_not_now_leaves_a_plain_database_as_it_was(
    app: QApplication, db_path: Path, clock: Clock, opened_databases: list[OpenedDatabase]
) -> None:
    def not_now(dialog: QDialog) -> bool:
        dialog.reject()
        return True

    driver = Driver((FirstAdminDialog, not_now))

    database = open_in_window(db_path, clock, opened_databases)

    assert driver.done() and database is not None
    assert database.signed_in is None and not is_encrypted(db_path)


def test_the_recovery_key_can_be_copied_and_saved_as_text(
    qtbot: QtBot, app: QApplication, db_path: Path, tmp_path: Path
) -> None:
    from tests.gui.prompts import ScriptedPrompts

    sheet = tmp_path / "key.txt"
    prompts = ScriptedPrompts(save_file=[sheet])
    dialog = RecoveryKeyDialog(db_path, "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789", None, prompts)
    qtbot.addWidget(dialog)
    dialog.show()

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert QGuiApplication.clipboard().text() == dialog.recovery_key
    assert dialog.recovery_key in sheet.read_text(encoding="utf-8")
    assert str(db_path) in sheet.read_text(encoding="utf-8")
    assert prompts.kinds() == ["save_file", "inform"]


@pytest.fixture
def amina_ctx(encrypted_db: Path, clock: Clock) -> Iterator[AppContext]:
    """Amina signed in to the encrypted database."""
    sign_in(encrypted_db, AMINA)
    engine = open_database(encrypted_db, now=clock)
    name, role = signed_in_role(engine, AMINA.name)
    yield AppContext(engine, user=name, now=clock, role=role)
    engine.dispose()


def test_changing_ones_password_needs_the_current_one(
    qtbot: QtBot, app: QApplication, amina_ctx: AppContext, encrypted_db: Path
) -> None:
    dialog = ChangePasswordDialog(amina_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.current_edit.setText("wrong horse")
    dialog.passwords.password_edit.setText("battery staple")
    dialog.passwords.repeat_edit.setText("battery staple")

    qtbot.keyClick(dialog.current_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.problem_label.text() == "Current password: that is not your password."

    dialog.current_edit.setText(AMINA.password)
    qtbot.keyClick(dialog.current_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()

    sign_in(encrypted_db, Credentials("Amina", "battery staple"))
    with pytest.raises(WrongPassword):
        sign_in(encrypted_db, AMINA)
