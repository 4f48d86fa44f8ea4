"""The short crash run: each write path killed at random moments loses nothing and halves nothing.

bench/crash.py does the work (and the long run of 200+ kills); here it runs ten
children, two per path, and must report no failure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CRASH = Path(__file__).resolve().parents[1] / "bench" / "crash.py"


def test_killed_saves_exports_merges_backups_and_restores_leave_whole_files() -> None:
    finished = subprocess.run(
        [sys.executable, str(CRASH), "--runs", "10", "--seed", "8"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    summary = json.loads(finished.stdout.splitlines()[-1])
    assert summary["failures"] == [], finished.stdout
    assert finished.returncode == 0
    assert {kind: facts["runs"] for kind, facts in summary["paths"].items()} == {
        "save": 2,
        "export": 2,
        "consolidate": 2,
        "backup": 2,
        "restore": 2,
    }
    assert summary["kills"] >= 6
    assert summary["paths"]["save"]["records_checked"] > 0
