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


def describe() -> str:
    """Markdown: one table per sheet (key, meaning, cell type, list, in hq profile)."""
    parts = [
        f"# Exchange workbook columns (format version {fmt.FORMAT_VERSION})",
        "",
        "Generated from `inl_desktop/exchange/format.py`; see `exchange-format.md`.",
    ]
    for sheet, columns in fmt.SHEET_COLUMNS.items():
        parts += ["", f"## {sheet}", "", "| key | meaning | cell | list | hq profile |"]
        parts.append("| --- | --- | --- | --- | --- |")
        for column in columns:
            listed = f"`{column.reference_list}`" if column.reference_list else ""
            hq = "left out (personal)" if column.personal else "yes"
            parts.append(
                f"| `{column.key}` | {_meaning(column)} | {_KIND_TEXT[column.kind]} "
                f"| {listed} | {hq} |"
            )
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(describe(), end="")
