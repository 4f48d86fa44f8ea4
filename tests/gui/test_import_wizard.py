"""The import wizard: a messy CSV read, mapped, previewed and imported; the rejected
rows saved to a workbook; the saved mapping reused; a second import adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inl_desktop.exchange.import_errors import ERRORS_SHEET
from inl_desktop.exchange.sources import read_source
from inl_desktop.gui.importing.import_preview import PROBLEM_BRUSH, PlanModel
from inl_desktop.gui.importing.import_source import HEADER_BRUSH
from inl_desktop.gui.importing.import_values import UNKNOWN_BRUSH
from inl_desktop.gui.importing.import_wizard import ImportWizard
from inl_desktop.gui.main_window import PEOPLE_AREA, MainWindow
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.mapping import load_mapping
from inl_desktop.services.importing.targets import ImportKind
from inl_desktop.store.models import SeizureEvent, SeizureItem

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)

MESSY_CSV = (
    "ANF Islamabad seizure register 2019,,,,\n"
    ",,,,\n"
    "Date,Agency,Drug,Qty,Place\n"
    "13/03/2019,ANF,Charas,12 kg,Islamabad\n"
    "14/03/2019,Customs,Heroin,3.5 kg,Rawalpindi\n"
    "03/04/2019,Frontier Police X,Hashish,2 kg,Attock\n"
    "05/04/2019,ANF,Opium,abc,Attock\n"
    "Total,,,17.5 kg,\n"
)


@pytest.fixture
def messy_csv(tmp_path: Path) -> Path:
    path = tmp_path / "register.csv"
    path.write_text(MESSY_CSV, encoding="utf-8")
    return path


def open_wizard(qtbot: QtBot, ctx: AppContext, path: Path) -> ImportWizard:
    wizard = ImportWizard(ctx, kind=ImportKind.SEIZURES, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def next_page(qtbot: QtBot, wizard: ImportWizard) -> None:
    button = wizard.button(wizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=30_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_for_plan(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.waitUntil(lambda: wizard.state.plan is not None, timeout=30_000)


def stored_seizures(ctx: AppContext) -> list[tuple[date | None, str | None, str, Decimal, str]]:
    with ctx.sessions() as session:
        rows = session.execute(
            select(
                SeizureEvent.event_date,
                SeizureEvent.agency,
                SeizureItem.drug,
                SeizureItem.quantity,
                SeizureItem.unit,
            )
            .join(SeizureItem, SeizureItem.event_id == SeizureEvent.id)
            .order_by(SeizureEvent.event_date)
        )
        return [tuple(row) for row in rows]


def test_a_messy_csv_is_mapped_previewed_and_imported_once(
    qtbot: QtBot, app: QApplication, ctx: AppContext, messy_csv: Path, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, ctx, messy_csv)
    source = wizard.source_page
    assert source.header_spin.value() == 3
    assert source.preview.item(2, 0).text() == "Date"
    assert source.preview.item(2, 0).background() == HEADER_BRUSH
    assert source.preview.item(0, 0).background() != HEADER_BRUSH

    next_page(qtbot, wizard)
    columns = wizard.columns_page
    assert columns.column_combos["agency"].currentText() == "Agency"
    assert columns.column_combos["quantity"].currentText() == "Qty"
    assert columns.column_combos["province"].currentText() == "— not in the file —"
    columns.choose_column("place", None)
    columns.choose_column("place", "Place")

    next_page(qtbot, wizard)
    values = wizard.values_page
    charas = values.row_of("Charas")
    assert values.code_combo(charas).code() == "HASHISH"
    unknown = values.row_of("Frontier Police X")
    assert values.is_unknown(unknown)
    assert values.table.item(unknown, values.TEXT).background() == UNKNOWN_BRUSH
    assert "1 text matches no code" in values.unknown_label.text()
    values.code_combo(unknown).set_code("FC_KP")
    assert not values.is_unknown(unknown)
    assert values.unknown_label.text() == ""

    next_page(qtbot, wizard)
    preview = wizard.preview_page
    wait_for_plan(qtbot, wizard)
    assert preview.counts_label.text() == "3 ready · 1 skipped · 1 rejected"
    # Rejected rows are shown first; the quantity that cannot be read is marked.
    assert preview.proxy.rowCount() == 1
    rejected = preview.proxy.mapToSource(preview.proxy.index(0, 0)).row()
    assert preview.model.index(rejected, 0).data() == "7"
    qty = PlanModel.FIRST_CELL + wizard.state.plan.headers.index("Qty")  # type: ignore[union-attr]
    assert preview.model.index(rejected, qty).data(Qt.ItemDataRole.BackgroundRole) == PROBLEM_BRUSH
    problems = preview.model.index(rejected, preview.model.problems_column).data()
    assert "'abc' is not a quantity" in problems
    preview.show_only("skipped")
    assert preview.proxy.rowCount() == 1
    assert "total" in preview.proxy.index(0, preview.model.problems_column).data()
    preview.show_only("")
    assert preview.proxy.rowCount() == 5
    assert any("day-first" in note for note in wizard.state.plan.notes)  # type: ignore[union-attr]

    next_page(qtbot, wizard)
    page = wizard.import_page
    errors = tmp_path / "rejected.xlsx"
    profile = tmp_path / "register-mapping.json"
    assert page.errors_check.isChecked()
    page.errors_edit.setText(str(errors))
    page.profile_check.setChecked(True)
    page.profile_name_edit.setText("ANF register")
    page.profile_edit.setText(str(profile))
    finish = wizard.button(wizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    with qtbot.waitSignal(wizard.records_imported, timeout=30_000):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert page.result_label.text().startswith("Imported 3, skipped 1, rejected 1.")
    assert str(errors) in page.result_label.text()
    assert finish.isEnabled()
    assert not page.import_button.isEnabled()

    assert stored_seizures(ctx) == [
        (date(2019, 3, 13), "ANF", "HASHISH", Decimal("12"), "KG"),
        (date(2019, 3, 14), "CUSTOMS", "HEROIN", Decimal("3.5"), "KG"),
        (date(2019, 4, 3), "FC_KP", "HASHISH", Decimal("2"), "KG"),
    ]
    workbook = read_source(errors, sheet=ERRORS_SHEET, header_row=1)
    assert len(workbook.data()) == 1
    assert "abc" in workbook.data()[0][1]
    saved = load_mapping(profile)
    assert saved.name == "ANF register"
    assert saved.value_code("agency", "Frontier Police X") == "FC_KP"
    wizard.accept()

    again = open_wizard(qtbot, ctx, messy_csv)
    assert again.source_page.load_profile(profile)
    next_page(qtbot, again)
    assert again.columns_page.column_combos["quantity"].currentText() == "Qty"
    next_page(qtbot, again)
    row = again.values_page.row_of("Frontier Police X")
    assert again.values_page.code_combo(row).code() == "FC_KP"
    assert not again.values_page.is_unknown(row)
    next_page(qtbot, again)
    wait_for_plan(qtbot, again)
    assert again.preview_page.counts_label.text() == "0 ready · 4 skipped · 1 rejected"
    next_page(qtbot, again)
    again.import_page.errors_check.setChecked(False)
    with qtbot.waitSignal(again.records_imported, timeout=30_000):
        qtbot.mouseClick(again.import_page.import_button, Qt.MouseButton.LeftButton)
    assert again.import_page.result_label.text() == "Imported 0, skipped 4, rejected 1."
    assert len(stored_seizures(ctx)) == 3


def test_an_unknown_value_can_be_added_as_a_new_code(
    qtbot: QtBot, app: QApplication, ctx: AppContext, messy_csv: Path
) -> None:
    wizard = open_wizard(qtbot, ctx, messy_csv)
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    values = wizard.values_page
    row = values.row_of("Frontier Police X")
    qtbot.mouseClick(values.new_check(row), Qt.MouseButton.LeftButton)
    assert values.new_check(row).isChecked()
    assert not values.is_unknown(row)
    next_page(qtbot, wizard)
    wait_for_plan(qtbot, wizard)
    assert wizard.preview_page.counts_label.text() == "3 ready · 1 skipped · 1 rejected"
    next_page(qtbot, wizard)
    wizard.import_page.errors_check.setChecked(False)
    with qtbot.waitSignal(wizard.records_imported, timeout=30_000):
        qtbot.mouseClick(wizard.import_page.import_button, Qt.MouseButton.LeftButton)
    assert ctx.catalog().label("agencies", "FRONTIER_POLICE_X") == "Frontier Police X"
    assert ("FRONTIER_POLICE_X", Decimal("2")) in [
        (agency, quantity) for _, agency, _, quantity, _ in stored_seizures(ctx)
    ]


def test_an_unreadable_file_is_explained_and_next_stays_off(
    qtbot: QtBot, app: QApplication, ctx: AppContext, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wizard = open_wizard(qtbot, ctx, empty)
    assert "empty" in wizard.source_page.message_label.text()
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()


def test_the_file_menu_opens_the_wizard_for_the_area_and_the_counts_follow(
    qtbot: QtBot, app: QApplication, ctx: AppContext, db_path: Path, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.tsv"
    roster.write_text(
        "Participants of the 2019 courses\nName\tGender\tAgency\n"
        "Ali Khan\tM\tANF\nSara Bibi\tFemale\tPakistan Customs\n",
        encoding="utf-16",
    )
    window = MainWindow(ctx, db_path)
    qtbot.addWidget(window)
    window.show()
    window.show_area(PEOPLE_AREA)
    file_menu = window.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text() == "&Import a spreadsheet…")
    assert action.shortcut().toString() == "Ctrl+I"
    action.trigger()
    wizard = window.findChild(ImportWizard)
    assert wizard is not None
    assert wizard.source_page.kind() is ImportKind.PERSONS
    wizard.source_page.open_file(roster)
    assert wizard.source_page.encoding_combo.currentText() == "utf-16"
    assert wizard.source_page.header_spin.value() == 2
    for _ in range(3):
        next_page(qtbot, wizard)
    wait_for_plan(qtbot, wizard)
    assert wizard.preview_page.counts_label.text() == "2 ready · 0 skipped · 0 rejected"
    next_page(qtbot, wizard)
    assert not wizard.import_page.errors_check.isEnabled()
    with qtbot.waitSignal(wizard.records_imported, timeout=30_000):
        qtbot.mouseClick(wizard.import_page.import_button, Qt.MouseButton.LeftButton)
    assert "2 persons" in window.counts_label.text()
    wizard.accept()
