"""Demonstration trainings: persons (a fifth of them women), then sessions over eight
years, most with a roster of those persons, the others with counts by audience and sex."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from inl_desktop.services.demo.shared import DemoRandom, DemoRun
from inl_desktop.store.bulk import BulkInserter, next_id
from inl_desktop.store.models import AttendanceCount, Enrollment, Person, TrainingSession
from inl_desktop.store.record_rows import RECORD_COLUMNS, Audit, record_columns

MAX_ROSTER = 56
SESSIONS_PER_BATCH = 2_000
_PERSON_COLUMNS = [
    *RECORD_COLUMNS,
    *("full_name", "sex", "agency", "rank", "province", "national_id", "national_id_key"),
    "name_key",
]
_SESSION_COLUMNS = [
    *RECORD_COLUMNS,
    *("title", "topic", "provider", "venue_type", "location", "venue_country"),
    *("start_date", "end_date", "contact_hours", "funding_program", "project_code"),
    *("cost_instruction", "cost_participant", "cost_travel", "training_status"),
    "attendance_mode",
]
_ENROLLMENT_COLUMNS = [
    *("uuid", "session_id", "person_id", "position", "audience", "completion", "pre_score"),
    *("post_score", "vetting_status", "vetting_submitted", "vetting_cleared"),
]
_COUNT_COLUMNS = ["uuid", "session_id", "position", "audience", "sex", "enrolled", "completed"]
_Row = tuple[object, ...]


@dataclass
class _Sessions:
    """What sessions are drawn from, and the rows of the batch being drawn."""

    run: DemoRun
    audit: Audit
    first_person: int
    person_count: int
    audiences: list[str]
    topics: list[str]
    programs: list[str | None]
    first_day: date
    sessions: list[_Row] = field(default_factory=list)
    enrollments: list[_Row] = field(default_factory=list)
    counts: list[_Row] = field(default_factory=list)

    def insert(self) -> None:
        """Insert the batch's rows and start the next batch."""
        connection = self.run.connection
        BulkInserter(connection, TrainingSession, _SESSION_COLUMNS).insert(self.sessions)
        BulkInserter(connection, Enrollment, _ENROLLMENT_COLUMNS).insert(self.enrollments)
        BulkInserter(connection, AttendanceCount, _COUNT_COLUMNS).insert(self.counts)
        self.sessions, self.enrollments, self.counts = [], [], []


def add_trainings(run: DemoRun, total: int) -> tuple[int, int, int]:
    """Add ``total`` sessions and ten persons per session (at least a full roster's);
    how many sessions, persons and enrollments."""
    if total <= 0:
        return 0, 0, 0
    codes = run.catalog.codes
    programs: list[str | None] = [*sorted(codes.get("funding_programs", {}))]
    audit = run.audit()
    person_count = max(total * 10, MAX_ROSTER)
    first_person = _add_persons(run, audit, person_count)
    drawn = _Sessions(
        run=run,
        audit=audit,
        first_person=first_person,
        person_count=person_count,
        audiences=sorted(codes.get("audience_categories", {})),
        topics=sorted(codes.get("training_topics", {})),
        programs=programs or [None],
        first_day=date(run.today.year - 8, 1, 1),
    )
    session_id = next_id(run.connection, "training_sessions")
    enrollments = done = 0
    while done < total:
        for _ in range(min(SESSIONS_PER_BATCH, total - done)):
            enrollments += _add_session(drawn, session_id, done + 1)
            session_id += 1
            done += 1
        drawn.insert()
        run.report(done, total, "training sessions")
    return done, person_count, enrollments


def _add_persons(run: DemoRun, audit: Audit, count: int) -> int:
    """Add ``count`` persons; the id of the first."""
    rng, lists, codes = run.rng, run.lists, run.catalog.codes
    agencies = sorted(codes.get("agencies", {}))
    provinces = sorted(codes.get("provinces", {}))
    person_id = first_person = next_id(run.connection, "persons")
    rows = []
    for _ in range(count):
        sex = "F" if rng.random() < 0.2 else "M"
        given = rng.choice(lists.women if sex == "F" else lists.men)
        name = f"{given} {rng.choice(lists.surnames)}"
        cnic = _cnic(rng, sex)
        rows.append(
            (
                *record_columns(person_id, rng.uuid(), 1, "final", audit),
                name,
                sex,
                rng.choice(agencies),
                rng.choice(lists.ranks),
                rng.choice(provinces),
                cnic,
                cnic.replace("-", ""),
                " ".join(name.casefold().split()),
            )
        )
        person_id += 1
    BulkInserter(run.connection, Person, _PERSON_COLUMNS).insert(rows)
    return first_person


def _cnic(rng: DemoRandom, sex: str) -> str:
    last = rng.choice("13579" if sex == "M" else "02468")
    return f"{rng.randrange(10000, 99999)}-{rng.randrange(1000000, 9999999)}-{last}"


def _add_session(drawn: _Sessions, session_id: int, number: int) -> int:
    """Draw the ``number``th session with its roster or counts; how many enrollments."""
    run = drawn.run
    rng, today = run.rng, run.today
    start = rng.day(drawn.first_day, today + timedelta(days=120))
    length = rng.choice((1, 2, 3, 5, 5, 10, 15))
    end = start + timedelta(days=length - 1)
    status = "planned" if start > today else ("completed" if end < today else "active")
    if rng.random() < 0.02 and status == "planned":
        status = "cancelled"
    venue = rng.choices(("IN_COUNTRY", "UNITED_STATES", "THIRD_COUNTRY"), (85, 5, 10))[0]
    topic = rng.choice(drawn.topics)
    roster = rng.random() < 0.85
    in_country = venue == "IN_COUNTRY"
    drawn.sessions.append(
        (
            *record_columns(session_id, rng.uuid(), 1, "final", drawn.audit),
            f"{run.catalog.label('training_topics', topic)} course {start.year}-{number}",
            topic,
            rng.choice(run.lists.providers),
            venue,
            "Islamabad"
            if in_country
            else ("Pueblo, Colorado" if venue == "UNITED_STATES" else "Bangkok"),
            "PK" if in_country else ("US" if venue == "UNITED_STATES" else "TH"),
            start,
            end,
            Decimal(length * 6),
            rng.choice(drawn.programs),
            f"INL-PK-{rng.randrange(100, 999)}",
            Decimal(rng.randrange(2000, 60000)),
            Decimal(rng.randrange(0, 30000)),
            Decimal(rng.randrange(0, 90000)) if not in_country else Decimal(0),
            status,
            "roster" if roster else "counts",
        )
    )
    if roster:
        return _add_roster(drawn, session_id, start, status, in_country)
    _add_counts(drawn, session_id, status)
    return 0


def _add_roster(
    drawn: _Sessions, session_id: int, start: date, status: str, in_country: bool
) -> int:
    """Enroll some of the persons; how many."""
    rng, today = drawn.run.rng, drawn.run.today
    size = rng.randint(14, MAX_ROSTER)
    chosen = rng.sample(range(drawn.person_count), size)
    outcomes = ("completed", "partial", "did_not_finish", "no_show")
    for position, index in enumerate(chosen):
        completion = rng.choices(outcomes, (88, 5, 4, 3))[0] if status == "completed" else None
        vetting = "approved" if not in_country or rng.random() < 0.6 else "not_required"
        approved = vetting == "approved"
        pre = Decimal(rng.randint(30, 75))
        drawn.enrollments.append(
            (
                rng.uuid(),
                session_id,
                drawn.first_person + index,
                position,
                rng.choice(drawn.audiences),
                completion,
                pre,
                min(Decimal(100), pre + rng.randint(0, 35)) if completion else None,
                vetting,
                # Vetting is submitted and cleared before the course, never later than today.
                min(start - timedelta(days=60), today) if approved else None,
                min(start - timedelta(days=20), today) if approved else None,
            )
        )
    return size


def _add_counts(drawn: _Sessions, session_id: int, status: str) -> None:
    """Counts of women and men for three audiences."""
    rng = drawn.run.rng
    slots = [(a, sex) for a in rng.sample(drawn.audiences, 3) for sex in ("F", "M")]
    for position, (audience, sex) in enumerate(slots):
        enrolled = rng.randint(2, 30) if sex == "M" else rng.randint(0, 12)
        completed = enrolled - rng.randint(0, min(2, enrolled)) if status == "completed" else 0
        drawn.counts.append((rng.uuid(), session_id, position, audience, sex, enrolled, completed))
