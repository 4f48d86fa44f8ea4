"""Warn that a new seizure looks like one already recorded; link it, keep both, or cancel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.catalog import Catalog
from inl_desktop.services.duplicates import PossibleDuplicate

LINK, KEEP, CANCEL = "link", "keep", "cancel"
COLUMNS = ("Date or period", "Seizing agency", "Drug", "Quantity", "Place", "Source reference")


def period_text(start: date, end: date) -> str:
    """One day as its date, a longer period as "from – to"."""
    if start == end:
        return start.isoformat()
    return f"{start.isoformat()} – {end.isoformat()}"


class DuplicateDialog(QDialog):
    """Lists the stored seizures a new report may repeat; ``decision()`` after exec."""

    def __init__(
        self,
        candidates: Sequence[PossibleDuplicate],
        catalog: Catalog,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Possible duplicate seizure")
        self._candidates = list(candidates)
        self._decision: tuple[str, str | None] = (CANCEL, None)
        intro = QLabel(
            "This report looks like a seizure already recorded (same date or overlapping "
            "period, same or joint agency, same drug, quantity within 1%). Agencies often "
            "report one seizure jointly: link it if it is the same seizure, so totals "
            "count it once.",
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self._candidates), len(COLUMNS), self)
        self.table.setAccessibleName("Seizures already recorded")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, candidate in enumerate(self._candidates):
            cells = (
                period_text(candidate.period_start, candidate.period_end),
                catalog.label("agencies", candidate.agency),
                catalog.label("drugs", candidate.drug),
                f"{format(candidate.quantity, 'f')} {catalog.label('units', candidate.unit)}",
                candidate.place or "",
                candidate.source_reference or "",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.selectRow(0)
        buttons = QDialogButtonBox(self)
        self.link_button: QPushButton = buttons.addButton(
            "&Link as the same seizure", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.keep_button: QPushButton = buttons.addButton(
            "&Keep both", QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.cancel_button: QPushButton = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.link_button.setDefault(True)
        self.link_button.clicked.connect(self._on_link_button_clicked)
        self.keep_button.clicked.connect(self._on_keep_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 300)

    def decision(self) -> tuple[str, str | None]:
        """("link", uuid), ("keep", None) or ("cancel", None)."""
        return self._decision

    def reject(self) -> None:
        self._decision = (CANCEL, None)
        super().reject()

    def _selected_uuid(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self._candidates[rows[0].row()].uuid if rows else None

    def _on_table_selection_changed(self) -> None:
        self.link_button.setEnabled(self._selected_uuid() is not None)

    def _on_link_button_clicked(self) -> None:
        uuid = self._selected_uuid()
        if uuid is not None:
            self._decision = (LINK, uuid)
            self.accept()

    def _on_keep_button_clicked(self) -> None:
        self._decision = (KEEP, None)
        self.accept()


def ask_duplicate(
    candidates: Sequence[PossibleDuplicate], catalog: Catalog, parent: QWidget | None = None
) -> tuple[str, str | None]:
    """Show the dialog and return its decision (Cancel or Esc: ("cancel", None))."""
    dialog = DuplicateDialog(candidates, catalog, parent)
    dialog.exec()
    return dialog.decision()
