"""The pseudonymous person key of hq exports: an HMAC of the normalised national ID.

The secret is the country program's: every post of a program must hold the same one
so that headquarters can count one officer trained at two posts once. It is kept in
the database, set with ``inl-desktop setup --person-key-file``, and never exported;
workbooks carry only its fingerprint (``person_key_id``) so HQ can see which posts
share it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.roles import Permission
from inl_desktop.services.context import AppContext
from inl_desktop.store.models import AppSetting

SETTING = "person_key_secret"
MIN_SECRET_LENGTH = 16


class BadPersonKey(UserError):
    """A person-key secret too short to protect national IDs."""


def person_key_secret(ctx: AppContext) -> bytes:
    """The program's secret; a random one is made (and kept) if none was set."""
    return kept_secret(ctx, SETTING)


def kept_secret(ctx: AppContext, setting_key: str) -> bytes:
    """The secret kept in the setting ``setting_key``; a random one is made (and kept)
    the first time it is asked for."""
    with ctx.sessions.begin() as session:
        setting = session.get(AppSetting, setting_key)
        if setting is None:
            setting = AppSetting(key=setting_key, value=secrets.token_hex(32))
            session.add(setting)
        return setting.value.encode()


def set_person_key_secret(ctx: AppContext, secret: str) -> str:
    """Keep the country program's secret; return its fingerprint."""
    ctx.require(Permission.POST_SETUP)
    secret = secret.strip()
    if len(secret) < MIN_SECRET_LENGTH:
        raise BadPersonKey(f"The person key must be at least {MIN_SECRET_LENGTH} characters long")
    with ctx.sessions.begin() as session:
        setting = session.get(AppSetting, SETTING)
        if setting is None:
            session.add(AppSetting(key=SETTING, value=secret))
        else:
            setting.value = secret
    return key_id(secret.encode())


def has_person_key_secret(ctx: AppContext) -> bool:
    """Whether a secret is set (made or given)."""
    with ctx.sessions() as session:
        return session.scalar(select(AppSetting.key).where(AppSetting.key == SETTING)) is not None


def person_key(secret: bytes, national_id_key: str | None) -> str | None:
    """The pseudonymous key of a person with that normalised national ID (None without)."""
    if not national_id_key:
        return None
    return hmac.new(secret, national_id_key.encode(), hashlib.sha256).hexdigest()


def key_id(secret: bytes) -> str:
    """A short fingerprint of the secret (posts with the same one match persons)."""
    return hmac.new(secret, b"inl-desktop person key id", hashlib.sha256).hexdigest()[:12]
