"""Write the column tables of docs/exchange-format.md from the layout in code.

    python -m inl_desktop.exchange.describe > docs/exchange-columns.md

A test checks that the committed file matches, so the document never drifts.
"""

from __future__ import annotations

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange.format import Column, Kind

_KIND_TEXT = {
    Kind.TEXT: "text",
    Kind.CODE: "code (text)",
    Kind.LABEL: "label of the code to its left (text)",
    Kind.CODES: f"codes separated by `{fmt.CODE_SEPARATOR}` (text)",
    Kind.NUMBER: "number (exact decimal)",
    Kind.INTEGER: "whole number",
    Kind.DATE: "date",
    Kind.TIMESTAMP: "date and time, UTC",
}


def _meaning(column: Column) -> str:
    if column.field is not None and column.kind is not Kind.LABEL:
        return column.field.label
    if column.label_of is not None:
        return f"label of `{column.label_of}`"
    return column.key.replace("_", " ").capitalize()


def _listed(column: Column) -> str:
    """The reference list a code column takes its codes from, or the codes of a fixed
    choice with their labels (``sex``: F, M or U, not recorded)."""
    if column.reference_list:
        return f"`{column.reference_list}`"
    if column.kind is Kind.CODE and column.field is not None and column.field.choices:
        return ", ".join(f"`{code}` {label}" for code, label in column.field.choices)
    return ""


def describe() -> str:
    """Markdown: one table per sheet (key, meaning, cell type, list or codes, in hq
    profile)."""
    parts = [
        f"# Exchange workbook columns (format version {fmt.FORMAT_VERSION})",
        "",
        "Generated from `inl_desktop/exchange/format.py`; see `exchange-format.md`.",
    ]
    for sheet, columns in fmt.SHEET_COLUMNS.items():
        parts += ["", f"## {sheet}", "", "| key | meaning | cell | list or codes | hq profile |"]
        parts.append("| --- | --- | --- | --- | --- |")
        for column in columns:
            hq = "left out (personal)" if column.personal else "yes"
            parts.append(
                f"| `{column.key}` | {_meaning(column)} | {_KIND_TEXT[column.kind]} "
                f"| {_listed(column)} | {hq} |"
            )
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(describe(), end="")
