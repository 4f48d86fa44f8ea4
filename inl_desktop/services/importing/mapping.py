"""The mapping of one source file to records: which column fills which field, the
constants for fields the file lacks, which source texts mean which reference codes,
and how to read the file. Saved as a named JSON profile (docs/import-mapping.md) to
reuse next month; suggested from the headers and values when there is none.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.import_values import DateOrder, Decimals, split_quantity
from inl_desktop.domain.roster import fold
from inl_desktop.services.importing.targets import ImportKind, Target, targets_of

PROFILE_FORMAT = 1
_KEYS = {
    "format",
    "name",
    "kind",
    "sheet",
    "header_row",
    "encoding",
    "delimiter",
    "decimal_separator",
    "date_order",
    "columns",
    "constants",
    "values",
    "new_codes",
    "where",
    "repair_decimal_commas",
}


class BadMapping(UserError):
    """A mapping profile that cannot be used (the message names the key)."""


@dataclass
class ImportMapping:
    """How to turn a file's rows into records (see the module docstring).

    ``columns`` maps a field to a header, or to several headers whose cells are
    joined (with "-" for dates: year, month, day columns make a date; with a space
    otherwise). ``values`` maps, per field, a source text (folded) to a code.
    ``new_codes`` lists reference values to add to their lists on import, by list.
    ``where`` keeps only the rows whose column (by header) has one of some values; the
    others are *not selected*. ``repair_decimal_commas`` joins the decimal commas of a
    comma-separated file's ragged rows (exchange.ragged), as the user chose.
    """

    kind: ImportKind
    name: str = ""
    sheet: str | None = None
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal_separator: Decimals | None = None
    date_order: DateOrder | None = None
    columns: dict[str, list[str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    new_codes: dict[str, dict[str, str]] = field(default_factory=dict)
    where: dict[str, list[str]] = field(default_factory=dict)
    repair_decimal_commas: bool = False

    def keeps(self, header: str, cell_text: str) -> bool:
        """Whether a row whose ``header`` cell reads ``cell_text`` is selected."""
        wanted = self.where.get(header)
        return wanted is None or where_key(cell_text) in {where_key(value) for value in wanted}

    def as_json(self) -> dict[str, Any]:
        """The profile as written to a file."""
        return {
            "format": PROFILE_FORMAT,
            "name": self.name,
            "kind": str(self.kind),
            "sheet": self.sheet,
            "header_row": self.header_row,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "decimal_separator": self.decimal_separator and str(self.decimal_separator),
            "date_order": self.date_order and str(self.date_order),
            "columns": {
                name: headers[0] if len(headers) == 1 else headers
                for name, headers in self.columns.items()
            },
            "constants": self.constants,
            "values": self.values,
            "new_codes": self.new_codes,
            "where": self.where,
            "repair_decimal_commas": self.repair_decimal_commas,
        }

    def save(self, path: Path) -> None:
        """Write the profile as JSON (UTF-8, indented for people to read)."""
        text = json.dumps(self.as_json(), ensure_ascii=False, indent=2)
        try:
            path.write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise UserError(f"The mapping cannot be saved to {path}: {error.strerror}") from None

    def value_code(self, target: str, text: str) -> str | None:
        """The code the mapping gives a source text, if any."""
        return self.values.get(target, {}).get(fold(text))


def where_key(text: str) -> str:
    """A cell's text as ``where`` compares it: case, spacing and punctuation ignored, in
    any script ("PAKISTAN " is "Pakistan"; an Urdu name stays itself)."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def load_mapping(path: Path) -> ImportMapping:
    """Read a profile; BadMapping names what is wrong in it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise BadMapping(f"{path} cannot be read: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise BadMapping(f"{path.name} is not JSON: {error.msg} (line {error.lineno})") from None
    return mapping_from_json(data, path.name)


def mapping_from_json(data: object, source: str = "the mapping") -> ImportMapping:
    """A mapping from parsed JSON, checked key by key."""
    if not isinstance(data, dict):
        raise BadMapping(f"{source}: a mapping is a JSON object")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise BadMapping(f"{source}: unknown key {unknown[0]!r}")
    if data.get("format", PROFILE_FORMAT) != PROFILE_FORMAT:
        raise BadMapping(f"{source}: format {data.get('format')!r} is not known (1 is)")
    try:
        kind = ImportKind(str(data.get("kind")))
    except ValueError:
        kinds = ", ".join(k.value for k in ImportKind)
        raise BadMapping(f"{source}: kind must be one of {kinds}") from None
    targets = targets_of(kind)
    mapping = ImportMapping(kind, name=_text(data, "name", source) or "")
    mapping.sheet = _text(data, "sheet", source)
    mapping.encoding = _text(data, "encoding", source)
    mapping.delimiter = _text(data, "delimiter", source)
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 0):
        raise BadMapping(f"{source}: header_row must be a row number (0: no header)")
    mapping.header_row = header_row
    try:
        separator = data.get("decimal_separator")
        mapping.decimal_separator = Decimals(separator) if separator else None
    except ValueError:
        raise BadMapping(f'{source}: decimal_separator must be "." or ","') from None
    try:
        order = data.get("date_order")
        mapping.date_order = DateOrder(order) if order else None
    except ValueError:
        raise BadMapping(f"{source}: date_order must be day-first or month-first") from None
    for name, headers in _object(data, "columns", source).items():
        _known(targets, name, "columns", source)
        if isinstance(headers, str):
            headers = [headers]
        if not isinstance(headers, list) or not all(isinstance(h, str) for h in headers):
            raise BadMapping(f"{source}: columns.{name} must be a header or a list of headers")
        mapping.columns[name] = headers
    for name, value in _object(data, "constants", source).items():
        _known(targets, name, "constants", source)
        if not isinstance(value, str | int | float):
            raise BadMapping(f"{source}: constants.{name} must be a text or a number")
        mapping.constants[name] = str(value)
    for name, table in _object(data, "values", source).items():
        _known(targets, name, "values", source)
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise BadMapping(f"{source}: values.{name} must map texts to codes")
        mapping.values[name] = {fold(text): code for text, code in table.items()}
    for list_name, table in _object(data, "new_codes", source).items():
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise BadMapping(f"{source}: new_codes.{list_name} must map codes to labels")
        mapping.new_codes[list_name] = dict(table)
    for header, wanted in _object(data, "where", source).items():
        if isinstance(wanted, str | int | float):
            wanted = [wanted]
        if (
            not isinstance(wanted, list)
            or not wanted
            or not all(isinstance(value, str | int | float) for value in wanted)
        ):
            raise BadMapping(f"{source}: where.{header} must be a value or a list of values")
        mapping.where[header] = [str(value) for value in wanted]
    repair = data.get("repair_decimal_commas", False)
    if not isinstance(repair, bool):
        raise BadMapping(f"{source}: repair_decimal_commas must be true or false")
    mapping.repair_decimal_commas = repair
    return mapping


def _text(data: dict[str, Any], key: str, source: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise BadMapping(f"{source}: {key} must be a text")
    return value


def _object(data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise BadMapping(f"{source}: {key} must be a JSON object")
    return value


def _known(targets: dict[str, Target], name: str, key: str, source: str) -> None:
    if name not in targets:
        raise BadMapping(f"{source}: {key}.{name} is not a field of this kind of record")


# -- suggestions -------------------------------------------------------------------------


def suggest_columns(kind: ImportKind, headers: Iterable[str]) -> dict[str, list[str]]:
    """Field -> header, from the header names: exact names first, then close ones.
    Each header fills at most one field."""
    targets = targets_of(kind)
    folded = {header: fold(header) for header in headers if fold(header)}
    names: dict[str, set[str]] = {
        name: {fold(name.replace("_", " ")), fold(target.label), *target.synonyms}
        for name, target in targets.items()
    }
    chosen: dict[str, list[str]] = {}
    used: set[str] = set()
    for exact in (True, False):
        for name in targets:
            if name in chosen:
                continue
            for header, text in folded.items():
                if header in used:
                    continue
                if (exact and text in names[name]) or (not exact and _close(text, names[name])):
                    chosen[name] = [header]
                    used.add(header)
                    break
    return {name: chosen[name] for name in targets if name in chosen}


def _close(text: str, candidates: set[str]) -> bool:
    words = set(text.split())
    for candidate in candidates:
        if len(candidate) > 3 and f" {candidate} " in f" {text} ":
            return True
        if words and candidate and set(candidate.split()) <= words and len(candidate) > 2:
            return True
    return bool(difflib.get_close_matches(text, list(candidates), n=1, cutoff=0.85))


def quantity_has_units(cells: Iterable[object]) -> bool:
    """Whether a quantity column carries its units in the cells ("12 kg")."""
    for cell in cells:
        if isinstance(cell, str) and cell.strip():
            try:
                _number, unit = split_quantity(cell)
            except ValueError:
                continue
            if unit:
                return True
    return False


def suggest_decimals(cells: Iterable[object]) -> Decimals:
    """A decimal comma when number texts are written "3,26" or "1.234,5"."""
    comma = point = 0
    for cell in cells:
        if not isinstance(cell, str):
            continue
        text = re.sub(r"[^\d.,]+$", "", cell.strip())  # a unit after the number: "3,26 kg"
        if re.search(r"\d,\d{1,2}$|\d,\d{4,}$|\d\.\d{3},\d", text):
            comma += 1
        elif re.search(r"\d\.\d{1,2}$|\d\.\d{4,}$|\d,\d{3}\.\d", text):
            point += 1
    return Decimals.COMMA if comma > point else Decimals.POINT
