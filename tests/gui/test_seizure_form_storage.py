"""A save that fails on a full disk or in a read-only window keeps what the user typed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from inl_desktop.gui.seizures.seizure_form import SeizureForm
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import load_seizure, save_seizure
from inl_desktop.store.migrate import open_database
from tests.gui.test_seizure_form import Asked, fill, named, save_keys, torkham_heroin
from tests.services.test_storage_failures import fill_the_disk

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)


def shown_form(qtbot: QtBot, ctx: AppContext, asked: Asked) -> SeizureForm:
    form = SeizureForm(ctx, prompts=asked)
    qtbot.addWidget(form)
    form.resize(1200, 860)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    return form


@pytest.fixture
def reader(db_path: Path, ctx: AppContext) -> Iterator[AppContext]:
    viewer = AppContext(open_database(db_path, now=ctx.now, read_only=True), user="viewer")
    yield viewer
    viewer.engine.dispose()


def test_a_full_disk_keeps_the_typed_corrections_in_the_form(
    qtbot: QtBot, app: QApplication, ctx: AppContext
) -> None:
    uuid = save_seizure(ctx, torkham_heroin()).uuid
    asked = Asked()
    form = shown_form(qtbot, ctx, asked)
    form.open_record(uuid)
    fill_the_disk(ctx)
    remarks = named(form, "Remarks")
    assert isinstance(remarks, QPlainTextEdit)
    fill(qtbot, named(form, "Place"), "Landi Kotal")
    remarks.setPlainText("Seized from a truck. " * 190)

    save_keys(qtbot)

    assert len(asked.errors) == 1 and asked.errors[0].startswith("The disk is full")
    assert named(form, "Place").text() == "Landi Kotal"  # type: ignore[attr-defined]
    assert remarks.toPlainText() == "Seized from a truck. " * 190
    assert form.has_unsaved_changes()
    assert load_seizure(ctx, uuid).place == "Torkham"


def test_a_read_only_window_refuses_the_save_and_keeps_the_form(
    qtbot: QtBot, app: QApplication, ctx: AppContext, reader: AppContext
) -> None:
    uuid = save_seizure(ctx, torkham_heroin()).uuid
    asked = Asked()
    form = shown_form(qtbot, reader, asked)
    form.open_record(uuid)
    fill(qtbot, named(form, "Place"), "Landi Kotal")

    save_keys(qtbot)

    assert len(asked.errors) == 1 and "open read-only" in asked.errors[0]
    assert named(form, "Place").text() == "Landi Kotal"  # type: ignore[attr-defined]
    assert load_seizure(ctx, uuid).place == "Torkham"
