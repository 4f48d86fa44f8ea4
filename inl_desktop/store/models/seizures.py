"""Seizure events with their drug items, joint agencies and transit countries."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inl_desktop.store.models.base import Base, RecordColumns, code_column, deleted_index
from inl_desktop.store.types import DecimalText


class SeizureEvent(RecordColumns, Base):
    """A seizure (individual case) or an agency's aggregate report for a period.

    ``period_start``/``period_end`` are filled for both bases: for a case they
    span the day, month or year its date precision names, so period queries treat
    both alike.
    """

    __tablename__ = "seizure_events"
    __table_args__ = (
        sa.CheckConstraint("basis IN ('case', 'aggregate')", name="basis"),
        sa.CheckConstraint("status IN ('draft', 'final')", name="status"),
        sa.CheckConstraint("period_end >= period_start", name="period_order"),
        sa.Index("ix_seizure_events_period", "period_start", "period_end"),
        deleted_index("seizure_events"),
        # Sorting the seizure list by an event column walks one of these.
        sa.Index("ix_seizure_events_district", "district"),
        sa.Index("ix_seizure_events_place", "place"),
        sa.Index("ix_seizure_events_source_reference", "source_reference"),
        sa.Index("ix_seizure_events_transport_mode", "transport_mode"),
        sa.Index("ix_seizure_events_updated_at", "updated_at"),
        # The duplicate check looks for aggregate reports covering a date; a report reads
        # every aggregate report of its period from this alone.
        sa.Index(
            "ix_seizure_events_aggregates",
            *("period_start", "period_end", "agency", "post_code", "deleted_at"),
            "same_as_uuid",
            sqlite_where=sa.text("basis = 'aggregate'"),
        ),
        # Linked duplicates are few; reports leave them out.
        sa.Index(
            "ix_seizure_events_same_as",
            "same_as_uuid",
            sqlite_where=sa.text("same_as_uuid IS NOT NULL"),
        ),
    )

    basis: Mapped[str] = mapped_column(sa.String(10), default="case")
    event_date: Mapped[date | None] = mapped_column(sa.Date)
    date_precision: Mapped[str | None] = mapped_column(sa.String(5))
    period_start: Mapped[date | None] = mapped_column(sa.Date)
    period_end: Mapped[date | None] = mapped_column(sa.Date)
    agency: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    province: Mapped[str | None] = code_column()
    district: Mapped[str | None] = code_column()
    place: Mapped[str | None] = mapped_column(sa.String(200))
    transport_mode: Mapped[str | None] = code_column()
    concealment: Mapped[str | None] = code_column()
    installation: Mapped[str | None] = code_column()
    producing_country: Mapped[str | None] = code_column(2)
    departure_country: Mapped[str | None] = code_column(2)
    destination_country: Mapped[str | None] = code_column(2)
    route_type: Mapped[str | None] = code_column()
    arrests_nationals: Mapped[int | None] = mapped_column(sa.Integer)
    arrests_foreigners: Mapped[int | None] = mapped_column(sa.Integer)
    source_reference: Mapped[str | None] = mapped_column(sa.String(200))
    remarks: Mapped[str | None] = mapped_column(sa.Text)
    same_as_uuid: Mapped[str | None] = mapped_column(sa.String(36))

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
        sa.Index("ix_seizure_items_list_date", "live", "event_start", "id"),
        sa.Index("ix_seizure_items_list_quantity", "live", "quantity_value", "id"),
        sa.Index("ix_seizure_items_list_kg", "live", "kg_equivalent_mg", "id"),
        sa.Index("ix_seizure_items_list_agency", "live", "agency", "event_start"),
        sa.Index("ix_seizure_items_list_drug", "live", "drug", "event_start"),
        sa.Index("ix_seizure_items_list_province", "live", "province", "event_start"),
        sa.Index("ix_seizure_items_list_unit", "live", "unit", "event_start"),
        # Reports and the dashboard sum kg-equivalents over a period by agency and drug,
        # by drug and month, and by province, from these alone
        # (see services.reports.accomplishments).
        sa.Index(
            "ix_seizure_items_report_agency",
            *("live", "agency", "drug", "event_start", "basis", "kg_equivalent_mg"),
        ),
        sa.Index(
            "ix_seizure_items_report_drug",
            *("live", "drug", "event_start", "basis", "kg_equivalent_mg"),
        ),
        sa.Index(
            "ix_seizure_items_report_province",
            *("live", "province", "event_start", "basis", "kg_equivalent_mg"),
        ),
        # An event's items, and an aggregate report's sums by drug without reading rows.
        sa.Index("ix_seizure_items_event_drug", "event_id", "drug", "kg_equivalent_mg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("seizure_events.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    drug: Mapped[str] = mapped_column(sa.String(40))
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    unit: Mapped[str] = mapped_column(sa.String(40))
    kg_equivalent_mg: Mapped[int | None] = mapped_column(sa.Integer)
    # A float copy of ``quantity`` to sort by; the exact value stays in ``quantity``.
    quantity_value: Mapped[float | None] = mapped_column(sa.Float)
    # Copies of the event's columns that the seizure list filters and sorts on, kept in
    # step by the services (see services.seizures), so the list never joins at a million
    # rows. ``live`` is false while the event is soft-deleted.
    event_start: Mapped[date | None] = mapped_column(sa.Date)
    agency: Mapped[str | None] = mapped_column(sa.String(40))
    province: Mapped[str | None] = mapped_column(sa.String(40))
    basis: Mapped[str | None] = mapped_column(sa.String(10))
    status: Mapped[str | None] = mapped_column(sa.String(8))
    live: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.text("1"))

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
    __table_args__ = (sa.UniqueConstraint("event_id", "agency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seizure_events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    agency: Mapped[str] = mapped_column(sa.String(40), index=True)


class SeizureTransitCountry(Base):
    """A country the drugs passed through, in route order."""

    __tablename__ = "seizure_transit_countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seizure_events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    country: Mapped[str] = mapped_column(sa.String(2))
