"""The seizure form's plumbing per field: read, write, mnemonics and the invalid mark.

Which widget edits which field is said by the widget's dynamic property "field" in
ui/seizure_form.ui; what the field is (label, type, list) comes from domain.fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import FieldDef, FieldType
from inl_desktop.gui.widgets import CodeComboBox, CodeListEdit

INVALID_STYLE = """
*[invalid="true"] { border: 1px solid #c62828; border-radius: 2px; background: #fff4f4; }
QLabel[flagged="true"] { color: #8a5a00; font-style: italic; }
QLabel#problemsLabel { color: #b00020; }
"""


@dataclass(frozen=True)
class Problem:
    """A message about one field (``row``: the item row in the grid, from 0)."""

    field: str
    row: int | None
    message: str

    @property
    def key(self) -> tuple[str, int | None]:
        """What the problem is about: (field, row)."""
        return (self.field, self.row)

    @property
    def text(self) -> str:
        """The message as shown to the user, with the item it is about."""
        return self.message if self.row is None else f"Item {self.row + 1}: {self.message}"


def with_mnemonics(labels: Sequence[str], taken: set[str] | None = None) -> list[str]:
    """Each label with an "&" before a letter of its own, not one in ``taken``.

    As many labels as possible get a letter no other label has (a maximum matching
    of labels to letters), word initials preferred; ``taken`` collects the letters
    picked. A label left without one shares its initial (Qt then cycles between
    the fields on Alt+letter).
    """
    used = taken if taken is not None else set()
    options: list[list[int]] = []
    for label in labels:
        letters = [i for i, ch in enumerate(label) if ch.isalpha()]
        initials = [i for i in letters if i == 0 or not label[i - 1].isalpha()]
        ordered = dict.fromkeys([*initials, *letters])
        options.append([i for i in ordered if label[i].casefold() not in used])
    picks: list[int | None] = [None] * len(labels)
    owner: dict[str, int] = {}

    def assign(n: int, seen: set[str]) -> bool:
        for i in options[n]:
            letter = labels[n][i].casefold()
            if letter in seen:
                continue
            seen.add(letter)
            if letter not in owner or assign(owner[letter], seen):
                owner[letter] = n
                picks[n] = i
                return True
        return False

    for n in range(len(labels)):
        assign(n, set())
    used.update(owner)
    marked = []
    for label, pick in zip(labels, picks, strict=True):
        at = pick if pick is not None else next((i for i, c in enumerate(label) if c.isalpha()), 0)
        marked.append(label[:at] + "&" + label[at:])
    return marked


def read_field(field: FieldDef, widget: QWidget) -> tuple[object, str | None]:
    """The value in ``widget`` and the message when it cannot be read as ``field``."""
    if isinstance(widget, CodeComboBox):
        code = widget.code()
        if code is None and widget.typed_text():
            return None, f"{field.label}: “{widget.typed_text()}” is not in the list"
        return code, None
    if isinstance(widget, CodeListEdit):
        unknown = widget.unknown_parts()
        message = None
        if unknown:
            quoted = ", ".join(f"“{part}”" for part in unknown)
            verb = "is" if len(unknown) == 1 else "are"
            message = f"{field.label}: {quoted} {verb} not in the list"
        return widget.codes(), message
    if isinstance(widget, QComboBox):
        return widget.currentData(), None
    text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    try:
        return field.parse(text), None
    except ValueError as error:
        return (() if field.type is FieldType.CODES else None), str(error)


def write_field(field: FieldDef, widget: QWidget, value: object, catalog: Catalog) -> None:
    """Show ``value`` in ``widget`` (codes no longer offered are kept for this record)."""
    if isinstance(widget, CodeComboBox):
        assert value is None or isinstance(value, str)
        if value is not None and widget.findData(value) < 0 and field.reference_list:
            widget.set_reference_list(catalog, field.reference_list, keep=value)
        widget.set_code(value)
    elif isinstance(widget, CodeListEdit):
        codes = tuple(value) if isinstance(value, tuple | list) else ()
        if field.reference_list:
            widget.set_reference_list(catalog, field.reference_list, keep=codes)
        widget.set_codes(codes)
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(widget.findData(value), 0))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText("" if value is None else str(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(as_text(value))


def as_text(value: object) -> str:
    """A value as typed into a line edit."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def mark(widget: QWidget, message: str | None) -> None:
    """Show (or clear) a problem on ``widget``: red border, tooltip, description."""
    invalid = message is not None
    if bool(widget.property("invalid")) == invalid and widget.accessibleDescription() == (
        message or ""
    ):
        return
    if widget.property("plainToolTip") is None:
        widget.setProperty("plainToolTip", widget.toolTip())
    widget.setProperty("invalid", invalid)
    widget.setToolTip(message if invalid else widget.property("plainToolTip"))
    widget.setAccessibleDescription(message or "")
    widget.style().unpolish(widget)
    widget.style().polish(widget)
