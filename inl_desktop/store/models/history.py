"""The change log, the exports made, the merge conflicts found and the rows imported."""

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inl_desktop.store.models.base import Base
from inl_desktop.store.types import UTCDateTime


class ChangeLogEntry(Base):
    """One changed field of one record: old -> new, who and when (append-only)."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_record", "record_uuid", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(20))
    record_uuid: Mapped[str] = mapped_column(String(100))
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(100))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[str] = mapped_column(String(100))


class ExportRecord(Base):
    """One workbook exported for headquarters (``--since-last`` starts from the last)."""

    __tablename__ = "exports"
    __table_args__ = (Index("ix_exports_destination", "destination", "exported_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    destination: Mapped[str] = mapped_column(String(1000))
    exported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    exported_by: Mapped[str] = mapped_column(String(100))
    profile: Mapped[str] = mapped_column(String(10))
    period: Mapped[str | None] = mapped_column(String(40))
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rows: Mapped[str] = mapped_column(Text, default="{}")


class MergeConflict(Base):
    """A record that arrived at the same revision with different content (HQ decides)."""

    __tablename__ = "merge_conflicts"
    __table_args__ = (Index("ix_merge_conflicts_record", "record_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(20))
    record_uuid: Mapped[str] = mapped_column(String(36))
    revision: Mapped[int] = mapped_column(Integer)
    source_file: Mapped[str] = mapped_column(String(1000))
    stored: Mapped[str] = mapped_column(Text)
    incoming: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ImportedRow(Base):
    """A row of a source file that became a record: importing the same row again
    (the same file next month, or re-saved) finds its fingerprint and adds nothing."""

    __tablename__ = "imported_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    record_kind: Mapped[str] = mapped_column(String(20))
    record_uuid: Mapped[str] = mapped_column(String(36), index=True)
    source_file: Mapped[str] = mapped_column(String(1000))
    source_row: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
