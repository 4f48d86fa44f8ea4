"""A first mapping suggested from a file: its headers, then its values (a column of
dates, of drug names or agencies, of quantities with units)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.import_values import DateOrder, parse_date
from inl_desktop.exchange.sources import Cell, SourceTable
from inl_desktop.services.importing.mapping import (
    ImportMapping,
    quantity_has_units,
    suggest_columns,
)
from inl_desktop.services.importing.source_rows import cell_key
from inl_desktop.services.importing.spellings import suggest_code, unit_text_code
from inl_desktop.services.importing.targets import ImportKind, Reads, Target, targets_of


def suggested_mapping(
    kind: ImportKind, table: SourceTable, catalog: Catalog | None = None
) -> ImportMapping:
    """A mapping from the file's headers, then from its values: a column of dates, of
    drug names or agencies, of quantities with units fills the field no header named;
    a unit in the quantity's header ("Quantity (kg)") becomes the file's unit. Values
    are suggested as rows are read."""
    headers = table.headers
    columns = suggest_columns(kind, headers)
    mapping = ImportMapping(kind, columns=columns)
    if catalog is None:
        return mapping
    targets = targets_of(kind)
    for name, chosen in list(columns.items()):
        # A header names a coded field only if most of its values are in the list: a
        # "Region" column of continents is not the province.
        list_name = targets[name].reference_list
        if targets[name].reads is not Reads.CODE or list_name in (None, "units"):
            continue
        assert list_name is not None
        texts = {cell_key(cell) for cell in table.column(headers.index(chosen[0])) if cell}
        distinct = sorted(texts)[:200]
        known = sum(1 for text in distinct if suggest_code(catalog, list_name, text))
        if distinct and known / len(distinct) < 0.5:
            del columns[name]
    used = {header for chosen in columns.values() for header in chosen}
    for index, header in enumerate(headers):
        if header in used:
            continue
        sample = [cell for cell in table.column(index) if cell not in (None, "")][:50]
        suggested = _suggest_from_values(targets, columns, sample, catalog)
        if suggested is not None:
            columns[suggested] = [header]
            used.add(header)
    if "quantity" in columns and "unit" not in columns:
        bracket = re.search(r"\(([^)]+)\)|\bin ([a-z]+)$", columns["quantity"][0], re.I)
        unit = unit_text_code(catalog, bracket[1] or bracket[2]) if bracket else None
        if unit is not None:
            mapping.constants["unit"] = unit
    return mapping


def _suggest_from_values(
    targets: dict[str, Target],
    columns: dict[str, list[str]],
    sample: Sequence[Cell],
    catalog: Catalog,
) -> str | None:
    """The unmapped field most of a column's values fit, if any."""
    if len(sample) < 2:
        return None
    free = [target for name, target in targets.items() if name not in columns]

    def share(test: Callable[[Cell], bool]) -> float:
        return sum(1 for cell in sample if test(cell)) / len(sample)

    def reads_as_date(cell: Cell) -> bool:
        if isinstance(cell, date):
            return True
        try:
            parse_date(cell, DateOrder.DAY_FIRST)
        except ValueError:
            return False
        return isinstance(cell, str)

    dated = any(targets[name].reads is Reads.DATE for name in columns)
    for target in free:
        # One column of dates is taken from its values; which date a second one is
        # (an end, a period's start) only its header can say.
        if target.reads is Reads.DATE and not dated and share(reads_as_date) >= 0.8:
            return target.name
        if target.name == "quantity" and quantity_has_units(sample) and share(_has_digit) >= 0.8:
            return target.name
        # A column of countries could be any of a seizure's countries: a person says which.
        if target.reads is Reads.CODE and target.reference_list not in (None, "units", "countries"):
            list_name = target.reference_list
            assert list_name is not None
            known = sum(1 for cell in sample if suggest_code(catalog, list_name, str(cell)))
            if known / len(sample) >= 0.6:
                return target.name
    return None


def _has_digit(cell: Cell) -> bool:
    return any(character.isdigit() for character in str(cell))
