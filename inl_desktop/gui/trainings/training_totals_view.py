"""The Totals panel of the training list: unique persons and person-trainings, completed
only, by sex and audience category, for the list's current filter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.catalog import Catalog
from inl_desktop.gui.common.workers import LatestOnly
from inl_desktop.services.context import AppContext
from inl_desktop.services.record_lists import TrainingFilter
from inl_desktop.services.reports.training_totals import (
    NOT_RECORDED,
    AudienceTotals,
    Figures,
    TrainingTotals,
    training_totals,
)

MEASURES = ("Unique persons", "Person-trainings")


def headers(sex_not_recorded: bool) -> tuple[str, ...]:
    """The column headers; "sex not recorded" columns only when some figure has it."""
    sexes = ("women", "men", *(("sex not recorded",) if sex_not_recorded else ()), "total")
    return tuple(f"{measure}\n{sex}" for measure in MEASURES for sex in sexes)


HEADERS = headers(False)
ALL_ROW = "All audiences"
EXPLANATION = (
    "Completed training only. Unique persons: each person once, however many sessions "
    "they completed. Person-trainings: every completion. A person trained in two "
    "audience categories counts once in each, so categories can add up to more than all."
)


def how_many(count: int, noun: str) -> str:
    """A count with its noun: "1 session", "2,000 sessions"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _cells(figures: AudienceTotals, sex_not_recorded: bool) -> tuple[int, ...]:
    cells: list[int] = []
    for by_sex in (figures.unique_persons, figures.person_trainings):
        cells += [by_sex.women, by_sex.men]
        if sex_not_recorded:
            cells.append(by_sex.not_recorded)
        cells.append(by_sex.total)
    return tuple(cells)


def unrecorded_note(unique: Figures) -> str:
    """What the figures say of people whose sex is not recorded ("" when there are none)."""
    if not unique.not_recorded:
        return ""
    return (
        f"Sex is not recorded for {how_many(unique.not_recorded, 'unique person')}: they are "
        "in the totals and in neither women nor men."
    )


def counted_note(counted: Figures) -> str:
    """What the figures owe to sessions recorded as counts (which cannot be de-duplicated)."""
    if counted.total == 0:
        return "Every figure comes from rosters of named participants."
    unknown = f", {counted.not_recorded:,} sex not recorded" if counted.not_recorded else ""
    return (
        f"{counted.total:,} completions ({counted.women:,} women, {counted.men:,} men{unknown}) "
        "come from sessions recorded as counts, which have no names: each is taken as a "
        "distinct person in the unique figures."
    )


class TrainingTotalsView(QWidget):
    """Shows the TrainingTotals of a filter, computed off the GUI thread."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._filter: TrainingFilter | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        heading = QHBoxLayout()
        self.summary_label = QLabel("", self)
        self.summary_label.setAccessibleName("Totals summary")
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        heading.addWidget(self.summary_label, 1)
        self.copy_button = QPushButton("&Copy table", self)
        self.copy_button.setAccessibleName("Copy table")
        self.copy_button.setToolTip("Copy the figures, to paste into Excel or a report")
        heading.addWidget(self.copy_button)
        layout.addLayout(heading)

        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setAccessibleName("Training totals")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.table, 1)

        self.note_label = QLabel(EXPLANATION, self)
        self.note_label.setAccessibleName("How the totals are counted")
        self.note_label.setWordWrap(True)
        layout.addWidget(self.note_label)

        self._worker = LatestOnly(self)
        self._worker.result_ready.connect(self._on_worker_result_ready)
        self._worker.failed.connect(self._on_worker_failed)
        self.copy_button.clicked.connect(self.copy_table)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.table)
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(self.copy_table)

    def show_totals_for(self, filter_: TrainingFilter) -> None:
        """Compute the totals of ``filter_`` in the background and show them when ready."""
        self._filter = filter_
        ctx = self._ctx
        self.summary_label.setText("Counting…")

        def count() -> TrainingTotals:
            return training_totals(ctx, filter_)

        self._worker.start(count)

    def wait(self) -> None:
        """Block until the totals are computed (shutdown and tests)."""
        self._worker.wait()

    def copy_table(self) -> None:
        """Put the table on the clipboard as tab-separated text, with its headers."""
        shown = [
            _text(self.table.horizontalHeaderItem(column)).replace("\n", " ")
            for column in range(self.table.columnCount())
        ]
        lines = ["\t".join(["Audience category", *shown])]
        for row in range(self.table.rowCount()):
            label = _text(self.table.verticalHeaderItem(row))
            cells = [
                _text(self.table.item(row, column)).replace(",", "")
                for column in range(self.table.columnCount())
            ]
            lines.append("\t".join([label, *cells]))
        QGuiApplication.clipboard().setText("\n".join(lines) + "\n")

    def _on_worker_result_ready(self, totals: TrainingTotals) -> None:
        self.show_totals(totals, self._ctx.catalog())

    def _on_worker_failed(self, message: str) -> None:
        self.summary_label.setText(f"Totals could not be computed: {message}")

    def show_totals(self, totals: TrainingTotals, catalog: Catalog) -> None:
        """Fill the table from computed totals."""
        filter_ = self._filter or TrainingFilter()
        only = (
            f" · participants: {catalog.label('audience_categories', filter_.audience)} only"
            if filter_.audience is not None
            else ""
        )
        self.summary_label.setText(
            ("Deleted sessions: " if filter_.deleted else "")
            + f"{how_many(totals.sessions, 'session')} · "
            f"{how_many(totals.unique_persons.total, 'unique person')} · "
            f"{how_many(totals.person_trainings.total, 'person-training')} (completed){only}"
        )
        self.note_label.setText(
            " ".join(
                part
                for part in (
                    EXPLANATION,
                    unrecorded_note(totals.unique_persons),
                    counted_note(totals.counted),
                )
                if part
            )
        )
        order = list(catalog.codes.get("audience_categories", {}))
        codes = sorted(
            totals.by_audience,
            key=lambda code: (order.index(code) if code in order else len(order), code),
        )
        rows = [
            (
                ALL_ROW if filter_.audience is None else "Total",
                AudienceTotals(totals.unique_persons, totals.person_trainings),
            ),
            *(
                (
                    catalog.label("audience_categories", code)
                    if code != NOT_RECORDED
                    else "Category not recorded",
                    totals.by_audience[code],
                )
                for code in codes
            ),
        ]
        unrecorded = bool(totals.person_trainings.not_recorded)
        shown = headers(unrecorded)
        self.table.setColumnCount(len(shown))
        self.table.setHorizontalHeaderLabels(list(shown))
        self.table.setRowCount(len(rows))
        for row, (label, figures) in enumerate(rows):
            self.table.setVerticalHeaderItem(row, QTableWidgetItem(label))
            for column, value in enumerate(_cells(figures, unrecorded)):
                item = QTableWidgetItem(f"{value:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row == 0:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)


def _text(item: QTableWidgetItem | None) -> str:
    """The text of a table's cell or header (empty where it has none)."""
    return "" if item is None else item.text()
