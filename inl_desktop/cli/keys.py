"""``inl-desktop key`` and ``inl-desktop hq``: the posts' signing keys.

At a post, ``key`` writes (or prints) the post's public key file for headquarters. At
headquarters, ``hq add-post KEYFILE`` registers a post's key, ``hq keys`` lists the
keys and the transition setting, and ``hq allow-unsigned`` / ``hq require-signed``
change which posts may still send unsigned workbooks.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from inl_desktop.cli.common import EXIT_OK, EXIT_USAGE, fail, opened, user_of

if TYPE_CHECKING:
    from inl_desktop.cli.common import Commands
    from inl_desktop.services.context import AppContext


def add_parsers(commands: Commands, common: argparse.ArgumentParser) -> None:
    """The arguments of ``key`` and of ``hq`` with its actions."""
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


def run(args: argparse.Namespace, command: str) -> int:
    """Run ``key`` or one of the ``hq`` actions; return the exit code."""
    from inl_desktop.store.engine import DatabaseUnusable, resolve_db_path

    path = resolve_db_path(args.db)
    if not path.is_file():
        raise DatabaseUnusable(f"Database {path} does not exist")
    with opened(args.db, command, create=False, user=user_of(args)) as database:
        ctx = database.ctx
        if command == "key":
            return _key(ctx, args.out, as_json=args.json)
        action = args.hq_command
        if action == "add-post":
            return _add_post(ctx, args.keyfile, replace=args.replace)
        if action == "keys":
            return _keys(ctx, as_json=args.json)
        return _accept_unsigned(ctx, args.post, accept=action == "allow-unsigned")


def _key(ctx: AppContext, out: Path | None, *, as_json: bool) -> int:
    from inl_desktop.services.post_keys import public_key_file, public_key_text

    key = public_key_file(ctx)
    text = public_key_text(ctx)
    if out is None:
        print(text, end="")
    else:
        out.write_text(text, encoding="utf-8")
        print(f"Wrote the public key of {key.post_code} (fingerprint {key.fingerprint}) to {out}.")
        print(f"Headquarters registers it once: inl-desktop hq add-post {out.name}")
    if as_json:
        facts = {"post": key.post_code, "fingerprint": key.fingerprint, "file": str(out or "")}
        print(json.dumps(facts))
    return EXIT_OK


def _add_post(ctx: AppContext, keyfile: Path, *, replace: bool) -> int:
    from inl_desktop.services.post_keys import read_key_file, register_post_key

    if not keyfile.is_file():
        return fail(f"no such file: {keyfile}", EXIT_USAGE)
    print(register_post_key(ctx, read_key_file(keyfile), keyfile.name, replace=replace))
    return EXIT_OK


def _keys(ctx: AppContext, *, as_json: bool) -> int:
    from inl_desktop.services.post_keys import registered_keys, unsigned_accepted

    keys = registered_keys(ctx)
    unsigned = sorted(unsigned_accepted(ctx))
    for key in keys:
        state = f"replaced {key.replaced_at:%Y-%m-%d}" if key.replaced_at else "current"
        print(
            f"{key.post_code:<10} {key.fingerprint}  added {key.added_at:%Y-%m-%d} "
            f"by {key.added_by}  {state}"
        )
    if not keys:
        print("No post keys registered yet (inl-desktop hq add-post KEYFILE).")
    print(f"Unsigned workbooks accepted from: {', '.join(unsigned) or 'no post'}.")
    if as_json:
        listing = [
            {
                "post": key.post_code,
                "fingerprint": key.fingerprint,
                "added_at": key.added_at.isoformat(),
                "added_by": key.added_by,
                "replaced_at": key.replaced_at.isoformat() if key.replaced_at else None,
            }
            for key in keys
        ]
        print(json.dumps({"keys": listing, "unsigned_accepted": unsigned}))
    return EXIT_OK


def _accept_unsigned(ctx: AppContext, post: str, *, accept: bool) -> int:
    from inl_desktop.services.post_keys import accept_unsigned

    accepted = accept_unsigned(ctx, post, accept=accept)
    code = post.strip().upper()
    if code in accepted:
        print(f"Unsigned workbooks of {code} are accepted (transition setting).")
    else:
        print(f"Workbooks of {code} must be signed by its registered key.")
    print(f"Unsigned workbooks accepted from: {', '.join(sorted(accepted)) or 'no post'}.")
    return EXIT_OK
