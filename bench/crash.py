"""Crash safety, proved: kill the app's write paths with SIGKILL at random moments and check.

    python bench/crash.py [--runs 200] [--seed N] [--paths save,export,...] [--json]

Each run copies a prepared database, starts one write path in a child process
(bench/crash_child.py: save, export, consolidate, backup, restore), waits until the
child says it is ready, waits a random moment, and kills it (SIGKILL on POSIX,
TerminateProcess on Windows). Then it checks, on the files the child left:

- save: every seizure the child reported saved (it prints the UUID after the
  commit) is there with all its items and its change-log entry; no seizure in the
  file has fewer or more items than it was saved with;
- consolidate: the post's records are in the HQ database all or not at all, and all
  of them when the child reported the merge done;
- export and backup: the file under the final name is complete (every sheet has the
  rows its About sheet declares; the backup is sound and holds every record), and
  exists when the child reported it written;
- restore: the database holds one of the two backups exactly, and every backup in
  its backups folder is sound;
- every database passes ``PRAGMA integrity_check``.

Prints one line per path and, last, one JSON object with the counts and failures.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHILD = ROOT / "bench" / "crash_child.py"
PATHS = ("save", "export", "consolidate", "backup", "restore")
# The latest moment of a kill after the child is ready, as a multiple of how long one
# piece of the path's work takes here (timed while preparing): kills land before,
# during and between pieces of work.
KILL_WITHIN = {"save": 8.0, "export": 1.3, "consolidate": 1.3, "backup": 3.0, "restore": 3.0}


@dataclass
class Fixture:
    """The files prepared once: databases to copy, a workbook, two backups."""

    folder: Path
    post_db: Path
    demo_db: Path
    demo_events: int
    hq_db: Path
    workbook: Path
    workbook_events: int
    workbook_post: str
    seconds: dict[str, float]


@dataclass
class Tally:
    """What the runs of one path did and found."""

    runs: int = 0
    killed: int = 0
    finished_before_kill: int = 0
    reported_done: int = 0
    records_checked: int = 0
    failures: list[str] = field(default_factory=list)


def prepare(folder: Path) -> Fixture:
    """A post database, one with demonstration data, an HQ database and a workbook."""
    from inl_desktop.services.backups import restore_database
    from inl_desktop.services.consolidate import consolidate
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.services.demo import generate_demo
    from inl_desktop.services.export import ExportRequest, export_workbook
    from inl_desktop.services.post_keys import public_key_text, register_post_key
    from inl_desktop.services.setup import set_up_post
    from inl_desktop.store.migrate import backup_database, open_database

    def new_post(path: Path, code: str, name: str | None = None) -> AppContext:
        ctx = AppContext(open_database(path, now=utc_now), user="crash")
        set_up_post(ctx, code, code.split("-")[0], name)
        return ctx

    post_db = folder / "post.sqlite"
    new_post(post_db, "PK-ISB").engine.dispose()
    demo_db = backup_database(post_db, folder / "demo.sqlite")
    ctx = AppContext(open_database(demo_db, now=utc_now), user="crash")
    demo = generate_demo(ctx, seizure_items=1000, trainings=10, seed=7)
    seconds = {}
    started = time.perf_counter()
    export_workbook(ctx, ExportRequest(folder / "timed.xlsx", profile="full"))
    seconds["export"] = time.perf_counter() - started
    ctx.engine.dispose()
    lahore = new_post(folder / "lahore.sqlite", "PK-LHE")
    lahore_events = generate_demo(lahore, seizure_items=400, trainings=5, seed=11).seizure_events
    workbook = folder / "lahore.xlsx"
    export_workbook(lahore, ExportRequest(workbook, profile="full"))
    hq = new_post(folder / "hq.sqlite", "PK-HQ", "Headquarters")
    register_post_key(hq, public_key_text(lahore), "PK-LHE.pub")
    lahore.engine.dispose()
    hq.engine.dispose()
    hq_db = folder / "hq.sqlite"
    timed = AppContext(open_database(backup_database(hq_db, folder / "timed.sqlite"), now=utc_now))
    started = time.perf_counter()
    consolidate(timed, [workbook])
    seconds["consolidate"] = time.perf_counter() - started
    timed.engine.dispose()
    started = time.perf_counter()
    restore_database(folder / "timed.sqlite", demo_db, utc_now())
    seconds["restore"] = seconds["backup"] = time.perf_counter() - started
    seconds["save"] = 0.05
    return Fixture(
        folder,
        post_db,
        demo_db,
        demo.seizure_events,
        hq_db,
        workbook,
        lahore_events,
        "PK-LHE",
        seconds,
    )


def run_once(fixture: Fixture, kind: str, number: int, rng: random.Random, tally: Tally) -> None:
    """One child, one kill, one check."""
    from inl_desktop.store.migrate import backup_database

    folder = fixture.folder / f"run-{number:04d}-{kind}"
    folder.mkdir()
    if kind == "save":
        db = backup_database(fixture.post_db, folder / "post.sqlite")
        args = [db]
    elif kind == "export":
        db = backup_database(fixture.demo_db, folder / "post.sqlite")
        args = [db, folder / "out.xlsx"]
    elif kind == "consolidate":
        db = backup_database(fixture.hq_db, folder / "hq.sqlite")
        args = [db, fixture.workbook]
    elif kind == "backup":
        db = backup_database(fixture.demo_db, folder / "post.sqlite")
        args = [db, folder / "copy.sqlite"]
    else:
        db = backup_database(fixture.demo_db, folder / "post.sqlite")
        args = [db, fixture.demo_db, fixture.post_db]
    child = subprocess.Popen(
        [sys.executable, str(CHILD), kind, *map(str, args)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=folder,
    )
    assert child.stdout is not None
    first = child.stdout.readline().strip()
    if first != "ready":
        child.kill()
        child.wait()
        tally.failures.append(f"run {number} ({kind}): the child did not start ({first!r})")
        return
    time.sleep(rng.uniform(0, KILL_WITHIN[kind] * fixture.seconds[kind]))
    if child.poll() is None:
        child.kill()
        tally.killed += 1
    else:
        tally.finished_before_kill += 1
    child.wait()
    lines = child.stdout.read().splitlines()
    child.stdout.close()
    tally.runs += 1
    tally.reported_done += len(lines)
    problems = CHECKS[kind](fixture, folder, args, lines, tally)
    problems += [f"integrity: {finding}" for finding in _integrity(db)]
    tally.failures += [f"run {number} ({kind}): {problem}" for problem in problems]
    if not problems:
        shutil.rmtree(folder, ignore_errors=True)


def _integrity(db: Path) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()
    return [] if rows == ["ok"] else rows[:3]


def _query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def check_save(
    fixture: Fixture, folder: Path, args: list[Path], lines: list[str], tally: Tally
) -> list[str]:
    """Every reported seizure whole; no seizure in the file half there."""
    db = args[0]
    problems = []
    stored = {
        uuid: (remarks, items, logged)
        for uuid, remarks, items, logged in _query(
            db,
            "SELECT e.uuid, e.remarks,"
            " (SELECT count(*) FROM seizure_items i WHERE i.event_id = e.id),"
            " (SELECT count(*) FROM change_log c WHERE c.record_uuid = e.uuid)"
            " FROM seizure_events e WHERE e.remarks LIKE 'crash-test%'",
        )
    }
    for line in lines:
        _, uuid, items = line.split()
        tally.records_checked += 1
        if uuid not in stored:
            problems.append(f"seizure {uuid} was reported saved but is missing")
            continue
        remarks, count, logged = stored[uuid]
        if count != int(items) or not logged:
            problems.append(f"seizure {uuid}: {count} of {items} items, {logged} log entries")
    for uuid, (remarks, count, _logged) in stored.items():
        if remarks != f"crash-test items={count}":
            problems.append(f"seizure {uuid} is half written: {count} items, remarks {remarks!r}")
    quantities = _query(
        db,
        "SELECT count(*) FROM seizure_items i JOIN seizure_events e ON e.id = i.event_id"
        " WHERE e.remarks LIKE 'crash-test%' AND i.quantity != i.position + 1",
    )[0][0]
    if quantities:
        problems.append(f"{quantities} items with a quantity other than the one saved")
    return problems


def check_export(
    fixture: Fixture, folder: Path, args: list[Path], lines: list[str], tally: Tally
) -> list[str]:
    """The workbook under the final name is whole (or absent when none was reported)."""
    out = args[1]
    if not out.exists():
        return [f"{out.name} is missing though an export was reported"] if lines else []
    return _whole_workbook(out, tally)


def _whole_workbook(path: Path, tally: Tally) -> list[str]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True)
    except Exception as error:
        return [f"{path.name} under its final name cannot be opened: {error}"]
    try:
        declared = {
            str(key)[len("rows ") :]: value
            for key, value in book["About"].iter_rows(values_only=True, max_col=2)
            if isinstance(key, str) and key.startswith("rows ")
        }
        problems = []
        for sheet, rows in declared.items():
            found = sum(1 for _ in book[sheet].iter_rows(values_only=True)) - 1
            tally.records_checked += found
            if found != rows:
                problems.append(f"{path.name}: sheet {sheet} has {found} of {rows} rows")
        return problems
    finally:
        book.close()


def check_consolidate(
    fixture: Fixture, folder: Path, args: list[Path], lines: list[str], tally: Tally
) -> list[str]:
    """The post's seizures are in the HQ database all or not at all."""
    merged = _query(
        args[0], "SELECT count(*) FROM seizure_events WHERE post_code = ?", fixture.workbook_post
    )[0][0]
    tally.records_checked += merged
    if merged not in (0, fixture.workbook_events):
        return [f"{merged} of {fixture.workbook_events} seizures merged: half a workbook"]
    if lines and merged != fixture.workbook_events:
        return ["the merge was reported done but the seizures are missing"]
    return []


def check_backup(
    fixture: Fixture, folder: Path, args: list[Path], lines: list[str], tally: Tally
) -> list[str]:
    """The backup under the final name is sound and holds every seizure."""
    from inl_desktop.store.integrity import check_database

    out = args[1]
    if not out.exists():
        return ["the backup is missing though it was reported written"] if lines else []
    finding = check_database(out, thorough=True)
    if not finding.sound:
        return [f"backup under its final name: {finding.message}"]
    events = _query(out, "SELECT count(*) FROM seizure_events")[0][0]
    tally.records_checked += events
    return [] if events == fixture.demo_events else [f"backup holds {events} seizures"]


def check_restore(
    fixture: Fixture, folder: Path, args: list[Path], lines: list[str], tally: Tally
) -> list[str]:
    """The database is one backup or the other, whole; every kept backup is sound."""
    from inl_desktop.store.integrity import check_database

    db = args[0]
    events = _query(db, "SELECT count(*) FROM seizure_events")[0][0]
    tally.records_checked += events
    problems = []
    if events not in (0, fixture.demo_events):
        problems.append(f"{events} seizures: neither backup, a half restore")
    for kept in sorted((db.parent / "backups").glob("*.sqlite")):
        finding = check_database(kept)
        if not finding.sound:
            problems.append(f"kept backup {kept.name}: {finding.message}")
    return problems


CHECKS = {
    "save": check_save,
    "export": check_export,
    "consolidate": check_consolidate,
    "backup": check_backup,
    "restore": check_restore,
}


def main(argv: list[str] | None = None) -> int:
    """Prepare, run, check, report; exit 1 when anything was lost or half written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="children to kill (default 200)")
    parser.add_argument("--seed", type=int, default=None, help="random seed of the kill moments")
    parser.add_argument("--paths", default=",".join(PATHS), help="which write paths to kill")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep failed runs")
    args = parser.parse_args(argv)
    kinds = [kind for kind in args.paths.split(",") if kind]
    unknown = set(kinds) - set(PATHS)
    if unknown:
        parser.error(f"unknown paths: {', '.join(sorted(unknown))}")
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    rng = random.Random(seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="inl-crash-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        fixture = prepare(folder)
        tallies = {kind: Tally() for kind in kinds}
        for number in range(args.runs):
            kind = kinds[number % len(kinds)]
            run_once(fixture, kind, number, rng, tallies[kind])
    seconds = time.perf_counter() - started
    for kind, tally in tallies.items():
        print(
            f"{kind:<12} runs {tally.runs:>4}  killed {tally.killed:>4}  "
            f"finished first {tally.finished_before_kill:>3}  reported done "
            f"{tally.reported_done:>5}  records checked {tally.records_checked:>8,}  "
            f"failures {len(tally.failures)}"
        )
        for failure in tally.failures[:10]:
            print(f"  {failure}")
    failures = [failure for tally in tallies.values() for failure in tally.failures]
    totals = Counter[str]()
    for tally in tallies.values():
        totals.update(runs=tally.runs, killed=tally.killed, records=tally.records_checked)
    print(
        f"{totals['runs']} runs, {totals['killed']} kills, {totals['records']:,} records "
        f"checked, {len(failures)} failures in {seconds:.0f} s (seed {seed})"
    )
    summary = {
        "seed": seed,
        "seconds": round(seconds, 1),
        "runs": totals["runs"],
        "kills": totals["killed"],
        "records_checked": totals["records"],
        "failures": failures,
        "paths": {
            kind: {
                "runs": tally.runs,
                "killed": tally.killed,
                "finished_before_kill": tally.finished_before_kill,
                "reported_done": tally.reported_done,
                "records_checked": tally.records_checked,
                "failures": len(tally.failures),
            }
            for kind, tally in tallies.items()
        },
    }
    print(json.dumps(summary))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
