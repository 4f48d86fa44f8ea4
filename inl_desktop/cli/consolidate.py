"""``inl-desktop consolidate``: posts' exchange workbooks merged into the HQ database."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from inl_desktop.cli.common import EXIT_FAILED, EXIT_OK, fail, opened, user_of, workbook_password

if TYPE_CHECKING:
    from inl_desktop.cli.common import Commands
    from inl_desktop.services.consolidate import ConsolidationResult

COUNT_COLUMNS = ("added", "updated", "unchanged", "deleted", "conflicts", "rejected")
SHOWN_REJECTIONS = 20


def add_parser(commands: Commands, common: argparse.ArgumentParser) -> None:
    """The ``consolidate`` command's arguments (``--into`` names the database, not ``--db``)."""
    consolidate = commands.add_parser(
        "consolidate", help="merge posts' exchange workbooks into a headquarters database"
    )
    consolidate.add_argument("files", nargs="+", type=Path, metavar="FILE.xlsx")
    consolidate.add_argument(
        "--into", required=True, type=Path, metavar="HQ.sqlite", help="the HQ database"
    )
    consolidate.add_argument(
        "--report", type=Path, metavar="OUT.xlsx", help="also write the merged records and totals"
    )
    consolidate.add_argument("--json", action="store_true", help="print one JSON object last")


def run(args: argparse.Namespace) -> int:
    """Merge the workbooks; exit 1 when anything was not merged."""
    from inl_desktop.services.consolidate import consolidate
    from inl_desktop.services.reports.hq import summary_report

    refusal = _refusal(args.files, args.report)
    if refusal:
        return fail(refusal)
    with opened(str(args.into), "consolidate", user=user_of(args)) as database:
        ctx = database.ctx
        if ctx.post_or_none() is None:
            return fail(
                f"{args.into} has no post yet; set it up first, e.g. "
                f"inl-desktop setup --db {args.into} --post PK-HQ --country PK --name Headquarters"
            )

        def progress(done: int, what: str) -> None:
            print(f"\r{what[:70]:<70}", end="", file=sys.stderr, flush=True)

        result = consolidate(ctx, args.files, progress, workbook_password(args.files))
        print(file=sys.stderr)
        _print_table(result)
        if args.report is not None:
            summary_report(ctx, args.report)
            print(f"Wrote the report {args.report.resolve()}.")
    if args.json:
        print(json.dumps(result.as_json()))
    return EXIT_OK if result.everything_merged else EXIT_FAILED


def _refusal(files: list[Path], report: Path | None) -> str | None:
    """Why the files or the report path cannot be used, before the database is opened."""
    folders = [path for path in files if path.is_dir()]
    if folders:
        return f"{', '.join(map(str, folders))} is a folder, not a workbook"
    missing = [path for path in files if not path.is_file()]
    if missing:
        return f"no such file: {', '.join(map(str, missing))}"
    if report is not None and report.suffix.lower() != ".xlsx":
        return f"the report must be an .xlsx file: {report}"
    return None


def _print_table(result: ConsolidationResult) -> None:
    """One row of counts per workbook, its refusal and rejected rows under it, then totals."""
    print(f"{'file':<40}" + "".join(f"{key:>11}" for key in COUNT_COLUMNS))
    for file_result in result.files:
        counts = file_result.counts()
        print(
            f"{file_result.file.name[:39]:<40}"
            + "".join(f"{counts[k]:>11,}" for k in COUNT_COLUMNS)
        )
        if file_result.refusal:
            print(f"  refused: {file_result.refusal}")
        if file_result.signature is not None and file_result.signature.note:
            print(f"  {file_result.signature.note}")
        for problem in file_result.rejected[:SHOWN_REJECTIONS]:
            print(f"  {problem}")
        if len(file_result.rejected) > SHOWN_REJECTIONS:
            print(f"  … and {len(file_result.rejected) - SHOWN_REJECTIONS:,} more rejected rows")
    totals = result.totals
    print(f"{'total':<40}" + "".join(f"{totals[k]:>11,}" for k in COUNT_COLUMNS))
