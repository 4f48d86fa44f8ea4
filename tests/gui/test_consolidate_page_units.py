"""The Consolidate page says what HQ does: a workbook with a rejected row is not merged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.gui.exchange.consolidate_page import HEADERS, ConsolidatePage
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.seizures import save_seizure
from inl_desktop.services.setup import set_up_post
from inl_desktop.store.migrate import backup_database, open_database
from tests.signing_helpers import register_posts, sign_again


def seizure(drug: str, day: int) -> SeizureDraft:
    return SeizureDraft(
        event_date=date(2020, 3, day),
        agency="ANF",
        status="final",
        items=[SeizureItemDraft(drug, Decimal("2"), "KG")],
    )


def test_a_workbook_with_one_bad_cell_is_shown_as_not_merged(
    qtbot: QtBot, app: QApplication, ctx: AppContext, template_db: Path, tmp_path: Path
) -> None:
    save_seizure(ctx, seizure("HEROIN", 1))
    save_seizure(ctx, seizure("OPIUM", 2))
    workbook = tmp_path / "isb.xlsx"
    export_workbook(ctx, ExportRequest(workbook))
    book = load_workbook(workbook)
    sheet = book["Seizures"]
    sheet.cell(3, [c.value for c in sheet[1]].index("drug") + 1).value = "UNOBTAINIUM"
    book.save(workbook)
    sign_again(workbook, ctx)
    hq_path = backup_database(template_db, tmp_path / "hq.sqlite")
    hq = AppContext(open_database(hq_path, now=ctx.now), user="analyst", now=ctx.now)
    set_up_post(hq, "PK-HQ", "PK", "Headquarters")
    register_posts(hq, ctx)
    page = ConsolidatePage(hq)
    qtbot.addWidget(page)
    page.add_files([workbook])

    with qtbot.waitSignal(page.task.succeeded, timeout=60_000):
        qtbot.mouseClick(page.consolidate_button, Qt.MouseButton.LeftButton)

    cell = {header: page.results.item(0, column).text() for column, header in enumerate(HEADERS)}
    assert (cell["Added"], cell["Rejected"]) == ("0", "1")
    assert "Seizures row 3, column drug" in cell["Problems"]
    assert "0 of 1 workbooks merged" in page.status_label.text()
    with hq.engine.connect() as connection:
        events = connection.exec_driver_sql("SELECT count(*) FROM seizure_events").scalar()
    assert events == 0  # the sound seizure on row 2 waits for the fixed workbook too
    hq.engine.dispose()
