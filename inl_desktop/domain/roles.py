"""Who may do what: the four roles of a post's users and what each may do.

The roles are ordered: each may do what the one before it may, and more.

- viewer: reads everything and writes the hq export;
- clerk: enters and edits drafts, imports, exports (hq and full), backs up;
- reviewer: marks records final and edits final records, decides consolidation conflicts;
- admin: users, post set-up, reference lists, restore, consolidation and post keys.

The services check the role of the signed-in user before they act (``AppContext.require``);
the window greys what the role may not do, but the check is the service's.
"""

from __future__ import annotations

import enum

from inl_desktop.domain.errors import UserError


class Role(enum.StrEnum):
    """A user's role, weakest first."""

    VIEWER = "viewer"
    CLERK = "clerk"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Its place in the order (viewer 0 ... admin 3)."""
        return list(Role).index(self)


class Permission(enum.Enum):
    """Something a service does that not every role may do: (weakest role, in words)."""

    EXPORT_HQ = (Role.VIEWER, "write an hq export")
    EDIT_DRAFTS = (Role.CLERK, "enter or change records")
    IMPORT = (Role.CLERK, "import records")
    EXPORT_FULL = (Role.CLERK, "write a full export (it carries personal data)")
    BACK_UP = (Role.CLERK, "make a backup")
    MARK_FINAL = (Role.REVIEWER, "mark records final or change final records")
    DECIDE_CONFLICTS = (Role.REVIEWER, "decide consolidation conflicts")
    CONSOLIDATE = (Role.ADMIN, "consolidate workbooks")
    POST_KEYS = (Role.ADMIN, "register or replace post keys")
    REFERENCE_LISTS = (Role.ADMIN, "change reference lists")
    POST_SETUP = (Role.ADMIN, "change the post's set-up")
    RESTORE = (Role.ADMIN, "restore a backup")
    USERS = (Role.ADMIN, "add, disable or reset users")

    @property
    def least(self) -> Role:
        """The weakest role that may do it."""
        return self.value[0]

    @property
    def words(self) -> str:
        """What it is, to finish "may not ..."."""
        return self.value[1]


class NotAllowed(UserError):
    """The signed-in user's role may not do what was asked."""


def allows(role: Role, permission: Permission) -> bool:
    """True when ``role`` may do ``permission``."""
    return role.rank >= permission.least.rank


def require(role: Role, permission: Permission, user: str) -> None:
    """NotAllowed, naming the user, the role and what is needed, unless ``role`` may."""
    if not allows(role, permission):
        who = (
            "only an admin can"
            if permission.least is Role.ADMIN
            else f"a {permission.least.value} or a higher role can"
        )
        raise NotAllowed(f"{user} is a {role.value} and may not {permission.words}; {who}")
