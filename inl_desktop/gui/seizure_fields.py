"""The seizure form's plumbing per field: read, write, mnemonics and the invalid mark.

Which widget edits which field is said by the widget's dynamic property "field" in
ui/seizure_form.ui; what the field is (label, type, list) comes from domain.fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from inl_desktop import paths
from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import FieldDef, FieldType
from inl_desktop.gui.history_view import HistoryView
from inl_desktop.gui.seizure_items import ItemsGrid
from inl_desktop.gui.widgets import CodeComboBox, CodeListEdit

INVALID_STYLE = """
*[invalid="true"] { border: 1px solid #c62828; border-radius: 2px; background: #fff4f4; }
QLabel[flagged="true"] { color: #8a5a00; font-style: italic; }
QLabel#problemsLabel { color: #b00020; }
"""


def load_ui(name: str, parent: QWidget) -> QWidget:
    """Build ``ui/<name>.ui`` with the app's own widgets where the form promotes them.

    (gui.forms.load_form knows no promoted widgets.)
    """
    loader = QUiLoader()
    for widget_class in (CodeComboBox, CodeListEdit, ItemsGrid, HistoryView):
        loader.registerCustomWidget(widget_class)
    path = paths.ui_dir() / f"{name}.ui"
    handle = QFile(str(path))
    if not handle.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"Form {path} cannot be opened: {handle.errorString()}")
    try:
        widget = loader.load(handle, parent)
    finally:
        handle.close()
    if widget is None:
        raise RuntimeError(f"Form {path} could not be built: {loader.errorString()}")
    return widget


def label_inputs(
    labels: Sequence[tuple[QLabel, str]],
    alternatives: Sequence[tuple[QWidget, QWidget]] = (),
) -> None:
    """Give each label its text with a mnemonic, and its buddy the text as accessible name.

    ``labels`` come in order of importance (tab order). In each pair of
    ``alternatives`` only one input shows at a time, so the second may reuse the
    first one's letter.
    """
    later = {second for _, second in alternatives}
    first = [(label, text) for label, text in labels if label.buddy() not in later]
    second = [(label, text) for label, text in labels if label.buddy() in later]
    taken: set[str] = set()
    marked_first = with_mnemonics([text for _, text in first], taken)
    marks = {label: marked for (label, _), marked in zip(first, marked_first, strict=True)}
    replaced = {one for one, _ in alternatives}
    freed = {
        marked[marked.index("&") + 1].casefold()
        for label, marked in marks.items()
        if label.buddy() in replaced
    }
    marked_second = with_mnemonics([text for _, text in second], taken - freed)
    marks.update({label: marked for (label, _), marked in zip(second, marked_second, strict=True)})
    for label, text in labels:
        label.setText(marks[label])
        label.buddy().setAccessibleName(text)


def districts_of(
    catalog: Catalog, province: str | None, keep: str | None = None
) -> list[tuple[str, str]]:
    """The live districts of ``province`` (all provinces for None), and ``keep`` if retired."""
    parents = catalog.parents.get("districts", {})
    retired = catalog.retired.get("districts", frozenset())
    return [
        (code, label)
        for code, label in catalog.codes.get("districts", {}).items()
        if (province is None or parents.get(code) == province)
        and (code not in retired or code == keep)
    ]


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

    As many labels as possible get a letter no other label has; among the ways to
    do that, earlier labels get their word initials first. ``taken`` collects the
    letters picked. A label left without one shares its initial (Qt then cycles
    between the fields on Alt+letter).
    """
    used = taken if taken is not None else set()
    options: list[list[str]] = []
    for label in labels:
        letters = [i for i, ch in enumerate(label) if ch.isalpha()]
        initials = [i for i in letters if i == 0 or not label[i - 1].isalpha()]
        ordered = dict.fromkeys(label[i].casefold() for i in (*initials, *letters))
        options.append([letter for letter in ordered if letter not in used])
    best = _matching_size(options, {})
    chosen: dict[int, str] = {}
    for n, letters in enumerate(options):
        for letter in letters:
            if letter not in chosen.values():
                trial = {**chosen, n: letter}
                if _matching_size(options, trial) == best:
                    chosen = trial
                    break
    used.update(chosen.values())
    marked = []
    for n, label in enumerate(labels):
        letter = chosen.get(n)
        at = next(
            (i for i, ch in enumerate(label) if ch.isalpha() and letter in (None, ch.casefold())),
            0,
        )
        if letter is not None:
            initials = [
                i
                for i, ch in enumerate(label)
                if ch.casefold() == letter and (i == 0 or not label[i - 1].isalpha())
            ]
            at = initials[0] if initials else at
        marked.append(label[:at] + "&" + label[at:])
    return marked


def _matching_size(options: list[list[str]], fixed: dict[int, str]) -> int:
    """How many labels can have letters of their own, those in ``fixed`` as given."""
    owner = {letter: n for n, letter in fixed.items()}

    def assign(n: int, seen: set[str]) -> bool:
        for letter in options[n]:
            if letter in seen:
                continue
            seen.add(letter)
            other = owner.get(letter)
            if other is None or (other not in fixed and assign(other, seen)):
                owner[letter] = n
                return True
        return False

    return len(fixed) + sum(1 for n in range(len(options)) if n not in fixed and assign(n, set()))


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


class Marker:
    """Shows (or clears) problems on widgets: red border, tooltip, accessible description.

    What is shown is remembered here, not read back from Qt, so that a refresh on
    every keystroke only touches the widgets whose mark changes.
    """

    def __init__(self) -> None:
        self._shown: dict[QWidget, str | None] = {}
        self._plain_tooltips: dict[QWidget, str] = {}

    def mark(self, widget: QWidget, message: str | None) -> None:
        """Mark ``widget`` with ``message``, or clear its mark for None."""
        if self._shown.get(widget) == message:
            return
        self._shown[widget] = message
        plain = self._plain_tooltips.setdefault(widget, widget.toolTip())
        widget.setProperty("invalid", message is not None)
        widget.setToolTip(plain if message is None else message)
        widget.setAccessibleDescription(message or "")
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def forget(self, widgets: set[QWidget]) -> None:
        """Drop what is remembered of widgets that are gone."""
        for widget in [w for w in self._shown if w not in widgets]:
            self._shown.pop(widget, None)
            self._plain_tooltips.pop(widget, None)
