"""The Export area: write the exchange workbook for headquarters, off the GUI thread."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain import periods
from inl_desktop.domain.errors import UserError
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.task_controls import TaskControls, show_task_failure
from inl_desktop.gui.common.widgets import (
    browse_save_path,
    buddy_label,
    period_box,
    period_text,
)
from inl_desktop.gui.common.workers import Task
from inl_desktop.gui.seizures.seizure_filters import period_presets
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import (
    ExportRequest,
    ExportResult,
    export_workbook,
    recent_exports,
)


class ExportPage(QWidget):
    """Choose period, profile and file; export with a progress bar and Cancel."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._prompts = prompts or Prompts()
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Write the workbook headquarters consolidates. The hq profile carries no names, "
            "national IDs or contact details; choose full only when HQ asks for it.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.period_combo = period_box(
            period_presets(ctx.today()), "2019, FY2020, FY2020Q1, 2019Q3, 2019-03 or FROM..TO", self
        )
        form.addRow(buddy_label("&Period:", self.period_combo, self), self.period_combo)

        form.addRow(QLabel("Profile:", self), self._profile_choice())

        self.since_check = QCheckBox("Only what &changed since the last export to this file", self)
        self.since_check.setAccessibleName("Only changes since the last export")
        form.addRow("", self.since_check)

        file_row = QWidget(self)
        file_layout = QHBoxLayout(file_row)
        file_layout.setContentsMargins(0, 0, 0, 0)
        self.file_edit = QLineEdit(self)
        self.file_edit.setText(str(Path.home() / f"{ctx.post().code}-export.xlsx"))
        self.browse_button = QPushButton("&Browse…", self)
        file_layout.addWidget(self.file_edit, 1)
        file_layout.addWidget(self.browse_button)
        form.addRow(buddy_label("&Save to:", self.file_edit, self), file_row)
        layout.addLayout(form)

        self.task = Task(self)
        self.controls = TaskControls(self.task, "E&xport", "Export progress", self)
        self.export_button = self.controls.start_button
        self.cancel_button = self.controls.cancel_button
        layout.addWidget(self.controls)
        self.result_label = QLabel("", self)
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Export result")
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label)

        self._add_history(layout)

        self.task.progressed.connect(self._on_task_progressed)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.refresh_history()

    def _profile_choice(self) -> QWidget:
        """The hq and full profiles, as two radio buttons in a row."""
        profiles = QWidget(self)
        row = QHBoxLayout(profiles)
        row.setContentsMargins(0, 0, 0, 0)
        self.hq_radio = QRadioButton("h&q: no personal data", profiles)
        self.full_radio = QRadioButton("f&ull: with names and national IDs", profiles)
        self.hq_radio.setChecked(True)
        self.profile_group = QButtonGroup(self)
        for button in (self.hq_radio, self.full_radio):
            self.profile_group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        return profiles

    def _add_history(self, layout: QVBoxLayout) -> None:
        """The table of earlier exports, under the page."""
        layout.addWidget(QLabel("Earlier exports:", self))
        self.history = QTableWidget(0, 5, self)
        self.history.setAccessibleName("Earlier exports")
        self.history.setHorizontalHeaderLabels(["When (UTC)", "Profile", "Period", "Rows", "File"])
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.history, 1)

    def request(self) -> ExportRequest:
        """The export the widgets describe; BadPeriod for an unreadable period."""
        text = period_text(self.period_combo)
        period = periods.parse_period(text) if text else None
        return ExportRequest(
            out=Path(self.file_edit.text().strip()).expanduser(),
            period=period,
            profile="full" if self.full_radio.isChecked() else "hq",
            since_last=self.since_check.isChecked(),
        )

    def start_export(self) -> bool:
        """Begin the export in the background; False (with a message) if it cannot."""
        if self.task.running:
            return False
        try:
            request = self.request()
        except UserError as error:
            self.result_label.setText(str(error))
            return False
        if not self.file_edit.text().strip():
            self.result_label.setText("Choose the file to save to")
            return False
        if request.profile == "full":
            password = self._workbook_password()
            if password is None:
                self.result_label.setText("Not exported: a full export needs a password")
                return False
            request = dataclasses.replace(request, password=password)
        ctx = self._ctx
        self.result_label.setText("Exporting…")
        self.controls.start(lambda report: export_workbook(ctx, request, report))
        return True

    def _workbook_password(self) -> str | None:
        """The full export's password, typed twice (None: the user gave up, or the two
        differ, which is said)."""
        title = "Password of the full export"
        first = self._prompts.password(
            self,
            title,
            "A full export carries names and national IDs, so it is written with a "
            "password (at least 8 characters). Give it to headquarters separately, "
            "never in the same e-mail.\n\nPassword:",
        )
        if first is None:
            return None
        again = self._prompts.password(self, title, "The same password again:")
        if again != first:
            self._prompts.warn(self, title, "The two passwords differ; nothing was exported.")
            return None
        return first

    def refresh_history(self) -> None:
        """List the exports recorded in the database, newest first."""
        records = recent_exports(self._ctx)
        self.history.setRowCount(len(records))
        for row, record in enumerate(records):
            rows = json.loads(record.rows or "{}")
            values = [
                f"{record.exported_at:%Y-%m-%d %H:%M}",
                record.profile,
                record.period or ("changes" if record.since else "all"),
                f"{sum(rows.values()):,}",
                record.destination,
            ]
            for column, value in enumerate(values):
                self.history.setItem(row, column, QTableWidgetItem(value))

    def _on_export_button_clicked(self) -> None:
        self.start_export()

    def _on_browse_button_clicked(self) -> None:
        browse_save_path(
            self._prompts,
            self,
            self.file_edit,
            "Save the exchange workbook",
            "Excel workbook (*.xlsx)",
            ".xlsx",
        )

    def _on_task_progressed(self, done: int, what: str) -> None:
        self.result_label.setText(f"Exporting… {done:,} rows written ({what})")

    def _on_task_succeeded(self, result: ExportResult) -> None:
        rows = ", ".join(f"{sheet} {count:,}" for sheet, count in result.rows.items())
        since = f" Changes since {result.since:%Y-%m-%d %H:%M} UTC." if result.since else ""
        self.result_label.setText(f"Wrote {result.file}.{since} Rows: {rows}.")
        self.refresh_history()

    def _on_task_failed(self, error: object) -> None:
        show_task_failure(
            self.result_label,
            error,
            cancelled="Export cancelled; no file was written.",
            unexpected="The export failed unexpectedly",
        )
