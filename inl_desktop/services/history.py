"""A record's change log as plain values, for the History tab of its form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from inl_desktop.services.context import AppContext
from inl_desktop.services.records import history


@dataclass(frozen=True)
class LogEntry:
    """One logged change: who changed which field from what to what, and when (UTC)."""

    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    changed_at: datetime
    changed_by: str


def record_history(ctx: AppContext, record_uuid: str) -> list[LogEntry]:
    """A record's change log, oldest first."""
    return [
        LogEntry(
            entry.action,
            entry.field,
            entry.old_value,
            entry.new_value,
            entry.changed_at,
            entry.changed_by,
        )
        for entry in history(ctx, record_uuid)
    ]
