"""Peak memory of each refusal of the hostile-file sweep (issue 15), in fresh processes.

    python bench/hostile.py [--big-mib 400]

Builds the sweep's files (tests/hostile_workbooks.py) from a workbook the export service
writes, and one more: a Seizures sheet of 400 MiB of rows (compressing about 13 times,
far under the zip-bomb ratio) where the About sheet says 2. Each file that consolidation
or the importer refuses is read again in a fresh child process, through the service a
user's command runs (``consolidate`` into a fresh HQ database, ``read_source``), and the
child's peak resident memory (VmHWM) is taken. Target: every refusal under 300 MiB, the
400 MiB sheet refused before it is loaded. Prints one line per refusal, the largest, and
last one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile_workbooks  # noqa: E402  (the sweep's builders, shared with the tests)

TARGET_MIB = 300
BIG = "a 400 MiB sheet where About says 2"

CHILD = """
import json, shutil, sys
from pathlib import Path
from inl_desktop.domain.errors import UserError

path, kind, hq = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
if kind == "consolidate":
    from inl_desktop.services.consolidate import consolidate
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.store.migrate import open_database

    copy = hq.with_name(f"run-{path.stem}.sqlite")
    shutil.copyfile(hq, copy)
    ctx = AppContext(open_database(copy, now=utc_now, create=False), user="hq")
    refusal = consolidate(ctx, [path]).files[0].error
    ctx.engine.dispose()
else:
    from inl_desktop.exchange.sources import read_source

    try:
        read_source(path)
        refusal = None
    except UserError as refused:
        refusal = str(refused)
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"refusal": refusal, "peak_kib": int(peak)}))
"""


def child_environment() -> dict[str, str]:
    env = {**os.environ, "RUST_BACKTRACE": "0"}
    env.pop("INL_DESKTOP_DB", None)
    return env


def hq_database(folder: Path) -> Path:
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.services.setup import set_up_post
    from inl_desktop.store.migrate import open_database

    path = folder / "hq.sqlite"
    ctx = AppContext(open_database(path, now=utc_now), user="hq")
    set_up_post(ctx, "PK-HQ", "PK", "Headquarters")
    ctx.engine.dispose()
    return path


def measure(path: Path, kind: str, hq: Path) -> tuple[str | None, float, float]:
    """The refusal (None when read), the child's peak MiB and its seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), kind, str(hq)],
        capture_output=True,
        text=True,
        env=child_environment(),
        timeout=900,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:  # an abort or a traceback: the refusal failed
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return f"CRASHED rc={done.returncode}: {last}", float("nan"), seconds
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures["refusal"], figures["peak_kib"] / 1024, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big-mib", type=int, default=400, help="the inflated sheet's size")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="inl-hostile-"))
    try:
        source = hostile_workbooks.exchange_workbook(folder)
        hq = hq_database(folder)
        cases = dict(hostile_workbooks.cases())
        big = hostile_workbooks.Case(
            "counts",
            hostile_workbooks.inflated_sheet(args.big_mib),
            "says Seizures has 2 rows",
            import_refusal=None,
        )
        big_name = BIG.replace("400", str(args.big_mib))
        cases[big_name] = big
        rows: list[dict[str, object]] = []
        print(f"{'file':<44}{'path':<12}{'peak MiB':>9}{'s':>6}  refusal")
        for number, (name, case) in enumerate(cases.items()):
            path = folder / f"case-{number:02d}.xlsx"
            case.build(source, path)
            paths = (("consolidate", case.refusal), ("import", case.refused_on_import))
            for kind, expected in paths:
                if expected is None:
                    continue
                refusal, peak, seconds = measure(path, kind, hq)
                met = refusal is not None and expected in refusal and peak < TARGET_MIB
                rows.append({"file": name, "path": kind, "peak_mib": round(peak, 1), "met": met})
                shown = (refusal or "(read, not refused)").replace(path.name, "FILE")[:90]
                print(f"{name[:43]:<44}{kind:<12}{peak:>9.1f}{seconds:>6.1f}  {shown}")
            path.unlink()
        largest = max(rows, key=lambda row: float(row["peak_mib"]))  # type: ignore[arg-type]
        big_rows = [row for row in rows if row["file"] == big_name]
        print(f"largest: {largest['peak_mib']} MiB ({largest['file']}, {largest['path']})")
        summary = {
            "refusals": len(rows),
            "largest_peak_mib": largest["peak_mib"],
            "largest_file": largest["file"],
            "target_mib": TARGET_MIB,
            "big_sheet_mib": args.big_mib,
            "big_sheet_peak_mib": big_rows[0]["peak_mib"] if big_rows else None,
            "all_met": all(row["met"] for row in rows),
        }
        print(json.dumps(summary))
        return 0 if summary["all_met"] else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
