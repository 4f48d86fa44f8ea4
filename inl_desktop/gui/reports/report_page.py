"""The Report area: the accomplishments sentences of a period and the figures behind
them, copied as text or saved as PDF or xlsx."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain import periods
from inl_desktop.domain.errors import UserError
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.common.widgets import (
    CodeComboBox,
    buddy_label,
    line_edit_of,
    period_box,
    period_text,
)
from inl_desktop.gui.common.workers import LatestOnly
from inl_desktop.gui.reports.report_document import report_html, write_report_pdf
from inl_desktop.gui.seizures.seizure_filters import INVALID_STYLE
from inl_desktop.services.context import AppContext
from inl_desktop.services.countries import country_programs
from inl_desktop.services.reports.accomplishments import (
    Report,
    build_report,
    load_groupings,
    save_report_xlsx,
)
from inl_desktop.services.reports.seizures import ReportScope

PERIOD_TIP = (
    "2019, FY2020, FY2020Q1, 2019Q3, 2019-03, 2019M1-10 (the first 10 months of 2019) "
    "or 2019-01-01..2019-06-30"
)


def report_period_presets(today_fy: int, year: int, month: int) -> list[tuple[str, str]]:
    """(text, label) of the periods offered without typing."""
    presets = [
        (f"FY{today_fy}", f"FY{today_fy} (US fiscal year)"),
        (f"FY{today_fy - 1}", f"FY{today_fy - 1} (US fiscal year)"),
        (str(year - 1), f"{year - 1} (calendar year)"),
    ]
    if month > 1:
        presets.insert(1, (f"{year}M1-{month - 1}", f"First {month - 1} months of {year}"))
    return presets


class ReportPage(QWidget):
    """Period, country, post and agency; the sentences and figures; Copy, PDF, xlsx."""

    report_shown = Signal()

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._prompts = prompts or Prompts()
        self._report: Report | None = None
        today = ctx.today()
        catalog = ctx.catalog()

        presets = report_period_presets(periods.fiscal_year_of(today), today.year, today.month)
        self.period_combo = period_box(presets, PERIOD_TIP, self)
        self.country_combo = CodeComboBox(self, blank_text="All countries")
        programs = country_programs()
        self.country_combo.set_choices([(code, program.name) for code, program in programs.items()])
        self.post_combo = CodeComboBox(self, blank_text="All posts")
        self.post_combo.set_choices(
            [(post.code, post.name) for program in programs.values() for post in program.posts]
        )
        self.agency_combo = CodeComboBox(self, blank_text="All agencies")
        self.agency_combo.set_reference_list(catalog, "agencies")
        grid = QGridLayout()
        for column, (text, widget) in enumerate(
            (
                ("&Period:", self.period_combo),
                ("C&ountry:", self.country_combo),
                ("Po&st:", self.post_combo),
                ("A&gency:", self.agency_combo),
            )
        ):
            grid.addWidget(buddy_label(text, widget, self), 0, 2 * column)
            grid.addWidget(widget, 0, 2 * column + 1)
            grid.setColumnStretch(2 * column + 1, 1)

        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName("Report")
        self.status_label = QLabel("", self)
        self.status_label.setAccessibleName("Report status")
        self.copy_button = QPushButton("&Copy text", self)
        self.pdf_button = QPushButton("Save P&DF…", self)
        self.xlsx_button = QPushButton("Save &xlsx…", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        for button in (self.copy_button, self.pdf_button, self.xlsx_button):
            button.setEnabled(False)
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)

        self._reader = LatestOnly(self)
        self._reader.result_ready.connect(self._on_reader_result_ready)
        self._reader.failed.connect(self._on_reader_failed)
        self.period_combo.currentIndexChanged.connect(self._on_any_changed)
        line_edit_of(self.period_combo).editingFinished.connect(self._on_any_changed)
        for combo in (self.country_combo, self.post_combo, self.agency_combo):
            combo.code_changed.connect(self._on_any_changed)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        self.xlsx_button.clicked.connect(self._on_xlsx_button_clicked)
        self._started = False

    @property
    def report(self) -> Report | None:
        """The report shown."""
        return self._report

    def showEvent(self, event: QShowEvent) -> None:
        # Counted when first shown, not when the window is built.
        if not self._started:
            self._started = True
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        """Count the report again for the current choices."""
        try:
            scope = self.scope()
        except periods.BadPeriod as error:
            self.period_combo.setStyleSheet(INVALID_STYLE)
            self.status_label.setText(str(error))
            return
        self.period_combo.setStyleSheet("")
        ctx = self._ctx
        try:
            groupings = load_groupings(ctx.catalog())
        except UserError as error:
            self.status_label.setText(str(error))
            return
        self.status_label.setText("Counting…")

        def count() -> Report:
            return build_report(ctx, scope, groupings)

        self._reader.start(count)

    def wait(self) -> None:
        """Block until the report is counted (tests and shutdown)."""
        self._reader.wait()

    def scope(self) -> ReportScope:
        """What the widgets select. Raises BadPeriod for unreadable period text."""
        return ReportScope(
            periods.parse_period(period_text(self.period_combo)),
            country=self.country_combo.code(),
            post=self.post_combo.code(),
            agency=self.agency_combo.code(),
        )

    def save_pdf(self, target: Path) -> None:
        """Write the report shown as PDF."""
        if self._report is not None:
            self._save(lambda report: write_report_pdf(report, target))

    def save_xlsx(self, target: Path) -> None:
        """Write the report shown as an xlsx workbook."""
        if self._report is not None:
            self._save(lambda report: save_report_xlsx(self._ctx, report, target))

    def _save(self, write: Callable[[Report], Path]) -> None:
        if self._report is None:
            return
        try:
            path = write(self._report)
        except (UserError, OSError) as error:
            self.status_label.setText(f"Not saved: {error}")
            return
        self.status_label.setText(f"Saved {path}.")

    def _on_any_changed(self, *_args: object) -> None:
        if self._started:
            self.reload()

    def _on_reader_result_ready(self, report: Report) -> None:
        self._report = report
        self.browser.setHtml(report_html(report))
        self.status_label.setText(report.title)
        for button in (self.copy_button, self.pdf_button, self.xlsx_button):
            button.setEnabled(True)
        self.report_shown.emit()

    def _on_reader_failed(self, message: str) -> None:
        self.status_label.setText(f"The report could not be counted: {message}")

    def _on_copy_button_clicked(self) -> None:
        if self._report is not None:
            QApplication.clipboard().setText(self._report.text)
            self.status_label.setText("The sentences are on the clipboard.")

    def _suggested_name(self, suffix: str) -> str:
        label = self._report.scope.period.label if self._report else "report"
        return f"accomplishments-{label.replace('..', '-to-')}{suffix}"

    def _on_pdf_button_clicked(self) -> None:
        path = self._prompts.save_file(
            self, "Save the report as PDF", self._suggested_name(".pdf"), "PDF (*.pdf)"
        )
        if path is not None:
            self.save_pdf(path)

    def _on_xlsx_button_clicked(self) -> None:
        path = self._prompts.save_file(
            self, "Save the figures as xlsx", self._suggested_name(".xlsx"), "Excel (*.xlsx)"
        )
        if path is not None:
            self.save_xlsx(path)
