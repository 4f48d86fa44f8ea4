"""Drafts the service tests save, and plain-SQL look-ups of what was stored.

The look-ups read the database directly (not through the services) so a test sees
what a user would find in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    SeizureDraft,
    SeizureItemDraft,
    TrainingDraft,
)
from inl_desktop.services.context import AppContext
from inl_desktop.services.person_key import set_person_key_secret
from inl_desktop.services.persons import save_person
from inl_desktop.services.setup import set_up_post
from inl_desktop.store.migrate import backup_database, open_database
from inl_desktop.store.summaries import rebuild_summaries

TABLES = (
    "seizure_events",
    "seizure_items",
    "seizure_joint_agencies",
    "seizure_transit_countries",
    "training_sessions",
    "enrollments",
    "attendance_counts",
    "persons",
    "change_log",
)


def heroin_and_tablets(**overrides: object) -> SeizureDraft:
    """A final case seizure at Torkham: 1.5 lb of heroin and 1,000 yaba tablets."""
    draft = SeizureDraft(
        basis="case",
        event_date=date(2026, 3, 14),
        date_precision="day",
        agency="ANF",
        province="PK-KP",
        district="KP-KBR",
        place="Torkham border crossing",
        transport_mode="ROAD_COMMERCIAL",
        producing_country="AF",
        destination_country="AE",
        arrests_nationals=2,
        arrests_foreigners=1,
        source_reference="ANF/KP/2026/0113",
        status="final",
        items=[
            SeizureItemDraft(drug="HEROIN", quantity=Decimal("1.5"), unit="LB"),
            SeizureItemDraft(drug="METH_TABLETS", quantity=Decimal("1000"), unit="TABLET"),
        ],
    )
    for name, value in overrides.items():
        setattr(draft, name, value)
    return draft


def ayesha(**overrides: object) -> PersonDraft:
    """A woman police officer of Islamabad with a CNIC."""
    draft = PersonDraft(
        full_name="Ayesha Khan",
        sex="F",
        agency="ICT_POLICE",
        rank="Sub-Inspector",
        province="PK-IS",
        national_id="61101-1234567-2",
        status="final",
    )
    for name, value in overrides.items():
        setattr(draft, name, value)
    return draft


def bilal(**overrides: object) -> PersonDraft:
    """A male prosecutor of Punjab with a CNIC."""
    draft = PersonDraft(
        full_name="Bilal Ahmed",
        sex="M",
        agency="PROSECUTION_PB",
        rank="Deputy Prosecutor",
        province="PK-PB",
        national_id="35202-7654321-3",
        status="final",
    )
    for name, value in overrides.items():
        setattr(draft, name, value)
    return draft


def save_two_persons(ctx: AppContext) -> tuple[str, str]:
    """Save Ayesha and Bilal; return their UUIDs."""
    return save_person(ctx, ayesha()).uuid, save_person(ctx, bilal()).uuid


def roster_training(person_uuids: list[str], **overrides: object) -> TrainingDraft:
    """A completed in-country prosecution course with the given participants."""
    audiences = ["PROSECUTOR", "JUDGE", "INVESTIGATOR"]
    draft = TrainingDraft(
        title="Effective prosecutions of narcotics cases",
        topic="EFFECTIVE_PROSECUTIONS",
        provider="INL Pakistan",
        venue_type="IN_COUNTRY",
        location="Islamabad",
        venue_country="PK",
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 6),
        contact_hours=Decimal("30"),
        funding_program="INCLE",
        cost_instruction=Decimal("89600.10"),
        training_status="completed",
        attendance_mode="roster",
        status="final",
        enrollments=[
            EnrollmentDraft(
                person_uuid=uuid, audience=audiences[i % len(audiences)], completion="completed"
            )
            for i, uuid in enumerate(person_uuids)
        ],
    )
    for name, value in overrides.items():
        setattr(draft, name, value)
    return draft


def counts_training(**overrides: object) -> TrainingDraft:
    """A completed course recorded as counts of women and men police officers."""
    draft = roster_training(
        [],
        title="Gender-responsive policing",
        topic="GENDER_WOMEN_POLICE",
        attendance_mode="counts",
        counts=[
            AttendanceCountDraft(audience="POLICE_OFFICER", sex="F", enrolled=12, completed=11),
            AttendanceCountDraft(audience="POLICE_OFFICER", sex="M", enrolled=30, completed=28),
        ],
    )
    for name, value in overrides.items():
        setattr(draft, name, value)
    return draft


@dataclass(frozen=True)
class LogEntry:
    """One change-log row as a user reads it in the history."""

    revision: int
    action: str
    field: str | None
    old: str | None
    new: str | None


def scalar(ctx: AppContext, sql: str, *params: object) -> object:
    """The single value of a query."""
    with ctx.engine.connect() as connection:
        return connection.exec_driver_sql(sql, params).scalar()


def rows(ctx: AppContext, sql: str, *params: object) -> list[tuple[object, ...]]:
    """All rows of a query."""
    with ctx.engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql, params)]


def count(ctx: AppContext, table: str) -> int:
    """Rows in a table, deleted records included."""
    return int(scalar(ctx, f"SELECT count(*) FROM {table}"))  # type: ignore[call-overload]


def all_counts(ctx: AppContext) -> dict[str, int]:
    """Rows in every record table (to show that nothing was written)."""
    return {table: count(ctx, table) for table in TABLES}


def log_entries(ctx: AppContext, record_uuid: str, revision: int | None = None) -> list[LogEntry]:
    """A record's change-log rows (of one revision if given), in the order written."""
    sql = (
        "SELECT revision, action, field, old_value, new_value FROM change_log WHERE record_uuid = ?"
    )
    params: tuple[object, ...] = (record_uuid,)
    if revision is not None:
        sql += " AND revision = ?"
        params += (revision,)
    return [LogEntry(*row) for row in rows(ctx, sql + " ORDER BY id", *params)]  # type: ignore[arg-type]


def changed_fields(ctx: AppContext, record_uuid: str, revision: int) -> set[tuple[object, ...]]:
    """(field, old, new) of every change logged for one revision."""
    return {(e.field, e.old, e.new) for e in log_entries(ctx, record_uuid, revision)}


SUMMARIES = {
    "seizure_totals": "items != 0",
    "trainee_totals": "trainings != 0",
    "trainee_people": "1",
    "trainee_alike": "persons != 0",
}


def _summaries(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    for table, kept in SUMMARIES.items():
        columns = [row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({table})")]
        found[table] = [
            tuple(row)
            for row in connection.exec_driver_sql(
                f"SELECT * FROM {table} WHERE {kept} ORDER BY {', '.join(columns)}"
            )
        ]
    return found


def assert_summaries_match_their_rows(ctx: AppContext) -> None:
    """The summary tables as kept equal the same tables summed afresh from the rows."""
    with ctx.engine.connect() as connection:
        kept = _summaries(connection)
        rebuild_summaries(connection)
        rebuilt = _summaries(connection)
        connection.rollback()
    for table in SUMMARIES:
        assert kept[table] == rebuilt[table], table


PERSON_KEY_SECRET = "pakistan-program-person-key-2026"


def open_post(
    folder: Path,
    template: Path,
    code: str,
    clock: Callable[[], datetime],
    *,
    person_key_secret: str | None = PERSON_KEY_SECRET,
) -> AppContext:
    """A post database of its own (a copy of the tests' template set up as ``code``);
    a post other than headquarters gets the program's person-key secret unless told not."""
    path = backup_database(template, folder / f"{code}.sqlite")
    ctx = AppContext(open_database(path, now=clock), user=f"clerk-{code}", now=clock)
    if code == "PK-HQ":
        set_up_post(ctx, code, "PK", "Headquarters")
        return ctx
    set_up_post(ctx, code, "PK")
    if person_key_secret is not None:
        set_person_key_secret(ctx, person_key_secret)
    return ctx
