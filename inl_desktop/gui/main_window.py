"""The main window: a navigation of the app's areas, the post, and record counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from inl_desktop import __version__
from inl_desktop.gui.backups_page import BackupsPage
from inl_desktop.gui.consolidate_page import ConsolidatePage
from inl_desktop.gui.dashboard_page import DashboardPage
from inl_desktop.gui.export_page import ExportPage
from inl_desktop.gui.import_wizard import ImportWizard
from inl_desktop.gui.overview import OverviewPage
from inl_desktop.gui.people_page import PeoplePage
from inl_desktop.gui.reference_page import ReferenceListsPage
from inl_desktop.gui.report_page import ReportPage
from inl_desktop.gui.seizure_page import SeizurePage
from inl_desktop.gui.training_page import TrainingPage
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.targets import ImportKind
from inl_desktop.services.info import database_info
from inl_desktop.store.reference import country_program

UNDO_TIMEOUT_MS = 30_000
REFERENCE_AREA = 6
SEIZURES_AREA, TRAININGS_AREA, PEOPLE_AREA = 1, 2, 3


def first_tab_stop(page: QWidget) -> QWidget | None:
    """The first widget inside ``page`` that Tab reaches (None when there is none).

    Found among the page's children in the order they were made, which is their
    tab order on these pages, not by walking Qt's focus chain: every
    ``nextInFocusChain()`` from Python would make the widget it returns a Python
    child of the one before (see gui.record_form.tab_stops).
    """
    for widget in page.findChildren(QWidget):
        if (
            widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.isVisibleTo(page)
            and widget.isEnabled()
        ):
            return widget
    return None


class MainWindow(QMainWindow):
    """Opens on a database whose post is set up."""

    def __init__(
        self,
        ctx: AppContext,
        db_path: Path,
        parent: QWidget | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._db_path = db_path
        self._read_only = read_only
        self._undo: Callable[[], None] | None = None
        self._show_title()

        self.overview = OverviewPage(self)
        self.seizures = SeizurePage(ctx, self)
        self.trainings = TrainingPage(ctx, self)
        self.people = PeoplePage(ctx, self)
        self.export = ExportPage(ctx, self)
        self.consolidation = ConsolidatePage(ctx, self)
        self.consolidation.task.succeeded.connect(self._on_consolidation_succeeded)
        self.dashboard = DashboardPage(ctx, self)
        self.report = ReportPage(ctx, self)
        self.backups = BackupsPage(ctx, db_path, self, read_only=read_only)
        self.backups.database_restored.connect(self._on_backups_database_restored)
        # Built when first shown: it counts how often every code is used.
        self._reference_lists: ReferenceListsPage | None = None
        self._reference_slot = QWidget(self)
        self.pages = QStackedWidget(self)
        self.navigation = QListWidget(self)
        self.navigation.setAccessibleName("Areas")
        for number, (title, page) in enumerate(
            (
                ("Overview", self.overview),
                ("Seizures", self.seizures),
                ("Trainings", self.trainings),
                ("People", self.people),
                ("Export for HQ", self.export),
                ("Consolidate (HQ)", self.consolidation),
                ("Reference lists", self._reference_slot),
                ("Dashboard", self.dashboard),
                ("Report", self.report),
                ("Backups", self.backups),
            ),
            start=1,
        ):
            item = QListWidgetItem(title, self.navigation)
            self.pages.addWidget(page)
            if number > 9:
                continue
            item.setToolTip(f"{title} (Ctrl+{number})")
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, row=number - 1: self.show_area(row))
            self.addAction(action)
        widest = max(
            self.navigation.fontMetrics().horizontalAdvance(self.navigation.item(row).text())
            for row in range(self.navigation.count())
        )
        self.navigation.setMinimumWidth(widest + 32)
        self.navigation.setMaximumWidth(widest + 48)
        self.navigation.currentRowChanged.connect(self._on_navigation_current_row_changed)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([widest + 32, 10_000])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.counts_label = QLabel(self)
        self.counts_label.setAccessibleName("Record counts")
        # No mnemonic: the area or form on show keeps every letter for its own fields.
        self.undo_button = QPushButton("Undo (Ctrl+Z)", self)
        self.undo_button.setAccessibleName("Undo")
        self.undo_button.setVisible(False)
        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        # Enabled only while an undo is offered, so Ctrl+Z reaches the widgets otherwise.
        self.undo_action.setEnabled(False)
        self.addAction(self.undo_action)
        self.statusBar().addPermanentWidget(self.undo_button)
        self.statusBar().addPermanentWidget(self.counts_label)
        self._build_menus()

        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        self.undo_action.triggered.connect(self._on_undo_action_triggered)
        self.statusBar().messageChanged.connect(self._on_status_bar_message_changed)
        self.seizures.records_changed.connect(self.refresh)
        self.seizures.seizure_deleted.connect(self._on_seizures_seizure_deleted)
        self.trainings.records_changed.connect(self.refresh)
        self.trainings.training_deleted.connect(self._on_trainings_training_deleted)
        self.trainings.records_changed.connect(self.people.reload)
        self.people.records_changed.connect(self.refresh)
        self.people.records_changed.connect(self.trainings.refresh_reference_lists)
        self.people.person_deleted.connect(self._on_people_person_deleted)
        self.seizures.records_changed.connect(self.dashboard.reload)
        self.trainings.records_changed.connect(self.dashboard.reload)
        self.dashboard.seizures_requested.connect(self._on_dashboard_seizures_requested)
        self.dashboard.trainings_requested.connect(self._on_dashboard_trainings_requested)

        self.resize(1200, 720)
        self._restore_layout()
        self.refresh()

    @property
    def reference_lists(self) -> ReferenceListsPage:
        """The reference lists page (built on first use)."""
        return self._ensure_reference_page()

    def _ensure_reference_page(self) -> ReferenceListsPage:
        if self._reference_lists is None:
            page = ReferenceListsPage(self._ctx, self)
            page.lists_changed.connect(self.seizures.refresh_reference_lists)
            page.lists_changed.connect(self.trainings.refresh_reference_lists)
            page.lists_changed.connect(self.people.refresh_reference_lists)
            index = self.pages.indexOf(self._reference_slot)
            self.pages.insertWidget(index, page)
            self.pages.removeWidget(self._reference_slot)
            self._reference_slot.deleteLater()
            self._reference_lists = page
        return self._reference_lists

    def _on_navigation_current_row_changed(self, row: int) -> None:
        if row == REFERENCE_AREA:
            self._ensure_reference_page()
        self.pages.setCurrentIndex(row)

    def show_area(self, row: int) -> None:
        """Switch to an area (overview, seizures, trainings, people, export, consolidate,
        reference lists, dashboard, report, backups: 0 to 9) with the keyboard in it."""
        self.navigation.setCurrentRow(row)
        self._focus_area(self.pages.currentWidget())

    def _focus_area(self, page: QWidget) -> None:
        """Put the keyboard inside the area just shown, so that its shortcuts (Ctrl+N,
        Delete, Enter, Ctrl+Z) answer at once: in the area's list if it shows one, else
        where it was when the user left the area (a form), else in the first field."""
        lists: dict[QWidget, QWidget] = {
            self.seizures: self.seizures.table,
            self.trainings: self.trainings.table,
            self.people: self.people.table,
        }
        for target in (lists.get(page), page.focusWidget()):
            if target is not None and target.isVisibleTo(page) and target.isEnabled():
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        first = first_tab_stop(page)
        (first or page).setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        new_action = QAction("&New seizure", self)
        new_action.triggered.connect(self._on_new_action_triggered)
        file_menu.addAction(new_action)
        import_action = QAction("&Import a spreadsheet…", self)
        import_action.setShortcut(QKeySequence("Ctrl+I"))
        import_action.setEnabled(not self._read_only)
        import_action.triggered.connect(self._on_import_action_triggered)
        file_menu.addAction(import_action)
        file_menu.addSeparator()
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

    def offer_undo(self, message: str, undo: Callable[[], None]) -> None:
        """Show ``message`` in the status bar with an Undo button (and Ctrl+Z) for a
        while."""
        self._set_undo(undo)
        self.statusBar().showMessage(message, UNDO_TIMEOUT_MS)

    def _set_undo(self, undo: Callable[[], None] | None) -> None:
        self._undo = undo
        self.undo_button.setVisible(undo is not None)
        self.undo_action.setEnabled(undo is not None)

    def _on_seizures_seizure_deleted(self, uuid: str, description: str) -> None:
        self.offer_undo(f"Deleted seizure {description}", lambda: self.seizures.restore(uuid))

    def _on_trainings_training_deleted(self, uuid: str, description: str) -> None:
        self.offer_undo(
            f"Deleted training session {description}", lambda: self.trainings.restore(uuid)
        )

    def _on_people_person_deleted(self, uuid: str, name: str) -> None:
        self.offer_undo(f"Deleted {name} from the directory", lambda: self.people.restore(uuid))

    def _on_dashboard_seizures_requested(self, selection: dict[str, object]) -> None:
        self.seizures.filter_bar.select(**selection)
        self.show_area(SEIZURES_AREA)

    def _on_dashboard_trainings_requested(self, selection: dict[str, object]) -> None:
        self.trainings.filter_bar.select(**selection)
        self.show_area(TRAININGS_AREA)

    def _show_title(self) -> None:
        post = self._ctx.post()
        suffix = " (read-only)" if self._read_only else ""
        self.setWindowTitle(f"INL Desktop — {post.name} ({post.code}){suffix}")

    def _on_backups_database_restored(self, _result: object) -> None:
        self._show_title()
        self._on_consolidation_succeeded(None)
        self.dashboard.reload()
        self.statusBar().showMessage("The backup was restored.", 10_000)

    def _on_consolidation_succeeded(self, _result: object) -> None:
        self.refresh()
        self.seizures.model.reload()
        self.trainings.model.reload()
        self.people.reload()

    def _on_undo_button_clicked(self) -> None:
        self._undo_last()

    def _on_undo_action_triggered(self) -> None:
        self._undo_last()

    def _undo_last(self) -> None:
        undo = self._undo
        self._set_undo(None)
        self.statusBar().clearMessage()
        if undo is not None:
            undo()
            self.statusBar().showMessage("Restored.", 5_000)

    def _on_status_bar_message_changed(self, message: str) -> None:
        if not message and self._undo is not None:
            self._set_undo(None)

    def _on_new_action_triggered(self) -> None:
        self.show_area(1)
        self.seizures.new_seizure()

    def _on_import_action_triggered(self) -> None:
        kinds = {TRAININGS_AREA: ImportKind.TRAININGS, PEOPLE_AREA: ImportKind.PERSONS}
        kind = kinds.get(self.navigation.currentRow(), ImportKind.SEIZURES)
        wizard = ImportWizard(self._ctx, self, kind=kind)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.records_imported.connect(self._on_import_wizard_records_imported)
        wizard.open()

    def _on_import_wizard_records_imported(self, _result: object) -> None:
        self._on_consolidation_succeeded(None)
        self.seizures.refresh_reference_lists()
        self.trainings.refresh_reference_lists()
        self.people.refresh_reference_lists()
        self.dashboard.reload()

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
        splitter = settings.value("main_window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.navigation.setCurrentRow(int(settings.value("main_window/area", 1)))

    def closeEvent(self, event: QCloseEvent) -> None:
        for page in (self.seizures, self.trainings):
            if page.stack.currentWidget() is page.form and not page.form.confirm_discard():
                event.ignore()
                return
        if not self.people.confirm_close():
            event.ignore()
            return
        self.seizures.wait_for_totals()
        self.trainings.wait_for_totals()
        self.export.task.wait()
        self.consolidation.task.wait()
        self.people.wait_for_counts()
        self.dashboard.wait()
        self.report.wait()
        self.backups.wait()
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        settings.setValue("main_window/splitter", self.splitter.saveState())
        settings.setValue("main_window/area", self.navigation.currentRow())
        self.seizures.save_layout()
        self.trainings.save_layout()
        self.people.save_layout()
        super().closeEvent(event)
