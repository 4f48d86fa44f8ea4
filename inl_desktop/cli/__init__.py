"""The ``inl-desktop`` command: the GUI by default, and one module per other command.

Each command module adds its arguments to the parser (``add_parser``) and runs
(``run``). Heavy modules (Qt, Alembic, openpyxl) are imported only by the commands
that need them, inside ``run``, so ``inl-desktop info`` starts quickly and the read
commands never load Qt.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from inl_desktop import __version__
from inl_desktop.cli import (
    consolidate,
    demo,
    export,
    importing,
    info,
    keys,
    report,
    safety,
    setup,
    users,
)
from inl_desktop.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, db_option
from inl_desktop.domain.errors import UserError

if TYPE_CHECKING:
    from inl_desktop.services.users import Credentials

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="inl-desktop",
        description="Record INL trainings and drug seizures offline; exchange them with HQ.",
    )
    parser.add_argument("--version", action="version", version=f"inl-desktop {__version__}")
    parser.add_argument("--db", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--user", metavar="NAME", help=argparse.SUPPRESS)
    common = db_option()
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("gui", parents=[common], help="start the app (the default)")
    for module in (info, setup, export, consolidate, report, importing, demo, users):
        module.add_parser(commands, common)
    safety.add_parsers(commands, common)
    keys.add_parsers(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; return the process exit code."""
    args = build_parser().parse_args(argv)
    command = args.command or "gui"
    try:
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


RUNS = {
    "info": info.run,
    "setup": setup.run,
    "export": export.run,
    "consolidate": consolidate.run,
    "demo": demo.run,
    "import": importing.run,
    "report": report.run,
    "users": users.run,
}


def _run(args: argparse.Namespace, command: str) -> int:
    if command == "gui":
        # The data layers first: PySide6 inspects every module imported after it,
        # which makes SQLAlchemy's many modules slow to import once Qt is loaded.
        import inl_desktop.services.context
        import inl_desktop.store.migrate  # noqa: F401
        from inl_desktop.gui.app import run_gui

        return run_gui(args.db, _given_sign_in(args))
    if command in RUNS:
        return RUNS[command](args)
    if command in ("backup", "restore", "check"):
        return safety.run(args, command)
    if command in ("key", "hq"):
        return keys.run(args, command)
    raise AssertionError(f"unhandled command {command}")


def _given_sign_in(args: argparse.Namespace) -> Credentials | None:
    """``--user`` with the password of ``$INL_DESKTOP_PASSWORD_FILE``, for the window to
    sign in without asking (scripts, benchmarks); without the file the dialog asks."""
    from inl_desktop.cli.common import PASSWORD_FILE_ENV, read_password, user_of
    from inl_desktop.services.users import Credentials

    user = user_of(args)
    if user is None or not os.environ.get(PASSWORD_FILE_ENV):
        return None
    return Credentials(user, read_password(f"Password of {user}"))


def _exit_code(error: UserError) -> int:
    """2 for a database that cannot be used at all (or not by this user), 1 for any other
    refusal."""
    from inl_desktop.cli.common import SignInNeeded
    from inl_desktop.domain.roles import NotAllowed
    from inl_desktop.store.cipher import DatabaseLocked, WrongPassword
    from inl_desktop.store.engine import DatabaseUnusable
    from inl_desktop.store.migrate import NewerSchema

    unusable = DatabaseUnusable | NewerSchema | WrongPassword | DatabaseLocked | SignInNeeded
    return EXIT_USAGE if isinstance(error, unusable | NotAllowed) else EXIT_FAILED
