"""The filter bar above the seizure list: period, agency, drug or group, province,
basis, status, free text and the deleted view."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from inl_desktop.domain import periods
from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import RECORD_STATUS, REPORTING_BASIS
from inl_desktop.gui.common.widgets import CodeComboBox, buddy_label, show_period, signals_blocked
from inl_desktop.services.record_lists import SeizureFilter

GROUP_PREFIX = "group:"
INVALID_STYLE = "border: 1px solid #b00020;"
PROBLEM_STYLE = "color: #b00020;"
PERIOD_TIP = "A period: 2019, FY2020, FY2020Q1, 2019Q3, 2019-03 or 2019-01-01..2019-06-30"


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


class SeizureFilterBar(QWidget):
    """Emits ``filter_changed`` with a new SeizureFilter after any change."""

    filter_changed = Signal(object)

    def __init__(self, catalog: Catalog, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._catalog = catalog

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Place, remarks or source (3+ letters)")
        self.search_edit.setClearButtonEnabled(True)
        self.period_combo = PeriodCombo(today, PERIOD_TIP, self)
        self.agency_combo = CodeComboBox(self, blank_text="All agencies")
        self.drug_combo = CodeComboBox(self, blank_text="All drugs")
        self.province_combo = CodeComboBox(self, blank_text="All provinces")
        self.basis_combo = QComboBox(self)
        self.basis_combo.addItem("Any basis", None)
        for code, label in REPORTING_BASIS:
            self.basis_combo.addItem(label, code)
        self.status_combo = QComboBox(self)
        self.status_combo.addItem("Any status", None)
        for code, label in RECORD_STATUS:
            self.status_combo.addItem(label, code)
        # Narrow minimums: the bar must fit a 1,024-pixel-wide window.
        for combo in (self.agency_combo, self.drug_combo, self.province_combo):
            combo.setMinimumContentsLength(6)
        for choice in (self.basis_combo, self.status_combo):
            choice.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
        self.deleted_check = QCheckBox("Show d&eleted", self)
        self.deleted_check.setAccessibleName("Show deleted")
        self.set_catalog(catalog)

        # Two rows: what to look for and when; then who, what drug, where, how recorded.
        rows = (
            (("&Search:", self.search_edit, 5), ("&Period:", self.period_combo, 2)),
            (
                ("A&gency:", self.agency_combo, 1),
                ("Dr&ug:", self.drug_combo, 1),
                ("Pro&vince:", self.province_combo, 1),
                ("&Basis:", self.basis_combo, 1),
                ("S&tatus:", self.status_combo, 1),
            ),
        )
        for row, cells in enumerate(rows):
            column = 0
            for text, widget, span in cells:
                layout.addWidget(buddy_label(text, widget, self), row, column)
                layout.addWidget(widget, row, column + 1, 1, span)
                column += span + 1
        layout.addWidget(self.deleted_check, 0, 9)
        layout.addWidget(self.period_combo.problem_label, 2, 0, 1, 10)
        for column in (1, 3, 5, 7, 9):
            layout.setColumnStretch(column, 1)

        self.search_edit.textChanged.connect(self._on_any_changed)
        self.period_combo.currentIndexChanged.connect(self._on_any_changed)
        # A preset chosen again after a typed period: the index stays, the text changes.
        self.period_combo.activated.connect(self._on_any_changed)
        period_line = self.period_combo.lineEdit()
        assert period_line is not None  # the period is typed
        period_line.editingFinished.connect(self._on_any_changed)
        for combo in (self.agency_combo, self.drug_combo, self.province_combo):
            combo.code_changed.connect(self._on_any_changed)
        self.basis_combo.currentIndexChanged.connect(self._on_any_changed)
        self.status_combo.currentIndexChanged.connect(self._on_any_changed)
        self.deleted_check.toggled.connect(self._on_any_changed)

    def set_catalog(self, catalog: Catalog) -> None:
        """Refill the code lists (after reference lists change)."""
        self._catalog = catalog
        self.agency_combo.set_reference_list(catalog, "agencies")
        self.province_combo.set_reference_list(catalog, "provinces")
        groups = [
            (GROUP_PREFIX + code, f"{label} (all)")
            for code, label in catalog.codes.get("drug_groups", {}).items()
        ]
        drugs = list(catalog.codes.get("drugs", {}).items())
        self.drug_combo.set_choices(groups + drugs)

    def current_filter(self) -> SeizureFilter:
        """The filter the widgets describe (an unreadable period is explained under the
        bar and leaves the period last understood in force)."""
        period = self.period_combo.apply()
        drug = self.drug_combo.code()
        if drug and drug.startswith(GROUP_PREFIX):
            group = drug.removeprefix(GROUP_PREFIX)
            in_group = tuple(code for code, d in self._catalog.drugs.items() if d.group == group)
            drugs = in_group or ("",)  # an empty group selects nothing, not everything
        else:
            drugs = (drug,) if drug else ()
        return SeizureFilter(
            start=period.start if period else None,
            end=period.end if period else None,
            agency=self.agency_combo.code(),
            drugs=drugs,
            province=self.province_combo.code(),
            basis=self.basis_combo.currentData(),
            status=self.status_combo.currentData(),
            text=self.search_edit.text(),
            deleted=self.deleted_check.isChecked(),
        )

    def period_text(self) -> str:
        """The period in force as typed or chosen ("" for all dates)."""
        return self.period_combo.applied_text()

    def select(
        self,
        *,
        period: str = "",
        agency: str | None = None,
        drug: str | None = None,
        province: str | None = None,
        basis: str | None = None,
    ) -> None:
        """Show exactly this selection (``drug`` may be ``group:CODE``), everything else
        cleared; emits ``filter_changed`` once."""
        with signals_blocked(
            self.search_edit,
            self.period_combo,
            self.agency_combo,
            self.drug_combo,
            self.province_combo,
            self.basis_combo,
            self.status_combo,
            self.deleted_check,
        ):
            self.search_edit.clear()
            show_period(self.period_combo, period)
            self.agency_combo.set_code(agency)
            self.drug_combo.set_code(drug)
            self.province_combo.set_code(province)
            self.basis_combo.setCurrentIndex(max(self.basis_combo.findData(basis), 0))
            self.status_combo.setCurrentIndex(0)
            self.deleted_check.setChecked(False)
        self.filter_changed.emit(self.current_filter())

    def _on_any_changed(self, *_args: object) -> None:
        self.filter_changed.emit(self.current_filter())
