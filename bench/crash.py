"""Crash safety, proved: kill the app's write paths with SIGKILL at random moments and check.

    python bench/crash.py [--runs 200] [--seed N] [--paths save,export,...] [--encrypted]

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
  rows its About sheet declares; each backup, a new file every time, is sound and
  holds every record), and exists when the child reported it written;
- restore: the database holds one of the two backups exactly, and every backup in
  its backups folder is sound;
- every database passes ``PRAGMA integrity_check``.

With ``--encrypted`` the post and HQ databases are encrypted (``encrypt_database``,
Argon2id at its default cost) before anything is copied from them, so every copy,
backup and restore works on encrypted files; each child signs in before it says it is
ready, and the checks read the files through ``store.cipher`` after signing in. They
also check that every backup and restored database is encrypted and has its key file
beside it (the key file is what opens it).

Prints one line per path and, last, one JSON object with the counts and failures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
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
# The first user of the encrypted databases (--encrypted); the children sign in as them.
ADMIN = "Crash Admin"
PASSWORD = "crash-test-password"
# Full exports carry personal data and are written encrypted with a password.
WORKBOOK_PASSWORD = "crash-workbook-password"
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
    encrypted: bool = False


@dataclass
class Tally:
    """What the runs of one path did and found."""

    runs: int = 0
    killed: int = 0
    finished_before_kill: int = 0
    reported_done: int = 0
    records_checked: int = 0
    failures: list[str] = field(default_factory=list)
    # Plain files the killed child left in its temporary folder (a full export or a
    # workbook being merged is plain there before it is encrypted or after decryption).
    leftovers: list[str] = field(default_factory=list)


def prepare(folder: Path, encrypted: bool = False) -> Fixture:
    """A post database, one with demonstration data, an HQ database and a workbook;
    the post's and the HQ's databases encrypted when ``encrypted``."""
    from inl_desktop.services.backups import restore_database
    from inl_desktop.services.consolidate import consolidate
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.services.demo import generate_demo
    from inl_desktop.services.export import ExportRequest, export_workbook
    from inl_desktop.services.post_keys import public_key_text, register_post_key
    from inl_desktop.services.setup import set_up_post
    from inl_desktop.services.users import Credentials, encrypt_database
    from inl_desktop.store.migrate import backup_database, open_database

    def new_post(path: Path, code: str, name: str | None = None) -> AppContext:
        ctx = AppContext(open_database(path, now=utc_now), user="crash")
        set_up_post(ctx, code, code.split("-")[0], name)
        if encrypted and code != "PK-LHE":  # Lahore only writes the workbook HQ merges
            ctx.engine.dispose()
            encrypt_database(path, Credentials(ADMIN, PASSWORD), utc_now)
            ctx = AppContext(open_database(path, now=utc_now), user="crash")
        return ctx

    post_db = folder / "post.sqlite"
    new_post(post_db, "PK-ISB").engine.dispose()
    demo_db = backup_database(post_db, folder / "demo.sqlite")
    ctx = AppContext(open_database(demo_db, now=utc_now), user="crash")
    demo = generate_demo(ctx, seizure_items=1000, trainings=10, seed=7)
    seconds = {}
    started = time.perf_counter()
    export_workbook(
        ctx, ExportRequest(folder / "timed.xlsx", profile="full", password=WORKBOOK_PASSWORD)
    )
    seconds["export"] = time.perf_counter() - started
    ctx.engine.dispose()
    lahore = new_post(folder / "lahore.sqlite", "PK-LHE")
    lahore_events = generate_demo(lahore, seizure_items=400, trainings=5, seed=11).seizure_events
    workbook = folder / "lahore.xlsx"
    export_workbook(lahore, ExportRequest(workbook, profile="full", password=WORKBOOK_PASSWORD))
    hq = new_post(folder / "hq.sqlite", "PK-HQ", "Headquarters")
    register_post_key(hq, public_key_text(lahore), "PK-LHE.pub")
    lahore.engine.dispose()
    hq.engine.dispose()
    hq_db = folder / "hq.sqlite"
    timed = AppContext(open_database(backup_database(hq_db, folder / "timed.sqlite"), now=utc_now))
    started = time.perf_counter()
    consolidate(timed, [workbook], password=WORKBOOK_PASSWORD)
    seconds["consolidate"] = time.perf_counter() - started
    timed.engine.dispose()
    # Restored over a copy of the post (the same key as the demo database when encrypted).
    restored = backup_database(post_db, folder / "timed-restore.sqlite")
    started = time.perf_counter()
    restore_database(restored, demo_db, utc_now())
    seconds["restore"] = seconds["backup"] = time.perf_counter() - started
    seconds["save"] = 0.05
    if encrypted:
        _sign_in_again([post_db, hq_db])
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
        encrypted,
    )


def _sign_in_again(databases: list[Path]) -> None:
    """Forget the keys ``encrypt_database`` left in this process and unlock them again
    with the password, as the checks must (copies share their database's key)."""
    from inl_desktop.services.users import Credentials, sign_in
    from inl_desktop.store.cipher import KEYRING, KeyFile, keys_path

    for database in databases:
        KEYRING.forget(KeyFile.read(keys_path(database)).database_id)
    for database in databases:
        sign_in(database, Credentials(ADMIN, PASSWORD))


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
    sign_in = ["--sign-in", ADMIN, PASSWORD] if fixture.encrypted else []
    temporary = folder / "tmp"
    temporary.mkdir()
    child = subprocess.Popen(
        [sys.executable, str(CHILD), *sign_in, kind, *map(str, args)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=folder,
        env={**os.environ, "TMPDIR": str(temporary)},
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
    if fixture.encrypted:
        problems += _still_encrypted(db)
    tally.failures += [f"run {number} ({kind}): {problem}" for problem in problems]
    tally.leftovers += [
        f"run {number} ({kind}): {left.relative_to(folder)}"
        for left in sorted(temporary.rglob("*"))
        if left.is_file()
    ]
    if not problems:
        shutil.rmtree(folder, ignore_errors=True)


def _connect(db: Path) -> Any:
    """A connection to a plain or (with the key signed in) an encrypted database."""
    from inl_desktop.store.cipher import connect

    return connect(db)


def _still_encrypted(db: Path) -> list[str]:
    """An encrypted database stays encrypted, with its key file beside it."""
    from inl_desktop.store.cipher import SQLITE_HEADER, keys_path

    problems = []
    if not keys_path(db).is_file():
        problems.append(f"{db.name} has no key file beside it")
    if db.exists():
        with db.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
                problems.append(f"{db.name} is a plain SQLite file")
    return problems


def _integrity(db: Path) -> list[str]:
    connection = _connect(db)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()
    return [] if rows == ["ok"] else rows[:3]


def _query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    connection = _connect(db)
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
    from inl_desktop.exchange import protection

    if not protection.is_protected(path):
        return [f"{path.name} is a full export written without its password"]
    try:
        with protection.decrypted(path, WORKBOOK_PASSWORD) as plain:
            return _whole_plain_workbook(plain, tally)
    except protection.WorkbookPasswordNeeded as error:
        return [f"{path.name} under its final name cannot be decrypted: {error}"]


def _whole_plain_workbook(path: Path, tally: Tally) -> list[str]:
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
    """Every backup reported written is there; every one under its final name is sound,
    holds every seizure and (encrypted) has its key file."""
    from inl_desktop.store.integrity import check_database

    out = args[1]
    problems = []
    for line in lines:
        name = line.split()[1]
        if not (folder / name).exists():
            problems.append(f"{name} is missing though it was reported written")
    for backup in sorted(folder.glob(f"{out.stem}-*{out.suffix}")):
        if fixture.encrypted:
            unreadable = _still_encrypted(backup)
            if unreadable:
                problems += [f"{backup.name} under its final name: {text}" for text in unreadable]
                continue
        finding = check_database(backup, thorough=True)
        if not finding.sound:
            problems.append(f"{backup.name} under its final name: {finding.message}")
            continue
        events = _query(backup, "SELECT count(*) FROM seizure_events")[0][0]
        tally.records_checked += events
        if events != fixture.demo_events:
            problems.append(f"{backup.name} holds {events} seizures")
    return problems


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
        if fixture.encrypted:
            problems += [f"kept backup {problem}" for problem in _still_encrypted(kept)]
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
    parser.add_argument(
        "--encrypted", action="store_true", help="encrypted databases (SQLCipher), signed in"
    )
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
        fixture = prepare(folder, args.encrypted)
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
            f"failures {len(tally.failures)}  temporary files left {len(tally.leftovers)}"
        )
        for failure in tally.failures[:10]:
            print(f"  {failure}")
        for left in tally.leftovers[:3]:
            print(f"  left behind: {left}")
    failures = [failure for tally in tallies.values() for failure in tally.failures]
    totals = Counter[str]()
    for tally in tallies.values():
        totals.update(runs=tally.runs, killed=tally.killed, records=tally.records_checked)
    print(
        f"{totals['runs']} runs, {totals['killed']} kills, {totals['records']:,} records "
        f"checked, {len(failures)} failures in {seconds:.0f} s (seed {seed}"
        f"{', encrypted' if args.encrypted else ''})"
    )
    summary = {
        "seed": seed,
        "encrypted": args.encrypted,
        "seconds": round(seconds, 1),
        "runs": totals["runs"],
        "kills": totals["killed"],
        "records_checked": totals["records"],
        "failures": failures,
        "temporary_files_left": [left for tally in tallies.values() for left in tally.leftovers],
        "paths": {
            kind: {
                "runs": tally.runs,
                "killed": tally.killed,
                "finished_before_kill": tally.finished_before_kill,
                "reported_done": tally.reported_done,
                "records_checked": tally.records_checked,
                "failures": len(tally.failures),
                "temporary_files_left": len(tally.leftovers),
            }
            for kind, tally in tallies.items()
        },
    }
    print(json.dumps(summary))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
