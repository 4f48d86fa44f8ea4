"""Exchange workbooks: export speed and memory, consolidation speed.

    python bench/exchange.py [--runs 3]

In one run:
- exporting 100,000 seizure items (hq profile) against openpyxl's write-only mode
  writing the same cells with no app code (target: ratio at most 1.2);
- the export's peak RSS at 100,000 and at 1,000,000 items, each in a fresh process
  (target: the larger under 1.5 times the smaller: the export streams);
- consolidating 20 workbooks of 10,000 items each into an HQ database against a bare
  read of the same workbooks (python-calamine) plus a bulk insert of the same rows
  (target: ratio at most 1.5).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATA = ROOT / "bench" / "data"

EXPORT_CHILD = """
import sys, time
from pathlib import Path
from inl_desktop.services.context import AppContext, utc_now
from inl_desktop.store.migrate import open_database
from inl_desktop.services.export import ExportRequest, export_workbook
ctx = AppContext(open_database(Path(sys.argv[1]), now=utc_now))
started = time.perf_counter()
result = export_workbook(ctx, ExportRequest(Path(sys.argv[2]), profile=sys.argv[3]))
elapsed = time.perf_counter() - started
# VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's peak at the fork.
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(elapsed, result.rows["Seizures"], peak)
"""


def demo_database(items: int, trainings: int) -> Path:
    path = DATA / f"exchange-{items}.sqlite"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        print(f"building {path}…", file=sys.stderr)
        subprocess.run(
            [
                str(BIN / "inl-desktop"),
                "demo",
                "--db",
                str(path),
                "--seizures",
                str(items),
                "--trainings",
                str(trainings),
            ],
            check=True,
        )
    return path


def run_export(db: Path, out: Path, profile: str = "hq") -> tuple[float, int, float]:
    """Seconds, seizure rows and peak RSS (MiB) of an export in a fresh process."""
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    line = subprocess.run(
        [sys.executable, "-c", EXPORT_CHILD, str(db), str(out), profile],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.split()
    return float(line[0]), int(line[1]), int(line[2]) / 1024


def raw_openpyxl_seconds(db: Path, folder: Path) -> float:
    """openpyxl write-only writing the cells of the same export, materialised beforehand."""
    from openpyxl import Workbook

    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.services.export import Selection, export_sheets
    from inl_desktop.services.person_key import person_key_secret
    from inl_desktop.store.migrate import open_database

    ctx = AppContext(open_database(db, now=utc_now))
    with ctx.engine.connect() as connection:
        sheets = [
            (sheet.name, [c.key for c in sheet.columns], [list(row) for row in sheet.rows])
            for sheet in export_sheets(
                connection, Selection(None, None), ctx.catalog(), "hq", person_key_secret(ctx)
            )
        ]
    ctx.engine.dispose()
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    for name, header, rows in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    workbook.save(folder / "raw.xlsx")
    return time.perf_counter() - started


WORKBOOKS = 20
ITEMS_PER_WORKBOOK = 10_000
POSTS = ("PK-ISB", "PK-LHE", "PK-KHI", "PK-PEW")


def post_keys(folder: Path) -> dict[str, Path]:
    """Each post's signing key: a set-up database holding it (copied under every demo
    database of the post, so that all of a post's workbooks carry its one key), and its
    public key file beside it. A post whose key is new has its old workbooks removed."""
    cli = str(BIN / "inl-desktop")
    keys = {}
    for post in POSTS:
        keys[post] = key_db = folder / f"{post}-key.sqlite"
        public = folder / f"{post}.pub"
        if not key_db.exists() or not public.exists():
            key_db.unlink(missing_ok=True)
            for stale in folder.glob(f"{post}-*.xlsx"):
                stale.unlink()
            setup = [cli, "setup", "--db", str(key_db), "--post", post, "--country", "PK"]
            subprocess.run(setup, check=True, capture_output=True)
            subprocess.run(
                [cli, "key", "--db", str(key_db), "--out", str(public)],
                check=True,
                capture_output=True,
            )
    return keys


def post_workbooks() -> list[Path]:
    """20 workbooks of 10,000 items each, from demo databases of the four posts (signed:
    HQ registers the four keys, ``fresh_hq``)."""
    folder = DATA / "workbooks"
    folder.mkdir(parents=True, exist_ok=True)
    keys = post_keys(folder)
    paths = []
    for number in range(WORKBOOKS):
        post = POSTS[number % len(POSTS)]
        workbook = folder / f"{post}-{number:02d}-signed.xlsx"
        if not workbook.exists():
            db = folder / f"{post}-{number:02d}.sqlite"
            db.unlink(missing_ok=True)
            cli = str(BIN / "inl-desktop")
            subprocess.run(
                [cli, "backup", "--db", str(keys[post]), "--out", str(db)],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [
                    cli,
                    "demo",
                    "--db",
                    str(db),
                    "--post",
                    post,
                    "--seizures",
                    str(ITEMS_PER_WORKBOOK),
                    "--trainings",
                    "10",
                    "--seed",
                    str(number + 1),
                ],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [cli, "export", "--db", str(db), "--out", str(workbook)],
                check=True,
                capture_output=True,
            )
            db.unlink()
        paths.append(workbook)
    return paths


def fresh_hq(folder: Path, name: str) -> Path:
    path = folder / name
    cli = str(BIN / "inl-desktop")
    subprocess.run(
        [
            cli,
            "setup",
            "--db",
            str(path),
            "--post",
            "PK-HQ",
            "--country",
            "PK",
            "--name",
            "Headquarters",
        ],
        check=True,
        capture_output=True,
    )
    for post in POSTS:
        public = DATA / "workbooks" / f"{post}.pub"
        subprocess.run(
            [cli, "hq", "add-post", str(public), "--db", str(path)], check=True, capture_output=True
        )
    return path


def bare_read_and_insert(workbooks: list[Path], hq: Path) -> float:
    """Seconds for calamine to read every sheet and sqlite3 to insert the seizure rows."""
    import sqlite3

    from python_calamine import CalamineWorkbook

    connection = sqlite3.connect(hq, isolation_level=None)
    connection.execute("PRAGMA synchronous = FULL")
    started = time.perf_counter()
    for path in workbooks:
        book = CalamineWorkbook.from_path(str(path))
        sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
        seizures = sheets["Seizures"]
        header = seizures[0]
        rows = [dict(zip(header, row, strict=False)) for row in seizures[1:]]
        connection.execute("BEGIN")
        events: dict[str, int] = {}
        for row in rows:
            if row["event_uuid"] not in events:
                cursor = connection.execute(
                    "INSERT INTO seizure_events (uuid, post_code, revision, created_at, "
                    "created_by, updated_at, updated_by, status, basis, event_date, "
                    "period_start, period_end, agency, province, place) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        row["event_uuid"],
                        row["post_code"],
                        row["revision"],
                        str(row["created_at"]),
                        row["created_by"],
                        str(row["updated_at"]),
                        row["updated_by"],
                        row["status"],
                        row["basis"],
                        str(row["event_date"]),
                        str(row["period_start"]),
                        str(row["period_end"]),
                        row["agency"],
                        row["province"],
                        row["place"],
                    ),
                )
                events[row["event_uuid"]] = int(cursor.lastrowid or 0)
        connection.executemany(
            "INSERT INTO seizure_items (uuid, event_id, position, drug, quantity, unit, "
            "kg_equivalent_mg) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    row["item_uuid"],
                    events[row["event_uuid"]],
                    row["item_position"],
                    row["drug"],
                    str(row["quantity"]),
                    row["unit"],
                    None if row["kg_equivalent"] in (None, "") else int(row["kg_equivalent"] * 1e6),
                )
                for row in rows
            ],
        )
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def consolidation_figures(folder: Path, runs: int) -> dict[str, object]:
    """The app consolidating 20 workbooks vs. calamine reading them plus a bulk insert."""
    from inl_desktop.services.consolidate import consolidate
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.store.migrate import open_database

    workbooks = post_workbooks()
    app_times, bare_times = [], []
    for run in range(runs):
        hq = fresh_hq(folder, f"hq-{run}.sqlite")
        ctx = AppContext(open_database(hq, now=utc_now), user="bench")
        started = time.perf_counter()
        result = consolidate(ctx, workbooks)
        app_times.append(time.perf_counter() - started)
        assert result.everything_merged or result.totals["added"], result.as_json()
        ctx.engine.dispose()
        bare_times.append(bare_read_and_insert(workbooks, fresh_hq(folder, f"bare-{run}.sqlite")))
    app, bare = statistics.median(app_times), statistics.median(bare_times)
    return {
        "consolidate_20x10k_seconds": round(app, 2),
        "bare_read_insert_seconds": round(bare, 2),
        "consolidate_ratio": round(app / bare, 2),
        "consolidated_added": result.totals["added"],
        "consolidated_rejected": result.totals["rejected"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("export", "consolidate"), help="run one half")
    args = parser.parse_args()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="inl-exchange-") as name:
        folder = Path(name)
        if args.only != "consolidate":
            figures.update(export_figures(folder, args.runs))
        if args.only != "export":
            figures.update(consolidation_figures(folder, args.runs))
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


def export_figures(folder: Path, runs: int) -> dict[str, object]:
    """Export speed against raw openpyxl, and export memory at 100,000 and 1,000,000."""
    small = demo_database(100_000, 100)
    large = demo_database(1_000_000, 100)
    for db in (small, large):  # migrate (and back up) now, not inside a measured export
        subprocess.run(
            [str(BIN / "inl-desktop"), "info", "--db", str(db)], check=True, capture_output=True
        )
    app_runs = [run_export(small, folder / "app.xlsx") for _ in range(runs)]
    raw_runs = [raw_openpyxl_seconds(small, folder) for _ in range(runs)]
    app_seconds = statistics.median(run[0] for run in app_runs)
    raw_seconds = statistics.median(raw_runs)
    _, large_rows, large_rss = run_export(large, folder / "large.xlsx")
    return {
        "export_100k_seconds": round(app_seconds, 2),
        "raw_openpyxl_100k_seconds": round(raw_seconds, 2),
        "export_ratio": round(app_seconds / raw_seconds, 2),
        "export_rss_100k_mib": round(app_runs[0][2], 1),
        "export_rss_1m_mib": round(large_rss, 1),
        "export_1m_rows": large_rows,
    }


if __name__ == "__main__":
    main()
