"""What encryption costs the clerk: the seizure list, a search keystroke, a save and
signing in, on the same database plain and encrypted (SQLCipher).

    python bench/encryption.py [--items 1000000] [--runs 9] [--rebuild] [--cache-mib N]

Starts from N seizure items built as bench/seizures.py builds them (``inl-desktop demo``)
and cached where bench/startup.py keeps them, /tmp/inl-desktop-bench/seizures-N.sqlite
(built there if missing; it is only read, never changed). A compacted copy at the
current schema is the plain database, and a copy of that encrypted with
``services.users.encrypt_database`` (Argon2id at its default cost) the encrypted one.
The pair is kept in /tmp/inl-desktop-bench/encryption-N/ and copied into a scratch
folder for each run, so that the saves of one run do not pile up.

Both files are read once first, so that the operating system has them in memory (a
clerk's machine after the first minutes); "cold" below means SQLite's own page cache
is empty (a new engine), which is where SQLCipher decrypts. Measured with the
services the seizure list and form call, plain and encrypted taking turns within each
round, as medians over --runs:

- cold first page: a new engine (``open_database``), then the list's first page;
- first page: the list's first page again on the open engine (warm, as a reload);
- search keystroke: the page for a word once its last letter is typed, the word less
  that letter having been searched just before (as the clerk's previous keystroke),
  for a rare and a common word;
- search totals: the count and kg-equivalent under the list for the same search
  (computed in the background by the app, it does not block typing);
- save: the form's save of a new seizure (possible duplicates, then ``save_seizure``);
- sign-in: for the encrypted database, unwrapping its key with the password (Argon2id)
  and the first connection (``open_database`` and the user's role); for the plain one,
  the same opening and query without a key.

``--cache-mib N`` gives every connection of both databases a page cache of N MiB (PRAGMA
cache_size), to weigh a larger cache than the engine's: SQLCipher decrypts a page each
time it comes into that cache, so what the cache holds is read again for free.

Prints the medians and the ratio encrypted / plain of each (target at most 1.3, sign-in
apart: its Argon2id cost is chosen to be about half a second); the last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CACHE = Path(tempfile.gettempdir()) / "inl-desktop-bench"
# The big database and the medians as bench/seizures.py makes them (bench/ is on the path).
from seizures import ensure_database, median_ms  # noqa: E402

RARE_WORDS = ["Kharan", "Chitral", "Hunza", "Tharparkar", "Ziarat", "Awaran", "Kohistan"]
COMMON_WORDS = ["Checkpost", "Airport", "Residence", "Warehouse", "Border area"]
ADMIN = "Bench Admin"
PASSWORD = "bench-password-1"
TARGET_RATIO = 1.3
VARIANTS = ("plain", "encrypted")


def build_pair(source: Path, folder: Path) -> dict[str, float]:
    """The plain and the encrypted database in ``folder``; seconds each step took."""
    import sqlite3

    from inl_desktop.services.context import utc_now
    from inl_desktop.services.users import Credentials, encrypt_database
    from inl_desktop.store.migrate import backups_dir, open_database

    seconds: dict[str, float] = {}
    if folder.exists():
        shutil.rmtree(folder)
    plain, encrypted = folder / "plain.sqlite", folder / "encrypted.sqlite"
    folder.mkdir(parents=True)
    started = time.perf_counter()
    # VACUUM INTO lays the copy out as sqlcipher_export lays out the encrypted one: the
    # two differ only in encryption. The source is only read: "immutable" keeps SQLite
    # from making its -wal and -shm beside it, which is safe while its WAL is empty.
    wal = source.with_name(source.name + "-wal")
    untouched = "&immutable=1" if not wal.exists() or wal.stat().st_size == 0 else ""
    reader = sqlite3.connect(source.resolve().as_uri() + "?mode=ro" + untouched, uri=True)
    try:
        reader.execute("VACUUM INTO ?", (str(plain),))
    finally:
        reader.close()
    seconds["copy_s"] = time.perf_counter() - started
    started = time.perf_counter()
    open_database(plain, now=utc_now).dispose()  # to the current schema
    shutil.rmtree(backups_dir(plain), ignore_errors=True)
    seconds["migrate_s"] = time.perf_counter() - started
    shutil.copyfile(plain, encrypted)
    started = time.perf_counter()
    encrypt_database(encrypted, Credentials(ADMIN, PASSWORD), utc_now)
    seconds["encrypt_s"] = time.perf_counter() - started
    shutil.rmtree(backups_dir(encrypted), ignore_errors=True)
    return {key: round(value, 1) for key, value in seconds.items()}


def copy_pair(built: Path, work: Path) -> dict[str, Path]:
    """The built pair copied into ``work`` (the encrypted one with its key file)."""
    from inl_desktop.store.cipher import keys_path

    paths = {}
    for variant in VARIANTS:
        source, target = built / f"{variant}.sqlite", work / variant / "post.sqlite"
        target.parent.mkdir(parents=True)
        shutil.copyfile(source, target)
        if keys_path(source).exists():
            shutil.copyfile(keys_path(source), keys_path(target))
        paths[variant] = target
    return paths


def read_through(path: Path) -> None:
    """Read a file once, so that the operating system keeps it in memory."""
    with path.open("rb") as handle:
        while handle.read(16 * 1024 * 1024):
            pass


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def interleaved(
    runs: int, cases: Callable[[str, int], float], order: tuple[str, ...] = VARIANTS
) -> dict[str, list[float]]:
    """Each variant once per round, the first of them alternating, so that a slow
    moment of the machine hits both alike."""
    found: dict[str, list[float]] = {variant: [] for variant in order}
    for n in range(runs):
        for variant in order if n % 2 == 0 else tuple(reversed(order)):
            found[variant].append(cases(variant, n))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--rebuild", action="store_true", help="build the pair again")
    parser.add_argument(
        "--cache-mib", type=int, default=None, help="page cache of every connection, in MiB"
    )
    args = parser.parse_args()

    from sqlalchemy import Engine, event

    from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.services.duplicates import find_possible_duplicates
    from inl_desktop.services.pages import read_page
    from inl_desktop.services.record_lists import (
        SeizureFilter,
        SeizureTotals,
        seizure_rows,
        seizure_totals,
    )
    from inl_desktop.services.seizures import save_seizure
    from inl_desktop.services.users import (
        Credentials,
        UserProblem,
        sign_in,
        signed_in_role,
    )
    from inl_desktop.store.cipher import KEYRING, KeyFile, keys_path
    from inl_desktop.store.migrate import open_database

    def open_engine(path: Path) -> Engine:
        """The engine the app opens (``open_database``), with --cache-mib's page cache."""
        engine = open_database(path, now=utc_now)
        if args.cache_mib is not None:
            # After the engine's own connect handlers (an encrypted file needs its key first).
            pragma = f"PRAGMA cache_size = -{args.cache_mib * 1024}"
            event.listen(engine, "connect", lambda connection, _record: connection.execute(pragma))
        return engine

    source = CACHE / f"seizures-{args.items}.sqlite"
    built = CACHE / f"encryption-{args.items}"
    build_seconds: dict[str, float] = {}
    if args.rebuild or not (built / "encrypted.sqlite.keys").exists():
        ensure_database(source, args.items)
        print(f"building the plain and encrypted pair in {built}…", file=sys.stderr)
        build_seconds = build_pair(source, built)
        print(f"built: {build_seconds}", file=sys.stderr)
    credentials = Credentials(ADMIN, PASSWORD)

    with tempfile.TemporaryDirectory(prefix="inl-bench-encryption-") as scratch:
        paths = copy_pair(built, Path(scratch))
        for path in paths.values():
            read_through(path)
        database_id = KeyFile.read(keys_path(paths["encrypted"])).database_id
        sign_in(paths["encrypted"], credentials)

        def first_page(ctx: AppContext, filter_: SeizureFilter) -> list[dict[str, Any]]:
            # What the list's model does on reload: the first page, newest first.
            return read_page(
                ctx,
                lambda connection, offset: seizure_rows(connection, filter_, "date", True, offset),
                0,
            )

        open_seconds: dict[str, list[float]] = {variant: [] for variant in VARIANTS}

        def cold_first_page(variant: str, _n: int) -> float:
            started = time.perf_counter()
            ctx = AppContext(open_engine(paths[variant]), user="bench")
            opened = time.perf_counter()
            first_page(ctx, SeizureFilter())
            done = time.perf_counter()
            ctx.engine.dispose()
            open_seconds[variant].append(opened - started)
            return done - opened

        cold = interleaved(args.runs, cold_first_page)

        contexts = {
            variant: AppContext(open_engine(paths[variant]), user="bench") for variant in VARIANTS
        }
        for ctx in contexts.values():
            first_page(ctx, SeizureFilter())  # the page cache as a clerk's second look has it
            ctx.catalog()

        warm_first_page = interleaved(
            args.runs,
            lambda variant, _n: timed(lambda: first_page(contexts[variant], SeizureFilter())),
        )

        totals_seconds: dict[str, dict[str, list[float]]] = {
            kind: {variant: [] for variant in VARIANTS} for kind in ("rare", "common")
        }

        def keystroke(words: list[str], kind: str) -> Callable[[str, int], float]:
            def case(variant: str, n: int) -> float:
                ctx, word = contexts[variant], words[n % len(words)]
                first_page(ctx, SeizureFilter(text=word[:-1]))  # the keystroke before
                seconds = timed(lambda: first_page(ctx, SeizureFilter(text=word)))
                totals: list[SeizureTotals] = []
                totals_seconds[kind][variant].append(
                    timed(lambda: totals.append(seizure_totals(ctx, SeizureFilter(text=word))))
                )
                return seconds

            return case

        search_rare = interleaved(args.runs, keystroke(RARE_WORDS, "rare"))
        search_common = interleaved(args.runs, keystroke(COMMON_WORDS, "common"))

        def draft(ctx: AppContext, n: int) -> SeizureDraft:
            districts = ctx.catalog().codes["districts"]
            return SeizureDraft(  # the values a clerk would have typed
                event_date=ctx.today() - timedelta(days=n),
                agency="ANF",
                province="PK-BA",
                district="BA-QTA" if "BA-QTA" in districts else None,
                place=f"Bench checkpost {n}",
                status="final",
                items=[SeizureItemDraft("HEROIN", Decimal("12.5") + n, "KG")],
            )

        def save(variant: str, n: int) -> float:
            ctx = contexts[variant]
            new = draft(ctx, n)
            started = time.perf_counter()
            find_possible_duplicates(ctx, new)  # the form asks before a new seizure is saved
            save_seizure(ctx, new)
            return time.perf_counter() - started

        saves = interleaved(args.runs, save)
        for ctx in contexts.values():
            ctx.engine.dispose()

        unwrap_seconds: list[float] = []

        def signing_in(variant: str, _n: int) -> float:
            path = paths[variant]
            if variant == "encrypted":
                KEYRING.forget(database_id)
                unwrap_seconds.append(timed(lambda: sign_in(path, credentials)))
            started = time.perf_counter()
            engine = open_engine(path)
            try:
                signed_in_role(engine, ADMIN)
            except UserProblem:
                if variant == "encrypted":
                    raise
                # A plain database has no users: the same query, without a row.
            seconds = time.perf_counter() - started
            engine.dispose()
            return seconds

        first_connect = interleaved(args.runs, signing_in)

    measures = {
        "cold_first_page": cold,
        "first_page": warm_first_page,
        "search_rare": search_rare,
        "search_common": search_common,
        "search_rare_totals": totals_seconds["rare"],
        "search_common_totals": totals_seconds["common"],
        "save": saves,
        "open_database": open_seconds,
        "first_connect": first_connect,
    }
    figures: dict[str, Any] = {
        "items": args.items,
        "runs": args.runs,
        "cache_mib": args.cache_mib,
        **build_seconds,
    }
    print(f"{'measure':<22} {'plain ms':>10} {'encrypted ms':>13} {'ratio':>6}")
    for name, samples in measures.items():
        plain, encrypted = median_ms(samples["plain"]), median_ms(samples["encrypted"])
        ratio = round(
            statistics.median(samples["encrypted"]) / statistics.median(samples["plain"]), 2
        )
        figures[f"{name}_plain_ms"] = plain
        figures[f"{name}_encrypted_ms"] = encrypted
        figures[f"{name}_ratio"] = ratio
        print(f"{name:<22} {plain:>10} {encrypted:>13} {ratio:>6}")
    unwrap = median_ms(unwrap_seconds)
    sign_in_total = round(unwrap + figures["first_connect_encrypted_ms"], 1)
    figures["sign_in_unwrap_ms"] = unwrap
    figures["sign_in_ms"] = sign_in_total
    print(
        f"sign-in (encrypted): unwrap {unwrap} ms + first connect "
        f"{figures['first_connect_encrypted_ms']} ms = {sign_in_total} ms"
    )
    gated = ["cold_first_page", "first_page", "search_rare", "search_common", "save"]
    over = [name for name in gated if figures[f"{name}_ratio"] > TARGET_RATIO]
    figures["over_target"] = over
    print(f"ratios over {TARGET_RATIO}: {', '.join(over) if over else 'none'}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
