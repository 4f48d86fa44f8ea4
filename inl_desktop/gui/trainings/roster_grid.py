"""The roster grid: one row per participant, the person then the enrollment.

A participant is a person from the directory (their details shown, not editable
here) or a person the clerk types in, created when the session is saved. Each
row's person has a UUID from the start (minted here for a new one), so the
session's enrollments can name them before they exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import EnrollmentDraft, PersonDraft
from inl_desktop.domain.fields import ENROLLMENT, PERSON
from inl_desktop.gui.common.part_grid import Column, GridRow, PartModel, PartView
from inl_desktop.gui.trainings.grid_cells import CellProblem, read_cells
from inl_desktop.services.records import new_uuid

PERSON_COLUMNS = (
    Column(PERSON["full_name"], PERSON["full_name"].label, 190, person=True),
    Column(PERSON["sex"], PERSON["sex"].label, 70, person=True),
    Column(PERSON["agency"], PERSON["agency"].label, 170, person=True),
    Column(PERSON["rank"], PERSON["rank"].label, 110, person=True),
    Column(PERSON["national_id"], PERSON["national_id"].label, 125, person=True),
)
_WIDTHS = {
    "audience": 150,
    "completion": 110,
    "pre_score": 95,
    "post_score": 100,
    "certificate_number": 130,
    "vetting_status": 110,
    "invest_case_number": 140,
    "vetting_submitted": 125,
    "vetting_cleared": 115,
}
ENROLLMENT_COLUMNS = tuple(Column(f, f.label, _WIDTHS[f.name]) for f in ENROLLMENT)
ROSTER_COLUMNS = (*PERSON_COLUMNS, *ENROLLMENT_COLUMNS)
PERSON_FIELDS = tuple(c.name for c in PERSON_COLUMNS)
NEW_PERSON_TIP = "A new person: added to the people directory when the session is saved"


@dataclass
class RosterRow(GridRow):
    """A participant: ``person`` is the stored person (None for a new one)."""

    person: PersonDraft | None = None


def person_values(person: PersonDraft) -> dict[str, str | None]:
    """A person's details as roster cells."""
    return {name: getattr(person, name) for name in PERSON_FIELDS}


class RosterModel(PartModel):
    """The participants; a new person's row is numbered "N new"."""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Vertical and section < len(self.rows()):
            new = self.rows()[section].new_person
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{section + 1} new" if new else str(section + 1)
            if role == Qt.ItemDataRole.ToolTipRole:
                return NEW_PERSON_TIP if new else "From the people directory"
        return super().headerData(section, orientation, role)


class RosterView(PartView):
    """Participants of a session: pick, type in or paste them; read them as drafts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roster_model = RosterModel(ROSTER_COLUMNS, self)
        self.set_part_model(self.roster_model)
        self.pastes_rows = True

    def set_catalog(self, catalog: Catalog) -> None:
        """Offer and show the codes of ``catalog``."""
        self.roster_model.set_catalog(catalog)

    # -- rows --------------------------------------------------------------------

    def rows(self) -> list[RosterRow]:
        """The participants' rows, top to bottom."""
        return self.roster_model.rows()  # type: ignore[return-value]

    def set_roster(
        self, enrollments: Sequence[EnrollmentDraft], people: dict[str, PersonDraft]
    ) -> None:
        """Show a session's enrollments, each with its person from ``people``."""
        rows: list[GridRow] = []
        for enrollment in enrollments:
            person = people.get(enrollment.person_uuid or "")
            values = person_values(person) if person is not None else {}
            for column in ENROLLMENT_COLUMNS:
                values[column.name] = _cell_text(getattr(enrollment, column.name))
            rows.append(
                RosterRow(
                    values=values,
                    uuid=enrollment.uuid,
                    person_uuid=enrollment.person_uuid,
                    person=person,
                )
            )
        self.roster_model.set_rows(rows)

    def add_new_person(self, person: PersonDraft | None = None) -> int:
        """Append a row for a person to create (blank, or with ``person``'s details)."""
        values = person_values(person) if person is not None else {}
        row = RosterRow(values=values, person_uuid=new_uuid(), new_person=True)
        return self.roster_model.append_rows([row])

    def add_person(self, person: PersonDraft, at: int | None = None) -> int:
        """Enrol a stored person: in row ``at`` (replacing a new person typed there) or
        in a new row at the end. Returns the row."""
        assert person.uuid is not None
        if at is None:
            row = RosterRow(person_uuid=person.uuid)
            at = self.roster_model.append_rows([row])
        row = self.rows()[at]
        row.values.update(person_values(person))
        row.person_uuid, row.person, row.new_person = person.uuid, person, False
        self.roster_model.row_changed(at)
        return at

    def became_stored(self, at: int, person: PersonDraft) -> None:
        """A new person's row after the save that created them."""
        row = self.rows()[at]
        row.person, row.new_person = person, False
        self.roster_model.row_changed(at)

    def remove_row(self, at: int) -> None:
        """Take a participant off the roster (the person stays in the directory)."""
        self.roster_model.remove_row(at)

    def row_of_person(self, uuid: str) -> int | None:
        """The row of the person ``uuid``, if enrolled."""
        return next((n for n, row in enumerate(self.rows()) if row.person_uuid == uuid), None)

    def is_open_for_a_person(self, at: int) -> bool:
        """Whether row ``at`` is a new person's row with no details but perhaps a name
        (picking a person from the directory fills it instead of adding a row)."""
        row = self.rows()[at]
        return row.new_person and not any(row.values.get(name) for name in PERSON_FIELDS[1:])

    # -- reading -----------------------------------------------------------------

    def read(
        self,
    ) -> tuple[list[tuple[int, EnrollmentDraft]], list[PersonDraft], list[CellProblem]]:
        """The enrollments typed (each with its row), the persons to create, and the
        problems of reading them as (row, field, message). Blank rows are skipped."""
        lookups = self.roster_model.lookups
        enrollments: list[tuple[int, EnrollmentDraft]] = []
        new_people: list[PersonDraft] = []
        problems: list[CellProblem] = []
        for n, row in enumerate(self.rows()):
            if row.is_blank():
                continue
            enrollment = EnrollmentDraft(person_uuid=row.person_uuid, uuid=row.uuid)
            read_cells(enrollment, ENROLLMENT_COLUMNS, row, n, lookups, problems)
            enrollments.append((n, enrollment))
            if row.new_person:
                person = PersonDraft(uuid=row.person_uuid, status="final")
                read_cells(person, PERSON_COLUMNS, row, n, lookups, problems)
                new_people.append(person)
        return enrollments, new_people, problems

    def stored_people(self) -> list[PersonDraft]:
        """The participants who are in the directory already."""
        return [row.person for row in self.rows() if row.person is not None]

    def names(self) -> dict[str, str]:
        """Participants' names by person UUID (as typed for new persons)."""
        return {
            row.person_uuid: row.values.get("full_name") or "(no name yet)"
            for row in self.rows()
            if row.person_uuid
        }


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    return str(value)
