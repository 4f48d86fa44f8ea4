"""Signing in to an encrypted database, protecting a plain one, and passwords.

``SignInDialog`` is shown again after each wrong password with the Sign in button held
back a little longer each time; ``FirstAdminDialog`` asks for the first admin of a
database that has no users yet; ``RecoveryKeyDialog`` shows the recovery key the one
time it exists in clear; ``ChangePasswordDialog`` lets the signed-in user change theirs.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QFont, QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.safety.passwords import (
    CapsLockWarning,
    Countdown,
    NewPasswordFields,
    error_label,
    password_edit,
    retry_delay_seconds,
    show_problem,
)
from inl_desktop.services.context import AppContext
from inl_desktop.services.users import (
    Credentials,
    UserProblem,
    WrongPassword,
    change_own_password,
)

LAST_USER_SETTING = "sign_in/last_user"


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(f"<b>{text}</b>", parent)
    label.setWordWrap(True)
    return label


def _note(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SignInDialog(QDialog):
    """Who signs in, and their password. Shown again by ``ask`` after a wrong one."""

    def __init__(self, path: Path, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in — INL Desktop")
        self.setMinimumWidth(440)
        self.user_combo = QComboBox(self)
        self.user_combo.setAccessibleName("User")
        self.user_combo.addItems(names)
        last = QSettings().value(LAST_USER_SETTING)
        if isinstance(last, str) and last in names:
            self.user_combo.setCurrentText(last)
        self.password_edit = password_edit(self, "Password")
        self.caps_warning = CapsLockWarning(self)
        self.caps_warning.watch(self.password_edit)
        self.message_label = error_label(self)
        self.message_label.setAccessibleName("Sign-in message")
        buttons = QDialogButtonBox(self)
        self.sign_in_button = buttons.addButton("&Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setDefault(True)
        buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        self.countdown = Countdown(self)
        self.countdown.ticked.connect(self._on_countdown_ticked)
        self.countdown.finished.connect(self._on_countdown_finished)

        form = QFormLayout()
        form.addRow("&User:", self.user_combo)
        form.addRow("&Password:", self.password_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading("Sign in to the post's database", self))
        layout.addWidget(_note(str(path), self))
        layout.addLayout(form)
        layout.addWidget(self.caps_warning)
        layout.addWidget(self.message_label)
        layout.addWidget(buttons)
        self._wrong_text = ""

    def ask(self, failures: int) -> Credentials | None:
        """Show the dialog (after ``failures`` wrong passwords, with the delay they earn);
        the credentials typed, or None when the user quits."""
        self.prepare(failures)
        if self.exec() != QDialog.DialogCode.Accepted:
            return None
        QSettings().setValue(LAST_USER_SETTING, self.user_combo.currentText())
        return self.credentials()

    def prepare(self, failures: int) -> None:
        """Empty the password; after a wrong one, say so and hold the button back."""
        self.password_edit.clear()
        self.password_edit.setFocus()
        if failures <= 0:
            show_problem(self.message_label, None)
            return
        tries = "1 wrong password" if failures == 1 else f"{failures} wrong passwords"
        self._wrong_text = f"Wrong password for {self.user_combo.currentText()} ({tries})."
        self.sign_in_button.setEnabled(False)
        self.countdown.start(retry_delay_seconds(failures))

    def credentials(self) -> Credentials:
        """The user chosen and the password typed."""
        return Credentials(self.user_combo.currentText(), self.password_edit.text())

    def _on_countdown_ticked(self, seconds: int) -> None:
        unit = "second" if seconds == 1 else "seconds"
        show_problem(self.message_label, f"{self._wrong_text} Try again in {seconds} {unit}.")

    def _on_countdown_finished(self) -> None:
        self.sign_in_button.setEnabled(True)
        show_problem(self.message_label, f"{self._wrong_text} Try again.")

    def _on_buttons_accepted(self) -> None:
        # Enter in the password field presses the default button even while it waits.
        if self.countdown.running():
            return
        if not self.password_edit.text():
            show_problem(self.message_label, "Password: type your password.")
            return
        self.accept()


class FirstAdminDialog(QDialog):
    """The first admin of a database without users, with whom it will be encrypted."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Protect the database — INL Desktop")
        self.setMinimumWidth(480)
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("Admin name")
        self.caps_warning = CapsLockWarning(self)
        self.problem_label = error_label(self)
        form = QFormLayout()
        form.addRow("Admin &name:", self.name_edit)
        self.passwords = NewPasswordFields(self, form, self.caps_warning)
        buttons = QDialogButtonBox(self)
        encrypt = buttons.addButton("&Encrypt the database", QDialogButtonBox.ButtonRole.AcceptRole)
        encrypt.setDefault(True)
        buttons.addButton("Not &now", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(_heading("This database has no users yet", self))
        layout.addWidget(
            _note(
                f"{path}\n\nIt holds personal data. Choose the first admin's name and "
                "password: the database will be encrypted, and everyone will sign in with "
                "a name and password from now on. The admin adds the other users.",
                self,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.caps_warning)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)

    def credentials(self) -> Credentials:
        """The admin's name and password as typed."""
        return Credentials(self.name_edit.text().strip(), self.passwords.password())

    def _on_buttons_accepted(self) -> None:
        problem = None
        if not self.name_edit.text().strip():
            self.name_edit.setFocus()
            problem = "Admin name: type the name the admin will sign in with."
        problem = problem or self.passwords.problem()
        show_problem(self.problem_label, problem)
        if problem is None:
            self.accept()


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once: copy it, print it or save it, and say so to close."""

    def __init__(
        self,
        path: Path,
        recovery_key: str,
        parent: QWidget | None = None,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recovery key — INL Desktop")
        self._path = path
        self._prompts = prompts or Prompts()
        self.recovery_key = recovery_key
        self.key_edit = QLineEdit(recovery_key, self)
        self.key_edit.setReadOnly(True)
        self.key_edit.setAccessibleName("Recovery key")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(font.pointSize() + 4)
        font.setWeight(QFont.Weight.Bold)
        self.key_edit.setFont(font)
        self.key_edit.setMinimumWidth(
            self.key_edit.fontMetrics().horizontalAdvance(recovery_key) + 24
        )
        self.copy_button = QPushButton("&Copy", self)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        self.print_button = QPushButton("&Print…", self)
        self.print_button.clicked.connect(self._on_print_clicked)
        self.save_button = QPushButton("Save as &text…", self)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.kept_check = QCheckBox(
            "I have &written it down or printed it, to keep in the post's safe", self
        )
        buttons = QDialogButtonBox(self)
        for action in (self.copy_button, self.print_button, self.save_button):
            buttons.addButton(action, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton("C&lose", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.setEnabled(False)
        self.kept_check.toggled.connect(self.close_button.setEnabled)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(_heading("The database is encrypted. Keep its recovery key.", self))
        layout.addWidget(
            _note(
                "If every admin forgets their password, this key is the only way into the "
                "post's records. It is shown now and never again. Print it or write it "
                "down, and keep it in the post's safe, not on this computer.",
                self,
            )
        )
        layout.addWidget(self.key_edit)
        layout.addWidget(self.kept_check)
        layout.addWidget(buttons)

    def reject(self) -> None:
        # Escape and the title bar's close do nothing until the key is kept.
        if self.kept_check.isChecked():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.kept_check.isChecked():
            super().closeEvent(event)
        else:
            event.ignore()

    def sheet(self) -> str:
        """The text printed or saved: the key and which database it opens."""
        made = datetime.now().astimezone()
        return (
            "INL Desktop — recovery key\n\n"
            f"Database: {self._path}\nEncrypted on: {made:%d %B %Y %H:%M}\n\n"
            f"Recovery key:  {self.recovery_key}\n\n"
            "When every admin's password is lost, it gives an admin a new one:\n"
            "inl-desktop users reset NAME --recovery-key-file FILE\n"
            "Keep this sheet in the post's safe.\n"
        )

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.recovery_key)

    def _on_save_clicked(self) -> None:
        target = self._prompts.save_file(
            self, "Save the recovery key", "recovery-key.txt", "Text (*.txt)"
        )
        if target is None:
            return
        try:
            target.write_text(self.sheet(), encoding="utf-8")
        except OSError as error:
            self._prompts.warn(self, "The key was not saved", f"{target}: {error.strerror}")
            return
        self._prompts.inform(
            self,
            "Recovery key saved",
            f"Saved in {target}.\nPrint it, then move the file off this computer.",
        )

    def _on_print_clicked(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setPlainText(self.sheet())
        document.print_(printer)


class ChangePasswordDialog(QDialog):
    """The signed-in user changes their own password."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle("Change password — INL Desktop")
        self.setMinimumWidth(420)
        self.current_edit = password_edit(self, "Current password")
        self.caps_warning = CapsLockWarning(self)
        self.caps_warning.watch(self.current_edit)
        self.problem_label = error_label(self)
        form = QFormLayout()
        form.addRow("&Current password:", self.current_edit)
        self.passwords = NewPasswordFields(self, form, self.caps_warning, "&New password:")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading(f"A new password for {ctx.user}", self))
        layout.addLayout(form)
        layout.addWidget(self.caps_warning)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)

    def _on_buttons_accepted(self) -> None:
        problem = self.passwords.problem()
        if problem is None:
            try:
                change_own_password(self._ctx, self.current_edit.text(), self.passwords.password())
            except WrongPassword:
                self.current_edit.clear()
                self.current_edit.setFocus()
                problem = "Current password: that is not your password."
            except UserProblem as error:
                problem = str(error)
        show_problem(self.problem_label, problem)
        if problem is None:
            self.accept()
