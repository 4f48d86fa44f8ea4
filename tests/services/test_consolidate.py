"""Headquarters consolidation: records entered at two posts, exported, merged at HQ.

Every workbook here is written by the export service from records saved through the
services, as a post would; hostile files are made from such workbooks or from scratch.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from protected_workbooks import WORKBOOK_PASSWORD
from service_builders import (
    all_counts,
    assert_summaries_match_their_rows,
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

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.reader import RowProblem
from inl_desktop.services.consolidate import consolidate, open_conflicts, summary_report
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.person_key import set_person_key_secret
from inl_desktop.services.persons import save_person
from inl_desktop.services.reports.hq import summary_rows
from inl_desktop.services.seizures import load_seizure, save_seizure, set_seizure_deleted
from inl_desktop.services.trainings import save_training

REMARK = '=HYPERLINK("x")'
CNIC = "0012345678901"
TABLES = (
    "seizure_events",
    "seizure_items",
    "seizure_joint_agencies",
    "training_sessions",
    "enrollments",
    "attendance_counts",
    "persons",
    "change_log",
    "merge_conflicts",
)


def hashish(**overrides: object) -> SeizureDraft:
    """61.4 kg of hashish seized by Punjab Police in Lahore on 20 November 2025."""
    draft = SeizureDraft(
        event_date=date(2025, 11, 20),
        agency="PUNJAB_POLICE",
        province="PK-PB",
        place="Lahore dry port",
        status="final",
        items=[SeizureItemDraft("HASHISH", Decimal("61.4"), "KG")],
    )
    for name, value in overrides.items():
        setattr(draft, name, value)
    return draft


@dataclass
class World:
    """Two posts, their records, and headquarters."""

    isb: AppContext
    lhe: AppContext
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


@pytest.fixture
def world(tmp_path: Path, template_db: Path, clock: Callable[[], datetime]) -> Iterator[World]:
    """Islamabad: a heroin and yaba seizure, Ayesha and Bilal trained, a counts course.
    Lahore: a hashish seizure, and Ayesha (same CNIC, entered again there) trained."""
    isb = open_post(tmp_path, template_db, "PK-ISB", clock)
    lhe = open_post(tmp_path, template_db, "PK-LHE", clock)
    hq = open_post(tmp_path, template_db, "PK-HQ", clock)
    register_posts(hq, isb, lhe)
    ayesha_isb, bilal_isb = save_person(isb, ayesha()).uuid, save_person(isb, bilal()).uuid
    ayesha_lhe = save_person(lhe, ayesha()).uuid
    uuids = {
        "seizure_isb": save_seizure(isb, heroin_and_tablets(remarks=REMARK)).uuid,
        "roster_isb": save_training(isb, roster_training([ayesha_isb, bilal_isb])).uuid,
        "counts_isb": save_training(isb, counts_training()).uuid,
        "seizure_lhe": save_seizure(lhe, hashish()).uuid,
        "roster_lhe": save_training(lhe, roster_training([ayesha_lhe], location="Lahore")).uuid,
        "ayesha_isb": ayesha_isb,
        "bilal_isb": bilal_isb,
        "ayesha_lhe": ayesha_lhe,
    }
    yield World(isb, lhe, hq, tmp_path, uuids)
    for ctx in (isb, lhe, hq):
        ctx.engine.dispose()


def summary(hq: AppContext) -> dict[tuple[str, str | None, str | None, str], Decimal]:
    return {(r[0], r[1], r[3], r[4]): r[5] for r in summary_rows(hq)}


def test_two_posts_consolidate_to_exactly_their_records(world: World) -> None:
    isb, lhe = world.export(world.isb, "isb.xlsx"), world.export(world.lhe, "lhe.xlsx")

    result = consolidate(world.hq, [isb, lhe])

    # Islamabad: a seizure, two persons, two sessions; Lahore: a seizure, a person, a session.
    assert result.as_json() == {
        "files": [
            {"file": str(isb), "added": 5, "updated": 0, "unchanged": 0, "deleted": 0,
             "conflicts": 0, "rejected": 0, "signature": "verified"},
            {"file": str(lhe), "added": 3, "updated": 0, "unchanged": 0, "deleted": 0,
             "conflicts": 0, "rejected": 0, "signature": "verified"},
        ],
        "totals": {"added": 8, "updated": 0, "unchanged": 0, "deleted": 0, "conflicts": 0,
                   "rejected": 0},
    }  # fmt: skip
    assert result.everything_merged
    assert json.loads(json.dumps(result.as_json())) == result.as_json()
    u = world.uuids
    assert rows(world.hq, "SELECT uuid, post_code, revision, status FROM seizure_events "
                "ORDER BY post_code") == [(u["seizure_isb"], "PK-ISB", 1, "final"),
                                          (u["seizure_lhe"], "PK-LHE", 1, "final")]  # fmt: skip
    assert rows(
        world.hq,
        "SELECT i.drug, i.quantity, i.unit, i.kg_equivalent_mg, i.live FROM seizure_items i "
        "ORDER BY i.kg_equivalent_mg",
    ) == [
        ("METH_TABLETS", "1000", "TABLET", 100_000, 1),  # 1,000 tablets of 0.1 g
        ("HEROIN", "1.5", "LB", 680_389, 1),  # 1.5 lb = 0.680388555 kg
        ("HASHISH", "61.4", "KG", 61_400_000, 1),
    ]
    assert rows(world.hq, "SELECT uuid, post_code, training_status FROM training_sessions "
                "ORDER BY post_code, attendance_mode DESC") == [
        (u["roster_isb"], "PK-ISB", "completed"),
        (u["counts_isb"], "PK-ISB", "completed"),
        (u["roster_lhe"], "PK-LHE", "completed"),
    ]  # fmt: skip
    # hq profile: persons without name or national ID, keyed so HQ can match them.
    persons = rows(world.hq, "SELECT uuid, full_name, national_id, sex, person_key FROM persons")
    assert {p[0] for p in persons} == {u["ayesha_isb"], u["bilal_isb"], u["ayesha_lhe"]}
    assert {(p[1], p[2]) for p in persons} == {("", None)}
    keys = {p[0]: p[4] for p in persons}
    assert keys[u["ayesha_isb"]] == keys[u["ayesha_lhe"]] != keys[u["bilal_isb"]]
    assert rows(world.hq, "SELECT count(*), sum(completed) FROM attendance_counts") == [(2, 39)]
    log = rows(world.hq, "SELECT DISTINCT action, field, new_value, changed_by FROM change_log "
               "WHERE record_uuid = ?", u["seizure_isb"])  # fmt: skip
    assert log == [("merge", "merged_from", "isb.xlsx", "clerk-PK-HQ")]


def test_hq_totals_count_the_same_officer_once(world: World) -> None:
    consolidate(
        world.hq, [world.export(world.isb, "isb.xlsx"), world.export(world.lhe, "lhe.xlsx")]
    )

    figures = summary(world.hq)
    kg = "kg-equivalent (individual seizures)"
    assert figures[("seizures by drug", "HEROIN", None, kg)] == Decimal("0.680389")
    assert figures[("seizures by drug", "METH_TABLETS", None, kg)] == Decimal("0.1")
    assert figures[("seizures by drug group", "CANNABIS", None, kg)] == Decimal("61.4")
    assert figures[("seizures by post", "PK-ISB", None, kg)] == Decimal("0.780389")
    assert figures[("seizures by post", "PK-LHE", None, kg)] == Decimal("61.4")
    assert figures[("seizures by country", "PK", None, kg)] == Decimal("62.180389")
    assert figures[("seizures by fiscal quarter", "FY2026Q1", None, kg)] == Decimal("61.4")
    assert figures[("seizures by fiscal quarter", "FY2026Q2", None, kg)] == Decimal("0.780389")
    assert figures[("seizures by fiscal year", "FY2026", None, kg)] == Decimal("62.180389")
    done = "completed (person-trainings)"
    assert figures[("trainees by audience category", "PROSECUTOR", "Female", done)] == 2
    assert figures[("trainees by audience category", "JUDGE", "Male", done)] == 1
    assert figures[("trainees by audience category", "POLICE_OFFICER", "Female", done)] == 11
    assert figures[("trainees by venue", "IN_COUNTRY", "Female", done)] == 13
    assert figures[("trainees by venue", "IN_COUNTRY", "Male", done)] == 29
    # Ayesha trained at Islamabad and at Lahore: one person, two trainings.
    assert figures[("persons", None, "Female", "unique persons")] == 1 + 11
    assert figures[("persons", None, "Female", "person-trainings")] == 2 + 11
    assert figures[("persons", None, "both", "unique persons")] == 2 + 39
    assert figures[("persons", None, "both", "person-trainings")] == 3 + 39


def test_the_report_workbook_holds_the_summary_and_the_records(world: World) -> None:
    consolidate(
        world.hq, [world.export(world.isb, "isb.xlsx"), world.export(world.lhe, "lhe.xlsx")]
    )
    out = world.folder / "report.xlsx"

    written = summary_report(world.hq, out)

    assert written[fmt.SEIZURES] == 3 and written["Summary"] == len(summary_rows(world.hq))
    book = load_workbook(out, read_only=True)
    assert book.sheetnames[:3] == ["About", "Summary", fmt.SEIZURES]
    header = next(book["Summary"].iter_rows(values_only=True))
    assert header == ("section", "code", "label", "sex", "measure", "value")
    book.close()


def test_consolidating_the_same_workbooks_again_changes_nothing(world: World) -> None:
    files = [world.export(world.isb, "isb.xlsx"), world.export(world.lhe, "lhe.xlsx")]
    consolidate(world.hq, files)
    before = world.table_counts()
    stored = rows(world.hq, "SELECT * FROM seizure_items ORDER BY id")

    again = consolidate(world.hq, files)

    assert again.totals == {"added": 0, "updated": 0, "unchanged": 8, "deleted": 0,
                            "conflicts": 0, "rejected": 0}  # fmt: skip
    assert world.table_counts() == before
    assert rows(world.hq, "SELECT * FROM seizure_items ORDER BY id") == stored


def test_an_edit_at_a_post_replaces_the_hq_copy(world: World) -> None:
    consolidate(world.hq, [world.export(world.isb, "isb-june.xlsx")])
    draft = load_seizure(world.isb, world.uuids["seizure_isb"])
    draft.place = "Torkham, customs yard"
    draft.items = [draft.items[0], SeizureItemDraft("OPIUM", Decimal("12.5"), "KG")]
    save_seizure(world.isb, draft)

    result = consolidate(world.hq, [world.export(world.isb, "isb-july.xlsx")])

    assert result.files[0].counts() == {"added": 0, "updated": 1, "unchanged": 4, "deleted": 0,
                                        "conflicts": 0, "rejected": 0}  # fmt: skip
    uuid = world.uuids["seizure_isb"]
    assert rows(world.hq, "SELECT revision, place FROM seizure_events") == [
        (2, "Torkham, customs yard")
    ]
    assert rows(world.hq, "SELECT drug, quantity FROM seizure_items ORDER BY position") == [
        ("HEROIN", "1.5"),
        ("OPIUM", "12.5"),
    ]
    changes = {
        (field, old, new)
        for _, field, old, new in rows(
            world.hq,
            "SELECT action, field, old_value, new_value FROM change_log "
            "WHERE record_uuid = ? AND revision = 2",
            uuid,
        )
    }
    assert changes >= {
        ("place", "Torkham border crossing", "Torkham, customs yard"),
        ("items[2].drug", "METH_TABLETS", "OPIUM"),
        ("merged_from", None, "isb-july.xlsx"),
    }
    assert scalar(world.hq, "SELECT count(*) FROM seizure_search WHERE seizure_search MATCH ?",
                  '"customs yard"') == 1  # fmt: skip


def test_an_older_workbook_after_a_newer_one_changes_nothing(world: World) -> None:
    june = world.export(world.isb, "isb-june.xlsx")
    draft = load_seizure(world.isb, world.uuids["seizure_isb"])
    draft.place = "Landi Kotal"
    save_seizure(world.isb, draft)
    consolidate(world.hq, [world.export(world.isb, "isb-july.xlsx")])

    result = consolidate(world.hq, [june])

    assert result.files[0].unchanged == 5 and result.files[0].updated == 0
    assert rows(world.hq, "SELECT revision, place FROM seizure_events") == [(2, "Landi Kotal")]


def test_merged_records_keep_the_report_summaries_in_step(world: World) -> None:
    consolidate(world.hq, [world.export(world.isb, "isb-june.xlsx")])
    assert_summaries_match_their_rows(world.hq)
    draft = load_seizure(world.isb, world.uuids["seizure_isb"])
    draft.items = [draft.items[0], SeizureItemDraft("OPIUM", Decimal("12.5"), "KG")]
    save_seizure(world.isb, draft)
    set_seizure_deleted(world.lhe, world.uuids["seizure_lhe"], True)
    consolidate(
        world.hq,
        [world.export(world.isb, "isb-july.xlsx"), world.export(world.lhe, "lhe-july.xlsx")],
    )
    assert_summaries_match_their_rows(world.hq)
    assert scalar(world.hq, "SELECT count(*) FROM trainee_people") == 3


def test_a_deletion_arrives_as_a_tombstone(world: World) -> None:
    consolidate(world.hq, [world.export(world.isb, "isb-june.xlsx")])
    set_seizure_deleted(world.isb, world.uuids["seizure_isb"], True)

    result = consolidate(world.hq, [world.export(world.isb, "isb-july.xlsx")])

    assert result.files[0].deleted == 1 and result.files[0].unchanged == 4
    assert rows(world.hq, "SELECT revision, deleted_at IS NOT NULL FROM seizure_events") == [(2, 1)]
    assert rows(world.hq, "SELECT DISTINCT live FROM seizure_items") == [(0,)]
    assert ("seizures by drug", "HEROIN", None, "kg-equivalent (individual seizures)") not in (
        summary(world.hq)
    )
    # and the same tombstone again changes nothing
    again = consolidate(world.hq, [world.folder / "isb-july.xlsx"])
    assert again.files[0].deleted == 0 and again.files[0].unchanged == 5


def edit_column(source: Path, target: Path, sheet: str, key: str, value: object) -> Path:
    """A copy of a workbook with every cell of one column changed (as in Excel)."""
    book = load_workbook(source)
    rows_of = book[sheet]
    column = [cell.value for cell in rows_of[1]].index(key) + 1
    for row in range(2, rows_of.max_row + 1):
        rows_of.cell(row, column).value = value
    book.save(target)
    return target


@pytest.mark.parametrize(
    ("sheet", "key", "value", "kind", "record"),
    [
        (fmt.SEIZURES, "place", "Somewhere else", "seizure", "seizure_isb"),
        (fmt.TRAININGS, "title", "Another course", "training", "roster_isb"),
        (fmt.ENROLLMENTS, "rank", "Inspector", "person", "ayesha_isb"),
    ],
    ids=["seizure", "training", "person"],
)
def test_same_revision_with_other_content_is_a_conflict_kept_for_a_person(
    world: World, sheet: str, key: str, value: str, kind: str, record: str
) -> None:
    original = world.export(world.isb, "isb.xlsx")
    consolidate(world.hq, [original])
    table = {"seizure": "seizure_events", "training": "training_sessions", "person": "persons"}
    stored_value = scalar(world.hq, f"SELECT {key} FROM {table[kind]} WHERE uuid = ?",
                          world.uuids[record])  # fmt: skip
    edited = edit_column(original, world.folder / "isb-edited.xlsx", sheet, key, value)
    sign_again(edited, world.isb)  # as if Islamabad had sent these values

    result = consolidate(world.hq, [edited])

    conflicts = {"seizure": 1, "training": 2, "person": 2}[kind]  # a whole column was edited
    assert result.files[0].conflicts == conflicts
    assert result.files[0].unchanged == 5 - conflicts
    assert scalar(world.hq, f"SELECT {key} FROM {table[kind]} WHERE uuid = ?",
                  world.uuids[record]) == stored_value  # HQ keeps its copy  # fmt: skip
    kept = rows(
        world.hq,
        "SELECT record_kind, revision, source_file, stored, incoming FROM merge_conflicts "
        "WHERE record_uuid = ?",
        world.uuids[record],
    )
    [(record_kind, revision, source, stored, incoming)] = kept
    assert (record_kind, revision, source) == (kind, 1, "isb-edited.xlsx")
    assert json.loads(str(stored))[key] == stored_value
    assert json.loads(str(incoming))[key] == value
    # Reported again, but kept once.
    assert consolidate(world.hq, [edited]).files[0].conflicts == conflicts
    assert scalar(world.hq, "SELECT count(*) FROM merge_conflicts") == conflicts
    # A person at HQ sees both versions of what differs.
    shown = [c for c in open_conflicts(world.hq) if c.record_uuid == world.uuids[record]]
    assert [d for d in shown[0].differences() if d[0] == key] == [(key, stored_value, value)]


def test_a_deleted_training_and_person_arrive_as_tombstones(world: World) -> None:
    from inl_desktop.services.persons import set_person_deleted
    from inl_desktop.services.trainings import set_training_deleted

    consolidate(world.hq, [world.export(world.isb, "isb-june.xlsx")])
    set_training_deleted(world.isb, world.uuids["counts_isb"], True)
    set_person_deleted(world.isb, world.uuids["bilal_isb"], True)

    result = consolidate(world.hq, [world.export(world.isb, "isb-july.xlsx")])

    assert result.files[0].deleted == 2
    deleted = rows(world.hq, "SELECT uuid FROM training_sessions WHERE deleted_at IS NOT NULL "
                   "UNION ALL SELECT uuid FROM persons WHERE deleted_at IS NOT NULL")  # fmt: skip
    assert sorted(deleted) == sorted([(world.uuids["counts_isb"],), (world.uuids["bilal_isb"],)])
    figures = summary(world.hq)
    assert figures[("persons", None, "both", "person-trainings")] == 1  # Ayesha only


def test_a_cancel_stops_the_run_and_leaves_the_workbook_at_hand_out(world: World) -> None:
    files = [world.export(world.isb, "isb.xlsx"), world.export(world.lhe, "lhe.xlsx")]

    def cancel_second(done: int, what: str) -> None:
        if done == 1 and what.endswith("merging"):
            raise KeyboardInterrupt("cancelled")

    with pytest.raises(KeyboardInterrupt):
        consolidate(world.hq, files, cancel_second)

    assert rows(world.hq, "SELECT DISTINCT post_code FROM seizure_events") == [("PK-ISB",)]
    assert scalar(world.hq, "SELECT count(*) FROM persons") == 2


def test_workbooks_with_different_person_keys_are_flagged(world: World) -> None:
    set_person_key_secret(world.lhe, "another-secret-of-another-program")
    result = consolidate(
        world.hq, [world.export(world.isb, "isb.xlsx"), world.export(world.lhe, "lhe.xlsx")]
    )
    assert result.mixed_person_keys


def test_personal_data_comes_back_byte_identical_in_the_full_profile(world: World) -> None:
    person = save_person(world.isb, ayesha(national_id=CNIC, full_name="Ayesha Khan")).uuid
    save_training(world.isb, roster_training([person], title="Court management"))
    full = world.export(world.isb, "isb-full.xlsx", profile="full")

    result = consolidate(world.hq, [full], password=WORKBOOK_PASSWORD)

    assert result.files[0].rejected == []
    assert rows(world.hq, "SELECT full_name, national_id FROM persons WHERE uuid = ?", person) == [
        ("Ayesha Khan", CNIC)
    ]
    assert rows(world.hq, "SELECT remarks FROM seizure_events") == [(REMARK,)]


def test_a_full_profile_later_fills_in_what_the_hq_profile_left_out(world: World) -> None:
    consolidate(world.hq, [world.export(world.isb, "isb-hq.xlsx")])

    full = world.export(world.isb, "isb-full.xlsx", profile="full")
    result = consolidate(world.hq, [full], password=WORKBOOK_PASSWORD)

    assert result.files[0].conflicts == 0
    assert result.files[0].updated == 2  # the two persons' names and IDs
    assert sorted(rows(world.hq, "SELECT full_name, national_id FROM persons")) == [
        ("Ayesha Khan", "61101-1234567-2"),
        ("Bilal Ahmed", "35202-7654321-3"),
    ]


def test_the_hq_profile_workbook_carries_no_name_or_national_id(world: World) -> None:
    person = save_person(world.isb, ayesha(national_id=CNIC, full_name="Zainab Qureshi")).uuid
    save_training(world.isb, roster_training([person], title="Court management"))
    out = world.export(world.isb, "isb.xlsx")
    secrets = [b"Zainab", b"Qureshi", b"Ayesha", b"Bilal", CNIC.encode(), b"1234567", b"7654321"]
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            assert [s for s in secrets if s in data] == [], name


def test_rows_with_unknown_codes_are_rejected_and_named(world: World) -> None:
    out = world.export(world.isb, "isb.xlsx")
    book = load_workbook(out)
    sheet = book[fmt.SEIZURES]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(3, header.index("drug") + 1).value = "UNOBTAINIUM"
    book.save(out)
    sign_again(out, world.isb)
    before = world.table_counts()

    result = consolidate(world.hq, [out])

    assert result.files[0].rejected == [
        RowProblem(fmt.SEIZURES, 3, "drug", "Drug: UNOBTAINIUM is not in the list")
    ]
    # A workbook is one unit: its sound sessions and persons are not merged either.
    assert result.files[0].counts()["added"] == 0 and not result.files[0].merged
    assert not result.everything_merged
    assert world.table_counts() == before


def test_the_database_is_backed_up_once_per_run(world: World) -> None:
    files = [world.export(world.isb, "isb.xlsx"), world.export(world.lhe, "lhe.xlsx")]
    result = consolidate(world.hq, files)
    assert result.backup is not None and result.backup.parent.name == "backups"
    assert list(result.backup.parent.iterdir()) == [result.backup]


# -- hostile and broken files ----------------------------------------------------------------


def one_seizure_workbook(world: World) -> Path:
    """Lahore's workbook: the hashish seizure (one row), a course, Ayesha."""
    return world.export(world.lhe, "lhe.xlsx")


def replace_part(source: Path, target: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, change(data) if info.filename == part else data)
    return target


def text_file(world: World) -> Path:
    path = world.folder / "seizures.xlsx"
    path.write_text("date,drug,kg\n2019-01-01,heroin,3\n", encoding="utf-8")
    return path


def empty_file(world: World) -> Path:
    path = world.folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def zip_bomb(world: World) -> Path:
    path = world.folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (30 * 1024 * 1024))
    return path


def entity_bomb(world: World) -> Path:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol9 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    return replace_part(
        one_seizure_workbook(world),
        world.folder / "entities.xlsx",
        "xl/worksheets/sheet2.xml",
        lambda data: lol + data.split(b"?>", 1)[-1],
    )


def missing_column(world: World) -> Path:
    out = one_seizure_workbook(world)
    book = load_workbook(out)
    sheet = book[fmt.ENROLLMENTS]
    sheet.delete_cols([cell.value for cell in sheet[1]].index("person_uuid") + 1)
    book.save(out)
    return out


def unknown_post(world: World) -> Path:
    out = one_seizure_workbook(world)
    book = load_workbook(out)
    about = book["About"]
    for row in about.iter_rows():
        if row[0].value == "post_code":
            row[1].value = "PK-QTA"
    book.save(out)
    return out


def rows_cut(world: World) -> Path:
    """Lahore's workbook with a row of the Lists sheet deleted. It lists 11 codes: the
    seizure's agency, province, drug, unit and drug group; the course's topic, venue,
    venue country and funding program; Ayesha's agency and audience category."""
    out = one_seizure_workbook(world)
    book = load_workbook(out)
    book[fmt.LISTS].delete_rows(2)
    book.save(out)
    return sign_again(out, world.lhe)


def wrong_format(world: World) -> Path:
    out = one_seizure_workbook(world)
    book = load_workbook(out)
    book["About"]["B2"] = 7  # format_version
    book.save(out)
    return out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (text_file, "seizures.xlsx is not an xlsx workbook"),
        (empty_file, r"empty.xlsx is empty \(0 bytes\)"),
        (zip_bomb, "inflates .* times .*refused as a zip bomb"),
        (entity_bomb, "declares DOCTYPE"),
        (missing_column, "sheet Enrollments lacks column person_uuid"),
        (wrong_format, "format version 7; this version of INL Desktop reads versions up to 1"),
        (unknown_post, "comes from post PK-QTA, which is not a post of PK"),
        (rows_cut, "About sheet says Lists has 11 rows, the sheet has 10"),
    ],
    ids=[
        "text-renamed",
        "empty",
        "zip-bomb",
        "entity-bomb",
        "missing-column",
        "newer-format",
        "unknown-post",
        "rows-cut",
    ],
)
def test_a_hostile_or_broken_file_is_refused_and_changes_nothing(
    world: World, make: Callable[[World], Path], message: str
) -> None:
    path = make(world)
    before = world.table_counts()

    result = consolidate(world.hq, [path])

    [refused] = result.files
    assert refused.error is not None
    assert refused.counts()["rejected"] == 1 and not result.everything_merged
    assert re.search(message, refused.error), refused.error
    assert world.table_counts() == before


def cell_edit(world: World, key: str, value: object, data_type: str | None) -> Path:
    out = one_seizure_workbook(world)
    book = load_workbook(out)
    sheet = book[fmt.SEIZURES]
    cell = sheet.cell(2, [c.value for c in sheet[1]].index(key) + 1)
    cell.value = value
    if data_type:
        cell.data_type = data_type
    book.save(out)
    return sign_again(out, world.lhe)


@pytest.mark.parametrize(
    ("key", "value", "data_type", "reason"),
    [
        ("quantity", "=60+1.4", None, "holds a formula (=60+1.4) where a value is expected"),
        ("place", "#N/A", "e", "holds the error value #N/A where a value is expected"),
    ],
    ids=["formula", "error-cell"],
)
def test_formulas_and_error_cells_are_rejected_rows(
    world: World, key: str, value: object, data_type: str | None, reason: str
) -> None:
    path = cell_edit(world, key, value, data_type)
    before = world.table_counts()

    result = consolidate(world.hq, [path])

    assert result.files[0].rejected == [RowProblem(fmt.SEIZURES, 2, key, reason)]
    assert result.files[0].error is None and not result.everything_merged
    # Neither the seizure nor Lahore's training and person (other rows) are merged.
    assert world.table_counts() == before
    assert result.files[0].added == 0


def test_a_1904_date_workbook_gives_the_right_dates(world: World) -> None:
    out = one_seizure_workbook(world)
    book = load_workbook(out)
    book.epoch = CALENDAR_MAC_1904
    book.save(out)

    result = consolidate(world.hq, [out])

    assert result.files[0].rejected == [] and result.files[0].added == 3
    assert rows(world.hq, "SELECT event_date, period_start FROM seizure_events") == [
        ("2025-11-20", "2025-11-20")
    ]


def test_a_sheet_declared_as_the_whole_grid_is_merged(world: World) -> None:
    out = one_seizure_workbook(world)
    load_workbook(out).save(out)  # openpyxl writes <dimension ref=...>

    def whole_grid(data: bytes) -> bytes:
        start = data.index(b"<dimension ref=")
        return (
            data[:start]
            + b'<dimension ref="A1:XFD1048576"/>'
            + data[data.index(b"/>", start) + 2 :]
        )

    grid = replace_part(out, world.folder / "grid.xlsx", "xl/worksheets/sheet2.xml", whole_grid)

    result = consolidate(world.hq, [grid])

    assert result.files[0].rejected == [] and result.files[0].added == 3
    assert all_counts(world.hq)["seizure_items"] == 1
