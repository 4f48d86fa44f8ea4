"""Password-protected workbooks: the full profile's personal data, encrypted as Office does.

A full export carries names and national ID numbers, so it is written as an
ECMA-376 "agile" encrypted package (AES-256, SHA-512 key derivation; ``msoffcrypto-
tool``), the format Excel and LibreOffice write for "Encrypt with password" and open
after asking for it. The hq profile carries no personal data and stays a plain xlsx.

Reading one back (``decrypted``) writes the plain workbook to a private temporary
folder for the reader's checks and removes it afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from inl_desktop.exchange.safety import WorkbookRefused

# An encrypted package is an OLE compound file, not a zip.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MIN_PASSWORD_LENGTH = 8


class WorkbookPasswordNeeded(WorkbookRefused):
    """A protected workbook was given without a password, or with the wrong one."""


def is_protected(path: Path) -> bool:
    """True for a password-protected (encrypted) Office Open XML file: an OLE compound
    file holding the two streams of ECMA-376 encryption. (An .xls workbook, also an OLE
    file, is not one; the workbook checks refuse it with their own message.)"""
    try:
        with path.open("rb") as handle:
            if handle.read(len(OLE_SIGNATURE)) != OLE_SIGNATURE:
                return False
    except OSError:
        return False
    import olefile  # type: ignore[import-untyped]

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return bool(ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage"))
    except Exception:  # a damaged compound file: not one we can open either way
        return False


def check_password(password: str | None) -> str:
    """The password of a protected export; WorkbookPasswordNeeded when it is missing or short."""
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise WorkbookPasswordNeeded(
            "A full export carries personal data and is written with a password of at "
            f"least {MIN_PASSWORD_LENGTH} characters; give one"
        )
    return password


def protect(plain: Path, target: Path, password: str) -> None:
    """Encrypt the workbook ``plain`` with ``password`` into ``target`` (written under a
    temporary name and renamed once complete)."""
    from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-untyped]

    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with plain.open("rb") as source, partial.open("wb") as out:
            OOXMLFile(source).encrypt(password, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()


# The system's temporary folder, read once: the private folders are made there even
# while ``temporary_files_in`` points the temporary files elsewhere.
_SYSTEM_TEMP = Path(tempfile.gettempdir())
_PREFIX = "inl-desktop-"
_TEMPDIR_TURN = threading.Lock()


@contextlib.contextmanager
def private_folder() -> Iterator[Path]:
    """A temporary folder only this user can read, removed afterwards.

    Its name carries the process ID, so that the folders of a process that was killed
    (a power cut during a full export leaves its plain workbook there) are removed the
    next time one is made.
    """
    remove_stale_private_folders()
    folder = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=_SYSTEM_TEMP))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def temporary_files_in(folder: Path) -> Iterator[None]:
    """Have the temporary files made meanwhile (openpyxl spools each sheet of a workbook
    it writes to one) made in ``folder``, which is removed with what they hold."""
    with _TEMPDIR_TURN:
        before = tempfile.tempdir
        tempfile.tempdir = str(folder)
        try:
            yield
        finally:
            tempfile.tempdir = before


def remove_stale_private_folders() -> list[Path]:
    """Remove the private folders of processes that no longer run; return them."""
    removed = []
    for folder in _SYSTEM_TEMP.glob(f"{_PREFIX}*-*"):
        pid_text = folder.name[len(_PREFIX) :].split("-", 1)[0]
        if folder.is_dir() and pid_text.isdigit() and not _running(int(pid_text)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    """Whether a process with this ID runs (True when that cannot be told)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@contextlib.contextmanager
def decrypted(path: Path, password: str | None) -> Iterator[Path]:
    """The plain workbook of the protected ``path`` (same file name, in a private folder),
    for as long as the context lasts; WorkbookPasswordNeeded without the right password."""
    import msoffcrypto  # type: ignore[import-untyped]
    from msoffcrypto.exceptions import (  # type: ignore[import-untyped]
        DecryptionError,
        InvalidKeyError,
    )

    if password is None:
        raise WorkbookPasswordNeeded(
            f"{path.name} is encrypted with a password (a full export); give its password"
        )
    with private_folder() as folder:
        plain = folder / path.name
        try:
            with path.open("rb") as source, plain.open("wb") as out:
                office = msoffcrypto.OfficeFile(source)
                office.load_key(password=password)
                office.decrypt(out)
        except (InvalidKeyError, DecryptionError):
            raise WorkbookPasswordNeeded(
                f"{path.name} is encrypted and that password does not open it"
            ) from None
        except Exception as error:  # a damaged package: msoffcrypto raises many kinds
            raise WorkbookPasswordNeeded(
                f"{path.name} is encrypted but cannot be decrypted ({error})"
            ) from None
        yield plain
