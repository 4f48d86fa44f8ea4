"""The Backups page: the backups of the database with what they hold; back up now; restore."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.roles import Permission
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.workers import LatestOnly, Task
from inl_desktop.services.backups import (
    BackupSummary,
    RestoreResult,
    back_up_now,
    backup_summaries,
    backups_folder,
    backups_kept,
    restorable_schema,
    restore_in_place,
)
from inl_desktop.services.context import AppContext
from inl_desktop.services.users import Credentials, backup_unlocked, is_encrypted

COLUMNS = (
    ("Made", None),
    ("Why", None),
    ("Size", None),
    ("Seizures", "seizure_events"),
    ("Drug items", "seizure_items"),
    ("Trainings", "trainings"),
    ("Persons", "persons"),
    ("Schema", None),
)


def size_text(size: int) -> str:
    """'3.1 MB', '820 KB'."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:,.1f} MB"
    return f"{max(size, 1_000) // 1_000:,} KB"


class BackupsPage(QWidget):
    """Lists the backups beside the database; makes one; restores one."""

    database_restored = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        db_path: Path,
        parent: QWidget | None = None,
        *,
        read_only: bool = False,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._db_path = db_path
        self._prompts = prompts or Prompts()
        self._summaries: list[BackupSummary] = []
        heading = QLabel(f"<b>Backups of {db_path.name}</b> in {backups_folder(db_path)}", self)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        days, weeks = backups_kept()
        explanation = QLabel(
            "A backup is made at the first start of each day and before every upgrade, "
            "restore and consolidation. Kept: everything from the last day, one a day for "
            f"{days} days and one a week for {weeks} weeks.",
            self,
        )
        explanation.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Backups")
        self.table.setHorizontalHeaderLabels([title for title, _ in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.back_up_button = QPushButton("&Back up now", self)
        self.restore_button = QPushButton("&Restore selected…", self)
        self.restore_file_button = QPushButton("Restore from f&ile…", self)
        self.status_label = QLabel(self)
        self.status_label.setAccessibleName("Backup status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        for button in (self.back_up_button, self.restore_button, self.restore_file_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        if read_only:
            for button in (self.restore_button, self.restore_file_button):
                button.setEnabled(False)
                button.setToolTip("The database is open read-only in this window")

        self.listing = LatestOnly(self)
        self.listing.result_ready.connect(self._on_listing_result_ready)
        self.task = Task(self)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.back_up_button.clicked.connect(self._on_back_up_button_clicked)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.restore_file_button.clicked.connect(self._on_restore_file_button_clicked)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._read_only = read_only
        self._update_buttons()

    def reload(self) -> None:
        """Read the backups folder again (in the background)."""
        db_path = self._db_path
        self.listing.start(lambda: backup_summaries(db_path))

    def wait(self) -> None:
        """Let background work finish (closing, tests)."""
        self.listing.wait()
        self.task.wait()

    def showEvent(self, event: QShowEvent) -> None:
        self.reload()
        super().showEvent(event)

    def _on_listing_result_ready(self, summaries: list[BackupSummary]) -> None:
        self._summaries = summaries
        self.table.setRowCount(len(summaries))
        for row, summary in enumerate(summaries):
            backup = summary.backup
            cells = [
                backup.made_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                backup.reason_text,
                size_text(backup.size),
            ]
            for _title, key in COLUMNS[3:7]:
                cells.append("?" if key not in summary.counts else f"{summary.counts[key]:,}")
            cells.append(summary.schema or summary.problem or "?")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2 and column < 7:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setToolTip(str(backup.path))
                self.table.setItem(row, column, item)
        if not summaries:
            self.status_label.setText("No backups yet. Back up now to make the first.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.task.running
        self.back_up_button.setEnabled(not busy)
        restorable = not self._read_only and not busy and self._ctx.may(Permission.RESTORE)
        self.restore_button.setEnabled(restorable and self.selected() is not None)
        self.restore_file_button.setEnabled(restorable)

    def selected(self) -> BackupSummary | None:
        """The backup chosen in the table."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._summaries):
            return None
        return self._summaries[rows[0].row()]

    def back_up(self) -> None:
        """Make a backup now (in the background)."""
        db_path, now = self._db_path, self._ctx.now
        self.status_label.setText("Backing up…")
        self.task.start(lambda _report: back_up_now(db_path, now()))
        self._update_buttons()

    def restore(self, source: Path) -> RestoreResult | None:
        """Check ``source``, ask, then restore it over the database."""
        try:
            schema = restorable_schema(source)
        except UserError as error:
            self._show_failure(str(error))
            return None
        if not self._confirm_restore(source, schema):
            return None
        try:
            if not self._backup_unlocked(source):
                return None
            result = restore_in_place(self._ctx, self._db_path, source)
        except UserError as error:
            self._show_failure(str(error))
            return None
        kept = (
            f" The database it replaced was backed up as {result.previous_backup.name}."
            if result.previous_backup
            else ""
        )
        self.status_label.setText(f"Restored {source.name}.{kept}")
        self.database_restored.emit(result)
        self.reload()
        return result

    def _backup_unlocked(self, source: Path) -> bool:
        """An encrypted backup opens with a password valid on its day: ask for it (False:
        the user gave up). WrongPassword when it is not."""
        if not is_encrypted(source):
            return True
        password = self._prompts.password(
            self,
            "Restore a backup",
            f"The backup {source.name} is encrypted. Your password on the day it was made, "
            f"{self._ctx.user}:",
        )
        if password is None:
            return False
        backup_unlocked(source, Credentials(self._ctx.user, password))
        return True

    def _on_back_up_button_clicked(self) -> None:
        self.back_up()

    def _on_restore_button_clicked(self) -> None:
        summary = self.selected()
        if summary is not None:
            self.restore(summary.backup.path)

    def _on_restore_file_button_clicked(self) -> None:
        path = self._prompts.open_file(
            self, "Restore from a backup", str(backups_folder(self._db_path)), "SQLite (*.sqlite)"
        )
        if path is not None:
            self.restore(path)

    def _on_task_succeeded(self, target: object) -> None:
        assert isinstance(target, Path)
        self.status_label.setText(f"Backed up to {target.name}.")
        self._update_buttons()
        self.reload()

    def _on_task_failed(self, error: object) -> None:
        self._update_buttons()
        if isinstance(error, UserError):
            self._show_failure(str(error))
        else:
            self._show_failure(f"The backup failed unexpectedly: {error}")

    def _show_failure(self, message: str) -> None:
        self.status_label.setText(message)
        self._prompts.warn(self, "Backups", message)

    def _confirm_restore(self, source: Path, schema: str) -> bool:
        return self._prompts.confirm(
            self,
            "Restore a backup",
            f"Replace the database with {source.name} (schema {schema})?\n\n"
            "The current database is backed up first, so this can be undone by restoring "
            "that backup.",
        )
