"""The filter bar above the training sessions list: free text, period, topic, venue,
provider, session status, audience and the deleted view."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLineEdit, QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import TRAINING_STATUS
from inl_desktop.gui.common.widgets import CodeComboBox, buddy_label, show_period, signals_blocked
from inl_desktop.gui.seizures.seizure_filters import PERIOD_TIP, PeriodCombo
from inl_desktop.services.record_lists import TrainingFilter


class TrainingFilterBar(QWidget):
    """Emits ``filter_changed`` with a new TrainingFilter after any change."""

    filter_changed = Signal(object)

    def __init__(
        self,
        catalog: Catalog,
        today: date,
        providers: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Title, location, provider, project or remarks")
        self.search_edit.setToolTip("Words of three letters or more; every word must match")
        self.search_edit.setClearButtonEnabled(True)
        self.period_combo = PeriodCombo(
            today, PERIOD_TIP + " (sessions that start within it)", self
        )
        self.topic_combo = CodeComboBox(self, blank_text="All topics")
        self.venue_combo = CodeComboBox(self, blank_text="All venues")
        self.provider_combo = CodeComboBox(self, blank_text="All providers")
        self.training_status_combo = QComboBox(self)
        self.training_status_combo.addItem("Any status", None)
        for code, label in TRAINING_STATUS:
            self.training_status_combo.addItem(label, code)
        self.audience_combo = CodeComboBox(self, blank_text="All audiences")
        self.audience_combo.setToolTip(
            "Sessions with participants of this category; the figures count them only"
        )
        # Narrow minimums: the bar must fit a 1,024-pixel-wide window.
        for combo in (self.topic_combo, self.venue_combo, self.provider_combo):
            combo.setMinimumContentsLength(6)
        self.audience_combo.setMinimumContentsLength(6)
        self.training_status_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.training_status_combo.setMinimumContentsLength(6)
        self.deleted_check = QCheckBox("Show d&eleted", self)
        self.deleted_check.setAccessibleName("Show deleted")
        self.set_catalog(catalog)
        self.set_providers(providers)

        # Two rows: what to look for and when; then what, where, by whom, who attended.
        rows = (
            (("&Search:", self.search_edit, 5), ("&Period:", self.period_combo, 3)),
            (
                ("T&opic:", self.topic_combo, 1),
                ("&Venue:", self.venue_combo, 1),
                ("Provi&der:", self.provider_combo, 1),
                ("Sess&ion status:", self.training_status_combo, 1),
                ("&Audience:", self.audience_combo, 1),
            ),
        )
        for row, cells in enumerate(rows):
            column = 0
            for text, widget, span in cells:
                layout.addWidget(buddy_label(text, widget, self), row, column)
                layout.addWidget(widget, row, column + 1, 1, span)
                column += span + 1
        layout.addWidget(self.deleted_check, 0, 10)
        layout.addWidget(self.period_combo.problem_label, 2, 0, 1, 11)
        for column in (1, 3, 5, 7, 9):
            layout.setColumnStretch(column, 1)

        self.search_edit.textChanged.connect(self._on_any_changed)
        self.period_combo.currentIndexChanged.connect(self._on_any_changed)
        # A preset chosen again after a typed period: the index stays, the text changes.
        self.period_combo.activated.connect(self._on_any_changed)
        period_line = self.period_combo.lineEdit()
        assert period_line is not None  # the period is typed
        period_line.editingFinished.connect(self._on_any_changed)
        for combo in (self.topic_combo, self.venue_combo, self.provider_combo, self.audience_combo):
            combo.code_changed.connect(self._on_any_changed)
        self.training_status_combo.currentIndexChanged.connect(self._on_any_changed)
        self.deleted_check.toggled.connect(self._on_any_changed)

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
        period = self.period_combo.apply()
        return TrainingFilter(
            start=period.start if period else None,
            end=period.end if period else None,
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
        with signals_blocked(
            self.search_edit,
            self.period_combo,
            self.topic_combo,
            self.venue_combo,
            self.provider_combo,
            self.training_status_combo,
            self.audience_combo,
            self.deleted_check,
        ):
            self.search_edit.clear()
            show_period(self.period_combo, period)
            self.topic_combo.set_code(None)
            self.venue_combo.set_code(venue_type)
            self.provider_combo.set_code(None)
            self.training_status_combo.setCurrentIndex(0)
            self.audience_combo.set_code(audience)
            self.deleted_check.setChecked(False)
        self.filter_changed.emit(self.current_filter())

    def _on_any_changed(self, *_args: object) -> None:
        self.filter_changed.emit(self.current_filter())
