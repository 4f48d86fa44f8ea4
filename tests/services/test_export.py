"""Export: what the workbook holds, the profiles, periods, --since-last and safety."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from protected_workbooks import WORKBOOK_PASSWORD, readable_copy

from inl_desktop.domain.drafts import (
    EnrollmentDraft,
    PersonDraft,
    SeizureDraft,
    SeizureItemDraft,
    TrainingDraft,
)
from inl_desktop.domain.periods import parse_period
from inl_desktop.exchange.writer import ExportFailed
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.persons import save_person
from inl_desktop.services.seizures import save_seizure, set_seizure_deleted
from inl_desktop.services.trainings import save_training

REMARK = '=HYPERLINK("x")'
CNIC = "0012345678901"


def seizure(day: date, remarks: str | None = None) -> SeizureDraft:
    return SeizureDraft(
        event_date=day,
        agency="ANF",
        province="PK-KP",
        place="Torkham",
        remarks=remarks,
        status="final",
        items=[
            SeizureItemDraft("HEROIN", Decimal("3.260"), "KG"),
            SeizureItemDraft("METH_TABLETS", Decimal("1000"), "TABLET"),
        ],
    )


@pytest.fixture
def recorded(ctx: AppContext) -> dict[str, str]:
    person = save_person(
        ctx,
        PersonDraft(full_name="Ayesha Malik", sex="F", agency="ICT_POLICE", rank="ASI",
                    national_id=CNIC.replace("0012345678901", "00123-4567890-1")),
    ).uuid  # fmt: skip
    training = save_training(
        ctx,
        TrainingDraft(
            title="Effective prosecutions",
            topic="EFFECTIVE_PROSECUTIONS",
            venue_type="IN_COUNTRY",
            start_date=date(2020, 2, 3),
            end_date=date(2020, 2, 7),
            training_status="completed",
            status="final",
            enrollments=[EnrollmentDraft(person, "PROSECUTOR", "completed")],
        ),
    ).uuid
    return {
        "in_2020": save_seizure(ctx, seizure(date(2020, 5, 1), REMARK)).uuid,
        "in_2019": save_seizure(ctx, seizure(date(2019, 5, 1))).uuid,
        "person": person,
        "training": training,
    }


def rows(path: Path, sheet: str) -> list[dict[str, object]]:
    workbook = load_workbook(path, read_only=True)
    values = list(workbook[sheet].iter_rows(values_only=True))
    workbook.close()
    return [dict(zip(values[0], row, strict=False)) for row in values[1:]]


def test_cells_are_typed_as_hq_expects(
    ctx: AppContext, recorded: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "post.xlsx"
    result = export_workbook(ctx, ExportRequest(out, profile="full", password=WORKBOOK_PASSWORD))
    assert result.rows["Seizures"] == 4
    out = readable_copy(out)
    heroin = next(r for r in rows(out, "Seizures") if r["drug"] == "HEROIN"
                  and r["event_uuid"] == recorded["in_2020"])  # fmt: skip
    assert heroin["event_date"] == datetime(2020, 5, 1)  # a date cell, not text
    assert heroin["quantity"] == pytest.approx(3.26) and isinstance(heroin["quantity"], float)
    assert heroin["agency"] == "ANF" and heroin["agency_label"] == "Anti-Narcotics Force"
    assert heroin["remarks"] == REMARK  # text, not a formula
    enrollment = rows(out, "Enrollments")[0]
    assert enrollment["full_name"] == "Ayesha Malik"
    assert enrollment["national_id"] == "00123-4567890-1"
    assert enrollment["person_key"]


def test_a_formula_like_remark_is_stored_as_text(
    ctx: AppContext, recorded: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "post.xlsx"
    export_workbook(ctx, ExportRequest(out))
    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in sheet
    assert '=HYPERLINK("x")' in sheet


def test_the_hq_profile_leaks_no_personal_data_anywhere(
    ctx: AppContext, recorded: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "hq.xlsx"
    export_workbook(ctx, ExportRequest(out, profile="hq"))
    archive = zipfile.ZipFile(out)
    for name in archive.namelist():
        data = archive.read(name)
        for secret in (b"Ayesha", b"Malik", b"4567890", b"00123"):
            assert secret not in data, f"{secret!r} in {name}"
    workbook = load_workbook(out, read_only=True)
    about = {row[0]: row[-1] for row in workbook["About"].iter_rows(values_only=True)}
    workbook.close()
    assert about["personal_data"] == "none (hq profile)"


def test_a_period_selects_records_by_date(
    ctx: AppContext, recorded: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "fy2020.xlsx"
    result = export_workbook(ctx, ExportRequest(out, period=parse_period("FY2020")))
    assert {r["event_uuid"] for r in rows(out, "Seizures")} == {recorded["in_2020"]}
    assert result.rows["Trainings"] == 1


def test_since_last_exports_only_changes_and_tombstones(
    ctx: AppContext, recorded: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "monthly.xlsx"
    export_workbook(ctx, ExportRequest(out, since_last=True))
    set_seizure_deleted(ctx, recorded["in_2019"], True)
    later = save_seizure(ctx, seizure(date(2021, 1, 1))).uuid
    result = export_workbook(ctx, ExportRequest(out, since_last=True))
    assert result.since is not None
    assert {r["event_uuid"] for r in rows(out, "Seizures")} == {later}
    assert [(r["kind"], r["uuid"], r["revision"]) for r in rows(out, "Deleted")] == [
        ("seizure", recorded["in_2019"], 2)
    ]
    assert result.rows["Trainings"] == 0


def test_deleted_records_never_appear_on_data_sheets(
    ctx: AppContext, recorded: dict[str, str], tmp_path: Path
) -> None:
    set_seizure_deleted(ctx, recorded["in_2020"], True)
    out = tmp_path / "post.xlsx"
    export_workbook(ctx, ExportRequest(out))
    assert recorded["in_2020"] not in {r["event_uuid"] for r in rows(out, "Seizures")}
    assert recorded["in_2020"] in {r["uuid"] for r in rows(out, "Deleted")}


def test_control_characters_are_replaced_visibly(ctx: AppContext, tmp_path: Path) -> None:
    # Forms refuse them now; a database written before that rule may still hold some.
    uuid = save_seizure(ctx, seizure(date(2020, 1, 1), "clean")).uuid
    with ctx.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE seizure_events SET remarks = ? WHERE uuid = ?", ("bell\x07 and null\x00", uuid)
        )
    out = tmp_path / "post.xlsx"
    export_workbook(ctx, ExportRequest(out))
    assert rows(out, "Seizures")[0]["remarks"] == "bell\ufffd and null\ufffd"


def test_a_failed_export_leaves_the_earlier_file_untouched(
    ctx: AppContext, recorded: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "post.xlsx"
    export_workbook(ctx, ExportRequest(out))
    before = out.read_bytes()

    def stop(done: int, what: str) -> None:
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        request = ExportRequest(out, profile="full", password=WORKBOOK_PASSWORD)
        export_workbook(ctx, request, progress=stop)
    assert out.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["post.xlsx"]


def test_an_unwritable_target_gets_a_clear_message(ctx: AppContext, tmp_path: Path) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(ExportFailed, match="is a folder"):
        export_workbook(ctx, ExportRequest(folder))
    with pytest.raises(ExportFailed, match="does not exist"):
        export_workbook(ctx, ExportRequest(tmp_path / "missing" / "post.xlsx"))
