"""The Preview step of the import wizard: every row with what importing would do to it,
before anything is written; the rows are planned off the GUI thread."""

from __future__ import annotations

import copy
import re
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from inl_desktop.gui.common.task_controls import show_task_failure
from inl_desktop.gui.common.widgets import buddy_label
from inl_desktop.gui.common.workers import Task
from inl_desktop.gui.importing.import_source import WARNING_STYLE, ImportState, cell_text
from inl_desktop.services.importing.run import (
    DUPLICATE,
    NOT_SELECTED,
    READY,
    REJECTED,
    SKIPPED,
    ImportPlan,
    PlannedRow,
    plan_import,
)
from inl_desktop.services.importing.targets import ImportKind

OUTCOME_BRUSHES = {
    READY: QBrush(QColor("#d3f9d8")),
    SKIPPED: QBrush(QColor("#e9ecef")),
    REJECTED: QBrush(QColor("#ffc9c9")),
    DUPLICATE: QBrush(QColor("#ffd8a8")),
    NOT_SELECTED: QBrush(QColor("#d0ebff")),
}
PROBLEM_BRUSH = QBrush(QColor("#ffc9c9"))
FILTERS = (("Every row", ""), ("Rejected rows", REJECTED), ("Skipped rows", SKIPPED),
           ("Ready rows", READY), ("Possible duplicates", DUPLICATE),
           ("Rows not selected", NOT_SELECTED))  # fmt: skip
ALLOW_DUPLICATES_TEXT = "Import &possible duplicates too"


def plural(count: int, word: str) -> str:
    """'1 row', '2,000 rows'."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def plan_summary(plan: ImportPlan) -> str:
    """ "12 ready · 1 skipped · 2 rejected · 3 possible duplicates · 40 not selected":
    ready, skipped and rejected always, the others when there are some."""
    parts = [f"{plan.count(outcome):,} {outcome}" for outcome in (READY, SKIPPED, REJECTED)]
    if duplicates := plan.count(DUPLICATE):
        parts.append(plural(duplicates, DUPLICATE))
    if not_selected := plan.count(NOT_SELECTED):
        parts.append(f"{not_selected:,} {NOT_SELECTED}")
    return " · ".join(parts)


class PlanModel(QAbstractTableModel):
    """The rows of a plan: row number, outcome, the problems, and the file's cells."""

    NUMBER, OUTCOME, PROBLEMS = 0, 1, 2
    FIRST_CELL = 3

    def __init__(self, plan: ImportPlan | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PlannedRow] = plan.rows if plan else []
        self._headers: list[str] = plan.headers if plan else []
        self._marked: list[set[str]] = [
            {part for problem in row.problems for part in problem.column.split(" + ")}
            for row in self._rows
        ]

    @property
    def problems_column(self) -> int:
        """The section of the Problems column."""
        return self.PROBLEMS

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3 + len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == self.NUMBER:
            return "Row"
        if section == self.OUTCOME:
            return "Outcome"
        if section == self.problems_column:
            return "Problems and notes"
        return self._headers[section - self.FIRST_CELL]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.NUMBER:
                return str(row.number)
            if column == self.OUTCOME:
                return row.outcome
            if column == self.problems_column:
                separator = "\n" if role == Qt.ItemDataRole.ToolTipRole else "; "
                return separator.join(_said_about(row))
            cell = column - self.FIRST_CELL
            return cell_text(row.cells[cell]) if cell < len(row.cells) else ""
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == self.OUTCOME:
                return OUTCOME_BRUSHES[row.outcome]
            if (
                column >= self.FIRST_CELL
                and row.outcome == REJECTED
                and self._headers[column - self.FIRST_CELL] in self._marked[index.row()]
            ):
                return PROBLEM_BRUSH
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.NUMBER:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


def _said_about(row: PlannedRow) -> list[str]:
    """Why a row is left out (its reason, or its problems), then the notes on it (a
    decimal comma joined, a formula's value, a possible duplicate imported anyway)."""
    if row.outcome == REJECTED:
        said = [f"{p.column}: {p.message}" for p in row.problems]
    else:  # "not selected" says nothing the outcome does not
        said = [row.reason] if row.reason and row.reason != row.outcome else []
    return said + row.notes


class PreviewPage(QWizardPage):
    """Every row and what importing would do with it, before anything is written."""

    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._stale = False
        self.setTitle("Preview")
        self.setSubTitle("Nothing is written yet. Rejected rows show their problems in red.")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.counts_label = QLabel("", self)
        self.counts_label.setAccessibleName("Row counts")
        font = self.counts_label.font()
        font.setBold(True)
        self.counts_label.setFont(font)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setAccessibleName("Reading the rows")
        self.filter_combo = QComboBox(self)
        for label, outcome in FILTERS:
            self.filter_combo.addItem(label, outcome)
        top.addWidget(self.counts_label)
        top.addWidget(self.progress, 1)
        top.addStretch(1)
        top.addWidget(buddy_label("S&how:", self.filter_combo, self))
        top.addWidget(self.filter_combo)
        layout.addLayout(top)
        self.duplicates_check = QCheckBox(ALLOW_DUPLICATES_TEXT, self)
        self.duplicates_check.setToolTip(
            "Rows that look like seizures already stored (same agency, drug and quantity "
            "around the same date) are left out unless this is ticked."
        )
        layout.addWidget(self.duplicates_check)
        self.message_label = QLabel("", self)
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(WARNING_STYLE)
        self.message_label.setAccessibleName("Preview problem")
        layout.addWidget(self.message_label)
        self.model = PlanModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(PlanModel.OUTCOME)
        self.view = QTableView(self)
        self.view.setAccessibleName("Rows of the file")
        self.view.setModel(self.proxy)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.view, 3)
        self.details_label = QLabel("", self)
        self.details_label.setWordWrap(True)
        self.details_label.setAccessibleName("Problems of the selected row")
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details_label)
        layout.addWidget(QLabel("Notes:", self))
        self.notes = QPlainTextEdit(self)
        self.notes.setReadOnly(True)
        self.notes.setAccessibleName("Notes")
        self.notes.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        layout.addWidget(self.notes, 1)

        self.task = Task(self)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_combo_current_index_changed)
        self.view.clicked.connect(self._on_view_clicked)
        self.duplicates_check.toggled.connect(self._on_duplicates_check_toggled)

    def initializePage(self) -> None:
        state = self._state
        self.duplicates_check.setVisible(state.kind is ImportKind.SEIZURES)
        self.duplicates_check.blockSignals(True)
        self.duplicates_check.setChecked(state.allow_duplicates)
        self.duplicates_check.blockSignals(False)
        self._replan()

    def _replan(self) -> None:
        """Read every row again, in the background (after the previous reading, if any)."""
        self._state.plan = None
        self._set_model(None)
        self.counts_label.setText("Reading every row…")
        self.message_label.clear()
        self.notes.clear()
        self.details_label.clear()
        self.progress.setVisible(True)
        if self.task.running:
            self._stale = True
        else:
            self._start()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        plan = self._state.plan
        return plan is not None and not plan.needs_date_order

    def show_only(self, outcome: str) -> None:
        """Show only rows with this outcome ("" for every row)."""
        self.filter_combo.setCurrentIndex(self.filter_combo.findData(outcome))

    def _start(self) -> None:
        self._stale = False
        ctx, table = self._state.ctx, self._state.table
        assert table is not None
        mapping = copy.deepcopy(self._state.mapping)
        allow = self._state.allow_duplicates
        self.task.start(lambda _report: plan_import(ctx, table, mapping, allow_duplicates=allow))

    def _set_model(self, plan: ImportPlan | None) -> None:
        self.model = PlanModel(plan, self)
        self.proxy.setSourceModel(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if plan is not None:
            self.view.resizeColumnsToContents()
            for column in range(self.model.columnCount()):
                widest = 360 if column == PlanModel.PROBLEMS else 220
                header.resizeSection(column, min(header.sectionSize(column), widest))

    def _on_task_succeeded(self, plan: ImportPlan) -> None:
        if self._stale:
            self._start()
            return
        self.progress.setVisible(False)
        self._state.plan = plan
        self._set_model(plan)
        self.counts_label.setText(plan_summary(plan))
        self.notes.setPlainText("\n".join(plan.notes))
        if plan.needs_date_order:
            self.message_label.setText(
                "Dates like 03/04/2019 read both ways and no date in the file tells which. "
                "Go Back to Columns and choose the date order."
            )
        elif plan.count(REJECTED):
            self.show_only(REJECTED)
        if self.filter_combo.currentData() and not plan.count(self.filter_combo.currentData()):
            self.show_only("")  # read again, no row has the outcome shown: show them all
        self.completeChanged.emit()

    def _on_task_failed(self, error: object) -> None:
        if self._stale:
            self._start()
            return
        self.progress.setVisible(False)
        self.counts_label.setText("")
        show_task_failure(self.message_label, error, unexpected="The rows could not be read")
        self.completeChanged.emit()

    def _on_filter_combo_current_index_changed(self, _index: int) -> None:
        outcome = self.filter_combo.currentData()
        self.proxy.setFilterRegularExpression(f"^{re.escape(outcome)}$" if outcome else "")

    def _on_duplicates_check_toggled(self, checked: bool) -> None:
        self._state.allow_duplicates = checked
        self._replan()

    def _on_view_clicked(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        problems = self.model.index(source.row(), self.model.problems_column)
        number = self.model.index(source.row(), PlanModel.NUMBER).data()
        text = problems.data(Qt.ItemDataRole.ToolTipRole)
        self.details_label.setText(f"Row {number}: {text}" if text else "")
