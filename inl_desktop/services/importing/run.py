"""Importing a post's own spreadsheet: plan (every row read, checked and shown with
its problems; nothing written), then commit (the ready rows in one transaction).

A row is *ready* (it becomes a record), *skipped* on purpose (a subtotal, a note, a
row imported before) or *rejected* (its problems name the column and the reason; the
errors workbook lists them so the user can fix the rows and import that workbook).
Every imported record keeps the fingerprint of its source row: the kind and the
mapped cells, with how many identical rows came before it in the file. The same row
imported again, from the same file or a later one that repeats it, is skipped.

This module is what the import wizard and the command use; the work is done in
``suggestions`` (a first mapping), ``plan`` with ``reading`` and ``source_rows`` (the
rows read and decided), ``sessions`` (training rows grouped) and ``commit``.
"""

from __future__ import annotations

from inl_desktop.services.importing.commit import commit_import
from inl_desktop.services.importing.outcomes import (
    DUPLICATE,
    IMPORTED_BEFORE,
    NOT_SELECTED,
    OUTCOMES,
    READY,
    REJECTED,
    SKIPPED,
    TOTAL_ROW,
    ImportPlan,
    ImportResult,
    PlannedRow,
    RosterRow,
    RowProblem,
)
from inl_desktop.services.importing.plan import plan_import
from inl_desktop.services.importing.sessions import group_sessions
from inl_desktop.services.importing.source_rows import cell_key, read_table
from inl_desktop.services.importing.suggestions import suggested_mapping

__all__ = [
    "DUPLICATE",
    "IMPORTED_BEFORE",
    "NOT_SELECTED",
    "OUTCOMES",
    "READY",
    "REJECTED",
    "SKIPPED",
    "TOTAL_ROW",
    "ImportPlan",
    "ImportResult",
    "PlannedRow",
    "RosterRow",
    "RowProblem",
    "cell_key",
    "commit_import",
    "group_sessions",
    "plan_import",
    "read_table",
    "suggested_mapping",
]
