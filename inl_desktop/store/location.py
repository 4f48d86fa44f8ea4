"""Is the folder of the database a safe place for it?

SQLite relies on file locks and on writes reaching the disk in order. A network
share may not honour the locks, a cloud-sync client (OneDrive, Dropbox, Google
Drive, iCloud) may upload or restore the file half-way through a write, and
removable media may be pulled out. Each gets a warning and an offer to move the
database to the per-user data folder.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath

from inl_desktop.store.engine import DatabaseUnusable
from inl_desktop.store.integrity import check_database, rename_aside
from inl_desktop.store.migrate import backup_database

CLOUD_FOLDERS = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "com~apple~clouddocs": "iCloud Drive",
    "box": "Box",
    "box sync": "Box",
}
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "afs", "fuse.sshfs", "davfs"}
REMOVABLE_ROOTS = (("media",), ("run", "media"), ("Volumes",))
_DRIVE_REMOVABLE, _DRIVE_REMOTE = 2, 4


@dataclass(frozen=True)
class Mount:
    """One line of the mount table: where a filesystem is mounted and its type."""

    point: PurePath
    kind: str


def location_risk(path: Path, mounts: Sequence[Mount] | None = None) -> str | None:
    """Why the database's folder is risky, in one sentence; None when it is not."""
    cloud = _cloud_folder(path)
    if cloud:
        return (
            f"The database is inside a {cloud} folder. A sync client can copy or replace "
            "it half-way through a save and damage it."
        )
    if _is_network(path, mounts):
        return (
            "The database is on a network share. Shares do not always honour the locks "
            "SQLite relies on, and a dropped connection can damage the file."
        )
    if _is_removable(path):
        return (
            "The database is on removable media. Pulling the drive out while the app "
            "is open can damage the file."
        )
    return None


def _cloud_folder(path: Path) -> str | None:
    for part in path.parts[:-1]:
        name = part.lower()
        for marker, service in CLOUD_FOLDERS.items():
            if name == marker or name.startswith(marker + " - ") or name.startswith(marker + "-"):
                return service
    return None


def _is_network(path: Path, mounts: Sequence[Mount] | None) -> bool:
    if sys.platform == "win32":
        text = str(path)
        if text.startswith("\\\\"):
            return True
        return _windows_drive_type(path) == _DRIVE_REMOTE
    mount = _mount_of(path, read_mounts() if mounts is None else mounts)
    return mount is not None and mount.kind in NETWORK_FILESYSTEMS


def _is_removable(path: Path) -> bool:
    if sys.platform == "win32":
        return _windows_drive_type(path) == _DRIVE_REMOVABLE
    parts = path.parts[1:]
    return any(
        len(parts) > len(root) + 1 and tuple(parts[: len(root)]) == root for root in REMOVABLE_ROOTS
    )


def _windows_drive_type(path: Path) -> int:
    anchor = path.anchor or str(path)[:3]
    kernel = getattr(ctypes, "windll", None)
    if kernel is None:
        return 0
    return int(kernel.kernel32.GetDriveTypeW(anchor))


def read_mounts(table: Path = Path("/proc/mounts")) -> list[Mount]:
    """The mount table on Linux; empty elsewhere (macOS shares show under /Volumes)."""
    try:
        lines = table.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    mounts = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 3:
            point = fields[1].replace("\\040", " ")
            mounts.append(Mount(PurePath(point), fields[2]))
    return mounts


def _mount_of(path: Path, mounts: Sequence[Mount]) -> Mount | None:
    best: Mount | None = None
    for mount in mounts:
        if path.is_relative_to(mount.point) and (
            best is None or len(mount.point.parts) > len(best.point.parts)
        ):
            best = mount
    return best


def moved_note(db_path: Path) -> Path:
    """The note left where a database was moved away from."""
    return db_path.with_name(db_path.name + ".moved-to.txt")


def moved_to(db_path: Path) -> Path | None:
    """Where a database that is no longer at ``db_path`` was moved to, if it was."""
    note = moved_note(db_path)
    if db_path.exists() or not note.is_file():
        return None
    target = Path(note.read_text(encoding="utf-8").strip())
    return target if target.is_file() else None


def move_database(db_path: Path, target: Path, now: datetime) -> Path:
    """Copy the database to ``target`` (backup API), then rename the old file aside.

    The old file is kept (renamed with a timestamp) and a note beside it says where
    the database went, so starting the app with the old path finds the new one.
    """
    if target.exists():
        raise DatabaseUnusable(f"A database already exists at {target}; move or rename it first")
    finding = check_database(db_path)
    if not finding.sound:
        raise DatabaseUnusable(f"The database cannot be moved: {finding.message}")
    target.parent.mkdir(parents=True, exist_ok=True)
    backup_database(db_path, target)
    rename_aside(db_path, "moved", now)
    moved_note(db_path).write_text(f"{target}\n", encoding="utf-8")
    return target
