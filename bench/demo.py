"""Time and peak memory of `inl-desktop demo` at full size, and of `inl-desktop info`.

Prints one line per figure and, last, one JSON object. Baselines measured in the same
run: a bare Python start-up (for `info`) and raw sqlite3 inserting the same number
of rows of the same width (for `demo`).

    python bench/demo.py [--items 1000000] [--trainings 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BIN = Path(sys.executable).parent


def child_environment() -> dict[str, str]:
    """With bytecode caching, as an installed app has it."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(args: list[str]) -> float:
    """Wall seconds of one child process."""
    started = time.perf_counter()
    subprocess.run(
        args,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=child_environment(),
    )
    return time.perf_counter() - started


def peak_rss_of(args: list[str]) -> float:
    """Peak RSS (MiB) of a command, measured by a fresh wrapper process."""
    code = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL,"
        " stderr=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        check=True,
        capture_output=True,
        text=True,
        env=child_environment(),
    ).stdout
    return int(out.strip()) / 1024


def raw_sqlite_insert(path: Path, events: int, items: int) -> float:
    """Seconds for sqlite3 to insert rows shaped like the demo's (same pragmas)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA cache_size = -65536")
    connection.execute(
        "CREATE TABLE e (id INTEGER PRIMARY KEY, uuid TEXT UNIQUE, a TEXT, d TEXT, p TEXT)"
    )
    connection.execute(
        "CREATE TABLE i (id INTEGER PRIMARY KEY, uuid TEXT UNIQUE, "
        "event_id INTEGER, drug TEXT, q TEXT, mg INTEGER)"
    )
    connection.execute("CREATE INDEX i_event ON i (event_id)")
    connection.execute("CREATE INDEX i_drug ON i (drug)")
    started = time.perf_counter()
    batch = 20_000
    made = 0
    while made < events:
        n = min(batch, events - made)
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO e VALUES (?, ?, ?, ?, ?)",
            [(made + k + 1, str(uuid.uuid4()), "ANF", "2020-01-01", "Checkpost") for k in range(n)],
        )
        per_event = items / events
        connection.executemany(
            "INSERT INTO i (uuid, event_id, drug, q, mg) VALUES (?, ?, ?, ?, ?)",
            [
                (str(uuid.uuid4()), made + k // per_event + 1, "HEROIN", "1.5", 1500000)
                for k in range(int(n * per_event))
            ],
        )
        connection.execute("COMMIT")
        made += n
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--trainings", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cli = str(BIN / "inl-desktop")
    with tempfile.TemporaryDirectory(prefix="inl-bench-") as folder:
        db = Path(folder) / "demo.sqlite"
        started = time.perf_counter()
        demo_peak = peak_rss_of(
            [
                cli,
                "demo",
                "--db",
                str(db),
                "--seizures",
                str(args.items),
                "--trainings",
                str(args.trainings),
            ]
        )
        demo_seconds = time.perf_counter() - started
        info = json.loads(
            subprocess.run(
                [cli, "info", "--db", str(db), "--json"], check=True, capture_output=True, text=True
            ).stdout
        )
        raw_seconds = raw_sqlite_insert(
            Path(folder) / "raw.sqlite", info["counts"]["seizure_events"], args.items
        )
        info_times, bare_times = [], []
        for _ in range(args.runs):
            info_times.append(run([cli, "info", "--db", str(db), "--json"]))
            bare_times.append(run([sys.executable, "-c", "pass"]))
        info_peak = peak_rss_of([cli, "info", "--db", str(db), "--json"])
        size_mib = os.path.getsize(db) / 2**20
    figures = {
        "items": args.items,
        "trainings": args.trainings,
        "counts": info["counts"],
        "demo_seconds": round(demo_seconds, 1),
        "demo_peak_rss_mib": round(demo_peak, 1),
        "raw_sqlite_insert_seconds": round(raw_seconds, 1),
        "demo_over_raw_insert": round(demo_seconds / raw_seconds, 2),
        "db_size_mib": round(size_mib, 1),
        "info_ms_median": round(statistics.median(info_times) * 1000),
        "bare_python_ms_median": round(statistics.median(bare_times) * 1000),
        "info_over_bare_python": round(
            statistics.median(info_times) / statistics.median(bare_times), 1
        ),
        "info_peak_rss_mib": round(info_peak, 1),
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
