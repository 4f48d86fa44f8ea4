"""The column tables in docs/ are the layout the code writes."""

from __future__ import annotations

from pathlib import Path

from inl_desktop.exchange.describe import describe
from inl_desktop.exchange.format import SHEET_COLUMNS, columns_for

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_committed_column_tables_match_the_code() -> None:
    assert (DOCS / "exchange-columns.md").read_text(encoding="utf-8") == describe(), (
        "run: python -m inl_desktop.exchange.describe > docs/exchange-columns.md"
    )


def test_every_sheet_is_described_in_the_format_document() -> None:
    text = (DOCS / "exchange-format.md").read_text(encoding="utf-8")
    for sheet in ("About", *SHEET_COLUMNS):
        assert f"| {sheet} |" in text


def test_the_hq_profile_has_no_personal_column() -> None:
    personal = {"full_name", "national_id", "phone", "email", "certificate_number"}
    for sheet in SHEET_COLUMNS:
        assert not personal & {column.key for column in columns_for(sheet, "hq")}
    # "unit" is a drug item's unit on Seizures, but a person's unit on Enrollments
    assert "unit" not in {column.key for column in columns_for("Enrollments", "hq")}
    assert "unit" in {column.key for column in columns_for("Enrollments", "full")}
