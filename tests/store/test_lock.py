"""One writer per database: the lock file names who holds it, and a dead holder frees it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from inl_desktop.store.lock import (
    DatabaseInUse,
    WriterLock,
    current_owner,
    lock_path,
    this_process,
)

HOLD_LOCK = """
import sys
from pathlib import Path
from inl_desktop.store.lock import WriterLock, this_process
lock = WriterLock(Path(sys.argv[1]), this_process("INL Desktop", "officer"))
lock.acquire()
print("holding", flush=True)
sys.stdin.read()
"""


def test_a_second_writer_is_told_who_has_the_database_open(db_path: Path) -> None:
    first = WriterLock(db_path, this_process("INL Desktop", "clerk"))
    first.acquire()
    try:
        with pytest.raises(DatabaseInUse) as refused:
            WriterLock(db_path, this_process("inl-desktop demo", "other")).acquire()
    finally:
        first.release()

    owner = refused.value.owner
    assert owner is not None
    assert (owner.user, owner.pid, owner.host) == ("clerk", os.getpid(), socket.gethostname())
    message = str(refused.value)
    assert "already open for writing in INL Desktop by clerk" in message
    assert f"process {os.getpid()}" in message
    assert lock_path(db_path).name == "post.sqlite.lock"


def test_the_lock_is_free_again_once_released(db_path: Path) -> None:
    with WriterLock(db_path, this_process("INL Desktop", "clerk")):
        assert current_owner(db_path) is not None
    assert current_owner(db_path) is None
    with WriterLock(db_path, this_process("INL Desktop", "next")) as second:
        assert second.held
        owner = current_owner(db_path)
        assert owner is not None and owner.user == "next"


def test_a_lock_left_by_a_killed_process_is_stale_and_taken_over(db_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
            owner = current_owner(db_path)
            assert owner is not None and (owner.pid, owner.user) == (holder.pid, "officer")
            with pytest.raises(DatabaseInUse, match=f"process {holder.pid}"):
                WriterLock(db_path, this_process("INL Desktop", "clerk")).acquire()
        finally:
            holder.kill()
            holder.wait()

    assert lock_path(db_path).exists()
    assert current_owner(db_path) is None
    with WriterLock(db_path, this_process("INL Desktop", "clerk")) as taken:
        assert taken.held
