"""Is a database file sound? A header check, then SQLite's own checks; and setting one aside.

The header check is instant and catches a truncated file or a file that is not
SQLite; ``PRAGMA quick_check`` reads every page (seconds on a large database);
``PRAGMA integrity_check`` also compares every index with its table.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from inl_desktop.store import cipher
from inl_desktop.store.cipher import SQLITE_HEADER

_HEADER_SIZE = 100
# SQLCipher 4's page size: an encrypted file is a whole number of them.
CIPHER_PAGE_SIZE = 4096
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal", ".keys")


@dataclass(frozen=True)
class Finding:
    """The outcome of a check: sound or not, and what was found, in one line."""

    sound: bool
    message: str


def check_header(path: Path) -> Finding:
    """Is the file an SQLite database as long as its header says? (Reads 100 bytes.)"""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(_HEADER_SIZE)
    except FileNotFoundError:
        return Finding(False, f"{path} does not exist")
    except OSError as error:
        return Finding(False, f"{path} cannot be read: {error.strerror}")
    if cipher.is_encrypted(path):
        return _check_encrypted(path, size)
    if len(header) < _HEADER_SIZE or not header.startswith(SQLITE_HEADER):
        return Finding(False, f"{path} is not an SQLite database (its first bytes are wrong)")
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65_536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return Finding(False, f"{path} has a damaged header (page size {page_size})")
    change_counter, pages, valid_for = (
        struct.unpack(">I", header[24:28])
        + struct.unpack(">I", header[28:32])
        + struct.unpack(">I", header[92:96])
    )
    if size % page_size:
        return Finding(False, f"{path} is cut short: {size:,} bytes is not a whole number of pages")
    if pages and change_counter == valid_for and size < pages * page_size:
        return Finding(
            False,
            f"{path} is cut short: {size:,} bytes of the {pages * page_size:,} its header declares",
        )
    return Finding(True, "the header is sound")


def _check_encrypted(path: Path, size: int) -> Finding:
    """An encrypted file's header is ciphertext: check its length in SQLCipher's pages,
    then that its first page opens with the key."""
    if size % CIPHER_PAGE_SIZE:
        return Finding(False, f"{path} is cut short: {size:,} bytes is not a whole number of pages")
    try:
        connection = cipher.connect(path, read_only=True)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except cipher.database_errors() as error:
        return Finding(False, f"{path} is damaged: {' '.join(str(error).split())}")
    return Finding(True, "the header is sound")


def check_database(path: Path, *, thorough: bool = False) -> Finding:
    """The header check, then ``quick_check`` (or ``integrity_check`` when thorough)."""
    finding = check_header(path)
    if not finding.sound:
        return finding
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        connection = cipher.connect(path)
        try:
            rows = [row[0] for row in connection.execute(f"PRAGMA {pragma}")]
        finally:
            connection.close()
    except cipher.database_errors() as error:
        return Finding(False, f"{path} is damaged: {' '.join(str(error).split())}")
    return _finding(path, pragma, rows)


def _finding(path: Path, pragma: str, rows: list[object]) -> Finding:
    if rows == ["ok"]:
        return Finding(True, f"{path} is sound ({pragma.replace('_', ' ')}: ok)")
    first = " ".join(str(rows[0]).split())
    more = f" (and {len(rows) - 1:,} more problems)" if len(rows) > 1 else ""
    return Finding(False, f"{path} is damaged: {first}{more}")


class CheckAbandoned(Exception):
    """A check was stopped before it finished: it found nothing either way."""


# SQLite virtual-machine steps between two looks at whether a check should stop.
_STOP_POLL_STEPS = 100_000


def check_in_use(path: Path, stop: Callable[[], bool] = lambda: False) -> Finding:
    """The header check, then ``quick_check`` on a read-only connection of its own, for a
    database the app has open: it reads one snapshot while others write, and never
    checkpoints. ``stop()`` returning True abandons it (CheckAbandoned)."""
    finding = check_header(path)
    if not finding.sound:
        return finding
    try:
        connection = cipher.connect(path, read_only=True)
        try:
            connection.set_progress_handler(lambda: int(stop()), _STOP_POLL_STEPS)
            rows = [row[0] for row in connection.execute("PRAGMA quick_check")]
        finally:
            connection.close()
    except cipher.database_errors() as error:
        if stop():
            raise CheckAbandoned from None
        return Finding(False, f"{path} is damaged: {' '.join(str(error).split())}")
    return _finding(path, "quick_check", rows)


def set_aside(path: Path, now: datetime) -> Path:
    """Rename a damaged database (with its WAL) to a timestamped name beside it; never delete."""
    return rename_aside(path, "damaged", now)


def rename_aside(path: Path, label: str, now: datetime) -> Path:
    """Rename a database and its companion files (WAL, shared memory, journal) to
    ``<stem>.<label>-<time><suffix>`` beside it, numbered if that name is taken."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.{label}-{stamp}{path.suffix}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.stem}.{label}-{stamp}-{number}{path.suffix}")
    path.rename(target)
    for suffix in COMPANION_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target
