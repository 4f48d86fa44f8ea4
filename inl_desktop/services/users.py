"""Users of an encrypted database: signing in, adding, disabling, passwords, recovery.

A post's database is encrypted (``store.cipher``) once it has users: the first admin is
made at set-up, or on the first start of a database made before users existed, which is
then encrypted in place. Signing in unwraps the database key with the user's password
and keeps it in the process's keyring; the user's role comes from the ``users`` table.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, insert, select, text

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.roles import Permission, Role
from inl_desktop.services.context import AppContext
from inl_desktop.store import cipher
from inl_desktop.store.cipher import KEYRING, KdfParams, KeyFile, WrongPassword, keys_path

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "Credentials",
    "SignedIn",
    "UserProblem",
    "UserRow",
    "WrongPassword",
    "add_user",
    "backup_unlocked",
    "change_own_password",
    "default_kdf",
    "disable_user",
    "encrypt_database",
    "finish_encryption",
    "idle_lock_minutes",
    "is_encrypted",
    "list_users",
    "require_at",
    "reset_password",
    "reset_with_recovery_key",
    "set_idle_lock_minutes",
    "sign_in",
    "signed_in_role",
    "unlock_again",
    "user_names",
]

MIN_PASSWORD_LENGTH = 8
# Scripts and tests on slow machines may ask for a cheaper key derivation (in seconds).
KDF_SECONDS_ENV = "INL_DESKTOP_KDF_SECONDS"


class UserProblem(UserError):
    """A user cannot be added, disabled or changed as asked."""


@dataclass(frozen=True)
class Credentials:
    """A user name and a password, as typed."""

    name: str
    password: str


@dataclass(frozen=True)
class SignedIn:
    """Who signed in to which database (its key is in the keyring)."""

    name: str
    database_id: str


@dataclass(frozen=True)
class UserRow:
    """A user as the Users page lists them."""

    login: str
    name: str
    role: Role
    created_at: datetime
    disabled: bool


def is_encrypted(path: Path) -> bool:
    """True for a database that has users (and so is encrypted)."""
    return cipher.is_encrypted(path)


def default_kdf() -> KdfParams:
    """Argon2id tuned to about half a second here (``$INL_DESKTOP_KDF_SECONDS`` to change)."""
    seconds = os.environ.get(KDF_SECONDS_ENV)
    try:
        return cipher.tuned_kdf(float(seconds) if seconds else cipher.KDF_SECONDS)
    except ValueError:
        raise UserError(
            f"${KDF_SECONDS_ENV} must be a number of seconds, not {seconds!r}"
        ) from None


def user_names(path: Path) -> list[str]:
    """The users who can sign in to the encrypted database ``path``."""
    return KeyFile.read(keys_path(path)).names()


def sign_in(path: Path, credentials: Credentials) -> SignedIn:
    """Unlock the encrypted database ``path`` with ``credentials``; WrongPassword otherwise."""
    keys = KeyFile.read(keys_path(path))
    key = keys.unlock(credentials.name, credentials.password)
    KEYRING.remember(keys.database_id, key)
    return SignedIn(credentials.name, keys.database_id)


def signed_in_role(engine: Engine, name: str) -> tuple[str, Role]:
    """The name (as the admin wrote it) and role of a user who unlocked the database;
    UserProblem when the user is disabled or unknown to it. (Plain SQL: signing in
    loads no ORM, so that ``inl-desktop info`` and the first window stay quick.)"""
    query = text("SELECT name, role, disabled_at FROM users WHERE login = :login")
    with engine.connect() as connection:
        row = connection.execute(query, {"login": cipher.user_label(name)}).first()
    if row is None or row.disabled_at is not None:
        raise UserProblem(f"{name} may not sign in to this database (disabled or unknown)")
    return row.name, Role(row.role)


def require_at(path: Path, credentials: Credentials, permission: Permission) -> str:
    """Sign in to the database file ``path`` (not opened otherwise) and check that the
    user may do ``permission``; return the user's name. A plain database has no users:
    whoever has it is its admin, and nothing is asked."""
    from inl_desktop.domain.roles import require
    from inl_desktop.store.engine import make_engine

    if not cipher.is_encrypted(path):
        return credentials.name
    sign_in(path, credentials)
    engine = make_engine(path, read_only=True)
    try:
        name, role = signed_in_role(engine, credentials.name)
    finally:
        engine.dispose()
    require(role, permission, name)
    return name


def backup_unlocked(backup: Path, credentials: Credentials | None) -> Credentials | None:
    """Unlock an encrypted backup with credentials valid when it was made (WrongPassword
    otherwise); a plain backup needs none."""
    if not cipher.is_encrypted(backup):
        return credentials
    if credentials is None:
        raise WrongPassword(f"The backup {backup.name} is encrypted: sign in to restore it")
    try:
        sign_in(backup, credentials)
    except WrongPassword:
        raise WrongPassword(
            f"{credentials.name} and that password do not open the backup {backup.name} "
            "(the passwords of the day it was made are needed)"
        ) from None
    return credentials


def check_password(password: str) -> None:
    """UserProblem for a password too short to protect personal data."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserProblem(f"A password must be at least {MIN_PASSWORD_LENGTH} characters long")


def check_name(name: str) -> str:
    """The name trimmed; UserProblem when it is empty or too long."""
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise UserProblem("A user name must be 1 to 100 characters long")
    return name


def new_key_file(admin: Credentials, kdf: KdfParams) -> tuple[KeyFile, bytes, str]:
    """A key file for a new encrypted database: its key, and the recovery key to print."""
    database_key = cipher.new_database_key()
    recovery_key = cipher.new_recovery_key()
    keys = KeyFile(
        database_id=secrets.token_hex(16),
        users={},
        recovery=cipher.WrappedKey.seal(database_key, recovery_key, cipher.RECOVERY, kdf),
    )
    keys.seal_for(admin.name, database_key, admin.password, kdf)
    return keys, database_key, recovery_key


def encrypt_database(
    path: Path,
    admin: Credentials,
    now: Callable[[], datetime],
    kdf: KdfParams | None = None,
) -> str:
    """Encrypt the plain database ``path`` (nothing may have it open) and every backup of
    it, with ``admin`` as its first user; return the recovery key, to show once.

    A plain copy is made first and removed once the encrypted database is checked; the
    plain backups are replaced by encrypted ones. A database that does not exist yet is
    made encrypted when it is first opened.
    """
    from inl_desktop.store.migrate import backup_database, backups_dir

    admin = Credentials(check_name(admin.name), admin.password)
    check_password(admin.password)
    if cipher.is_encrypted(path):
        raise UserProblem(f"Database {path} is encrypted already")
    keys, database_key, recovery_key = new_key_file(admin, kdf or default_kdf())
    path.parent.mkdir(parents=True, exist_ok=True)
    KEYRING.remember(keys.database_id, database_key)
    if path.exists() and path.stat().st_size:
        stamp = now().strftime("%Y%m%dT%H%M%SZ")
        plain_copy = backups_dir(path) / f".{path.stem}-before-encryption-{stamp}.sqlite"
        backup_database(path, plain_copy)
        _encrypt_file(path, keys, database_key)
        finish_encryption(path)
    else:
        keys.write(keys_path(path))
    _add_first_admin(path, admin, now())
    return recovery_key


def finish_encryption(path: Path) -> list[Path]:
    """Encrypt the plain backups of the encrypted database ``path`` (its key unlocked) and
    remove the plain copy made before it was encrypted; what an encryption interrupted
    halfway left is finished here, at the next sign-in. Returns the files encrypted."""
    from inl_desktop.store.migrate import backups_dir

    folder = backups_dir(path)
    key = KEYRING.key_for(path)
    if key is None or not folder.is_dir():
        return []
    keys = KeyFile.read(keys_path(path))
    encrypted = []
    for backup in sorted(folder.glob("*.sqlite")):
        if backup.name.startswith("."):
            if "-before-encryption-" in backup.name:
                backup.unlink(missing_ok=True)
                keys_path(backup).unlink(missing_ok=True)
        elif not cipher.is_encrypted(backup):
            _encrypt_file(backup, keys, key)
            encrypted.append(backup)
    return encrypted


def _encrypt_file(path: Path, keys: KeyFile, database_key: bytes) -> None:
    """Replace a plain database file by its encrypted copy: the key file first, so that an
    interruption leaves a plain file (still read as plain) or the encrypted one."""
    encrypted = path.with_name(f".{path.name}.{os.getpid()}.encrypting")
    encrypted.unlink(missing_ok=True)
    try:
        cipher.encrypt_copy(path, encrypted, database_key)
        keys.write(keys_path(path))
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        os.replace(encrypted, path)
    finally:
        with contextlib.suppress(OSError):
            encrypted.unlink()


def _add_first_admin(path: Path, admin: Credentials, now: datetime) -> None:
    from inl_desktop.store.migrate import open_database
    from inl_desktop.store.models import User

    engine = open_database(path, now=lambda: now)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(User).values(
                    login=cipher.user_label(admin.name),
                    name=admin.name,
                    role=Role.ADMIN.value,
                    created_at=now,
                    created_by=admin.name,
                )
            )
    finally:
        engine.dispose()


IDLE_LOCK_SETTING = "idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 15


def idle_lock_minutes(ctx: AppContext) -> int:
    """After how many idle minutes the window locks (0: never); the admin sets it.
    (Plain SQL: the window reads it before its first paint.)"""
    query = text("SELECT value FROM app_settings WHERE key = :key")
    with ctx.engine.connect() as connection:
        value = connection.execute(query, {"key": IDLE_LOCK_SETTING}).scalar()
    try:
        return DEFAULT_IDLE_LOCK_MINUTES if value is None else max(0, int(value))
    except ValueError:
        return DEFAULT_IDLE_LOCK_MINUTES


def set_idle_lock_minutes(ctx: AppContext, minutes: int) -> None:
    """Set the idle time before the window locks (admin only; 0: never, at most 8 hours)."""
    from inl_desktop.store.models import AppSetting

    ctx.require(Permission.USERS)
    if not 0 <= minutes <= 480:
        raise UserProblem("The idle time before locking must be 0 (never) to 480 minutes")
    with ctx.sessions.begin() as session:
        setting = session.get(AppSetting, IDLE_LOCK_SETTING)
        if setting is None:
            session.add(AppSetting(key=IDLE_LOCK_SETTING, value=str(minutes)))
        else:
            setting.value = str(minutes)


def unlock_again(ctx: AppContext, password: str) -> None:
    """The signed-in user's password, to unlock the window after it locked when idle;
    WrongPassword otherwise."""
    path = _database_path(ctx)
    KeyFile.read(keys_path(path)).unlock(ctx.user, password)


def list_users(ctx: AppContext) -> list[UserRow]:
    """Every user of the database, disabled ones too."""
    from inl_desktop.store.models import User

    with ctx.sessions() as session:
        users = session.scalars(select(User).order_by(User.login)).all()
        return [
            UserRow(u.login, u.name, Role(u.role), u.created_at, u.disabled_at is not None)
            for u in users
        ]


def _database_path(ctx: AppContext) -> Path:
    database = ctx.engine.url.database
    if not database:
        raise UserProblem("This database has no file")
    return Path(database)


def _unlocked_keys(ctx: AppContext) -> tuple[Path, KeyFile, bytes]:
    path = _database_path(ctx)
    if not cipher.is_encrypted(path):
        raise UserProblem(
            "This database has no users yet; start the app (or run 'inl-desktop users add "
            "NAME --role admin') to create the first admin and encrypt it"
        )
    key = KEYRING.key_for(path)
    assert key is not None
    return path, KeyFile.read(keys_path(path)), key


def add_user(
    ctx: AppContext,
    credentials: Credentials,
    role: Role,
    kdf: KdfParams | None = None,
) -> UserRow:
    """Add a user (admin only); a disabled user of that name comes back with a new role."""
    from inl_desktop.store.models import User

    ctx.require(Permission.USERS)
    name = check_name(credentials.name)
    check_password(credentials.password)
    path, keys, key = _unlocked_keys(ctx)
    login = cipher.user_label(name)
    now = ctx.now()
    with ctx.sessions.begin() as session:
        user = session.scalars(select(User).where(User.login == login)).first()
        if user is not None and user.disabled_at is None:
            raise UserProblem(f"There is a user {user.name} already")
        if user is None:
            user = User(login=login, created_at=now, created_by=ctx.user)
            session.add(user)
        user.name, user.role, user.disabled_at, user.disabled_by = name, role.value, None, None
        keys.seal_for(name, key, credentials.password, kdf or default_kdf())
        keys.write(keys_path(path))
        return UserRow(login, name, role, user.created_at, False)


def disable_user(ctx: AppContext, name: str) -> None:
    """Disable a user (admin only): their password no longer opens the database. Never
    the signed-in admin, never the last admin."""
    from inl_desktop.store.models import User

    ctx.require(Permission.USERS)
    path, keys, _key = _unlocked_keys(ctx)
    login = cipher.user_label(name)
    if login == cipher.user_label(ctx.user):
        raise UserProblem("You cannot disable yourself; another admin can")
    with ctx.sessions.begin() as session:
        user = session.scalars(select(User).where(User.login == login)).first()
        if user is None or user.disabled_at is not None:
            raise UserProblem(f"There is no user {name} to disable")
        user.disabled_at, user.disabled_by = ctx.now(), ctx.user
        keys.drop(user.name)
        keys.write(keys_path(path))


def reset_password(
    ctx: AppContext, name: str, new_password: str, kdf: KdfParams | None = None
) -> None:
    """Give a user a new password (admin only), with the key the admin unlocked."""
    from inl_desktop.store.models import User

    ctx.require(Permission.USERS)
    check_password(new_password)
    path, keys, key = _unlocked_keys(ctx)
    login = cipher.user_label(name)
    with ctx.sessions() as session:
        user = session.scalars(select(User).where(User.login == login)).first()
        if user is None or user.disabled_at is not None:
            raise UserProblem(f"There is no user {name}")
        shown = user.name
    keys.seal_for(shown, key, new_password, kdf or default_kdf())
    keys.write(keys_path(path))


def change_own_password(
    ctx: AppContext, old_password: str, new_password: str, kdf: KdfParams | None = None
) -> None:
    """The signed-in user changes their password (any role); WrongPassword for a wrong
    old one."""
    check_password(new_password)
    path, keys, key = _unlocked_keys(ctx)
    keys.unlock(ctx.user, old_password)
    keys.seal_for(ctx.user, key, new_password, kdf or default_kdf())
    keys.write(keys_path(path))


def reset_with_recovery_key(
    path: Path, recovery_key: str, name: str, new_password: str, kdf: KdfParams | None = None
) -> None:
    """Give an existing user of ``path`` a new password with the recovery key (when
    every admin's password is lost)."""
    check_password(new_password)
    keys = KeyFile.read(keys_path(path))
    key = keys.unlock_with_recovery_key(recovery_key)
    KEYRING.remember(keys.database_id, key)
    from inl_desktop.store.migrate import open_database

    engine = open_database(path, now=lambda: datetime.now().astimezone(), create=False)
    try:
        shown, _role = signed_in_role(engine, name)
    finally:
        engine.dispose()
    keys.seal_for(shown, key, new_password, kdf or default_kdf())
    keys.write(keys_path(path))
