"""The Consolidate page registers posts' keys (Add post key…) and says which workbooks
the transition setting let in unsigned."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange import signing
from inl_desktop.gui.exchange.consolidate_page import ConsolidatePage
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.post_keys import (
    accept_unsigned,
    public_key_file,
    public_key_text,
    registered_keys,
)
from inl_desktop.services.seizures import save_seizure
from inl_desktop.services.setup import set_up_post
from inl_desktop.store.migrate import backup_database, open_database
from tests.gui.prompts import ScriptedPrompts
from tests.services.service_builders import heroin_and_tablets


@pytest.fixture
def hq(ctx: AppContext, template_db: Path, tmp_path: Path) -> Iterator[AppContext]:
    path = backup_database(template_db, tmp_path / "hq.sqlite")
    context = AppContext(open_database(path, now=ctx.now), user="analyst", now=ctx.now)
    set_up_post(context, "PK-HQ", "PK", "Headquarters")
    yield context
    context.engine.dispose()


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def page(
    qtbot: QtBot, app: QApplication, hq: AppContext, prompts: ScriptedPrompts
) -> ConsolidatePage:
    widget = ConsolidatePage(hq, prompts=prompts)
    qtbot.addWidget(widget)
    return widget


def key_file(folder: Path, text: str, name: str = "PK-ISB.pub") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_add_post_key_registers_the_chosen_file(
    qtbot: QtBot,
    page: ConsolidatePage,
    ctx: AppContext,
    hq: AppContext,
    tmp_path: Path,
    prompts: ScriptedPrompts,
) -> None:
    prompts.queue("open_file", key_file(tmp_path, public_key_text(ctx)))
    fingerprint = public_key_file(ctx).fingerprint
    assert "none registered yet" in page.keys_label.text()

    qtbot.mouseClick(page.add_key_button, Qt.MouseButton.LeftButton)

    assert [(k.post_code, k.fingerprint, k.added_by) for k in registered_keys(hq)] == [
        ("PK-ISB", fingerprint, "analyst")
    ]
    assert page.status_label.text() == f"Registered key {fingerprint} for PK-ISB."
    assert f"PK-ISB ({fingerprint})" in page.keys_label.text()


def test_another_key_for_a_post_is_registered_only_when_the_user_confirms(
    qtbot: QtBot,
    page: ConsolidatePage,
    ctx: AppContext,
    hq: AppContext,
    tmp_path: Path,
    prompts: ScriptedPrompts,
) -> None:
    held = public_key_file(ctx).fingerprint
    page.add_post_key(key_file(tmp_path, public_key_text(ctx)))
    other = signing.public_key_of(signing.new_private_key())
    chosen = key_file(tmp_path, signing.public_key_text("PK-ISB", other), "new.pub")
    prompts.queue("open_file", chosen, chosen)
    prompts.queue("confirm", False, True)

    qtbot.mouseClick(page.add_key_button, Qt.MouseButton.LeftButton)
    kept = [k.fingerprint for k in registered_keys(hq) if k.replaced_at is None]
    declined = page.status_label.text()
    qtbot.mouseClick(page.add_key_button, Qt.MouseButton.LeftButton)

    questions = [text for kind, _title, text in prompts.asked if kind == "confirm"]
    assert len(questions) == 2
    assert all(
        f"HQ holds key {held} for PK-ISB" in text
        and f"with key {signing.fingerprint(other)}?" in text
        for text in questions
    )
    assert kept == [held]
    assert declined.startswith(f"Key {signing.fingerprint(other)} not registered")
    assert [k.fingerprint for k in registered_keys(hq) if k.replaced_at is None] == [
        signing.fingerprint(other)
    ]
    assert "it replaces key" in page.status_label.text()


def test_a_file_that_is_not_a_key_is_explained(
    qtbot: QtBot, page: ConsolidatePage, hq: AppContext, tmp_path: Path
) -> None:
    assert not page.add_post_key(key_file(tmp_path, "not a key", "notes.pub"))

    assert page.status_label.text() == "notes.pub is not an INL Desktop post key file"
    assert registered_keys(hq) == []


def test_a_workbook_let_in_unsigned_says_so(
    qtbot: QtBot, page: ConsolidatePage, ctx: AppContext, hq: AppContext, tmp_path: Path
) -> None:
    save_seizure(ctx, heroin_and_tablets())
    workbook = tmp_path / "isb.xlsx"
    export_workbook(ctx, ExportRequest(workbook))
    book = load_workbook(workbook)
    about = book[fmt.ABOUT]
    for row in reversed(range(1, about.max_row + 1)):
        if about.cell(row, 1).value in signing.SIGNATURE_ROWS:
            about.delete_rows(row)
    book.save(workbook)
    accept_unsigned(hq, "PK-ISB")
    page.refresh_keys()
    page.add_files([workbook])

    with qtbot.waitSignal(page.task.succeeded, timeout=60_000):
        qtbot.mouseClick(page.consolidate_button, Qt.MouseButton.LeftButton)

    note = "accepted unsigned from PK-ISB under the transition setting"
    assert "Unsigned workbooks accepted (transition) from: PK-ISB" in page.keys_label.text()
    assert page.results.item(0, 2).text() == "1"  # added
    assert page.results.item(0, 8).text() == note
    assert f"1 of 1 workbooks merged; {note}" in page.status_label.text()
