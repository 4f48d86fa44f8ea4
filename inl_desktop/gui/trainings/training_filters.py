"""The filter bar above the training sessions list: free text, period, topic, venue,
provider, session status, audience and the deleted view."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import TRAINING_STATUS
from inl_desktop.gui.common.filter_bar import PERIOD_TIP, FilterBar, choice_combo
from inl_desktop.gui.common.widgets import CodeComboBox
from inl_desktop.services.record_lists import TrainingFilter


class TrainingFilterBar(FilterBar):
    """Emits ``filter_changed`` with a new TrainingFilter after any change."""

    def __init__(
        self,
        catalog: Catalog,
        today: date,
        providers: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            today,
            PERIOD_TIP + " (sessions that start within it)",
            "Title, location, provider, project or remarks",
            parent,
        )
        self.search_edit.setToolTip("Words of three letters or more; every word must match")
        self.topic_combo = CodeComboBox(self, blank_text="All topics")
        self.venue_combo = CodeComboBox(self, blank_text="All venues")
        self.provider_combo = CodeComboBox(self, blank_text="All providers")
        self.training_status_combo = choice_combo(self, "Any status", TRAINING_STATUS)
        self.audience_combo = CodeComboBox(self, blank_text="All audiences")
        self.audience_combo.setToolTip(
            "Sessions with participants of this category; the figures count them only"
        )
        self._narrow(
            (self.topic_combo, self.venue_combo, self.provider_combo, self.audience_combo),
            (self.training_status_combo,),
        )
        self._add_deleted_check()
        self.set_catalog(catalog)
        self.set_providers(providers)
        # Two rows: what to look for and when; then what, where, by whom, who attended.
        self._finish(
            3,
            (
                ("T&opic:", self.topic_combo, 1),
                ("&Venue:", self.venue_combo, 1),
                ("Provi&der:", self.provider_combo, 1),
                ("Sess&ion status:", self.training_status_combo, 1),
                ("&Audience:", self.audience_combo, 1),
            ),
        )

    def set_catalog(self, catalog: Catalog) -> None:
        """Refill the code lists (after reference lists change)."""
        self.topic_combo.set_reference_list(catalog, "training_topics")
        self.venue_combo.set_reference_list(catalog, "venue_types")
        self.audience_combo.set_reference_list(catalog, "audience_categories")

    def set_providers(self, providers: list[str]) -> None:
        """Offer the providers sessions name (the current one stays chosen)."""
        self.provider_combo.set_choices([(name, name) for name in providers])

    def current_filter(self) -> TrainingFilter:
        """The filter the widgets describe (an unreadable period is explained under the
        bar and leaves the period last understood in force)."""
        start, end = self._period_range()
        return TrainingFilter(
            start=start,
            end=end,
            topic=self.topic_combo.code(),
            venue_type=self.venue_combo.code(),
            provider=self.provider_combo.code(),
            training_status=self.training_status_combo.currentData(),
            audience=self.audience_combo.code(),
            text=self.search_edit.text(),
            deleted=self.deleted_check.isChecked(),
        )

    def select(
        self, *, period: str = "", venue_type: str | None = None, audience: str | None = None
    ) -> None:
        """Show exactly this selection, everything else cleared; emits ``filter_changed``
        once."""
        with self._selecting(period):
            self.topic_combo.set_code(None)
            self.venue_combo.set_code(venue_type)
            self.provider_combo.set_code(None)
            self.training_status_combo.setCurrentIndex(0)
            self.audience_combo.set_code(audience)
