"""The first-start dialog that gives the database its post."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.errors import UserError
from inl_desktop.gui.common.forms import load_form
from inl_desktop.gui.common.widgets import find_child
from inl_desktop.services.context import AppContext
from inl_desktop.services.countries import country_programs
from inl_desktop.services.setup import set_up_post


class PostSetupDialog(QDialog):
    """Ask for the country program and post; save them with the reference data."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        form = load_form("post_setup", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(form)
        self.setWindowTitle(form.windowTitle())
        self.country_combo = find_child(form, QComboBox, "countryCombo")
        self.post_combo = find_child(form, QComboBox, "postCombo")
        self.name_edit = find_child(form, QLineEdit, "nameEdit")
        self.error_label = find_child(form, QLabel, "errorLabel")
        self.error_label.setStyleSheet("color: #b00020;")
        buttons = find_child(form, QDialogButtonBox, "buttons")
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        self._programs = country_programs()
        for code, program in self._programs.items():
            self.country_combo.addItem(f"{program.name} ({code})", code)
        self.country_combo.currentIndexChanged.connect(self._on_country_combo_changed)
        self.post_combo.currentIndexChanged.connect(self._on_post_combo_changed)
        self.post_combo.editTextChanged.connect(self._on_post_combo_changed)
        self._on_country_combo_changed()

    def _on_country_combo_changed(self) -> None:
        code = self.country_combo.currentData()
        self.post_combo.clear()
        if code:
            for post in self._programs[code].posts:
                self.post_combo.addItem(post.code, post.name)
        self._on_post_combo_changed()

    def _on_post_combo_changed(self, *_args: object) -> None:
        # The name of the post whose code is typed or chosen; blank for an unlisted code.
        index = self.post_combo.findText(self.post_combo.currentText().strip().upper())
        self.name_edit.setText(self.post_combo.itemData(index) if index >= 0 else "")

    def _on_buttons_accepted(self) -> None:
        try:
            set_up_post(
                self._ctx,
                self.post_combo.currentText(),
                self.country_combo.currentData() or "",
                self.name_edit.text(),
            )
        except UserError as error:
            self.error_label.setText(str(error))
            return
        self.accept()
