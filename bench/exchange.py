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
import resource, sys, time
from pathlib import Path
from inl_desktop.services.context import AppContext, utc_now
from inl_desktop.store.migrate import open_database
from inl_desktop.services.export import ExportRequest, export_workbook
ctx = AppContext(open_database(Path(sys.argv[1]), now=utc_now))
started = time.perf_counter()
result = export_workbook(ctx, ExportRequest(Path(sys.argv[2]), profile=sys.argv[3]))
elapsed = time.perf_counter() - started
print(elapsed, result.rows["Seizures"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    small = demo_database(100_000, 100)
    large = demo_database(1_000_000, 100)
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="inl-exchange-") as name:
        folder = Path(name)
        app_runs = [run_export(small, folder / "app.xlsx") for _ in range(args.runs)]
        raw_runs = [raw_openpyxl_seconds(small, folder) for _ in range(args.runs)]
        app_seconds = statistics.median(run[0] for run in app_runs)
        raw_seconds = statistics.median(raw_runs)
        _, large_rows, large_rss = run_export(large, folder / "large.xlsx")
        figures.update(
            export_100k_seconds=round(app_seconds, 2),
            raw_openpyxl_100k_seconds=round(raw_seconds, 2),
            export_ratio=round(app_seconds / raw_seconds, 2),
            export_rss_100k_mib=round(app_runs[0][2], 1),
            export_rss_1m_mib=round(large_rss, 1),
            export_1m_rows=large_rows,
        )
        try:
            from consolidation_bench import consolidation_figures  # type: ignore[import-not-found]
        except ImportError:
            consolidation_figures = None
        if consolidation_figures is not None:
            figures.update(consolidation_figures(folder, args.runs))
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
