"""Opening the database at start-up: one writer, a sound file, a safe folder.

In order: follow a database that was moved; take the writer lock (or offer to open
read-only); check the file's header and offer the latest good backup when it is
damaged; warn about a risky folder and offer to move the database to the safe
default; migrate. The slow checks (``quick_check``) and the day's backup come after
the window is shown, in the background (gui.housekeeping), so the clerk never waits
for them; the same questions are asked when they find damage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from inl_desktop.domain.errors import UserError
from inl_desktop.services.backups import latest_good_backup, restore_database
from inl_desktop.services.context import AppContext, current_user, utc_now
from inl_desktop.store.backups import BackupFile
from inl_desktop.store.engine import DB_FILE_NAME, default_data_dir
from inl_desktop.store.integrity import Finding, check_header
from inl_desktop.store.location import location_risk, move_database, moved_to
from inl_desktop.store.lock import DatabaseInUse, WriterLock, this_process
from inl_desktop.store.migrate import open_database

PROGRAM = "INL Desktop"


@dataclass
class OpenedDatabase:
    """The database the window works on, and the lock that makes this process its writer."""

    ctx: AppContext
    path: Path
    lock: WriterLock | None
    read_only: bool = False
    notices: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Close the connections, then let the next instance write."""
        self.ctx.engine.dispose()
        if self.lock is not None:
            self.lock.release()


class StartupQuestions:
    """What start-up asks the user, as message boxes (tests answer instead)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._parent = parent

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


def open_for_gui(
    path: Path,
    questions: StartupQuestions,
    now: Callable[[], datetime] = utc_now,
    safe_path: Path | None = None,
) -> OpenedDatabase | None:
    """Open the database for the window, asking what to do when something is wrong.

    None when the user chose to quit. UserError for a database that cannot be opened.
    """
    moved = moved_to(path)
    if moved is not None:
        questions.tell("The database was moved", f"The database was moved to\n{moved}")
        path = moved
    lock = WriterLock(path, this_process(PROGRAM, current_user(), now()))
    try:
        if path.parent.is_dir():
            lock.acquire()
    except DatabaseInUse as busy:
        if not questions.open_read_only(busy):
            return None
        engine = open_database(path, now=now, read_only=True)
        return OpenedDatabase(AppContext(engine, now=now), path, None, read_only=True)
    try:
        return _open_as_writer(path, lock, questions, now, safe_path)
    except BaseException:
        lock.release()
        raise


def _open_as_writer(
    path: Path,
    lock: WriterLock,
    questions: StartupQuestions,
    now: Callable[[], datetime],
    safe_path: Path | None,
) -> OpenedDatabase | None:
    notices = []
    if path.is_file():
        finding = check_header(path)
        if not finding.sound:
            backup = latest_good_backup(path)
            if backup is None:
                questions.no_good_backup(path, finding)
                lock.release()
                return None
            if not questions.restore_damaged(path, finding, backup):
                lock.release()
                return None
            result = restore_database(path, backup.path, now())
            notices.append(
                f"Restored the backup of {backup.made_at.astimezone():%d %B %Y %H:%M}; "
                f"the damaged file is kept as {result.set_aside}"
            )
        risk = location_risk(path)
        safe = safe_path or default_data_dir() / DB_FILE_NAME
        if risk and path != safe and questions.move_to_safe_folder(path, risk, safe):
            try:
                move_database(path, safe, now())
            except UserError as error:
                questions.tell("The database was not moved", str(error))
            else:
                lock.release()
                lock = WriterLock(safe, lock.owner)
                lock.acquire()
                path = safe
                notices.append(f"The database now lives in {safe}")
    engine = open_database(path, now=now)
    return OpenedDatabase(AppContext(engine, now=now), path, lock, notices=notices)
