"""The dialog that adds a code to a reference list or edits one, with its aliases."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.errors import UserError, ValidationFailed
from inl_desktop.gui.common.widgets import CodeComboBox
from inl_desktop.services.context import AppContext
from inl_desktop.services.reference_lists import (
    AttributeSpec,
    ListSpec,
    ReferenceEntry,
    add_item,
    update_item,
)

ERROR_STYLE = "color: #b00020;"
ALIAS_JOINER = " | "
ALIASES_TIP = (
    "Other names of this code in the posts' files, separated by | or ;\n"
    "(KPK | NWFP). An import recognises them whatever their case, punctuation\n"
    "or word order."
)


def attribute_title(name: str) -> str:
    """The title of an attribute the list does not declare ("mass_per_unit" -> "Mass per unit")."""
    return name.replace("_", " ").capitalize()


def _with_mnemonic(text: str, taken: set[str]) -> str:
    """``text`` with "&" before its first letter no other label of the form uses."""
    for position, char in enumerate(text):
        if char.isalpha() and char.lower() not in taken:
            taken.add(char.lower())
            return text[:position] + "&" + text[position:]
    return text


class ReferenceItemDialog(QDialog):
    """Add a code to a list or edit one; saves on OK, shows what is wrong otherwise."""

    saved = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        spec: ListSpec,
        entry: ReferenceEntry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx, self._spec, self._entry = ctx, spec, entry
        catalog = ctx.catalog()
        self.setWindowTitle(
            f"Add {spec.item_noun}" if entry is None else f"Edit {spec.item_noun} {entry.code}"
        )
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        self._form = QFormLayout()
        layout.addLayout(self._form)
        self._mnemonics: set[str] = set()
        self._inputs: dict[str, QWidget] = {}

        self.code_edit = QLineEdit(entry.code if entry else "")
        self.code_edit.setMaxLength(40)
        if entry is not None:
            self.code_edit.setReadOnly(True)
            self.code_edit.setToolTip("A code cannot change: records store it")
        self._add_row("code", "Code", self.code_edit)
        self.label_edit = QLineEdit(entry.label if entry else "")
        self._add_row("label", "Label", self.label_edit)
        self.parent_combo: CodeComboBox | None = None
        if spec.parent_list is not None:
            self.parent_combo = CodeComboBox()
            self.parent_combo.set_reference_list(
                catalog, spec.parent_list, keep=entry.parent if entry else None
            )
            self.parent_combo.set_code(entry.parent if entry else None)
            self._add_row("parent", spec.parent_label, self.parent_combo)
        stored = entry.attributes if entry else {}
        self._attribute_inputs: dict[str, Callable[[], str]] = {}
        for attribute in spec.attributes:
            self._add_attribute(attribute, stored.get(attribute.name, ""), catalog)
        for name in sorted(n for n in stored if spec.attribute(n) is None):
            self._add_attribute(AttributeSpec(name, attribute_title(name)), stored[name], catalog)
        self.aliases_edit = QLineEdit(ALIAS_JOINER.join(entry.aliases) if entry else "")
        self.aliases_edit.setPlaceholderText("Other names, separated by | or ;")
        self.aliases_edit.setToolTip(ALIASES_TIP)
        self._add_row("aliases", "Aliases", self.aliases_edit)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setAccessibleName("Problems")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        (self.label_edit if entry else self.code_edit).setFocus()

    def _add_row(self, field: str, text: str, widget: QWidget) -> None:
        label = QLabel(_with_mnemonic(text, self._mnemonics))
        label.setBuddy(widget)
        widget.setAccessibleName(text)
        self._form.addRow(label, widget)
        self._inputs[field] = widget

    def _add_attribute(self, attribute: AttributeSpec, value: str, catalog: Catalog) -> None:
        widget: QWidget
        if attribute.kind == "flag":
            box = QCheckBox()
            box.setChecked(value == "1")
            widget, read = box, (lambda: "1" if box.isChecked() else "0")
        elif attribute.kind == "choice":
            combo = QComboBox()
            if not attribute.required or value not in dict(attribute.choices):
                combo.addItem("", "")
            for code, text in attribute.choices:
                combo.addItem(text, code)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            widget, read = combo, (lambda: str(combo.currentData() or ""))
        elif attribute.kind == "code" and attribute.reference_list:
            codes = CodeComboBox()
            codes.set_reference_list(catalog, attribute.reference_list, keep=value or None)
            codes.set_code(value or None)
            widget, read = codes, (lambda: codes.code() or codes.typed_text())
        else:
            edit = QLineEdit(value)
            widget, read = edit, edit.text
        self._add_row(attribute.name, attribute.label, widget)
        self._attribute_inputs[attribute.name] = read

    def input_for(self, field: str) -> QWidget | None:
        """The input of a field ("code", "label", "parent" or an attribute name)."""
        return self._inputs.get(field)

    def _on_buttons_accepted(self) -> None:
        parent = None
        if self.parent_combo is not None:
            parent = self.parent_combo.code() or self.parent_combo.typed_text() or None
        attributes = {name: read() for name, read in self._attribute_inputs.items()}
        try:
            if self._entry is None:
                saved = add_item(
                    self._ctx,
                    self._spec.name,
                    self.code_edit.text(),
                    self.label_edit.text(),
                    parent,
                    attributes,
                    self.aliases_edit.text(),
                )
            else:
                saved = update_item(
                    self._ctx,
                    self._spec.name,
                    self._entry.code,
                    self.label_edit.text(),
                    parent,
                    attributes,
                    self.aliases_edit.text(),
                )
        except ValidationFailed as failure:
            self._show_problems([str(e) for e in failure.errors])
            first = self._inputs.get(failure.errors[0].field) if failure.errors else None
            if first is not None:
                first.setFocus()
            return
        except UserError as error:
            self._show_problems([str(error)])
            return
        self.saved.emit(saved.code)
        self.accept()

    def _show_problems(self, messages: list[str]) -> None:
        self.error_label.setText("\n".join(messages))
        self.error_label.show()
