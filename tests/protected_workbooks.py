"""Full exports are password-protected: the password the tests give, and the plain copy
a test reads back."""

from __future__ import annotations

import shutil
from pathlib import Path

from inl_desktop.exchange.protection import decrypted

WORKBOOK_PASSWORD = "exchange-2026-pk"


def readable_copy(protected: Path, password: str = WORKBOOK_PASSWORD) -> Path:
    """A plain copy of a protected workbook beside it (``<name>-plain.xlsx``)."""
    target = protected.with_name(f"{protected.stem}-plain.xlsx")
    with decrypted(protected, password) as plain:
        shutil.copyfile(plain, target)
    return target
