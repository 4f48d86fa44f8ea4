"""The filter bar above the seizure list: period, agency, drug or group, province,
basis, status, free text and the deleted view."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import RECORD_STATUS, REPORTING_BASIS
from inl_desktop.gui.common.filter_bar import INVALID_STYLE as INVALID_STYLE
from inl_desktop.gui.common.filter_bar import PERIOD_TIP, FilterBar, choice_combo
from inl_desktop.gui.common.filter_bar import period_presets as period_presets
from inl_desktop.gui.common.widgets import CodeComboBox
from inl_desktop.services.record_lists import SeizureFilter

GROUP_PREFIX = "group:"


class SeizureFilterBar(FilterBar):
    """Emits ``filter_changed`` with a new SeizureFilter after any change."""

    def __init__(self, catalog: Catalog, today: date, parent: QWidget | None = None) -> None:
        super().__init__(today, PERIOD_TIP, "Place, remarks or source (3+ letters)", parent)
        self._catalog = catalog
        self.agency_combo = CodeComboBox(self, blank_text="All agencies")
        self.drug_combo = CodeComboBox(self, blank_text="All drugs")
        self.province_combo = CodeComboBox(self, blank_text="All provinces")
        self.basis_combo = choice_combo(self, "Any basis", REPORTING_BASIS)
        self.status_combo = choice_combo(self, "Any status", RECORD_STATUS)
        self._narrow((self.agency_combo, self.drug_combo, self.province_combo))
        for choice in (self.basis_combo, self.status_combo):
            choice.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self._add_deleted_check()
        self.set_catalog(catalog)
        # Two rows: what to look for and when; then who, what drug, where, how recorded.
        self._finish(
            2,
            (
                ("A&gency:", self.agency_combo, 1),
                ("Dr&ug:", self.drug_combo, 1),
                ("Pro&vince:", self.province_combo, 1),
                ("&Basis:", self.basis_combo, 1),
                ("S&tatus:", self.status_combo, 1),
            ),
        )

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
        start, end = self._period_range()
        drug = self.drug_combo.code()
        if drug and drug.startswith(GROUP_PREFIX):
            group = drug.removeprefix(GROUP_PREFIX)
            in_group = tuple(code for code, d in self._catalog.drugs.items() if d.group == group)
            drugs = in_group or ("",)  # an empty group selects nothing, not everything
        else:
            drugs = (drug,) if drug else ()
        return SeizureFilter(
            start=start,
            end=end,
            agency=self.agency_combo.code(),
            drugs=drugs,
            province=self.province_combo.code(),
            basis=self.basis_combo.currentData(),
            status=self.status_combo.currentData(),
            text=self.search_edit.text(),
            deleted=self.deleted_check.isChecked(),
        )

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
        with self._selecting(period):
            self.agency_combo.set_code(agency)
            self.drug_combo.set_code(drug)
            self.province_combo.set_code(province)
            self.basis_combo.setCurrentIndex(max(self.basis_combo.findData(basis), 0))
            self.status_combo.setCurrentIndex(0)
