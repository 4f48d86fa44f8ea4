"""``inl-desktop info``: the database's path, schema version, post and record counts."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from inl_desktop.cli.common import EXIT_OK, opened, user_of

if TYPE_CHECKING:
    from inl_desktop.cli.common import Commands


def add_parser(commands: Commands, common: argparse.ArgumentParser) -> None:
    """The ``info`` command's arguments."""
    info = commands.add_parser(
        "info", parents=[common], help="database path, schema version, post and record counts"
    )
    info.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Print what the database holds (nothing is created for a path not yet used)."""
    from inl_desktop.services.info import DatabaseInfo, database_info
    from inl_desktop.store.engine import check_db_path, resolve_db_path

    path = resolve_db_path(args.db)
    if path.exists():
        with opened(args.db, "info", create=False, user=user_of(args)) as database:
            info = database_info(database.ctx, database.path)
    else:
        if path.parent.exists():
            check_db_path(path, create_parent=False)
        info = DatabaseInfo(db_path=str(path), schema_version=None, post=None)
    if args.json:
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
    if info.encrypted:
        print(f"Security:  encrypted (SQLCipher); signed in as {info.user} ({info.role})")
    elif path.exists():
        print("Security:  not encrypted (no users yet: 'inl-desktop users add NAME --role admin')")
    if info.location_warning:
        print(f"Warning:   {info.location_warning}")
    return EXIT_OK
