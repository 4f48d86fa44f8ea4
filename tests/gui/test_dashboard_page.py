"""The Dashboard and Report areas: the charts' figures, a click on a bar opening the list
filtered to it, and the report's sentences, copy and files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCharts import QBarSet
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import AttendanceCountDraft, SeizureDraft, SeizureItemDraft
from inl_desktop.gui.main_window import MainWindow
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import save_seizure
from inl_desktop.services.trainings import save_training
from tests.services.service_builders import counts_training

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)
DASHBOARD_AREA, REPORT_AREA = 7, 8


def _seizure(day: date, agency: str, province: str, drug: str, kg: str) -> SeizureDraft:
    return SeizureDraft(
        basis="case",
        event_date=day,
        agency=agency,
        province=province,
        status="final",
        items=[SeizureItemDraft(drug=drug, quantity=Decimal(kg), unit="KG")],
    )


@pytest.fixture
def recorded(ctx: AppContext) -> AppContext:
    """Within FY2026 (the test clock's fiscal year) and one seizure before it."""
    for draft in (
        _seizure(date(2026, 3, 10), "ANF", "PK-KP", "HEROIN", "2"),
        _seizure(date(2026, 3, 20), "CUSTOMS", "PK-SD", "HASHISH", "5"),
        _seizure(date(2026, 5, 2), "ANF", "PK-KP", "HASHISH", "1.5"),
        _seizure(date(2025, 9, 30), "ANF", "PK-KP", "HEROIN", "100"),
    ):
        save_seizure(ctx, draft)
    save_training(ctx, counts_training())  # 2 March 2026: 11 women, 28 men, in-country
    return ctx


@pytest.fixture
def window(
    qtbot: QtBot, app: QApplication, recorded: AppContext, db_path: Path
) -> Iterator[MainWindow]:
    shown = MainWindow(recorded, db_path)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.close()


def _shown_figures(qtbot: QtBot, window: MainWindow) -> None:
    page = window.dashboard
    with qtbot.waitSignal(page.figures_shown, timeout=10_000):
        page.reload()


def test_the_charts_add_up_the_fiscal_year(qtbot: QtBot, window: MainWindow) -> None:
    window.show_area(DASHBOARD_AREA)
    _shown_figures(qtbot, window)
    figures = window.dashboard.figures
    assert figures.by_agency == {"ANF": Decimal("3.5"), "CUSTOMS": Decimal(5)}
    assert figures.by_province == {"PK-KP": Decimal("3.5"), "PK-SD": Decimal(5)}
    march = figures.months.index("2026-03")
    assert figures.by_month_group["OPIOIDS"][march] == Decimal(2)
    assert figures.by_month_group["CANNABIS"][march] == Decimal(5)
    assert figures.trainees == {("POLICE_OFFICER", "F"): 11, ("POLICE_OFFICER", "M"): 28}
    assert figures.sessions_by_venue == {"IN_COUNTRY": 1}
    bars = window.dashboard.agency_view.chart().series()[0].barSets()[0]
    assert [bars.at(n) for n in range(bars.count())] == [5.0, 3.5]
    axis = window.dashboard.agency_view.chart().axes(Qt.Orientation.Vertical)[0]
    assert axis.categories() == ["Pakistan Customs", "Anti-Narcotics Force"]


def test_trainees_whose_sex_is_not_recorded_are_a_series_of_their_own(
    qtbot: QtBot, window: MainWindow, recorded: AppContext
) -> None:
    window.show_area(DASHBOARD_AREA)
    _shown_figures(qtbot, window)

    def bars() -> dict[str, list[float]]:
        series = window.dashboard.trainees_view.chart().series()[0]
        return {s.label(): [s.at(n) for n in range(s.count())] for s in series.barSets()}

    assert bars() == {"Women": [11.0], "Men": [28.0]}  # none unrecorded: no such series

    save_training(
        recorded,
        counts_training(
            counts=[
                AttendanceCountDraft(
                    audience="POLICE_OFFICER", sex="U", enrolled=200, completed=193
                )
            ],
            title="Narcotics investigation",
        ),
    )
    _shown_figures(qtbot, window)

    assert bars() == {"Women": [11.0], "Men": [28.0], "Sex not recorded": [193.0]}


def test_clicking_an_agency_bar_opens_the_seizure_list_filtered_to_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.show_area(DASHBOARD_AREA)
    _shown_figures(qtbot, window)
    bars: QBarSet = window.dashboard.agency_view.chart().series()[0].barSets()[0]
    bars.clicked.emit(1)  # ANF, the second-largest
    assert window.pages.currentWidget() is window.seizures
    shown = window.seizures.model.current_filter
    assert (shown.agency, shown.basis) == ("ANF", "case")
    assert (shown.start, shown.end) == (date(2025, 10, 1), date(2026, 9, 30))
    assert window.seizures.model.rowCount() == 2


def test_clicking_a_month_opens_that_month_and_drug_group(qtbot: QtBot, window: MainWindow) -> None:
    window.show_area(DASHBOARD_AREA)
    _shown_figures(qtbot, window)
    dashboard = window.dashboard
    series = dashboard.months_view.chart().series()[0]
    cannabis = next(s for s in series.barSets() if s.label() == "Cannabis-type")
    cannabis.clicked.emit(dashboard.figures.months.index("2026-03"))
    shown = window.seizures.model.current_filter
    assert (shown.start, shown.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert "HASHISH" in shown.drugs and "HEROIN" not in shown.drugs
    assert window.seizures.model.rowCount() == 1


def test_clicking_an_audience_opens_the_trainings_list(qtbot: QtBot, window: MainWindow) -> None:
    window.show_area(DASHBOARD_AREA)
    _shown_figures(qtbot, window)
    women = window.dashboard.trainees_view.chart().series()[0].barSets()[0]
    women.clicked.emit(0)
    assert window.pages.currentWidget() is window.trainings
    assert window.trainings.model.current_filter.audience == "POLICE_OFFICER"
    assert window.trainings.model.rowCount() == 1


def test_the_report_page_shows_copies_and_saves_the_report(
    qtbot: QtBot, window: MainWindow, app: QApplication, tmp_path: Path
) -> None:
    page = window.report
    with qtbot.waitSignal(page.report_shown, timeout=10_000):
        window.show_area(REPORT_AREA)
        page.period_combo.setEditText("2026M1-5")
        page.period_combo.lineEdit().editingFinished.emit()
    sentence = (
        "Pakistan's law enforcement agencies reported seizing 2 kg of morphine and heroin "
        "and 6.5 kg of hashish during the first 5 months of 2026."
    )
    qtbot.waitUntil(lambda: page.report is not None and page.report.sentences[0] == sentence)
    assert sentence in page.browser.toPlainText()
    page.copy_button.click()
    assert app.clipboard().text().startswith(sentence)

    page.save_xlsx(tmp_path / "report.xlsx")
    page.save_pdf(tmp_path / "report.pdf")
    sheet = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)["Sentences"]
    assert next(sheet.iter_rows(min_row=2, values_only=True))[1] == sentence
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


def test_an_unreadable_period_is_said_and_nothing_counted(qtbot: QtBot, window: MainWindow) -> None:
    page = window.report
    window.show_area(REPORT_AREA)
    page.period_combo.setEditText("2026M9-2")
    page.period_combo.lineEdit().editingFinished.emit()
    assert "2026M9-2" in page.status_label.text()
