"""``inl-desktop setup``: the post's identity, set without a screen."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from inl_desktop.cli.common import EXIT_OK, EXIT_USAGE, fail, opened, read_password, user_of
from inl_desktop.cli.users import print_recovery_key

if TYPE_CHECKING:
    from inl_desktop.cli.common import Commands


def add_parser(commands: Commands, common: argparse.ArgumentParser) -> None:
    """The ``setup`` command's arguments."""
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


def run(args: argparse.Namespace) -> int:
    """Set the post up; a bad post is refused before any file is created."""
    from inl_desktop.services.context import utc_now
    from inl_desktop.services.opening import resolve_db_path, writer_lock
    from inl_desktop.services.person_key import set_person_key_secret
    from inl_desktop.services.post_keys import public_key_file
    from inl_desktop.services.setup import checked_post, set_up_post
    from inl_desktop.services.users import Credentials, encrypt_database, is_encrypted

    checked_post(args.post, args.country, args.name)
    secret = None
    if args.person_key_file is not None:
        try:
            secret = args.person_key_file.read_text(encoding="utf-8")
        except OSError as error:
            return fail(f"{args.person_key_file}: {error.strerror}", EXIT_USAGE)
    user, password, recovery_key = user_of(args), None, None
    path = resolve_db_path(args.db)
    if user is not None and not is_encrypted(path):
        password = read_password(f"Password of {user}")
        with writer_lock(path, "inl-desktop setup", utc_now):
            recovery_key = encrypt_database(path, Credentials(user, password), utc_now)
    with opened(args.db, "setup", user=user, password=password) as database:
        ctx = database.ctx
        identity = set_up_post(ctx, args.post, args.country, args.name)
        print(f"Post {identity.code} ({identity.name}, {identity.country}) is set up.")
        print(
            f"Its exports are signed (key {public_key_file(ctx).fingerprint}); give headquarters "
            f"the public key: inl-desktop key --out {identity.code}.pub"
        )
        if secret is not None:
            print(f"Person key set (fingerprint {set_person_key_secret(ctx, secret)}).")
    if user is None and not is_encrypted(path):
        print(
            "The database is not encrypted: anyone who copies it can read the names it will "
            "hold. Give it its first admin with 'inl-desktop users add NAME --role admin' "
            "(or set it up with --user NAME), or start the app, which asks for one."
        )
    if recovery_key is not None:
        print(f"The database is encrypted; {user} is its admin.")
        print_recovery_key(recovery_key)
    return EXIT_OK
