"""Headquarters consolidation: merge the posts' exchange workbooks into this database.

The HQ database is an ordinary INL Desktop database with its own post (say PK-HQ);
merged records keep the post code they were made at. A workbook is one unit: it goes
in completely or not at all. For each workbook, in order:

1. the file is checked and read (``exchange.reader``): a workbook that is not an
   exchange workbook of this country program, is hostile, or has a column its profile
   does not carry (a name in an hq-profile file) is refused whole with a message; so
   is one not signed by its post's registered key (``services.post_keys``: checked
   first, unless the transition setting accepts the post's unsigned workbooks);
2. its rows are gathered into records and checked with the domain rules of the
   forms, and against ownership (``merge.ownership``): a post adds, changes and
   deletes only its own records, so a row of another post, or one whose UUID HQ holds
   for another post, is a problem. Every problem is reported (sheet, row, column,
   reason), and a workbook with any problem is not merged at all: HQ sends it back;
3. a workbook without problems is merged by UUID in ONE transaction
   (``services.merge``): new records added, a higher revision replaces the stored
   record with its parts, a lower revision or the same content changes nothing, the
   same revision with different content is a conflict kept in ``merge_conflicts`` for
   a person to decide (HQ keeps its copy), and tombstones soft-delete. The change log
   records every change, by the HQ user, naming the source file. Merging the same
   workbook twice changes nothing.

Workbooks are independent: one refused does not stop the others of the run. The
database is backed up once per run, before the first workbook. Progress is reported
through ``progress(files done, what)`` between the steps of each workbook, never
inside its transaction: an exception raised by it (a Cancel) ends the run with the
workbook at hand not merged; the workbooks merged before stay.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.errors import UserError
from inl_desktop.domain.roles import Permission
from inl_desktop.exchange import format as fmt
from inl_desktop.exchange import protection
from inl_desktop.exchange.reader import ExchangeWorkbook, RowProblem, open_workbook
from inl_desktop.exchange.safety import WorkbookRefused, require_defused_xml
from inl_desktop.services.context import AppContext
from inl_desktop.services.merge import ownership, persons, seizures, trainings
from inl_desktop.services.merge.run import MergeRun
from inl_desktop.services.merge.tombstones import (
    KindTable,
    Tombstone,
    apply_tombstones,
    read_tombstones,
)
from inl_desktop.services.post_keys import SignatureCheck, Trust, signature_json, trust
from inl_desktop.services.reports.hq import summary_report
from inl_desktop.store.migrate import backup_database, backups_dir
from inl_desktop.store.models import ChangeLogEntry, MergeConflict
from inl_desktop.store.reference import country_program

__all__ = [
    "COUNT_KEYS",
    "ConsolidationResult",
    "FileResult",
    "Progress",
    "RowProblem",
    "consolidate",
    "summary_report",
]

Progress = Callable[[int, str], None]
"""(workbooks done so far, what is being done) -> None; may raise to cancel."""

COUNT_KEYS = ("added", "updated", "unchanged", "deleted", "conflicts", "rejected")
KINDS: dict[str, KindTable] = {
    seizures.KIND: seizures.TABLE,
    trainings.KIND: trainings.TABLE,
    persons.KIND: persons.TABLE,
}
BULK_CACHE_KIB = 65_536


class ConsolidationRefused(UserError):
    """The run cannot start (no files, an HQ database without a post...)."""


@dataclass
class FileResult:
    """What one workbook did: records added, updated, unchanged, deleted (tombstones),
    in conflict; or, when it was not merged, the rows rejected or the error that
    refused the file (then every other figure is 0)."""

    file: Path
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    error: str | None = None
    post_code: str | None = None
    person_key_id: str | None = None  # posts with other ids cannot have persons matched
    signature: SignatureCheck | None = None  # verified, or accepted unsigned (transition)

    @property
    def merged(self) -> bool:
        """Whether the workbook went in (a workbook with a rejected row does not)."""
        return self.error is None and not self.rejected

    @property
    def refusal(self) -> str | None:
        """Why nothing of the workbook was merged, in a line; None when it was."""
        if self.error is not None:
            return self.error
        if self.rejected:
            count = len(self.rejected)
            return (
                f"{count:,} problem{'s' if count > 1 else ''} in its rows; nothing of "
                f"{self.file.name} was merged (fix the rows and send it again)"
            )
        return None

    def counts(self) -> dict[str, int]:
        """The figures by key; a file refused whole counts as one rejection."""
        rejected = len(self.rejected) if self.error is None else max(1, len(self.rejected))
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
            "rejected": rejected,
        }

    def as_json(self) -> dict[str, Any]:
        """``{"file", "added", "updated", "unchanged", "deleted", "conflicts", "rejected"}``."""
        return {"file": str(self.file), **self.counts(), **signature_json(self.signature)}


@dataclass
class ConsolidationResult:
    """The result of every workbook of a run, and the backup made before it."""

    files: list[FileResult]
    backup: Path | None = None

    @property
    def totals(self) -> dict[str, int]:
        """The figures of all workbooks added up."""
        totals = dict.fromkeys(COUNT_KEYS, 0)
        for result in self.files:
            for key, value in result.counts().items():
                totals[key] += value
        return totals

    @property
    def mixed_person_keys(self) -> bool:
        """Workbooks made with different person-key secrets: the same officer trained at
        two of those posts cannot be recognised (unique persons count them twice)."""
        return len({r.person_key_id for r in self.files if r.merged and r.person_key_id}) > 1

    @property
    def everything_merged(self) -> bool:
        """Every workbook went in (``consolidate`` exits 0)."""
        return all(result.merged for result in self.files)

    def as_json(self) -> dict[str, Any]:
        """``{"files": [...], "totals": {...}}`` as ``consolidate --json`` prints it."""
        return {"files": [result.as_json() for result in self.files], "totals": self.totals}


def consolidate(
    ctx: AppContext,
    files: Sequence[Path],
    progress: Progress | None = None,
    password: str | None = None,
) -> ConsolidationResult:
    """Merge the workbooks into the database, each in its own transaction (see above).

    ``password`` opens the password-protected ones (full exports)."""
    ctx.require(Permission.CONSOLIDATE)
    require_defused_xml()
    if not files:
        raise ConsolidationRefused("No workbooks to consolidate")
    report = progress or (lambda done, what: None)
    post = ctx.post()
    program = country_program(post.country)
    known_posts = {post.country: {p.code for p in program.posts} | {post.code}}
    backup = _backup(ctx)
    read = functools.partial(_read, ctx.catalog(), ctx.today(), known_posts, trust(ctx), password)
    results = []
    # The next workbook is read and checked while this one is merged: SQLite lets
    # other threads run while it writes, so the two overlap.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbook-reader") as reader:
        upcoming: Future[_Checked] | None = reader.submit(read, files[0])
        try:
            for done, path in enumerate(files):
                report(done, f"{path.name}: reading and checking")
                reading, upcoming = upcoming, None
                if done + 1 < len(files):
                    upcoming = reader.submit(read, files[done + 1])
                assert reading is not None
                results.append(_merge_file(ctx, path, reading, functools.partial(report, done)))
        finally:
            if upcoming is not None:
                upcoming.cancel()
    report(len(files), "done")
    return ConsolidationResult(results, backup)


def _backup(ctx: AppContext) -> Path | None:
    database = ctx.engine.url.database
    if not database or database == ":memory:":
        return None
    source = Path(database)
    stamp = ctx.now().strftime("%Y%m%dT%H%M%SZ")
    target = backups_dir(source) / f"{source.stem}-before-consolidation-{stamp}.sqlite"
    number = 1
    while target.exists():
        number += 1
        target = target.with_name(f"{source.stem}-before-consolidation-{stamp}-{number}.sqlite")
    return backup_database(source, target)


@dataclass
class _Checked:
    """One workbook read and checked: what goes in, and the rows refused."""

    post_code: str
    person_key_id: str | None
    events: list[seizures.IncomingSeizure]
    sessions: trainings.TrainingSheets
    tombstones: list[Tombstone]
    rejected: list[RowProblem]
    signature: SignatureCheck


def _merge_file(
    ctx: AppContext, path: Path, reading: Future[_Checked], report: Callable[[str], None]
) -> FileResult:
    result = FileResult(path)
    try:
        checked = reading.result()
        result.post_code, result.person_key_id = checked.post_code, checked.person_key_id
        result.signature = checked.signature
        report(f"{path.name}: merging")
        with ctx.engine.begin() as connection:
            claims = ownership.claims(checked.events, checked.sessions.sessions, checked.tombstones)
            foreign = ownership.foreign_rows(connection, checked.post_code, claims)
            if checked.rejected or foreign:
                result.rejected = _in_sheet_order([*checked.rejected, *foreign])
                return result
            connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
            run = MergeRun(ctx, connection, path.name)
            seizures.merge_seizures(run, checked.events, ctx.catalog())
            sheets = checked.sessions
            person_ids = persons.merge_incoming_persons(
                run, sheets.persons, sheets.person_fields, checked.post_code
            )
            trainings.merge_trainings(run, sheets.sessions, person_ids, sheets.enrollment_fields)
            apply_tombstones(run, checked.tombstones, KINDS)
            run.finish()
    except WorkbookRefused as error:
        result.error = str(error)
        return result
    except (IntegrityError, OperationalError) as error:
        result.error = f"{path.name} could not be merged ({error.orig}); nothing of it was merged"
        return result
    tally = run.tally
    result.added, result.updated, result.unchanged = tally.added, tally.updated, tally.unchanged
    result.deleted, result.conflicts = tally.deleted, tally.conflicts
    return result


def _in_sheet_order(problems: Sequence[RowProblem]) -> list[RowProblem]:
    return sorted(problems, key=lambda p: (fmt.SHEET_ORDER.index(p.sheet), p.row))


def _read(
    catalog: Catalog,
    today: date,
    known_posts: dict[str, set[str]],
    keys: Trust,
    password: str | None,
    path: Path,
) -> _Checked:
    """Read and check a workbook (outside any transaction: nothing is locked meanwhile,
    and it touches no database, so it may run on another thread)."""
    with _readable(path, password) as readable, open_workbook(readable, known_posts) as book:
        signature = keys.check(book)  # signed by its post's key, before anything else
        _check_profile_columns(book)
        sheet = seizures.gather_seizures(book)
        events, refused = seizures.check_seizures(sheet.gathered, catalog, today)
        sessions = trainings.read_trainings(book, catalog, today)
        deleted = read_tombstones(book.rows(fmt.DELETED), KINDS, book.about.post_code)
        tombstones = persons.fold_person_tombstones(sessions.persons, deleted.tombstones)
        _check_row_counts(
            book,
            {
                fmt.SEIZURES: sheet.rows,
                **sessions.rows,
                fmt.DELETED: deleted.rows,
                fmt.LISTS: sum(1 for _ in book.rows(fmt.LISTS)),
            },
        )
        rejected = [*sheet.problems, *refused, *sessions.problems, *deleted.problems]
        about = book.about
        return _Checked(
            about.post_code, about.person_key_id, events, sessions, tombstones, rejected, signature
        )


@contextlib.contextmanager
def _readable(path: Path, password: str | None) -> Iterator[Path]:
    """The workbook itself, or the plain copy of a password-protected one."""
    if not protection.is_protected(path):
        yield path
        return
    with protection.decrypted(path, password) as plain:
        yield plain


def _check_profile_columns(book: ExchangeWorkbook) -> None:
    """Refuse a workbook with a column its profile does not carry: a name or national ID
    added to an hq-profile file is not stored at HQ, nor is anything under a heading
    the format does not know (a column added by hand)."""
    profile = book.about.profile
    for sheet in fmt.SHEET_COLUMNS:
        carried = {column.key for column in fmt.columns_for(sheet, profile)}
        extra = sorted(book.columns(sheet) - carried)
        if extra:
            personal = [key for key in extra if key in _FULL_ONLY[sheet]]
            why = (
                f"personal data, which the {profile} profile does not carry"
                if personal
                else f"not a column of the {profile} profile"
            )
            raise WorkbookRefused(
                f"{book.path.name}: sheet {sheet} has column{'s' if len(extra) > 1 else ''} "
                f"{', '.join(extra)} ({why}); nothing of the workbook was merged"
            )


_FULL_ONLY = {
    sheet: {column.key for column in columns if column.personal}
    for sheet, columns in fmt.SHEET_COLUMNS.items()
}


def _check_row_counts(book: ExchangeWorkbook, rows: dict[str, int]) -> None:
    """Refuse a workbook whose sheets hold other numbers of rows than About says
    (a file cut short, or rows deleted by hand)."""
    for sheet, expected in book.about.row_counts.items():
        found = rows.get(sheet)
        if found is not None and found != expected:
            raise WorkbookRefused(
                f"{book.path.name}: the About sheet says {sheet} has {expected:,} rows, "
                f"the sheet has {found:,}; the workbook is incomplete or was edited"
            )


@dataclass(frozen=True)
class OpenConflict:
    """A record that arrived at a revision HQ already holds, with other content."""

    id: int
    record_kind: str
    record_uuid: str
    revision: int
    source_file: str
    detected_at: datetime
    stored: dict[str, Any]
    incoming: dict[str, Any]

    def differences(self) -> list[tuple[str, str, str]]:
        """(field, stored value, incoming value) for every field that differs."""
        keys = list(self.stored) + [key for key in self.incoming if key not in self.stored]
        return [
            (key, _shown(self.stored.get(key)), _shown(self.incoming.get(key)))
            for key in keys
            if self.stored.get(key) != self.incoming.get(key)
        ]


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def open_conflicts(ctx: AppContext, limit: int = 500) -> list[OpenConflict]:
    """The conflicts no one has resolved yet, newest first."""
    with ctx.sessions() as session:
        rows = session.scalars(
            select(MergeConflict)
            .where(MergeConflict.resolved_at.is_(None))
            .order_by(MergeConflict.detected_at.desc(), MergeConflict.id.desc())
            .limit(limit)
        ).all()
        return [
            OpenConflict(
                row.id,
                row.record_kind,
                row.record_uuid,
                row.revision,
                row.source_file,
                row.detected_at,
                _as_dict(row.stored),
                _as_dict(row.incoming),
            )
            for row in rows
        ]


def keep_hq_copy(ctx: AppContext, conflict_id: int) -> None:
    """Decide a conflict for the copy HQ holds: it leaves the open conflicts, and the
    change log says who decided and when. (To take the post's version instead, the post
    saves the record again: its next revision replaces HQ's copy when it arrives.)"""
    ctx.require(Permission.DECIDE_CONFLICTS)
    with ctx.sessions.begin() as session:
        conflict = session.get(MergeConflict, conflict_id)
        if conflict is None or conflict.resolved_at is not None:
            raise ConsolidationRefused("That conflict was already decided")
        now = ctx.now()
        conflict.resolved_at = now
        session.add(
            ChangeLogEntry(
                record_kind=conflict.record_kind,
                record_uuid=conflict.record_uuid,
                revision=conflict.revision,
                action="decide",
                field="conflict",
                old_value=conflict.source_file,
                new_value="kept HQ copy",
                changed_at=now,
                changed_by=ctx.user,
            )
        )


def _as_dict(text: str) -> dict[str, Any]:
    value = json.loads(text or "{}")
    return value if isinstance(value, dict) else {"value": value}
