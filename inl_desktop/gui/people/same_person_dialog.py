"""The dialog that asks whether a new person is one already recorded."""

from __future__ import annotations

from collections.abc import Sequence

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
from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.domain.fields import SEX

OPEN, ADD, CANCEL = "open", "add", "cancel"


class SamePersonDialog(QDialog):
    """Lists the stored persons a new one may repeat; ``decision()`` after exec."""

    COLUMNS = ("Name (as on ID)", "Sex", "Agency", "Rank", "Province", "National ID")

    def __init__(
        self, matches: Sequence[PersonDraft], catalog: Catalog, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("This person may already be recorded")
        self._matches = list(matches)
        self._decision: tuple[str, str | None] = (CANCEL, None)
        intro = QLabel(
            "The directory already has a person with the same national ID (dashes "
            "ignored), or with the same name in the same agency. Open the existing record "
            "instead of adding the same officer twice?",
            self,
        )
        intro.setWordWrap(True)
        sexes = dict(SEX)
        self.table = QTableWidget(len(self._matches), len(self.COLUMNS), self)
        self.table.setAccessibleName("Persons already recorded")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, match in enumerate(self._matches):
            cells = (
                match.full_name or "",
                sexes.get(match.sex or "", ""),
                catalog.label("agencies", match.agency),
                match.rank or "",
                catalog.label("provinces", match.province),
                match.national_id or "",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.selectRow(0)
        buttons = QDialogButtonBox(self)
        self.open_button: QPushButton = buttons.addButton(
            "&Open existing", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.add_button: QPushButton = buttons.addButton(
            "&Add anyway", QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.cancel_button: QPushButton = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.table.doubleClicked.connect(self._on_open_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 260)

    def decision(self) -> tuple[str, str | None]:
        """("open", uuid), ("add", None) or ("cancel", None)."""
        return self._decision

    def reject(self) -> None:
        self._decision = (CANCEL, None)
        super().reject()

    def _on_open_button_clicked(self, *_args: object) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._decision = (OPEN, self._matches[rows[0].row()].uuid)
            self.accept()

    def _on_add_button_clicked(self) -> None:
        self._decision = (ADD, None)
        self.accept()
