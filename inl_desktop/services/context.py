"""What every service needs, passed in: sessions, the user, the clock, the catalog.

The ORM (SQLAlchemy's and the app's models) is imported when a session is first
made, so that a command that reads with plain SQL (``inl-desktop info``) starts
without it.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.roles import Permission, Role, allows, require
from inl_desktop.store.engine import make_session_factory

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from inl_desktop.domain.catalog import Catalog


class PostNotSet(UserError):
    """The database has no post identity yet (run set-up first)."""


@dataclass(frozen=True)
class Post:
    """The post a database belongs to, as read at start (one row of ``post_identity``)."""

    code: str
    name: str
    country: str
    created_at: datetime


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def current_user() -> str:
    """The operating-system user name, the author of changes."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class AppContext:
    """An open database and who is working on it.

    The catalog of reference lists is read once and kept until a list changes.
    """

    engine: Engine
    user: str = field(default_factory=current_user)
    now: Callable[[], datetime] = utc_now
    # A database without users (not encrypted) is worked on as its admin, as before
    # users existed; on an encrypted one, the role of the user who signed in.
    role: Role = Role.ADMIN
    _sessions: sessionmaker[Session] | None = field(default=None, init=False, repr=False)
    _catalog: Catalog | None = field(default=None, init=False, repr=False)
    _post: Post | None = field(default=None, init=False, repr=False)

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory of the engine (one session per user action)."""
        if self._sessions is None:
            self._sessions = make_session_factory(self.engine)
        return self._sessions

    def require(self, permission: Permission) -> None:
        """NotAllowed unless the signed-in user's role may do ``permission``."""
        require(self.role, permission, self.user)

    def may(self, permission: Permission) -> bool:
        """True when the signed-in user's role may do ``permission``."""
        return allows(self.role, permission)

    def today(self) -> date:
        """Today's date where the user is (event dates carry no time zone)."""
        return self.now().astimezone().date()

    def post(self) -> Post:
        """The post this database belongs to; PostNotSet before set-up.

        Read with plain SQL, so that the first window needs no ORM mapping.
        """
        if self._post is None:
            from sqlalchemy import select

            from inl_desktop.store.models import PostIdentity

            table = PostIdentity.__table__
            query = select(table.c.code, table.c.name, table.c.country, table.c.created_at)
            with self.engine.connect() as connection:
                row = connection.execute(query).first()
            if row is None:
                raise PostNotSet(
                    "This database has no post yet; run 'inl-desktop setup --post CODE "
                    "--country CC' or start the app to set it up"
                )
            self._post = Post(*row)
        return self._post

    def post_or_none(self) -> Post | None:
        """The post, or None before set-up."""
        try:
            return self.post()
        except PostNotSet:
            return None

    def catalog(self) -> Catalog:
        """The reference lists (cached)."""
        if self._catalog is None:
            from inl_desktop.store.reference import load_catalog

            post = self.post_or_none()
            with self.sessions() as session:
                self._catalog = load_catalog(session, post.country if post else None)
        return self._catalog

    def use_engine(self, engine: Engine) -> None:
        """Work on another engine from now on (after a restore replaced the database)."""
        self.engine = engine
        self._sessions = None
        self.forget_cached()

    def forget_cached(self) -> None:
        """Drop cached post and catalog after they change."""
        self._catalog = None
        self._post = None
