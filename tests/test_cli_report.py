"""``inl-desktop report``: text, JSON, xlsx and PDF, its refusals, and an HQ database."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication

from inl_desktop.cli import main
from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import save_seizure

EXIT_OK, EXIT_USAGE = 0, 2
SENTENCE = (
    "Pakistan's law enforcement agencies reported seizing 1.5 metric tons of morphine and "
    "heroin and 3.26 kg of cocaine during the first 10 months of 2019."
)


@pytest.fixture
def recorded(ctx: AppContext, db_path: Path) -> Path:
    """1,500 kg of heroin in March and 3.26 kg of cocaine on 31 October 2019."""
    for day, drug, quantity, unit in (
        (date(2019, 3, 1), "HEROIN", "1.5", "MT"),
        (date(2019, 10, 31), "COCAINE", "3260", "G"),
        (date(2019, 11, 1), "COCAINE", "1", "KG"),
    ):
        save_seizure(
            ctx,
            SeizureDraft(
                basis="case",
                event_date=day,
                agency="ANF",
                status="final",
                items=[SeizureItemDraft(drug=drug, quantity=Decimal(quantity), unit=unit)],
            ),
        )
    ctx.engine.dispose()
    return db_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def last_json(out: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return parsed


def test_text_report_prints_the_sentences_and_the_figures(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "--db", str(recorded), "--period", "2019M1-10")
    assert code == EXIT_OK
    assert SENTENCE in out.splitlines()
    assert "1,500.000 kg-equivalent" in out


def test_json_holds_the_sentences_and_the_figures_behind_them(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "--db", str(recorded), "--period", "2019M1-10", "--json")
    assert code == EXIT_OK
    report = last_json(out)
    assert report["sentences"][0] == SENTENCE
    assert report["period"] == {
        "label": "2019M1-10",
        "description": "the first 10 months of 2019",
        "start": "2019-01-01",
        "end": "2019-10-31",
    }
    cocaine = next(f for f in report["figures"] if f["label"] == "cocaine")
    assert (cocaine["value"], cocaine["shown_as"], cocaine["sentence"]) == (3.26, "3.26 kg", 1)


def test_xlsx_holds_the_same_figures(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "report.xlsx"
    args = ("report", "--db", str(recorded), "--period", "2019M1-10")
    code, out, _ = run(capsys, *args, "--format", "xlsx", "--out", str(out_file), "--json")
    assert code == EXIT_OK
    figures = last_json(out)["figures"]
    workbook = openpyxl.load_workbook(out_file, read_only=True)
    rows = list(workbook["Figures"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3]) for r in rows] == [(f["label"], f["value"]) for f in figures]
    assert next(workbook["Sentences"].iter_rows(min_row=2, values_only=True))[1] == SENTENCE


def test_pdf_is_written_with_the_sentences(
    qapp: QApplication, recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "report.pdf"
    args = ("report", "--db", str(recorded), "--period", "2019M1-10")
    code, _, _ = run(capsys, *args, "--format", "pdf", "--out", str(out_file))
    assert code == EXIT_OK
    assert out_file.read_bytes().startswith(b"%PDF")
    document = QPdfDocument()
    document.load(str(out_file))
    text = " ".join(document.getAllText(0).text().split())
    assert SENTENCE in text
    assert "1,500.000" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "2019M1-13"), "2019M1-13"),
        (("--period", "FY2020", "--format", "pdf"), "needs --out"),
        (("--period", "FY2020", "--format", "xlsx", "--out", "r.pdf"), ".xlsx file"),
    ],
)
def test_bad_arguments_are_refused_with_one_line(
    recorded: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, _, err = run(capsys, "report", "--db", str(recorded), *args)
    assert code == EXIT_USAGE
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_an_hq_database_reports_across_posts(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "isb.xlsx"
    hq = tmp_path / "hq.sqlite"
    assert run(capsys, "export", "--db", str(recorded), "--out", str(workbook))[0] == EXIT_OK
    setup = ("setup", "--db", str(hq), "--post", "PK-HQ", "--country", "PK", "--name", "HQ")
    assert run(capsys, *setup)[0] == EXIT_OK
    key = tmp_path / "PK-ISB.pub"
    assert run(capsys, "key", "--db", str(recorded), "--out", str(key))[0] == EXIT_OK
    assert run(capsys, "hq", "add-post", str(key), "--db", str(hq))[0] == EXIT_OK
    assert run(capsys, "consolidate", str(workbook), "--into", str(hq))[0] == EXIT_OK
    report = ("report", "--db", str(hq), "--period", "2019M1-10", "--json")
    for scope in ((), ("--country", "PK"), ("--post", "PK-ISB")):
        code, out, _ = run(capsys, *report, *scope)
        assert code == EXIT_OK
        assert last_json(out)["sentences"][0] == SENTENCE
    code, out, _ = run(capsys, *report, "--post", "PK-LHE")
    assert last_json(out)["sentences"][0].endswith(
        "reported no seizures during the first 10 months of 2019."
    )
