"""The Consolidate area (headquarters): merge posts' workbooks, off the GUI thread, and
register the posts' signing keys that their workbooks are checked against."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.errors import UserError
from inl_desktop.exchange.protection import is_protected
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.task_controls import TaskControls, show_task_failure
from inl_desktop.gui.common.workers import Task
from inl_desktop.services.consolidate import (
    COUNT_KEYS,
    ConsolidationResult,
    OpenConflict,
    consolidate,
    keep_hq_copy,
    open_conflicts,
)
from inl_desktop.services.context import AppContext
from inl_desktop.services.post_keys import (
    OtherKeyHeld,
    read_key_file,
    register_post_key,
    registered_keys,
    unsigned_accepted,
)

HEADERS = ("Workbook", "Post", *(key.capitalize() for key in COUNT_KEYS), "Problems")


class ConsolidatePage(QWidget):
    """Choose workbooks (or a folder of them), merge them, show what each did."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._prompts = prompts or Prompts()
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Merge the workbooks posts sent into this database. A workbook goes in completely "
            "or not at all; the same workbook twice changes nothing; the database is backed "
            "up first. Each workbook must be signed by its post's key, registered here once "
            "(Add post key…).",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.files = QListWidget(self)
        self.files.setAccessibleName("Workbooks to consolidate")
        layout.addWidget(self.files, 1)
        choose = QHBoxLayout()
        self.add_files_button = QPushButton("Add &workbooks…", self)
        self.add_folder_button = QPushButton("Add a f&older…", self)
        self.clear_button = QPushButton("C&lear", self)
        self.add_key_button = QPushButton("Add post ke&y…", self)
        self.add_key_button.setToolTip(
            "Register a post's public key file (PK-KHI.pub, written at the post with "
            "inl-desktop key --out): its workbooks are then accepted when signed by it"
        )
        for button in (self.add_files_button, self.add_folder_button, self.clear_button):
            choose.addWidget(button)
        choose.addStretch(1)
        choose.addWidget(self.add_key_button)
        layout.addLayout(choose)
        self.keys_label = QLabel("", self)
        self.keys_label.setWordWrap(True)
        self.keys_label.setAccessibleName("Post keys")
        layout.addWidget(self.keys_label)
        self.task = Task(self)
        self.controls = TaskControls(
            self.task, "&Consolidate", "Consolidation progress", self, narrow=True
        )
        self.consolidate_button = self.controls.start_button
        self.cancel_button = self.controls.cancel_button
        layout.addWidget(self.controls)
        self.status_label = QLabel("", self)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Consolidation status")
        layout.addWidget(self.status_label)
        self.results = QTableWidget(0, len(HEADERS), self)
        self.results.setAccessibleName("Consolidation results")
        self.results.setHorizontalHeaderLabels(HEADERS)
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.results.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.results.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.results, 2)

        self._add_conflict_panes(layout)

        self.task.progressed.connect(self._on_task_progressed)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.add_files_button.clicked.connect(self._on_add_files_button_clicked)
        self.add_folder_button.clicked.connect(self._on_add_folder_button_clicked)
        self.clear_button.clicked.connect(self.files.clear)
        self.add_key_button.clicked.connect(self._on_add_key_button_clicked)
        self.consolidate_button.clicked.connect(self._on_consolidate_button_clicked)
        self.keep_button.clicked.connect(self._on_keep_button_clicked)
        self.refresh_conflicts()
        self.refresh_keys()

    def _add_conflict_panes(self, layout: QVBoxLayout) -> None:
        """The open conflicts, the differences of the one chosen, and Keep HQ copy."""
        layout.addWidget(
            QLabel(
                "Conflicts kept for a decision (the same revision arrived "
                "with other content; HQ keeps its copy):",
                self,
            )
        )
        panes = QHBoxLayout()
        self.conflicts = QTableWidget(0, 5, self)
        self.conflicts.setAccessibleName("Conflicts")
        self.conflicts.setHorizontalHeaderLabels(
            ["Record", "ID", "Revision", "Workbook", "Found (UTC)"]
        )
        self.conflicts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.conflicts.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.conflicts.horizontalHeader().setStretchLastSection(True)
        self.differences = QTableWidget(0, 3, self)
        self.differences.setAccessibleName("Differences")
        self.differences.setHorizontalHeaderLabels(["Field", "HQ copy", "Arrived"])
        self.differences.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.differences.horizontalHeader().setStretchLastSection(True)
        panes.addWidget(self.conflicts, 1)
        panes.addWidget(self.differences, 1)
        layout.addLayout(panes, 2)
        decide = QHBoxLayout()
        self.keep_button = QPushButton("&Keep HQ copy", self)
        self.keep_button.setToolTip(
            "Close the conflict: HQ's copy stays as it is. To take the post's version "
            "instead, ask the post to save the record again and send a new workbook; "
            "its next revision replaces HQ's copy."
        )
        self.keep_button.setEnabled(False)
        decide.addWidget(self.keep_button)
        decide.addStretch(1)
        layout.addLayout(decide)
        self._open_conflicts: list[OpenConflict] = []
        self.conflicts.currentCellChanged.connect(self._on_conflicts_current_cell_changed)

    def refresh_keys(self) -> None:
        """Show the posts whose keys are registered, and the transition setting."""
        current = [key for key in registered_keys(self._ctx) if key.replaced_at is None]
        unsigned = sorted(unsigned_accepted(self._ctx))
        keys = ", ".join(f"{key.post_code} ({key.fingerprint})" for key in current)
        text = f"Post keys: {keys or 'none registered yet'}."
        if unsigned:
            text += f" Unsigned workbooks accepted (transition) from: {', '.join(unsigned)}."
        self.keys_label.setText(text)

    def add_post_key(self, path: Path) -> bool:
        """Register the key file of a post; another key of that post is replaced only when
        the user confirms. Return whether a key was registered (or already was)."""
        try:
            text = read_key_file(path)
            try:
                registration = register_post_key(self._ctx, text, path.name)
            except OtherKeyHeld as held:
                if not self._confirm_replace(held):
                    self.status_label.setText(
                        f"Key {held.offered} not registered: HQ keeps key {held.held} "
                        f"for {held.post_code}"
                    )
                    return False
                registration = register_post_key(self._ctx, text, path.name, replace=True)
        except UserError as error:
            self.status_label.setText(str(error))
            return False
        self.status_label.setText(str(registration))
        self.refresh_keys()
        return True

    def _confirm_replace(self, held: OtherKeyHeld) -> bool:
        return self._prompts.confirm(
            self,
            "Replace a post's key",
            f"HQ holds key {held.held} for {held.post_code} ({held.held_since}). Replace it "
            f"with key {held.offered}?\n\nWorkbooks signed with the old key will be refused "
            "from now on. Replace a key only when the post says it has a new one.",
        )

    def _on_add_key_button_clicked(self) -> None:
        path = self._prompts.open_file(
            self, "A post's public key file", "", "Post key files (*.pub);;All files (*)"
        )
        if path is not None:
            self.add_post_key(path)

    def refresh_conflicts(self) -> None:
        """List the conflicts no one has decided yet."""
        self._open_conflicts = open_conflicts(self._ctx)
        self.conflicts.setRowCount(len(self._open_conflicts))
        for row, conflict in enumerate(self._open_conflicts):
            values = [
                conflict.record_kind,
                conflict.record_uuid,
                str(conflict.revision),
                conflict.source_file,
                f"{conflict.detected_at:%Y-%m-%d %H:%M}",
            ]
            for column, value in enumerate(values):
                self.conflicts.setItem(row, column, QTableWidgetItem(value))
        self.differences.setRowCount(0)
        self.keep_button.setEnabled(bool(self._open_conflicts))
        if self._open_conflicts:
            self.conflicts.selectRow(0)

    def _on_conflicts_current_cell_changed(self, row: int, *_args: int) -> None:
        if not 0 <= row < len(self._open_conflicts):
            self.differences.setRowCount(0)
            return
        differences = self._open_conflicts[row].differences()
        self.differences.setRowCount(len(differences))
        for line, values in enumerate(differences):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.differences.setItem(line, column, item)

    def _on_keep_button_clicked(self) -> None:
        row = self.conflicts.currentRow()
        if not 0 <= row < len(self._open_conflicts):
            return
        conflict = self._open_conflicts[row]
        try:
            keep_hq_copy(self._ctx, conflict.id)
        except UserError as error:
            self.status_label.setText(str(error))
        else:
            self.status_label.setText(
                f"Conflict on {conflict.record_kind} {conflict.record_uuid} decided: HQ's copy kept"
            )
        self.refresh_conflicts()

    def add_files(self, paths: list[Path]) -> None:
        """Add workbooks to the list (each once)."""
        present = {self.files.item(row).text() for row in range(self.files.count())}
        for path in paths:
            text = str(path)
            if text not in present:
                self.files.addItem(text)
                present.add(text)

    def chosen_files(self) -> list[Path]:
        """The workbooks in the list, in order."""
        return [Path(self.files.item(row).text()) for row in range(self.files.count())]

    def start(self) -> bool:
        """Consolidate the listed workbooks in the background."""
        files = self.chosen_files()
        if self.task.running or not files:
            if not files:
                self.status_label.setText("Add the workbooks to consolidate first")
            return False
        password = None
        if any(is_protected(path) for path in files):
            password = self._prompts.password(
                self,
                "Password-protected workbooks",
                "Some of these workbooks are full exports, protected with a password. "
                "Their password:",
            )
            if password is None:
                return False
        ctx = self._ctx
        self.status_label.setText("Backing up the database…")
        self.controls.start(lambda report: consolidate(ctx, files, report, password), len(files))
        return True

    def _on_add_files_button_clicked(self) -> None:
        self.add_files(
            self._prompts.open_files(
                self, "Workbooks to consolidate", "", "Excel workbooks (*.xlsx)"
            )
        )

    def _on_add_folder_button_clicked(self) -> None:
        folder = self._prompts.folder(self, "Folder of workbooks", "")
        if folder is not None:
            self.add_files(sorted(folder.glob("*.xlsx")))

    def _on_consolidate_button_clicked(self) -> None:
        self.start()

    def _on_task_progressed(self, done: int, what: str) -> None:
        self.controls.progress.setValue(done)
        self.status_label.setText(what)

    def _on_task_succeeded(self, result: ConsolidationResult) -> None:
        self.results.setRowCount(len(result.files) + 1)
        for row, file_result in enumerate(result.files):
            counts = file_result.counts()
            problems = file_result.error or "; ".join(str(p) for p in file_result.rejected[:5])
            if len(file_result.rejected) > 5:
                problems += f"; … {len(file_result.rejected) - 5:,} more"
            note = file_result.signature.note if file_result.signature else None
            if note:
                problems = f"{note}; {problems}" if problems else note
            values = [
                file_result.file.name,
                file_result.post_code or "",
                *(f"{counts[key]:,}" for key in COUNT_KEYS),
                problems,
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.results.setItem(row, column, item)
        totals = result.totals
        total_values = ["Total", "", *(f"{totals[key]:,}" for key in COUNT_KEYS), ""]
        for column, value in enumerate(total_values):
            self.results.setItem(len(result.files), column, QTableWidgetItem(value))
        self.refresh_conflicts()
        merged = sum(1 for f in result.files if f.merged)
        notes = [f.signature.note for f in result.files if f.signature and f.signature.note]
        self.status_label.setText(
            f"{merged} of {len(result.files)} workbooks merged"
            + "".join(f"; {note}" for note in notes)
            + (f"; backup at {result.backup}" if result.backup else "")
        )

    def _on_task_failed(self, error: object) -> None:
        show_task_failure(
            self.status_label,
            error,
            cancelled="Cancelled; the workbook being merged was left out entirely.",
            unexpected="Consolidation failed unexpectedly",
        )
