"""The import wizard: a post's own spreadsheet (.xlsx, .csv, .tsv) into seizures,
trainings or people, in five steps: file, columns, values, preview, import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget, QWizard

from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.importing.import_columns import ColumnsPage
from inl_desktop.gui.importing.import_commit import ImportPage
from inl_desktop.gui.importing.import_preview import PreviewPage
from inl_desktop.gui.importing.import_source import ImportState, SourcePage
from inl_desktop.gui.importing.import_values import ValuesPage
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.targets import ImportKind


class ImportWizard(QWizard):
    """Read a spreadsheet, map its columns and values, preview every row, import.

    ``records_imported`` carries the ImportResult once rows are written.
    """

    records_imported = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        kind: ImportKind = ImportKind.SEIZURES,
        path: Path | None = None,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a spreadsheet")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoDefaultButton, True)
        self.state = ImportState(ctx, kind)
        prompts = prompts or Prompts()
        self.source_page = SourcePage(self.state, self, prompts)
        self.columns_page = ColumnsPage(self.state, self)
        self.values_page = ValuesPage(self.state, self)
        self.preview_page = PreviewPage(self.state, self)
        self.import_page = ImportPage(self.state, self, prompts)
        for page in (
            self.source_page,
            self.columns_page,
            self.values_page,
            self.preview_page,
            self.import_page,
        ):
            self.addPage(page)
        self.import_page.records_imported.connect(self.records_imported)
        self.resize(1000, 700)
        if path is not None:
            self.source_page.open_file(path)

    def reject(self) -> None:
        if self.import_page.task.running:
            return  # the import is one transaction; it cannot stop halfway
        self.preview_page.task.wait()
        super().reject()

    def done(self, result: int) -> None:
        self.preview_page.task.wait()
        self.import_page.task.wait()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.import_page.task.running:
            event.ignore()
            return
        super().closeEvent(event)
