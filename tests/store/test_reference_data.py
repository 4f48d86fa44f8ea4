"""Reference lists: seeded from resources/, re-seeding keeps the users' edits, and the
catalog the forms and validation use carries Pakistan's provinces, districts, drugs, units."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from inl_desktop.domain.units import UnitKind
from inl_desktop.store.migrate import open_database
from inl_desktop.store.models import ReferenceItem
from inl_desktop.store.reference import (
    Post,
    UnknownCountry,
    country_program,
    list_files,
    load_catalog,
    read_list,
    seed_reference_data,
)

PAKISTAN_PROVINCES = {"PK-PB", "PK-SD", "PK-KP", "PK-BA", "PK-IS", "PK-GB", "PK-JK"}


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated database with no reference data yet."""
    engine = open_database(tmp_path / "new.sqlite", now=lambda: datetime(2026, 6, 15, tzinfo=UTC))
    yield engine
    engine.dispose()


@pytest.fixture
def seeded_session(db_path: Path) -> Iterator[Session]:
    """A session on the seeded post database."""
    engine = open_database(db_path, now=lambda: datetime(2026, 6, 15, tzinfo=UTC))
    with Session(engine) as session:
        yield session
    engine.dispose()


def seed(engine: Engine, country: str = "PK") -> int:
    """Seed in one committed transaction; return how many entries were added."""
    with Session(engine) as session, session.begin():
        return seed_reference_data(session, country)


def stored_items(engine: Engine) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(list, code) -> (label, parent) of every stored entry."""
    with Session(engine) as session:
        return {
            (item.list_name, item.code): (item.label, item.parent_code)
            for item in session.scalars(select(ReferenceItem))
        }


def test_seeding_stores_every_row_of_every_list_file(empty_engine: Engine) -> None:
    expected = {
        (list_name, row.code): (row.label, row.parent)
        for list_name, path in list_files("PK").items()
        for row in read_list(path)
    }

    added = seed(empty_engine)

    assert added == len(expected)
    assert stored_items(empty_engine) == expected
    # Pakistan's own lists and the common ones are both there.
    assert {"provinces", "districts", "agencies", "drugs", "units", "countries"} <= {
        list_name for list_name, _ in expected
    }


def test_seeding_again_adds_nothing_and_keeps_edited_labels(empty_engine: Engine) -> None:
    first = seed(empty_engine)
    with Session(empty_engine) as session, session.begin():
        anf = session.scalars(
            select(ReferenceItem).filter_by(list_name="agencies", code="ANF")
        ).one()
        anf.label = "ANF (Anti-Narcotics Force, Rawalpindi HQ)"

    assert seed(empty_engine) == 0

    items = stored_items(empty_engine)
    assert len(items) == first
    assert items[("agencies", "ANF")] == ("ANF (Anti-Narcotics Force, Rawalpindi HQ)", None)


def test_seeding_again_restores_only_what_is_missing(empty_engine: Engine) -> None:
    seed(empty_engine)
    with Session(empty_engine) as session, session.begin():
        session.execute(
            ReferenceItem.__table__.delete().where(  # type: ignore[attr-defined]
                ReferenceItem.code == "PK-GB"
            )
        )

    assert seed(empty_engine) == 1
    assert stored_items(empty_engine)[("provinces", "PK-GB")] == ("Gilgit-Baltistan", None)


def test_seeding_an_unknown_country_is_refused_before_writing(empty_engine: Engine) -> None:
    with pytest.raises(UnknownCountry, match="'XX'"), Session(empty_engine) as session:
        seed_reference_data(session, "XX")
    with Session(empty_engine) as session:
        assert session.scalar(select(func.count()).select_from(ReferenceItem)) == 0


def test_catalog_has_pakistans_provinces_with_iso_codes(seeded_session: Session) -> None:
    catalog = load_catalog(seeded_session, "PK")

    assert set(catalog.codes["provinces"]) == PAKISTAN_PROVINCES
    assert catalog.label("provinces", "PK-PB") == "Punjab"
    assert catalog.label("provinces", "PK-KP") == "Khyber Pakhtunkhwa"


def test_every_district_lies_in_a_province(seeded_session: Session) -> None:
    catalog = load_catalog(seeded_session, "PK")

    districts = catalog.codes["districts"]
    assert len(districts) > 100
    for code in districts:
        assert catalog.parent_of("districts", code) in PAKISTAN_PROVINCES, code
    assert catalog.parent_of("districts", "IS-ISB") == "PK-IS"
    assert catalog.parent_of("districts", "KP-ABT") == "PK-KP"


def test_every_drug_belongs_to_a_drug_group(seeded_session: Session) -> None:
    catalog = load_catalog(seeded_session, "PK")

    groups = set(catalog.codes["drug_groups"])
    assert {drug.group for drug in catalog.drugs.values()} <= groups
    assert catalog.drugs["HEROIN"].group == "OPIOIDS"
    assert catalog.drugs["HASHISH"].group == "CANNABIS"
    assert catalog.drugs["COCAINE"].group == "COCAINE"
    assert catalog.drugs["METHAMPHETAMINE"].group == "ATS"
    assert catalog.drugs["ACETIC_ANHYDRIDE"].group == "PRECURSORS"
    assert catalog.drugs["METH_TABLETS"].mass_per_unit_g == Decimal("0.1")
    assert catalog.drugs["METH_TABLETS"].counted
    assert catalog.drugs["HEROIN"].mass_per_unit_g is None


def test_every_unit_has_a_kind_and_mass_units_a_factor(seeded_session: Session) -> None:
    catalog = load_catalog(seeded_session, "PK")

    for unit in catalog.units.values():
        assert unit.kind in set(UnitKind), unit.code
        if unit.kind is not UnitKind.COUNT:
            assert unit.kg_per_unit is not None and unit.kg_per_unit > 0, unit.code
    assert catalog.units["KG"].kind is UnitKind.MASS
    assert catalog.units["KG"].kg_per_unit == 1
    assert catalog.units["LB"].kg_per_unit == Decimal("0.45359237")
    assert catalog.units["L"].kind is UnitKind.VOLUME
    assert catalog.units["TABLET"].kind is UnitKind.COUNT
    assert catalog.units["TABLET"].kg_per_unit is None


def test_catalog_knows_the_national_id_format(seeded_session: Session) -> None:
    catalog = load_catalog(seeded_session, "PK")

    assert catalog.national_id_name == "CNIC"
    assert catalog.national_id_ok("12345-1234567-1")
    assert catalog.national_id_ok("1234512345671")
    assert not catalog.national_id_ok("12345-123456-1")


def test_pakistan_program_has_its_four_posts() -> None:
    program = country_program("PK")

    assert program.name == "Pakistan"
    assert program.posts == (
        Post("PK-ISB", "Islamabad"),
        Post("PK-LHE", "Lahore"),
        Post("PK-KHI", "Karachi"),
        Post("PK-PEW", "Peshawar"),
    )


def test_an_unknown_country_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownCountry, match="'XX'") as refused:
        country_program("XX")
    assert "PK" in str(refused.value)
