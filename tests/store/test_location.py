"""Risky folders are named (cloud-synced, network, removable); a move keeps the old file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path, PurePath

import pytest

from inl_desktop.store.engine import DatabaseUnusable
from inl_desktop.store.location import (
    Mount,
    location_risk,
    move_database,
    moved_to,
    read_mounts,
)

LOCAL = [Mount(PurePath("/"), "ext4")]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/ali/OneDrive - US Department of State/inl.sqlite", "OneDrive"),
        ("/home/ali/OneDrive/Documents/inl.sqlite", "OneDrive"),
        ("/Users/ali/Dropbox/INL/inl.sqlite", "Dropbox"),
        ("/Users/ali/Google Drive/My Drive/inl.sqlite", "Google Drive"),
        ("/Users/ali/Library/Mobile Documents/com~apple~CloudDocs/inl.sqlite", "iCloud Drive"),
        ("/media/ali/KINGSTON/inl.sqlite", "removable media"),
        ("/run/media/ali/USB/inl.sqlite", "removable media"),
        ("/Volumes/USB STICK/inl.sqlite", "removable media"),
    ],
)
def test_risky_folders_are_named(path: str, expected: str) -> None:
    risk = location_risk(Path(path), LOCAL)
    assert risk is not None and expected in risk


def test_a_network_share_is_found_from_the_mount_table(tmp_path: Path) -> None:
    table = tmp_path / "mounts"
    table.write_text(
        "/dev/sda1 / ext4 rw 0 0\n//server/inl /srv/posts\\040share cifs rw 0 0\n",
        encoding="utf-8",
    )
    mounts = read_mounts(table)

    risk = location_risk(Path("/srv/posts share/inl.sqlite"), mounts)

    assert risk is not None and "network share" in risk
    assert location_risk(Path("/home/ali/inl.sqlite"), mounts) is None


def test_a_local_folder_is_not_risky() -> None:
    assert location_risk(Path("/home/ali/.local/share/INL Desktop/inl.sqlite"), LOCAL) is None


def test_moving_copies_the_database_and_leaves_a_note_where_it_was(
    db_path: Path, tmp_path: Path
) -> None:
    safe = tmp_path / "safe" / "inl-desktop.sqlite"

    move_database(db_path, safe, datetime(2026, 6, 15, 9, 30, tzinfo=UTC))

    assert not db_path.exists()
    kept = db_path.with_name("post.moved-20260615T093000Z.sqlite")
    assert kept.exists()
    assert moved_to(db_path) == safe
    connection = sqlite3.connect(safe)
    try:
        assert connection.execute("SELECT code FROM post_identity").fetchone() == ("PK-ISB",)
    finally:
        connection.close()


def test_moving_onto_an_existing_database_is_refused(db_path: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken.sqlite"
    taken.write_bytes(b"")

    with pytest.raises(DatabaseUnusable, match="already exists"):
        move_database(db_path, taken, datetime(2026, 6, 15, tzinfo=UTC))
    assert db_path.exists()
