"""The last step of the import wizard: the ready rows written in one transaction, off
the GUI thread, with the errors workbook and the saved mapping."""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from inl_desktop.domain.errors import UserError
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.task_controls import show_task_failure
from inl_desktop.gui.common.widgets import browse_save_path
from inl_desktop.gui.common.workers import Task
from inl_desktop.gui.importing.import_preview import plural
from inl_desktop.gui.importing.import_source import ImportState
from inl_desktop.services.importing.run import (
    DUPLICATE,
    NOT_SELECTED,
    READY,
    REJECTED,
    SKIPPED,
    ImportPlan,
    ImportResult,
    commit_import,
)


def result_summary(result: ImportResult) -> str:
    """ "Imported 3, skipped 1, rejected 1. 2 possible duplicates left out, 40 not
    selected." (with "into 113 sessions" after the count of imported training rows)."""
    sessions = "" if result.sessions is None else f" into {plural(result.sessions, 'session')}"
    text = (
        f"Imported {result.imported:,}{sessions}, skipped {result.skipped:,}, "
        f"rejected {result.rejected:,}."
    )
    left_out = []
    if result.duplicates:
        left_out.append(f"{plural(result.duplicates, DUPLICATE)} left out")
    if result.not_selected:
        left_out.append(f"{result.not_selected:,} {NOT_SELECTED}")
    if left_out:
        text += " " + ", ".join(left_out) + "."
    return text


def _typed_path(text: str, suffix: str) -> Path:
    """The file typed in a field, ending in ``suffix`` (added when the user left it off)."""
    path = Path(text).expanduser()
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


class ImportPage(QWizardPage):
    """Import the ready rows, write the rejected ones, save the mapping."""

    records_imported = Signal(object)

    def __init__(
        self, state: ImportState, parent: QWidget | None = None, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._prompts = prompts or Prompts()
        self.result: ImportResult | None = None
        self.setTitle("Import")
        self.setSubTitle("The ready rows are written in one go: all of them or none.")
        layout = QVBoxLayout(self)
        self.summary_label = QLabel("", self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName("What will be imported")
        layout.addWidget(self.summary_label)

        grid = QGridLayout()
        self.errors_check = QCheckBox("Save the &rejected rows, with their problems, to:", self)
        self.errors_edit = QLineEdit(self)
        self.errors_edit.setAccessibleName("Errors workbook")
        self.errors_button = QPushButton("Browse…", self)
        self.profile_check = QCheckBox("Save this &mapping to reuse next time, as:", self)
        self.profile_name_edit = QLineEdit(self)
        self.profile_name_edit.setAccessibleName("Mapping name")
        self.profile_name_edit.setPlaceholderText("a name, e.g. ANF monthly return")
        self.profile_edit = QLineEdit(self)
        self.profile_edit.setAccessibleName("Mapping file")
        self.profile_button = QPushButton("Browse…", self)
        grid.addWidget(self.errors_check, 0, 0, 1, 3)
        grid.addWidget(self.errors_edit, 1, 0, 1, 2)
        grid.addWidget(self.errors_button, 1, 2)
        grid.addWidget(self.profile_check, 2, 0, 1, 3)
        grid.addWidget(self.profile_name_edit, 3, 0)
        grid.addWidget(self.profile_edit, 3, 1)
        grid.addWidget(self.profile_button, 3, 2)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(0, 1)
        layout.addLayout(grid)

        buttons = QHBoxLayout()
        self.import_button = QPushButton("&Import", self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.progress.setAccessibleName("Import progress")
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.result_label = QLabel("", self)
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Import result")
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.result_label.font()
        font.setBold(True)
        self.result_label.setFont(font)
        layout.addWidget(self.result_label)
        layout.addStretch(1)

        self.task = Task(self)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.errors_button.clicked.connect(self._on_errors_button_clicked)
        self.profile_button.clicked.connect(self._on_profile_button_clicked)
        self.errors_check.toggled.connect(self.errors_edit.setEnabled)
        self.profile_check.toggled.connect(self.profile_name_edit.setEnabled)
        self.profile_check.toggled.connect(self.profile_edit.setEnabled)

    def initializePage(self) -> None:
        plan = self._state.plan
        assert plan is not None
        source = plan.table.path
        ready, rejected = plan.count(READY), plan.count(REJECTED)
        sessions = f" ({plural(plan.sessions, 'session')})" if plan.sessions else ""
        text = (
            f"{plural(ready, 'row')} of {source.name} will be imported as "
            f"{plan.mapping.kind}{sessions}; {plural(plan.count(SKIPPED), 'row')} skipped, "
            f"{plural(rejected, 'row')} rejected"
        )
        if duplicates := plan.count(DUPLICATE):
            text += f", {plural(duplicates, DUPLICATE)} left out"
        if not_selected := plan.count(NOT_SELECTED):
            text += f", {plural(not_selected, 'row')} not selected"
        self.summary_label.setText(text + ".")
        self.errors_check.setEnabled(bool(rejected))
        self.errors_check.setChecked(bool(rejected))
        self.errors_edit.setEnabled(bool(rejected))
        self.errors_edit.setText(str(source.with_name(f"{source.stem}-rejected.xlsx")))
        profile_path = self._state.profile_path
        self.profile_name_edit.setText(self._state.mapping.name or source.stem)
        self.profile_edit.setText(
            str(profile_path or source.with_name(f"{source.stem}-mapping.json"))
        )
        self.profile_check.setChecked(False)
        self.profile_name_edit.setEnabled(False)
        self.profile_edit.setEnabled(False)
        self.result_label.clear()
        self.import_button.setEnabled(True)

    def isComplete(self) -> bool:
        return self.result is not None

    def start_import(self) -> bool:
        """Import in the background; False (with the reason shown) if it cannot start."""
        plan = self._state.plan
        if self.task.running or plan is None or self.result is not None:
            return False
        errors_file = None
        if self.errors_check.isChecked():
            text = self.errors_edit.text().strip()
            if not text:
                self.result_label.setText("Choose where to save the rejected rows.")
                return False
            errors_file = _typed_path(text, ".xlsx")
        if self.profile_check.isChecked() and not self._save_profile(plan):
            return False
        ctx = self._state.ctx
        self.import_button.setEnabled(False)
        self._wizard_buttons_enabled(False)
        self.progress.setVisible(True)
        self.result_label.setText("Importing…")
        self.task.start(lambda _report: commit_import(ctx, plan, errors_file))
        return True

    def _save_profile(self, plan: ImportPlan) -> bool:
        text = self.profile_edit.text().strip()
        if not text:
            self.result_label.setText("Choose the file to save the mapping to.")
            return False
        path = _typed_path(text, ".json")
        profile = copy.deepcopy(plan.mapping)
        profile.name = self.profile_name_edit.text().strip()
        try:
            profile.save(path)
        except UserError as error:
            self.result_label.setText(str(error))
            return False
        self._state.profile_path = path
        return True

    def _wizard_buttons_enabled(self, enabled: bool) -> None:
        wizard = self.wizard()
        if wizard is not None:
            for button in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
                wizard.button(button).setEnabled(enabled)

    def _on_import_button_clicked(self) -> None:
        self.start_import()

    def _on_task_succeeded(self, result: ImportResult) -> None:
        self.progress.setVisible(False)
        self.result = result
        wizard = self.wizard()
        if wizard is not None:
            wizard.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
            wizard.button(QWizard.WizardButton.CancelButton).setEnabled(True)
        text = result_summary(result)
        if result.errors_file is not None:
            text += f"\nThe rejected rows are in {result.errors_file}"
        if self.profile_check.isChecked():
            text += f"\nThe mapping is saved in {self._state.profile_path}"
        self.result_label.setText(text)
        self.completeChanged.emit()
        self.records_imported.emit(result)

    def _on_task_failed(self, error: object) -> None:
        self.progress.setVisible(False)
        self.import_button.setEnabled(True)
        self._wizard_buttons_enabled(True)
        show_task_failure(
            self.result_label,
            error,
            expected="Nothing was imported: ",
            unexpected="The import failed unexpectedly; nothing was written",
        )

    def _on_errors_button_clicked(self) -> None:
        browse_save_path(
            self._prompts,
            self,
            self.errors_edit,
            "Save the rejected rows",
            "Excel workbook (*.xlsx)",
            ".xlsx",
        )

    def _on_profile_button_clicked(self) -> None:
        browse_save_path(
            self._prompts, self, self.profile_edit, "Save the mapping", "Mapping (*.json)", ".json"
        )
