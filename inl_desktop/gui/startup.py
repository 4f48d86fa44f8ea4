"""The start-up questions, asked in message boxes and the sign-in dialogs.

Opening the database (``services.opening``) asks who signs in to an encrypted
database, who is the first admin of a plain one, and what to do when it is open in
another window, damaged, or in a risky folder; these are the window's answers, given
by the user (the sign-in and password dialogs are in ``gui/safety/sign_in.py``). The
day's background check asks the same damage questions when it finds damage after the
window is shown (``MainWindow``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from inl_desktop.services.opening import BackupFile, Credentials, DatabaseInUse, Finding

if TYPE_CHECKING:
    from inl_desktop.gui.safety.sign_in import SignInDialog

PROGRAM = "INL Desktop"


class StartupQuestions:
    """What start-up asks the user, as message boxes (tests answer instead).

    Implements ``services.opening.OpeningQuestions``.
    """

    def __init__(
        self, parent: QWidget | None = None, *, signs_in: Credentials | None = None
    ) -> None:
        self._parent = parent
        # Credentials given on the command line, tried once before the dialog.
        self._given = signs_in
        # One sign-in dialog for every try, so the user chosen stays chosen.
        self._sign_in: SignInDialog | None = None

    def open_read_only(self, busy: DatabaseInUse) -> bool:
        """The database is open elsewhere: read-only (True) or quit (False)?"""
        owner = busy.owner
        who = (
            f"by {owner.user} on {owner.host} (process {owner.pid}, since "
            f"{owner.started_at.astimezone():%Y-%m-%d %H:%M})"
            if owner
            else "by another program"
        )
        return self._ask(
            QMessageBox.Icon.Information,
            "The database is already open",
            f"{busy.db_path} is already open in {PROGRAM} {who}. Only one window at a time "
            "can make changes.\n\nYou can open it read-only to look things up and export, "
            "or quit and use the window that has it open.",
            "Open &read-only",
            "&Quit",
        )

    def restore_damaged(self, path: Path, finding: Finding, backup: BackupFile) -> bool:
        """The database is damaged: restore the latest good backup (True) or quit?"""
        return self._ask(
            QMessageBox.Icon.Critical,
            "The database is damaged",
            f"The database file\n{path}\nis damaged and cannot be used safely.\n\n"
            f"What was found: {finding.message}\n\n"
            f"The latest good backup was made on {backup.made_at.astimezone():%d %B %Y at %H:%M}"
            f" ({backup.reason_text}). Records entered after that will have to be entered again."
            "\n\nThe damaged file is kept as it is, under a new name; nothing is overwritten.",
            "&Restore the backup",
            "&Quit",
        )

    def no_good_backup(self, path: Path, finding: Finding) -> None:
        """The database is damaged and no backup can replace it."""
        self._ask(
            QMessageBox.Icon.Critical,
            "The database is damaged",
            f"The database file\n{path}\nis damaged and cannot be used safely.\n\n"
            f"What was found: {finding.message}\n\nThere is no good backup of it. The file has "
            "not been changed; keep it and ask for help to recover it.",
            None,
            "&Quit",
        )

    def move_to_safe_folder(self, path: Path, risk: str, safe: Path) -> bool:
        """The folder is risky: move the database to the safe folder (True) or keep it?"""
        return self._ask(
            QMessageBox.Icon.Warning,
            "The database is in a risky place",
            f"{path}\n\n{risk}\n\nMove it to the app's own folder?\n{safe}\n\n"
            "The old file is kept, renamed, with a note beside it saying where the "
            "database went.",
            "&Move it",
            "&Keep it here",
        )

    def sign_in(self, path: Path, names: list[str], failures: int) -> Credentials | None:
        """Who signs in, and their password (None: quit); after a wrong password the
        dialog says so and waits a little longer each time."""
        from inl_desktop.gui.safety.sign_in import SignInDialog

        if self._given is not None and failures == 0:
            return self._given
        if self._sign_in is None:
            self._sign_in = SignInDialog(path, names, self._parent)
        return self._sign_in.ask(failures)

    def first_admin(self, path: Path) -> Credentials | None:
        """The database has no users: the first admin, to encrypt it (None: not now)."""
        from inl_desktop.gui.safety.sign_in import FirstAdminDialog

        dialog = FirstAdminDialog(path, self._parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.credentials() if accepted else None

    def keep_recovery_key(self, path: Path, recovery_key: str) -> None:
        """The database was just encrypted: its recovery key, shown this once."""
        from inl_desktop.gui.safety.sign_in import RecoveryKeyDialog

        RecoveryKeyDialog(path, recovery_key, self._parent).exec()

    def tell(self, title: str, text: str) -> None:
        """An information the user acknowledges."""
        self._ask(QMessageBox.Icon.Information, title, text, None, "OK")

    def _ask(
        self,
        icon: QMessageBox.Icon,
        title: str,
        text: str,
        accept: str | None,
        reject: str,
    ) -> bool:
        box = QMessageBox(
            icon, title, f"<b>{title}</b>", QMessageBox.StandardButton.NoButton, self._parent
        )
        box.setInformativeText(text)
        yes = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole) if accept else None
        no = box.addButton(reject, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes or no)
        box.exec()
        return yes is not None and box.clickedButton() is yes
