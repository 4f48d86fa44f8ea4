"""Importing a 10,000-row seizure spreadsheet (CSV and xlsx) with a saved mapping,
against, in the same run, the bare read of the same file by the same reader (csv /
python-calamine) plus the app's own bulk insert of the same records already parsed.
The target: the import within 2.5x of that floor.

The import is the whole of it: the file read, every row mapped, parsed and checked
with the form's rules, look-alikes of stored seizures looked for, and the records
written in one transaction with their fingerprints, into a fresh database each run.
Prints one line per figure and, last, one JSON object.

    python bench/importing.py [--rows 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
DRUGS = ("Charas", "Heroin", "Opium", "Ice", "Hashish", "Cannabis resin", "Morphine")
AGENCIES = ("ANF", "MoD", "Ministry Of Defense", "FC KP", "Punjab Police", "Customs")
PROVINCES = ("Punjab", "Sindh", "KP", "Balochistan")
UNITS = ("kg", "g", "MT", "kgs")


def source_rows(count: int, seed: int = 7) -> list[list[str]]:
    """Rows as a post keeps them: day-first dates, units in the quantity, spellings."""
    rng = random.Random(seed)
    start = date(2018, 1, 1)
    rows = []
    for number in range(count):
        day = start + timedelta(days=rng.randrange(2000))
        quantity = f"{rng.randint(1, 900)}.{rng.randint(0, 99):02d} {rng.choice(UNITS)}"
        rows.append(
            [
                f"{day.day:02d}/{day.month:02d}/{day.year}",
                rng.choice(AGENCIES),
                rng.choice(DRUGS),
                quantity,
                rng.choice(PROVINCES),
                f"FIR {number}/{day.year}",
                rng.choice(("", "recovered from vehicle", "=on tip-off")),
            ]
        )
    return rows


HEADERS = ["Date of seizure", "LEA", "Narcotics", "Qty", "Province", "FIR No", "Remarks"]


def write_sources(folder: Path, rows: list[list[str]]) -> tuple[Path, Path]:
    from openpyxl import Workbook

    csv_path = folder / "seizures.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Seizures reported by the agencies"])
        writer.writerow([])
        writer.writerow(HEADERS)
        writer.writerows(rows)
    xlsx_path = folder / "seizures.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Seizures")
    sheet.append(["Seizures reported by the agencies"])
    sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        day, month, year = (int(part) for part in row[0].split("/"))
        sheet.append([date(year, month, day), *row[1:]])
    book.save(xlsx_path)
    return csv_path, xlsx_path


def fresh_database(folder: Path, name: str) -> Path:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    subprocess.run(
        [str(BIN / "inl-desktop"), "setup", "--db", str(path), "--post", "PK-ISB",
         "--country", "PK", "--name", "Islamabad"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return path


def bare_read(path: Path) -> float:
    """Seconds for the reader alone: csv over the decoded text, or calamine's sheet."""
    started = time.perf_counter()
    if path.suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(text.splitlines()))
    else:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_name("Seizures").to_python()
        book.close()
    assert len(rows) > 3
    return time.perf_counter() - started


def app_import(path: Path, mapping_path: Path, db: Path) -> tuple[float, int]:
    """Seconds for the app's import with the saved mapping, and the records imported."""
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.services.importing.mapping import load_mapping
    from inl_desktop.services.importing.run import commit_import, plan_import, read_table
    from inl_desktop.store.migrate import open_database

    ctx = AppContext(open_database(db, now=utc_now), user="bench")
    ctx.catalog()
    ctx.post()
    started = time.perf_counter()
    mapping = load_mapping(mapping_path)
    plan = plan_import(ctx, read_table(path, mapping), mapping)
    result = commit_import(ctx, plan)
    elapsed = time.perf_counter() - started
    ctx.engine.dispose()
    return elapsed, result.imported


def bulk_insert(path: Path, mapping_path: Path, db: Path, parsed_db: Path) -> float:
    """Seconds for the app's bulk insert alone of the file's records, parsed beforehand
    (the insert the import ends with, in one transaction)."""
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.services.importing.mapping import load_mapping
    from inl_desktop.services.importing.run import READY, plan_import, read_table
    from inl_desktop.services.records import new_uuid
    from inl_desktop.store.bulk import next_id
    from inl_desktop.store.migrate import open_database
    from inl_desktop.store.record_rows import Audit
    from inl_desktop.store.seizure_rows import insert_seizures

    reading = AppContext(open_database(parsed_db, now=utc_now), user="bench")
    mapping = load_mapping(mapping_path)
    plan = plan_import(reading, read_table(path, mapping), mapping)
    drafts = [row.record for row in plan.rows if row.outcome == READY]
    reading.engine.dispose()
    ctx = AppContext(open_database(db, now=utc_now), user="bench")
    catalog = ctx.catalog()
    post = ctx.post()
    now = ctx.now()
    audit = Audit(post.code, now, ctx.user, now, ctx.user)
    started = time.perf_counter()
    with ctx.engine.begin() as connection:
        first = next_id(connection, "seizure_events")
        writes = []
        for offset, draft in enumerate(drafts):
            draft.uuid, draft.revision = new_uuid(), 1
            for item in draft.items:
                item.uuid = new_uuid()
            writes.append((first + offset, draft, audit))
        insert_seizures(connection, writes, catalog)
    elapsed = time.perf_counter() - started
    ctx.engine.dispose()
    return elapsed


def save_mapping(folder: Path, csv_path: Path) -> Path:
    """The mapping a clerk saves once (columns and the file's spellings)."""
    from inl_desktop.services.importing.mapping import ImportMapping
    from inl_desktop.services.importing.targets import ImportKind

    mapping = ImportMapping(
        ImportKind.SEIZURES,
        name="Agency returns",
        columns={
            "event_date": ["Date of seizure"],
            "agency": ["LEA"],
            "drug": ["Narcotics"],
            "quantity": ["Qty"],
            "province": ["Province"],
            "source_reference": ["FIR No"],
            "remarks": ["Remarks"],
        },
        values={
            "agency": {"mod": "MOD", "ministry of defense": "MOD", "fc kp": "FC_KP",
                       "punjab police": "PUNJAB_POLICE", "customs": "CUSTOMS"},
            "drug": {"charas": "HASHISH", "ice": "METHAMPHETAMINE",
                     "cannabis resin": "HASHISH"},
        },
    )  # fmt: skip
    path = folder / "mapping.json"
    mapping.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="inl-import-") as name:
        folder = Path(name)
        csv_path, xlsx_path = write_sources(folder, source_rows(args.rows))
        mapping = save_mapping(folder, csv_path)
        for path in (csv_path, xlsx_path):
            kind = path.suffix[1:]
            app_runs, floor_runs, bare_runs, insert_runs, imported = [], [], [], [], 0
            parsed_db = fresh_database(folder, "parsed.db")
            for run in range(args.runs):
                bare = bare_read(path)
                insert = bulk_insert(
                    path, mapping, fresh_database(folder, f"insert{run}.db"), parsed_db
                )
                bare_runs.append(bare)
                insert_runs.append(insert)
                floor_runs.append(bare + insert)
                seconds, imported = app_import(path, mapping, fresh_database(folder, f"{run}.db"))
                app_runs.append(seconds)
            app, floor = statistics.median(app_runs), statistics.median(floor_runs)
            figures[f"{kind}_import_seconds"] = round(app, 3)
            figures[f"{kind}_bare_read_seconds"] = round(statistics.median(bare_runs), 3)
            figures[f"{kind}_bulk_insert_seconds"] = round(statistics.median(insert_runs), 3)
            figures[f"{kind}_floor_seconds"] = round(floor, 3)
            figures[f"{kind}_ratio"] = round(app / floor, 2)
            figures[f"{kind}_within_target"] = app / floor <= 2.5
            figures[f"{kind}_imported"] = imported
        # The same import into a database that already holds another file's 10,000
        # seizures of the same years: every row is compared with them (look-alikes).
        other = folder / "other"
        other.mkdir()
        other_csv, _ = write_sources(other, source_rows(args.rows, seed=11))
        filled_runs = []
        for run in range(args.runs):
            db = fresh_database(folder, f"filled{run}.db")
            app_import(other_csv, mapping, db)
            seconds, _imported = app_import(csv_path, mapping, db)
            filled_runs.append(seconds)
        figures["csv_import_into_filled_seconds"] = round(statistics.median(filled_runs), 3)
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
