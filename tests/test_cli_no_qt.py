"""The command line's read commands start without Qt: they stay quick on a machine
with no screen, and a broken Qt install cannot stop them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUN_AND_LIST_QT = """
import sys
from inl_desktop.cli import main
code = main(sys.argv[1:])
print("exit", code)
print("qt", sorted(name for name in sys.modules if name.startswith("PySide6")))
"""


@pytest.mark.parametrize(
    "command",
    [["info"], ["info", "--json"], ["check"], ["check", "--quick"], ["report", "--period", "2026"]],
    ids=" ".join,
)
def test_a_read_command_does_not_import_qt(db_path: Path, command: list[str]) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_QT, *command, "--db", str(db_path)],
        capture_output=True,
        text=True,
        check=True,
    )

    assert "exit 0" in finished.stdout, finished.stdout + finished.stderr
    assert "qt []" in finished.stdout
