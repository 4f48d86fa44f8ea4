"""Realistic, deterministic demonstration data for a post (bulk inserted).

The same seed always gives the same records, UUIDs included. Demo records are
final, authored by "demo", and carry no change-log entries.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Connection

from inl_desktop.domain import periods
from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.units import kg_equivalent, kg_to_mg
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import case_period
from inl_desktop.store.bulk import BulkInserter, deferred_indexes
from inl_desktop.store.models import (
    AttendanceCount,
    Enrollment,
    Person,
    SeizureEvent,
    SeizureItem,
    SeizureJointAgency,
    TrainingSession,
)

T = TypeVar("T")
Progress = Callable[[int, int, str], None]
"""(done, total, what) -> None; raise to cancel."""

EVENTS_PER_BATCH = 20_000
# A larger page cache while bulk inserting keeps the random-UUID indexes in memory.
BULK_CACHE_KIB = 65_536
QUANTITY_POOL_SIZE = 2_048
MAX_ROSTER = 56
AUTHOR = "demo"

# (agency, weight, provinces it mostly works in)
AGENCIES = [
    ("ANF", 30, ()),
    ("CUSTOMS", 10, ()),
    ("FC_BA", 9, ("PK-BA",)),
    ("FC_KP", 7, ("PK-KP",)),
    ("PCG", 5, ("PK-SD", "PK-BA")),
    ("PMSA", 2, ("PK-SD", "PK-BA")),
    ("ASF", 3, ()),
    ("PUNJAB_POLICE", 12, ("PK-PB",)),
    ("SINDH_POLICE", 8, ("PK-SD",)),
    ("KP_POLICE", 7, ("PK-KP",)),
    ("BALOCHISTAN_POLICE", 3, ("PK-BA",)),
    ("ICT_POLICE", 2, ("PK-IS",)),
    ("EXCISE_PB", 3, ("PK-PB",)),
    ("EXCISE_KP", 2, ("PK-KP",)),
    ("LEVIES_BA", 2, ("PK-BA",)),
    ("NHMP", 2, ("PK-PB", "PK-KP", "PK-SD")),
    ("RANGERS_SD", 2, ("PK-SD",)),
    ("RANGERS_PB", 1, ("PK-PB",)),
]
# (drug, weight, unit, typical quantity, spread)
DRUGS = [
    ("HASHISH", 34, "KG", 12.0, 1.6),
    ("HEROIN", 18, "KG", 2.0, 1.5),
    ("OPIUM", 12, "KG", 6.0, 1.5),
    ("MORPHINE", 3, "KG", 4.0, 1.4),
    ("CANNABIS_HERB", 8, "KG", 5.0, 1.4),
    ("METHAMPHETAMINE", 8, "KG", 1.0, 1.6),
    ("METH_TABLETS", 3, "TABLET", 500.0, 1.5),
    ("ECSTASY", 2, "TABLET", 200.0, 1.4),
    ("TRAMADOL", 3, "TABLET", 1000.0, 1.4),
    ("COCAINE", 1, "G", 300.0, 1.5),
    ("ACETIC_ANHYDRIDE", 2, "L", 200.0, 1.3),
    ("CANNABIS_PLANTS", 1, "PLANT", 300.0, 1.5),
    ("BUPRENORPHINE", 1, "AMPOULE", 100.0, 1.2),
    ("HEROIN", 2, "G", 250.0, 1.2),
]
TRANSPORT = [
    "ROAD_PRIVATE",
    "ROAD_COMMERCIAL",
    "AIR_PASSENGER",
    "SEA_CONTAINER",
    "POSTAL",
    "ON_FOOT",
    "NK",
]
PLACES = [
    "Checkpost",
    "Motorway toll plaza",
    "Airport",
    "Bus terminal",
    "Dry port",
    "Residence",
    "Warehouse",
    "Coastal belt",
    "Border area",
    "Railway station",
]
ORIGINS = ["AF", "AF", "AF", "PK", "IR", "NK"]
DESTINATIONS = ["AE", "SA", "CN", "GB", "LK", "MY", "TZ", "NK", "PK"]
MEN = [
    "Muhammad",
    "Ali",
    "Ahmed",
    "Hassan",
    "Usman",
    "Bilal",
    "Imran",
    "Tariq",
    "Asif",
    "Kamran",
    "Faisal",
    "Zubair",
    "Shahid",
    "Naveed",
    "Adnan",
    "Khalid",
    "Waqas",
    "Saad",
    "Hamza",
    "Junaid",
    "Rizwan",
    "Arshad",
    "Sajid",
    "Nadeem",
    "Fahad",
]
WOMEN = [
    "Ayesha",
    "Fatima",
    "Sana",
    "Saima",
    "Nadia",
    "Rabia",
    "Amna",
    "Zainab",
    "Hina",
    "Sadia",
    "Mehwish",
    "Asma",
    "Shazia",
    "Farah",
    "Uzma",
    "Bushra",
    "Maryam",
    "Iqra",
]
SURNAMES = [
    "Khan",
    "Ahmed",
    "Malik",
    "Hussain",
    "Qureshi",
    "Butt",
    "Chaudhry",
    "Shah",
    "Baloch",
    "Khattak",
    "Yousafzai",
    "Abbasi",
    "Siddiqui",
    "Raza",
    "Iqbal",
    "Aslam",
    "Mirza",
    "Awan",
    "Bhatti",
    "Memon",
    "Jatoi",
    "Afridi",
    "Durrani",
    "Niazi",
]
RANKS = [
    "Constable",
    "Head Constable",
    "ASI",
    "Sub-Inspector",
    "Inspector",
    "DSP",
    "SP",
    "Deputy Prosecutor",
    "Assistant Director",
    "Superintendent",
    "Civil Judge",
]
PROVIDERS = [
    "INL Pakistan",
    "UNODC",
    "ICITAP",
    "OPDAT",
    "National Police Academy",
    "Federal Judicial Academy",
    "ICMTC Colorado",
    "ILEA Bangkok",
]


@dataclass(frozen=True)
class DemoResult:
    """What the demo added."""

    seizure_events: int
    seizure_items: int
    trainings: int
    persons: int
    enrollments: int


class _Rng(random.Random):
    def uuid(self) -> str:
        """A version-4 UUID drawn from this generator (so the seed fixes it)."""
        h = f"{self.getrandbits(128):032x}"
        variant = "89ab"[int(h[16], 16) & 3]
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"

    def pick(self, choices: Sequence[T]) -> T:
        """Like ``choice``, several times faster (fine for short sequences)."""
        return choices[int(self.random() * len(choices))]

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.randrange((last - first).days + 1))


def _quantity(rng: _Rng, typical: float, spread: float, unit: str) -> Decimal:
    value = rng.lognormvariate(0.0, spread) * typical
    if unit in ("TABLET", "PLANT", "AMPOULE"):
        return Decimal(max(1, round(value)))
    return Decimal(format(Decimal(str(round(max(value, 0.01), 3))).normalize(), "f"))


def generate_demo(
    ctx: AppContext,
    *,
    seizure_items: int,
    trainings: int,
    seed: int = 1,
    progress: Progress | None = None,
) -> DemoResult:
    """Add ``seizure_items`` drug items (in events of 1-4 items) and ``trainings`` sessions."""
    rng = _Rng(seed)
    catalog = ctx.catalog()
    post = ctx.post()
    today = ctx.today()
    report = progress or (lambda done, total, what: None)
    # One transaction: a demo that fails or is cancelled leaves nothing behind. Indexes
    # are built once at the end rather than row by row.
    with ctx.engine.begin() as connection, deferred_indexes(connection, DEMO_TABLES):
        connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        events, items = _seizures(
            ctx, connection, rng, catalog, post.code, seizure_items, today, report
        )
        sessions, persons, enrollments = _trainings(
            ctx, connection, rng, catalog, post.code, trainings, today, report
        )
    return DemoResult(events, items, sessions, persons, enrollments)


DEMO_TABLES = (
    SeizureEvent,
    SeizureItem,
    SeizureJointAgency,
    Person,
    TrainingSession,
    Enrollment,
    AttendanceCount,
)


def _districts_by_province(catalog: Catalog) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for district, province in catalog.parents.get("districts", {}).items():
        result.setdefault(province, []).append(district)
    return {province: sorted(codes) for province, codes in result.items()}


def _next_id(connection: Connection, table: str) -> int:
    value = connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar()
    return int(value or 0) + 1


def _seizures(
    ctx: AppContext,
    connection: Connection,
    rng: _Rng,
    catalog: Catalog,
    post: str,
    total_items: int,
    today: date,
    report: Progress,
) -> tuple[int, int]:
    if total_items <= 0:
        return 0, 0
    districts = _districts_by_province(catalog)
    provinces = sorted(districts)
    # Weighted choices as tables to draw from with one call (this loop runs a million times).
    agencies = _weighted([(a, w) for a, w, _ in AGENCIES if catalog.has("agencies", a)])
    homes = {agency: home for agency, _, home in AGENCIES}
    drugs = _weighted([(d, d[1]) for d in DRUGS if d[0] in catalog.drugs and d[2] in catalog.units])
    case_sizes = _weighted([(1, 70), (2, 20), (3, 7), (4, 3)])
    arrest_counts = _weighted([(0, 30), (1, 45), (2, 15), (3, 10)])
    foreigner_counts = _weighted([(0, 92), (1, 8)])
    pools: dict[tuple[str, str, bool], list[tuple[str, int | None, float]]] = {}
    pick = rng.pick
    transports: list[str | None] = [t for t in TRANSPORT if catalog.has("transport_modes", t)]
    transports = transports or [None]
    first_day = date(today.year - 10, 1, 1)
    now = ctx.now()
    event_columns = [
        "id",
        "uuid",
        "post_code",
        "revision",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "status",
        "basis",
        "event_date",
        "date_precision",
        "period_start",
        "period_end",
        "agency",
        "province",
        "district",
        "place",
        "transport_mode",
        "producing_country",
        "destination_country",
        "arrests_nationals",
        "arrests_foreigners",
        "source_reference",
    ]
    item_columns = [
        *("uuid", "event_id", "position", "drug", "quantity", "unit", "kg_equivalent_mg"),
        *("quantity_value", "event_start", "agency", "province", "basis", "status", "live"),
    ]
    event_id = _next_id(connection, "seizure_events")
    made_items = made_events = 0
    reported: set[tuple[str, str, date]] = set()
    while made_items < total_items:
        event_rows: list[tuple[object, ...]] = []
        item_rows: list[tuple[object, ...]] = []
        joint_rows: list[tuple[object, ...]] = []
        for _ in range(EVENTS_PER_BATCH):
            if made_items >= total_items:
                break
            agency = pick(agencies)
            home = homes[agency]
            province = pick(home) if home else pick(provinces)
            aggregate = rng.random() < 0.04
            if aggregate:
                month = rng.day(first_day, today - timedelta(days=40))
                period = periods.month(month.year, month.month)
                # An agency reports a province's month once; another draw of the same
                # becomes an individual seizure.
                aggregate = (agency, province, period.start) not in reported
                reported.add((agency, province, period.start))
            basis = "aggregate" if aggregate else "case"
            if aggregate:
                event_date, precision = None, None
                start, end = period.start, period.end
                n_items = rng.randint(2, 4)
            else:
                event_date = rng.day(first_day, today)
                precision = "day" if rng.random() < 0.97 else "month"
                start, end = case_period(event_date, precision)
                n_items = pick(case_sizes)
            n_items = min(n_items, total_items - made_items)
            district = pick(districts[province])
            district_label = catalog.label("districts", district)
            event_rows.append(
                (
                    event_id,
                    rng.uuid(),
                    post,
                    1,
                    now,
                    AUTHOR,
                    now,
                    AUTHOR,
                    "final",
                    basis,
                    event_date,
                    precision,
                    start,
                    end,
                    agency,
                    province,
                    district,
                    None if aggregate else f"{pick(PLACES)}, {district_label}",
                    None if aggregate else pick(transports),
                    None if aggregate else pick(ORIGINS),
                    None if aggregate else pick(DESTINATIONS),
                    None if aggregate else pick(arrest_counts),
                    None if aggregate else pick(foreigner_counts),
                    f"{agency}/{start.year}/{rng.randrange(1, 99999):05d}",
                )
            )
            if not aggregate and agency != "ANF" and rng.random() < 0.05:
                joint_rows.append((event_id, 0, "ANF"))
            chosen: set[str] = set()
            for position in range(n_items):
                drug_code, _, unit_code, typical, spread = pick(drugs)
                if drug_code in chosen:
                    unused = [d for d in drugs if d[0] not in chosen]
                    drug_code, _, unit_code, typical, spread = pick(unused)
                chosen.add(drug_code)
                key = (drug_code, unit_code, aggregate)
                pool = pools.get(key)
                if pool is None:
                    pool = pools[key] = _quantity_pool(
                        rng,
                        catalog,
                        drug_code,
                        unit_code,
                        typical * (40.0 if aggregate else 1.0),
                        spread,
                    )
                quantity, kg_mg, quantity_value = pick(pool)
                item_rows.append(
                    (
                        rng.uuid(),
                        event_id,
                        position,
                        drug_code,
                        quantity,
                        unit_code,
                        kg_mg,
                        quantity_value,
                        start,
                        agency,
                        province,
                        basis,
                        "final",
                        True,
                    )
                )
            made_items += n_items
            made_events += 1
            event_id += 1
        BulkInserter(connection, SeizureEvent, event_columns).insert(event_rows)
        BulkInserter(connection, SeizureItem, item_columns).insert(item_rows)
        BulkInserter(connection, SeizureJointAgency, ["event_id", "position", "agency"]).insert(
            joint_rows
        )
        report(made_items, total_items, "seizure items")
    return made_events, made_items


def _weighted(choices: list[tuple[T, int]]) -> list[T]:
    """A list in which each choice appears as often as its weight."""
    return [value for value, weight in choices for _ in range(weight)]


def _quantity_pool(
    rng: _Rng, catalog: Catalog, drug: str, unit: str, typical: float, spread: float
) -> list[tuple[str, int | None, float]]:
    """Plausible quantities (as text) of one drug and unit, with their kg-equivalent in mg."""
    pool = []
    for _ in range(QUANTITY_POOL_SIZE):
        quantity = _quantity(rng, typical, spread, unit)
        kg = kg_equivalent(quantity, catalog.units[unit], catalog.drugs[drug])
        pool.append((str(quantity), kg_to_mg(kg), float(quantity)))
    return pool


def _cnic(rng: _Rng, sex: str) -> str:
    last = rng.choice("13579" if sex == "M" else "02468")
    return f"{rng.randrange(10000, 99999)}-{rng.randrange(1000000, 9999999)}-{last}"


def _trainings(
    ctx: AppContext,
    connection: Connection,
    rng: _Rng,
    catalog: Catalog,
    post: str,
    total: int,
    today: date,
    report: Progress,
) -> tuple[int, int, int]:
    if total <= 0:
        return 0, 0, 0
    now = ctx.now()
    agencies = sorted(catalog.codes.get("agencies", {}))
    provinces = sorted(catalog.codes.get("provinces", {}))
    audiences = sorted(catalog.codes.get("audience_categories", {}))
    topics = sorted(catalog.codes.get("training_topics", {}))
    programs: list[str | None] = [*sorted(catalog.codes.get("funding_programs", {}))]
    programs = programs or [None]
    record = [now, AUTHOR, now, AUTHOR, "final"]
    person_count = max(total * 10, MAX_ROSTER)
    person_id = first_person = _next_id(connection, "persons")
    person_rows = []
    sexes = []
    for _ in range(person_count):
        sex = "F" if rng.random() < 0.2 else "M"
        given = rng.choice(WOMEN if sex == "F" else MEN)
        name = f"{given} {rng.choice(SURNAMES)}"
        cnic = _cnic(rng, sex)
        person_rows.append(
            (
                person_id,
                rng.uuid(),
                post,
                1,
                *record,
                name,
                sex,
                rng.choice(agencies),
                rng.choice(RANKS),
                rng.choice(provinces),
                cnic,
                cnic.replace("-", ""),
                " ".join(name.casefold().split()),
            )
        )
        sexes.append(sex)
        person_id += 1
    BulkInserter(
        connection,
        Person,
        [
            "id",
            "uuid",
            "post_code",
            "revision",
            "created_at",
            "created_by",
            "updated_at",
            "updated_by",
            "status",
            "full_name",
            "sex",
            "agency",
            "rank",
            "province",
            "national_id",
            "national_id_key",
            "name_key",
        ],
    ).insert(person_rows)
    del person_rows
    session_id = _next_id(connection, "training_sessions")
    first_day = date(today.year - 8, 1, 1)
    enrollments = 0
    done = 0
    while done < total:
        session_rows: list[tuple[object, ...]] = []
        enrollment_rows: list[tuple[object, ...]] = []
        count_rows: list[tuple[object, ...]] = []
        for _ in range(min(2_000, total - done)):
            start = rng.day(first_day, today + timedelta(days=120))
            length = rng.choice((1, 2, 3, 5, 5, 10, 15))
            end = start + timedelta(days=length - 1)
            status = "planned" if start > today else ("completed" if end < today else "active")
            if rng.random() < 0.02 and status == "planned":
                status = "cancelled"
            venue = rng.choices(("IN_COUNTRY", "UNITED_STATES", "THIRD_COUNTRY"), (85, 5, 10))[0]
            topic = rng.choice(topics)
            roster = rng.random() < 0.85
            session_rows.append(
                (
                    session_id,
                    rng.uuid(),
                    post,
                    1,
                    *record,
                    f"{catalog.label('training_topics', topic)} course {start.year}-{done + 1}",
                    topic,
                    rng.choice(PROVIDERS),
                    venue,
                    "Islamabad"
                    if venue == "IN_COUNTRY"
                    else ("Pueblo, Colorado" if venue == "UNITED_STATES" else "Bangkok"),
                    "PK" if venue == "IN_COUNTRY" else ("US" if venue == "UNITED_STATES" else "TH"),
                    start,
                    end,
                    Decimal(length * 6),
                    rng.choice(programs),
                    f"INL-PK-{rng.randrange(100, 999)}",
                    Decimal(rng.randrange(2000, 60000)),
                    Decimal(rng.randrange(0, 30000)),
                    Decimal(rng.randrange(0, 90000)) if venue != "IN_COUNTRY" else Decimal(0),
                    status,
                    "roster" if roster else "counts",
                )
            )
            if roster:
                size = rng.randint(14, MAX_ROSTER)
                chosen = rng.sample(range(person_count), size)
                for position, index in enumerate(chosen):
                    completion = (
                        rng.choices(
                            ("completed", "partial", "did_not_finish", "no_show"), (88, 5, 4, 3)
                        )[0]
                        if status == "completed"
                        else None
                    )
                    vetting = (
                        "approved"
                        if venue != "IN_COUNTRY" or rng.random() < 0.6
                        else ("not_required")
                    )
                    pre = Decimal(rng.randint(30, 75))
                    enrollment_rows.append(
                        (
                            rng.uuid(),
                            session_id,
                            first_person + index,
                            position,
                            rng.choice(audiences),
                            completion,
                            pre,
                            min(Decimal(100), pre + rng.randint(0, 35)) if completion else None,
                            vetting,
                            # vetting is submitted and cleared before the course, never later
                            # than today
                            min(start - timedelta(days=60), today)
                            if vetting == "approved"
                            else None,
                            min(start - timedelta(days=20), today)
                            if vetting == "approved"
                            else None,
                        )
                    )
                enrollments += size
            else:
                slots = [(a, sex) for a in rng.sample(audiences, 3) for sex in ("F", "M")]
                for position, (audience, sex) in enumerate(slots):
                    enrolled = rng.randint(2, 30) if sex == "M" else rng.randint(0, 12)
                    completed = (
                        enrolled - rng.randint(0, min(2, enrolled))
                        if (status == "completed")
                        else 0
                    )
                    count_rows.append(
                        (rng.uuid(), session_id, position, audience, sex, enrolled, completed)
                    )
            session_id += 1
            done += 1
        BulkInserter(
            connection,
            TrainingSession,
            [
                "id",
                "uuid",
                "post_code",
                "revision",
                "created_at",
                "created_by",
                "updated_at",
                "updated_by",
                "status",
                "title",
                "topic",
                "provider",
                "venue_type",
                "location",
                "venue_country",
                "start_date",
                "end_date",
                "contact_hours",
                "funding_program",
                "project_code",
                "cost_instruction",
                "cost_participant",
                "cost_travel",
                "training_status",
                "attendance_mode",
            ],
        ).insert(session_rows)
        BulkInserter(
            connection,
            Enrollment,
            [
                "uuid",
                "session_id",
                "person_id",
                "position",
                "audience",
                "completion",
                "pre_score",
                "post_score",
                "vetting_status",
                "vetting_submitted",
                "vetting_cleared",
            ],
        ).insert(enrollment_rows)
        BulkInserter(
            connection,
            AttendanceCount,
            [
                "uuid",
                "session_id",
                "position",
                "audience",
                "sex",
                "enrolled",
                "completed",
            ],
        ).insert(count_rows)
        report(done, total, "training sessions")
    return done, person_count, enrollments
