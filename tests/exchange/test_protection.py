"""Password-protected workbooks: what a killed process left in the temporary folder is
removed, and only what was left by a process that no longer runs."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from inl_desktop.exchange import protection


def a_finished_process() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(child.stdout)


def test_the_plain_files_of_a_killed_export_are_removed_the_next_time(tmp_path: Path) -> None:
    base = Path(tempfile.gettempdir())
    dead = base / f"inl-desktop-{a_finished_process()}-left"
    alive = base / f"inl-desktop-{os.getpid()}-working"
    for folder in (dead, alive):
        folder.mkdir()
        (folder / "full.xlsx").write_bytes(b"names and national IDs")
    try:
        with protection.private_folder() as mine:
            assert mine.name.startswith(f"inl-desktop-{os.getpid()}-")
            assert not dead.exists()
            assert (alive / "full.xlsx").exists()
        assert not mine.exists()
    finally:
        for folder in (dead, alive):
            if folder.exists():
                (folder / "full.xlsx").unlink()
                folder.rmdir()


def test_temporary_files_go_to_the_private_folder_while_a_workbook_is_written(
    tmp_path: Path,
) -> None:
    with (
        protection.private_folder() as folder,
        protection.temporary_files_in(folder),
        tempfile.NamedTemporaryFile(prefix="openpyxl.", delete=False) as spooled,
    ):
        where = Path(spooled.name)
    assert where.parent == folder and not where.exists()
    assert tempfile.gettempdir() != str(folder)
