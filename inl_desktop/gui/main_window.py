"""The main window: the areas of the app, the post, and record counts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QWidget

from inl_desktop import __version__
from inl_desktop.gui.overview import OverviewPage
from inl_desktop.services.context import AppContext
from inl_desktop.services.info import database_info
from inl_desktop.store.reference import country_program


class MainWindow(QMainWindow):
    """Opens on a database whose post is set up."""

    def __init__(self, ctx: AppContext, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._db_path = db_path
        post = ctx.post()
        self.setWindowTitle(f"INL Desktop — {post.name} ({post.code})")
        self.overview = OverviewPage(self)
        self.setCentralWidget(self.overview)
        self.counts_label = QLabel()
        self.counts_label.setAccessibleName("Record counts")
        self.statusBar().addPermanentWidget(self.counts_label)
        self._build_menus()
        self.resize(900, 600)
        self._restore_layout()
        self.refresh()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about_action = QAction("&About INL Desktop", self)
        about_action.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about_action)

    def refresh(self) -> None:
        """Re-read the counts from the database."""
        info = database_info(self._ctx, self._db_path)
        post = self._ctx.post()
        country = country_program(post.country).name
        self.overview.show_facts(
            f"{post.name} ({post.code}), {country}", self._db_path, info.counts
        )
        counts = info.counts
        self.counts_label.setText(
            f"{counts['seizure_items']:,} drug items in {counts['seizure_events']:,} seizures"
            f" · {counts['trainings']:,} trainings · {counts['persons']:,} persons"
        )

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            "About INL Desktop",
            f"INL Desktop {__version__}\n\nRecords INL trainings and drug seizures offline "
            f"and exchanges them with headquarters.\n\nDatabase: {self._db_path}",
        )

    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("main_window/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        super().closeEvent(event)
