"""``inl-desktop export``: the exchange workbook for headquarters."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from inl_desktop.cli.common import (
    EXIT_OK,
    WORKBOOK_PASSWORD_FILE_ENV,
    fail,
    opened,
    read_password,
    user_of,
)

if TYPE_CHECKING:
    from inl_desktop.cli.common import Commands


def add_parser(commands: Commands, common: argparse.ArgumentParser) -> None:
    """The ``export`` command's arguments."""
    export = commands.add_parser(
        "export", parents=[common], help="write the exchange workbook for headquarters"
    )
    export.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx")
    export.add_argument(
        "--period", metavar="PERIOD", help="2019, FY2020, FY2020Q1, 2019-03 or FROM..TO"
    )
    export.add_argument(
        "--profile",
        choices=("hq", "full"),
        default="hq",
        help="hq (default): no personal data; full: names and national IDs included, "
        "written with a password (asked, or read from $INL_DESKTOP_WORKBOOK_PASSWORD_FILE)",
    )
    export.add_argument(
        "--since-last",
        action="store_true",
        help="only what changed since the last export to the same file",
    )
    export.add_argument("--json", action="store_true", help="print one JSON object last")


def run(args: argparse.Namespace) -> int:
    """Write the workbook and say how many rows each sheet holds."""
    from inl_desktop.domain.periods import BadPeriod, parse_period
    from inl_desktop.services.export import BadExportRequest, ExportRequest, export_workbook

    try:
        period = parse_period(args.period) if args.period else None
    except BadPeriod as error:
        return fail(str(error))
    password = None
    if args.profile == "full":
        password = read_password(
            "The password of the full export (it carries personal data)",
            WORKBOOK_PASSWORD_FILE_ENV,
        )
    request = ExportRequest(args.out, period, args.profile, args.since_last, password)
    with opened(args.db, "export", create=False, user=user_of(args)) as database:
        try:
            result = export_workbook(database.ctx, request)
        except BadExportRequest as error:
            return fail(str(error))
    for sheet, rows in result.rows.items():
        print(f"{sheet + ':':<13}{rows:>10,} rows")
    since = f" (changes since {result.since:%Y-%m-%d %H:%M} UTC)" if result.since else ""
    print(f"Wrote {result.file}{since}.")
    if args.json:
        print(json.dumps(result.as_json()))
    return EXIT_OK
