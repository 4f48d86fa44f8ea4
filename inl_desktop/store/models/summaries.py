"""Sums kept by triggers (``store.summaries``) so reports read few rows."""

from sqlalchemy import Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from inl_desktop.store.models.base import Base


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
