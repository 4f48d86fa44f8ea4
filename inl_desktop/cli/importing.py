"""``inl-desktop import``: a post's own spreadsheet (.xlsx, .csv, .tsv) into its database.

Every row is checked first and what will happen to it is listed (skipped, rejected,
possible duplicate, notes on values read); ``--dry-run`` stops there.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from inl_desktop.cli.common import EXIT_FAILED, EXIT_OK, fail, opened, user_of
from inl_desktop.domain.errors import UserError

if TYPE_CHECKING:
    from inl_desktop.cli.common import Commands
    from inl_desktop.domain.catalog import Catalog
    from inl_desktop.exchange.sources import SourceTable
    from inl_desktop.services.importing.mapping import ImportMapping
    from inl_desktop.services.importing.run import ImportPlan, ImportResult
    from inl_desktop.services.importing.targets import ImportKind

SHOWN_PROBLEMS = 30


def add_parser(commands: Commands, common: argparse.ArgumentParser) -> None:
    """The ``import`` command's arguments."""
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


def run(args: argparse.Namespace) -> int:
    """Read, plan and (unless a dry run) import; exit 1 when any row was rejected."""
    from inl_desktop.domain.import_values import DateOrder
    from inl_desktop.services.importing.mapping import BadMapping, load_mapping
    from inl_desktop.services.importing.run import plan_import, read_table
    from inl_desktop.services.importing.targets import ImportKind

    kind = ImportKind(args.kind)
    if args.errors is not None and args.errors.suffix.lower() != ".xlsx":
        return fail(f"the errors file must be an .xlsx file: {args.errors}")
    try:
        mapping = load_mapping(args.mapping) if args.mapping is not None else None
        if mapping is not None and mapping.kind is not kind:
            raise BadMapping(f"{args.mapping.name} maps {mapping.kind}, not {kind}")
        table = read_table(args.file, mapping)
    except UserError as error:
        return fail(str(error))
    with opened(args.db, "import", user=user_of(args)) as database:
        ctx = database.ctx
        if ctx.post_or_none() is None:
            return fail("set up the post first (inl-desktop setup)")
        mapping = _mapping_to_use(args, kind, table, mapping, ctx.catalog())
        if args.date_order:
            mapping.date_order = DateOrder(args.date_order)
        if args.repair_decimal_commas:
            mapping.repair_decimal_commas = True
        try:
            plan = plan_import(ctx, table, mapping, allow_duplicates=args.allow_duplicates)
        except UserError as error:  # a mapped column the file lacks, dates contradicting
            return fail(str(error))
        _print_plan(table, plan, mapping)
        if args.save_mapping is not None:
            plan.mapping.save(args.save_mapping)
            print(f"Saved the mapping to {args.save_mapping}")
        if args.dry_run:
            result = _dry_run(plan)
        else:
            from inl_desktop.services.importing.run import commit_import

            result = commit_import(ctx, plan, args.errors)
            _print_result(result)
    if args.json:
        print(json.dumps(result.as_json()))
    return EXIT_OK if result.rejected == 0 else EXIT_FAILED


def _mapping_to_use(
    args: argparse.Namespace,
    kind: ImportKind,
    table: SourceTable,
    mapping: ImportMapping | None,
    catalog: Catalog,
) -> ImportMapping:
    """The mapping given, or the suggested one where it maps no columns (said on stdout)."""
    from inl_desktop.services.importing.run import suggested_mapping

    if mapping is not None and mapping.columns:
        return mapping
    suggested = suggested_mapping(kind, table, catalog)
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
    return mapping


def _print_plan(table: SourceTable, plan: ImportPlan, mapping: ImportMapping) -> None:
    """What was read, and what will happen to the rows that will not simply be imported."""
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
    for problem in rejected[:SHOWN_PROBLEMS]:
        print(f"  rejected {problem}")
    if len(rejected) > SHOWN_PROBLEMS:
        print(f"  … and {len(rejected) - SHOWN_PROBLEMS:,} more problems")


def _dry_run(plan: ImportPlan) -> ImportResult:
    """The result an import of ``plan`` would have, with nothing written."""
    from inl_desktop.services.importing.run import READY, ImportResult

    print(f"Dry run: {plan.count(READY):,} rows would be imported; nothing was written.")
    return ImportResult(
        0,
        plan.count("skipped"),
        plan.count("rejected"),
        None,
        duplicates=plan.count("possible duplicate"),
        not_selected=plan.count("not selected"),
        sessions=plan.sessions,
    )


def _print_result(result: ImportResult) -> None:
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
