"""A workbook is one unit, and a post's workbook touches only that post's records.

Karachi (PK-KHI) and Peshawar (PK-PEW) enter records through the services and export
them; HQ consolidates. The workbooks a test hands HQ are Peshawar's real exports,
edited with openpyxl the way a careless or hostile hand would: another post's UUIDs at
a high revision, a tombstone of another post's record, a row of another post, personal
columns in an hq-profile file, one bad cell among good rows. Each is signed again with
Peshawar's key, so HQ reads it as Peshawar's and refuses it for what it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from protected_workbooks import WORKBOOK_PASSWORD
from service_builders import (
    ayesha,
    bilal,
    counts_training,
    heroin_and_tablets,
    open_post,
    roster_training,
    rows,
    scalar,
)
from signing_helpers import register_posts, sign_again

from inl_desktop.cli import EXIT_FAILED, main
from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.reader import RowProblem
from inl_desktop.services.consolidate import ConsolidationResult, FileResult, consolidate
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.persons import save_person
from inl_desktop.services.seizures import save_seizure
from inl_desktop.services.trainings import save_training

TABLES = (
    "seizure_events",
    "seizure_items",
    "seizure_joint_agencies",
    "seizure_transit_countries",
    "training_sessions",
    "enrollments",
    "attendance_counts",
    "persons",
    "change_log",
    "merge_conflicts",
)
# Everything HQ holds of one post: its records and their parts, as stored.
POST_ROWS = {
    "seizures": "SELECT * FROM seizure_events WHERE post_code = ? ORDER BY uuid",
    "items": "SELECT i.* FROM seizure_items i JOIN seizure_events e ON e.id = i.event_id "
    "WHERE e.post_code = ? ORDER BY i.uuid",
    "sessions": "SELECT * FROM training_sessions WHERE post_code = ? ORDER BY uuid",
    "enrollments": "SELECT n.* FROM enrollments n JOIN training_sessions s "
    "ON s.id = n.session_id WHERE s.post_code = ? ORDER BY n.uuid",
    "counts": "SELECT c.* FROM attendance_counts c JOIN training_sessions s "
    "ON s.id = c.session_id WHERE s.post_code = ? ORDER BY c.uuid",
    "persons": "SELECT * FROM persons WHERE post_code = ? ORDER BY uuid",
}
NOTHING: dict[str, list[tuple[object, ...]]] = {name: [] for name in POST_ROWS}


def hashish() -> SeizureDraft:
    """61.4 kg of hashish seized by ANF on the Peshawar ring road."""
    return SeizureDraft(
        event_date=date(2025, 11, 20),
        agency="ANF",
        province="PK-KP",
        place="Ring Road, Peshawar",
        status="final",
        items=[SeizureItemDraft("HASHISH", Decimal("61.4"), "KG")],
    )


@dataclass
class Posts:
    """Karachi and Peshawar, their records' UUIDs, and headquarters."""

    khi: AppContext
    pew: AppContext
    hq: AppContext
    folder: Path
    uuids: dict[str, str]

    def export(self, post: AppContext, name: str, profile: str = "hq") -> Path:
        out = self.folder / name
        export_workbook(post, ExportRequest(out, profile=profile, password=WORKBOOK_PASSWORD))
        return out

    def table_counts(self) -> dict[str, int]:
        return {
            table: int(scalar(self.hq, f"SELECT count(*) FROM {table}"))  # type: ignore[call-overload]
            for table in TABLES
        }

    def held_for(self, post_code: str) -> dict[str, list[tuple[object, ...]]]:
        return {name: rows(self.hq, sql, post_code) for name, sql in POST_ROWS.items()}


@pytest.fixture
def posts(tmp_path: Path, template_db: Path, clock: Callable[[], datetime]) -> Iterator[Posts]:
    """Karachi: a heroin and yaba seizure, Ayesha and Bilal on a course, a counts course.
    Peshawar: a hashish seizure (Seizures row 2) and a heroin and yaba one (rows 3-4),
    Ayesha (the same CNIC, entered there too) on a course, a counts course."""
    khi = open_post(tmp_path, template_db, "PK-KHI", clock)
    pew = open_post(tmp_path, template_db, "PK-PEW", clock)
    hq = open_post(tmp_path, template_db, "PK-HQ", clock)
    register_posts(hq, khi, pew)
    ayesha_khi, bilal_khi = save_person(khi, ayesha()).uuid, save_person(khi, bilal()).uuid
    ayesha_pew = save_person(pew, ayesha()).uuid
    uuids = {
        "seizure_khi": save_seizure(khi, heroin_and_tablets()).uuid,
        "roster_khi": save_training(khi, roster_training([ayesha_khi, bilal_khi])).uuid,
        "counts_khi": save_training(khi, counts_training()).uuid,
        "ayesha_khi": ayesha_khi,
        "seizure_pew": save_seizure(pew, hashish()).uuid,
        "seizure_pew_2": save_seizure(pew, heroin_and_tablets(place="Peshawar")).uuid,
        "roster_pew": save_training(pew, roster_training([ayesha_pew], location="Peshawar")).uuid,
        "counts_pew": save_training(pew, counts_training(location="Peshawar")).uuid,
        "ayesha_pew": ayesha_pew,
    }
    yield Posts(khi, pew, hq, tmp_path, uuids)
    for ctx in (khi, pew, hq):
        ctx.engine.dispose()


def edited(
    posts: Posts, name: str, change: Callable[[Workbook], None], profile: str = "hq"
) -> Path:
    """Peshawar's export with ``change`` made to it, signed again by Peshawar."""
    out = posts.export(posts.pew, name, profile)
    book = load_workbook(out)
    change(book)
    book.save(out)
    return sign_again(out, posts.pew)


def header(sheet: object) -> dict[str, int]:
    """Column key -> column number (from 1) of a data sheet."""
    return {cell.value: cell.column for cell in sheet[1]}  # type: ignore[index]


def rows_with(book: Workbook, sheet: str, key: str, value: object) -> list[int]:
    """The row numbers of a sheet whose ``key`` column holds ``value``."""
    ws = book[sheet]
    column = header(ws)[key]
    return [row for row in range(2, ws.max_row + 1) if ws.cell(row, column).value == value]


def append_row(book: Workbook, sheet: str, values: dict[str, object]) -> int:
    """Add a row to a data sheet (and to its count on the About sheet); its number."""
    ws = book[sheet]
    columns = header(ws)
    number: int = ws.max_row + 1
    for key, value in values.items():
        ws.cell(number, columns[key]).value = value
    about = book[fmt.ABOUT]
    for cells in about.iter_rows():
        if cells[0].value == f"rows {sheet}":
            cells[1].value = int(cells[1].value) + 1
    return number


def where(problems: list[RowProblem]) -> list[tuple[str, int, str]]:
    return [(problem.sheet, problem.row, problem.column) for problem in problems]


def only_workbook(result: ConsolidationResult) -> FileResult:
    [file_result] = result.files
    return file_result


@pytest.fixture
def karachi_merged(posts: Posts) -> Posts:
    """HQ holds Karachi's records, from its plain export; Peshawar's are still to come."""
    result = consolidate(posts.hq, [posts.export(posts.khi, "khi.xlsx")])
    assert result.everything_merged, result.as_json()
    return posts


# -- another post's records ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "uuid_key", "revision_key", "mine", "theirs"),
    [
        (fmt.SEIZURES, "event_uuid", "revision", "seizure_pew", "seizure_khi"),
        (fmt.TRAININGS, "session_uuid", "revision", "roster_pew", "roster_khi"),
        (fmt.ENROLLMENTS, "person_uuid", "person_revision", "ayesha_pew", "ayesha_khi"),
    ],
    ids=["seizure", "training", "person"],
)
def test_another_posts_uuid_at_a_high_revision_is_refused_and_changes_nothing(
    karachi_merged: Posts, sheet: str, uuid_key: str, revision_key: str, mine: str, theirs: str
) -> None:
    posts = karachi_merged
    old, new = posts.uuids[mine], posts.uuids[theirs]
    refused_rows: list[int] = []

    def take_over(book: Workbook) -> None:
        # Wherever the workbook names Peshawar's record it now names Karachi's, at 99.
        for ws in book.worksheets[1:]:
            for line in ws.iter_rows(min_row=2):
                for cell in line:
                    if cell.value == old:
                        cell.value = new
        refused_rows.extend(rows_with(book, sheet, uuid_key, new))
        for row in refused_rows:
            book[sheet].cell(row, header(book[sheet])[revision_key]).value = 99

    workbook = edited(posts, "pew-takes-over.xlsx", take_over)
    counts, karachi = posts.table_counts(), posts.held_for("PK-KHI")

    result = consolidate(posts.hq, [workbook])

    refused = only_workbook(result)
    assert refused.error is None and not refused.merged and not result.everything_merged
    assert where(refused.rejected) == [(sheet, row, uuid_key) for row in refused_rows]
    assert refused_rows and all(
        f"{new} belongs to PK-KHI" in p.reason and "PK-PEW" in p.reason for p in refused.rejected
    )
    assert refused.counts() == {"added": 0, "updated": 0, "unchanged": 0, "deleted": 0,
                                "conflicts": 0, "rejected": len(refused_rows)}  # fmt: skip
    assert posts.held_for("PK-KHI") == karachi
    assert posts.table_counts() == counts


@pytest.mark.parametrize(
    ("kind", "record", "table"),
    [
        ("seizure", "seizure_khi", "seizure_events"),
        ("training", "counts_khi", "training_sessions"),
        ("person", "ayesha_khi", "persons"),
    ],
)
@pytest.mark.parametrize("post_code", ["PK-PEW", "PK-KHI"], ids=["own-code", "their-code"])
def test_a_tombstone_of_another_posts_record_is_refused(
    karachi_merged: Posts, kind: str, record: str, table: str, post_code: str
) -> None:
    posts = karachi_merged
    uuid = posts.uuids[record]
    added: list[int] = []

    def bury(book: Workbook) -> None:
        tombstone = {"kind": kind, "uuid": uuid, "revision": 99, "post_code": post_code,
                     "deleted_at": datetime(2026, 6, 1, 8, 0)}  # fmt: skip
        added.append(append_row(book, fmt.DELETED, tombstone))

    workbook = edited(posts, "pew-deletes.xlsx", bury)
    counts, karachi = posts.table_counts(), posts.held_for("PK-KHI")

    result = consolidate(posts.hq, [workbook])

    refused = only_workbook(result)
    assert not refused.merged and refused.counts()["deleted"] == 0
    column = "uuid" if post_code == "PK-PEW" else "post_code"
    assert where(refused.rejected) == [(fmt.DELETED, added[0], column)]
    assert "PK-KHI" in refused.rejected[0].reason
    assert rows(posts.hq, f"SELECT deleted_at, revision FROM {table} WHERE uuid = ?", uuid) == [
        (None, 1)
    ]
    assert posts.held_for("PK-KHI") == karachi
    assert posts.table_counts() == counts


@pytest.mark.parametrize(
    ("sheet", "record"),
    [(fmt.SEIZURES, "seizure_pew"), (fmt.TRAININGS, "counts_pew")],
    ids=["seizure", "training"],
)
def test_a_row_of_another_post_is_not_stored_as_that_posts_record(
    karachi_merged: Posts, sheet: str, record: str
) -> None:
    posts = karachi_merged
    uuid = posts.uuids[record]
    uuid_key = "event_uuid" if sheet == fmt.SEIZURES else "session_uuid"
    changed: list[int] = []

    def relabel(book: Workbook) -> None:
        changed.extend(rows_with(book, sheet, uuid_key, uuid))
        for row in changed:
            book[sheet].cell(row, header(book[sheet])["post_code"]).value = "PK-KHI"

    workbook = edited(posts, "pew-as-khi.xlsx", relabel)
    counts, karachi = posts.table_counts(), posts.held_for("PK-KHI")

    result = consolidate(posts.hq, [workbook])

    refused = only_workbook(result)
    assert not refused.merged
    first, *parts = refused.rejected
    assert where([first]) == [(sheet, changed[0], "post_code")]
    assert "A record of PK-KHI: a workbook of PK-PEW" in first.reason
    # The course's counts are listed too: their session was refused.
    assert [(p.sheet, p.column) for p in parts] == [(fmt.COUNTS, "session_uuid")] * len(parts)
    assert len(parts) == (2 if sheet == fmt.TRAININGS else 0)
    assert posts.held_for("PK-KHI") == karachi
    assert posts.held_for("PK-PEW") == NOTHING
    assert posts.table_counts() == counts


# -- columns the profile does not carry ---------------------------------------------------


@pytest.mark.parametrize(
    ("added", "message"),
    [
        (
            {"full_name": "Ayesha Khan", "national_id": "61101-1234567-2"},
            "sheet Enrollments has columns full_name, national_id (personal data, which the "
            "hq profile does not carry); nothing of the workbook was merged",
        ),
        (
            {"cnic": "61101-1234567-2"},
            "sheet Enrollments has column cnic (not a column of the hq profile)",
        ),
    ],
    ids=["name-and-national-id", "unknown-column"],
)
def test_columns_the_hq_profile_does_not_carry_refuse_the_workbook_whole(
    posts: Posts, added: dict[str, str], message: str
) -> None:
    def add_columns(book: Workbook) -> None:
        ws = book[fmt.ENROLLMENTS]
        for key, value in added.items():
            column = ws.max_column + 1
            ws.cell(1, column).value = key
            for row in range(2, ws.max_row + 1):
                ws.cell(row, column).value = value

    workbook = edited(posts, "pew-with-names.xlsx", add_columns)
    before = posts.table_counts()

    result = consolidate(posts.hq, [workbook])

    refused = only_workbook(result)
    assert refused.error is not None and message in refused.error
    assert refused.counts()["rejected"] == 1 and not result.everything_merged
    assert posts.table_counts() == before
    assert rows(posts.hq, "SELECT count(*) FROM persons WHERE full_name <> '' "
                "OR national_id IS NOT NULL") == [(0,)]  # fmt: skip


def test_the_full_profile_still_carries_names(posts: Posts) -> None:
    full = posts.export(posts.pew, "pew-full.xlsx", "full")
    result = consolidate(posts.hq, [full], password=WORKBOOK_PASSWORD)

    assert result.everything_merged
    assert rows(posts.hq, "SELECT full_name, national_id FROM persons") == [
        ("Ayesha Khan", "61101-1234567-2")
    ]


# -- a workbook is one unit ---------------------------------------------------------------


def bad_drug(book: Workbook) -> None:
    """Peshawar's heroin and yaba seizure's first item (row 3) names no known drug."""
    ws = book[fmt.SEIZURES]
    ws.cell(3, header(ws)["drug"]).value = "UNOBTAINIUM"


def test_one_bad_cell_keeps_the_whole_workbook_out_and_the_others_go_in(posts: Posts) -> None:
    bad = edited(posts, "pew-bad.xlsx", bad_drug)
    khi = posts.export(posts.khi, "khi.xlsx")

    result = consolidate(posts.hq, [bad, khi])

    peshawar, karachi = result.files
    assert peshawar.rejected == [
        RowProblem(fmt.SEIZURES, 3, "drug", "Drug: UNOBTAINIUM is not in the list")
    ]
    assert not peshawar.merged and peshawar.counts()["added"] == 0
    assert peshawar.refusal is not None and "nothing of pew-bad.xlsx was merged" in (
        peshawar.refusal
    )
    assert karachi.merged and karachi.added == 5  # a seizure, two persons, two sessions
    assert not result.everything_merged
    assert posts.held_for("PK-PEW") == NOTHING
    assert len(posts.held_for("PK-KHI")["seizures"]) == 1

    # Fixed at Peshawar and sent again, it goes in whole.
    again = consolidate(posts.hq, [posts.export(posts.pew, "pew-fixed.xlsx")])
    assert again.everything_merged and again.files[0].added == 5
    assert len(posts.held_for("PK-PEW")["items"]) == 3


def test_every_problem_of_a_refused_workbook_is_listed(karachi_merged: Posts) -> None:
    posts = karachi_merged

    def three_problems(book: Workbook) -> None:
        bad_drug(book)
        trainings = book[fmt.TRAININGS]
        [row] = rows_with(book, fmt.TRAININGS, "session_uuid", posts.uuids["counts_pew"])
        trainings.cell(row, header(trainings)["funding_program"]).value = "NO_SUCH_FUND"
        append_row(book, fmt.DELETED, {"kind": "seizure", "uuid": posts.uuids["seizure_khi"],
                                       "revision": 99, "post_code": "PK-PEW",
                                       "deleted_at": datetime(2026, 6, 1, 8, 0)})  # fmt: skip

    workbook = edited(posts, "pew-three.xlsx", three_problems)
    counts = posts.table_counts()

    result = consolidate(posts.hq, [workbook])

    listed = where(only_workbook(result).rejected)
    assert listed[0] == (fmt.SEIZURES, 3, "drug")
    assert listed[1][0] == fmt.TRAININGS and listed[1][2] == "funding_program"
    assert listed[2] == (fmt.DELETED, 2, "uuid")
    assert len(listed) == 3
    assert posts.table_counts() == counts


def test_the_command_line_says_nothing_of_the_workbook_went_in_and_exits_1(
    posts: Posts, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = edited(posts, "pew-bad.xlsx", bad_drug)
    hq_file = str(posts.hq.engine.url.database)
    before = posts.table_counts()

    code = main(["consolidate", str(bad), "--into", hq_file, "--json"])

    out = capsys.readouterr().out
    assert code == EXIT_FAILED
    assert "Seizures row 3, column drug: Drug: UNOBTAINIUM is not in the list" in out
    assert "refused: 1 problem in its rows; nothing of pew-bad.xlsx was merged" in out
    assert posts.table_counts() == before
