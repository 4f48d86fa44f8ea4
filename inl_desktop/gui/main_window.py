"""The main window: a navigation of the app's areas, the post, and record counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from inl_desktop import __version__
from inl_desktop.gui.common.areas import (
    AREA_TITLES,
    BACKUPS_AREA,
    CONSOLIDATE_AREA,
    DASHBOARD_AREA,
    EXPORT_AREA,
    OVERVIEW_AREA,
    PEOPLE_AREA,
    REFERENCE_AREA,
    REPORT_AREA,
    SEIZURES_AREA,
    TRAININGS_AREA,
    Area,
    FirstPaint,
    build_area,
    first_tab_stop,
)
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.undo_offer import UndoOffer
from inl_desktop.services.context import AppContext
from inl_desktop.services.countries import country_programs
from inl_desktop.services.info import database_info

if TYPE_CHECKING:
    from inl_desktop.gui.common.reference_page import ReferenceListsPage
    from inl_desktop.gui.exchange.consolidate_page import ConsolidatePage
    from inl_desktop.gui.exchange.export_page import ExportPage
    from inl_desktop.gui.people.people_page import PeoplePage
    from inl_desktop.gui.reports.dashboard_page import DashboardPage
    from inl_desktop.gui.reports.overview import OverviewPage
    from inl_desktop.gui.reports.report_page import ReportPage
    from inl_desktop.gui.safety.backups_page import BackupsPage
    from inl_desktop.gui.safety.housekeeping import Housekeeping
    from inl_desktop.gui.seizures.seizure_page import SeizurePage
    from inl_desktop.gui.startup import StartupQuestions
    from inl_desktop.gui.trainings.training_page import TrainingPage
    from inl_desktop.services.backups import HousekeepingResult


class MainWindow(QMainWindow):
    """Opens on a database whose post is set up.

    Only the area on show at start is built (with its imports); every other area is
    built, and its module imported, when it is first shown or first asked for by name
    (``window.trainings``). Until then a blank placeholder holds its place.
    """

    first_painted = Signal()

    def __init__(
        self,
        ctx: AppContext,
        db_path: Path,
        parent: QWidget | None = None,
        *,
        read_only: bool = False,
        prompts: Prompts | None = None,
        counts_later: bool = False,  # counted by the caller once the window is painted
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._db_path = db_path
        self._read_only = read_only
        # The one Prompts every area, form and dialog of the window asks through.
        self.prompts = prompts or Prompts()
        self._built: dict[int, QWidget] = {}
        self._paint_watch: FirstPaint | None = None
        self.housekeeping: Housekeeping | None = None
        self.questions: StartupQuestions | None = None
        self._show_title()

        self._counts: dict[str, int] = {}
        self.pages = QStackedWidget(self)
        for _title in AREA_TITLES:
            self.pages.addWidget(QWidget(self))
        # The area the window opens on is built before the navigation, so that it comes
        # first in the focus chain: the keyboard starts in it, not in the navigation.
        start_area = _saved_area(QSettings(), SEIZURES_AREA)
        if 0 <= start_area < len(AREA_TITLES):
            self.area(start_area)
        self.navigation = self._build_navigation()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([self.navigation.minimumWidth(), 10_000])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._build_status_bar()
        self._build_menus()
        self.resize(1200, 720)
        self._restore_layout()
        if not counts_later:
            self.refresh()

    def _build_navigation(self) -> QListWidget:
        """The list of areas, each also reached by Ctrl+1 to Ctrl+9."""
        navigation = QListWidget(self)
        navigation.setAccessibleName("Areas")
        for number, title in enumerate(AREA_TITLES, start=1):
            item = QListWidgetItem(title, navigation)
            if number > 9:
                continue
            item.setToolTip(f"{title} (Ctrl+{number})")
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, row=number - 1: self.show_area(row))
            self.addAction(action)
        widest = max(
            navigation.fontMetrics().horizontalAdvance(navigation.item(row).text())
            for row in range(navigation.count())
        )
        navigation.setMinimumWidth(widest + 32)
        navigation.setMaximumWidth(widest + 48)
        navigation.currentRowChanged.connect(self._on_navigation_current_row_changed)
        return navigation

    def _build_status_bar(self) -> None:
        """The record counts, and the Undo button (and Ctrl+Z) offered after a delete."""
        self.counts_label = QLabel(self)
        self.counts_label.setAccessibleName("Record counts")
        self._undo_offer = UndoOffer(self)
        self.undo_button = self._undo_offer.button
        self.statusBar().addPermanentWidget(self.counts_label)

    # The areas, each built on first use.
    overview: Area[OverviewPage] = Area(OVERVIEW_AREA, "The Overview area.")
    seizures: Area[SeizurePage] = Area(SEIZURES_AREA, "The Seizures area.")
    trainings: Area[TrainingPage] = Area(TRAININGS_AREA, "The Trainings area.")
    people: Area[PeoplePage] = Area(PEOPLE_AREA, "The People area.")
    export: Area[ExportPage] = Area(EXPORT_AREA, "The Export for HQ area.")
    consolidation: Area[ConsolidatePage] = Area(CONSOLIDATE_AREA, "The Consolidate (HQ) area.")
    reference_lists: Area[ReferenceListsPage] = Area(REFERENCE_AREA, "The Reference lists area.")
    dashboard: Area[DashboardPage] = Area(DASHBOARD_AREA, "The Dashboard area.")
    report: Area[ReportPage] = Area(REPORT_AREA, "The Report area.")
    backups: Area[BackupsPage] = Area(BACKUPS_AREA, "The Backups area.")

    def built(self, row: int) -> Any:
        """The area ``row`` if it has been built, else None (nothing is built)."""
        return self._built.get(row)

    def area(self, row: int) -> QWidget:
        """The area ``row``, built (and its module imported) if it was not yet."""
        page = self._built.get(row)
        if page is None:
            # Building an area while the window is up can take the keyboard focus into
            # the new, hidden page, which then drops it; the widget that had it keeps it.
            had_focus = QApplication.focusWidget()
            page = self._build_area(row)
            placeholder = self.pages.widget(row)
            assert placeholder is not None  # every area has a page or a placeholder
            current = self.pages.currentIndex()
            self.pages.insertWidget(row, page)
            self.pages.removeWidget(placeholder)
            placeholder.deleteLater()
            self._built[row] = page
            if current == row:
                self.pages.setCurrentIndex(row)
            elif had_focus is not None and QApplication.focusWidget() is not had_focus:
                had_focus.setFocus(Qt.FocusReason.OtherFocusReason)
        return page

    def _build_area(self, row: int) -> QWidget:
        page = build_area(
            row, self._ctx, self, self.prompts, self._db_path, read_only=self._read_only
        )
        if row == OVERVIEW_AREA:
            self._show_overview_facts(page)
        elif row == SEIZURES_AREA:
            page.records_changed.connect(self._on_seizures_records_changed)
            page.seizure_deleted.connect(self._on_seizures_seizure_deleted)
        elif row == TRAININGS_AREA:
            page.records_changed.connect(self._on_trainings_records_changed)
            page.training_deleted.connect(self._on_trainings_training_deleted)
        elif row == PEOPLE_AREA:
            page.records_changed.connect(self._on_people_records_changed)
            page.person_deleted.connect(self._on_people_person_deleted)
        elif row == CONSOLIDATE_AREA:
            page.task.succeeded.connect(self._on_consolidation_succeeded)
        elif row == REFERENCE_AREA:
            page.lists_changed.connect(self._on_reference_lists_changed)
        elif row == DASHBOARD_AREA:
            page.seizures_requested.connect(self._on_dashboard_seizures_requested)
            page.trainings_requested.connect(self._on_dashboard_trainings_requested)
        elif row == BACKUPS_AREA:
            page.database_restored.connect(self._on_backups_database_restored)
        page_widget: QWidget = page
        return page_widget

    def _on_navigation_current_row_changed(self, row: int) -> None:
        if row >= 0:
            self.area(row)
        self.pages.setCurrentIndex(row)

    def _on_seizures_records_changed(self) -> None:
        self.refresh()
        if dashboard := self.built(DASHBOARD_AREA):
            dashboard.reload()

    def _on_trainings_records_changed(self) -> None:
        self.refresh()
        if people := self.built(PEOPLE_AREA):
            people.reload()
        if dashboard := self.built(DASHBOARD_AREA):
            dashboard.reload()

    def _on_people_records_changed(self) -> None:
        self.refresh()
        if trainings := self.built(TRAININGS_AREA):
            trainings.refresh_reference_lists()

    def _on_reference_lists_changed(self) -> None:
        for row in (SEIZURES_AREA, TRAININGS_AREA, PEOPLE_AREA):
            if page := self.built(row):
                page.refresh_reference_lists()

    def start_housekeeping(self) -> None:
        """Begin the day's check and backup in the background (not when read-only:
        the window that writes to the database makes them)."""
        if self._read_only or self.housekeeping is not None:
            return
        from inl_desktop.gui.safety.housekeeping import Housekeeping

        self.housekeeping = Housekeeping(self._db_path, self._ctx.now, self.statusBar(), self)
        self.housekeeping.finished.connect(self._on_housekeeping_finished)
        self.housekeeping.failed.connect(self._on_housekeeping_failed)
        self.housekeeping.start()

    def _on_housekeeping_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 30_000)

    def _on_housekeeping_finished(self, result: HousekeepingResult) -> None:
        if result.problem:
            self.statusBar().showMessage(result.problem, 30_000)
        if not result.damaged or result.finding is None:
            return
        from inl_desktop.domain.errors import UserError
        from inl_desktop.gui.startup import StartupQuestions
        from inl_desktop.services.backups import restore_in_place

        questions = self.questions or StartupQuestions(self)
        backup = result.restore_from
        if backup is None:
            questions.no_good_backup(self._db_path, result.finding)
            self.close()
            return
        if not questions.restore_damaged(self._db_path, result.finding, backup):
            self.close()
            return
        self.wait_for_work()
        try:
            restored = restore_in_place(self._ctx, self._db_path, backup.path)
        except UserError as error:
            self.prompts.fail(self, "The backup was not restored", str(error))
            return
        self.reload_everything()
        self.statusBar().showMessage(
            f"Restored the backup of {backup.made_at.astimezone():%d %B %Y %H:%M}; "
            f"the damaged file is kept as {restored.set_aside}",
            60_000,
        )

    def watch_first_paint(self) -> None:
        """Emit ``first_painted`` once, when the area on show (its list, if it has one)
        is first painted: the moment the user can start work."""
        page = self._shown_page()
        table = getattr(page, "table", None)
        target = table.viewport() if table is not None else page
        self._paint_watch = FirstPaint(self)
        self._paint_watch.painted.connect(self.first_painted)
        target.installEventFilter(self._paint_watch)

    def show_area(self, row: int) -> None:
        """Switch to an area (overview, seizures, trainings, people, export, consolidate,
        reference lists, dashboard, report, backups: 0 to 9) with the keyboard in it."""
        self.navigation.setCurrentRow(row)
        self._focus_area(self._shown_page())

    def _shown_page(self) -> QWidget:
        page = self.pages.currentWidget()
        assert page is not None  # the stack holds a page (or placeholder) per area
        return page

    def _focus_area(self, page: QWidget) -> None:
        """Put the keyboard inside the area just shown, so that its shortcuts (Ctrl+N,
        Delete, Enter, Ctrl+Z) answer at once: in the area's list if it shows one, else
        where it was when the user left the area (a form), else in the first field."""
        lists: dict[QWidget, QWidget] = {
            built: built.table
            for row in (SEIZURES_AREA, TRAININGS_AREA, PEOPLE_AREA)
            if (built := self.built(row)) is not None
        }
        for target in (lists.get(page), page.focusWidget()):
            if target is not None and target.isVisibleTo(page) and target.isEnabled():
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        first = first_tab_stop(page)
        (first or page).setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_menus(self) -> None:
        file_menu = self.file_menu = self.menuBar().addMenu("&File")
        new_action = self.new_action = QAction("&New seizure", self)
        new_action.triggered.connect(self._on_new_action_triggered)
        file_menu.addAction(new_action)
        import_action = self.import_action = QAction("&Import a spreadsheet…", self)
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
        counts = self._counts = database_info(self._ctx, self._db_path).counts
        if overview := self.built(OVERVIEW_AREA):
            self._show_overview_facts(overview)
        self.counts_label.setText(
            f"{counts['seizure_items']:,} drug items in {counts['seizure_events']:,} seizures"
            f" · {counts['trainings']:,} trainings · {counts['persons']:,} persons"
        )

    def _show_overview_facts(self, overview: OverviewPage) -> None:
        post = self._ctx.post()
        country = country_programs()[post.country.upper()].name
        heading = f"{post.name} ({post.code}), {country}"
        overview.show_facts(heading, self._db_path, self._counts)

    def offer_undo(self, message: str, undo: Callable[[], None]) -> None:
        """Show ``message`` in the status bar with an Undo button (and Ctrl+Z) a while."""
        self._undo_offer.offer(message, undo)

    def _on_seizures_seizure_deleted(self, uuid: str, description: str) -> None:
        self.offer_undo(f"Deleted seizure {description}", lambda: self.seizures.restore(uuid))

    def _on_trainings_training_deleted(self, uuid: str, description: str) -> None:
        self.offer_undo(
            f"Deleted training session {description}", lambda: self.trainings.restore(uuid)
        )

    def _on_people_person_deleted(self, uuid: str, name: str) -> None:
        self.offer_undo(f"Deleted {name} from the directory", lambda: self.people.restore(uuid))

    def _on_dashboard_seizures_requested(self, selection: dict[str, Any]) -> None:
        self.seizures.filter_bar.select(**selection)
        self.show_area(SEIZURES_AREA)

    def _on_dashboard_trainings_requested(self, selection: dict[str, Any]) -> None:
        self.trainings.filter_bar.select(**selection)
        self.show_area(TRAININGS_AREA)

    def _show_title(self) -> None:
        post = self._ctx.post()
        suffix = " (read-only)" if self._read_only else ""
        self.setWindowTitle(f"INL Desktop — {post.name} ({post.code}){suffix}")

    def _on_backups_database_restored(self, _result: object) -> None:
        self.reload_everything()
        self.statusBar().showMessage("The backup was restored.", 10_000)

    def reload_everything(self) -> None:
        """Re-read every built area after the database was replaced under it."""
        self._show_title()
        self._on_consolidation_succeeded(None)
        if dashboard := self.built(DASHBOARD_AREA):
            dashboard.reload()
        if backups := self.built(BACKUPS_AREA):
            backups.reload()

    def _on_consolidation_succeeded(self, _result: object) -> None:
        self.refresh()
        for row in (SEIZURES_AREA, TRAININGS_AREA):
            if page := self.built(row):
                page.model.reload()
        if people := self.built(PEOPLE_AREA):
            people.reload()

    def _on_new_action_triggered(self) -> None:
        self.show_area(1)
        self.seizures.new_seizure()

    def _on_import_action_triggered(self) -> None:
        from inl_desktop.gui.importing.import_wizard import ImportWizard
        from inl_desktop.services.importing.targets import ImportKind

        kinds = {TRAININGS_AREA: ImportKind.TRAININGS, PEOPLE_AREA: ImportKind.PERSONS}
        kind = kinds.get(self.navigation.currentRow(), ImportKind.SEIZURES)
        wizard = ImportWizard(self._ctx, self, kind=kind, prompts=self.prompts)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.records_imported.connect(self._on_import_wizard_records_imported)
        wizard.open()

    def _on_import_wizard_records_imported(self, _result: object) -> None:
        self._on_consolidation_succeeded(None)
        self._on_reference_lists_changed()
        if dashboard := self.built(DASHBOARD_AREA):
            dashboard.reload()

    def _on_about_triggered(self) -> None:
        self.prompts.about(
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
        self.navigation.setCurrentRow(_saved_area(settings, SEIZURES_AREA))

    def wait_for_work(self) -> None:
        """Block until the background reads and tasks of every built area are done."""
        waits = {
            SEIZURES_AREA: "wait_for_totals",
            TRAININGS_AREA: "wait_for_totals",
            PEOPLE_AREA: "wait_for_counts",
            DASHBOARD_AREA: "wait",
            REPORT_AREA: "wait",
            BACKUPS_AREA: "wait",
        }
        for row, method in waits.items():
            if page := self.built(row):
                getattr(page, method)()
        for row in (EXPORT_AREA, CONSOLIDATE_AREA):
            if page := self.built(row):
                page.task.wait()

    def closeEvent(self, event: QCloseEvent) -> None:
        for row in (SEIZURES_AREA, TRAININGS_AREA):
            page = self.built(row)
            if page is None:
                continue
            # The seizure form is built on first use: asking for it must not build it.
            form_open = (
                page.form_open()
                if row == SEIZURES_AREA
                else page.stack.currentWidget() is page.form
            )
            if form_open and not page.form.confirm_discard():
                event.ignore()
                return
        people = self.built(PEOPLE_AREA)
        if people is not None and not people.confirm_close():
            event.ignore()
            return
        if self.housekeeping is not None:
            self.housekeeping.abandon()
        self.wait_for_work()
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        settings.setValue("main_window/splitter", self.splitter.saveState())
        settings.setValue("main_window/area", self.navigation.currentRow())
        for row in (SEIZURES_AREA, TRAININGS_AREA, PEOPLE_AREA):
            if page := self.built(row):
                page.save_layout()
        super().closeEvent(event)


def _saved_area(settings: QSettings, default: int) -> int:
    """The area the window showed when it was last closed."""
    return int(str(settings.value("main_window/area", default)))
