"""What the filter bars over the seizure and training lists do alike.

A bar has a search box and a period over a row of lists to choose from, and a box
for the deleted view. Any change sends the filter the widgets describe at once; a
period is typed or chosen, and a period that cannot be read is explained under the
bar while the one last understood stays in force (``PeriodCombo``). Showing a given
selection (from a report's figure, say) sets every widget quietly and sends the
filter once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from inl_desktop.domain import periods
from inl_desktop.gui.common.widgets import CodeComboBox, buddy_label, show_period, signals_blocked

INVALID_STYLE = "border: 1px solid #b00020;"
PROBLEM_STYLE = "color: #b00020;"
PERIOD_TIP = "A period: 2019, FY2020, FY2020Q1, 2019Q3, 2019-03 or 2019-01-01..2019-06-30"
# (label, widget, columns it spans) of one cell of the bar.
Cell = tuple[str, QWidget, int]


def period_presets(today: date) -> list[tuple[str, str]]:
    """(text, label) of the periods offered without typing."""
    fy = periods.fiscal_year_of(today)
    quarter = (today.month - 10) % 12 // 3 + 1
    return [
        ("", "All dates"),
        (str(today.year), f"{today.year} (calendar year)"),
        (str(today.year - 1), f"{today.year - 1} (calendar year)"),
        (f"FY{fy}", f"FY{fy} (US fiscal year)"),
        (f"FY{fy}Q{quarter}", f"FY{fy} quarter {quarter}"),
        (f"FY{fy - 1}", f"FY{fy - 1} (US fiscal year)"),
    ]


class PeriodCombo(QComboBox):
    """The period box of a filter bar: a preset chosen, or a period typed (2019,
    FY2020Q1, 2019-03, FROM..TO) that counts once Enter is pressed or the focus leaves.

    Typed text never becomes an item: an item without a period would mean all dates.
    Text that is no period is marked, explained in ``problem_label`` (which the bar
    places), and the period last understood stays in force.
    """

    def __init__(self, today: date, tip: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(6)
        self.setToolTip(tip)
        self._tip = tip
        for text, label in period_presets(today):
            self.addItem(label, text)
        self.problem_label = QLabel("", parent)
        self.problem_label.setAccessibleName("Period problem")
        self.problem_label.setStyleSheet(PROBLEM_STYLE)
        self.problem_label.setWordWrap(True)
        self.problem_label.setVisible(False)
        self._text = ""
        self._period: periods.Period | None = None

    def apply(self) -> periods.Period | None:
        """Read the text shown and return the period in force (None for all dates)."""
        text = self.currentText().strip()
        index = self.findText(text)
        if index >= 0:
            text = self.itemData(index) or ""
        try:
            period = periods.parse_period(text) if text else None
        except periods.BadPeriod as error:
            self._show_problem(str(error))
            return self._period
        self._text, self._period = text, period
        self._show_problem(None)
        return period

    def applied_text(self) -> str:
        """The text of the period in force ("" for all dates)."""
        self.apply()
        return self._text

    def _show_problem(self, message: str | None) -> None:
        self.setStyleSheet(INVALID_STYLE if message else "")
        self.setToolTip(message or self._tip)
        if message:
            still = self._period.description if self._period else "all dates"
            message += f" Still showing {still}."
        self.problem_label.setText(message or "")
        self.problem_label.setVisible(bool(message))


def choice_combo(parent: QWidget, any_text: str, choices: Sequence[tuple[str, str]]) -> QComboBox:
    """A list of fixed ``choices`` (code, label) under a first item, ``any_text``,
    that selects them all."""
    combo = QComboBox(parent)
    combo.addItem(any_text, None)
    for code, label in choices:
        combo.addItem(label, code)
    return combo


class FilterBar(QWidget):
    """The search box, period and deleted view of a filter bar; a subclass adds its
    lists, lays them out (``_finish``) and says which filter they describe
    (``current_filter``). Emits ``filter_changed`` with the filter after any change."""

    filter_changed = Signal(object)

    def __init__(
        self, today: date, period_tip: str, search_text: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self._choices: list[QComboBox] = []
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(search_text)
        self.search_edit.setClearButtonEnabled(True)
        self.period_combo = PeriodCombo(today, period_tip, self)

    @staticmethod
    def _narrow(lists: Sequence[QComboBox], choices: Sequence[QComboBox] = ()) -> None:
        """Narrow minimums, so that the bar fits a 1,024-pixel-wide window: ``lists``
        and ``choices`` show six letters at least, and ``choices`` no more."""
        policy = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        for choice in choices:
            choice.setSizeAdjustPolicy(policy)
        for combo in (*lists, *choices):
            combo.setMinimumContentsLength(6)

    def _add_deleted_check(self) -> None:
        """The deleted view's box (created after the lists, so Tab reaches it last)."""
        self.deleted_check = QCheckBox("Show d&eleted", self)
        self.deleted_check.setAccessibleName("Show deleted")

    def _finish(self, period_span: int, choices: Sequence[Cell]) -> None:
        """Lay the bar out in two rows (search and period; then ``choices``), the
        deleted view at the end of the first and the period's problem under both;
        send the filter after any change."""
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        rows = (
            (("&Search:", self.search_edit, 5), ("&Period:", self.period_combo, period_span)),
            choices,
        )
        for row, cells in enumerate(rows):
            column = 0
            for text, widget, span in cells:
                layout.addWidget(buddy_label(text, widget, self), row, column)
                layout.addWidget(widget, row, column + 1, 1, span)
                column += span + 1
        end = 5 + 1 + period_span + 1
        layout.addWidget(self.deleted_check, 0, end)
        layout.addWidget(self.period_combo.problem_label, 2, 0, 1, end + 1)
        for column in (1, 3, 5, 7, 9):
            layout.setColumnStretch(column, 1)
        self.search_edit.textChanged.connect(self._on_any_changed)
        self.period_combo.currentIndexChanged.connect(self._on_any_changed)
        # A preset chosen again after a typed period: the index stays, the text changes.
        self.period_combo.activated.connect(self._on_any_changed)
        period_line = self.period_combo.lineEdit()
        assert period_line is not None  # the period is typed
        period_line.editingFinished.connect(self._on_any_changed)
        for _text, widget, _span in choices:
            assert isinstance(widget, QComboBox)
            self._choices.append(widget)
            if isinstance(widget, CodeComboBox):
                widget.code_changed.connect(self._on_any_changed)
            else:
                widget.currentIndexChanged.connect(self._on_any_changed)
        self.deleted_check.toggled.connect(self._on_any_changed)

    def set_catalog(self, catalog: Any) -> None:
        """Refill the code lists (after reference lists change)."""
        raise NotImplementedError

    def current_filter(self) -> Any:
        """The filter the widgets describe (an unreadable period is explained under the
        bar and leaves the period last understood in force)."""
        raise NotImplementedError

    def period_text(self) -> str:
        """The period in force as typed or chosen ("" for all dates)."""
        return self.period_combo.applied_text()

    def _period_range(self) -> tuple[date | None, date | None]:
        """The first and last day of the period in force (None, None for all dates)."""
        period = self.period_combo.apply()
        return (period.start, period.end) if period else (None, None)

    @contextmanager
    def _selecting(self, period: str) -> Iterator[None]:
        """Set the widgets without a filter for each: the search cleared, ``period``
        shown, the deleted view left; the lists as the caller sets them. The filter
        is sent once, after."""
        with signals_blocked(
            self.search_edit, self.period_combo, *self._choices, self.deleted_check
        ):
            self.search_edit.clear()
            show_period(self.period_combo, period)
            yield
            self.deleted_check.setChecked(False)
        self.filter_changed.emit(self.current_filter())

    def _on_any_changed(self, *_args: object) -> None:
        self.filter_changed.emit(self.current_filter())
