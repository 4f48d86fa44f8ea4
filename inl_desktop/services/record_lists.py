"""The lists the record screens read: pages of seizures, sessions and persons, the
totals and counts of a filtered list, a person's trainings, the providers named.

Each read returns plain data (dicts of values, frozen dataclasses, numbers), so the
screens hold no query. A page is read on the connection ``services.pages.read_page``
opens for it; every other read opens and closes a connection of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from inl_desktop.services.context import AppContext
from inl_desktop.store import people_list, seizure_list, training_list
from inl_desktop.store.people_list import PeopleFilter, TrainingAttended
from inl_desktop.store.seizure_list import ListTotals as SeizureTotals
from inl_desktop.store.seizure_list import SeizureFilter
from inl_desktop.store.training_list import ListTotals as SessionTotals
from inl_desktop.store.training_list import TrainingFilter

__all__ = [
    "PEOPLE_COLUMNS",
    "PEOPLE_COLUMN_KEYS",
    "PEOPLE_PAGE_SIZE",
    "SEIZURE_COLUMNS",
    "SEIZURE_PAGE_SIZE",
    "SESSION_COLUMNS",
    "SESSION_COLUMN_KEYS",
    "SESSION_PAGE_SIZE",
    "SESSION_SORTABLE_KEYS",
    "PeopleFilter",
    "SeizureFilter",
    "SeizureTotals",
    "SessionTotals",
    "TrainingAttended",
    "TrainingFilter",
    "parse_timestamp",
]

Rows = list[dict[str, Any]]

SEIZURE_COLUMNS = seizure_list.COLUMNS
SEIZURE_PAGE_SIZE = seizure_list.PAGE_SIZE
SESSION_COLUMNS = training_list.COLUMNS
SESSION_PAGE_SIZE = training_list.PAGE_SIZE
SESSION_COLUMN_KEYS = training_list.COLUMN_KEYS
SESSION_SORTABLE_KEYS = training_list.SORTABLE_KEYS
PEOPLE_COLUMNS = people_list.COLUMNS
PEOPLE_COLUMN_KEYS = people_list.COLUMN_KEYS
PEOPLE_PAGE_SIZE = people_list.PAGE_SIZE


def parse_timestamp(value: str | datetime | None) -> datetime | None:
    """A timestamp as a list row carries it (text from SQLite), as a datetime."""
    return seizure_list.parse_timestamp(value)


# -- seizures -------------------------------------------------------------------------


def seizure_rows(
    connection: Connection,
    filter_: SeizureFilter,
    sort_key: str,
    descending: bool,
    offset: int,
) -> Rows:
    """One page of seizure items (one row per drug item) for ``filter_``."""
    return seizure_list.fetch_page(
        connection, filter_, sort_key=sort_key, descending=descending, offset=offset
    )


def seizure_totals(ctx: AppContext, filter_: SeizureFilter) -> SeizureTotals:
    """Items, kg-equivalent and items without one, of everything ``filter_`` selects."""
    with ctx.engine.connect() as connection:
        return seizure_list.fetch_totals(connection, filter_)


# -- training sessions ------------------------------------------------------------------


def session_rows(
    connection: Connection,
    filter_: TrainingFilter,
    sort_key: str,
    descending: bool,
    offset: int,
) -> Rows:
    """One page of sessions, with their participant figures, for ``filter_``."""
    return training_list.fetch_page(
        connection, filter_, sort_key=sort_key, descending=descending, offset=offset
    )


def session_totals(ctx: AppContext, filter_: TrainingFilter) -> SessionTotals:
    """Sessions, enrolled, completed and completed women of what ``filter_`` selects."""
    with ctx.engine.connect() as connection:
        return training_list.fetch_list_totals(connection, filter_)


def providers(ctx: AppContext) -> list[str]:
    """The providers sessions name, each once, in order (for the provider filter)."""
    with ctx.engine.connect() as connection:
        return training_list.fetch_providers(connection)


# -- people -----------------------------------------------------------------------------


def people_rows(
    connection: Connection,
    filter_: PeopleFilter,
    sort_key: str,
    descending: bool,
    offset: int,
) -> Rows:
    """One page of persons, with the number of their trainings, for ``filter_``."""
    return people_list.fetch_people_page(
        connection, filter_, sort_key=sort_key, descending=descending, offset=offset
    )


def people_count(ctx: AppContext, filter_: PeopleFilter) -> int:
    """How many persons ``filter_`` selects."""
    with ctx.engine.connect() as connection:
        return people_list.count_people(connection, filter_)


def people_found(ctx: AppContext, text: str) -> Rows:
    """Live persons whose name, national ID, unit, phone or email has every word."""
    with ctx.engine.connect() as connection:
        return people_list.search_people(connection, text)


def person_trainings(ctx: AppContext, person_uuid: str) -> list[TrainingAttended]:
    """The sessions (not deleted) a person is enrolled in, the latest first."""
    with ctx.engine.connect() as connection:
        return people_list.fetch_person_trainings(connection, person_uuid)


def person_training_count(ctx: AppContext, person_uuid: str) -> int:
    """How many sessions (not deleted) a person is enrolled in."""
    with ctx.engine.connect() as connection:
        return people_list.count_person_trainings(connection, person_uuid)
