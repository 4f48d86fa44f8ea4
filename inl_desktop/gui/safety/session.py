"""The signed-in user's session in the window: the idle lock, the File menu's Lock,
Change password and Users, and actions greyed by role.

Locking shows a lock screen in place of the window's contents and builds nothing
anew: the pages and forms stay as they were, hidden, and come back as they were after
the password. Only an encrypted database (one with users) has any of this; on a plain
database the window is as it always was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.roles import Permission
from inl_desktop.gui.safety.passwords import (
    CapsLockWarning,
    Countdown,
    error_label,
    password_edit,
    retry_delay_seconds,
    show_problem,
)
from inl_desktop.services.context import AppContext
from inl_desktop.services.users import WrongPassword, idle_lock_minutes, unlock_again

if TYPE_CHECKING:
    from inl_desktop.gui.main_window import MainWindow

# One minute of the idle time, in milliseconds (tests shorten it).
MINUTE_MS = 60_000
# Marks the dialogs the lock hid, to show again after the password.
HIDDEN_BY_LOCK = "inl_hidden_by_lock"
# What counts as the user being at the computer.
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class LockScreen(QWidget):
    """What the locked window shows: who is signed in, and a password field."""

    def __init__(self, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Locked")
        heading = QLabel(f"<h2>INL Desktop is locked</h2><p>Signed in as {user}.</p>", self)
        heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.password_edit = password_edit(self, "Password")
        self.caps_warning = CapsLockWarning(self)
        self.caps_warning.watch(self.password_edit)
        self.message_label = error_label(self)
        self.unlock_button = QPushButton("&Unlock", self)
        self.unlock_button.setDefault(True)
        self.password_edit.returnPressed.connect(self.unlock_button.click)
        form = QFormLayout()
        form.addRow("&Password:", self.password_edit)
        column = QWidget(self)
        column.setMinimumWidth(360)
        column.setMaximumWidth(460)
        inner = QVBoxLayout(column)
        inner.addWidget(heading)
        inner.addLayout(form)
        inner.addWidget(self.caps_warning)
        inner.addWidget(self.message_label)
        inner.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(column, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class IdleLock(QObject):
    """Locks the window after the idle minutes the admin set (0: never), or when asked.

    The window's contents go into a stack with the lock screen; locking turns the
    stack to the lock screen, hides the window's dialogs that were opened with
    ``open()``, disables the menus and status bar and swallows the window's shortcuts.
    The right password turns it back.
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: MainWindow, ctx: AppContext) -> None:
        super().__init__(window)
        self._window = window
        self._ctx = ctx
        self._failures = 0
        self.screen = LockScreen(ctx.user)
        content = window.takeCentralWidget()
        assert content is not None  # the window is built with its contents
        self.stack = QStackedWidget(window)
        self.stack.addWidget(content)
        self.stack.addWidget(self.screen)
        window.setCentralWidget(self.stack)
        self.screen.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.countdown = Countdown(self)
        self.countdown.ticked.connect(self._on_countdown_ticked)
        self.countdown.finished.connect(self._on_countdown_finished)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(idle_lock_minutes(ctx))
        app = QApplication.instance()
        assert app is not None  # a window needs its application
        app.installEventFilter(self)

    def is_locked(self) -> bool:
        """True while the lock screen shows."""
        return self.stack.currentWidget() is self.screen

    def set_minutes(self, minutes: int) -> None:
        """Lock after ``minutes`` without input from now on (0: never)."""
        self.minutes = minutes
        self.timer.stop()
        if minutes > 0 and not self.is_locked():
            self.timer.start(minutes * MINUTE_MS)

    def lock(self) -> None:
        """Hide the window's contents behind the lock screen (nothing is closed)."""
        if self.is_locked():
            return
        self.timer.stop()
        for dialog in self._window.findChildren(QDialog):
            # A dialog shown with open() hides and comes back as it was; one shown with
            # exec() (application-modal) would return from exec() if hidden, so stays.
            modal = dialog.windowModality() == Qt.WindowModality.ApplicationModal
            if dialog.isVisible() and not modal:
                dialog.setProperty(HIDDEN_BY_LOCK, True)
                dialog.hide()
        self.stack.setCurrentWidget(self.screen)
        self._window.menuBar().setEnabled(False)
        self._window.statusBar().setEnabled(False)
        show_problem(self.screen.message_label, None)
        self.screen.password_edit.clear()
        self.screen.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.locked.emit()

    def unlock(self, password: str) -> bool:
        """Show the contents again if ``password`` is the signed-in user's."""
        try:
            unlock_again(self._ctx, password)
        except WrongPassword:
            self._failures += 1
            self.screen.password_edit.clear()
            self.screen.unlock_button.setEnabled(False)
            self.countdown.start(retry_delay_seconds(self._failures))
            return False
        self._failures = 0
        content = self.stack.widget(0)
        assert content is not None
        self.stack.setCurrentWidget(content)
        self._window.menuBar().setEnabled(True)
        self._window.statusBar().setEnabled(True)
        # The field that had the keyboard before the lock gets it back.
        (content.focusWidget() or content).setFocus(Qt.FocusReason.OtherFocusReason)
        for dialog in self._window.findChildren(QDialog):
            if dialog.property(HIDDEN_BY_LOCK):
                dialog.setProperty(HIDDEN_BY_LOCK, False)
                dialog.show()
        self.set_minutes(self.minutes)
        self.unlocked.emit()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self.is_locked():
            if kind in ACTIVITY and self.timer.isActive():
                self.timer.start()
            return False
        # Locked: the window does not close (closing would save or discard what its
        # forms hold without the password); unlocking first lets it close as usual.
        if kind == QEvent.Type.Close and watched is self._window:
            event.ignore()
            show_problem(self.screen.message_label, "Unlock first to close INL Desktop.")
            return True
        # Locked: no shortcut of the window acts, but those of the lock screen.
        if kind == QEvent.Type.Shortcut:
            inside = isinstance(watched, QWidget) and self.screen.isAncestorOf(watched)
            return not inside
        return False

    def _on_unlock_button_clicked(self) -> None:
        if not self.countdown.running():
            self.unlock(self.screen.password_edit.text())

    def _on_countdown_ticked(self, seconds: int) -> None:
        unit = "second" if seconds == 1 else "seconds"
        show_problem(self.screen.message_label, f"Wrong password. Try again in {seconds} {unit}.")

    def _on_countdown_finished(self) -> None:
        self.screen.unlock_button.setEnabled(True)
        show_problem(self.screen.message_label, "Wrong password. Try again.")
        self.screen.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)


def grey_by_role(window: MainWindow, ctx: AppContext) -> None:
    """Grey the window's actions that the signed-in role may not do (the services refuse
    them anyway)."""
    if not ctx.may(Permission.EDIT_DRAFTS):
        window.new_action.setEnabled(False)
    if not ctx.may(Permission.IMPORT):
        window.import_action.setEnabled(False)


class Session(QObject):
    """The signed-in user's part of the window: who it is, Lock, Change password and
    (for admins) Users in the File menu, and the idle lock."""

    def __init__(self, window: MainWindow, ctx: AppContext, *, read_only: bool = False) -> None:
        super().__init__(window)
        self._window = window
        self._ctx = ctx
        self.idle_lock = IdleLock(window, ctx)
        self.user_label = QLabel(f"Signed in as {ctx.user} ({ctx.role.value})", window)
        self.user_label.setAccessibleName("Signed-in user")
        window.statusBar().insertPermanentWidget(0, self.user_label)
        self.lock_action = QAction("&Lock", window)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.idle_lock.lock)
        self.change_password_action = QAction("Change &password…", window)
        self.change_password_action.triggered.connect(self._on_change_password_triggered)
        actions = [self.lock_action, self.change_password_action]
        self.users_action: QAction | None = None
        if ctx.may(Permission.USERS):
            self.users_action = QAction("&Users…", window)
            self.users_action.triggered.connect(self._on_users_triggered)
            actions.append(self.users_action)
        # A read-only window leaves users and passwords to the window that writes.
        for changes in actions[1:]:
            changes.setEnabled(not read_only)
        menu = window.file_menu
        quit_separator = [action for action in menu.actions() if action.isSeparator()][-1]
        menu.insertActions(quit_separator, actions)
        menu.insertSeparator(actions[0])

    def _on_change_password_triggered(self) -> None:
        from inl_desktop.gui.safety.sign_in import ChangePasswordDialog

        dialog = ChangePasswordDialog(self._ctx, self._window)
        dialog.accepted.connect(self._on_password_changed)
        open_dialog(dialog)

    def _on_password_changed(self) -> None:
        self._window.statusBar().showMessage("Your password was changed.", 10_000)

    def _on_users_triggered(self) -> None:
        from inl_desktop.gui.safety.users_dialog import UsersDialog

        dialog = UsersDialog(self._ctx, self._window.prompts, self._window)
        dialog.idle_minutes_changed.connect(self.idle_lock.set_minutes)
        open_dialog(dialog)


def guard_window(
    window: MainWindow, ctx: AppContext, *, encrypted: bool, read_only: bool = False
) -> Session | None:
    """Fit the window to who signed in: grey what their role may not do and, on an
    encrypted database, add the session (None on a plain one)."""
    grey_by_role(window, ctx)
    if not encrypted:
        return None
    return Session(window, ctx, read_only=read_only)


def open_dialog(dialog: QDialog) -> None:
    """Show ``dialog`` window-modal and delete it when it closes."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
