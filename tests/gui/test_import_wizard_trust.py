"""The import wizard on files a clerk should not have to trust blindly: rows split by
decimal commas are said on the first page, refused, and repaired only when the clerk
ticks the repair; rows can be kept by a column's values; rows that look like stored
seizures are left out unless the clerk imports them too."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from importing_fixtures import write_csv
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QCheckBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.gui.common.widgets import CodeComboBox
from inl_desktop.gui.importing.import_commit import result_summary
from inl_desktop.gui.importing.import_preview import OUTCOME_BRUSHES, PlanModel
from inl_desktop.gui.importing.import_wizard import ImportWizard
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.mapping import load_mapping
from inl_desktop.services.importing.run import (
    DUPLICATE,
    NOT_SELECTED,
    READY,
    REJECTED,
    ImportResult,
)
from inl_desktop.services.importing.targets import ImportKind
from inl_desktop.services.seizures import save_seizure
from inl_desktop.store.models import SeizureEvent, SeizureItem

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)

# Written by a system that puts "," between cells and a decimal comma in numbers,
# unquoted: 12630,15 is two cells.
DECIMAL_COMMA_CSV = (
    "Country,Year,Drug,Kilograms\r\n"
    "Pakistan,2019,Heroin,12630,15\r\n"
    "Pakistan,2019,Opium,33000\r\n"
    "Pakistan,2019,Hashish,1200,5\r\n"
    "Pakistan,2018,Heroin,700\r\n"
)


def open_wizard(qtbot: QtBot, ctx: AppContext, path: Path) -> ImportWizard:
    wizard = ImportWizard(ctx, kind=ImportKind.SEIZURES, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def click(qtbot: QtBot, wizard: ImportWizard, which: ImportWizard.WizardButton) -> None:
    button = wizard.button(which)
    qtbot.waitUntil(button.isEnabled, timeout=30_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def next_page(qtbot: QtBot, wizard: ImportWizard) -> None:
    click(qtbot, wizard, wizard.WizardButton.NextButton)


def wait_for_plan(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.waitUntil(lambda: wizard.state.plan is not None, timeout=30_000)


def import_rows(qtbot: QtBot, wizard: ImportWizard) -> str:
    page = wizard.import_page
    page.errors_check.setChecked(False)
    with qtbot.waitSignal(wizard.records_imported, timeout=30_000):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    return page.result_label.text()


def shown_rows(wizard: ImportWizard) -> dict[str, tuple[str, str]]:
    """Row number -> (outcome, problems and notes) of the rows the preview lists."""
    proxy = wizard.preview_page.proxy
    return {
        proxy.index(row, PlanModel.NUMBER).data(): (
            proxy.index(row, PlanModel.OUTCOME).data(),
            proxy.index(row, PlanModel.PROBLEMS).data(),
        )
        for row in range(proxy.rowCount())
    }


def stored_items(ctx: AppContext) -> list[tuple[str | None, str, Decimal, str]]:
    """(agency, drug, quantity, unit) of every stored seizure item."""
    with ctx.sessions() as session:
        found = session.execute(
            select(
                SeizureEvent.agency, SeizureItem.drug, SeizureItem.quantity, SeizureItem.unit
            ).join(SeizureItem, SeizureItem.event_id == SeizureEvent.id)
        )
        return sorted(tuple(row) for row in found)


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a check box on its box, as a user does."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def set_constant(wizard: ImportWizard, name: str, code: str) -> None:
    editor = wizard.columns_page.constant_editors[name]
    assert isinstance(editor, CodeComboBox)
    editor.set_code(code)


def test_rows_split_by_decimal_commas_are_said_refused_and_repaired_when_chosen(
    qtbot: QtBot, app: QApplication, ctx: AppContext, tmp_path: Path
) -> None:
    source = tmp_path / "country-table.csv"
    source.write_bytes(DECIMAL_COMMA_CSV.encode("utf-8"))
    wizard = open_wizard(qtbot, ctx, source)
    ragged = wizard.source_page.ragged_label
    assert ragged.isVisible()
    assert ragged.text().startswith("2 rows have more cells than the header's 4")
    assert "decimal commas" in ragged.text()

    next_page(qtbot, wizard)
    columns = wizard.columns_page
    columns.choose_column("quantity", "Kilograms")
    set_constant(wizard, "agency", "ANF")
    set_constant(wizard, "unit", "KG")
    assert columns.repair_check.isEnabled()
    assert not columns.repair_check.isChecked()
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    wait_for_plan(qtbot, wizard)
    preview = wizard.preview_page
    assert preview.counts_label.text() == "2 ready · 0 skipped · 2 rejected"
    refused = shown_rows(wizard)
    assert set(refused) == {"2", "4"}
    assert all(outcome == REJECTED for outcome, _ in refused.values())
    assert "5 cells where the header names 4" in refused["2"][1]
    assert any("more cells than the header" in note for note in wizard.state.plan.notes)  # type: ignore[union-attr]

    click(qtbot, wizard, wizard.WizardButton.BackButton)
    click(qtbot, wizard, wizard.WizardButton.BackButton)
    assert wizard.currentPage() is columns
    tick(qtbot, columns.repair_check)
    assert columns.repair_check.isChecked()
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    wait_for_plan(qtbot, wizard)
    assert preview.counts_label.text() == "4 ready · 0 skipped · 0 rejected"
    repaired = shown_rows(wizard)
    assert repaired["2"] == (READY, "Kilograms: 12630,15 (decimal comma joined)")
    assert repaired["4"] == (READY, "Kilograms: 1200,5 (decimal comma joined)")
    assert repaired["3"] == (READY, "")

    next_page(qtbot, wizard)
    profile = tmp_path / "country-table-mapping.json"
    wizard.import_page.profile_check.setChecked(True)
    wizard.import_page.profile_edit.setText(str(profile))
    assert import_rows(qtbot, wizard).startswith("Imported 4, skipped 0, rejected 0.")
    assert stored_items(ctx) == [
        ("ANF", "HASHISH", Decimal("1200.5"), "KG"),
        ("ANF", "HEROIN", Decimal("700"), "KG"),
        ("ANF", "HEROIN", Decimal("12630.15"), "KG"),
        ("ANF", "OPIUM", Decimal("33000"), "KG"),
    ]
    assert load_mapping(profile).repair_decimal_commas
    wizard.accept()

    again = open_wizard(qtbot, ctx, source)
    assert again.source_page.load_profile(profile)
    next_page(qtbot, again)
    assert again.columns_page.repair_check.isChecked()


def test_only_the_rows_of_the_values_kept_are_imported_the_others_counted(
    qtbot: QtBot, app: QApplication, ctx: AppContext, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "regional.csv",
        [["Date", "Agency", "Drug", "Qty", "Country"],
         ["13/03/2019", "ANF", "Heroin", "12 kg", "Pakistan"],
         ["14/03/2019", "ANF", "Opium", "3 kg", "PAKISTAN "],
         ["15/03/2019", "CNPA", "Heroin", "5 kg", "Afghanistan"],
         ["16/03/2019", "NCB Delhi", "Hashish", "2 kg", "India"]],
    )  # fmt: skip
    wizard = open_wizard(qtbot, ctx, source)
    assert not wizard.source_page.ragged_label.isVisible()  # every row has its 5 cells
    next_page(qtbot, wizard)
    wizard.columns_page.choose_column("agency", "Agency")
    row_filter = wizard.columns_page.row_filter
    row_filter.choose("Country")
    # One value per country however it is written, with how many rows have it.
    assert [row_filter.values_list.item(i).text() for i in range(3)] == [
        "Afghanistan  (1 row)",
        "India  (1 row)",
        "Pakistan  (2 rows)",
    ]
    next_page(qtbot, wizard)  # nothing ticked: refused, and said
    assert wizard.currentPage() is wizard.columns_page
    assert "Tick the values of Country" in wizard.columns_page.message_label.text()
    row_filter.set_kept("Pakistan")
    assert row_filter.kept_label.text().startswith("Keeps 2 of 4 rows")

    next_page(qtbot, wizard)
    values = wizard.values_page
    assert values.row_of("ANF") != -1
    assert values.row_of("CNPA") == -1  # the agencies of rows not selected are not asked
    next_page(qtbot, wizard)
    wait_for_plan(qtbot, wizard)
    preview = wizard.preview_page
    assert preview.counts_label.text() == "2 ready · 0 skipped · 0 rejected · 2 not selected"
    preview.show_only(NOT_SELECTED)
    assert set(shown_rows(wizard)) == {"4", "5"}
    outcome = preview.proxy.index(0, PlanModel.OUTCOME)
    assert outcome.data(Qt.ItemDataRole.BackgroundRole) == OUTCOME_BRUSHES[NOT_SELECTED]
    assert OUTCOME_BRUSHES[NOT_SELECTED] != OUTCOME_BRUSHES["skipped"]

    next_page(qtbot, wizard)
    assert "2 rows not selected" in wizard.import_page.summary_label.text()
    profile = tmp_path / "regional-mapping.json"
    wizard.import_page.profile_check.setChecked(True)
    wizard.import_page.profile_edit.setText(str(profile))
    assert import_rows(qtbot, wizard).startswith(
        "Imported 2, skipped 0, rejected 0. 2 not selected."
    )
    assert stored_items(ctx) == [
        ("ANF", "HEROIN", Decimal("12"), "KG"),
        ("ANF", "OPIUM", Decimal("3"), "KG"),
    ]
    assert load_mapping(profile).where == {"Country": ["Pakistan"]}
    wizard.accept()

    again = open_wizard(qtbot, ctx, source)
    assert again.source_page.load_profile(profile)
    next_page(qtbot, again)
    assert again.columns_page.row_filter.header() == "Country"
    assert again.columns_page.row_filter.kept() == ["Pakistan"]


def test_a_row_like_a_stored_seizure_is_left_out_unless_imported_too(
    qtbot: QtBot, app: QApplication, ctx: AppContext, tmp_path: Path
) -> None:
    save_seizure(
        ctx,
        SeizureDraft(
            basis="case",
            event_date=date(2019, 4, 13),
            agency="ANF",
            province="PK-KP",
            status="final",
            source_reference="FIR 12/2019",
            items=[SeizureItemDraft("HEROIN", Decimal("12"), "KG")],
        ),
    )
    source = write_csv(
        tmp_path / "returns.csv",
        [["Date of Seizure", "LEA", "Narcotics", "Qty", "Province"],
         ["13/04/2019", "ANF", "Heroin", "12 kg", "Khyber Pakhtunkhwa"],
         ["20/04/2019", "ANF", "Opium", "3 kg", "Punjab"]],
    )  # fmt: skip
    wizard = open_wizard(qtbot, ctx, source)
    for _ in range(3):
        next_page(qtbot, wizard)
    wait_for_plan(qtbot, wizard)
    preview = wizard.preview_page
    assert preview.counts_label.text() == "1 ready · 0 skipped · 0 rejected · 1 possible duplicate"
    assert preview.duplicates_check.isVisible()
    assert not preview.duplicates_check.isChecked()
    preview.show_only(DUPLICATE)
    outcome, said = shown_rows(wizard)["2"]
    assert outcome == DUPLICATE
    assert said.startswith("possible duplicate of the seizure of 2019-04-13 by ANF")
    assert "FIR 12/2019" in said
    background = preview.proxy.index(0, PlanModel.OUTCOME).data(Qt.ItemDataRole.BackgroundRole)
    assert background == OUTCOME_BRUSHES[DUPLICATE]
    next_page(qtbot, wizard)
    assert "1 possible duplicate left out" in wizard.import_page.summary_label.text()
    assert import_rows(qtbot, wizard) == (
        "Imported 1, skipped 0, rejected 0. 1 possible duplicate left out."
    )
    assert stored_items(ctx) == [
        ("ANF", "HEROIN", Decimal("12"), "KG"),
        ("ANF", "OPIUM", Decimal("3"), "KG"),
    ]
    wizard.accept()

    again = open_wizard(qtbot, ctx, source)
    for _ in range(3):
        next_page(qtbot, again)
    wait_for_plan(qtbot, again)
    assert again.preview_page.counts_label.text().endswith("1 possible duplicate")
    tick(qtbot, again.preview_page.duplicates_check)
    qtbot.waitUntil(
        lambda: again.preview_page.counts_label.text() == "1 ready · 1 skipped · 0 rejected",
        timeout=30_000,
    )
    again.preview_page.show_only(READY)
    outcome, said = shown_rows(again)["2"]
    assert outcome == READY
    assert said.startswith("possible duplicate of the seizure of 2019-04-13 by ANF")
    next_page(qtbot, again)
    assert import_rows(qtbot, again) == "Imported 1, skipped 1, rejected 0."
    assert stored_items(ctx) == [
        ("ANF", "HEROIN", Decimal("12"), "KG"),
        ("ANF", "HEROIN", Decimal("12"), "KG"),
        ("ANF", "OPIUM", Decimal("3"), "KG"),
    ]


def test_the_result_of_a_training_import_says_how_many_sessions_the_rows_made() -> None:
    result = ImportResult(167, 2, 1, None, duplicates=0, not_selected=40, sessions=113)
    assert result_summary(result) == (
        "Imported 167 into 113 sessions, skipped 2, rejected 1. 40 not selected."
    )
