"""Warn that a new seizure looks like one already recorded; link it, keep both, or cancel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.gui.common.candidates import Decision, RepeatQuestion, selected_row
from inl_desktop.services.duplicates import PossibleDuplicate

LINK, KEEP = "link", "keep"
COLUMNS = ("Date or period", "Seizing agency", "Drug", "Quantity", "Place", "Source reference")


def period_text(start: date, end: date) -> str:
    """One day as its date, a longer period as "from – to"."""
    if start == end:
        return start.isoformat()
    return f"{start.isoformat()} – {end.isoformat()}"


class DuplicateDialog(RepeatQuestion):
    """Lists the stored seizures a new report may repeat; ``decision()`` after exec:
    ("link", uuid), ("keep", None) or ("cancel", None)."""

    def __init__(
        self,
        candidates: Sequence[PossibleDuplicate],
        catalog: Catalog,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            intro="This report looks like a seizure already recorded (same date or overlapping "
            "period, same or joint agency, same drug, quantity within 1%). Agencies often "
            "report one seizure jointly: link it if it is the same seizure, so totals "
            "count it once.",
            table_name="Seizures already recorded",
            headers=COLUMNS,
            candidates=[
                (
                    candidate.uuid,
                    (
                        period_text(candidate.period_start, candidate.period_end),
                        catalog.label("agencies", candidate.agency),
                        catalog.label("drugs", candidate.drug),
                        f"{format(candidate.quantity, 'f')} "
                        f"{catalog.label('units', candidate.unit)}",
                        candidate.place or "",
                        candidate.source_reference or "",
                    ),
                )
                for candidate in candidates
            ],
            take=(LINK, "&Link as the same seizure"),
            anyway=(KEEP, "&Keep both"),
        )
        self.setWindowTitle("Possible duplicate seizure")
        self.link_button, self.keep_button = self.take_button, self.anyway_button
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.resize(760, 300)

    def _on_table_selection_changed(self) -> None:
        self.link_button.setEnabled(selected_row(self.table) is not None)


def ask_duplicate(
    candidates: Sequence[PossibleDuplicate], catalog: Catalog, parent: QWidget | None = None
) -> Decision:
    """Show the dialog and return its decision (Cancel or Esc: ("cancel", None))."""
    dialog = DuplicateDialog(candidates, catalog, parent)
    dialog.exec()
    return dialog.decision()
