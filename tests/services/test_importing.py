"""Importing the spreadsheets posts already keep: every value that lands in the
database, the rows skipped and rejected with their reasons, the errors workbook the
user fixes and imports again, saved mappings, and re-imports that add nothing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from importing_fixtures import (
    HYPERLINK_REMARK,
    MULTILINE_REMARK,
    SEIZURE_HEADERS,
    SEIZURES_APRIL,
    Row,
    write_csv,
    write_xlsx,
)
from openpyxl import load_workbook
from service_builders import all_counts, ayesha, rows
from sqlalchemy import select

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.import_values import DateOrder
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.mapping import ImportMapping, load_mapping, mapping_from_json
from inl_desktop.services.importing.run import (
    READY,
    REJECTED,
    SKIPPED,
    ImportPlan,
    ImportResult,
    commit_import,
    plan_import,
    read_table,
    suggested_mapping,
)
from inl_desktop.services.importing.targets import ImportKind
from inl_desktop.services.persons import save_person
from inl_desktop.store.models import SeizureEvent, SeizureItem

SEIZURES = ImportKind.SEIZURES

# What the April register means, row by row: (date, agency, province, drug, quantity,
# unit, kg-equivalent in mg, remarks).
APRIL_STORED = [
    (date(2019, 4, 13), "ANF", "PK-KP", "HASHISH", Decimal("12"), "KG", 12_000_000,
     "Torkham, truck from Jalalabad"),
    (date(2019, 5, 2), "MOD", "PK-PB", "HASHISH", Decimal("1500"), "G", 1_500_000,
     HYPERLINK_REMARK),
    (date(2019, 5, 21), "MOD", "PK-BA", "HASHISH", Decimal("3.5"), "MT", 3_500_000_000, None),
    (date(2019, 5, 3), "MOD", "PK-KP", "HEROIN", Decimal("2"), "KG", 2_000_000,
     MULTILINE_REMARK),
]  # fmt: skip


def plan_file(
    ctx: AppContext,
    path: Path,
    mapping: ImportMapping | None = None,
    kind: ImportKind = SEIZURES,
) -> ImportPlan:
    """Read a file as the wizard does: with the mapping given, else with suggestions."""
    table = read_table(path, mapping)
    return plan_import(ctx, table, mapping or suggested_mapping(kind, table))


def import_file(
    ctx: AppContext,
    path: Path,
    mapping: ImportMapping | None = None,
    kind: ImportKind = SEIZURES,
    errors_file: Path | None = None,
) -> ImportResult:
    """Plan and commit a file."""
    return commit_import(ctx, plan_file(ctx, path, mapping, kind), errors_file)


def stored_seizures(ctx: AppContext) -> list[tuple[object, ...]]:
    """(date, agency, province, drug, quantity, unit, kg-equivalent mg, remarks) of
    every case seizure stored, in the order written."""
    with ctx.sessions() as session:
        found = session.execute(
            select(
                SeizureEvent.event_date,
                SeizureEvent.agency,
                SeizureEvent.province,
                SeizureItem.drug,
                SeizureItem.quantity,
                SeizureItem.unit,
                SeizureItem.kg_equivalent_mg,
                SeizureEvent.remarks,
            )
            .join(SeizureItem, SeizureItem.event_id == SeizureEvent.id)
            .order_by(SeizureEvent.id, SeizureItem.position)
        )
        return [tuple(row) for row in found]


def outcomes(plan: ImportPlan) -> dict[int, tuple[str, str]]:
    """Row number -> (outcome, reason) of every row planned."""
    return {row.number: (row.outcome, row.reason) for row in plan.rows}


def april_file(tmp_path: Path, name: str = "april.csv") -> Path:
    return write_csv(tmp_path / name, SEIZURES_APRIL, encoding="utf-8-sig")


# -- a messy register --------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_a_messy_register_stores_every_value_as_the_register_means_it(
    ctx: AppContext, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "april.csv", SEIZURES_APRIL, encoding=encoding)

    plan = plan_file(ctx, path)

    assert plan.table.header_row == 3
    assert plan.mapping.columns == {
        "event_date": ["Date of Seizure"],
        "agency": ["LEA"],
        "province": ["Province"],
        "remarks": ["Remarks"],
        "drug": ["Narcotics"],
        "quantity": ["Qty"],
    }
    assert plan.mapping.date_order is DateOrder.DAY_FIRST  # 13/04/2019 reads one way only
    assert outcomes(plan) == {
        4: (READY, ""),
        5: (READY, ""),
        6: (READY, ""),
        7: (READY, ""),
        8: (SKIPPED, "a subtotal or total row"),
        9: (REJECTED, ""),
        10: (SKIPPED, "a note (one cell of text)"),
    }
    (naswar,) = [row for row in plan.rows if row.outcome == REJECTED]
    assert [(p.row, p.column) for p in naswar.problems] == [(9, "Narcotics")]
    assert "'Naswar' is not in the list" in naswar.problems[0].message

    result = commit_import(ctx, plan)

    assert (result.imported, result.skipped, result.rejected) == (4, 2, 1)
    assert stored_seizures(ctx) == APRIL_STORED
    assert rows(
        ctx,
        "SELECT basis, date_precision, period_start, period_end, status FROM seizure_events",
    ) == [("case", "day", d.isoformat(), d.isoformat(), "final") for d, *_ in APRIL_STORED]
    assert rows(ctx, "SELECT source_file, source_row FROM imported_rows ORDER BY id") == [
        ("april.csv", 4),
        ("april.csv", 5),
        ("april.csv", 6),
        ("april.csv", 7),
    ]


def test_the_same_spellings_map_to_one_code_and_the_plan_says_which(
    ctx: AppContext, tmp_path: Path
) -> None:
    plan = plan_file(ctx, april_file(tmp_path))

    assert plan.mapping.values["drug"] == {"charas": "HASHISH", "cannabis resin": "HASHISH"}
    assert plan.mapping.values["agency"] == {"ministry of defense": "MOD"}
    assert "Drug values suggested: Cannabis resin -> HASHISH, Charas -> HASHISH" in plan.notes
    assert "Units are taken from the quantity cells (12 kg)" in plan.notes


def test_nothing_is_written_until_the_plan_is_committed(ctx: AppContext, tmp_path: Path) -> None:
    before = all_counts(ctx)

    plan_file(ctx, april_file(tmp_path))

    assert all_counts(ctx) == before


def test_a_workbook_with_date_cells_and_number_cells_is_read_cell_for_cell(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "register.xlsx",
        {
            "Seizures 2019": [
                ["Khyber desk — seizures 2019"],
                [],
                ["Date of Seizure", "Seizing agency", "Drug", "Quantity", "Unit", "FIR No"],
                [date(2019, 4, 13), "ANF", "Charas", 12.5, "kg", "0123/19"],
                [date(2019, 5, 2), "Pakistan Customs", "Heroin", 1500, "gms", "0044/19"],
                ["Grand total", None, None, 1512.5, None, None],
            ],
            "Notes": [["Figures from the ANF daily situation reports"]],
        },
    )

    result = import_file(ctx, path)

    assert (result.imported, result.skipped, result.rejected) == (2, 1, 0)
    assert stored_seizures(ctx) == [
        (date(2019, 4, 13), "ANF", None, "HASHISH", Decimal("12.5"), "KG", 12_500_000, None),
        (date(2019, 5, 2), "CUSTOMS", None, "HEROIN", Decimal("1500"), "G", 1_500_000, None),
    ]
    assert rows(ctx, "SELECT source_reference FROM seizure_events ORDER BY id") == [
        ("0123/19",),
        ("0044/19",),
    ]


# -- aggregate reports -------------------------------------------------------------------

UNODC_ROWS: list[Row] = [
    ["Country", "Year", "Drug", "Total (kg)"],
    ["Pakistan", "2019", "Heroin", "24,580.5"],
    ["Pakistan", "2019", "Opium", "31,000"],
    ["Pakistan", "2020", "Hashish", "356,120.25"],
    ["Pakistan", "Total", None, "411,700.75"],
]


def test_yearly_totals_import_as_aggregate_reports_of_the_whole_year(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "unodc_arq.csv", UNODC_ROWS)
    mapping = mapping_from_json(
        {
            "kind": "seizures",
            "columns": {"period": "Year", "drug": "Drug", "quantity": "Total (kg)"},
            "constants": {"agency": "ANF", "unit": "KG"},
        }
    )

    result = import_file(ctx, path, mapping)

    assert (result.imported, result.skipped, result.rejected) == (3, 1, 0)
    assert rows(
        ctx,
        "SELECT e.basis, e.event_date, e.date_precision, e.period_start, e.period_end, "
        "e.agency, i.drug, i.quantity, i.unit, i.kg_equivalent_mg FROM seizure_events e "
        "JOIN seizure_items i ON i.event_id = e.id ORDER BY e.id",
    ) == [
        ("aggregate", None, None, "2019-01-01", "2019-12-31", "ANF", "HEROIN", "24580.5", "KG",
         24_580_500_000),
        ("aggregate", None, None, "2019-01-01", "2019-12-31", "ANF", "OPIUM", "31000", "KG",
         31_000_000_000),
        ("aggregate", None, None, "2020-01-01", "2020-12-31", "ANF", "HASHISH", "356120.25", "KG",
         356_120_250_000),
    ]  # fmt: skip


# -- a saved mapping next month ----------------------------------------------------------

MAY_ROWS: list[Row] = [
    ["Narcotics seizures register — Khyber desk"],
    ["Compiled from LEA daily situation reports, June 2019"],
    SEIZURE_HEADERS,
    ["02/06/2019", "Ministry Of Defense", "Charas", "40 kg", "Khyber Pakhtunkhwa", None],
    ["05/06/2019", "ANF", "Tez", "750 g", "Sindh", "Karachi port, container"],
]


def test_a_saved_mapping_reads_next_months_file_the_same_way(
    ctx: AppContext, tmp_path: Path
) -> None:
    april = plan_file(ctx, april_file(tmp_path))
    saved = tmp_path / "khyber-register.json"
    april.mapping.name = "Khyber register"
    april.mapping.save(saved)
    loaded = load_mapping(saved)
    assert loaded.as_json() == april.mapping.as_json()
    # The desk adds by hand what "Tez" means, as docs/import-mapping.md shows.
    profile = json.loads(saved.read_text(encoding="utf-8"))
    profile["values"]["drug"]["Tez"] = "METHAMPHETAMINE"
    saved.write_text(json.dumps(profile), encoding="utf-8")
    june = write_csv(tmp_path / "june.csv", MAY_ROWS, encoding="utf-8-sig")

    # Every June date reads both ways: the saved day-first order decides.
    result = import_file(ctx, june, load_mapping(saved))

    assert (result.imported, result.skipped, result.rejected) == (2, 0, 0)
    assert stored_seizures(ctx) == [
        (date(2019, 6, 2), "MOD", "PK-KP", "HASHISH", Decimal("40"), "KG", 40_000_000, None),
        (date(2019, 6, 5), "ANF", "PK-SD", "METHAMPHETAMINE", Decimal("750"), "G", 750_000,
         "Karachi port, container"),
    ]  # fmt: skip


def test_a_mapping_naming_a_column_the_file_lacks_is_refused(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = april_file(tmp_path)
    mapping = mapping_from_json({"kind": "seizures", "columns": {"drug": "Drug name"}})

    with pytest.raises(UserError, match="no column 'Drug name'"):
        plan_file(ctx, path, mapping)


# -- importing again ---------------------------------------------------------------------


def test_importing_the_same_file_again_adds_nothing(ctx: AppContext, tmp_path: Path) -> None:
    path = april_file(tmp_path)
    import_file(ctx, path)
    counts = all_counts(ctx)

    again = plan_file(ctx, path)
    result = commit_import(ctx, again)

    assert {n: o for n, o in outcomes(again).items() if n in (4, 5, 6, 7)} == {
        n: (SKIPPED, "imported before") for n in (4, 5, 6, 7)
    }
    assert (result.imported, result.skipped, result.rejected) == (0, 6, 1)
    assert all_counts(ctx) == counts
    assert stored_seizures(ctx) == APRIL_STORED


def test_a_file_repeating_last_months_rows_adds_only_the_new_ones(
    ctx: AppContext, tmp_path: Path
) -> None:
    import_file(ctx, april_file(tmp_path))
    april_data = SEIZURES_APRIL[3:7]
    cumulative = [
        ["Seizures register, cumulative to June 2019"],
        SEIZURE_HEADERS,
        *reversed(april_data),
        *MAY_ROWS[3:4],
    ]
    path = write_csv(tmp_path / "cumulative.csv", cumulative)

    result = import_file(ctx, path)

    assert (result.imported, result.skipped, result.rejected) == (1, 4, 0)
    assert stored_seizures(ctx) == [
        *APRIL_STORED,
        (date(2019, 6, 2), "MOD", "PK-KP", "HASHISH", Decimal("40"), "KG", 40_000_000, None),
    ]


def test_two_identical_rows_in_one_file_are_two_seizures(ctx: AppContext, tmp_path: Path) -> None:
    twice = ["13/04/2019", "ANF", "Heroin", "1 kg", "Punjab", None]
    path = write_csv(tmp_path / "twice.csv", [SEIZURE_HEADERS, twice, twice])

    first = import_file(ctx, path)
    second = import_file(ctx, path)

    assert (first.imported, second.imported, second.skipped) == (2, 0, 2)
    expected = (date(2019, 4, 13), "ANF", "PK-PB", "HEROIN", Decimal("1"), "KG", 1_000_000, None)
    assert stored_seizures(ctx) == [expected, expected]


# -- the errors workbook -----------------------------------------------------------------

BROKEN_ROWS: list[Row] = [
    SEIZURE_HEADERS,
    ["13/04/2019", "ANF", "Heroin", "1 kg", "Punjab", None],
    ["14/04/2019", "ANF", "Naswar", "2 kg", "Sindh", HYPERLINK_REMARK],
    ["15/04/2019", "Customs", "Opium", "twelve kg", "Balochistan", "Chaman"],
    ["31/04/2019", "FIA", "Hashish", "3 kg", "Punjab", None],
]


def test_rejected_rows_go_to_an_errors_workbook_with_their_reasons(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "april.csv", BROKEN_ROWS)
    errors = tmp_path / "april-errors.xlsx"

    result = import_file(ctx, source, errors_file=errors)

    assert (result.imported, result.rejected, result.errors_file) == (1, 3, errors)
    book = load_workbook(errors)
    assert book.sheetnames == ["Rejected rows"]
    sheet = book["Rejected rows"]
    written = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert written[0] == [*SEIZURE_HEADERS, "Problems", "Source row"]
    assert [row[:6] for row in written[1:]] == [
        [None if cell == "" else cell for cell in row] for row in BROKEN_ROWS[2:]
    ]
    assert [row[7] for row in written[1:]] == [3, 4, 5]
    problems = [row[6] for row in written[1:]]
    assert "'Naswar' is not in the list" in problems[0]
    assert "'twelve kg' is not a quantity" in problems[1]
    assert "'31/04/2019' is not a date of the calendar" in problems[2]
    assert sheet["F2"].data_type == "s"  # the remark stays text, not a live formula


def test_the_fixed_errors_workbook_imports_with_the_same_mapping(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "april.csv", BROKEN_ROWS)
    errors = tmp_path / "april-errors.xlsx"
    plan = plan_file(ctx, source)
    commit_import(ctx, plan, errors)
    plan.mapping.save(tmp_path / "mapping.json")
    book = load_workbook(errors)
    sheet = book["Rejected rows"]
    sheet["C2"] = "Methamphetamine"
    sheet["D3"] = "12 kg"
    sheet["A4"] = "30/04/2019"
    book.save(errors)

    result = import_file(ctx, errors, load_mapping(tmp_path / "mapping.json"))

    assert (result.imported, result.skipped, result.rejected) == (3, 0, 0)
    assert stored_seizures(ctx) == [
        (date(2019, 4, 13), "ANF", "PK-PB", "HEROIN", Decimal("1"), "KG", 1_000_000, None),
        (date(2019, 4, 14), "ANF", "PK-SD", "METHAMPHETAMINE", Decimal("2"), "KG", 2_000_000,
         HYPERLINK_REMARK),
        (date(2019, 4, 15), "CUSTOMS", "PK-BA", "OPIUM", Decimal("12"), "KG", 12_000_000,
         "Chaman"),
        (date(2019, 4, 30), "FIA", "PK-PB", "HASHISH", Decimal("3"), "KG", 3_000_000, None),
    ]  # fmt: skip


# -- dates that read both ways -----------------------------------------------------------

AMBIGUOUS_ROWS: list[Row] = [
    ["Date", "Agency", "Drug", "Quantity", "Unit"],
    ["03/04/2019", "ANF", "Heroin", "1", "kg"],
    ["11/12/2019", "ANF", "Opium", "2", "kg"],
    ["05/05/2019", "ANF", "Hashish", "3", "kg"],
]


def test_a_file_of_ambiguous_dates_is_never_guessed(ctx: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ambiguous.csv", AMBIGUOUS_ROWS)

    plan = plan_file(ctx, path)

    assert plan.needs_date_order
    assert plan.mapping.date_order is None
    assert outcomes(plan) == {2: (REJECTED, ""), 3: (REJECTED, ""), 4: (READY, "")}
    for row in plan.rows[:2]:
        assert [p.column for p in row.problems] == ["Date"]
        assert "choose the file's date order" in row.problems[0].message


@pytest.mark.parametrize(
    ("order", "dates"),
    [
        (DateOrder.DAY_FIRST, [date(2019, 4, 3), date(2019, 12, 11), date(2019, 5, 5)]),
        (DateOrder.MONTH_FIRST, [date(2019, 3, 4), date(2019, 11, 12), date(2019, 5, 5)]),
    ],
)
def test_the_chosen_date_order_reads_an_ambiguous_file(
    ctx: AppContext, tmp_path: Path, order: DateOrder, dates: list[date]
) -> None:
    path = write_csv(tmp_path / "ambiguous.csv", AMBIGUOUS_ROWS)
    table = read_table(path, None)
    mapping = suggested_mapping(SEIZURES, table)
    mapping.date_order = order

    result = commit_import(ctx, plan_import(ctx, table, mapping))

    assert result.imported == 3
    assert [row[0] for row in stored_seizures(ctx)] == dates


def test_a_file_with_dates_written_both_ways_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "mixed.csv",
        [*AMBIGUOUS_ROWS, ["13/04/2019", "ANF", "Heroin", "1", "kg"], ["04/14/2019", "ANF"]],
    )

    with pytest.raises(UserError, match="both day-first and month-first"):
        plan_file(ctx, path)


# -- decimal commas ----------------------------------------------------------------------


def test_a_decimal_comma_file_reads_its_fractions(ctx: AppContext, tmp_path: Path) -> None:
    rows_ = [
        ["Datum", "Dienststelle", "Droge", "Menge", "Einheit"],
        ["13.04.2019", "ANF", "Heroin", "3,26", "kg"],
        ["14.04.2019", "ANF", "Opium", "1.234,5", "kg"],
        ["15.04.2019", "ANF", "Hashish", "0,75", "g"],
    ]
    path = write_csv(tmp_path / "export.csv", rows_, delimiter=";", encoding="cp1252")
    mapping = mapping_from_json(
        {
            "kind": "seizures",
            "columns": {
                "event_date": "Datum",
                "agency": "Dienststelle",
                "drug": "Droge",
                "quantity": "Menge",
                "unit": "Einheit",
            },
        }
    )

    plan = plan_file(ctx, path, mapping)
    result = commit_import(ctx, plan)

    assert "Numbers are read with a decimal comma (3,26 is 3.26)" in plan.notes
    assert result.imported == 3
    assert [(row[4], row[5], row[6]) for row in stored_seizures(ctx)] == [
        (Decimal("3.26"), "KG", 3_260_000),
        (Decimal("1234.5"), "KG", 1_234_500_000),
        (Decimal("0.75"), "G", 750),
    ]


def test_a_decimal_comma_is_found_in_quantities_that_carry_their_unit(
    ctx: AppContext, tmp_path: Path
) -> None:
    rows_ = [
        ["Date", "Agency", "Drug", "Quantity"],
        ["13/04/2019", "ANF", "Heroin", "3,26 kg"],
        ["14/04/2019", "ANF", "Opium", "0,5 kg"],
        ["15/04/2019", "ANF", "Hashish", "12 kg"],
    ]
    path = write_csv(tmp_path / "export.csv", rows_, delimiter=";")

    result = import_file(ctx, path)

    assert result.rejected == 0
    assert [(row[4], row[5]) for row in stored_seizures(ctx)] == [
        (Decimal("3.26"), "KG"),
        (Decimal("0.5"), "KG"),
        (Decimal("12"), "KG"),
    ]


# -- trainings and persons ---------------------------------------------------------------

TRAININGS_ROWS: list[Row] = [
    ["Trainings delivered by the INL Lahore office, FY2025"],
    ["Course title", "Start", "End", "Venue", "Topic", "Male", "Female"],
    ["Gender-responsive policing", "21/09/2025", "25/09/2025", "In-country",
     "Gender and women police", "30", "12"],
    ["Crime scene basics", "6-Oct-2025", "8-Oct-2025", "In country", "Crime scene and forensics",
     "18", "0"],
    ["Total", None, None, None, None, "48", "12"],
]  # fmt: skip


def test_a_trainings_file_stores_sessions_with_their_counts(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "trainings.csv", TRAININGS_ROWS)
    table = read_table(path, None)
    mapping = suggested_mapping(ImportKind.TRAININGS, table)
    mapping.constants["audience"] = "POLICE_OFFICER"

    plan = plan_import(ctx, table, mapping)
    result = commit_import(ctx, plan)

    assert (result.imported, result.skipped, result.rejected) == (2, 1, 0)
    assert rows(
        ctx,
        "SELECT title, topic, venue_type, start_date, end_date, training_status, "
        "attendance_mode FROM training_sessions ORDER BY id",
    ) == [
        ("Gender-responsive policing", "GENDER_WOMEN_POLICE", "IN_COUNTRY", "2025-09-21",
         "2025-09-25", "completed", "counts"),
        ("Crime scene basics", "CRIME_SCENE_FORENSICS", "IN_COUNTRY", "2025-10-06", "2025-10-08",
         "completed", "counts"),
    ]  # fmt: skip
    assert rows(
        ctx,
        "SELECT s.title, c.audience, c.sex, c.enrolled, c.completed FROM attendance_counts c "
        "JOIN training_sessions s ON s.id = c.session_id ORDER BY s.id, c.sex",
    ) == [
        ("Gender-responsive policing", "POLICE_OFFICER", "F", 12, 12),
        ("Gender-responsive policing", "POLICE_OFFICER", "M", 30, 30),
        ("Crime scene basics", "POLICE_OFFICER", "M", 18, 18),
    ]


ROSTER_ROWS: list[Row] = [
    ["Name", "Gender", "CNIC", "Agency", "Rank"],
    ["Zainab Bibi", "F", "04210-1234567-8", "Sindh Police", "Sub-Inspector"],
    ["Imran Qureshi", "Male", "0421012345679", "Punjab Police", "Inspector"],
    ["Ayesha Khan", "Female", "6110112345672", "Islamabad Capital Territory Police", "ASI"],
]


def test_a_roster_stores_persons_with_their_ids_exactly_as_typed(
    ctx: AppContext, tmp_path: Path
) -> None:
    save_person(ctx, ayesha())  # already stored, as 61101-1234567-2
    path = write_csv(tmp_path / "roster.csv", ROSTER_ROWS)

    plan = plan_file(ctx, path, kind=ImportKind.PERSONS)
    result = commit_import(ctx, plan)

    assert outcomes(plan)[4] == (SKIPPED, "a person with this national ID is already stored")
    assert (result.imported, result.skipped, result.rejected) == (2, 1, 0)
    assert rows(
        ctx, "SELECT full_name, sex, national_id, agency, rank FROM persons ORDER BY id"
    ) == [
        ("Ayesha Khan", "F", "61101-1234567-2", "ICT_POLICE", "Sub-Inspector"),
        ("Zainab Bibi", "F", "04210-1234567-8", "SINDH_POLICE", "Sub-Inspector"),
        ("Imran Qureshi", "M", "0421012345679", "PUNJAB_POLICE", "Inspector"),
    ]
