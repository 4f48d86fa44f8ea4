"""Which reference code a spelling in a post's file means.

Every name of a code is compared by its ``spelling_key``: case, accents, punctuation
and word order do not matter, "&" is "and", and the dots of initials join their
letters (A.N.F. is ANF). A spelling names a code through, strongest first: a spelling
the post mapped before (remembered, ``services.importing.remembered``); the code, its
label or one of its aliases (the reference lists page edits them); the label outside
its brackets and the names in them ("Hashish (cannabis resin, charas)"); the initials
of the label or an alias ("MoD", "NWFP"). A key that names two codes at one strength
names neither. Failing all that, a close spelling of a label or an alias is suggested,
conservatively: never for a short text, a country or a continent, nor when two codes
are about as close.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.roster import fold

# Letters followed by dots, at least two of them: "A.N.F.", "K.P.K", "U. S. A.".
_INITIALS = re.compile(r"(?<!\w)(?:[^\W\d_]\.[ \t]?){2,}(?:[^\W\d_](?!\w))?")
_APOSTROPHES = re.compile(r"['\u2019\u02bc]")
_NOT_WORD = re.compile(r"[\W_]+")
_BRACKETS = re.compile(r"\((.*?)\)")
_ACRONYM_SKIP = frozenset({"of", "and", "the"})

# A close spelling is sought only for a text this long (letters and digits) and only
# among names this long: "Sind" is not a typing slip of "Sindh", it is an alias or not.
CLOSE_MIN_LENGTH = 5
CLOSE_CUTOFF = 0.85
# Two codes whose names are within this of the best match: no suggestion.
CLOSE_MARGIN = 0.04
# A text naming a continent ("South Asia", "Middle East") is never taken for a near
# spelling of a province, district or agency; nor is a country, found in the country list.
CONTINENT_WORDS = frozenset(
    [
        "africa",
        "america",
        "americas",
        "antarctica",
        "asia",
        "caribbean",
        "eurasia",
        "europe",
        "oceania",
    ]
)


def spelling_key(text: str) -> str:
    """A spelling reduced for comparison: accents and case dropped, "&" read as "and",
    the dots of initials joining their letters ("A.N.F." -> "anf"), other punctuation
    separating words, and the words sorted ("Resin, hashish" -> "hashish resin")."""
    text = _INITIALS.sub(lambda m: re.sub(r"[.\s]", "", m.group(0)) + " ", text)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    return " ".join(sorted(_NOT_WORD.sub(" ", text).split()))


def split_aliases(text: str) -> tuple[str, ...]:
    """Aliases typed in one field, separated by "|" or ";" (blanks dropped)."""
    return tuple(part.strip() for part in re.split(r"[|;]", text) if part.strip())


def _acronym(name: str) -> str:
    """The initials of a name of several words ("North-West Frontier Province" ->
    "nwfp"); none for a name that holds initials already ("KP Police")."""
    words = [w for w in _NOT_WORD.split(name.replace("&", " and ")) if w]
    if len(words) < 2 or any(len(w) > 1 and w.isupper() for w in words):
        return ""
    return "".join(w[0] for w in words if w.casefold() not in _ACRONYM_SKIP).casefold()


@dataclass(frozen=True)
class _Lookup:
    """Spelling keys of one list: every key that names one code, those of them made
    from a label's brackets or initials, and the names a close spelling may be matched
    to."""

    exact: dict[str, str]
    remembered: frozenset[str]
    derived: frozenset[str]
    close: dict[str, str]


class _Levels:
    """Keys collected by strength; a key two codes claim at one strength is dropped."""

    def __init__(self) -> None:
        self.exact: dict[str, str] = {}
        self._taken: set[str] = set()
        self._level: dict[str, str | None] = {}

    def add(self, key: str, code: str) -> None:
        if not key or key in self._taken:
            return
        known = self._level.get(key, code)
        self._level[key] = code if known == code else None

    def close_level(self) -> None:
        for key, code in self._level.items():
            self._taken.add(key)
            if code is not None:
                self.exact[key] = code
        self._level = {}


# Lookups built, by catalog (held, so its id is not reused), list and remembered spellings.
_LOOKUPS: dict[tuple[int, str, tuple[tuple[str, str], ...] | None], tuple[Catalog, _Lookup]] = {}


def code_lookup(
    catalog: Catalog, list_name: str, remembered: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Spelling keys (``spelling_key``) that name one live code of a list: remembered
    spellings, codes, labels, aliases, the names in a label's brackets, initials.

    ``remembered`` maps spellings (texts or keys) to codes; None: the catalog's own
    remembered spellings of the list.
    """
    return _lookup(catalog, list_name, remembered).exact


def _lookup(catalog: Catalog, list_name: str, remembered: Mapping[str, str] | None) -> _Lookup:
    given = tuple(sorted(remembered.items())) if remembered is not None else None
    cache_key = (id(catalog), list_name, given)
    cached = _LOOKUPS.get(cache_key)
    if cached is not None and cached[0] is catalog:
        return cached[1]
    if len(_LOOKUPS) > 64:
        _LOOKUPS.clear()
    if remembered is None:
        remembered = catalog.remembered.get(list_name, {})
    built = _build_lookup(catalog, list_name, remembered)
    _LOOKUPS[cache_key] = (catalog, built)
    return built


def _build_lookup(catalog: Catalog, list_name: str, remembered: Mapping[str, str]) -> _Lookup:
    retired = catalog.retired.get(list_name, frozenset())
    codes = {
        code: label
        for code, label in catalog.codes.get(list_name, {}).items()
        if code not in retired
    }
    aliases = catalog.aliases.get(list_name, {})
    levels = _Levels()
    for text, code in remembered.items():
        if code in codes:
            levels.add(spelling_key(text), code)
    levels.close_level()
    remembered_keys = frozenset(levels.exact)
    close: dict[str, str | None] = {}
    for code, label in codes.items():
        levels.add(spelling_key(code), code)
        for name in (label, *aliases.get(code, ())):
            key = spelling_key(name)
            levels.add(key, code)
            if len(key.replace(" ", "")) >= CLOSE_MIN_LENGTH:
                close[key] = code if close.get(key, code) == code else None
    levels.close_level()
    named = set(levels.exact)
    for code, label in codes.items():
        outside = _BRACKETS.sub(" ", label)
        levels.add(spelling_key(outside), code)
        for inside in _BRACKETS.findall(label):
            for part in re.split(r"[,;/]| or ", inside):
                levels.add(spelling_key(part), code)
    levels.close_level()
    for code, label in codes.items():
        for name in (_BRACKETS.sub(" ", label), *aliases.get(code, ())):
            acronym = _acronym(name)
            if len(acronym) >= 2:
                levels.add(acronym, code)
    levels.close_level()
    derived = frozenset(levels.exact.keys() - named)
    close_names = {k: c for k, c in close.items() if c is not None}
    return _Lookup(levels.exact, remembered_keys, derived, close_names)


def _plural_variants(key: str) -> Iterable[str]:
    """The key with one word's plural "s" dropped or added ("tablets" -> "tablet")."""
    words = key.split()
    for position, word in enumerate(words):
        if len(word) < 3:
            continue
        changed = word[:-1] if word.endswith("s") else word + "s"
        yield " ".join(sorted([*words[:position], changed, *words[position + 1 :]]))


def suggest_code(
    catalog: Catalog, list_name: str, text: str, remembered: Mapping[str, str] | None = None
) -> str | None:
    """The code a source text most likely means ("Charas" -> HASHISH, "A.N.F." -> ANF,
    "KPK" -> PK-KP, "Ministry Of Defense" -> MOD), or None.

    ``remembered`` maps spellings the post mapped before to codes; None: the catalog's
    own (``Catalog.remembered``). A retired code is never suggested.
    """
    key = spelling_key(text)
    if not key:
        return None
    lookup = _lookup(catalog, list_name, remembered)
    if key in lookup.exact:
        # "UK" is the United Kingdom, not the initials of Upper Kohistan.
        if key in lookup.derived and _names_a_country(catalog, list_name, key):
            return None
        return lookup.exact[key]
    # A mapping keeps its texts folded ("K.P.K." as "k p k"): remembered so, they are
    # found so.
    folded = spelling_key(fold(text))
    if folded in lookup.remembered:
        return lookup.exact[folded]
    found = {lookup.exact[v] for v in _plural_variants(key) if v in lookup.exact}
    if len(found) == 1:
        return found.pop()
    if found or not _may_be_close(catalog, list_name, key):
        return None
    return _close_code(key, lookup.close)


def _may_be_close(catalog: Catalog, list_name: str, key: str) -> bool:
    """Whether a text may be matched to a near spelling: long enough, and not the name
    of a country or a region (which a province, district or agency only resembles)."""
    if len(key.replace(" ", "")) < CLOSE_MIN_LENGTH:
        return False
    if list_name != "countries":
        words = set(key.split())
        if words & CONTINENT_WORDS or {"middle", "east"} <= words:
            return False
        if _names_a_country(catalog, list_name, key):
            return False
    return True


def _names_a_country(catalog: Catalog, list_name: str, key: str) -> bool:
    return list_name != "countries" and key in _lookup(catalog, "countries", None).exact


def _close_code(key: str, close: Mapping[str, str]) -> str | None:
    """The code of the one name a key is a near spelling of (same number of words)."""
    words = len(key.split())
    candidates = [name for name in close if len(name.split()) == words]
    matches = difflib.get_close_matches(key, candidates, n=4, cutoff=CLOSE_CUTOFF - CLOSE_MARGIN)
    if not matches:
        return None
    scored = sorted(
        ((difflib.SequenceMatcher(None, key, name).ratio(), close[name]) for name in matches),
        reverse=True,
    )
    best, code = scored[0]
    if best < CLOSE_CUTOFF:
        return None
    if any(other != code and ratio > best - CLOSE_MARGIN for ratio, other in scored[1:]):
        return None
    return code


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
