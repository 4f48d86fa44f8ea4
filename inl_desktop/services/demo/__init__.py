"""Realistic, deterministic demonstration data for a post (bulk inserted).

The same seed always gives the same records, UUIDs included. Demo records are
final, authored by "demo", and carry no change-log entries. The names and weights
drawn from are in resources/demo/lists.json.
"""

from __future__ import annotations

from dataclasses import dataclass

from inl_desktop.domain.roles import Permission
from inl_desktop.services.context import AppContext
from inl_desktop.services.demo.seizures import add_seizures
from inl_desktop.services.demo.shared import DemoRandom, DemoRun, Progress, demo_lists
from inl_desktop.services.demo.trainings import add_trainings
from inl_desktop.store.bulk import deferred_indexes
from inl_desktop.store.models import (
    AttendanceCount,
    Enrollment,
    Person,
    SeizureEvent,
    SeizureItem,
    SeizureJointAgency,
    TrainingSession,
)

__all__ = ["DEMO_TABLES", "DemoResult", "Progress", "generate_demo"]

# A larger page cache while bulk inserting keeps the random-UUID indexes in memory.
BULK_CACHE_KIB = 65_536
DEMO_TABLES = (
    SeizureEvent,
    SeizureItem,
    SeizureJointAgency,
    Person,
    TrainingSession,
    Enrollment,
    AttendanceCount,
)


@dataclass(frozen=True)
class DemoResult:
    """What the demo added."""

    seizure_events: int
    seizure_items: int
    trainings: int
    persons: int
    enrollments: int


def generate_demo(
    ctx: AppContext,
    *,
    seizure_items: int,
    trainings: int,
    seed: int = 1,
    progress: Progress | None = None,
) -> DemoResult:
    """Add ``seizure_items`` drug items (in events of 1-4 items) and ``trainings`` sessions."""
    ctx.require(Permission.POST_SETUP)
    rng = DemoRandom(seed)
    catalog = ctx.catalog()
    post = ctx.post()
    today = ctx.today()
    report = progress or (lambda done, total, what: None)
    lists = demo_lists()
    # One transaction: a demo that fails or is cancelled leaves nothing behind. Indexes
    # are built once at the end rather than row by row.
    with ctx.engine.begin() as connection, deferred_indexes(connection, DEMO_TABLES):
        connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        run = DemoRun(ctx, connection, rng, catalog, post.code, lists, today, report)
        events, items = add_seizures(run, seizure_items)
        sessions, persons, enrollments = add_trainings(run, trainings)
    return DemoResult(events, items, sessions, persons, enrollments)
