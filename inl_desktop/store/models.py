"""The database schema as typed SQLAlchemy models.

Top-level records (seizure events, training sessions, persons) carry the record
columns: UUID, post, revision, created/updated time and author, status and soft
delete. Their parts (drug items, enrollments, attendance counts) carry their own
UUID and travel with their parent: the parent's revision, status and deletion
cover them, and the parent's change log records their changes.

Column names are the field names of ``domain.fields``.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from inl_desktop.store.types import Cents, DecimalText, UTCDateTime

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


def _code(length: int = 40) -> Mapped[str | None]:
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


class PostIdentity(Base):
    """The post this database belongs to (one row)."""

    __tablename__ = "post_identity"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AppSetting(Base):
    """Small named settings kept with the data (not per-user window state)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ReferenceItem(Base):
    """One entry of a reference list (agencies, drugs, units, provinces...).

    ``attributes`` holds list-specific values as JSON text (a drug's group and
    mass per unit, a unit's kind and kilograms per unit, an agency's kind).
    ``aliases`` holds other names of the code, separated by "|" ("KPK|NWFP"), which
    an import recognises in a post's files. Codes in use are retired, never deleted.
    """

    __tablename__ = "reference_items"
    __table_args__ = (UniqueConstraint("list_name", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(40))
    attributes: Mapped[str] = mapped_column(Text, default="{}")
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    aliases: Mapped[str] = mapped_column(Text, default="", server_default="")


class SeizureEvent(RecordColumns, Base):
    """A seizure (individual case) or an agency's aggregate report for a period.

    ``period_start``/``period_end`` are filled for both bases: for a case they
    span the day, month or year its date precision names, so period queries treat
    both alike.
    """

    __tablename__ = "seizure_events"
    __table_args__ = (
        CheckConstraint("basis IN ('case', 'aggregate')", name="basis"),
        CheckConstraint("status IN ('draft', 'final')", name="status"),
        CheckConstraint("period_end >= period_start", name="period_order"),
        Index("ix_seizure_events_period", "period_start", "period_end"),
        deleted_index("seizure_events"),
        # Sorting the seizure list by an event column walks one of these.
        Index("ix_seizure_events_district", "district"),
        Index("ix_seizure_events_place", "place"),
        Index("ix_seizure_events_source_reference", "source_reference"),
        Index("ix_seizure_events_transport_mode", "transport_mode"),
        Index("ix_seizure_events_updated_at", "updated_at"),
        # The duplicate check looks for aggregate reports covering a date; a report reads
        # every aggregate report of its period from this alone.
        Index(
            "ix_seizure_events_aggregates",
            *("period_start", "period_end", "agency", "post_code", "deleted_at"),
            "same_as_uuid",
            sqlite_where=text("basis = 'aggregate'"),
        ),
        # Linked duplicates are few; reports leave them out.
        Index(
            "ix_seizure_events_same_as",
            "same_as_uuid",
            sqlite_where=text("same_as_uuid IS NOT NULL"),
        ),
    )

    basis: Mapped[str] = mapped_column(String(10), default="case")
    event_date: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(5))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    agency: Mapped[str | None] = mapped_column(String(40), index=True)
    province: Mapped[str | None] = _code()
    district: Mapped[str | None] = _code()
    place: Mapped[str | None] = mapped_column(String(200))
    transport_mode: Mapped[str | None] = _code()
    concealment: Mapped[str | None] = _code()
    installation: Mapped[str | None] = _code()
    producing_country: Mapped[str | None] = _code(2)
    departure_country: Mapped[str | None] = _code(2)
    destination_country: Mapped[str | None] = _code(2)
    route_type: Mapped[str | None] = _code()
    arrests_nationals: Mapped[int | None] = mapped_column(Integer)
    arrests_foreigners: Mapped[int | None] = mapped_column(Integer)
    source_reference: Mapped[str | None] = mapped_column(String(200))
    remarks: Mapped[str | None] = mapped_column(Text)
    same_as_uuid: Mapped[str | None] = mapped_column(String(36))

    items: Mapped[list["SeizureItem"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="SeizureItem.position"
    )
    joint_agency_rows: Mapped[list["SeizureJointAgency"]] = relationship(
        cascade="all, delete-orphan", order_by="SeizureJointAgency.position"
    )
    transit_country_rows: Mapped[list["SeizureTransitCountry"]] = relationship(
        cascade="all, delete-orphan", order_by="SeizureTransitCountry.position"
    )

    @property
    def joint_agencies(self) -> tuple[str, ...]:
        """Codes of the agencies that reported the seizure jointly."""
        return tuple(row.agency for row in self.joint_agency_rows)

    @property
    def transit_countries(self) -> tuple[str, ...]:
        """Codes of the transit countries, in route order."""
        return tuple(row.country for row in self.transit_country_rows)


class SeizureItem(Base):
    """One drug of a seizure event: quantity and unit as reported, and kg-equivalent.

    ``kg_equivalent_mg`` is the derived kg-equivalent in whole milligrams (exact
    sums in SQL); NULL means no kg-equivalent is known and the item is flagged.
    """

    __tablename__ = "seizure_items"
    __table_args__ = (
        # The seizure list reads this table alone; each index serves a sort or a filter.
        Index("ix_seizure_items_list_date", "live", "event_start", "id"),
        Index("ix_seizure_items_list_quantity", "live", "quantity_value", "id"),
        Index("ix_seizure_items_list_kg", "live", "kg_equivalent_mg", "id"),
        Index("ix_seizure_items_list_agency", "live", "agency", "event_start"),
        Index("ix_seizure_items_list_drug", "live", "drug", "event_start"),
        Index("ix_seizure_items_list_province", "live", "province", "event_start"),
        Index("ix_seizure_items_list_unit", "live", "unit", "event_start"),
        # Reports and the dashboard sum kg-equivalents over a period by agency and drug,
        # by drug and month, and by province, from these alone (see services.accomplishments).
        Index(
            "ix_seizure_items_report_agency",
            *("live", "agency", "drug", "event_start", "basis", "kg_equivalent_mg"),
        ),
        Index(
            "ix_seizure_items_report_drug",
            *("live", "drug", "event_start", "basis", "kg_equivalent_mg"),
        ),
        Index(
            "ix_seizure_items_report_province",
            *("live", "province", "event_start", "basis", "kg_equivalent_mg"),
        ),
        # An event's items, and an aggregate report's sums by drug without reading rows.
        Index("ix_seizure_items_event_drug", "event_id", "drug", "kg_equivalent_mg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("seizure_events.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    drug: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    unit: Mapped[str] = mapped_column(String(40))
    kg_equivalent_mg: Mapped[int | None] = mapped_column(Integer)
    # A float copy of ``quantity`` to sort by; the exact value stays in ``quantity``.
    quantity_value: Mapped[float | None] = mapped_column(Float)
    # Copies of the event's columns that the seizure list filters and sorts on, kept in
    # step by the services (see services.seizures), so the list never joins at a million
    # rows. ``live`` is false while the event is soft-deleted.
    event_start: Mapped[date | None] = mapped_column(Date)
    agency: Mapped[str | None] = mapped_column(String(40))
    province: Mapped[str | None] = mapped_column(String(40))
    basis: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str | None] = mapped_column(String(8))
    live: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("1"))

    event: Mapped["SeizureEvent"] = relationship(back_populates="items")

    def copy_event_columns(self, event: SeizureEvent) -> None:
        """Bring the list copies of the event's columns up to date."""
        self.event_start = event.period_start
        self.agency = event.agency
        self.province = event.province
        self.basis = event.basis
        self.status = event.status
        self.live = event.deleted_at is None


class SeizureJointAgency(Base):
    """An agency that reported a seizure jointly with the seizing agency."""

    __tablename__ = "seizure_joint_agencies"
    __table_args__ = (UniqueConstraint("event_id", "agency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("seizure_events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    agency: Mapped[str] = mapped_column(String(40), index=True)


class SeizureTransitCountry(Base):
    """A country the drugs passed through, in route order."""

    __tablename__ = "seizure_transit_countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("seizure_events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    country: Mapped[str] = mapped_column(String(2))


class TrainingSession(RecordColumns, Base):
    """A course session, with a roster of enrollments or counts by audience and sex."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'final')", name="status"),
        CheckConstraint(
            "training_status IN ('planned', 'active', 'completed', 'cancelled')",
            name="training_status",
        ),
        CheckConstraint("attendance_mode IN ('roster', 'counts')", name="attendance_mode"),
        Index("ix_training_sessions_dates", "start_date", "end_date"),
        deleted_index("training_sessions"),
        Index("ix_training_sessions_topic", "topic"),
        Index("ix_training_sessions_venue_type", "venue_type"),
        Index("ix_training_sessions_training_status", "training_status"),
        Index("ix_training_sessions_provider", "provider"),
        Index("ix_training_sessions_title", "title"),
        # A report's sessions of a period, read from this alone.
        Index(
            "ix_training_sessions_report",
            *("start_date", "attendance_mode", "deleted_at", "venue_type", "post_code"),
        ),
    )

    title: Mapped[str | None] = mapped_column(String(200))
    topic: Mapped[str | None] = _code()
    provider: Mapped[str | None] = mapped_column(String(200))
    venue_type: Mapped[str | None] = _code()
    location: Mapped[str | None] = mapped_column(String(200))
    venue_country: Mapped[str | None] = _code(2)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    contact_hours: Mapped[Decimal | None] = mapped_column(DecimalText)
    funding_program: Mapped[str | None] = _code()
    project_code: Mapped[str | None] = mapped_column(String(50))
    cost_instruction: Mapped[Decimal | None] = mapped_column(Cents)
    cost_participant: Mapped[Decimal | None] = mapped_column(Cents)
    cost_travel: Mapped[Decimal | None] = mapped_column(Cents)
    training_status: Mapped[str] = mapped_column(String(10), default="planned")
    attendance_mode: Mapped[str] = mapped_column(String(10), default="roster")
    remarks: Mapped[str | None] = mapped_column(Text)

    enrollments: Mapped[list["Enrollment"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Enrollment.position"
    )
    counts: Mapped[list["AttendanceCount"]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="AttendanceCount.position",
    )


class Person(RecordColumns, Base):
    """A counterpart officer who is or was enrolled in trainings."""

    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint("sex IN ('F', 'M', 'U')", name="sex"),
        CheckConstraint("status IN ('draft', 'final')", name="status"),
        Index("ix_persons_name_agency", "name_key", "agency"),
        deleted_index("persons"),
        Index("ix_persons_full_name", "full_name"),
        Index("ix_persons_agency", "agency"),
        Index("ix_persons_sex_name", "sex", "full_name"),
        Index("ix_persons_province_name", "province", "full_name"),
        Index("ix_persons_rank", "rank"),
        Index("ix_persons_unit", "unit"),
        # Reports look up the sex and agency of every person who completed training.
        Index("ix_persons_report", "id", "deleted_at", "sex", "agency"),
    )

    full_name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(1))
    agency: Mapped[str | None] = _code()
    unit: Mapped[str | None] = mapped_column(String(200))
    rank: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = _code()
    national_id: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    # Normalised forms used to find the same person entered twice.
    national_id_key: Mapped[str | None] = mapped_column(String(40), index=True)
    name_key: Mapped[str] = mapped_column(String(200))
    # The pseudonymous key of the exchange workbooks' hq profile (an HMAC of the
    # normalised national ID): how headquarters counts one person across posts.
    person_key: Mapped[str | None] = mapped_column(String(64), index=True)

    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="person")


def _report_index(name: str, *leading: str) -> Index:
    """A covering index of completed enrollments: live, roster, then ``leading``."""
    tail = ("person_sex", "person_id", "session_start", "session_post", "person_agency")
    return Index(
        f"ix_enrollments_report_{name}",
        *("session_live", "person_live", "session_mode", *leading, *tail),
        sqlite_where=text("completion = 'completed'"),
    )


class Enrollment(Base):
    """A person's place in a training session, with results and Leahy vetting."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id"),
        Index("ix_enrollments_audience", "audience"),
        Index("ix_enrollments_person_session", "person_id", "session_id"),
        Index("ix_enrollments_report", "session_id", "completion", "audience", "person_id"),
        # Completed trainees of the dashboard, counted from this alone by audience.
        _report_index("audience", "audience"),
        # Those of a report's period: its sessions read as one range of start dates.
        Index(
            "ix_enrollments_report_start",
            *("session_live", "person_live", "session_mode", "session_start", "audience"),
            *("person_sex", "person_id", "session_venue", "session_post", "person_agency"),
            sqlite_where=text("completion = 'completed'"),
        ),
        # One person's completed training, and whether a session has a trainee.
        Index(
            "ix_enrollments_report_person",
            *("person_id", "session_live", "person_live", "session_mode", "session_start"),
            *("audience", "person_sex", "session_venue", "session_post"),
            sqlite_where=text("completion = 'completed'"),
        ),
        Index(
            "ix_enrollments_report_session",
            *("session_id", "person_live", "person_agency"),
            sqlite_where=text("completion = 'completed'"),
        ),
        CheckConstraint(
            "completion IS NULL OR completion IN "
            "('completed', 'partial', 'did_not_finish', 'no_show')",
            name="completion",
        ),
        CheckConstraint(
            "vetting_status IS NULL OR vetting_status IN "
            "('not_required', 'pending', 'approved', 'denied', 'suspended')",
            name="vetting_status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[str | None] = _code()
    completion: Mapped[str | None] = mapped_column(String(16))
    pre_score: Mapped[Decimal | None] = mapped_column(DecimalText)
    post_score: Mapped[Decimal | None] = mapped_column(DecimalText)
    certificate_number: Mapped[str | None] = mapped_column(String(50))
    vetting_status: Mapped[str | None] = mapped_column(String(16))
    invest_case_number: Mapped[str | None] = mapped_column(String(50))
    vetting_submitted: Mapped[date | None] = mapped_column(Date)
    vetting_cleared: Mapped[date | None] = mapped_column(Date)
    # Copies of the session's and the person's columns that reports filter and group by.
    # Triggers (migration 0008) fill them on insert and follow every change of the
    # session, the person or the enrollment's own session and person; the app never
    # writes them. ``session_live``/``person_live`` are false while soft-deleted.
    session_start: Mapped[date | None] = mapped_column(Date)
    session_post: Mapped[str | None] = mapped_column(String(16))
    session_live: Mapped[bool] = mapped_column(Boolean, server_default=text("1"))
    session_mode: Mapped[str | None] = mapped_column(String(10))
    session_venue: Mapped[str | None] = mapped_column(String(40))
    person_sex: Mapped[str | None] = mapped_column(String(1))
    person_live: Mapped[bool] = mapped_column(Boolean, server_default=text("1"))
    person_agency: Mapped[str | None] = mapped_column(String(40))

    session: Mapped["TrainingSession"] = relationship(back_populates="enrollments")
    person: Mapped["Person"] = relationship(back_populates="enrollments")


class AttendanceCount(Base):
    """Enrolled and completed counts of one audience category and sex in a session."""

    __tablename__ = "attendance_counts"
    __table_args__ = (
        UniqueConstraint("session_id", "audience", "sex"),
        CheckConstraint("sex IN ('F', 'M', 'U')", name="sex"),
        CheckConstraint("enrolled >= 0 AND completed >= 0", name="non_negative"),
        CheckConstraint("completed <= enrolled", name="completed_le_enrolled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    enrolled: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)

    session: Mapped["TrainingSession"] = relationship(back_populates="counts")


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


class SeizureTotal(Base):
    """Kg-equivalent of the seizure items of one year or one month and one combination
    of the columns reports group and filter by; kept by triggers (``store.summaries``),
    so a report over years reads these sums instead of every item. Empty text stands
    for a missing value, so every key is comparable."""

    __tablename__ = "seizure_totals"
    # Stored in key order: an agency's years, or months, are one range of rows; the
    # index keeps each year's or month's rows of all agencies together.
    __table_args__ = (
        Index(
            "ix_seizure_totals_period",
            *("live", "basis", "span", "period", "drug", "province", "mg"),
        ),
        {"sqlite_with_rowid": False},
    )

    live: Mapped[int] = mapped_column(Integer, primary_key=True)
    basis: Mapped[str] = mapped_column(String(10), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    span: Mapped[str] = mapped_column(String(5), primary_key=True)  # "year" or "month"
    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2019", "2019-03", ""
    drug: Mapped[str] = mapped_column(String(40), primary_key=True)
    province: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(8), primary_key=True)
    post: Mapped[str] = mapped_column(String(16), primary_key=True)
    mg: Mapped[int] = mapped_column(Integer)  # kg-equivalent in whole milligrams
    items: Mapped[int] = mapped_column(Integer)
    with_kg: Mapped[int] = mapped_column(Integer)  # items having a kg-equivalent


class TraineeTotal(Base):
    """Completed roster enrollments (live session and person) of one month by post,
    audience, sex and venue; kept by triggers (``store.summaries``)."""

    __tablename__ = "trainee_totals"
    __table_args__ = ({"sqlite_with_rowid": False},)

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    post: Mapped[str] = mapped_column(String(16), primary_key=True)
    audience: Mapped[str] = mapped_column(String(40), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    venue: Mapped[str] = mapped_column(String(40), primary_key=True)
    trainings: Mapped[int] = mapped_column(Integer)


class TraineePerson(Base):
    """A person with completed roster training: the first and last session start of it,
    every audience category it was in and whether any of it was abroad, so unique
    trainees of a period holding all of a person's training are counted without
    reading enrollments; kept by triggers (``store.summaries``)."""

    __tablename__ = "trainee_people"
    # The people whose training begins before a period or ends after it.
    __table_args__ = (
        Index("ix_trainee_people_first", "first_start", "last_start"),
        Index("ix_trainee_people_last", "last_start", "first_start"),
        Index(
            "ix_trainee_people_several_posts",
            "first_start",
            "last_start",
            sqlite_where=text("post IS NULL"),
        ),
    )

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sex: Mapped[str] = mapped_column(String(1))
    post: Mapped[str | None] = mapped_column(String(16))  # None: trained at several posts
    first_start: Mapped[str] = mapped_column(String(10))
    last_start: Mapped[str] = mapped_column(String(10))
    audiences: Mapped[str] = mapped_column(Text)  # distinct codes, sorted, comma-separated
    abroad: Mapped[int] = mapped_column(Integer)  # 1 if any of it was abroad


class TraineeAlike(Base):
    """How many persons of ``trainee_people`` share a sex, a set of audience categories,
    training abroad or not, and a post ("" for several); kept by triggers
    (``store.summaries``), so a report over the whole history counts unique trainees
    from these few rows."""

    __tablename__ = "trainee_alike"
    __table_args__ = ({"sqlite_with_rowid": False},)

    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    audiences: Mapped[str] = mapped_column(Text, primary_key=True)
    abroad: Mapped[int] = mapped_column(Integer, primary_key=True)
    post: Mapped[str] = mapped_column(String(16), primary_key=True)
    persons: Mapped[int] = mapped_column(Integer)


class ImportSpelling(Base):
    """A spelling of a post's files that an import mapped to a code of a list, so the
    next import suggests the same code (``services.importing.remembered``).

    ``spelling`` is the text's spelling key (case, punctuation and word order
    dropped), unique in its list; ``text`` the spelling as last written.
    """

    __tablename__ = "import_spellings"
    __table_args__ = (UniqueConstraint("list_name", "spelling"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(40))
    spelling: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(40))
    remembered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remembered_by: Mapped[str] = mapped_column(String(100))


class PostKey(Base):
    """A post's public signing key, registered at headquarters (``services.post_keys``).

    A replaced key stays, with when and by whom it was replaced; each post has at most
    one current key (``replaced_at`` empty).
    """

    __tablename__ = "post_keys"
    __table_args__ = (
        Index(
            "ix_post_keys_current",
            "post_code",
            unique=True,
            sqlite_where=text("replaced_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_code: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(40))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str] = mapped_column(String(100))
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_by: Mapped[str | None] = mapped_column(String(100))
