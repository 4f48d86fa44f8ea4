"""Encrypted databases: SQLCipher, a random database key, and one wrapped copy per user.

A database is encrypted when a key file sits beside it (``<database>.keys``). The
database key is 32 random bytes that nobody types; SQLCipher uses it as a raw key, so
opening a connection costs no key derivation. The key file holds it wrapped (AES-256-
GCM) once per user under a key derived from the user's password by Argon2id, and once
under the recovery key given to the admin at set-up. The key file names the users
(the sign-in list needs them before anything is decrypted) and holds nothing else of
the post. Adding a user, removing one or changing a password rewrites the key file;
the database is never re-encrypted.

Every backup of a database is encrypted with the same key and carries a copy of the
key file as it stood, so the passwords valid when it was made open it.

The keys this process has unlocked are kept in ``KEYRING`` by the database's id (the
same for the database and all its backups), so that every connection to any of those
files, the engine's or a backup's, finds its key without passing it around.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from inl_desktop.domain.errors import UserError

SQLITE_HEADER = b"SQLite format 3\x00"

KEYS_SUFFIX = ".keys"
KEY_BYTES = 32
KEY_FILE_FORMAT = 1
RECOVERY = "recovery"
# Argon2id at set-up: 128 MiB and as many passes as take about this long here.
KDF_SECONDS = 0.5
KDF_MEMORY_KIB = 128 * 1024
KDF_PARALLELISM = 2


class WrongPassword(UserError):
    """The password (or recovery key) does not unlock the database."""


class KeyFileDamaged(UserError):
    """The key file beside an encrypted database cannot be read."""


class DatabaseLocked(UserError):
    """An encrypted database was opened before anyone signed in."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id's cost: passes over ``memory_kib`` KiB with ``parallelism`` lanes."""

    time_cost: int
    memory_kib: int
    parallelism: int

    def derive(self, secret: str, salt: bytes) -> bytes:
        """The 32-byte key derived from ``secret``."""
        from argon2.low_level import Type, hash_secret_raw

        return hash_secret_raw(
            secret.encode("utf-8"),
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )


def tuned_kdf(seconds: float = KDF_SECONDS) -> KdfParams:
    """Argon2id parameters that take about ``seconds`` on this machine (at least one pass)."""
    if seconds <= 0.05:
        # Scripts and tests that ask for a token cost: still Argon2id, the minimum of RFC 9106's
        # second recommendation scaled down.
        return KdfParams(1, 8 * 1024, 1)

    def timed(passes: int) -> float:
        started = time.perf_counter()
        KdfParams(passes, KDF_MEMORY_KIB, KDF_PARALLELISM).derive("probe", secrets.token_bytes(16))
        return time.perf_counter() - started

    # One pass costs filling the memory plus the pass itself; two passes tell them apart.
    one, two = timed(1), timed(2)
    per_pass = max(two - one, 1e-3)
    fixed = max(one - per_pass, 0.0)
    passes = max(1, round((seconds - fixed) / per_pass))
    return KdfParams(passes, KDF_MEMORY_KIB, KDF_PARALLELISM)


@dataclass(frozen=True)
class WrappedKey:
    """The database key sealed under a key derived from one secret."""

    kdf: KdfParams
    salt: bytes
    nonce: bytes
    sealed: bytes

    @classmethod
    def seal(cls, database_key: bytes, secret: str, label: str, kdf: KdfParams) -> WrappedKey:
        """Wrap ``database_key`` under ``secret``; ``label`` (the user) is bound to it."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        sealed = AESGCM(kdf.derive(secret, salt)).encrypt(nonce, database_key, label.encode())
        return cls(kdf, salt, nonce, sealed)

    def open(self, secret: str, label: str) -> bytes | None:
        """The database key, or None when ``secret`` is not the one it was sealed with."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            key = AESGCM(self.kdf.derive(secret, self.salt)).decrypt(
                self.nonce, self.sealed, label.encode()
            )
        except InvalidTag:
            return None
        return key

    def as_json(self) -> dict[str, Any]:
        """The entry as the key file writes it."""
        return {
            "kdf": "argon2id",
            "time_cost": self.kdf.time_cost,
            "memory_kib": self.kdf.memory_kib,
            "parallelism": self.kdf.parallelism,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "sealed": _b64(self.sealed),
        }

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> WrappedKey:
        """The entry read back; KeyError, ValueError or TypeError when it is malformed."""
        if entry["kdf"] != "argon2id":
            raise ValueError(f"unknown key derivation {entry['kdf']!r}")
        kdf = KdfParams(
            int(entry["time_cost"]), int(entry["memory_kib"]), int(entry["parallelism"])
        )
        return cls(
            kdf,
            base64.b64decode(entry["salt"]),
            base64.b64decode(entry["nonce"]),
            base64.b64decode(entry["sealed"]),
        )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def user_label(name: str) -> str:
    """How a user name is compared and bound to its wrapped key (case does not matter)."""
    return name.strip().casefold()


@dataclass
class KeyFile:
    """The key file of an encrypted database: its id and the wrapped copies of its key."""

    database_id: str
    users: dict[str, WrappedKey]
    recovery: WrappedKey | None
    # The users' names as the admin wrote them (the sign-in list), by ``user_label``.
    shown_names: dict[str, str] = field(default_factory=dict)

    def seal_for(self, name: str, database_key: bytes, password: str, kdf: KdfParams) -> None:
        """Wrap the database key for ``name`` with ``password`` (a new user, a new password)."""
        label = user_label(name)
        self.users[label] = WrappedKey.seal(database_key, password, label, kdf)
        self.shown_names[label] = name

    def drop(self, name: str) -> None:
        """Remove ``name``'s wrapped key: their password opens nothing any more."""
        label = user_label(name)
        self.users.pop(label, None)
        self.shown_names.pop(label, None)

    @classmethod
    def read(cls, path: Path) -> KeyFile:
        """The key file at ``path``; KeyFileDamaged when it cannot be read."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != KEY_FILE_FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            users = {name: WrappedKey.from_json(entry) for name, entry in data["users"].items()}
            recovery = data.get(RECOVERY)
            shown = {str(k): str(v) for k, v in data.get("names", {}).items()}
            return cls(
                str(data["database_id"]),
                users,
                None if recovery is None else WrappedKey.from_json(recovery),
                shown,
            )
        except FileNotFoundError:
            raise KeyFileDamaged(f"The key file {path} is missing") from None
        except OSError as error:
            raise KeyFileDamaged(f"The key file {path} cannot be read: {error.strerror}") from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise KeyFileDamaged(f"The key file {path} is damaged ({error})") from None

    def write(self, path: Path) -> None:
        """Write the key file in one step (a crash leaves the old one or the new one)."""
        data = {
            "format": KEY_FILE_FORMAT,
            "database_id": self.database_id,
            "users": {name: entry.as_json() for name, entry in sorted(self.users.items())},
            "names": {label: self.shown_names[label] for label in sorted(self.shown_names)},
            RECOVERY: None if self.recovery is None else self.recovery.as_json(),
        }
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            with partial.open("w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, path)
        finally:
            with contextlib.suppress(OSError):
                partial.unlink()

    def unlock(self, name: str, password: str) -> bytes:
        """The database key unwrapped with ``name``'s password; WrongPassword otherwise."""
        entry = self.users.get(user_label(name))
        key = None if entry is None else entry.open(password, user_label(name))
        if key is None:
            raise WrongPassword(f"Wrong user name or password for {name}")
        return key

    def unlock_with_recovery_key(self, recovery_key: str) -> bytes:
        """The database key unwrapped with the recovery key; WrongPassword otherwise."""
        key = (
            None
            if self.recovery is None
            else self.recovery.open(normalised_recovery_key(recovery_key), RECOVERY)
        )
        if key is None:
            raise WrongPassword("That recovery key does not open this database")
        return key

    def names(self) -> list[str]:
        """The users who can sign in, as the admin wrote their names."""
        return sorted(
            (self.shown_names.get(label, label) for label in self.users), key=str.casefold
        )


def keys_path(database: Path) -> Path:
    """Where the key file of ``database`` lives (beside it)."""
    return database.with_name(database.name + KEYS_SUFFIX)


def is_encrypted(database: Path) -> bool:
    """True for a database that has a key file beside it and is not plain SQLite.

    A plain file with a key file beside it is a database whose encryption was
    interrupted before the encrypted copy replaced it: it is still plain.
    """
    if not keys_path(database).is_file():
        return False
    try:
        with database.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError:
        return True  # not there yet (a new database), or unreadable: never treated as plain
    return header != SQLITE_HEADER


def new_database_key() -> bytes:
    """A random 256-bit database key."""
    return secrets.token_bytes(KEY_BYTES)


_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I


def new_recovery_key() -> str:
    """A recovery key to print: 32 characters (160 bits) in eight groups of four."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(32))
    return "-".join(chars[i : i + 4] for i in range(0, 32, 4))


def normalised_recovery_key(text: str) -> str:
    """A recovery key as typed (any case, spaces or dashes, O for 0) in its printed form."""
    chars = "".join(c for c in text.upper() if c.isalnum()).replace("0", "O").replace("1", "I")
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


class Keyring:
    """The database keys this process has unlocked, by database id."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}

    def remember(self, database_id: str, key: bytes) -> None:
        """Keep ``key`` for every file of ``database_id`` (the database and its backups)."""
        self._keys[database_id] = key

    def forget(self, database_id: str) -> None:
        """Drop a key (the window locked, or the database was closed)."""
        self._keys.pop(database_id, None)

    def key_for(self, database: Path) -> bytes | None:
        """The key of an encrypted file, None for a plain one; DatabaseLocked when the
        file is encrypted and its key was not unlocked."""
        if not is_encrypted(database):
            return None
        key = self._keys.get(KeyFile.read(keys_path(database)).database_id)
        if key is None:
            raise DatabaseLocked(f"Database {database} is encrypted; sign in to open it")
        return key


KEYRING = Keyring()


# SQLCipher 4's page settings but for the page HMAC: SHA-256 instead of SHA-512 (a
# quarter less work per page where the processor computes SHA-256 itself). Set on every
# connection after the key, before the first read.
PAGE_HMAC = "HMAC_SHA256"


def cipher_settings(schema: str = "main") -> list[str]:
    """The PRAGMAs that follow the key on every connection (and on an attached database)."""
    return [f"PRAGMA {schema}.cipher_hmac_algorithm = {PAGE_HMAC}"]


def key_pragma(key: bytes) -> str:
    """The PRAGMA that gives SQLCipher a raw 256-bit key (no key derivation)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def cipher_module() -> Any:
    """The SQLCipher DB-API module (imported only when an encrypted file is opened)."""
    import sqlcipher3  # type: ignore[import-untyped]

    return sqlcipher3


def database_errors() -> tuple[type[Exception], ...]:
    """The DB-API errors of both libraries: the standard one and SQLCipher's."""
    errors: list[type[Exception]] = [sqlite3.Error]
    with contextlib.suppress(ImportError):
        errors.append(cipher_module().Error)
    return tuple(errors)


def connect(
    path: Path | str, *, read_only: bool = False, key: bytes | None = None, **kwargs: Any
) -> sqlite3.Connection:
    """A DB-API connection to a database file: SQLCipher with its key for an encrypted
    one (the key given, else the keyring's), the standard library for a plain one.

    ``read_only`` opens it in SQLite's read-only mode.
    """
    path = Path(path)
    key = key if key is not None else KEYRING.key_for(path)
    target: str | Path = path
    if read_only:
        target, kwargs = path.resolve().as_uri() + "?mode=ro", {**kwargs, "uri": True}
    if key is None:
        return cast(sqlite3.Connection, sqlite3.connect(target, **kwargs))
    connection = cipher_module().connect(target, **kwargs)
    connection.execute(key_pragma(key))
    for pragma in cipher_settings():
        connection.execute(pragma)
    return cast(sqlite3.Connection, connection)


def encrypt_copy(plain: Path, target: Path, key: bytes) -> None:
    """Write an encrypted copy of the plain database ``plain`` to ``target`` with
    ``sqlcipher_export`` (``target`` must not exist)."""
    module = cipher_module()
    connection = module.connect(str(plain), isolation_level=None)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
        for pragma in cipher_settings("encrypted"):
            connection.execute(pragma)
        connection.execute("SELECT sqlcipher_export('encrypted')")
        version = connection.execute("PRAGMA main.user_version").fetchone()[0]
        connection.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        connection.execute("DETACH DATABASE encrypted")
    finally:
        connection.close()


def cipher_version() -> str | None:
    """SQLCipher's version, None where it is not installed."""
    try:
        module = cipher_module()
    except ImportError:
        return None
    connection = module.connect(":memory:")
    try:
        row = connection.execute("PRAGMA cipher_version").fetchone()
    finally:
        connection.close()
    return None if row is None else str(row[0])


@contextlib.contextmanager
def key_file_first(source: Path, target: Path) -> Iterator[None]:
    """Give a new copy of ``source`` at ``target`` the key file of ``source`` before the
    copy takes its final name (an encrypted file without its key file could not be
    opened; a key file alone is harmless); removed again if the copy fails."""
    had = keys_path(target).exists()
    copy_key_file(source, target)
    try:
        yield
    except BaseException:
        if not had and not target.exists():
            keys_path(target).unlink(missing_ok=True)
        raise


def copy_key_file(source: Path, target: Path) -> None:
    """Give the database file ``target`` the key file of ``source`` (a backup, a move or a
    restore); a plain ``source`` leaves ``target`` without one."""
    source_keys, target_keys = keys_path(source), keys_path(target)
    if source_keys.is_file():
        target_keys.parent.mkdir(parents=True, exist_ok=True)
        KeyFile.read(source_keys).write(target_keys)
    else:
        target_keys.unlink(missing_ok=True)
