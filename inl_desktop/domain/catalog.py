"""The reference lists a validation needs, as plain Python (loaded by the store)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from inl_desktop.domain.units import DrugDef, UnitDef


@dataclass(frozen=True)
class Catalog:
    """Codes and labels of every reference list, with drug and unit details.

    ``codes`` maps a list name to {code: label}; retired codes stay in it (old
    records keep them) and are also listed in ``retired``. ``aliases`` maps a list
    name to {code: other names of the code} ("KPK" and "NWFP" for Khyber Pakhtunkhwa);
    ``remembered`` maps a list name to {spelling key: code}, the spellings of the
    post's files that an import mapped to a code before.
    """

    codes: dict[str, dict[str, str]]
    drugs: dict[str, DrugDef] = field(default_factory=dict)
    units: dict[str, UnitDef] = field(default_factory=dict)
    parents: dict[str, dict[str, str]] = field(default_factory=dict)
    retired: dict[str, frozenset[str]] = field(default_factory=dict)
    aliases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    remembered: dict[str, dict[str, str]] = field(default_factory=dict)
    national_id_name: str = "National ID"
    national_id_pattern: str | None = None

    def has(self, list_name: str, code: str) -> bool:
        """Whether ``code`` is in the list (retired codes included)."""
        return code in self.codes.get(list_name, {})

    def label(self, list_name: str, code: str | None) -> str:
        """A code's label, the code itself when unknown, "" for None."""
        if code is None:
            return ""
        return self.codes.get(list_name, {}).get(code, code)

    def parent_of(self, list_name: str, code: str) -> str | None:
        """The parent code of an item (a district's province), if any."""
        return self.parents.get(list_name, {}).get(code)

    def national_id_ok(self, national_id: str) -> bool:
        """Whether a national ID matches the country's format (any text if none)."""
        if self.national_id_pattern is None:
            return True
        return re.fullmatch(self.national_id_pattern, national_id.strip()) is not None
