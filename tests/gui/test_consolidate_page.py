"""The Consolidate page merges chosen workbooks in the background and shows each result."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.gui.exchange.consolidate_page import ConsolidatePage
from inl_desktop.services.consolidate import open_conflicts
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.records import history
from inl_desktop.services.seizures import save_seizure
from inl_desktop.services.setup import set_up_post
from inl_desktop.store.migrate import backup_database, open_database
from tests.signing_helpers import register_posts, sign_again


def test_consolidating_a_workbook_and_a_broken_file(
    qtbot: QtBot, app: QApplication, ctx: AppContext, template_db: Path, tmp_path: Path
) -> None:
    save_seizure(
        ctx,
        SeizureDraft(
            event_date=date(2020, 3, 1),
            agency="ANF",
            status="final",
            items=[SeizureItemDraft("HEROIN", Decimal("2"), "KG")],
        ),
    )
    good = tmp_path / "isb.xlsx"
    export_workbook(ctx, ExportRequest(good))
    broken = tmp_path / "broken.xlsx"
    broken.write_text("this is not a workbook", encoding="utf-8")

    hq_path = backup_database(template_db, tmp_path / "hq.sqlite")
    hq = AppContext(open_database(hq_path, now=ctx.now), user="analyst", now=ctx.now)
    set_up_post(hq, "PK-HQ", "PK", "Headquarters")
    register_posts(hq, ctx)
    page = ConsolidatePage(hq)
    qtbot.addWidget(page)
    page.add_files([good, broken, good])
    assert page.files.count() == 2  # each workbook once

    with qtbot.waitSignal(page.task.succeeded, timeout=60_000):
        qtbot.mouseClick(page.consolidate_button, Qt.MouseButton.LeftButton)

    assert page.results.item(0, 0).text() == "isb.xlsx"
    assert page.results.item(0, 2).text() == "1"  # added
    assert page.results.item(1, 0).text() == "broken.xlsx"
    assert "xlsx" in page.results.item(1, 8).text()
    assert "1 of 2 workbooks merged" in page.status_label.text()
    with hq.engine.connect() as connection:
        items = connection.exec_driver_sql("SELECT count(*) FROM seizure_items").scalar()
    assert items == 1
    hq.engine.dispose()


def test_nothing_to_consolidate_is_explained(
    qtbot: QtBot, app: QApplication, ctx: AppContext
) -> None:
    page = ConsolidatePage(ctx)
    qtbot.addWidget(page)
    assert not page.start()
    assert "Add the workbooks" in page.status_label.text()


def test_a_conflict_is_shown_with_both_versions(
    qtbot: QtBot, app: QApplication, ctx: AppContext, template_db: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    saved = save_seizure(
        ctx,
        SeizureDraft(
            event_date=date(2020, 3, 1),
            agency="ANF",
            place="Torkham",
            status="final",
            items=[SeizureItemDraft("HEROIN", Decimal("2"), "KG")],
        ),
    )
    original = tmp_path / "isb.xlsx"
    export_workbook(ctx, ExportRequest(original))
    book = load_workbook(original)
    sheet = book["Seizures"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(2, header.index("place") + 1).value = "Chaman"
    edited = tmp_path / "isb-edited.xlsx"
    book.save(edited)
    sign_again(edited, ctx)  # as if Islamabad had sent it

    hq_path = backup_database(template_db, tmp_path / "hq.sqlite")
    hq = AppContext(open_database(hq_path, now=ctx.now), user="analyst", now=ctx.now)
    set_up_post(hq, "PK-HQ", "PK", "Headquarters")
    register_posts(hq, ctx)
    page = ConsolidatePage(hq)
    qtbot.addWidget(page)
    assert page.conflicts.rowCount() == 0
    page.add_files([original, edited])
    with qtbot.waitSignal(page.task.succeeded, timeout=60_000):
        page.start()

    assert page.results.item(1, 6).text() == "1"  # conflicts of the edited workbook
    assert page.conflicts.rowCount() == 1
    assert page.conflicts.item(0, 3).text() == "isb-edited.xlsx"
    shown = {
        page.differences.item(row, 0).text(): (
            page.differences.item(row, 1).text(),
            page.differences.item(row, 2).text(),
        )
        for row in range(page.differences.rowCount())
    }
    assert shown["place"] == ("Torkham", "Chaman")

    qtbot.mouseClick(page.keep_button, Qt.MouseButton.LeftButton)
    assert page.conflicts.rowCount() == 0
    assert not page.keep_button.isEnabled()
    assert "HQ's copy kept" in page.status_label.text()
    assert open_conflicts(hq) == []
    decisions = [entry for entry in history(hq, saved.uuid) if entry.action == "decide"]
    assert [(d.changed_by, d.new_value) for d in decisions] == [("analyst", "kept HQ copy")]
    hq.engine.dispose()


def test_a_protected_full_export_is_merged_with_the_password_asked_once(
    qtbot: QtBot, app: QApplication, ctx: AppContext, template_db: Path, tmp_path: Path
) -> None:
    from tests.gui.prompts import ScriptedPrompts

    save_seizure(
        ctx,
        SeizureDraft(
            event_date=date(2020, 3, 1),
            agency="ANF",
            status="final",
            items=[SeizureItemDraft("HEROIN", Decimal("2"), "KG")],
        ),
    )
    full = tmp_path / "isb-full.xlsx"
    export_workbook(ctx, ExportRequest(full, profile="full", password="program-2026"))
    hq_path = backup_database(template_db, tmp_path / "hq.sqlite")
    hq = AppContext(open_database(hq_path, now=ctx.now), user="analyst", now=ctx.now)
    set_up_post(hq, "PK-HQ", "PK", "Headquarters")
    register_posts(hq, ctx)
    prompts = ScriptedPrompts(password=[None, "program-2026"])
    page = ConsolidatePage(hq, prompts=prompts)
    qtbot.addWidget(page)
    page.add_files([full])

    assert not page.start()  # the password was not given: nothing starts
    with qtbot.waitSignal(page.task.succeeded, timeout=60_000):
        assert page.start()

    assert page.results.item(0, 2).text() == "1"  # added
    assert prompts.count("password") == 2
    hq.engine.dispose()
