"""What the record forms (seizure, training session) share, field by field.

Which widget edits which field is said by the widget's dynamic property "field" in
the form's .ui file; what the field is (label, type, list) comes from
domain.fields. Here: loading a form, labels with mnemonics whose buddies are named
after them, reading and writing a field's widget, settling typed codes, marking
invalid inputs, the problems list and the keyboard shortcuts.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree

from PySide6.QtCore import QFile, QIODevice, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from inl_desktop import paths
from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import FieldDef, FieldType
from inl_desktop.gui.common.widgets import CodeComboBox, CodeListEdit

INVALID_STYLE = """
*[invalid="true"] { border: 1px solid #c62828; border-radius: 2px; background: #fff4f4; }
QLabel[flagged="true"] { color: #8a5a00; font-style: italic; }
QLabel#problemsLabel { color: #b00020; }
"""
MAX_PROBLEMS_SHOWN = 6


def load_ui(name: str, parent: QWidget, widget_classes: Iterable[type[QWidget]] = ()) -> QWidget:
    """Build ``ui/<name>.ui``, with ``widget_classes`` where the form promotes widgets.

    CodeComboBox and CodeListEdit are always known. (gui.forms.load_form knows no
    promoted widgets.)
    """
    loader = QUiLoader()
    for widget_class in (CodeComboBox, CodeListEdit, *widget_classes):
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


def field_inputs(ui: QWidget, skip: Sequence[QWidget] = ()) -> dict[str, QWidget]:
    """The inputs of a loaded form by the field their "field" property names
    (inputs inside the ``skip`` widgets left out)."""
    return {
        str(widget.property("field")): widget
        for widget in ui.findChildren(QWidget)
        if widget.property("field") and not any(outer.isAncestorOf(widget) for outer in skip)
    }


# -- labels and mnemonics -----------------------------------------------------------


# Letters the main window's menu bar (&File, &Help) answers to: a form field must
# not take them, or Alt+F would go to the field instead of the menu.
WINDOW_LETTERS = frozenset({"f", "h"})


def label_inputs(
    labels: Sequence[tuple[QLabel, str]],
    alternatives: Sequence[tuple[QWidget, QWidget]] = (),
    buttons: Sequence[tuple[QAbstractButton, str]] = (),
    reserved: frozenset[str] = WINDOW_LETTERS,
) -> None:
    """Give each label its text with a mnemonic, and its buddy the text as accessible name.

    ``labels`` come in order of importance (tab order). In each pair of
    ``alternatives`` only one input shows at a time, so the second may reuse the
    first one's letter. ``buttons`` get the letters left, and their text as
    accessible name. No letter is used twice and none of ``reserved``: a label
    or button left without a letter of its own goes without one.
    """
    later = {second for _, second in alternatives}
    first = [(label, text) for label, text in labels if label.buddy() not in later]
    second = [(label, text) for label, text in labels if label.buddy() in later]
    taken: set[str] = set(reserved)
    marked_first = with_mnemonics([text for _, text in first], taken)
    marks = {label: marked for (label, _), marked in zip(first, marked_first, strict=True)}
    replaced = {one for one, _ in alternatives}
    freed = {
        letter
        for label, marked in marks.items()
        if label.buddy() in replaced and (letter := mnemonic_of(marked)) is not None
    }
    marked_second = with_mnemonics([text for _, text in second], taken - freed)
    marks.update({label: marked for (label, _), marked in zip(second, marked_second, strict=True)})
    for label, text in labels:
        label.setText(marks[label])
        label.buddy().setAccessibleName(text)
    marked_buttons = with_mnemonics([text for _, text in buttons], taken)
    for (button, text), marked in zip(buttons, marked_buttons, strict=True):
        button.setText(marked)
        button.setAccessibleName(text)


def mnemonic_of(text: str) -> str | None:
    """The letter after the "&" of ``text`` (folded), if it has one ("&&" is a plain "&")."""
    at = text.replace("&&", "\0\0").find("&")
    return text[at + 1].casefold() if 0 <= at < len(text) - 1 else None


def with_mnemonics(labels: Sequence[str], taken: set[str] | None = None) -> list[str]:
    """Each label with an "&" before a letter of its own, not one in ``taken``.

    Labels are taken in order of importance: a label gets a letter of its own
    whenever it can without leaving an earlier one without; then earlier labels
    get their word initials first. ``taken`` collects the letters picked. A label
    left without a letter of its own gets no "&": a shared letter would make
    Alt+letter cycle between fields, or steal a menu's.
    """
    used = taken if taken is not None else set()
    options: list[list[str]] = []
    for label in labels:
        letters = [i for i, ch in enumerate(label) if ch.isalpha()]
        initials = [i for i in letters if i == 0 or not label[i - 1].isalpha()]
        ordered = dict.fromkeys(label[i].casefold() for i in (*initials, *letters))
        options.append([letter for letter in ordered if letter not in used])
    lettered: list[int] = []
    for n in range(len(labels)):
        if _matching_size(options, [*lettered, n], {}) == len(lettered) + 1:
            lettered.append(n)
    chosen: dict[int, str] = {}
    for n in lettered:
        for letter in options[n]:
            if letter not in chosen.values():
                trial = {**chosen, n: letter}
                if _matching_size(options, lettered, trial) == len(lettered):
                    chosen = trial
                    break
    used.update(chosen.values())
    marked = []
    for n, label in enumerate(labels):
        picked = chosen.get(n)
        if picked is None:
            marked.append(label)
            continue
        positions = [i for i, ch in enumerate(label) if ch.casefold() == picked]
        initials = [i for i in positions if i == 0 or not label[i - 1].isalpha()]
        at = (initials or positions)[0]
        marked.append(label[:at] + "&" + label[at:])
    return marked


def _matching_size(options: list[list[str]], among: list[int], fixed: dict[int, str]) -> int:
    """How many of the labels ``among`` can have letters of their own, those in
    ``fixed`` as given."""
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

    return len(fixed) + sum(1 for n in among if n not in fixed and assign(n, set()))


# -- problems ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A message about one field (``row``: the part's row, from 0; ``part``: what a
    row is called in messages)."""

    field: str
    row: int | None
    message: str
    part: str = "Item"

    @property
    def key(self) -> tuple[str, int | None]:
        """What the problem is about: (field, row)."""
        return (self.field, self.row)

    @property
    def text(self) -> str:
        """The message as shown to the user, with the row it is about."""
        return self.message if self.row is None else f"{self.part} {self.row + 1}: {self.message}"


def show_problem_lines(label: QLabel, texts: Sequence[str]) -> None:
    """List the first few problems in ``label`` (hidden when there are none)."""
    lines = [f"• {text}" for text in texts[:MAX_PROBLEMS_SHOWN]]
    if len(texts) > MAX_PROBLEMS_SHOWN:
        lines.append(f"… and {len(texts) - MAX_PROBLEMS_SHOWN} more")
    label.setText("\n".join(lines))
    label.setVisible(bool(lines))


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


# -- reading and writing fields ------------------------------------------------------


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
    if isinstance(widget, QPlainTextEdit):
        text = widget.toPlainText()
    elif isinstance(widget, QLineEdit):
        text = widget.text()
    else:
        raise TypeError(f"{field.name}: a {type(widget).__name__} is not read as a field")
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


def tidy_date(field: FieldDef, edit: QLineEdit) -> None:
    """Show a date typed as digits only ("20260314") the way it is stored."""
    try:
        value = field.parse(edit.text())
    except ValueError:
        return
    if isinstance(value, date) and edit.text() != value.isoformat():
        edit.setText(value.isoformat())


def settle_code(combo: CodeComboBox) -> None:
    """Turn what was typed into a combo into its item when it names one unambiguously.

    A code or "Label (CODE)" is what CodeComboBox itself understands; a label typed
    in full, or text found in exactly one item, is settled here too.
    """
    completer = combo.completer()
    popup = completer.popup() if completer is not None else None
    if popup is not None and popup.isVisible():
        popup.hide()
    text = combo.typed_text()
    if not text:
        if combo.currentIndex() > 0:
            combo.set_code(None)
        return
    code = combo.code() or _only_match(combo, text)
    if code is None:
        return
    index = combo.findData(code)
    if index != combo.currentIndex():
        combo.setCurrentIndex(index)
    elif combo.currentText() != combo.itemText(index):
        combo.setEditText(combo.itemText(index))
    show_start(combo)


def show_start(combo: CodeComboBox) -> None:
    """Show the beginning of a long item ("Methamphetamine tablets...") rather than its end."""
    line = combo.lineEdit()
    if line is not None:
        line.setCursorPosition(0)


def _only_match(combo: CodeComboBox, text: str) -> str | None:
    """The code whose label is ``text``, else of the one item containing ``text``."""
    folded = text.casefold()
    containing = []
    for index in range(1, combo.count()):
        code, shown = combo.itemData(index), combo.itemText(index)
        label = shown.removesuffix(f" ({code})")
        if label.casefold() == folded:
            return str(code)
        if folded in shown.casefold():
            containing.append(str(code))
    return containing[0] if len(containing) == 1 else None


# -- keyboard and questions ----------------------------------------------------------


def add_shortcuts(form: QWidget, bindings: Sequence[tuple[str, Callable[[], object]]]) -> None:
    """Keys that work anywhere inside ``form`` (an open editor's own keys come first)."""
    for keys, slot in bindings:
        shortcut = QShortcut(QKeySequence(keys), form)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)


def tab_stops(ui: QWidget, name: str) -> list[QWidget]:
    """The widgets of a loaded ``ui/<name>.ui`` in the tab order its <tabstops> give.

    The order comes from the file, never from walking Qt's focus chain: each
    ``nextInFocusChain()`` call from Python makes the widget it returns a Python
    child of the one it was called on (PySide's return-value heuristic), so a walk
    ties every input of the form into one ring of wrappers, and deleting any
    Python-made widget in it (an item row taken away) invalidates every wrapper
    after it while their widgets live on.
    """
    path = paths.ui_dir() / f"{name}.ui"
    names = [stop.text or "" for stop in ElementTree.parse(path).getroot().iter("tabstop")]
    found = [ui.findChild(QWidget, object_name) for object_name in names]
    return [widget for widget in found if widget is not None]


def set_tab_order(widgets: Sequence[QWidget]) -> None:
    """Tab from each widget to the next (QWidget.setTabOrder adds no Python ownership)."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)
