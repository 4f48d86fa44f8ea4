"""A damaged database is found (overwritten, cut short, not SQLite); a lost WAL is not damage."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from inl_desktop.store.integrity import check_database, check_header, set_aside

WRITE_AND_DIE = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("PRAGMA journal_mode = WAL")
connection.execute("PRAGMA wal_autocheckpoint = 0")
connection.execute("UPDATE seizure_events SET remarks = 'only in the WAL'")
connection.execute("INSERT INTO app_settings (key, value) VALUES ('crash', 'only in the WAL')")
connection.commit()
print("committed", flush=True)
sys.stdin.read()
"""


def overwrite(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def test_a_sound_database_passes_both_checks(db_path: Path) -> None:
    assert check_database(db_path).sound
    assert check_database(db_path, thorough=True).message.endswith("(integrity check: ok)")


def test_overwritten_pages_are_found_and_named_in_one_line(db_path: Path) -> None:
    size = db_path.stat().st_size
    overwrite(db_path, size // 2, b"\xa5" * 8192)

    finding = check_database(db_path)

    assert not finding.sound
    assert "is damaged" in finding.message and "\n" not in finding.message


def test_a_file_cut_short_is_found_by_the_header_check_alone(db_path: Path) -> None:
    size = db_path.stat().st_size
    with db_path.open("r+b") as handle:
        handle.truncate(size // 2 // 4096 * 4096)

    finding = check_header(db_path)

    assert not finding.sound
    assert f"of the {size:,} its header declares" in finding.message


def test_a_file_cut_mid_page_is_found(db_path: Path) -> None:
    with db_path.open("r+b") as handle:
        handle.truncate(db_path.stat().st_size - 100)

    assert "not a whole number of pages" in check_header(db_path).message


def test_a_file_whose_first_bytes_are_gone_is_not_sqlite(db_path: Path) -> None:
    overwrite(db_path, 0, b"\x00" * 16)

    assert "is not an SQLite database" in check_database(db_path).message


def test_a_missing_wal_leaves_the_last_checkpoint_sound(db_path: Path, tmp_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", WRITE_AND_DIE, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as writer:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "committed"
        writer.kill()
        writer.wait()
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.stat().st_size > 0
    wal.unlink()
    db_path.with_name(db_path.name + "-shm").unlink(missing_ok=True)

    assert check_database(db_path, thorough=True).sound
    connection = sqlite3.connect(db_path)
    try:
        assert (
            connection.execute("SELECT value FROM app_settings WHERE key = 'crash'").fetchall()
            == []
        )
    finally:
        connection.close()


def test_a_damaged_database_is_set_aside_with_its_wal_never_deleted(db_path: Path) -> None:
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(b"wal bytes")
    content = db_path.read_bytes()

    aside = set_aside(db_path, datetime(2026, 6, 15, 9, 30, tzinfo=UTC))

    assert aside.name == "post.damaged-20260615T093000Z.sqlite"
    assert aside.read_bytes() == content
    assert aside.with_name(aside.name + "-wal").read_bytes() == b"wal bytes"
    assert not db_path.exists() and not wal.exists()
