"""Figures from the files posts really keep: ragged rows never shift columns, the same
figures in another form are not imported twice, rows naming one course are one
session, sex is not invented, total rows are skipped wherever their label is, a date
order the file contradicts is refused, rows can be selected, and formula and error
cells are said."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from importing_fixtures import write_csv, write_xlsx
from openpyxl import load_workbook
from service_builders import rows

from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.domain.errors import UserError
from inl_desktop.domain.import_values import DateOrder, Decimals
from inl_desktop.domain.periods import parse_period
from inl_desktop.services.context import AppContext
from inl_desktop.services.duplicates import find_lookalikes, find_possible_duplicates
from inl_desktop.services.importing.mapping import ImportMapping
from inl_desktop.services.importing.run import (
    DUPLICATE,
    IMPORTED_BEFORE,
    NOT_SELECTED,
    READY,
    REJECTED,
    SKIPPED,
    ImportPlan,
    commit_import,
    plan_import,
    read_table,
    suggested_mapping,
)
from inl_desktop.services.importing.targets import ImportKind
from inl_desktop.services.reports.accomplishments import build_report, load_groupings
from inl_desktop.services.reports.seizures import ReportScope
from inl_desktop.services.seizures import save_seizure

# A country/year/drug table written with "," as the delimiter *and* unquoted decimal
# commas: 12630,15 is two cells.
DECIMAL_COMMA_TABLE = (
    "Country,Region,Drug,Year,Kilograms\r\n"
    "Pakistan,Asia,Heroin,2019,12630,15\r\n"
    "Pakistan,Asia,Opium,2019,33000\r\n"
    "Pakistan,Asia,Hashish,2019,0,12\r\n"
    "Afghanistan,Asia,Heroin,2019,5000,5\r\n"
)


def table_mapping(**changes: object) -> ImportMapping:
    """The profile a desk keeps for the country/year/drug table."""
    mapping = ImportMapping(
        ImportKind.SEIZURES,
        columns={"period": ["Year"], "drug": ["Drug"], "quantity": ["Kilograms"]},
        constants={"unit": "KG", "agency": "ANF"},
    )
    for name, value in changes.items():
        setattr(mapping, name, value)
    return mapping


def plan(ctx: AppContext, path: Path, mapping: ImportMapping, **options: bool) -> ImportPlan:
    return plan_import(ctx, read_table(path, mapping), mapping, **options)


def outcomes(plan: ImportPlan) -> dict[int, str]:
    return {row.number: row.outcome for row in plan.rows}


def stored_items(ctx: AppContext) -> list[tuple[object, ...]]:
    """(period start, period end, agency, drug, quantity, unit) of every live item."""
    found = rows(
        ctx,
        "SELECT e.period_start, e.period_end, e.agency, i.drug, i.quantity, i.unit "
        "FROM seizure_events e JOIN seizure_items i ON i.event_id = e.id "
        "WHERE e.deleted_at IS NULL ORDER BY e.period_start, i.drug, i.quantity_value",
    )
    return [(*row[:4], Decimal(str(row[4])), row[5]) for row in found]


def decimal_comma_file(tmp_path: Path) -> Path:
    path = tmp_path / "unodc-old.csv"
    path.write_bytes(DECIMAL_COMMA_TABLE.encode("utf-8"))
    return path


# -- 1. ragged rows ----------------------------------------------------------------------


def test_a_ragged_row_is_refused_not_imported_with_its_columns_shifted(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = decimal_comma_file(tmp_path)
    # Naming the delimiter and the decimal comma does not make the rows whole.
    mapping = table_mapping(delimiter=",", decimal_separator=Decimals.COMMA)

    planned = plan(ctx, source, mapping)

    assert outcomes(planned) == {2: REJECTED, 3: READY, 4: REJECTED, 5: REJECTED}
    hashish = next(row for row in planned.rows if row.number == 4)
    assert [problem.column for problem in hashish.problems] == ["Row"]
    message = hashish.problems[0].message
    assert "6 cells where the header names 5" in message
    assert "decimal commas in a comma-separated file" in message
    assert "greater than 0" not in message  # 0,12 is not reported as a zero quantity
    assert any(
        note.startswith("3 rows have more cells than the header's 5")
        and "decimal commas in a comma-separated file" in note
        for note in planned.notes
    )
    assert planned.ragged is not None and planned.ragged.repairable

    result = commit_import(ctx, planned)

    assert (result.imported, result.rejected) == (1, 3)
    assert stored_items(ctx) == [
        ("2019-01-01", "2019-12-31", "ANF", "OPIUM", Decimal("33000"), "KG")
    ]


def test_the_decimal_comma_repair_is_applied_only_when_chosen_and_shown_row_by_row(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = decimal_comma_file(tmp_path)

    planned = plan(ctx, source, table_mapping(repair_decimal_commas=True))

    assert outcomes(planned) == {2: READY, 3: READY, 4: READY, 5: READY}
    by_number = {row.number: row for row in planned.rows}
    assert by_number[2].notes == ["Kilograms: 12630,15 (decimal comma joined)"]
    assert by_number[3].notes == []
    assert planned.mapping.decimal_separator is Decimals.COMMA
    commit_import(ctx, planned)
    assert [item[3:5] for item in stored_items(ctx)] == [
        ("HASHISH", Decimal("0.12")),
        ("HEROIN", Decimal("5000.5")),
        ("HEROIN", Decimal("12630.15")),
        ("OPIUM", Decimal("33000")),
    ]


def test_rows_the_repair_cannot_read_without_guessing_are_not_offered_it(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = tmp_path / "ragged.csv"
    source.write_bytes(
        b"Country,Region,Drug,Year,Kilograms\n"
        b"Pakistan,Asia,Heroin,2019,12630,15\n"
        b"Pakistan,Asia,Heroin,2019,1,5,7\n"  # two cells too many: which pairs?
        b"Pakistan,Asia,Opium\n"  # cells missing
    )

    planned = plan(ctx, source, table_mapping(repair_decimal_commas=True))

    assert planned.ragged is not None and not planned.ragged.repairable
    assert outcomes(planned) == {2: READY, 3: REJECTED, 4: REJECTED}
    summary = planned.ragged.summary()
    assert "2 rows have more cells than the header's 5" in summary
    assert "1 row has fewer cells than the header's 5" in summary
    assert "not imported as they are" in summary


# -- 2. the same figures in another form ---------------------------------------------------

FIGURES = [("2015", "Heroin", "8140.5"), ("2016", "Heroin", "12501.25"),
           ("2017", "Opium", "33000"), ("2018", "Hashish", "61400.75"),
           ("2019", "Morphine", "3.26")]  # fmt: skip


def test_the_same_figures_as_xlsx_csv_and_decimal_comma_csv_are_imported_once(
    ctx: AppContext, tmp_path: Path
) -> None:
    header = ["Country", "Region", "Drug", "Year", "Kilograms"]
    xlsx = write_xlsx(
        tmp_path / "table.xlsx",
        {"Seizures": [header, *([ "Pakistan", "Asia", drug, int(year), float(kg)]
                                for year, drug, kg in FIGURES)]},
    )  # fmt: skip
    points = write_csv(
        tmp_path / "table.csv",
        [header, *(["Pakistan", "Asia", drug, year, kg] for year, drug, kg in FIGURES)],
        encoding="utf-8-sig",
        delimiter=";",
    )
    commas = write_csv(
        tmp_path / "table-commas.csv",
        [header, *(["Pakistan", "Asia", drug, year, kg.replace(".", ",")]
                   for year, drug, kg in FIGURES)],
        delimiter=";",
    )  # fmt: skip

    first = commit_import(ctx, plan(ctx, xlsx, table_mapping()))
    assert first.imported == 5
    for again in (points, commas):
        planned = plan(ctx, again, table_mapping())
        assert {row.reason for row in planned.rows} == {IMPORTED_BEFORE}
        assert commit_import(ctx, planned).imported == 0
    assert sum(item[4] for item in stored_items(ctx)) == sum(Decimal(kg) for _, _, kg in FIGURES)


def stored_heroin(ctx: AppContext) -> None:
    save_seizure(
        ctx,
        SeizureDraft(
            basis="case",
            event_date=date(2019, 4, 13),
            agency="ANF",
            province="PK-KP",
            status="final",
            source_reference="FIR 12/2019",
            items=[SeizureItemDraft("HEROIN", Decimal("12"), "KG")],
        ),
    )


def seizure_rows_file(tmp_path: Path, *quantities: str) -> Path:
    return write_csv(
        tmp_path / "returns.csv",
        [["Date of Seizure", "LEA", "Narcotics", "Qty", "Province"],
         *(["13/04/2019", "ANF", "Heroin", quantity, "Khyber Pakhtunkhwa"]
           for quantity in quantities)],
    )  # fmt: skip


SEIZURE_COLUMNS = {"event_date": ["Date of Seizure"], "agency": ["LEA"], "drug": ["Narcotics"],
                   "quantity": ["Qty"], "province": ["Province"]}  # fmt: skip


def test_a_row_that_looks_like_a_stored_seizure_is_left_out_unless_allowed(
    ctx: AppContext, tmp_path: Path
) -> None:
    stored_heroin(ctx)
    source = seizure_rows_file(tmp_path, "12.05 kg", "12.5 kg")  # within 1%, then 4% off
    mapping = ImportMapping(ImportKind.SEIZURES, columns=dict(SEIZURE_COLUMNS))

    planned = plan(ctx, source, mapping)

    assert outcomes(planned) == {2: DUPLICATE, 3: READY}
    assert planned.rows[0].reason.startswith(
        "possible duplicate of the seizure of 2019-04-13 by ANF: Heroin 12 "
    )
    assert planned.rows[0].reason.endswith("(FIR 12/2019)")
    result = commit_import(ctx, planned)
    assert (result.imported, result.duplicates) == (1, 1)
    assert result.as_json()["duplicates"] == 1

    allowed = plan(ctx, source, mapping, allow_duplicates=True)
    # The 12.5 kg row was imported above: now it is itself a look-alike of that record.
    assert allowed.rows[0].outcome == READY
    assert any(note.startswith("possible duplicate of") for note in allowed.rows[0].notes)
    assert commit_import(ctx, allowed).imported >= 1
    assert Decimal("12.05") in [item[4] for item in stored_items(ctx)]


# -- 3, 4, 5. a per-unit course file: sessions, sex not recorded, program totals ---------

COURSE_HEADER = ["Program", "Fiscal Year", "Course Title", "Student Unit", "Location",
                 "Start Date", "End Date", "Students", "Total Cost"]  # fmt: skip
COURSES = [
    ["IMET", "2018", "Basic Investigation", "Punjab Police", "Glynco GA", "12/4/2017",
     "12/15/2017", "3", "$89,600 "],
    ["IMET", "2018", "Basic Investigation", "Sindh Police", "Glynco GA", "12/4/2017",
     "12/15/2017", "2", "$59,700 "],
    ["IMET", "2018", "Prison Management", "Punjab Prisons", "Denver CO", "1/8/2018",
     "1/26/2018", "4", "$120,000 "],
    ["IMET", "2018", "Prison Management", "KP Prisons", "Denver CO", "1/8/2018",
     "1/26/2018", "1", "$30,000 "],
    ["IMET", "2018", "Prison Management", "Sindh Prisons", "Denver CO", "1/8/2018",
     "1/26/2018", "2", "$60,000 "],
    ["IMET", "2018", "Counter Narcotics", "ANF", "Tampa FL", "3/5/2018", "3/16/2018", "5",
     "$100,000 "],
    [None, None, "Fiscal Year 2018 Program Totals", None, None, None, None, "17", "$459,300 "],
]  # fmt: skip


def course_mapping() -> ImportMapping:
    return ImportMapping(
        ImportKind.TRAININGS,
        columns={
            "title": ["Course Title"],
            "location": ["Location"],
            "start_date": ["Start Date"],
            "end_date": ["End Date"],
            "enrolled_sex_not_recorded": ["Students"],
            "cost_participant": ["Total Cost"],
        },
        constants={"topic": "INVESTIGATION_SKILLS", "venue_type": "UNITED_STATES",
                   "venue_country": "US", "audience": "INVESTIGATOR"},
    )  # fmt: skip


def stored_sessions(ctx: AppContext) -> list[tuple[object, ...]]:
    """(title, participant cost, sex, enrolled, completed) of every count."""
    found = rows(
        ctx,
        "SELECT s.title, s.cost_participant, c.sex, c.enrolled, c.completed "
        "FROM training_sessions s JOIN attendance_counts c ON c.session_id = s.id "
        "WHERE s.deleted_at IS NULL ORDER BY s.start_date, c.sex",
    )
    return [
        (title, None if cents is None else Decimal(cents) / 100, *rest)
        for title, cents, *rest in found
    ]


def test_rows_per_course_and_student_unit_are_one_session_whose_counts_add_up(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "fmtr.csv", [COURSE_HEADER, *COURSES])

    planned = plan(ctx, source, course_mapping())

    assert "6 rows → 3 sessions" in planned.notes
    assert planned.sessions == 3
    total = planned.rows[-1]
    assert (total.number, total.outcome) == (8, SKIPPED)
    assert total.reason == "a subtotal or total row (its figures equal the sum of the 6 rows above)"
    result = commit_import(ctx, planned)
    assert (result.imported, result.sessions) == (6, 3)
    # Sex is not in the file: every trainee is counted as "not recorded", none as a man.
    assert stored_sessions(ctx) == [
        ("Basic Investigation", Decimal("149300"), "U", 5, 5),
        ("Prison Management", Decimal("210000"), "U", 7, 7),
        ("Counter Narcotics", Decimal("100000"), "U", 5, 5),
    ]


def test_a_later_row_for_a_course_imported_before_joins_its_session(
    ctx: AppContext, tmp_path: Path
) -> None:
    commit_import(ctx, plan(ctx, write_csv(tmp_path / "a.csv", [COURSE_HEADER, *COURSES]),
                            course_mapping()))  # fmt: skip
    later = [*COURSES[:6], ["IMET", "2018", "Counter Narcotics", "FC KP", "Tampa FL",
                            "3/5/2018", "3/16/2018", "2", "$40,000 "]]  # fmt: skip

    result = commit_import(
        ctx, plan(ctx, write_csv(tmp_path / "b.csv", [COURSE_HEADER, *later]), course_mapping())
    )

    assert (result.imported, result.skipped) == (1, 6)
    assert stored_sessions(ctx)[-1] == ("Counter Narcotics", Decimal("140000"), "U", 7, 7)
    assert rows(ctx, "SELECT count(*) FROM training_sessions") == [(3,)]


def test_rows_naming_one_session_with_different_details_are_not_merged_silently(
    ctx: AppContext, tmp_path: Path
) -> None:
    header = [*COURSE_HEADER, "Provider"]
    source = write_csv(
        tmp_path / "f.csv",
        [header, [*COURSES[0], "FLETC"], [*COURSES[1], "DEA"]],
    )
    mapping = course_mapping()
    mapping.columns["provider"] = ["Provider"]

    planned = plan(ctx, source, mapping)

    assert outcomes(planned) == {2: READY, 3: REJECTED}
    assert "names the session of row 2 with another Provider ('FLETC' there, 'DEA' here)" in (
        planned.rows[1].problems[0].message
    )


def test_a_mapped_session_key_groups_rows_whatever_their_titles(
    ctx: AppContext, tmp_path: Path
) -> None:
    header = ["Class", "Course", "Start", "End", "Students"]
    source = write_csv(
        tmp_path / "k.csv",
        [header, ["C-1", "Basic investigation", "04/12/2017", "15/12/2017", "3"],
         ["C-1", "Basic investigation", "04/12/2017", "15/12/2017", "4"],
         ["C-2", "Basic investigation", "04/12/2017", "15/12/2017", "1"]],
    )  # fmt: skip
    mapping = course_mapping()
    mapping.columns = {"session_key": ["Class"], "title": ["Course"], "start_date": ["Start"],
                       "end_date": ["End"], "enrolled_sex_not_recorded": ["Students"]}  # fmt: skip

    result = commit_import(ctx, plan(ctx, source, mapping))

    assert (result.imported, result.sessions) == (3, 2)
    assert sorted(count for *_, count in stored_sessions(ctx)) == [1, 7]


def test_a_total_row_labelled_in_its_last_cell_is_skipped(ctx: AppContext, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "s.csv",
        [["Date of Seizure", "LEA", "Narcotics", "Qty", "Province", "Remarks"],
         ["13/04/2019", "ANF", "Heroin", "12 kg", "Punjab", "Total of 3 packets in the tank"],
         ["14/04/2019", "ANF", "Heroin", "3 kg", "Punjab", None],
         [None, None, None, "16 kg", None, "Grand total"]],
    )  # fmt: skip
    mapping = ImportMapping(
        ImportKind.SEIZURES, columns={**SEIZURE_COLUMNS, "remarks": ["Remarks"]}
    )

    planned = plan(ctx, source, mapping)

    assert outcomes(planned) == {2: READY, 3: READY, 4: SKIPPED}
    assert (
        planned.rows[2].reason == "a subtotal or total row"
    )  # 16 is not 12 + 3: nothing more is said


# -- 6. a date order the file contradicts ---------------------------------------------------


def test_a_date_order_the_files_dates_contradict_refuses_the_whole_run(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "fmtr.csv", [COURSE_HEADER, *COURSES])
    mapping = course_mapping()
    mapping.date_order = DateOrder.DAY_FIRST

    with pytest.raises(UserError) as refused:
        plan(ctx, source, mapping)

    assert str(refused.value) == (
        "the file's dates are month-first ('12/15/2017'); you asked for day-first"
    )
    assert rows(ctx, "SELECT count(*) FROM training_sessions") == [(0,)]


# -- 8. keeping only some rows ------------------------------------------------------------


def test_rows_not_selected_by_where_are_counted_apart(ctx: AppContext, tmp_path: Path) -> None:
    source = decimal_comma_file(tmp_path)
    mapping = table_mapping(repair_decimal_commas=True, where={"Country": ["pakistan"]})

    planned = plan(ctx, source, mapping)

    assert outcomes(planned) == {2: READY, 3: READY, 4: READY, 5: NOT_SELECTED}
    result = commit_import(ctx, planned)
    assert (result.imported, result.skipped, result.rejected, result.not_selected) == (3, 0, 0, 1)


def test_a_where_on_a_column_the_file_lacks_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no column 'Nation'"):
        plan(ctx, decimal_comma_file(tmp_path), table_mapping(where={"Nation": ["Pakistan"]}))


# -- 9. formula and error cells --------------------------------------------------------------


def workbook_with_formula_and_error(tmp_path: Path) -> Path:
    """A register whose total quantity is a formula with its cached value, and one of
    whose quantities is an error cell (#NAME?), as Excel saves them."""
    path = write_xlsx(
        tmp_path / "register.xlsx",
        {"Register": [["Date of Seizure", "LEA", "Narcotics", "Qty", "Province"],
                      [date(2019, 4, 13), "ANF", "Heroin", 2, "Punjab"],
                      [date(2019, 4, 14), "ANF", "Heroin", 3, "Punjab"],
                      [date(2019, 4, 15), "ANF", "Opium", 99, "Punjab"]]},
    )  # fmt: skip
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('<c r="D3" t="n"><v>3</v></c>', '<c r="D3"><f>D2+1</f><v>3</v></c>')
    sheet = sheet.replace('<c r="D4" t="n"><v>99</v></c>', '<c r="D4" t="e"><v>#NAME?</v></c>')
    assert "<f>D2+1</f>" in sheet and "#NAME?" in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_formula_cell_is_used_with_a_note_and_an_error_cell_rejects_its_row(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = workbook_with_formula_and_error(tmp_path)
    mapping = ImportMapping(
        ImportKind.SEIZURES, columns=dict(SEIZURE_COLUMNS), constants={"unit": "KG"}
    )

    planned = plan(ctx, source, mapping)

    assert outcomes(planned) == {2: READY, 3: READY, 4: REJECTED}
    assert planned.rows[1].notes == ["Qty: the value is the last result of =D2+1"]
    assert [(p.column, p.message) for p in planned.rows[2].problems] == [
        ("Qty", "the cell is an error (#NAME?) in the file")
    ]
    assert any(note.startswith("1 cell is a formula") for note in planned.notes)
    errors = tmp_path / "errors.xlsx"
    commit_import(ctx, planned, errors)
    assert [item[4] for item in stored_items(ctx)] == [Decimal("2"), Decimal("3")]
    assert load_workbook(errors).active is not None


# -- 7. a column is suggested for a coded field only when its values are in the list -----


def test_a_region_column_of_continents_is_not_suggested_as_the_province(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "world.csv",
        [["Country", "Region", "Drug", "Year", "Kilograms"],
         ["Pakistan", "Asia", "Heroin", "2019", "12"],
         ["Germany", "Europe", "Heroin", "2019", "3"],
         ["Colombia", "Americas", "Cocaine", "2019", "40"]],
    )  # fmt: skip

    suggested = suggested_mapping(ImportKind.SEIZURES, read_table(source, None), ctx.catalog())

    assert "province" not in suggested.columns
    assert suggested.columns["drug"] == ["Drug"]


def test_a_spelling_mapped_once_is_remembered_for_the_post_and_suggested_next_time(
    ctx: AppContext, tmp_path: Path
) -> None:
    april = write_csv(
        tmp_path / "april.csv",
        [["Date of Seizure", "LEA", "Narcotics", "Qty"], ["13/04/2019", "ANF", "Tez", "2 kg"]],
    )
    may = write_csv(
        tmp_path / "may.csv",
        [["Date of Seizure", "LEA", "Narcotics", "Qty"], ["13/05/2019", "ANF", "TEZ.", "5 kg"]],
    )
    columns = {name: SEIZURE_COLUMNS[name] for name in ("event_date", "agency", "drug")}
    columns["quantity"] = ["Qty"]
    unmapped = ImportMapping(ImportKind.SEIZURES, columns=dict(columns))
    assert outcomes(plan(ctx, may, unmapped)) == {2: REJECTED}  # nobody said what Tez is

    mapped = ImportMapping(
        ImportKind.SEIZURES, columns=dict(columns), values={"drug": {"tez": "METHAMPHETAMINE"}}
    )
    commit_import(ctx, plan(ctx, april, mapped))
    planned = plan(ctx, may, ImportMapping(ImportKind.SEIZURES, columns=dict(columns)))

    assert outcomes(planned) == {2: READY}
    assert planned.rows[0].record.items[0].drug == "METHAMPHETAMINE"
    assert any("TEZ. -> METHAMPHETAMINE" in note for note in planned.notes)


def test_the_report_on_a_file_without_sex_says_sex_not_recorded_and_invents_no_women(
    ctx: AppContext, tmp_path: Path
) -> None:
    commit_import(
        ctx, plan(ctx, write_csv(tmp_path / "f.csv", [COURSE_HEADER, *COURSES]), course_mapping())
    )

    report = build_report(ctx, ReportScope(parse_period("FY2018")), load_groupings(ctx.catalog()))

    text = " ".join(report.sentences)
    assert "sex not recorded" in text
    assert "0 women" not in text and "women" not in text.replace("sex not recorded", "")


def test_persons_from_a_file_without_a_sex_column_are_stored_as_sex_not_recorded(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "people.csv",
        [["Name", "CNIC", "Agency"], ["Zainab Bibi", "04210-1234567-8", "Sindh Police"]],
    )
    mapping = ImportMapping(
        ImportKind.PERSONS,
        columns={"full_name": ["Name"], "national_id": ["CNIC"], "agency": ["Agency"]},
    )

    result = commit_import(ctx, plan(ctx, source, mapping))

    assert result.imported == 1
    assert rows(ctx, "SELECT full_name, sex FROM persons") == [("Zainab Bibi", "U")]


def test_the_importers_look_alike_search_finds_what_the_forms_finds(ctx: AppContext) -> None:
    def seizure(**fields: object) -> SeizureDraft:
        items = fields.pop("items")
        draft = SeizureDraft(status="final", province="PK-PB", **fields)  # type: ignore[arg-type]
        draft.items = [SeizureItemDraft(*item) for item in items]  # type: ignore[attr-defined]
        return draft

    stored = [
        seizure(basis="case", event_date=date(2019, 4, 13), agency="ANF",
                items=[("HEROIN", Decimal("12"), "KG")]),
        seizure(basis="case", event_date=date(2019, 4, 13), agency="CUSTOMS",
                joint_agencies=("ANF",), items=[("HASHISH", Decimal("1500"), "G")]),
        seizure(basis="aggregate", period_start=date(2019, 1, 1), period_end=date(2019, 12, 31),
                agency="ANF", items=[("OPIUM", Decimal("33"), "MT")]),
        seizure(basis="case", event_date=date(2019, 5, 2), agency="MOD",
                items=[("HEROIN", Decimal("2"), "KG")]),
    ]  # fmt: skip
    for draft in stored:
        save_seizure(ctx, draft)
    incoming = [
        seizure(basis="case", event_date=date(2019, 4, 13), agency="ANF",
                items=[("HEROIN", Decimal("12.1"), "KG")]),
        seizure(basis="case", event_date=date(2019, 4, 13), agency="ANF",
                items=[("HASHISH", Decimal("1.5"), "KG")]),  # the joint seizure, in kg
        seizure(basis="case", event_date=date(2019, 7, 1), agency="ANF",
                items=[("OPIUM", Decimal("33000"), "KG")]),  # inside the aggregate's year
        seizure(basis="aggregate", period_start=date(2019, 5, 1), period_end=date(2019, 5, 31),
                agency="MOD", items=[("HEROIN", Decimal("2"), "KG")]),
        seizure(basis="case", event_date=date(2019, 4, 13), agency="ANF",
                items=[("HEROIN", Decimal("13"), "KG")]),  # 8% off: no
        seizure(basis="case", event_date=date(2019, 4, 14), agency="MOD",
                items=[("HEROIN", Decimal("12"), "KG")]),  # another day and agency: no
    ]  # fmt: skip

    batch = find_lookalikes(ctx, incoming)

    one_by_one = [
        sorted(d.uuid for d in find_possible_duplicates(ctx, draft)) for draft in incoming
    ]
    assert [sorted(d.uuid for d in found) for found in batch] == one_by_one
    assert [len(found) for found in batch] == [1, 1, 1, 1, 0, 0]
