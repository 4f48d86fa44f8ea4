"""The pseudonymous user key of hq exports: who saved a record, without their login.

Every record carries its author (``created_by``, ``updated_by``): the operating-system
login of the clerk, a name (``Jane.Doe``). The hq profile carries no names, so there
it writes ``user-`` and the first 10 hex digits of an HMAC-SHA256 of the login
(case-folded: Windows logins ignore case) keyed with a secret of the post's own. The
key is stable (the same clerk is the same key in every export of the post, so HQ can
still tell "entered by one person" from "by several"), and only the post can say whose
it is. The secret is made at the first hq export, kept in the post's database (its
backups keep it too) and never exported; it is not the country program's person-key
secret, which every post holds and with which any of them could try logins.
The full profile keeps the logins.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from inl_desktop.exchange.writer import SheetData
from inl_desktop.services.context import AppContext
from inl_desktop.services.person_key import kept_secret

SETTING = "user_key_secret"
PREFIX = "user-"
AUTHOR_COLUMNS = ("created_by", "updated_by")
_KEY = re.compile(r"^user-[0-9a-f]{10}$")


def user_key_secret(ctx: AppContext) -> bytes:
    """The post's secret for user keys; a random one is made (and kept) if none is."""
    return kept_secret(ctx, SETTING)


def user_key(secret: bytes, login: str) -> str:
    """The pseudonymous key of a login (a key already, as HQ re-exports it, is kept)."""
    if _KEY.match(login):
        return login
    digest = hmac.new(secret, login.strip().casefold().encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:10]


def hq_user_keys(sheets: Iterable[SheetData], profile: str, secret: bytes) -> Iterator[SheetData]:
    """The sheets of an export with every author replaced by its user key in the hq
    profile; as they are in the full profile. Rows are converted as they are written."""
    for sheet in sheets:
        keys = [column.key for column in sheet.columns]
        indexes = [keys.index(name) for name in AUTHOR_COLUMNS if name in keys]
        if profile == "full" or not indexes:
            yield sheet
            continue
        yield SheetData(sheet.name, sheet.columns, _keyed(sheet.rows, indexes, secret))


def _keyed(
    rows: Iterable[Sequence[Any]], indexes: Sequence[int], secret: bytes
) -> Iterator[list[Any]]:
    known: dict[str, str] = {}  # a post has a handful of clerks: each login hashed once
    for row in rows:
        values = list(row)
        for index in indexes:
            login = values[index]
            if isinstance(login, str) and login:
                key = known.get(login)
                if key is None:
                    key = known[login] = user_key(secret, login)
                values[index] = key
        yield values
