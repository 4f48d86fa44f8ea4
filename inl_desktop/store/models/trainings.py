"""Training sessions, the persons trained, their enrollments and attendance counts."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inl_desktop.store.models.base import Base, RecordColumns, code_column, deleted_index
from inl_desktop.store.types import Cents, DecimalText


class TrainingSession(RecordColumns, Base):
    """A course session, with a roster of enrollments or counts by audience and sex."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'final')", name="status"),
        sa.CheckConstraint(
            "training_status IN ('planned', 'active', 'completed', 'cancelled')",
            name="training_status",
        ),
        sa.CheckConstraint("attendance_mode IN ('roster', 'counts')", name="attendance_mode"),
        sa.Index("ix_training_sessions_dates", "start_date", "end_date"),
        deleted_index("training_sessions"),
        sa.Index("ix_training_sessions_topic", "topic"),
        sa.Index("ix_training_sessions_venue_type", "venue_type"),
        sa.Index("ix_training_sessions_training_status", "training_status"),
        sa.Index("ix_training_sessions_provider", "provider"),
        sa.Index("ix_training_sessions_title", "title"),
        # A report's sessions of a period, read from this alone.
        sa.Index(
            "ix_training_sessions_report",
            *("start_date", "attendance_mode", "deleted_at", "venue_type", "post_code"),
        ),
    )

    title: Mapped[str | None] = mapped_column(sa.String(200))
    topic: Mapped[str | None] = code_column()
    provider: Mapped[str | None] = mapped_column(sa.String(200))
    venue_type: Mapped[str | None] = code_column()
    location: Mapped[str | None] = mapped_column(sa.String(200))
    venue_country: Mapped[str | None] = code_column(2)
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    contact_hours: Mapped[Decimal | None] = mapped_column(DecimalText)
    funding_program: Mapped[str | None] = code_column()
    project_code: Mapped[str | None] = mapped_column(sa.String(50))
    cost_instruction: Mapped[Decimal | None] = mapped_column(Cents)
    cost_participant: Mapped[Decimal | None] = mapped_column(Cents)
    cost_travel: Mapped[Decimal | None] = mapped_column(Cents)
    training_status: Mapped[str] = mapped_column(sa.String(10), default="planned")
    attendance_mode: Mapped[str] = mapped_column(sa.String(10), default="roster")
    remarks: Mapped[str | None] = mapped_column(sa.Text)

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
        sa.CheckConstraint("sex IN ('F', 'M', 'U')", name="sex"),
        sa.CheckConstraint("status IN ('draft', 'final')", name="status"),
        sa.Index("ix_persons_name_agency", "name_key", "agency"),
        deleted_index("persons"),
        sa.Index("ix_persons_full_name", "full_name"),
        sa.Index("ix_persons_agency", "agency"),
        sa.Index("ix_persons_sex_name", "sex", "full_name"),
        sa.Index("ix_persons_province_name", "province", "full_name"),
        sa.Index("ix_persons_rank", "rank"),
        sa.Index("ix_persons_unit", "unit"),
        # Reports look up the sex and agency of every person who completed training.
        sa.Index("ix_persons_report", "id", "deleted_at", "sex", "agency"),
    )

    full_name: Mapped[str] = mapped_column(sa.String(200))
    sex: Mapped[str] = mapped_column(sa.String(1))
    agency: Mapped[str | None] = code_column()
    unit: Mapped[str | None] = mapped_column(sa.String(200))
    rank: Mapped[str | None] = mapped_column(sa.String(100))
    province: Mapped[str | None] = code_column()
    national_id: Mapped[str | None] = mapped_column(sa.String(40))
    phone: Mapped[str | None] = mapped_column(sa.String(50))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    # Normalised forms used to find the same person entered twice.
    national_id_key: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    name_key: Mapped[str] = mapped_column(sa.String(200))
    # The pseudonymous key of the exchange workbooks' hq profile (an HMAC of the
    # normalised national ID): how headquarters counts one person across posts.
    person_key: Mapped[str | None] = mapped_column(sa.String(64), index=True)

    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="person")


def _report_index(name: str, *leading: str) -> sa.Index:
    """A covering index of completed enrollments: live, roster, then ``leading``."""
    tail = ("person_sex", "person_id", "session_start", "session_post", "person_agency")
    return sa.Index(
        f"ix_enrollments_report_{name}",
        *("session_live", "person_live", "session_mode", *leading, *tail),
        sqlite_where=sa.text("completion = 'completed'"),
    )


class Enrollment(Base):
    """A person's place in a training session, with results and Leahy vetting."""

    __tablename__ = "enrollments"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "person_id"),
        sa.Index("ix_enrollments_audience", "audience"),
        sa.Index("ix_enrollments_person_session", "person_id", "session_id"),
        sa.Index("ix_enrollments_report", "session_id", "completion", "audience", "person_id"),
        # Completed trainees of the dashboard, counted from this alone by audience.
        _report_index("audience", "audience"),
        # Those of a report's period: its sessions read as one range of start dates.
        sa.Index(
            "ix_enrollments_report_start",
            *("session_live", "person_live", "session_mode", "session_start", "audience"),
            *("person_sex", "person_id", "session_venue", "session_post", "person_agency"),
            sqlite_where=sa.text("completion = 'completed'"),
        ),
        # One person's completed training, and whether a session has a trainee.
        sa.Index(
            "ix_enrollments_report_person",
            *("person_id", "session_live", "person_live", "session_mode", "session_start"),
            *("audience", "person_sex", "session_venue", "session_post"),
            sqlite_where=sa.text("completion = 'completed'"),
        ),
        sa.Index(
            "ix_enrollments_report_session",
            *("session_id", "person_live", "person_agency"),
            sqlite_where=sa.text("completion = 'completed'"),
        ),
        sa.CheckConstraint(
            "completion IS NULL OR completion IN "
            "('completed', 'partial', 'did_not_finish', 'no_show')",
            name="completion",
        ),
        sa.CheckConstraint(
            "vetting_status IS NULL OR vetting_status IN "
            "('not_required', 'pending', 'approved', 'denied', 'suspended')",
            name="vetting_status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    audience: Mapped[str | None] = code_column()
    completion: Mapped[str | None] = mapped_column(sa.String(16))
    pre_score: Mapped[Decimal | None] = mapped_column(DecimalText)
    post_score: Mapped[Decimal | None] = mapped_column(DecimalText)
    certificate_number: Mapped[str | None] = mapped_column(sa.String(50))
    vetting_status: Mapped[str | None] = mapped_column(sa.String(16))
    invest_case_number: Mapped[str | None] = mapped_column(sa.String(50))
    vetting_submitted: Mapped[date | None] = mapped_column(sa.Date)
    vetting_cleared: Mapped[date | None] = mapped_column(sa.Date)
    # Copies of the session's and the person's columns that reports filter and group by.
    # Triggers (migration 0008) fill them on insert and follow every change of the
    # session, the person or the enrollment's own session and person; the app never
    # writes them. ``session_live``/``person_live`` are false while soft-deleted.
    session_start: Mapped[date | None] = mapped_column(sa.Date)
    session_post: Mapped[str | None] = mapped_column(sa.String(16))
    session_live: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.text("1"))
    session_mode: Mapped[str | None] = mapped_column(sa.String(10))
    session_venue: Mapped[str | None] = mapped_column(sa.String(40))
    person_sex: Mapped[str | None] = mapped_column(sa.String(1))
    person_live: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.text("1"))
    person_agency: Mapped[str | None] = mapped_column(sa.String(40))

    session: Mapped["TrainingSession"] = relationship(back_populates="enrollments")
    person: Mapped["Person"] = relationship(back_populates="enrollments")


class AttendanceCount(Base):
    """Enrolled and completed counts of one audience category and sex in a session."""

    __tablename__ = "attendance_counts"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "audience", "sex"),
        sa.CheckConstraint("sex IN ('F', 'M', 'U')", name="sex"),
        sa.CheckConstraint("enrolled >= 0 AND completed >= 0", name="non_negative"),
        sa.CheckConstraint("completed <= enrolled", name="completed_le_enrolled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    audience: Mapped[str] = mapped_column(sa.String(40))
    sex: Mapped[str] = mapped_column(sa.String(1))
    enrolled: Mapped[int] = mapped_column(sa.Integer)
    completed: Mapped[int] = mapped_column(sa.Integer)

    session: Mapped["TrainingSession"] = relationship(back_populates="counts")
