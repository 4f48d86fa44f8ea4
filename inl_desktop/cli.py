"""The ``inl-desktop`` command: the GUI by default, and info, setup and demo.

Heavy modules (Qt, Alembic, openpyxl) are imported only by the commands that need
them, so ``inl-desktop info`` starts quickly.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inl_desktop import __version__
from inl_desktop.domain.errors import UserError

if TYPE_CHECKING:
    from inl_desktop.services.context import AppContext

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Commands that write the database hold its writer lock while they run.
WRITE_COMMANDS = {"setup", "export", "consolidate", "demo", "import", "restore", "key", "hq"}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="inl-desktop",
        description="Record INL trainings and drug seizures offline; exchange them with HQ.",
    )
    parser.add_argument("--version", action="version", version=f"inl-desktop {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,  # keep a --db given before the command
        help="database file (default: $INL_DESKTOP_DB, else the per-user data folder)",
    )
    parser.add_argument("--db", metavar="PATH", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("gui", parents=[common], help="start the app (the default)")

    info = commands.add_parser(
        "info", parents=[common], help="database path, schema version, post and record counts"
    )
    info.add_argument("--json", action="store_true", help="print one JSON object")

    setup = commands.add_parser(
        "setup", parents=[common], help="set the post's identity without a screen"
    )
    setup.add_argument("--post", required=True, metavar="CODE", help="post code, e.g. PK-ISB")
    setup.add_argument(
        "--country", required=True, metavar="CC", help="country program code, e.g. PK"
    )
    setup.add_argument("--name", help="post name (default: from the reference data)")
    setup.add_argument(
        "--person-key-file",
        metavar="FILE",
        type=Path,
        help="the country program's person-key secret (same at every post of the program)",
    )

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
        help="hq (default): no personal data; full: names and national IDs included",
    )
    export.add_argument(
        "--since-last",
        action="store_true",
        help="only what changed since the last export to the same file",
    )
    export.add_argument("--json", action="store_true", help="print one JSON object last")

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

    importing = commands.add_parser(
        "import",
        parents=[common],
        help="import a post's own spreadsheet (.xlsx, .csv, .tsv)",
    )
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.add_argument(
        "--kind",
        required=True,
        choices=("seizures", "trainings", "persons"),
        help="what each row is",
    )
    importing.add_argument("--mapping", type=Path, metavar="MAP.json", help="a saved mapping")
    importing.add_argument(
        "--date-order",
        choices=("day-first", "month-first"),
        help="how to read dates like 03/04/2019 when nothing in the file tells",
    )
    importing.add_argument(
        "--save-mapping", type=Path, metavar="MAP.json", help="save the mapping used, to edit"
    )
    importing.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    importing.add_argument(
        "--errors", type=Path, metavar="OUT.xlsx", help="write the rejected rows with their reasons"
    )
    importing.add_argument(
        "--allow-duplicates",
        action="store_true",
        help="import rows that look like seizures already stored (listed either way)",
    )
    importing.add_argument(
        "--repair-decimal-commas",
        action="store_true",
        help="join the decimal commas that split a comma-separated file's rows (12630,15)",
    )
    importing.add_argument("--json", action="store_true", help="print one JSON object last")

    demo = commands.add_parser(
        "demo", parents=[common], help="fill the database with realistic demonstration data"
    )
    demo.add_argument(
        "--seizures",
        type=_non_negative,
        default=1000,
        metavar="N",
        help="seizure drug items to add (in events of 1 to 4 items)",
    )
    demo.add_argument(
        "--trainings",
        type=_non_negative,
        default=100,
        metavar="M",
        help="training sessions to add (with about 10 persons per session)",
    )
    demo.add_argument(
        "--post",
        metavar="CODE",
        help="post code to set up when the database has none (default PK-ISB)",
    )
    demo.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")

    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="back the database up (SQLite's backup API) into backups/ beside it, or --out",
    )
    backup.add_argument("--out", type=Path, metavar="FILE", help="write the backup to FILE")
    backup.add_argument(
        "--list", action="store_true", help="list the backups with their dates and counts"
    )
    backup.add_argument("--json", action="store_true", help="print one JSON object last")

    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a backup (checked first; the current one is kept)",
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")

    check = commands.add_parser(
        "check",
        parents=[common],
        help="is the database sound? exit 0 when it is, 1 when it is damaged",
    )
    check.add_argument(
        "--quick", action="store_true", help="quick_check instead of the full integrity_check"
    )
    check.add_argument("--json", action="store_true", help="print one JSON object last")
    _add_key_parsers(commands, common)
    return parser


def _add_key_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """The ``key`` and ``hq`` commands (``key_commands``)."""
    key = commands.add_parser(
        "key", parents=[common], help="write the post's public signing key file for HQ"
    )
    key.add_argument(
        "--out", type=Path, metavar="FILE.pub", help="write the key file (default: print it)"
    )
    key.add_argument("--json", action="store_true", help="print one JSON object last")

    hq = commands.add_parser(
        "hq", parents=[common], help="headquarters: posts' signing keys and unsigned workbooks"
    )
    actions = hq.add_subparsers(dest="hq_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add-post", parents=[common], help="register a post's public key file (FILE.pub)"
    )
    add.add_argument("keyfile", type=Path, metavar="KEYFILE")
    add.add_argument(
        "--replace",
        action="store_true",
        help="replace the key HQ holds for that post (its older workbooks are then refused)",
    )
    keys = actions.add_parser(
        "keys", parents=[common], help="list the registered keys and the transition setting"
    )
    keys.add_argument("--json", action="store_true", help="print one JSON object")
    for name, what in (
        ("allow-unsigned", "accept unsigned workbooks of a post during the transition"),
        ("require-signed", "no longer accept unsigned workbooks of a post"),
    ):
        action = actions.add_parser(name, parents=[common], help=what)
        action.add_argument("post", metavar="POST", help="post code, e.g. PK-KHI")


def _non_negative(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; return the process exit code."""
    args = build_parser().parse_args(argv)
    command = args.command or "gui"
    try:
        with _writer_lock(args, command):
            return _run(args, command)
    except UserError as error:
        print(f"inl-desktop: {error}", file=sys.stderr)
        return _exit_code(error)
    except BrokenPipeError:
        # The reader of the output went away (``| head``): nothing more to say, and
        # nothing to say it to; stdout goes nowhere so that closing it is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _writer_lock(
    args: argparse.Namespace, command: str
) -> contextlib.AbstractContextManager[object]:
    """The database's writer lock for a command that writes; nothing for the others."""
    if command not in WRITE_COMMANDS:
        return contextlib.nullcontext()
    from inl_desktop.services.context import current_user
    from inl_desktop.store.engine import resolve_db_path
    from inl_desktop.store.lock import WriterLock, this_process

    path = args.into.absolute() if command == "consolidate" else resolve_db_path(args.db)
    if not path.parent.is_dir() or path.is_dir():
        return contextlib.nullcontext()
    return WriterLock(path, this_process(f"inl-desktop {command}", current_user()))


def _run(args: argparse.Namespace, command: str) -> int:
    if command == "gui":
        # The data layers first: PySide6 inspects every module imported after it,
        # which makes SQLAlchemy's many modules slow to import once Qt is loaded.
        import inl_desktop.services.context
        import inl_desktop.store.migrate  # noqa: F401
        from inl_desktop.gui.app import run_gui

        return run_gui(args.db)
    if command == "info":
        return _info(args.db, as_json=args.json)
    if command == "setup":
        return _setup(args.db, args.post, args.country, args.name, args.person_key_file)
    if command == "export":
        return _export(args)
    if command == "consolidate":
        return _consolidate(args)
    if command == "demo":
        return _demo(args)
    if command == "import":
        return _import(args)
    if command == "report":
        return _report(args)
    if command in ("backup", "restore", "check"):
        from inl_desktop import safety_commands

        return safety_commands.run(args, command)
    if command in ("key", "hq"):
        from inl_desktop import key_commands

        return key_commands.run(args, command)
    raise AssertionError(f"unhandled command {command}")


def _exit_code(error: UserError) -> int:
    from inl_desktop.store.engine import DatabaseUnusable
    from inl_desktop.store.migrate import NewerSchema

    return EXIT_USAGE if isinstance(error, DatabaseUnusable | NewerSchema) else EXIT_FAILED


def _open(db: str | None, *, create: bool = True) -> tuple[Path, AppContext]:
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.store.engine import resolve_db_path
    from inl_desktop.store.migrate import open_database

    path = resolve_db_path(db)
    engine = open_database(path, now=utc_now, create=create)
    return path, AppContext(engine)


def _info(db: str | None, *, as_json: bool) -> int:
    from inl_desktop.services.info import DatabaseInfo, database_info
    from inl_desktop.store.engine import check_db_path, resolve_db_path

    path = resolve_db_path(db)
    if path.exists():
        path, ctx = _open(db, create=False)
        info = database_info(ctx, path)
    else:
        if path.parent.exists():
            check_db_path(path, create_parent=False)
        info = DatabaseInfo(db_path=str(path), schema_version=None, post=None)
    if as_json:
        print(json.dumps(info.as_json()))
        return EXIT_OK
    post = info.post
    print(f"Database:  {info.db_path}" + ("" if path.exists() else " (not created yet)"))
    print(f"Schema:    {info.schema_version or '-'}")
    post_text = f"{post['code']} {post['name']}, {post['country']}" if post else "-"
    print(f"Post:      {post_text}")
    for name, count in info.counts.items():
        print(f"{name.replace('_', ' ').capitalize() + ':':<17}{count:>12,}")
    print(f"SQLite:    {info.sqlite['version']}, {info.sqlite['safeguard']}")
    if info.location_warning:
        print(f"Warning:   {info.location_warning}")
    return EXIT_OK


def _setup(db: str | None, post: str, country: str, name: str | None, key_file: Path | None) -> int:
    from inl_desktop.services.person_key import set_person_key_secret
    from inl_desktop.services.post_keys import public_key_file
    from inl_desktop.services.setup import checked_post, set_up_post

    checked_post(post, country, name)  # refuse a bad post before creating any file
    secret = None
    if key_file is not None:
        try:
            secret = key_file.read_text(encoding="utf-8")
        except OSError as error:
            print(f"inl-desktop: {key_file}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
    _, ctx = _open(db)
    identity = set_up_post(ctx, post, country, name)
    print(f"Post {identity.code} ({identity.name}, {identity.country}) is set up.")
    print(
        f"Its exports are signed (key {public_key_file(ctx).fingerprint}); give headquarters "
        f"the public key: inl-desktop key --out {identity.code}.pub"
    )
    if secret is not None:
        print(f"Person key set (fingerprint {set_person_key_secret(ctx, secret)}).")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from inl_desktop.domain.periods import BadPeriod, parse_period
    from inl_desktop.services.export import BadExportRequest, ExportRequest, export_workbook

    try:
        period = parse_period(args.period) if args.period else None
    except BadPeriod as error:
        print(f"inl-desktop: {error}", file=sys.stderr)
        return EXIT_USAGE
    _, ctx = _open(args.db, create=False)
    request = ExportRequest(args.out, period, args.profile, args.since_last)
    try:
        result = export_workbook(ctx, request)
    except BadExportRequest as error:
        print(f"inl-desktop: {error}", file=sys.stderr)
        return EXIT_USAGE
    for sheet, rows in result.rows.items():
        print(f"{sheet + ':':<13}{rows:>10,} rows")
    since = f" (changes since {result.since:%Y-%m-%d %H:%M} UTC)" if result.since else ""
    print(f"Wrote {result.file}{since}.")
    if args.json:
        print(json.dumps(result.as_json()))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    import time

    from inl_desktop.services.demo import generate_demo
    from inl_desktop.services.setup import set_up_post

    _, ctx = _open(args.db)
    if ctx.post_or_none() is None:
        code = (args.post or "PK-ISB").upper()
        set_up_post(ctx, code, code.split("-")[0])
    started = time.perf_counter()

    def progress(done: int, total: int, what: str) -> None:
        print(f"\r{what}: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

    result = generate_demo(
        ctx,
        seizure_items=args.seizures,
        trainings=args.trainings,
        seed=args.seed,
        progress=progress,
    )
    print(file=sys.stderr)
    print(
        f"Added {result.seizure_events:,} seizure events with {result.seizure_items:,} items, "
        f"{result.trainings:,} training sessions, {result.persons:,} persons and "
        f"{result.enrollments:,} enrollments in {time.perf_counter() - started:.1f} s."
    )
    return EXIT_OK


def _consolidate(args: argparse.Namespace) -> int:
    from inl_desktop.services.consolidate import consolidate
    from inl_desktop.services.hq_report import summary_report

    folders = [path for path in args.files if path.is_dir()]
    if folders:
        named = ", ".join(map(str, folders))
        print(f"inl-desktop: {named} is a folder, not a workbook", file=sys.stderr)
        return EXIT_USAGE
    missing = [path for path in args.files if not path.is_file()]
    if missing:
        print(f"inl-desktop: no such file: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE
    if args.report is not None and args.report.suffix.lower() != ".xlsx":
        print(f"inl-desktop: the report must be an .xlsx file: {args.report}", file=sys.stderr)
        return EXIT_USAGE
    _, ctx = _open(str(args.into))
    if ctx.post_or_none() is None:
        print(
            f"inl-desktop: {args.into} has no post yet; set it up first, e.g. "
            f"inl-desktop setup --db {args.into} --post PK-HQ --country PK --name Headquarters",
            file=sys.stderr,
        )
        return EXIT_USAGE

    def progress(done: int, what: str) -> None:
        print(f"\r{what[:70]:<70}", end="", file=sys.stderr, flush=True)

    result = consolidate(ctx, args.files, progress)
    print(file=sys.stderr)
    header = ("added", "updated", "unchanged", "deleted", "conflicts", "rejected")
    print(f"{'file':<40}" + "".join(f"{key:>11}" for key in header))
    for file_result in result.files:
        counts = file_result.counts()
        print(f"{file_result.file.name[:39]:<40}" + "".join(f"{counts[k]:>11,}" for k in header))
        if file_result.refusal:
            print(f"  refused: {file_result.refusal}")
        if file_result.signature is not None and file_result.signature.note:
            print(f"  {file_result.signature.note}")
        for problem in file_result.rejected[:20]:
            print(f"  {problem}")
        if len(file_result.rejected) > 20:
            print(f"  … and {len(file_result.rejected) - 20:,} more rejected rows")
    totals = result.totals
    print(f"{'total':<40}" + "".join(f"{totals[k]:>11,}" for k in header))
    if args.report is not None:
        summary_report(ctx, args.report)
        print(f"Wrote the report {args.report.resolve()}.")
    if args.json:
        print(json.dumps(result.as_json()))
    return EXIT_OK if result.everything_merged else EXIT_FAILED


def _import(args: argparse.Namespace) -> int:
    from inl_desktop.domain.import_values import DateOrder
    from inl_desktop.services.importing.mapping import BadMapping, load_mapping
    from inl_desktop.services.importing.run import (
        READY,
        ImportResult,
        commit_import,
        plan_import,
        read_table,
        suggested_mapping,
    )
    from inl_desktop.services.importing.targets import ImportKind

    kind = ImportKind(args.kind)
    if args.errors is not None and args.errors.suffix.lower() != ".xlsx":
        print(f"inl-desktop: the errors file must be an .xlsx file: {args.errors}", file=sys.stderr)
        return EXIT_USAGE
    try:
        mapping = load_mapping(args.mapping) if args.mapping is not None else None
        if mapping is not None and mapping.kind is not kind:
            raise BadMapping(f"{args.mapping.name} maps {mapping.kind}, not {kind}")
        table = read_table(args.file, mapping)
    except UserError as error:
        print(f"inl-desktop: {error}", file=sys.stderr)
        return EXIT_USAGE
    _, ctx = _open(args.db)
    if ctx.post_or_none() is None:
        print("inl-desktop: set up the post first (inl-desktop setup)", file=sys.stderr)
        return EXIT_USAGE
    if mapping is None or not mapping.columns:
        suggested = suggested_mapping(kind, table, ctx.catalog())
        if mapping is None:
            mapping = suggested
            print("No mapping given; using these suggestions:")
        else:
            mapping.columns = suggested.columns
            mapping.constants = {**suggested.constants, **mapping.constants}
            print(f"{args.mapping.name} maps no columns; using these suggestions:")
        for name, headers in suggested.columns.items():
            print(f"  {name} <- {' + '.join(headers)}")
        for name, value in suggested.constants.items():
            print(f"  {name} = {value} (from the column headers)")
    if args.date_order:
        mapping.date_order = DateOrder(args.date_order)
    if args.repair_decimal_commas:
        mapping.repair_decimal_commas = True
    try:
        plan = plan_import(ctx, table, mapping, allow_duplicates=args.allow_duplicates)
    except UserError as error:  # a mapped column the file lacks, dates contradicting
        print(f"inl-desktop: {error}", file=sys.stderr)
        return EXIT_USAGE
    where = f"sheet {table.sheet!r} of " if table.sheet else ""
    print(
        f"Read {where}{table.path.name}: header on row {table.header_row}, {len(plan.rows):,} rows"
    )
    for note in plan.notes:
        print(f"  {note}")
    if plan.ragged is not None and plan.ragged.repairable and not mapping.repair_decimal_commas:
        print(
            "  To join the decimal commas, add --repair-decimal-commas "
            '(or "repair_decimal_commas": true to the mapping) and check the rows it joins'
        )
    for row in plan.rows:
        if row.outcome in ("skipped", "possible duplicate"):
            print(f"  {row.outcome} row {row.number}: {row.reason}")
        for note in row.notes:
            print(f"  row {row.number}: {note}")
    if plan.count("not selected"):
        print(f"  {plan.count('not selected'):,} rows not selected (where)")
    rejected = [
        problem for row in plan.rows for problem in row.problems if row.outcome == "rejected"
    ]
    for problem in rejected[:30]:
        print(f"  rejected {problem}")
    if len(rejected) > 30:
        print(f"  … and {len(rejected) - 30:,} more problems")
    if args.save_mapping is not None:
        plan.mapping.save(args.save_mapping)
        print(f"Saved the mapping to {args.save_mapping}")
    if args.dry_run:
        result = ImportResult(
            0,
            plan.count("skipped"),
            plan.count("rejected"),
            None,
            duplicates=plan.count("possible duplicate"),
            not_selected=plan.count("not selected"),
            sessions=plan.sessions,
        )
        print(f"Dry run: {plan.count(READY):,} rows would be imported; nothing was written.")
    else:
        result = commit_import(ctx, plan, args.errors)
        sessions = f" into {result.sessions:,} sessions" if result.sessions is not None else ""
        print(
            f"Imported {result.imported:,}{sessions}, skipped {result.skipped:,}, "
            f"rejected {result.rejected:,}, possible duplicates left out "
            f"{result.duplicates:,}, not selected {result.not_selected:,}."
        )
        if result.duplicates:
            print("  To import the possible duplicates too, add --allow-duplicates")
        if result.errors_file is not None:
            print(f"The rejected rows are in {result.errors_file}")
    if args.json:
        print(json.dumps(result.as_json()))
    return EXIT_OK if result.rejected == 0 else EXIT_FAILED


def _report(args: argparse.Namespace) -> int:
    from inl_desktop.domain.periods import BadPeriod, parse_period
    from inl_desktop.services.accomplishments import build_report, load_groupings
    from inl_desktop.services.report_seizures import ReportScope

    try:
        period = parse_period(args.period)
    except BadPeriod as error:
        print(f"inl-desktop: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.format != "text" and args.out is None:
        print(f"inl-desktop: --format {args.format} needs --out FILE", file=sys.stderr)
        return EXIT_USAGE
    suffix = {"text": ".txt", "pdf": ".pdf", "xlsx": ".xlsx"}[args.format]
    if args.out is not None and args.out.suffix.lower() != suffix:
        print(f"inl-desktop: the output must be a {suffix} file: {args.out}", file=sys.stderr)
        return EXIT_USAGE
    _, ctx = _open(args.db, create=False)
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
            _write_report(args, ctx, report, show_text=False)
        print(json.dumps(report.as_json()))
    else:
        _write_report(args, ctx, report, show_text=True)
    return EXIT_OK


def _write_report(
    args: argparse.Namespace, ctx: AppContext, report: Any, *, show_text: bool
) -> None:
    from inl_desktop.services.accomplishments import save_report_xlsx

    if args.format == "xlsx":
        print(f"Wrote {save_report_xlsx(ctx, report, args.out).resolve()}.")
    elif args.format == "pdf":
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
