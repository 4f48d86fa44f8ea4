"""What importing does with each row of a source: the outcomes, the problems that
refuse a row, the plan of a whole file and the result of committing it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inl_desktop.domain.drafts import EnrollmentDraft, PersonDraft, TrainingDraft
from inl_desktop.exchange.ragged import RaggedRows
from inl_desktop.exchange.sources import Cell, SourceTable
from inl_desktop.services.importing.mapping import ImportMapping
from inl_desktop.services.persons import name_key, national_id_key

READY, SKIPPED, REJECTED = "ready", "skipped", "rejected"
NOT_SELECTED, DUPLICATE = "not selected", "possible duplicate"
OUTCOMES = (READY, SKIPPED, REJECTED, DUPLICATE, NOT_SELECTED)
IMPORTED_BEFORE = "imported before"
TOTAL_ROW = "a subtotal or total row"


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be imported: its row number, the source column, the reason."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


@dataclass
class RosterRow:
    """A participant's row of a roster: the session it names, the person, the enrollment."""

    session: TrainingDraft
    person: PersonDraft
    enrollment: EnrollmentDraft
    session_key: tuple[Any, ...] = ()

    @property
    def person_key(self) -> tuple[str, ...]:
        """What makes two rows name the same person: the national ID, else name and agency."""
        key = national_id_key(self.person.national_id)
        if key:
            return ("id", key)
        return ("name", name_key(self.person.full_name or ""), self.person.agency or "")


@dataclass
class PlannedRow:
    """One row of the source and what importing would do with it."""

    number: int
    cells: list[Cell]
    outcome: str
    reason: str = ""
    problems: list[RowProblem] = field(default_factory=list)
    record: Any = None
    fingerprint: str = ""
    notes: list[str] = field(default_factory=list)  # said about the row, not against it
    session: tuple[Any, ...] | None = None  # the session a training row names


@dataclass
class ImportPlan:
    """A file read with a mapping: every row's outcome, and what was decided for it."""

    table: SourceTable
    mapping: ImportMapping
    rows: list[PlannedRow]
    notes: list[str]
    needs_date_order: bool = False
    ragged: RaggedRows | None = None
    allow_duplicates: bool = False
    sessions: int | None = None  # how many sessions the training rows name
    # The spellings the user mapped (not the import's own suggestions): remembered for
    # the post when the import is committed, and suggested next time.
    chosen_values: dict[str, dict[str, str]] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        """How many rows have this outcome."""
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def headers(self) -> list[str]:
        """The source's column headers."""
        return self.table.headers


@dataclass
class ImportResult:
    """What an import did."""

    imported: int
    skipped: int
    rejected: int
    errors_file: Path | None
    uuids: list[str] = field(default_factory=list)
    duplicates: int = 0  # look-alikes of stored records left out
    not_selected: int = 0
    sessions: int | None = None  # the sessions the imported training rows made or joined

    def as_json(self) -> dict[str, Any]:
        """What the command prints with ``--json``."""
        return {
            "imported": self.imported,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "not_selected": self.not_selected,
            "sessions": self.sessions,
            "errors_file": str(self.errors_file) if self.errors_file else None,
        }
