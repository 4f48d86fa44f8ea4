"""The clerk's afternoon, again and again: how often does it pass?

    python bench/stability.py [--runs 20] [--timeout 600] [--keep DIR]

Runs tests/gui/test_clerk_afternoon.py (thirty seizures and ten training sessions
typed by keyboard in one main window) N times, each in a fresh Python process
(``python -m pytest tests/gui/test_clerk_afternoon.py -q -p no:cacheprovider``,
offscreen). A crash in Qt or PySide kills the process, so a run that dies by a
signal shows as a negative return code: its signal is named. Prints one line per
run (pass or fail, seconds, signal), the failure lines of a failed run, then
"passes P / failures F of N" and, last, one JSON object. ``--keep`` saves the whole
output of every failed run there. Exit code 0 only when every run passed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/gui/test_clerk_afternoon.py"
# Lines of a failed run's output worth printing: pytest's errors and its summary.
TELLING = ("E   ", "FAILED", "ERROR", "Fatal Python error", "Segmentation fault", "Aborted")
MAX_TOLD = 12


@dataclass
class Run:
    """What one process did."""

    number: int
    passed: bool
    seconds: float
    returncode: int | None
    signal: str | None
    output: str


def signal_name(returncode: int | None) -> str | None:
    """The signal a process died of (POSIX reports it as a negative return code)."""
    if returncode is None or returncode >= 0:
        return None
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def run_once(number: int, timeout: float) -> Run:
    """The afternoon in a new process."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider"]
    started = time.perf_counter()
    try:
        finished = subprocess.run(
            command,
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        seconds = time.perf_counter() - started
        output = _text(expired.stdout) + _text(expired.stderr)
        return Run(number, False, seconds, None, None, output + f"\ntimed out after {timeout} s")
    seconds = time.perf_counter() - started
    code = finished.returncode
    return Run(
        number, code == 0, seconds, code, signal_name(code), finished.stdout + finished.stderr
    )


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else value.decode(errors="replace")


def describe(run: Run, runs: int) -> str:
    """One line: the run, its verdict, its time, how it ended."""
    verdict = "pass" if run.passed else "FAIL"
    line = f"run {run.number:>{len(str(runs))}}/{runs}  {verdict}  {run.seconds:6.1f} s"
    if run.signal is not None:
        line += f"  killed by {run.signal}"
    elif run.returncode is None:
        line += "  timed out"
    elif not run.passed:
        line += f"  exit code {run.returncode}"
    return line


def telling_lines(output: str) -> list[str]:
    """The lines of a failed run that say what went wrong (a few of them)."""
    found = [line for line in output.splitlines() if line.lstrip().startswith(TELLING)]
    if not found:
        found = output.splitlines()[-5:]
    return found[:MAX_TOLD]


def main(argv: list[str] | None = None) -> int:
    """Run, print, summarize; exit 1 unless every run passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="processes to run (default 20)")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds a run may take (default 600)"
    )
    parser.add_argument("--keep", type=Path, help="save the output of failed runs here")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    results: list[Run] = []
    for number in range(1, args.runs + 1):
        run = run_once(number, args.timeout)
        results.append(run)
        print(describe(run, args.runs), flush=True)
        if not run.passed:
            for line in telling_lines(run.output):
                print(f"    {line}", flush=True)
            if args.keep is not None:
                (args.keep / f"run-{number:03d}.txt").write_text(run.output, encoding="utf-8")
    passes = sum(1 for run in results if run.passed)
    failures = len(results) - passes
    seconds = [run.seconds for run in results]
    print(
        f"passes {passes} / failures {failures} of {len(results)}"
        f" (each run {min(seconds):.1f}–{max(seconds):.1f} s)"
    )
    summary = {
        "runs": len(results),
        "passes": passes,
        "failures": failures,
        "signals": [run.signal for run in results if run.signal is not None],
    }
    print(json.dumps(summary))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
