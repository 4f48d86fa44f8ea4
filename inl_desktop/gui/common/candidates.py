"""Stored records offered to choose from: "is this one already recorded?" questions and
the person picker.

The candidates stand in a read-only table whose rows are chosen whole, one at a time,
so that the record answered is the one the user sees highlighted. The questions take
that record, go on all the same, or cancel; their answer is a decision read after
``exec``, so the caller's save can go on or stop where it is.
"""

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

CANCEL = "cancel"
Decision = tuple[str, str | None]


def candidate_table(
    parent: QWidget,
    name: str,
    headers: Sequence[str],
    *,
    resize: QHeaderView.ResizeMode = QHeaderView.ResizeMode.ResizeToContents,
    widths: Sequence[int] = (),
) -> QTableWidget:
    """A read-only table of candidates, one chosen at a time; its last column takes the
    room left (``widths`` sizes the columns in order, where given)."""
    table = QTableWidget(0, len(headers), parent)
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(resize)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    header.setStretchLastSection(True)
    return table


def show_rows(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Show ``rows`` of cell texts, replacing what the table showed."""
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            table.setItem(row, column, QTableWidgetItem(text))


def selected_row(table: QTableWidget) -> int | None:
    """The row chosen, if one is."""
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


class RepeatQuestion(QDialog):
    """Whether a new record repeats one stored: the candidates, then Take (the one
    selected), Anyway (keep the new one) or Cancel; ``decision()`` after exec.

    ``candidates`` pairs each stored record's UUID with its cells; ``take`` and
    ``anyway`` pair each answer with its button's text.
    """

    def __init__(
        self,
        parent: QWidget | None,
        *,
        intro: str,
        table_name: str,
        headers: Sequence[str],
        candidates: Sequence[tuple[str | None, Sequence[str]]],
        take: tuple[str, str],
        anyway: tuple[str, str],
    ) -> None:
        super().__init__(parent)
        self._uuids = [uuid for uuid, _cells in candidates]
        self._take, self._anyway = take[0], anyway[0]
        self._decision: Decision = (CANCEL, None)
        intro_label = QLabel(intro, self)
        intro_label.setWordWrap(True)
        self.table = candidate_table(self, table_name, headers)
        show_rows(self.table, [cells for _uuid, cells in candidates])
        self.table.selectRow(0)
        buttons = QDialogButtonBox(self)
        self.take_button: QPushButton = buttons.addButton(
            take[1], QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.anyway_button: QPushButton = buttons.addButton(
            anyway[1], QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.cancel_button: QPushButton = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.take_button.setDefault(True)
        self.take_button.clicked.connect(self._on_take_button_clicked)
        self.anyway_button.clicked.connect(self._on_anyway_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def decision(self) -> Decision:
        """(take, uuid), (anyway, None) or ("cancel", None)."""
        return self._decision

    def reject(self) -> None:
        self._decision = (CANCEL, None)
        super().reject()

    def _on_take_button_clicked(self, *_args: object) -> None:
        row = selected_row(self.table)
        if row is not None:
            self._decision = (self._take, self._uuids[row])
            self.accept()

    def _on_anyway_button_clicked(self) -> None:
        self._decision = (self._anyway, None)
        self.accept()
