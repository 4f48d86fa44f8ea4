"""``inl-desktop users add|list|disable|reset``: who may sign in, and as what.

The admin signs in with ``--user`` (the password is asked, or read from the file named
by ``$INL_DESKTOP_PASSWORD_FILE``); a new password is asked twice, or read from the
file named by ``$INL_DESKTOP_NEW_PASSWORD_FILE``. On a database without users, ``users
add NAME --role admin`` makes the first admin and encrypts the database in place.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from inl_desktop.cli.common import EXIT_OK, EXIT_USAGE, fail, opened, read_password, user_of
from inl_desktop.domain.errors import UserError

if TYPE_CHECKING:
    from inl_desktop.cli.common import Commands

NEW_PASSWORD_FILE_ENV = "INL_DESKTOP_NEW_PASSWORD_FILE"
ROLES = ("viewer", "clerk", "reviewer", "admin")


def add_parser(commands: Commands, common: argparse.ArgumentParser) -> None:
    """The ``users`` command and its four actions."""
    users = commands.add_parser(
        "users", parents=[common], help="add, list, disable users or reset a password"
    )
    actions = users.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add a user (admin only)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=ROLES, required=True)
    listing = actions.add_parser("list", parents=[common], help="list the users and roles")
    listing.add_argument("--json", action="store_true", help="print one JSON object last")
    disable = actions.add_parser(
        "disable", parents=[common], help="disable a user: their password opens nothing"
    )
    disable.add_argument("name", metavar="NAME")
    reset = actions.add_parser(
        "reset", parents=[common], help="give a user a new password (admin, or the recovery key)"
    )
    reset.add_argument("name", metavar="NAME")
    reset.add_argument(
        "--recovery-key-file",
        type=Path,
        metavar="FILE",
        help="unlock with the recovery key kept in the post's safe instead of an admin",
    )


def new_password(name: str) -> str:
    """The new password of ``name``: from ``$INL_DESKTOP_NEW_PASSWORD_FILE``, else typed
    twice at a prompt."""
    import os

    if os.environ.get(NEW_PASSWORD_FILE_ENV) or not sys.stdin.isatty():
        return read_password(f"The new password of {name}", NEW_PASSWORD_FILE_ENV)
    first = read_password(f"New password of {name}")
    if read_password("The same again") != first:
        raise UserError("The two passwords differ; nothing was changed")
    return first


def run(args: argparse.Namespace) -> int:
    """Run one action; return the exit code."""
    from inl_desktop.services.opening import resolve_db_path
    from inl_desktop.services.users import is_encrypted

    path = resolve_db_path(args.db)
    if args.action == "reset" and args.recovery_key_file is not None:
        return _reset_with_recovery_key(path, args.name, args.recovery_key_file)
    if args.action == "add" and not is_encrypted(path):
        return _first_admin(path, args)
    with opened(args.db, "users", create=False, user=user_of(args)) as database:
        return _act(database.ctx, args)


def _act(ctx: object, args: argparse.Namespace) -> int:
    from inl_desktop.domain.roles import Role
    from inl_desktop.services import users
    from inl_desktop.services.context import AppContext

    assert isinstance(ctx, AppContext)
    if args.action == "list":
        rows = users.list_users(ctx)
        for row in rows:
            state = "  (disabled)" if row.disabled else ""
            print(f"{row.name:<30} {row.role.value:<9}{state}")
        if args.json:
            listed = [{"name": r.name, "role": r.role.value, "disabled": r.disabled} for r in rows]
            print(json.dumps({"users": listed}))
        return EXIT_OK
    if args.action == "add":
        password = new_password(args.name)
        row = users.add_user(ctx, users.Credentials(args.name, password), Role(args.role))
        print(f"Added {row.name} as {row.role.value}.")
    elif args.action == "disable":
        users.disable_user(ctx, args.name)
        print(f"Disabled {args.name}: their password no longer opens the database.")
    else:
        users.reset_password(ctx, args.name, new_password(args.name))
        print(f"{args.name} has a new password.")
    return EXIT_OK


def _first_admin(path: Path, args: argparse.Namespace) -> int:
    from inl_desktop.services.context import utc_now
    from inl_desktop.services.opening import writer_lock
    from inl_desktop.services.users import Credentials, encrypt_database

    if args.role != "admin":
        return fail("This database has no users yet: its first user must be an admin", EXIT_USAGE)
    if not path.is_file():
        return fail(f"Database {path} does not exist", EXIT_USAGE)
    password = new_password(args.name)
    with writer_lock(path, "inl-desktop users", utc_now):
        recovery_key = encrypt_database(path, Credentials(args.name, password), utc_now)
    print(f"{path} is encrypted; {args.name} is its admin.")
    print_recovery_key(recovery_key)
    return EXIT_OK


def print_recovery_key(recovery_key: str) -> None:
    """Show the recovery key, once, with what to do with it."""
    print(
        "\nRecovery key (shown once; print it or write it down and keep it in the post's "
        f"safe):\n\n    {recovery_key}\n\n"
        "It opens the database when every admin password is lost. Without it and without "
        "a password, the data cannot be recovered by anyone."
    )


def _reset_with_recovery_key(path: Path, name: str, key_file: Path) -> int:
    from inl_desktop.services.context import utc_now
    from inl_desktop.services.opening import writer_lock
    from inl_desktop.services.users import reset_with_recovery_key

    try:
        recovery_key = key_file.read_text(encoding="utf-8")
    except OSError as error:
        return fail(f"{key_file}: {error.strerror}", EXIT_USAGE)
    password = new_password(name)
    with writer_lock(path, "inl-desktop users", utc_now):
        reset_with_recovery_key(path, recovery_key, name, password)
    print(f"{name} has a new password (unlocked with the recovery key).")
    return EXIT_OK
