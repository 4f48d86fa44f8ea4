"""Signing keys: each post signs its exports; headquarters knows each post's public key.

At a post, the private key is kept in the database (``app_settings``), so it travels
with the post's backups. ``setup`` makes it; a database from before signing gets one
on its first export; a database set up again as another post gets a new one. The public
key leaves the post as a small text file (``inl-desktop key --out PK-KHI.pub``).

At headquarters, ``post_keys`` holds each post's registered public key (``inl-desktop hq
add-post KEYFILE`` or "Add post key…" on the Consolidate page). Registering another key
for a post that has one must be asked for (``--replace``); the old key stays in the
table, marked replaced, and the change log records both. During a transition HQ may
accept unsigned workbooks of listed posts (``inl-desktop hq allow-unsigned PK-KHI``);
the consolidation report says of each such workbook that it was accepted unsigned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.roles import Permission
from inl_desktop.exchange import signing
from inl_desktop.exchange.reader import ExchangeWorkbook
from inl_desktop.exchange.safety import WorkbookRefused
from inl_desktop.services.context import AppContext
from inl_desktop.store.models import AppSetting, ChangeLogEntry, PostKey
from inl_desktop.store.reference import country_program

SIGNING_KEY_SETTING = "post_signing_key"
UNSIGNED_SETTING = "unsigned_accepted_from"
LOG_KIND = "post_key"
VERIFIED = "verified"
ACCEPTED_UNSIGNED = "accepted unsigned"
ACCEPTED_UNREGISTERED = "accepted unregistered key"


class KeyRefused(UserError):
    """A post key HQ does not register (not a post of the program, another key held...)."""


class OtherKeyHeld(KeyRefused):
    """HQ holds another key for the post: replacing it must be asked for."""

    def __init__(self, post_code: str, held: PostKey, offered: str, name: str) -> None:
        self.post_code, self.held, self.offered = post_code, held.fingerprint, offered
        self.held_since = f"registered {held.added_at:%Y-%m-%d} by {held.added_by}"
        super().__init__(
            f"HQ already holds key {self.held} for {post_code} ({self.held_since}); {name} "
            f"holds key {offered}. To replace it, register the file again with --replace"
        )


# -- at the post ------------------------------------------------------------------------


def signing_key(ctx: AppContext) -> bytes:
    """The post's private key; a new one is made (and kept) if the post has none."""
    post = ctx.post().code
    with ctx.sessions.begin() as session:
        setting = session.get(AppSetting, SIGNING_KEY_SETTING)
        stored = _stored_key(setting)
        if stored is not None and stored[0] == post:
            return stored[1]
        private_key = signing.new_private_key()
        value = json.dumps({"post": post, "private_key": signing.encode_key(private_key)})
        if setting is None:
            session.add(AppSetting(key=SIGNING_KEY_SETTING, value=value))
        else:
            setting.value = value
        return private_key


def _stored_key(setting: AppSetting | None) -> tuple[str, bytes] | None:
    if setting is None:
        return None
    try:
        stored = json.loads(setting.value)
        post, text = stored["post"], stored["private_key"]
    except (ValueError, KeyError, TypeError):
        return None
    key = signing.decode_key(text) if isinstance(text, str) else None
    return (post, key) if isinstance(post, str) and key is not None else None


def public_key_file(ctx: AppContext) -> signing.PublicKeyFile:
    """The post's public key (made with the private key if the post has none yet)."""
    return signing.PublicKeyFile(ctx.post().code, signing.public_key_of(signing_key(ctx)))


def public_key_text(ctx: AppContext) -> str:
    """The text of the post's public key file, for headquarters."""
    key = public_key_file(ctx)
    return signing.public_key_text(key.post_code, key.public_key)


# -- at headquarters --------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredKey:
    """A post's public key as HQ registered it."""

    post_code: str
    fingerprint: str
    added_at: datetime
    added_by: str
    replaced_at: datetime | None = None

    @staticmethod
    def of(row: PostKey) -> RegisteredKey:
        """The registered key of a ``post_keys`` row."""
        return RegisteredKey(
            row.post_code, row.fingerprint, row.added_at, row.added_by, row.replaced_at
        )


@dataclass(frozen=True)
class Registration:
    """What ``register_post_key`` did: ``added``, ``replaced`` or ``unchanged``."""

    outcome: str
    key: RegisteredKey
    replaced: str | None = None  # the fingerprint of the key it replaced

    def __str__(self) -> str:
        key = self.key
        if self.outcome == "unchanged":
            return f"The key {key.fingerprint} of {key.post_code} was already registered."
        if self.outcome == "replaced":
            return (
                f"Registered key {key.fingerprint} for {key.post_code}; it replaces key "
                f"{self.replaced}, whose workbooks are no longer accepted."
            )
        return f"Registered key {key.fingerprint} for {key.post_code}."


def register_post_key(
    ctx: AppContext, text: str, name: str, *, replace: bool = False
) -> Registration:
    """Register the public key of a post's key file (its text; ``name`` names it in
    messages). Another key of the same post is replaced only with ``replace``."""
    ctx.require(Permission.POST_KEYS)
    key_file = signing.read_public_key_text(text, name)
    post_code = key_file.post_code
    _check_post(ctx, post_code, f"{name} is the key of")
    now = ctx.now()
    with ctx.sessions.begin() as session:
        current = _current_key(session, post_code)
        if current is not None and current.public_key == signing.encode_key(key_file.public_key):
            return Registration("unchanged", RegisteredKey.of(current))
        if current is not None and not replace:
            raise OtherKeyHeld(post_code, current, key_file.fingerprint, name)
        revision = 1 + len(
            session.scalars(select(PostKey.id).where(PostKey.post_code == post_code)).all()
        )
        if current is not None:
            current.replaced_at, current.replaced_by = now, ctx.user
            session.flush()  # one current key per post, also for the database's index
        row = PostKey(
            post_code=post_code,
            public_key=signing.encode_key(key_file.public_key),
            fingerprint=key_file.fingerprint,
            added_at=now,
            added_by=ctx.user,
        )
        session.add(row)
        session.add(
            ChangeLogEntry(
                record_kind=LOG_KIND,
                record_uuid=post_code,
                revision=revision,
                action="replace" if current is not None else "register",
                field="fingerprint",
                old_value=current.fingerprint if current is not None else None,
                new_value=key_file.fingerprint,
                changed_at=now,
                changed_by=ctx.user,
            )
        )
        session.flush()
        return Registration(
            "replaced" if current is not None else "added",
            RegisteredKey.of(row),
            current.fingerprint if current is not None else None,
        )


def _check_post(ctx: AppContext, post_code: str, what: str) -> None:
    """KeyRefused unless the post is one whose workbooks this database consolidates;
    ``what`` starts the message ("PK-KHI.pub is the key of")."""
    post = ctx.post()
    program = country_program(post.country)
    codes = {p.code for p in program.posts} | {post.code}
    if post_code not in codes:
        raise KeyRefused(
            f"{what} {post_code}, which is not a post of {program.name} "
            f"({', '.join(sorted(codes))})"
        )


def _current_key(session: Session, post_code: str) -> PostKey | None:
    return session.scalar(
        select(PostKey).where(PostKey.post_code == post_code, PostKey.replaced_at.is_(None))
    )


def read_key_file(path: Path) -> str:
    """The text of a key file (at most a small file's worth); KeyRefused if unreadable."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as file:
            return file.read(signing.KEY_FILE_LIMIT + 1)
    except OSError as error:
        raise KeyRefused(f"{path.name} cannot be read: {error.strerror}") from None


def registered_keys(ctx: AppContext) -> list[RegisteredKey]:
    """Every key HQ registered, current and replaced, by post and date."""
    with ctx.sessions() as session:
        rows = session.scalars(select(PostKey).order_by(PostKey.post_code, PostKey.added_at))
        return [RegisteredKey.of(row) for row in rows]


def unsigned_accepted(ctx: AppContext) -> set[str]:
    """The posts whose unsigned workbooks HQ accepts during the transition."""
    with ctx.sessions() as session:
        setting = session.get(AppSetting, UNSIGNED_SETTING)
        return _posts_of(setting)


def _posts_of(setting: AppSetting | None) -> set[str]:
    if setting is None:
        return set()
    return {code for code in setting.value.split(",") if code}


def accept_unsigned(ctx: AppContext, post_code: str, accept: bool = True) -> set[str]:
    """Accept (or no longer accept) unsigned workbooks of a post; return the posts
    accepted. The change log records the change."""
    ctx.require(Permission.POST_KEYS)
    post_code = post_code.strip().upper()
    _check_post(ctx, post_code, "Unsigned workbooks cannot be accepted from")
    with ctx.sessions.begin() as session:
        setting = session.get(AppSetting, UNSIGNED_SETTING)
        before = _posts_of(setting)
        after = before | {post_code} if accept else before - {post_code}
        if after != before:
            value = ",".join(sorted(after))
            if setting is None:
                session.add(AppSetting(key=UNSIGNED_SETTING, value=value))
            else:
                setting.value = value
            session.add(
                ChangeLogEntry(
                    record_kind="setting",
                    record_uuid=UNSIGNED_SETTING,
                    revision=0,
                    action="set",
                    field="posts",
                    old_value=",".join(sorted(before)),
                    new_value=value,
                    changed_at=ctx.now(),
                    changed_by=ctx.user,
                )
            )
        return after


# -- checking a workbook ----------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """How a workbook's signature was found: verified, or accepted under the transition
    setting (unsigned, or signed by a key HQ has not registered)."""

    status: str
    post_code: str
    key_id: str | None = None

    @property
    def note(self) -> str | None:
        """What the consolidation report says of a workbook not verified."""
        if self.status == ACCEPTED_UNSIGNED:
            return f"accepted unsigned from {self.post_code} under the transition setting"
        if self.status == ACCEPTED_UNREGISTERED:
            return (
                f"accepted from {self.post_code} under the transition setting: signed by "
                f"key {self.key_id}, which HQ has not registered"
            )
        return None

    def as_json(self) -> dict[str, Any]:
        """``{"signature": status}``, with ``"signature_note"`` when there is one."""
        note = self.note
        return {"signature": self.status, **({"signature_note": note} if note else {})}


@dataclass(frozen=True)
class KnownKey:
    """A public key HQ registered for a post (``replaced_at`` None: the current one)."""

    public_key: bytes
    fingerprint: str
    replaced_at: datetime | None


@dataclass
class Trust:
    """The keys and the transition setting as they were when a run started (read once,
    so the workbooks can be checked on another thread, away from the database)."""

    keys: dict[str, list[KnownKey]] = field(default_factory=dict)
    unsigned: set[str] = field(default_factory=set)

    def check(self, book: ExchangeWorkbook) -> SignatureCheck:
        """The workbook's signature checked; WorkbookRefused when it is unsigned (and its
        post not listed), signed by an unregistered key, or changed after signing."""
        name, post = book.path.name, book.about.post_code
        signature = signing.signature_of(book.about.values)
        if signature is None:
            if post in self.unsigned:
                return SignatureCheck(ACCEPTED_UNSIGNED, post)
            raise WorkbookRefused(
                f"{name} is not signed (it was not exported by INL Desktop with signing, or "
                f"its signature rows were removed); ask {post} for a new export, or accept "
                f"its unsigned workbooks for a while with inl-desktop hq allow-unsigned {post}"
            )
        known = self.keys.get(post, [])
        current = next((key for key in known if key.replaced_at is None), None)
        if current is not None and signature.key_id in (current.fingerprint, ""):
            values = _values(book)
            if signing.verifies(current.public_key, signature, values):
                return SignatureCheck(VERIFIED, post, current.fingerprint)
            raise WorkbookRefused(
                f"{name} is signed by {post}, but a value changed after it was signed "
                f"({signing.what_changed(signature, values)}); ask {post} for a new export"
            )
        if post in self.unsigned:
            return SignatureCheck(ACCEPTED_UNREGISTERED, post, signature.key_id)
        replaced = next((k for k in known if k.fingerprint == signature.key_id), None)
        if replaced is not None and replaced.replaced_at is not None:
            held = f"which HQ replaced on {replaced.replaced_at:%Y-%m-%d}"
        else:
            held = f"HQ holds key {current.fingerprint}" if current else "HQ holds no key of it"
        raise WorkbookRefused(
            f"{name} is signed by a key HQ has not registered for {post} "
            f"(key {signature.key_id or '(not named)'}, {held}; "
            "add it with inl-desktop hq add-post)"
        )


def _values(book: ExchangeWorkbook) -> signing.WorkbookValues:
    # The sheets the reader has loaded: what is checked is what is merged.
    return signing.digest_sheets(book.sheet_cells())


def trust(ctx: AppContext) -> Trust:
    """The registered keys and the transition setting, read now."""
    keys: dict[str, list[KnownKey]] = {}
    with ctx.sessions() as session:
        for row in session.scalars(select(PostKey).order_by(PostKey.added_at)):
            raw = signing.decode_key(row.public_key)
            if raw is not None:
                keys.setdefault(row.post_code, []).append(
                    KnownKey(raw, row.fingerprint, row.replaced_at)
                )
        unsigned = _posts_of(session.get(AppSetting, UNSIGNED_SETTING))
    return Trust(keys, unsigned)


def signature_json(check: SignatureCheck | None) -> dict[str, Any]:
    """The signature keys of a workbook's JSON result (``"signature": null`` if refused)."""
    return check.as_json() if check is not None else {"signature": None}
