"""Rows pasted into a roster, and the question whether a typed person is one on file.

Pasted rows are parsed by domain.roster, matched against the people directory
(services.rosters), and added to the grid: a person found is enrolled as stored,
anyone else is a new person created when the session is saved. Bad rows are left
out and reported by row and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox, QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.domain.roster import parse_pasted_roster, same_person
from inl_desktop.gui.trainings.roster_grid import RosterView
from inl_desktop.services.context import AppContext
from inl_desktop.services.rosters import match_people

NOTHING_TO_PASTE = (
    "The clipboard holds no rows to paste: copy the participants' rows "
    "(name, sex, agency, rank, national ID) from a spreadsheet first."
)


@dataclass(frozen=True)
class PasteReport:
    """What a paste did: lines to show, whether rows were left out, the first row added."""

    lines: list[str]
    rows_left_out: bool
    first_added: int | None


def paste_roster(ctx: AppContext, catalog: Catalog, grid: RosterView, text: str) -> PasteReport:
    """Add the participants of pasted spreadsheet rows to ``grid``.

    No one is added twice: a person already on the roster (stored, or typed in) is
    noted and skipped. Blank rows at the end of the roster are dropped first.
    """
    parsed = parse_pasted_roster(text, catalog)
    if not parsed.people and not parsed.problems:
        return PasteReport([NOTHING_TO_PASTE], True, None)
    matches = match_people(ctx, [pasted.person for pasted in parsed.people])
    while grid.rows() and grid.rows()[-1].is_blank():
        grid.remove_row(len(grid.rows()) - 1)
    first = len(grid.rows())
    from_directory = created = 0
    notes: list[str] = []
    for pasted, match in zip(parsed.people, matches, strict=True):
        if match.existing is not None:
            enrolled = grid.row_of_person(match.existing.uuid or "")
            if enrolled is not None:
                notes.append(
                    f"Row {pasted.row}: {match.existing.full_name} is participant "
                    f"{enrolled + 1} already; not added again"
                )
                continue
            grid.add_person(match.existing)
            from_directory += 1
            continue
        repeated = participant_like(grid, pasted.person)
        if repeated is not None:
            notes.append(
                f"Row {pasted.row}: {pasted.person.full_name} is participant "
                f"{repeated + 1} already; not added again"
            )
            continue
        grid.add_new_person(pasted.person)
        created += 1
        if match.note:
            notes.append(f"Row {pasted.row}: {match.note}")
    added = from_directory + created
    lines = [
        f"Pasted {added} participant{'s' if added != 1 else ''}: {from_directory} found "
        f"in the people directory, {created} new (created when the session is saved)."
    ]
    if parsed.ignored_columns:
        lines.append("Columns ignored: " + ", ".join(parsed.ignored_columns) + ".")
    lines += notes
    if parsed.problems:
        count = len({problem.row for problem in parsed.problems})
        lines.append(f"{count} row{'s' if count != 1 else ''} left out:")
        lines += [str(problem) for problem in parsed.problems]
    return PasteReport(lines, bool(parsed.problems), first if added else None)


def participant_like(grid: RosterView, person: PersonDraft) -> int | None:
    """The row of a participant (stored, or typed in) who is ``person``, if any."""
    for n, row in enumerate(grid.rows()):
        other = row.person or PersonDraft(
            full_name=row.values.get("full_name"),
            agency=row.values.get("agency"),
            national_id=row.values.get("national_id"),
        )
        if same_person(person, other):
            return n
    return None


def ask_same_person(
    parent: QWidget, catalog: Catalog, person: PersonDraft, candidates: Sequence[PersonDraft]
) -> tuple[str, str | None]:
    """Ask whether a typed person is the first of ``candidates``, found in the directory.

    ("use", uuid) to enrol the one recorded, ("new", None) to create ``person``
    anyway, ("cancel", None) to stop saving.
    """
    found = candidates[0]
    details = [
        found.full_name or "",
        catalog.label("agencies", found.agency),
        found.rank or "",
        found.national_id or "",
    ]
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Already in the people directory?")
    box.setText(
        f"“{person.full_name}” looks like a person already recorded:\n\n"
        + " — ".join(part for part in details if part)
        + "\n\nEnrol the person already recorded, or add a new person?"
    )
    use = box.addButton("&Use the recorded person", QMessageBox.ButtonRole.AcceptRole)
    new = box.addButton("Add a &new person", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(use)
    box.exec()
    if box.clickedButton() is use:
        return ("use", found.uuid)
    if box.clickedButton() is new:
        return ("new", None)
    return ("cancel", None)
