"""Where the app's own files are: ui/ forms, resources/ data, db/ migrations.

In a source checkout they sit beside the package; an installed wheel carries them
inside the package under ``_data``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_root() -> Path:
    bundled = _PACKAGE_DIR / "_data"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent


def ui_dir() -> Path:
    """Qt Designer forms."""
    return _data_root() / "ui"


def resources_dir() -> Path:
    """Reference data, icons and styles."""
    return _data_root() / "resources"


def migrations_dir() -> Path:
    """The Alembic environment and its versions."""
    return _data_root() / "db"
