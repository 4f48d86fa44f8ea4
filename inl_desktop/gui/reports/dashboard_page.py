"""The Dashboard area: charts of seizures and trainings for the seizure list's filters.

Clicking a bar asks the main window to open the Seizures or Trainings list filtered to
that bar (``seizures_requested`` / ``trainings_requested`` with the filter bar's
selection as keyword arguments).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from inl_desktop.domain.fields import SEX_NOT_RECORDED
from inl_desktop.domain.periods import fiscal_year_of
from inl_desktop.gui.common.workers import LatestOnly
from inl_desktop.gui.seizures.seizure_filters import GROUP_PREFIX, SeizureFilterBar
from inl_desktop.services.context import AppContext
from inl_desktop.services.reports.dashboard_read import (
    DashboardFigures,
    SeizureFilter,
    read_dashboard,
)

SEXES = (("F", "Women"), ("M", "Men"))
# Shown only when some trainee's sex is not recorded; never folded into women or men.
SEX_NOT_RECORDED_SERIES = (SEX_NOT_RECORDED, "Sex not recorded")
BASIS_TITLES = {
    "case": "individual seizures",
    "aggregate": "aggregate reports",
    None: "individual seizures and aggregate reports added together",
}
CHART_HEIGHT = 340
TALL_CHART_HEIGHT = 480  # a label per agency or audience category, without eliding
MAX_BARS = 15  # the agencies with most kg-equivalent; the others show in the list


def _chart_view(title: str, parent: QWidget) -> QChartView:
    chart = QChart()
    chart.setTitle(title)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setAccessibleName(title)
    view.setMinimumSize(360, CHART_HEIGHT)
    return view


class DashboardPage(QWidget):
    """Five charts under the seizure filter bar; the figures are read off the GUI thread."""

    seizures_requested = Signal(dict)
    trainings_requested = Signal(dict)
    figures_shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._figures = DashboardFigures()
        self._group_codes: list[str] = []
        self._agency_codes: list[str] = []
        self._province_codes: list[str] = []
        self._trainee_codes: list[str] = []
        self._venue_codes: list[str] = []
        layout = QVBoxLayout(self)
        self.filter_bar = SeizureFilterBar(ctx.catalog(), ctx.today(), self)
        self.filter_bar.deleted_check.setVisible(False)
        layout.addWidget(self.filter_bar)
        self.status_label = QLabel("", self)
        self.status_label.setAccessibleName("Dashboard status")
        layout.addWidget(self.status_label)

        self.months_view = _chart_view("Seizures by month and drug group (kg-equivalent)", self)
        self.agency_view = _chart_view("Seizures by agency (kg-equivalent)", self)
        self.province_view = _chart_view("Seizures by province (kg-equivalent)", self)
        self.trainees_view = _chart_view(
            "Completed trainings by audience category and sex (person-trainings)", self
        )
        self.venue_view = _chart_view("Training sessions by venue", self)
        charts = QWidget(self)
        grid = QGridLayout(charts)
        for view in (self.agency_view, self.province_view, self.trainees_view, self.venue_view):
            view.setMinimumHeight(TALL_CHART_HEIGHT)
        grid.addWidget(self.months_view, 0, 0, 1, 2)
        grid.addWidget(self.agency_view, 1, 0)
        grid.addWidget(self.province_view, 1, 1)
        grid.addWidget(self.trainees_view, 2, 0)
        grid.addWidget(self.venue_view, 2, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(charts)
        layout.addWidget(scroll, 1)

        self._reader = LatestOnly(self)
        self._reader.result_ready.connect(self._on_reader_result_ready)
        self._reader.failed.connect(self._on_reader_failed)
        self.filter_bar.filter_changed.connect(self._on_filter_bar_filter_changed)
        # A fiscal year of individual seizures to start with: the whole history of a
        # large database takes seconds to add up, and the two bases must not be added.
        fy = fiscal_year_of(ctx.today())
        self.filter_bar.select(period=f"FY{fy}", basis="case")

    @property
    def figures(self) -> DashboardFigures:
        """The figures the charts show."""
        return self._figures

    def reload(self) -> None:
        """Read the figures again (after records changed)."""
        self._start(self.filter_bar.current_filter())

    def wait(self) -> None:
        """Block until the figures are read (shutdown, tests and benchmarks)."""
        self._reader.wait()

    def refresh_reference_lists(self) -> None:
        """Offer the current reference lists in the filters."""
        self.filter_bar.set_catalog(self._ctx.catalog())
        self.reload()

    def _start(self, filter_: SeizureFilter) -> None:
        ctx = self._ctx
        catalog = ctx.catalog()
        self.status_label.setText("Adding up…")

        def read() -> DashboardFigures:
            return read_dashboard(ctx, filter_, catalog)

        self._reader.start(read)

    def _on_filter_bar_filter_changed(self, filter_: SeizureFilter) -> None:
        self._start(filter_)

    def _on_reader_failed(self, message: str) -> None:
        self.status_label.setText(f"The figures could not be read: {message}")

    def _on_reader_result_ready(self, figures: DashboardFigures) -> None:
        self.show_figures(figures)

    # Drawing ----------------------------------------------------------------------

    def show_figures(self, figures: DashboardFigures) -> None:
        """Draw every chart from ``figures``."""
        self._figures = figures
        catalog = self._ctx.catalog()
        basis = self.filter_bar.current_filter().basis
        self.status_label.setText(
            f"Seizures: {BASIS_TITLES.get(basis, basis)}"
            + ("" if basis else " (choose a basis to avoid counting an agency twice)")
            + ". Click a bar to open the list filtered to it."
        )

        self._group_codes = list(figures.by_month_group)
        sets = []
        for group in self._group_codes:
            bar_set = QBarSet(catalog.label("drug_groups", group) or "Other")
            bar_set.append([float(v) for v in figures.by_month_group[group]])
            sets.append(bar_set)
        self._draw(self.months_view, QStackedBarSeries(), sets, list(figures.months), False)
        for bar_set, group in zip(sets, self._group_codes, strict=True):
            bar_set.clicked.connect(lambda index, g=group: self._on_month_bar_clicked(g, index))

        agencies = sorted(figures.by_agency.items(), key=lambda item: -item[1])
        shown = agencies[:MAX_BARS]
        self._agency_codes = [code for code, _ in shown]
        self._single_bars(
            self.agency_view,
            "kg-equivalent",
            [(catalog.label("agencies", c), v) for c, v in shown],
            self._on_agency_bar_clicked,
        )
        provinces = sorted(figures.by_province.items(), key=lambda item: -item[1])
        self._province_codes = [code for code, _ in provinces]
        self._single_bars(
            self.province_view,
            "kg-equivalent",
            [(catalog.label("provinces", c), v) for c, v in provinces],
            self._on_province_bar_clicked,
        )

        audiences = sorted({a for a, _ in figures.trainees})
        self._trainee_codes = audiences
        sex_sets = []
        sexes = list(SEXES)
        if any(sex == SEX_NOT_RECORDED and n for (_, sex), n in figures.trainees.items()):
            sexes.append(SEX_NOT_RECORDED_SERIES)
        for sex, label in sexes:
            bar_set = QBarSet(label)
            bar_set.append([float(figures.trainees.get((a, sex), 0)) for a in audiences])
            sex_sets.append(bar_set)
            bar_set.clicked.connect(self._on_trainee_bar_clicked)
        categories = [
            catalog.label("audience_categories", a) if a else "Not recorded" for a in audiences
        ]
        self._draw(self.trainees_view, QHorizontalBarSeries(), sex_sets, categories, True)

        venues = sorted(figures.sessions_by_venue.items())
        self._venue_codes = [code for code, _ in venues]
        self._single_bars(
            self.venue_view,
            "sessions",
            [(catalog.label("venue_types", c) or "Not recorded", Decimal(n)) for c, n in venues],
            self._on_venue_bar_clicked,
        )
        self.figures_shown.emit()

    def _single_bars(
        self,
        view: QChartView,
        name: str,
        values: list[tuple[str, Decimal]],
        on_clicked: Callable[[int], None],
    ) -> None:
        bar_set = QBarSet(name)
        bar_set.append([float(v) for _, v in values])
        bar_set.clicked.connect(on_clicked)
        self._draw(view, QHorizontalBarSeries(), [bar_set], [label for label, _ in values], True)
        view.chart().legend().setVisible(False)

    def _draw(
        self,
        view: QChartView,
        series: QAbstractBarSeries,
        sets: list[QBarSet],
        categories: list[str],
        horizontal: bool,
    ) -> None:
        chart = view.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        highest = 0.0
        for bar_set in sets:
            series.append(bar_set)
        if isinstance(series, QStackedBarSeries):
            totals = [sum(s.at(n) for s in sets) for n in range(len(categories))]
            highest = max(totals, default=0.0)
        else:
            highest = max((s.at(n) for s in sets for n in range(s.count())), default=0.0)
        chart.addSeries(series)
        category_axis = QBarCategoryAxis()
        category_axis.append(categories or [""])
        value_axis = QValueAxis()
        value_axis.setLabelFormat("%.0f")
        value_axis.setRange(0, highest or 1)
        value_axis.applyNiceNumbers()
        if horizontal:
            chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
            if len(categories) > 24:
                category_axis.setLabelsAngle(-90)
        series.attachAxis(category_axis)
        series.attachAxis(value_axis)
        chart.legend().setVisible(len(sets) > 1)

    # Clicks -------------------------------------------------------------------------

    def _selection(self) -> dict[str, object]:
        filter_ = self.filter_bar.current_filter()
        drug = self.filter_bar.drug_combo.code()
        return {
            "period": self.filter_bar.period_text(),
            "agency": filter_.agency,
            "drug": drug,
            "province": filter_.province,
            "basis": filter_.basis,
        }

    def _on_month_bar_clicked(self, group: str, index: int) -> None:
        selection = self._selection()
        selection |= {"period": self._figures.months[index], "drug": GROUP_PREFIX + group}
        self.seizures_requested.emit(selection)

    def _on_agency_bar_clicked(self, index: int) -> None:
        self.seizures_requested.emit(self._selection() | {"agency": self._agency_codes[index]})

    def _on_province_bar_clicked(self, index: int) -> None:
        self.seizures_requested.emit(self._selection() | {"province": self._province_codes[index]})

    def _on_trainee_bar_clicked(self, index: int) -> None:
        audience = self._trainee_codes[index] or None
        self.trainings_requested.emit(
            {"period": self.filter_bar.period_text(), "audience": audience}
        )

    def _on_venue_bar_clicked(self, index: int) -> None:
        venue = self._venue_codes[index] or None
        self.trainings_requested.emit(
            {"period": self.filter_bar.period_text(), "venue_type": venue}
        )
