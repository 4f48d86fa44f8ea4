"""Which reference code a spelling in a post's file means: the code, its label, the
names in a label's brackets, its initials, and close spellings."""

from __future__ import annotations

import difflib
import re

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.roster import fold


def _acronym(label: str) -> str:
    words = [w for w in re.split(r"[^0-9A-Za-z]+", label) if w and w.lower() not in ("of", "and")]
    return "".join(w[0] for w in words).lower()


_LOOKUPS: dict[tuple[int, str], tuple[Catalog, dict[str, str]]] = {}


def code_lookup(catalog: Catalog, list_name: str) -> dict[str, str]:
    """Folded texts that name a code of a list: the code, its label, the words in the
    label's brackets ("Hashish (cannabis resin, charas)"), the label's initials."""
    cached = _LOOKUPS.get((id(catalog), list_name))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    if len(_LOOKUPS) > 64:
        _LOOKUPS.clear()
    lookup = _build_lookup(catalog, list_name)
    _LOOKUPS[(id(catalog), list_name)] = (catalog, lookup)
    return lookup


def _build_lookup(catalog: Catalog, list_name: str) -> dict[str, str]:
    retired = catalog.retired.get(list_name, frozenset())
    lookup: dict[str, str] = {}
    for code, label in catalog.codes.get(list_name, {}).items():
        if code in retired:
            continue
        lookup.setdefault(fold(code), code)
        lookup.setdefault(fold(code.replace("_", " ")), code)
        lookup.setdefault(fold(label), code)
        outside = re.sub(r"\(.*?\)", " ", label)
        lookup.setdefault(fold(outside), code)
        for inside in re.findall(r"\((.*?)\)", label):
            for part in re.split(r"[,;/]| or ", inside):
                if fold(part):
                    lookup.setdefault(fold(part), code)
        acronym = _acronym(outside)
        if len(acronym) >= 2:
            lookup.setdefault(acronym, code)
    return lookup


def suggest_code(catalog: Catalog, list_name: str, text: str) -> str | None:
    """The code a source text most likely means ("Charas" -> HASHISH, "MoD" -> MOD,
    "Ministry Of Defense" -> MOD), or None."""
    folded = fold(text)
    if not folded:
        return None
    lookup = code_lookup(catalog, list_name)
    if folded in lookup:
        return lookup[folded]
    singular = folded[:-1] if folded.endswith("s") else folded + "s"
    if singular in lookup:
        return lookup[singular]
    close = difflib.get_close_matches(folded, list(lookup), n=1, cutoff=0.82)
    return lookup[close[0]] if close else None


def unit_text_code(catalog: Catalog, text: str) -> str | None:
    """The unit code of a unit written after a number ("kg", "Kgs", "grams", "ltr")."""
    folded = fold(text).replace(" ", "")
    aliases = {
        "kgs": "KG",
        "kilo": "KG",
        "kilos": "KG",
        "kilogram": "KG",
        "kilograms": "KG",
        "gm": "G",
        "gms": "G",
        "gr": "G",
        "grams": "G",
        "gram": "G",
        "g": "G",
        "mt": "MT",
        "ton": "MT",
        "tons": "MT",
        "tonne": "MT",
        "tonnes": "MT",
        "ltr": "L",
        "ltrs": "L",
        "litre": "L",
        "litres": "L",
        "liter": "L",
        "liters": "L",
        "lb": "LB",
        "lbs": "LB",
        "pound": "LB",
        "pounds": "LB",
        "ml": "ML",
        "tabs": "TABLET",
        "tab": "TABLET",
        "tablets": "TABLET",
        "pills": "TABLET",
    }
    code = aliases.get(folded)
    if code is not None and catalog.has("units", code):
        return code
    return suggest_code(catalog, "units", text)
