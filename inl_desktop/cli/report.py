"""``inl-desktop report``: the accomplishments report of a period, as text, PDF or Excel."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from inl_desktop.cli.common import EXIT_OK, fail, opened, user_of

if TYPE_CHECKING:
    from inl_desktop.cli.common import Commands
    from inl_desktop.services.context import AppContext
    from inl_desktop.services.reports.accomplishments import Report

SUFFIXES = {"text": ".txt", "pdf": ".pdf", "xlsx": ".xlsx"}


def add_parser(commands: Commands, common: argparse.ArgumentParser) -> None:
    """The ``report`` command's arguments."""
    report = commands.add_parser(
        "report", parents=[common], help="the accomplishments report of a period"
    )
    report.add_argument(
        "--period",
        required=True,
        metavar="PERIOD",
        help="2019, FY2020, FY2020Q1, 2019Q3, 2019-03, 2019M1-10 (first 10 months) or FROM..TO",
    )
    report.add_argument("--country", metavar="CC", help="only the posts of this country program")
    report.add_argument("--post", metavar="CODE", help="only the records of this post")
    report.add_argument("--agency", metavar="CODE", help="only this agency (e.g. ANF)")
    report.add_argument(
        "--groupings",
        type=Path,
        metavar="FILE.json",
        help="drug and audience groupings of the sentences (default: the app's own)",
    )
    report.add_argument(
        "--format", choices=("text", "pdf", "xlsx"), default="text", help="default: text"
    )
    report.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where to write the pdf or xlsx (required for them)",
    )
    report.add_argument(
        "--json", action="store_true", help="print the sentences and figures as one JSON object"
    )


def run(args: argparse.Namespace) -> int:
    """Build the report of the period and scope, then show or write it."""
    from inl_desktop.domain.periods import BadPeriod, parse_period
    from inl_desktop.services.reports.accomplishments import build_report, load_groupings
    from inl_desktop.services.reports.seizures import ReportScope

    try:
        period = parse_period(args.period)
    except BadPeriod as error:
        return fail(str(error))
    if args.format != "text" and args.out is None:
        return fail(f"--format {args.format} needs --out FILE")
    suffix = SUFFIXES[args.format]
    if args.out is not None and args.out.suffix.lower() != suffix:
        return fail(f"the output must be a {suffix} file: {args.out}")
    with opened(args.db, "report", create=False, user=user_of(args)) as database:
        ctx = database.ctx
        groupings = load_groupings(ctx.catalog(), args.groupings)
        scope = ReportScope(
            period,
            country=args.country.upper() if args.country else None,
            post=args.post.upper() if args.post else None,
            agency=args.agency.upper() if args.agency else None,
        )
        report = build_report(ctx, scope, groupings)
        if args.json:
            # With --json, stdout holds the JSON object only; the file written is said on stderr.
            with contextlib.redirect_stdout(sys.stderr):
                _write(args, ctx, report, show_text=False)
            print(json.dumps(report.as_json()))
        else:
            _write(args, ctx, report, show_text=True)
    return EXIT_OK


def _write(args: argparse.Namespace, ctx: AppContext, report: Report, *, show_text: bool) -> None:
    from inl_desktop.services.reports.accomplishments import save_report_xlsx

    if args.format == "xlsx":
        print(f"Wrote {save_report_xlsx(ctx, report, args.out).resolve()}.")
    elif args.format == "pdf":
        # Qt draws the PDF; only this format of the report needs it.
        from inl_desktop.gui.reports.report_document import ensure_gui_application, write_report_pdf

        ensure_gui_application()
        print(f"Wrote {write_report_pdf(report, args.out).resolve()}.")
    else:
        if show_text:
            print(report.title)
            print()
            print("\n".join(report.sentences))
            print()
            print(report.table_text())
        if args.out is not None:
            args.out.write_text(report.text + "\n", encoding="utf-8")
