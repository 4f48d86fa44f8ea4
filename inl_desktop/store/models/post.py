"""What belongs to the post's database itself: its identity, settings, reference lists,
the spellings imports learned, and the posts' signing keys registered at headquarters.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inl_desktop.store.models.base import Base
from inl_desktop.store.types import UTCDateTime


class PostIdentity(Base):
    """The post this database belongs to (one row)."""

    __tablename__ = "post_identity"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    code: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(100))
    country: Mapped[str] = mapped_column(sa.String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AppSetting(Base):
    """Small named settings kept with the data (not per-user window state)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)


class ReferenceItem(Base):
    """One entry of a reference list (agencies, drugs, units, provinces...).

    ``attributes`` holds list-specific values as JSON text (a drug's group and
    mass per unit, a unit's kind and kilograms per unit, an agency's kind).
    ``aliases`` holds other names of the code, separated by "|" ("KPK|NWFP"), which
    an import recognises in a post's files. Codes in use are retired, never deleted.
    """

    __tablename__ = "reference_items"
    __table_args__ = (sa.UniqueConstraint("list_name", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(sa.String(40), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(200))
    parent_code: Mapped[str | None] = mapped_column(sa.String(40))
    attributes: Mapped[str] = mapped_column(sa.Text, default="{}")
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    retired: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    aliases: Mapped[str] = mapped_column(sa.Text, default="", server_default="")


class ImportSpelling(Base):
    """A spelling of a post's files that an import mapped to a code of a list, so the
    next import suggests the same code (``services.importing.remembered``).

    ``spelling`` is the text's spelling key (case, punctuation and word order
    dropped), unique in its list; ``text`` the spelling as last written.
    """

    __tablename__ = "import_spellings"
    __table_args__ = (sa.UniqueConstraint("list_name", "spelling"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(sa.String(40))
    spelling: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.String(200))
    code: Mapped[str] = mapped_column(sa.String(40))
    remembered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remembered_by: Mapped[str] = mapped_column(sa.String(100))


class PostKey(Base):
    """A post's public signing key, registered at headquarters (``services.post_keys``).

    A replaced key stays, with when and by whom it was replaced; each post has at most
    one current key (``replaced_at`` empty).
    """

    __tablename__ = "post_keys"
    __table_args__ = (
        sa.Index(
            "ix_post_keys_current",
            "post_code",
            unique=True,
            sqlite_where=sa.text("replaced_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_code: Mapped[str] = mapped_column(sa.String(16))
    public_key: Mapped[str] = mapped_column(sa.String(64))
    fingerprint: Mapped[str] = mapped_column(sa.String(40))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str] = mapped_column(sa.String(100))
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_by: Mapped[str | None] = mapped_column(sa.String(100))


class User(Base):
    """Someone who signs in to an encrypted database, and their role.

    The database key wrapped with the user's password lives in the key file beside the
    database (``store.cipher``); this row says what the user may do. A disabled user
    keeps the row (the change log names them) and loses the wrapped key.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(100), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_by: Mapped[str | None] = mapped_column(sa.String(100))
