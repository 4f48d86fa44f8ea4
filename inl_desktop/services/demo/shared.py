"""What every part of the demonstration data shares: the seeded random draws, the
author, the progress callback, and the names and weights it draws from (a data file
in resources/demo, so a country program can swap them without touching code)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Connection

from inl_desktop import paths
from inl_desktop.domain.catalog import Catalog
from inl_desktop.services.context import AppContext
from inl_desktop.store.record_rows import Audit

T = TypeVar("T")
Progress = Callable[[int, int, str], None]
"""(done, total, what) -> None; raise to cancel."""

AUTHOR = "demo"
_COUNTED_UNITS = ("TABLET", "PLANT", "AMPOULE")


class DemoRandom(random.Random):
    """The seeded generator every draw comes from: the same seed, the same demo."""

    def uuid(self) -> str:
        """A version-4 UUID drawn from this generator (so the seed fixes it)."""
        h = f"{self.getrandbits(128):032x}"
        variant = "89ab"[int(h[16], 16) & 3]
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"

    def pick(self, choices: Sequence[T]) -> T:
        """Like ``choice``, several times faster (fine for short sequences)."""
        return choices[int(self.random() * len(choices))]

    def day(self, first: date, last: date) -> date:
        """A day from ``first`` to ``last``, both included."""
        return first + timedelta(days=self.randrange((last - first).days + 1))


def draw_quantity(rng: DemoRandom, typical: float, spread: float, unit: str) -> Decimal:
    """A plausible quantity around ``typical`` (whole for counted units), written
    without an exponent."""
    value = rng.lognormvariate(0.0, spread) * typical
    if unit in _COUNTED_UNITS:
        return Decimal(max(1, round(value)))
    return Decimal(format(Decimal(str(round(max(value, 0.01), 3))).normalize(), "f"))


def weighted(choices: list[tuple[T, int]]) -> list[T]:
    """A list in which each choice appears as often as its weight."""
    return [value for value, weight in choices for _ in range(weight)]


@dataclass(frozen=True)
class DemoAgency:
    """A seizing agency, how often it seizes, and the provinces it mostly works in."""

    code: str
    weight: int
    provinces: tuple[str, ...]


DemoDrug = tuple[str, int, str, float, float]
"""(drug, weight, unit, typical quantity, spread)"""


@dataclass(frozen=True)
class DemoLists:
    """The names and weights the demo draws from."""

    agencies: tuple[DemoAgency, ...]
    drugs: tuple[DemoDrug, ...]
    transport_modes: tuple[str, ...]
    places: tuple[str, ...]
    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    men: tuple[str, ...]
    women: tuple[str, ...]
    surnames: tuple[str, ...]
    ranks: tuple[str, ...]
    providers: tuple[str, ...]


def demo_lists() -> DemoLists:
    """The lists of resources/demo/lists.json."""
    path = paths.resources_dir() / "demo" / "lists.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))

    def texts(name: str) -> tuple[str, ...]:
        return tuple(str(text) for text in data[name])

    return DemoLists(
        agencies=tuple(
            DemoAgency(a["code"], int(a["weight"]), tuple(a["provinces"])) for a in data["agencies"]
        ),
        drugs=tuple(
            (d["drug"], int(d["weight"]), d["unit"], float(d["typical"]), float(d["spread"]))
            for d in data["drugs"]
        ),
        transport_modes=texts("transport_modes"),
        places=texts("places"),
        origins=texts("origins"),
        destinations=texts("destinations"),
        men=texts("men"),
        women=texts("women"),
        surnames=texts("surnames"),
        ranks=texts("ranks"),
        providers=texts("providers"),
    )


@dataclass
class DemoRun:
    """One demo being added: the open transaction and what every part draws with."""

    ctx: AppContext
    connection: Connection
    rng: DemoRandom
    catalog: Catalog
    post: str
    lists: DemoLists
    today: date
    report: Progress

    def audit(self) -> Audit:
        """The audit columns of records added now by the demo's author."""
        now = self.ctx.now()
        return Audit(self.post, now, AUTHOR, now, AUTHOR)
