"""The accomplishments report as a workbook: an About sheet, the sentences, the figures.

Figures are real numbers (kilograms with their decimals, counts as whole numbers), one
row each, with the sentence that uses them and the basis they rest on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inl_desktop.exchange.format import Column, Kind, text_columns
from inl_desktop.exchange.writer import SheetData, write_workbook

SENTENCES = "Sentences"
FIGURES = "Figures"
SENTENCE_COLUMNS = (Column("sentence", Kind.INTEGER), Column("text", Kind.TEXT))
FIGURE_COLUMNS = (
    Column("sentence", Kind.INTEGER),
    *text_columns("section", "figure"),
    Column("value", Kind.NUMBER),
    *text_columns("unit", "basis", "shown_as"),
)


def write_report_workbook(
    target: Path,
    about: Sequence[tuple[str, Any]],
    sentences: Sequence[str],
    figures: Sequence[Sequence[Any]],
) -> dict[str, int]:
    """Write the report (figure rows in ``FIGURE_COLUMNS`` order); rows per sheet."""
    return write_workbook(
        target,
        about,
        [
            SheetData(SENTENCES, SENTENCE_COLUMNS, enumerate(sentences, start=1)),
            SheetData(FIGURES, FIGURE_COLUMNS, figures),
        ],
    )
