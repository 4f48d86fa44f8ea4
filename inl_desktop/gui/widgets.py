"""Small input widgets shared by forms and filter bars."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from inl_desktop.domain.catalog import Catalog


class CodeComboBox(QComboBox):
    """Pick a code from a reference list by typing any part of its label or code.

    Items show "Label (CODE)"; ``code()`` returns the chosen code, or None when the
    text is blank or matches no item. Retired codes are not offered unless they are
    the current value.
    """

    code_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, blank_text: str = "") -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._blank_text = blank_text
        completer = QCompleter(self.model(), self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.currentIndexChanged.connect(self._on_self_current_index_changed)
        self.lineEdit().editingFinished.connect(self._on_line_edit_editing_finished)

    def set_choices(self, choices: list[tuple[str, str]]) -> None:
        """Replace the items with (code, label) pairs; keeps the current code if offered."""
        current = self.code()
        self.blockSignals(True)
        self.clear()
        self.addItem(self._blank_text, None)
        for code, label in choices:
            self.addItem(f"{label} ({code})" if label != code else code, code)
        self.blockSignals(False)
        self.set_code(current)

    def set_reference_list(self, catalog: Catalog, list_name: str, keep: str | None = None) -> None:
        """Offer a reference list's live codes (and ``keep``, even if retired)."""
        retired = catalog.retired.get(list_name, frozenset())
        choices = [
            (code, label)
            for code, label in catalog.codes.get(list_name, {}).items()
            if code not in retired or code == keep
        ]
        self.set_choices(choices)

    def code(self) -> str | None:
        """The chosen code, or None."""
        text = self.currentText().strip()
        if not text or text == self._blank_text:
            return None
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0:
            index = self.findData(text.upper())
        return self.itemData(index) if index >= 0 else None

    def typed_text(self) -> str:
        """What the user typed (to name it in a message when it matches nothing)."""
        return self.currentText().strip()

    def set_code(self, code: str | None) -> None:
        """Select ``code`` (blank for None or an unknown code)."""
        index = self.findData(code) if code else 0
        self.setCurrentIndex(max(index, 0))
        if index < 0 and code:
            self.setEditText(code)

    def _on_self_current_index_changed(self, _index: int) -> None:
        self.code_changed.emit(self.code())

    def _on_line_edit_editing_finished(self) -> None:
        index = self.findText(self.currentText().strip(), Qt.MatchFlag.MatchFixedString)
        if index >= 0 and index != self.currentIndex():
            self.setCurrentIndex(index)
