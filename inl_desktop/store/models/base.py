"""The declarative base, its naming convention, and the columns every record shares.

The models' modules evaluate their annotations when they are defined (no postponed
annotations, PEP 563): SQLAlchemy then maps them without parsing annotation strings,
which makes start-up faster; forward references are quoted instead.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, MetaData, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from inl_desktop.store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention (migrations can name constraints)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def deleted_index(table: str) -> Index:
    """An index of the few deleted rows, so "live = all - deleted" counts stay fast."""
    where = text("deleted_at IS NOT NULL")
    return Index(f"ix_{table}_deleted", "deleted_at", sqlite_where=where)


def code_column(length: int = 40) -> Mapped[str | None]:
    """A column of a reference code (country codes are two characters)."""
    return mapped_column(String(length))


class RecordColumns:
    """Identity, revision, audit and lifecycle columns of every top-level record."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    post_code: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(8), default="draft")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(100))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # The services set the next revision themselves; the ORM adds
        # "WHERE revision = <old>" to every UPDATE so a stale write fails.
        table = cls.__table__  # type: ignore[attr-defined]
        return {"version_id_col": table.c.revision, "version_id_generator": False}
