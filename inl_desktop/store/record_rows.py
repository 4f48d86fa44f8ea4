"""The identity and audit columns every top-level record's row starts with, for the
writers that insert rows in bulk (imports, merges, demo data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

RECORD_COLUMNS = (
    "id",
    "uuid",
    "post_code",
    "revision",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "status",
)


@dataclass(frozen=True)
class Audit:
    """Who made a record where, and when it was created and last changed (at the post)."""

    post_code: str
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


def record_columns(
    id_: int, uuid: str | None, revision: int | None, status: str, audit: Audit
) -> tuple[Any, ...]:
    """The values of ``RECORD_COLUMNS``: id, uuid, post code, revision, created and
    updated (time and author), status."""
    return (
        id_,
        uuid,
        audit.post_code,
        revision,
        audit.created_at,
        audit.created_by,
        audit.updated_at,
        audit.updated_by,
        status,
    )
