"""Build the wheel, install it (not editable) into a fresh virtual environment, run it.

Proves that a plain `pip install .` gives a working `inl-desktop` that finds its ui/,
resources/ and db/ files. Prints each step's time and, last, one JSON object.

    python bench/wheel_check.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def step(name: str, args: list[str], cwd: Path) -> str:
    started = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    print(f"{name}: exit {result.returncode} in {time.perf_counter() - started:.1f} s")
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:], sep="\n")
        raise SystemExit(1)
    return result.stdout


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="inl-wheel-") as folder:
        work = Path(folder)
        step(
            "build wheel",
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--wheel-dir",
                str(work / "dist"),
                str(ROOT),
            ],
            work,
        )
        (wheel,) = (work / "dist").glob("*.whl")
        step("create venv", [sys.executable, "-m", "venv", str(work / "venv")], work)
        bin_dir = work / "venv" / ("Scripts" if sys.platform == "win32" else "bin")
        step(
            "install wheel",
            [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
            work,
        )
        cli = str(bin_dir / "inl-desktop")
        version = step("inl-desktop --version", [cli, "--version"], work).strip()
        db = work / "check.sqlite"
        step("setup", [cli, "setup", "--db", str(db), "--post", "PK-PEW", "--country", "PK"], work)
        step("demo", [cli, "demo", "--db", str(db), "--seizures", "100", "--trainings", "2"], work)
        info = json.loads(step("info --json", [cli, "info", "--db", str(db), "--json"], work))
        located = step(
            "data files",
            [str(bin_dir / "python"), "-c", "from inl_desktop import paths; print(paths.ui_dir())"],
            work,
        ).strip()
    result = {
        "version": version,
        "post": info["post"],
        "counts": info["counts"],
        "ui_dir_inside_venv": located.startswith(str(work / "venv")),
    }
    print(json.dumps(result))
    if not result["ui_dir_inside_venv"] or info["counts"]["seizure_items"] != 100:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
