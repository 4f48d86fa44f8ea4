"""The real start-up of the app at a million drug items, against bare baselines.

    python bench/startup.py [--items 1000000] [--db PATH] [--runs 7]

Starts `inl-desktop --db DB` as a user does (a new process: writer lock, header
check, migration check, window, first area painted), offscreen and with bytecode
cached, and times it from process start to the line "first painted" the app prints
when INL_DESKTOP_FIRST_PAINT asks for it (it then quits). Two cases, as medians over
--runs: a later start of the day (today's backup exists) and the first start of the
day (the daily check and backup are due: they must not delay the window). In the
same run, as separate processes: a bare QMainWindow with a QTableView plus `import
sqlalchemy.orm`, to its first paint; `inl-desktop info`; and `python -c "import
sqlalchemy"`. Also the peak RSS of a later start. The last line is one JSON object.

The database is built once with `inl-desktop demo` in the temporary folder (or
--db), then copied and encrypted (as a post's database is once it has users) with
Argon2id at its cheapest, and the app signs in with `--user` and a password file:
start-up is timed without the key derivation, which bench/encryption.py times (about
half a second at the cost set-up chooses). The backups the first-of-day runs would
find are moved aside for those runs and put back after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
APP = str(BIN / "inl-desktop")
MARKER = "first painted"

BARE_STARTUP = """
import sqlalchemy.orm
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication([])
window = QMainWindow()
table = QTableView()
window.setCentralWidget(table)
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            print("first painted", flush=True)
            QTimer.singleShot(0, window.close)
        return False
painted = Painted()
table.viewport().installEventFilter(painted)
window.resize(1200, 720)
window.show()
app.exec()
"""


USER, PASSWORD = "bench", "bench passphrase"


def ensure_encrypted(plain: Path) -> Path:
    """An encrypted copy of ``plain`` (at the current schema), made once beside it."""
    from inl_desktop.services.context import utc_now
    from inl_desktop.services.users import Credentials, encrypt_database, sign_in
    from inl_desktop.store.cipher import is_encrypted, tuned_kdf
    from inl_desktop.store.migrate import backup_database, open_database

    target = plain.parent / f"{plain.stem}-encrypted" / "post.sqlite"
    if is_encrypted(target):
        sign_in(target, Credentials(USER, PASSWORD))  # this process makes today's backup
        return target
    print(f"encrypting a copy of {plain} into {target}…", file=sys.stderr)
    backup_database(plain, target)
    open_database(target, now=utc_now).dispose()  # migrated to the current schema
    encrypt_database(target, Credentials(USER, PASSWORD), utc_now, kdf=tuned_kdf(0))
    return target


def child_environment(config: Path) -> dict[str, str]:
    """Offscreen, bytecode cached as on a user's machine, settings of the bench's own,
    the password of the bench's user in a file."""
    password_file = config / "password.txt"
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(config),
        "INL_DESKTOP_FIRST_PAINT": "quit",
        "INL_DESKTOP_PASSWORD_FILE": str(password_file),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def time_to_marker(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from starting ``command`` to its "first painted" line, and its peak RSS
    in MiB (the whole process, which quits right after)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    assert process.stdout is not None
    seconds = None
    for line in process.stdout:
        if line.strip() == MARKER:
            seconds = time.perf_counter() - started
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert seconds is not None and process.returncode == 0, (command, process.returncode)
    return seconds, usage.ru_maxrss / 1024


def time_command(command: list[str], env: dict[str, str]) -> float:
    """Seconds for ``command`` to run to its end."""
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def ensure_database(path: Path, items: int) -> None:
    """The demo database of ``items`` drug items, built once."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {path} with {items:,} items…", file=sys.stderr)
    command = [APP, "demo", "--db", str(path), "--seizures", str(items), "--trainings", "100"]
    subprocess.run(command, check=True)


@contextmanager
def first_start_of_day(db: Path) -> Iterator[None]:
    """Today's backups moved aside (so the daily check and backup are due), then back."""
    from inl_desktop.store.backups import list_backups

    held = db.parent / "backups-held-by-bench"
    held.mkdir(exist_ok=True)
    today = datetime.now(UTC).date()
    moved = [b.path for b in list_backups(db) if b.made_at.date() == today]
    for path in moved:
        path.rename(held / path.name)
    try:
        yield
    finally:
        for backup in list_backups(db):  # none unless one finished before the quit
            if backup.made_at.date() == today and backup.path not in moved:
                backup.path.unlink()
        for path in moved:
            (held / path.name).rename(path)


def ensure_todays_backup(db: Path) -> None:
    """A later start of the day: today's backup already made."""
    from inl_desktop.services.backups import daily_backup

    daily_backup(db, datetime.now(UTC))


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def interleaved(runs: int, cases: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Each case once per round, so that a slow moment of the machine hits all alike."""
    found: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            found[name].append(case())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.gettempdir()) / "inl-desktop-bench"
    db = args.db or folder / f"seizures-{args.items}.sqlite"
    ensure_database(db, args.items)
    db = ensure_encrypted(db)
    config = folder / "config"
    env = child_environment(config)

    subprocess.run(  # warm the bytecode cache, as an installed app has it
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "inl_desktop")],
        check=True,
        env=env,
    )
    ensure_todays_backup(db)
    rss: list[float] = []

    def later_start() -> float:
        seconds, peak = time_to_marker([APP, "--db", str(db), "--user", USER], env)
        rss.append(peak)
        return seconds

    def first_of_day() -> float:
        with first_start_of_day(db):
            return time_to_marker([APP, "--db", str(db), "--user", USER], env)[0]

    def bare() -> float:
        return time_to_marker([sys.executable, "-c", BARE_STARTUP], env)[0]

    def info() -> float:
        return time_command([APP, "info", "--db", str(db), "--user", USER], env)

    def import_sqlalchemy() -> float:
        return time_command([sys.executable, "-c", "import sqlalchemy"], env)

    for warm in (later_start, first_of_day, bare, info, import_sqlalchemy):
        warm()  # the page cache and bytecode as on the second start of a machine
    rss.clear()
    samples = interleaved(
        args.runs,
        {
            "later": later_start,
            "first_of_day": first_of_day,
            "bare": bare,
            "info": info,
            "import_sqlalchemy": import_sqlalchemy,
        },
    )
    median = {name: statistics.median(values) for name, values in samples.items()}
    figures = {
        "items": args.items,
        "db": str(db),
        "runs": args.runs,
        "later_start_ms": median_ms(samples["later"]),
        "first_of_day_start_ms": median_ms(samples["first_of_day"]),
        "bare_qt_sqlalchemy_orm_ms": median_ms(samples["bare"]),
        "info_ms": median_ms(samples["info"]),
        "import_sqlalchemy_ms": median_ms(samples["import_sqlalchemy"]),
        "startup_ratio": round(median["later"] / median["bare"], 2),
        "first_of_day_ratio": round(median["first_of_day"] / median["later"], 2),
        "startup_rss_mib": round(max(rss), 1),
        "info_ratio": round(median["info"] / median["import_sqlalchemy"], 2),
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
