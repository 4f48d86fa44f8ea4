"""Sessions list, session form and people directory at 20,000 sessions, 200,000 persons
and ~600,000 enrollments, driven through the real widgets offscreen.

    python bench/trainings.py [--sessions 20000] [--db PATH] [--runs 7]

Builds the database with `inl-desktop demo --seizures 0 --trainings N` (or reuses --db /
bench/data/), adds one session with 300 enrollments through the services (once; later
runs reuse it), then times, as medians over --runs:

- sessions_first_page_ms: the sessions list reloaded, with the repaint of the table;
- people_first_page_ms: the people directory reloaded, with the repaint;
- people_search_ms: the last keystroke of a name or ID typed into the people search
  box (the list answers each keystroke), with the repaint (the number of persons
  found is counted in the background once typing pauses);
- open_session_ms: opening the 300-enrollment session in the form (list to form shown);
- save_session_ms: saving it through the form after a change to its remarks.

Also the process's peak RSS, and ratios to the raw libraries doing the same work in
the same run: sqlite3 running the same page query (people page and search), sqlite3
reading the session and its roster (open), sqlite3 writing the session row, its 300
enrollment rows and a change-log row in one transaction (save), and a bare QTableView
over a QStandardItemModel holding the same cells (repaint). The last line is one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BENCH_TITLE = "Bench: prosecutors' roster of 300"
ROSTER_SIZE = 300
# What a clerk types to find an officer: given names, surnames, a name and initial;
# and two national IDs, part with dashes and part without (taken from the database,
# whose demo CNICs are random digits).
NAMES = ["Ayesha", "Bilal A", "Zubair", "Khan", "Malik", "Iqbal"]

RAW_PEOPLE_PAGE = (
    "SELECT p.id, p.uuid, p.revision, p.full_name, p.sex, p.agency, p.unit, p.rank, "
    "p.province, p.national_id, p.status, "
    "(SELECT count(*) FROM enrollments e WHERE e.person_id = p.id) "
    "FROM persons p WHERE p.deleted_at IS NULL {search} ORDER BY p.full_name, p.id LIMIT 200"
)
RAW_SEARCH = "AND p.id IN (SELECT rowid FROM person_search WHERE person_search MATCH ?)"
# sqlite3 reading the session with its roster and the enrolled persons.
RAW_OPEN = (
    "SELECT s.*, e.*, p.* FROM training_sessions s JOIN enrollments e ON e.session_id = s.id "
    "JOIN persons p ON p.id = e.person_id WHERE s.uuid = ? ORDER BY e.position"
)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def ensure_database(path: Path, sessions: int) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {path} with {sessions:,} sessions…", file=sys.stderr)
    subprocess.run(
        [
            str(BIN / "inl-desktop"),
            "demo",
            "--db",
            str(path),
            "--seizures",
            "0",
            "--trainings",
            str(sessions),
        ],
        check=True,
    )


def bench_session(ctx: object) -> str:
    """The 300-enrollment session, added through the services on the first run."""
    from datetime import timedelta
    from decimal import Decimal

    from inl_desktop.domain.drafts import EnrollmentDraft, TrainingDraft
    from inl_desktop.services.context import AppContext
    from inl_desktop.services.trainings import save_training

    assert isinstance(ctx, AppContext)
    with ctx.engine.connect() as connection:
        found = connection.exec_driver_sql(
            "SELECT uuid FROM training_sessions WHERE title = ? AND deleted_at IS NULL",
            (BENCH_TITLE,),
        ).scalar()
        if found is not None:
            return str(found)
        people = [
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT uuid FROM persons WHERE deleted_at IS NULL ORDER BY id LIMIT ?",
                (ROSTER_SIZE,),
            )
        ]
    start = ctx.today() - timedelta(days=30)
    audiences = ["PROSECUTOR", "JUDGE", "INVESTIGATOR", "COURT_ADMIN"]
    completions = ["completed"] * 8 + ["partial", "no_show"]
    draft = TrainingDraft(
        title=BENCH_TITLE,
        topic="EFFECTIVE_PROSECUTIONS",
        provider="INL Pakistan",
        venue_type="IN_COUNTRY",
        location="Islamabad",
        venue_country="PK",
        start_date=start,
        end_date=start + timedelta(days=4),
        contact_hours=Decimal(30),
        funding_program="INCLE",
        training_status="completed",
        attendance_mode="roster",
        status="final",
        enrollments=[
            EnrollmentDraft(
                person_uuid=uuid,
                audience=audiences[n % len(audiences)],
                completion=completions[n % len(completions)],
                vetting_status="not_required",
            )
            for n, uuid in enumerate(people)
        ],
    )
    return save_training(ctx, draft).uuid


def bare_repaint(rows: list[list[str]], runs: int) -> float:
    """Seconds a bare QTableView over a QStandardItemModel takes to reset and repaint."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    model = QStandardItemModel()
    view = QTableView()
    view.setModel(model)
    view.resize(1200, 640)
    view.show()

    def fill() -> None:
        model.clear()
        for cells in rows:
            model.appendRow([QStandardItem(cell) for cell in cells])

    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fill()
        view.viewport().repaint()
        samples.append(time.perf_counter() - started)
    view.close()
    return statistics.median(samples)


def id_searches(ctx: object) -> list[str]:
    """A CNIC's first eight characters as typed with dashes, another's without."""
    from inl_desktop.services.context import AppContext

    assert isinstance(ctx, AppContext)
    with ctx.engine.connect() as connection:
        found = [
            str(row[0])
            for row in connection.exec_driver_sql(
                "SELECT national_id FROM persons WHERE national_id LIKE '_____-_______-_' "
                "AND deleted_at IS NULL AND id % 997 = 0 LIMIT 2"
            )
        ]
    assert len(found) == 2, "the database has no CNICs to search for"
    return [found[0][:8], found[1].replace("-", "")[:9]]


def raw_sql(db: Path, runs: int, searches: list[str]) -> dict[str, float]:
    """Medians (s) of sqlite3 itself: the people page, a search, a session with its roster,
    and a one-row update committed."""
    from inl_desktop.store.people_list import search_query

    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA synchronous = FULL")

    def median(action: Callable[[], object]) -> float:
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            action()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    page_sql = RAW_PEOPLE_PAGE.format(search="")
    search_sql = RAW_PEOPLE_PAGE.format(search=RAW_SEARCH)
    queries = [search_query(word) for word in searches]
    counter = iter(range(10**9))
    session_uuid = connection.execute(
        "SELECT uuid FROM training_sessions WHERE title = ?", (BENCH_TITLE,)
    ).fetchone()[0]

    def update() -> None:
        # What saving the session writes at least: its row, its 300 enrollments (the
        # service rewrites the roster it was given) and one change-log row.
        change = f"raw {next(counter)}"
        connection.execute("BEGIN")
        session_id = connection.execute(
            "UPDATE training_sessions SET remarks = ? WHERE uuid = ? RETURNING id",
            (change, session_uuid),
        ).fetchone()[0]
        connection.execute(
            "UPDATE enrollments SET position = position WHERE session_id = ?", (session_id,)
        )
        connection.execute(
            "INSERT INTO change_log (record_kind, record_uuid, revision, action, field, "
            "old_value, new_value, changed_at, changed_by) "
            "VALUES ('bench-raw', ?, 0, 'update', 'remarks', NULL, ?, "
            "'2026-01-01 00:00:00', 'raw')",
            (session_uuid, change),
        )
        connection.execute("COMMIT")

    figures = {
        "page": median(lambda: connection.execute(page_sql).fetchall()),
        "search": statistics.median(
            median(lambda q=q: connection.execute(search_sql, (q,)).fetchall()) for q in queries
        ),
        "open": median(lambda: connection.execute(RAW_OPEN, (session_uuid,)).fetchall()),
        "save": median(update),
    }
    connection.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    db = args.db or ROOT / "bench" / "data" / f"trainings-{args.sessions}.sqlite"
    ensure_database(db, args.sessions)

    from inl_desktop.gui.app import make_application
    from inl_desktop.gui.people.people_page import PeoplePage
    from inl_desktop.gui.trainings.training_page import TrainingPage
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.store.migrate import open_database

    app = make_application()
    ctx = AppContext(open_database(db, now=utc_now), user="bench")
    session_uuid = bench_session(ctx)
    searches = NAMES + id_searches(ctx)
    with ctx.engine.connect() as connection:
        sizes = connection.exec_driver_sql(
            "SELECT (SELECT count(*) FROM training_sessions), (SELECT count(*) FROM persons), "
            "(SELECT count(*) FROM enrollments)"
        ).one()

    sessions = TrainingPage(ctx)
    sessions.resize(1200, 720)
    sessions.show()
    people = PeoplePage(ctx)
    people.resize(1200, 720)
    people.show()
    app.processEvents()

    def timed(action: Callable[[], object], table: object) -> float:
        started = time.perf_counter()
        action()
        table.viewport().repaint()  # type: ignore[attr-defined]
        return time.perf_counter() - started

    # Each reload starts its page's count or totals in the background, as in the app;
    # it may overlap the repaint timed, but not the next measurement.
    sessions_page = []
    for _ in range(args.runs):
        sessions_page.append(timed(sessions.model.reload, sessions.table))
        sessions.wait_for_totals()
    people_page = []
    for _ in range(args.runs):
        people_page.append(timed(people.model.reload, people.table))
        people.wait_for_counts()
    people_cells = [
        [
            str(people.model.data(people.model.index(row, column)))
            for column in range(people.model.columnCount())
        ]
        for row in range(people.model.rowCount())
    ]

    search = []
    for n in range(max(args.runs, len(searches))):
        word = searches[n % len(searches)]
        people.search_edit.setText(word[:-1])
        people.wait_for_counts()  # a clerk types a few keys a second
        search.append(timed(lambda word=word: people.search_edit.setText(word), people.table))
        assert people.model.rowCount() > 0, f"nothing found for {word!r}"
    people.search_edit.clear()

    form = sessions.form
    # Questions a modal box would ask stop a benchmark; none is expected here.
    asked: list[str] = []
    form._show_problems = lambda messages: asked.extend(messages)  # type: ignore[method-assign]
    form._show_error = asked.append  # type: ignore[method-assign]
    opens, saves = [], []
    for n in range(args.runs):
        sessions.stack.setCurrentWidget(sessions.list_panel)
        started = time.perf_counter()
        sessions.open_training(session_uuid)
        form.repaint()
        opens.append(time.perf_counter() - started)
        assert sessions.stack.currentWidget() is form, "the session did not open"
        remarks = form.inputs["remarks"]
        change = f"Bench change {n} at {time.time():.0f}"
        if hasattr(remarks, "setPlainText"):
            remarks.setPlainText(change)
        else:
            remarks.setText(change)
        started = time.perf_counter()
        saved = form.save()
        saves.append(time.perf_counter() - started)
        assert saved and not asked, f"the bench session was not saved: {asked}"
    sessions.stack.setCurrentWidget(sessions.list_panel)
    sessions.wait_for_totals()
    people.wait_for_counts()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    raw = raw_sql(db, args.runs, searches)
    bare = bare_repaint(people_cells, args.runs)
    figures = {
        "db": str(db),
        "sessions": sizes[0],
        "persons": sizes[1],
        "enrollments": sizes[2],
        "sessions_first_page_ms": median_ms(sessions_page),
        "people_first_page_ms": median_ms(people_page),
        "people_search_ms": median_ms(search),
        "open_session_ms": median_ms(opens),
        "save_session_ms": median_ms(saves),
        "peak_rss_mib": round(peak_rss, 1),
        "raw_people_page_sql_ms": round(raw["page"] * 1000, 2),
        "raw_people_search_sql_ms": round(raw["search"] * 1000, 2),
        "raw_open_session_sql_ms": round(raw["open"] * 1000, 2),
        "raw_save_sql_ms": round(raw["save"] * 1000, 2),
        "bare_qt_page_repaint_ms": round(bare * 1000, 2),
        "people_first_page_ratio_to_sqlite_plus_bare_qt": round(
            statistics.median(people_page) / (raw["page"] + bare), 2
        ),
        "people_search_ratio_to_sqlite_plus_bare_qt": round(
            statistics.median(search) / (raw["search"] + bare), 2
        ),
        "open_session_ratio_to_sqlite": round(statistics.median(opens) / raw["open"], 1),
        "save_session_ratio_to_sqlite": round(statistics.median(saves) / raw["save"], 1),
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
