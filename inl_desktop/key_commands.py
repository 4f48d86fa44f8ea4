"""The ``key`` and ``hq`` commands of ``inl-desktop``: signing keys of posts (their
arguments are defined in ``cli``).

At a post, ``key`` writes (or prints) the post's public key file for headquarters. At
headquarters, ``hq add-post KEYFILE`` registers a post's key, ``hq keys`` lists the
keys and the transition setting, and ``hq allow-unsigned`` / ``hq require-signed``
change which posts may still send unsigned workbooks.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from inl_desktop.services.context import AppContext, utc_now
from inl_desktop.services.post_keys import (
    accept_unsigned,
    public_key_file,
    public_key_text,
    read_key_file,
    register_post_key,
    registered_keys,
    unsigned_accepted,
)
from inl_desktop.store.engine import DatabaseUnusable, resolve_db_path
from inl_desktop.store.migrate import open_database

EXIT_OK, EXIT_USAGE = 0, 2


def run(args: argparse.Namespace, command: str) -> int:
    """Run ``key`` or one of the ``hq`` actions; return the exit code."""
    path = resolve_db_path(args.db)
    if not path.is_file():
        raise DatabaseUnusable(f"Database {path} does not exist")
    ctx = AppContext(open_database(path, now=utc_now, create=False))
    if command == "key":
        return _key(ctx, args.out, as_json=args.json)
    action = args.hq_command
    if action == "add-post":
        return _add_post(ctx, args.keyfile, replace=args.replace)
    if action == "keys":
        return _keys(ctx, as_json=args.json)
    accepted = accept_unsigned(ctx, args.post, accept=action == "allow-unsigned")
    post = args.post.strip().upper()
    if post in accepted:
        print(f"Unsigned workbooks of {post} are accepted (transition setting).")
    else:
        print(f"Workbooks of {post} must be signed by its registered key.")
    print(f"Unsigned workbooks accepted from: {', '.join(sorted(accepted)) or 'no post'}.")
    return EXIT_OK


def _key(ctx: AppContext, out: Path | None, *, as_json: bool) -> int:
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
    if not keyfile.is_file():
        print(f"inl-desktop: no such file: {keyfile}", file=sys.stderr)
        return EXIT_USAGE
    print(register_post_key(ctx, read_key_file(keyfile), keyfile.name, replace=replace))
    return EXIT_OK


def _keys(ctx: AppContext, *, as_json: bool) -> int:
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
