"""Signing in tests: headquarters registers the posts' keys, as it does once per post;
a workbook a test edits on purpose (to stand for what a post might send) is signed
again with the post's key, so that HQ reads it as that post's workbook."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange import signing
from inl_desktop.services.context import AppContext, utc_now
from inl_desktop.services.post_keys import public_key_text, register_post_key, signing_key
from inl_desktop.store.migrate import open_database


def register_posts(hq: AppContext, *posts: AppContext) -> None:
    """Register each post's public key in the HQ database (``hq add-post``)."""
    for post in posts:
        register_post_key(hq, public_key_text(post), f"{post.post().code}.pub")


def post_key(post: AppContext | Path) -> bytes:
    """The private key of a post (its context, or its database file)."""
    if isinstance(post, AppContext):
        return signing_key(post)
    ctx = AppContext(open_database(post, now=utc_now, create=False), user="test")
    try:
        return signing_key(ctx)
    finally:
        ctx.engine.dispose()


def sign_again(workbook: Path, post: AppContext | Path) -> Path:
    """Sign a workbook again, over the values it holds now, with the post's key."""
    rows = signing.signature_rows(post_key(post), signing.read_values(workbook).digests)
    book = load_workbook(workbook)
    about = book[fmt.ABOUT]
    found = {row[0].value: row[0].row for row in about.iter_rows() if row[0].value}
    for key, value in rows:
        number = found.get(key, about.max_row + 1)
        about.cell(number, 1).value = key
        about.cell(number, 2).value = value
    book.save(workbook)  # an openpyxl round trip keeps every value (tests/exchange)
    return workbook
