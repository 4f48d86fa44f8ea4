"""The work bench/crash.py kills: one of the app's write paths, looping, telling what it finished.

    python bench/crash_child.py save DB
    python bench/crash_child.py export DB OUT.xlsx
    python bench/crash_child.py consolidate HQ.sqlite WORKBOOK.xlsx
    python bench/crash_child.py backup DB OUT.sqlite
    python bench/crash_child.py restore DB BACKUP_A BACKUP_B
    python bench/crash_child.py --sign-in NAME PASSWORD save DB   (and so on)

With ``--sign-in`` the first file is an encrypted database: the child unlocks it with
the user's password (``services.users.sign_in``, as the app's sign-in does) before it
opens anything; its copies and backups share its key.

It prints ``ready`` once the database is open, then one line after each piece of
work has been committed or moved into place (flushed at once), so the parent knows
exactly what the app had reported done when the kill came.
"""

from __future__ import annotations

import random
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.services.backups import back_up_now, restore_database
from inl_desktop.services.consolidate import consolidate
from inl_desktop.services.context import AppContext, utc_now
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.seizures import save_seizure
from inl_desktop.services.users import Credentials, sign_in
from inl_desktop.store.migrate import open_database

DRUGS = ("HEROIN", "OPIUM", "HASHISH", "METH_TABLETS")
UNITS = {"HEROIN": "KG", "OPIUM": "KG", "HASHISH": "KG", "METH_TABLETS": "TABLET"}
WORKBOOK_PASSWORD = "crash-workbook-password"  # as bench/crash.py writes the workbooks


def tell(line: str) -> None:
    """Report a finished piece of work to the parent."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def seizure(number: int, items: int) -> SeizureDraft:
    """A seizure whose remarks say how many items it has, with quantities 1..items."""
    return SeizureDraft(
        basis="case",
        event_date=date(2025, 1 + number % 12, 1 + number % 28),
        agency="ANF",
        province="PK-KP",
        place=f"Crash test {number}",
        status="final",
        remarks=f"crash-test items={items}",
        items=[
            SeizureItemDraft(drug=DRUGS[i], quantity=Decimal(i + 1), unit=UNITS[DRUGS[i]])
            for i in range(items)
        ],
    )


def save(db: Path) -> None:
    """Save seizures of 1 to 4 items, forever."""
    ctx = AppContext(open_database(db, now=utc_now, create=False), user="crash")
    ctx.catalog()
    tell("ready")
    rng = random.Random()
    number = 0
    while True:
        number += 1
        items = rng.randint(1, 4)
        saved = save_seizure(ctx, seizure(number, items))
        tell(f"saved {saved.uuid} {items}")


def export(db: Path, out: Path) -> None:
    """Export the exchange workbook to the same file, forever."""
    ctx = AppContext(open_database(db, now=utc_now, create=False), user="crash")
    tell("ready")
    while True:
        export_workbook(ctx, ExportRequest(out, profile="full", password=WORKBOOK_PASSWORD))
        tell("exported")


def consolidate_once(hq: Path, workbook: Path) -> None:
    """Merge one post's workbook into the HQ database."""
    ctx = AppContext(open_database(hq, now=utc_now, create=False), user="crash")
    ctx.catalog()
    tell("ready")
    result = consolidate(ctx, [workbook], password=WORKBOOK_PASSWORD)
    tell(f"merged {result.totals['added']}")


def backup(db: Path, out: Path) -> None:
    """Back the database up to a new file beside ``out`` (OUT-1, OUT-2, …), forever: each
    backup is moved into place under a name that did not exist."""
    tell("ready")
    number = 0
    while True:
        number += 1
        target = out.with_name(f"{out.stem}-{number}{out.suffix}")
        back_up_now(db, utc_now(), target)
        tell(f"backed-up {target.name}")


def restore(db: Path, first: Path, second: Path) -> None:
    """Restore two backups in turn, forever."""
    tell("ready")
    while True:
        for source in (first, second):
            restore_database(db, source, utc_now())
            tell(f"restored {source.name}")


def main(argv: list[str]) -> None:
    """Run the named path on the given files (after signing in, when asked to)."""
    credentials = None
    if argv[:1] == ["--sign-in"]:
        credentials, argv = Credentials(argv[1], argv[2]), argv[3:]
    kind, *files = argv
    paths = [Path(name) for name in files]
    if credentials is not None:
        sign_in(paths[0], credentials)
    if kind == "save":
        save(*paths)
    elif kind == "export":
        export(*paths)
    elif kind == "consolidate":
        consolidate_once(*paths)
    elif kind == "backup":
        backup(*paths)
    elif kind == "restore":
        restore(*paths)
    else:
        raise SystemExit(f"unknown path {kind}")


if __name__ == "__main__":
    main(sys.argv[1:])
