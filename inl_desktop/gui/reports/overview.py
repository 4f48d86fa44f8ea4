"""The overview page: which post and database are open, and how many records they hold."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from inl_desktop.gui.common.forms import load_form
from inl_desktop.gui.common.widgets import find_child

COUNT_LABELS = {
    "seizure_events": "Seizure events",
    "seizure_items": "Drug items seized",
    "trainings": "Training sessions",
    "persons": "Persons",
    "enrollments": "Enrollments",
}


class OverviewPage(QWidget):
    """Post, database and record counts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = load_form("overview", self)
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        self.post_heading = find_child(form, QLabel, "postHeading")
        font = self.post_heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.post_heading.setFont(font)
        self.database_label = find_child(form, QLabel, "databaseLabel")
        counts_form = find_child(form, QGroupBox, "countsBox").layout()
        assert isinstance(counts_form, QFormLayout)
        self.count_labels: dict[str, QLabel] = {}
        for key, text in COUNT_LABELS.items():
            value = QLabel("0")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setAccessibleName(text)
            counts_form.addRow(text, value)
            self.count_labels[key] = value

    def show_facts(self, post: str, db_path: Path, counts: dict[str, int]) -> None:
        """Display the post heading, the database path and the counts."""
        self.post_heading.setText(post)
        self.database_label.setText(f"Database: {db_path}")
        for key, label in self.count_labels.items():
            label.setText(f"{counts[key]:,}" if key in counts else "…")  # not counted yet
