"""The seizure list page: the model, filters and search, totals, delete and undo, columns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.gui.main_window import MainWindow
from inl_desktop.gui.seizures.seizure_page import SeizurePage
from inl_desktop.gui.seizures.seizure_table import UUID_ROLE, SeizureTableModel
from inl_desktop.services.context import AppContext
from inl_desktop.services.demo import generate_demo
from inl_desktop.services.seizures import save_seizure
from inl_desktop.store.seizure_list import COLUMN_KEYS, PAGE_SIZE


def record(ctx: AppContext, day: date, agency: str, drug: str, quantity: str, place: str) -> str:
    draft = SeizureDraft(
        event_date=day,
        agency=agency,
        province="PK-PB",
        place=place,
        status="final",
        items=[SeizureItemDraft(drug, Decimal(quantity), "KG")],
    )
    return save_seizure(ctx, draft).uuid


@pytest.fixture
def three(ctx: AppContext) -> dict[str, str]:
    return {
        "heroin": record(ctx, date(2020, 5, 1), "ANF", "HEROIN", "2.5", "Torkham border"),
        "hashish": record(ctx, date(2020, 6, 1), "FC_BA", "HASHISH", "700", "Quetta checkpost"),
        "opium": record(ctx, date(2020, 7, 1), "ANF", "OPIUM", "15", "Chaman checkpost"),
    }


@pytest.fixture
def window(qtbot: QtBot, app: QApplication, ctx: AppContext, db_path: Path) -> Iterator[MainWindow]:
    shown = MainWindow(ctx, db_path)
    qtbot.addWidget(shown)
    shown.show_area(1)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.seizures.wait_for_totals()


def shown_uuids(page: SeizurePage) -> list[str]:
    model = page.model
    return [model.data(model.index(row, 0), UUID_ROLE) for row in range(model.rowCount())]


def cell(page: SeizurePage, row: int, key: str) -> str:
    return page.model.data(page.model.index(row, COLUMN_KEYS.index(key)))


def totals_text(qtbot: QtBot, page: SeizurePage) -> str:
    page.wait_for_totals()
    qtbot.waitUntil(lambda: page.totals_label.text() != "Counting…")
    return page.totals_label.text()


def test_the_model_passes_qts_model_checks(
    qtmodeltester: ModelTester, ctx: AppContext, three: dict[str, str]
) -> None:
    model = SeizureTableModel(ctx)
    model.reload()
    qtmodeltester.check(model)
    model.sort(COLUMN_KEYS.index("quantity"), Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)


def test_the_model_fetches_more_rows_as_the_view_needs_them(ctx: AppContext) -> None:
    generate_demo(ctx, seizure_items=PAGE_SIZE * 2 + 10, trainings=0)
    model = SeizureTableModel(ctx)
    model.reload()
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE * 2 + 10
    assert not model.canFetchMore()


def test_the_list_shows_labels_and_exact_figures(window: MainWindow, three: dict) -> None:
    page = window.seizures
    page.model.reload()
    assert shown_uuids(page) == [three["opium"], three["hashish"], three["heroin"]]
    assert cell(page, 1, "agency") == "Frontier Corps Balochistan"
    assert cell(page, 1, "quantity") == "700"
    assert cell(page, 2, "kg_equivalent") == "2.500"
    assert cell(page, 2, "date") == "2020-05-01"


def test_typing_a_search_narrows_the_list_and_the_totals(
    qtbot: QtBot, window: MainWindow, three: dict[str, str]
) -> None:
    page = window.seizures
    page.model.reload()
    qtbot.keyClicks(page.filter_bar.search_edit, "checkpost")
    assert set(shown_uuids(page)) == {three["hashish"], three["opium"]}
    assert totals_text(qtbot, page).startswith("2 items · 715.000 kg-equivalent")


def test_choosing_an_agency_filters_the_list(
    qtbot: QtBot, window: MainWindow, three: dict[str, str]
) -> None:
    page = window.seizures
    combo = page.filter_bar.agency_combo
    combo.set_code("ANF")
    assert set(shown_uuids(page)) == {three["heroin"], three["opium"]}
    assert totals_text(qtbot, page).startswith("2 items · 17.500 kg-equivalent")


def test_a_period_typed_as_a_fiscal_year_filters_by_date(
    qtbot: QtBot, window: MainWindow, three: dict[str, str]
) -> None:
    page = window.seizures
    period = page.filter_bar.period_combo
    period.setEditText("2020-06-01..2020-07-31")
    period.lineEdit().editingFinished.emit()
    assert set(shown_uuids(page)) == {three["hashish"], three["opium"]}
    period.setEditText("FY2019")
    period.lineEdit().editingFinished.emit()
    assert shown_uuids(page) == []


def test_an_unreadable_period_is_marked_and_explained(window: MainWindow) -> None:
    period = window.seizures.filter_bar.period_combo
    period.setEditText("next year")
    period.lineEdit().editingFinished.emit()
    assert "not understood" in period.toolTip()


def test_delete_then_undo_restores_the_seizure(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, three: dict[str, str]
) -> None:
    page = window.seizures
    page.model.reload()
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)

    assert three["opium"] not in shown_uuids(page)
    assert window.undo_button.isVisible()
    assert "Deleted seizure" in window.statusBar().currentMessage()
    with ctx.engine.connect() as connection:
        deleted = connection.exec_driver_sql(
            "SELECT deleted_at IS NOT NULL FROM seizure_events WHERE uuid = ?", (three["opium"],)
        ).scalar()
    assert deleted == 1

    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert three["opium"] in shown_uuids(page)
    assert not window.undo_button.isVisible()


def test_the_deleted_view_lists_deleted_seizures_and_restores_them(
    qtbot: QtBot, window: MainWindow, three: dict[str, str]
) -> None:
    page = window.seizures
    page.model.reload()
    page.table.selectRow(shown_uuids(page).index(three["heroin"]))
    page.delete_selected()
    page.filter_bar.deleted_check.setChecked(True)
    assert shown_uuids(page) == [three["heroin"]]
    assert page.restore_button.isVisible()
    page.table.selectRow(0)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert shown_uuids(page) == []
    page.filter_bar.deleted_check.setChecked(False)
    assert three["heroin"] in shown_uuids(page)


def test_enter_opens_the_selected_seizure_in_the_form(
    qtbot: QtBot, window: MainWindow, three: dict[str, str]
) -> None:
    page = window.seizures
    page.model.reload()
    page.table.setFocus()
    page.table.selectRow(shown_uuids(page).index(three["hashish"]))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.form


def test_hidden_columns_are_remembered(
    qtbot: QtBot, app: QApplication, ctx: AppContext, db_path: Path
) -> None:
    first = MainWindow(ctx, db_path)
    qtbot.addWidget(first)
    place = COLUMN_KEYS.index("place")
    actions = first.seizures.columns_button.menu().actions()
    actions[place].setChecked(False)
    assert first.seizures.table.isColumnHidden(place)
    first.close()
    QSettings().sync()

    second = MainWindow(ctx, db_path)
    qtbot.addWidget(second)
    assert second.seizures.table.isColumnHidden(place)
    assert not second.seizures.columns_button.menu().actions()[place].isChecked()
    second.seizures.wait_for_totals()
    first.seizures.wait_for_totals()
