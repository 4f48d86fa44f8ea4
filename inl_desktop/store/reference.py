"""Reference lists: read from resources/ data files, seeded into the database, loaded.

A country program is a folder ``resources/reference/<CC>/`` with ``country.json``
and its own lists; ``resources/reference/common/`` holds the lists every country
shares. A list is a CSV file with ``code,label`` and, optionally, ``parent``,
``aliases`` (other names of the code that an import recognises, separated by "|":
"KPK|NWFP") and list-specific attribute columns.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inl_desktop import paths
from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.errors import UserError
from inl_desktop.domain.units import DrugDef, UnitDef, UnitKind
from inl_desktop.store.models import ImportSpelling, ReferenceItem

COMMON = "common"
# Between the aliases of a code, in the list files and in the database.
ALIAS_SEPARATOR = "|"


class UnknownCountry(UserError):
    """No reference data exists for the country asked for."""


@dataclass(frozen=True)
class ReferenceRow:
    """One row of a reference list file."""

    code: str
    label: str
    parent: str | None
    attributes: dict[str, str]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Post:
    """A post of a country program (code and name)."""

    code: str
    name: str


@dataclass(frozen=True)
class CountryProgram:
    """What ``country.json`` says of a country program."""

    code: str
    name: str
    posts: tuple[Post, ...]
    national_id_name: str
    national_id_pattern: str | None


def reference_root() -> Path:
    """The folder that holds ``common/`` and one folder per country."""
    return paths.resources_dir() / "reference"


def available_countries() -> list[str]:
    """Codes of the country programs that have reference data."""
    root = reference_root()
    return sorted(p.name for p in root.iterdir() if (p / "country.json").is_file())


def country_program(code: str) -> CountryProgram:
    """Read a country program's ``country.json``."""
    path = reference_root() / code.upper() / "country.json"
    if not path.is_file():
        known = ", ".join(available_countries())
        raise UnknownCountry(f"No reference data for country {code!r} (known: {known})")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    national_id = data.get("national_id") or {}
    return CountryProgram(
        code=data["code"],
        name=data["name"],
        posts=tuple(Post(p["code"], p["name"]) for p in data.get("posts", [])),
        national_id_name=national_id.get("name", "National ID"),
        national_id_pattern=national_id.get("pattern"),
    )


def read_list(path: Path) -> list[ReferenceRow]:
    """Read one list file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = []
        for record in csv.DictReader(handle):
            code = (record.pop("code") or "").strip()
            label = (record.pop("label") or "").strip()
            parent = (record.pop("parent", None) or "").strip() or None
            aliases = split_stored_aliases(record.pop("aliases", None) or "")
            attributes = {k: (v or "").strip() for k, v in record.items() if k}
            rows.append(ReferenceRow(code, label, parent, attributes, aliases))
    return rows


def split_stored_aliases(text: str) -> tuple[str, ...]:
    """The aliases of a code as a list file or the database keeps them ("KPK|NWFP")."""
    return tuple(part.strip() for part in text.split(ALIAS_SEPARATOR) if part.strip())


def join_aliases(aliases: tuple[str, ...] | list[str]) -> str:
    """Aliases as the database keeps them."""
    return ALIAS_SEPARATOR.join(aliases)


def list_files(country: str) -> dict[str, Path]:
    """List name -> file, the country's files overriding common ones of the same name."""
    files: dict[str, Path] = {}
    for folder in (reference_root() / COMMON, reference_root() / country.upper()):
        for path in sorted(folder.glob("*.csv")):
            files[path.stem] = path
    return files


def seed_reference_data(session: Session, country: str) -> int:
    """Add every list entry of the country that the database lacks; return how many.

    Entries already present are left as the users edited them.
    """
    country_program(country)  # refuse unknown countries before writing anything
    existing = {
        (list_name, code)
        for list_name, code in session.execute(select(ReferenceItem.list_name, ReferenceItem.code))
    }
    added = 0
    for list_name, path in list_files(country).items():
        for position, row in enumerate(read_list(path)):
            if (list_name, row.code) in existing:
                continue
            session.add(
                ReferenceItem(
                    list_name=list_name,
                    code=row.code,
                    label=row.label,
                    parent_code=row.parent,
                    attributes=json.dumps(row.attributes, ensure_ascii=False, sort_keys=True),
                    position=position,
                    retired=False,
                    aliases=join_aliases(row.aliases),
                )
            )
            added += 1
    return added


def _decimal_or_none(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


def load_catalog(session: Session, country: str | None) -> Catalog:
    """Every reference list of the database, as a Catalog for validation and display."""
    codes: dict[str, dict[str, str]] = {}
    parents: dict[str, dict[str, str]] = {}
    retired: dict[str, set[str]] = {}
    aliases: dict[str, dict[str, tuple[str, ...]]] = {}
    drugs: dict[str, DrugDef] = {}
    units: dict[str, UnitDef] = {}
    # Plain SQL on the session's connection: the first window needs no ORM mapping.
    table = ReferenceItem.__table__
    connection = session.connection()
    rows = connection.execute(select(table).order_by(table.c.list_name, table.c.position))
    for item in rows:
        codes.setdefault(item.list_name, {})[item.code] = item.label
        if item.parent_code:
            parents.setdefault(item.list_name, {})[item.code] = item.parent_code
        if item.retired:
            retired.setdefault(item.list_name, set()).add(item.code)
        if item.aliases:
            aliases.setdefault(item.list_name, {})[item.code] = split_stored_aliases(item.aliases)
        attributes: dict[str, str] = json.loads(item.attributes or "{}")
        if item.list_name == "drugs":
            drugs[item.code] = DrugDef(
                code=item.code,
                label=item.label,
                group=attributes.get("group", ""),
                mass_per_unit_g=_decimal_or_none(attributes.get("mass_per_unit_g")),
                counted=attributes.get("counted") == "1",
            )
        elif item.list_name == "units":
            units[item.code] = UnitDef(
                code=item.code,
                label=item.label,
                kind=UnitKind(attributes.get("kind", "mass")),
                kg_per_unit=_decimal_or_none(attributes.get("kg_per_unit")),
            )
    remembered: dict[str, dict[str, str]] = {}
    spellings = ImportSpelling.__table__.c
    for list_name, spelling, code in connection.execute(
        select(spellings.list_name, spellings.spelling, spellings.code)
    ):
        remembered.setdefault(list_name, {})[spelling] = code
    program = country_program(country) if country else None
    return Catalog(
        codes=codes,
        drugs=drugs,
        units=units,
        parents=parents,
        retired={name: frozenset(values) for name, values in retired.items()},
        aliases=aliases,
        remembered=remembered,
        national_id_name=program.national_id_name if program else "National ID",
        national_id_pattern=program.national_id_pattern if program else None,
    )
