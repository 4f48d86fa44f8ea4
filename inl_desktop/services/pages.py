"""One page of a list's rows, read on a connection of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from inl_desktop.services.context import AppContext

Rows = list[dict[str, Any]]


def read_page(ctx: AppContext, fetch: Callable[[Connection, int], Rows], offset: int) -> Rows:
    """The rows ``fetch`` reads from ``offset``; the connection is closed before they return."""
    with ctx.engine.connect() as connection:
        return fetch(connection, offset)
