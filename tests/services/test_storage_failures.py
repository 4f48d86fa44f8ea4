"""Disk full and read-only during save, export and backup: a clear message, nothing lost."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import event

from inl_desktop.exchange.writer import ExportFailed
from inl_desktop.services.backups import back_up_now
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.seizures import load_seizure, save_seizure
from inl_desktop.store.engine import DatabaseFull, DatabaseReadOnly
from inl_desktop.store.migrate import BackupFailed, open_database
from tests.services.service_builders import heroin_and_tablets, scalar


def fill_the_disk(ctx: AppContext) -> None:
    """From now on the database cannot grow by a single page, as on a full disk."""

    def _cap(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(ctx.engine, "connect", _cap)
    ctx.engine.dispose()


def no_space(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_save_on_a_full_disk_is_refused_and_keeps_what_was_saved(ctx: AppContext) -> None:
    kept = save_seizure(ctx, heroin_and_tablets()).uuid
    fill_the_disk(ctx)

    with pytest.raises(DatabaseFull, match="The disk is full: this change was not saved"):
        save_seizure(ctx, heroin_and_tablets(remarks="x" * 4_000))

    assert scalar(ctx, "SELECT count(*) FROM seizure_events") == 1
    assert len(load_seizure(ctx, kept).items) == 2
    assert scalar(ctx, "PRAGMA integrity_check") == "ok"


def test_a_save_in_a_read_only_window_says_so(ctx: AppContext, db_path: Path) -> None:
    save_seizure(ctx, heroin_and_tablets())
    reader = AppContext(open_database(db_path, now=ctx.now, read_only=True), user="viewer")
    try:
        with pytest.raises(DatabaseReadOnly, match="open read-only"):
            save_seizure(reader, heroin_and_tablets(place="Landi Kotal"))
        assert scalar(reader, "SELECT count(*) FROM seizure_events") == 1
    finally:
        reader.engine.dispose()


def test_an_export_on_a_full_disk_leaves_no_file_under_the_final_name(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_seizure(ctx, heroin_and_tablets())
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "export.xlsx"
    real_save = Workbook.save

    def save_half_then_fail(book: Workbook, filename: str) -> None:
        real_save(book, filename)
        with open(filename, "r+b") as written:
            written.truncate(100)
        no_space()

    monkeypatch.setattr(Workbook, "save", save_half_then_fail)

    with pytest.raises(ExportFailed, match="the disk is full; no file was left"):
        export_workbook(ctx, ExportRequest(out))

    assert list(folder.iterdir()) == []


def test_an_export_over_an_older_one_keeps_the_older_when_the_disk_is_full(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "export.xlsx"
    export_workbook(ctx, ExportRequest(out))
    before = out.read_bytes()
    monkeypatch.setattr(Workbook, "save", lambda book, filename: no_space())

    with pytest.raises(ExportFailed, match="the disk is full"):
        export_workbook(ctx, ExportRequest(out))

    assert out.read_bytes() == before


def test_a_backup_on_a_full_disk_fails_clearly_and_leaves_no_half_backup(
    ctx: AppContext, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_seizure(ctx, heroin_and_tablets())
    monkeypatch.setattr(os, "fsync", no_space)

    with pytest.raises(BackupFailed, match="could not be written: the disk is full"):
        back_up_now(db_path, ctx.now())
    with pytest.raises(BackupFailed, match="the disk is full"):
        back_up_now(db_path, ctx.now(), tmp_path / "copy.sqlite")

    backups = db_path.parent / "backups"
    assert not backups.exists() or list(backups.iterdir()) == []
    assert not (tmp_path / "copy.sqlite").exists()
    assert scalar(ctx, "SELECT count(*) FROM seizure_events") == 1
