"""The Export page: an export runs in the background, reports, and can be cancelled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.gui.exchange.export_page import ExportPage
from inl_desktop.services.context import AppContext
from inl_desktop.services.demo import generate_demo
from inl_desktop.services.seizures import save_seizure


def page_on(qtbot: QtBot, ctx: AppContext, out: Path) -> ExportPage:
    page = ExportPage(ctx)
    qtbot.addWidget(page)
    page.file_edit.setText(str(out))
    return page


def test_export_writes_the_file_and_lists_it(
    qtbot: QtBot, app: QApplication, ctx: AppContext, tmp_path: Path
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
    out = tmp_path / "export" / "isb.xlsx"
    out.parent.mkdir()
    page = page_on(qtbot, ctx, out)
    page.period_combo.setEditText("FY2020")
    with qtbot.waitSignal(page.task.succeeded, timeout=30_000):
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert out.exists()
    assert "Seizures 1" in page.result_label.text()
    assert page.history.rowCount() == 1
    assert page.history.item(0, 2).text() == "FY2020"
    assert page.export_button.isEnabled()


def test_a_bad_period_is_explained_and_nothing_starts(
    qtbot: QtBot, app: QApplication, ctx: AppContext, tmp_path: Path
) -> None:
    page = page_on(qtbot, ctx, tmp_path / "x.xlsx")
    page.period_combo.setEditText("last summer")
    assert not page.start_export()
    assert "not understood" in page.result_label.text()
    assert not (tmp_path / "x.xlsx").exists()


def test_cancel_leaves_no_file(
    qtbot: QtBot, app: QApplication, ctx: AppContext, tmp_path: Path
) -> None:
    # Large enough that the export reports progress (every 5,000 rows) before it ends.
    generate_demo(ctx, seizure_items=12_000, trainings=0)
    out = tmp_path / "export" / "isb.xlsx"
    out.parent.mkdir()
    page = page_on(qtbot, ctx, out)
    with qtbot.waitSignal(page.task.failed, timeout=30_000):
        assert page.start_export()
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in page.result_label.text()
    assert page.export_button.isEnabled() and not page.cancel_button.isEnabled()
    assert list(out.parent.iterdir()) == []
    assert page.history.rowCount() == 0


def test_a_full_export_asks_for_a_password_twice_and_is_written_protected(
    qtbot: QtBot, app: QApplication, ctx: AppContext, tmp_path: Path
) -> None:
    from protected_workbooks import readable_copy

    from tests.gui.prompts import ScriptedPrompts

    out = tmp_path / "full.xlsx"
    prompts = ScriptedPrompts(password=["program-2026", "program-2062"])
    page = ExportPage(ctx, prompts=prompts)
    qtbot.addWidget(page)
    page.file_edit.setText(str(out))
    page.full_radio.setChecked(True)

    assert not page.start_export()  # the two passwords differ
    assert "differ" in prompts.texts("warn")[0] and not out.exists()
    assert "needs a password" in page.result_label.text()

    prompts.queue("password", "program-2026", "program-2026")
    with qtbot.waitSignal(page.task.succeeded, timeout=30_000):
        assert page.start_export()
    assert out.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # an encrypted package, not a zip
    assert readable_copy(out, "program-2026").stat().st_size > 0
