"""Alembic environment: runs on the connection (and transaction) the app hands over.

The app calls Alembic with ``config.attributes["connection"]`` set, inside one
transaction, so a migration either applies completely or not at all.
"""

from typing import Any

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator

from inl_desktop.store.migrate import include_name
from inl_desktop.store.models import Base

config = context.config
target_metadata = Base.metadata


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write the app's own column types as the plain types they store."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    from inl_desktop.store.engine import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url").removeprefix("sqlite:///"))
    with engine.begin() as new_connection:
        run_migrations(new_connection)
    engine.dispose()
else:
    run_migrations(connection)
