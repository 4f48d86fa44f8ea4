"""What a user (or an importer) hands to the services: records as typed values.

Attribute names are the field names of ``domain.fields``, each typed as its field's
values (tests/domain/test_drafts.py checks both). Besides fields, ``uuid`` and
``revision`` identify the stored record being edited (None for a new one), and a
record's parts (items, enrollments, counts) and links travel with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class SeizureItemDraft:
    """One drug item of a seizure event."""

    drug: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    uuid: str | None = None


@dataclass
class SeizureDraft:
    """A seizure event (individual case or aggregate report) with its drug items."""

    basis: str = "case"
    event_date: date | None = None
    date_precision: str | None = "day"
    period_start: date | None = None
    period_end: date | None = None
    agency: str | None = None
    joint_agencies: tuple[str, ...] = ()
    province: str | None = None
    district: str | None = None
    place: str | None = None
    transport_mode: str | None = None
    concealment: str | None = None
    installation: str | None = None
    producing_country: str | None = None
    departure_country: str | None = None
    transit_countries: tuple[str, ...] = ()
    destination_country: str | None = None
    route_type: str | None = None
    arrests_nationals: int | None = None
    arrests_foreigners: int | None = None
    source_reference: str | None = None
    remarks: str | None = None
    status: str = "draft"
    items: list[SeizureItemDraft] = field(default_factory=list)
    same_as_uuid: str | None = None
    uuid: str | None = None
    revision: int | None = None


@dataclass
class EnrollmentDraft:
    """A person's enrollment in a training session."""

    person_uuid: str | None = None
    audience: str | None = None
    completion: str | None = None
    pre_score: Decimal | None = None
    post_score: Decimal | None = None
    certificate_number: str | None = None
    vetting_status: str | None = None
    invest_case_number: str | None = None
    vetting_submitted: date | None = None
    vetting_cleared: date | None = None
    uuid: str | None = None


@dataclass
class AttendanceCountDraft:
    """Enrolled and completed counts for one audience category and sex."""

    audience: str | None = None
    sex: str | None = None
    enrolled: int | None = 0
    completed: int | None = 0
    uuid: str | None = None


@dataclass
class TrainingDraft:
    """A training session with its roster or its counts."""

    title: str | None = None
    topic: str | None = None
    provider: str | None = None
    venue_type: str | None = None
    location: str | None = None
    venue_country: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    contact_hours: Decimal | None = None
    funding_program: str | None = None
    project_code: str | None = None
    cost_instruction: Decimal | None = None
    cost_participant: Decimal | None = None
    cost_travel: Decimal | None = None
    training_status: str = "planned"
    attendance_mode: str = "roster"
    remarks: str | None = None
    status: str = "draft"
    enrollments: list[EnrollmentDraft] = field(default_factory=list)
    counts: list[AttendanceCountDraft] = field(default_factory=list)
    uuid: str | None = None
    revision: int | None = None


@dataclass
class PersonDraft:
    """A person trained (or to be trained)."""

    full_name: str | None = None
    sex: str | None = None
    agency: str | None = None
    unit: str | None = None
    rank: str | None = None
    province: str | None = None
    national_id: str | None = None
    phone: str | None = None
    email: str | None = None
    status: str = "final"
    uuid: str | None = None
    revision: int | None = None
