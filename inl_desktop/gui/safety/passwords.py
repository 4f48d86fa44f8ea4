"""Pieces every password dialog shares: the Caps Lock warning, the growing delay after
wrong passwords, and the pair of fields that sets a new password.

Qt has no portable way to ask whether Caps Lock is on, so the warning reads it from
what is typed: a letter whose case disagrees with the Shift key.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from inl_desktop.services.users import MIN_PASSWORD_LENGTH

# One second of a countdown, in milliseconds (tests shorten it).
SECOND_MS = 1000
LONGEST_DELAY_SECONDS = 30
ERROR_STYLE = "color: #b00020;"


def retry_delay_seconds(failures: int) -> int:
    """How long the Sign in button waits after ``failures`` wrong passwords: 1, 2, 4...
    seconds, at most 30; none before the first failure."""
    if failures <= 0:
        return 0
    return int(min(2 ** (failures - 1), LONGEST_DELAY_SECONDS))


class CapsLockWarning(QLabel):
    """ "Caps Lock is on", shown while what is typed in the watched fields says so."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("⚠ Caps Lock is on", parent)
        self.setAccessibleName("Caps Lock warning")
        self.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.setHidden(True)

    def watch(self, edit: QLineEdit) -> None:
        """Read Caps Lock from the keys typed into ``edit``."""
        edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            letter = event.text()
            if len(letter) == 1 and letter.lower() != letter.upper():
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.setHidden(letter.isupper() == shift)
        return False


class Countdown(QObject):
    """Counts whole seconds down with a QTimer: ``ticked(seconds left)`` each second,
    then ``finished``."""

    ticked = Signal(int)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.remaining = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self, seconds: int) -> None:
        """Count down from ``seconds`` (0: finished at once)."""
        self.remaining = seconds
        if seconds <= 0:
            self._timer.stop()
            self.finished.emit()
            return
        self._timer.start(SECOND_MS)
        self.ticked.emit(seconds)

    def running(self) -> bool:
        """True while seconds are left."""
        return self.remaining > 0

    def _on_timer_timeout(self) -> None:
        self.remaining -= 1
        if self.remaining > 0:
            self.ticked.emit(self.remaining)
            return
        self._timer.stop()
        self.finished.emit()


def password_edit(parent: QWidget, accessible_name: str) -> QLineEdit:
    """A field that hides what is typed."""
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(accessible_name)
    return edit


class NewPasswordFields:
    """ "Password" and "Repeat password" rows added to a form, and their check."""

    def __init__(
        self,
        parent: QWidget,
        form: QFormLayout,
        caps: CapsLockWarning,
        label: str = "&Password:",
    ) -> None:
        self.password_edit = password_edit(parent, "New password")
        self.repeat_edit = password_edit(parent, "Repeat password")
        self.password_edit.setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        form.addRow(label, self.password_edit)
        form.addRow("&Repeat password:", self.repeat_edit)
        caps.watch(self.password_edit)
        caps.watch(self.repeat_edit)

    def password(self) -> str:
        """The new password as typed."""
        return self.password_edit.text()

    def problem(self) -> str | None:
        """What is wrong with the new password, naming the field (and giving it the
        keyboard), or None."""
        if len(self.password()) < MIN_PASSWORD_LENGTH:
            self.password_edit.setFocus()
            return f"Password: use at least {MIN_PASSWORD_LENGTH} characters."
        if self.repeat_edit.text() != self.password():
            self.repeat_edit.clear()
            self.repeat_edit.setFocus()
            return "Repeat password: it differs from the password; type the same one again."
        return None


def error_label(parent: QWidget) -> QLabel:
    """The dialog's line that says what went wrong (hidden while nothing did)."""
    label = QLabel(parent)
    label.setAccessibleName("Problem")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setHidden(True)
    return label


def show_problem(label: QLabel, text: str | None) -> None:
    """Show ``text`` in the problem line, or hide it for None."""
    label.setText(text or "")
    label.setHidden(not text)
