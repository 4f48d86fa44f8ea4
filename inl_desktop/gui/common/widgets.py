"""Small input widgets shared by forms and filter bars."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QWidget,
)

from inl_desktop.domain.catalog import Catalog

if TYPE_CHECKING:
    from inl_desktop.gui.common.prompts import Prompts

ChildT = TypeVar("ChildT", bound=QObject)


def find_child(parent: QObject, kind: type[ChildT], name: str) -> ChildT:
    """The child ``name`` of a form built from a .ui file; a missing one is a bug in the form."""
    child = parent.findChild(kind, name)
    if child is None:
        raise LookupError(f"{type(parent).__name__} has no {kind.__name__} named {name!r}")
    return child


def with_suffix(path: Path, suffix: str) -> str:
    """``path`` as text, ending in ``suffix`` (".xlsx") whatever case the user typed it in."""
    text = str(path)
    return text if text.lower().endswith(suffix) else text + suffix


def browse_save_path(
    prompts: Prompts, parent: QWidget, edit: QLineEdit, title: str, filters: str, suffix: str
) -> None:
    """Ask where to save, starting from the path in ``edit``; the answer goes into ``edit``
    ending in ``suffix``, and a dialog given up on leaves ``edit`` as it was."""
    path = prompts.save_file(parent, title, edit.text(), filters)
    if path is not None:
        edit.setText(with_suffix(path, suffix))


def popup_of(completer: QCompleter) -> QAbstractItemView:
    """The completion list of ``completer`` (Qt makes one when first asked)."""
    popup = completer.popup()
    if popup is None:
        raise LookupError("the completer has no list")
    return popup


def line_edit_of(combo: QComboBox) -> QLineEdit:
    """The line edit of an editable combo box (a fixed one has none: a bug to call)."""
    edit = combo.lineEdit()
    if edit is None:
        raise LookupError("the combo box is not editable")
    return edit


def buddy_label(text: str, widget: QWidget, parent: QWidget) -> QLabel:
    """A label with a mnemonic for ``widget``, whose accessible name becomes its text."""
    label = QLabel(text, parent)
    label.setBuddy(widget)
    widget.setAccessibleName(text.replace("&", "").rstrip(":"))
    return label


def fill_column_menu(table: QTableView, menu: QMenu, columns: Sequence[Any]) -> None:
    """One checkable action per column (``label``, ``visible``) that shows or hides it."""
    for section, column in enumerate(columns):
        action = QAction(column.label, menu)
        action.setCheckable(True)
        action.setChecked(column.visible)
        table.setColumnHidden(section, not column.visible)
        action.toggled.connect(lambda shown, s=section: table.setColumnHidden(s, not shown))
        menu.addAction(action)


def sync_column_menu(table: QTableView, menu: QMenu) -> None:
    """Tick the actions of the columns shown (after a header state was restored)."""
    for section, action in enumerate(menu.actions()):
        action.blockSignals(True)
        action.setChecked(not table.isColumnHidden(section))
        action.blockSignals(False)


# Ctrl+letter keys a line edit keeps for editing text; every other Ctrl or Alt key,
# and Tab, Insert and the function keys, is meant for the form.
_EDITING_CTRL_KEYS = frozenset(
    {
        Qt.Key.Key_A,
        Qt.Key.Key_C,
        Qt.Key.Key_V,
        Qt.Key.Key_X,
        Qt.Key.Key_Y,
        Qt.Key.Key_Z,
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
        Qt.Key.Key_Backspace,
        Qt.Key.Key_Delete,
    }
)
_LEAVING_KEYS = frozenset(
    {
        Qt.Key.Key_Tab,
        Qt.Key.Key_Backtab,
        Qt.Key.Key_Insert,
        *(Qt.Key(Qt.Key.Key_F1 + n) for n in range(12)),
    }
)


def leaves_field(event: QKeyEvent) -> bool:
    """Whether a key pressed in a field is meant for the form (a shortcut, a
    mnemonic, Tab) rather than for the text being typed."""
    modifiers = event.modifiers()
    if modifiers & Qt.KeyboardModifier.AltModifier:
        return event.key() not in (Qt.Key.Key_Alt, Qt.Key.Key_AltGr)
    if modifiers & Qt.KeyboardModifier.ControlModifier:
        return event.key() not in _EDITING_CTRL_KEYS and event.key() != Qt.Key.Key_Control
    return event.key() in _LEAVING_KEYS


class _CompletionKeys(QObject):
    """A key meant for the form, pressed while the field's completion list is open,
    first takes the highlighted completion (or the only one) and closes the list.

    Otherwise the shortcut acts with the list still open and holding the keyboard,
    so what is typed next lands in the old field ("kg" + Insert + "hashish" gave
    "kghashish" while a new item row waited empty). Shortcuts are tried through a
    ShortcutOverride event to the focused field (or the list), which is where this
    watches; the key then goes on to its shortcut or mnemonic.
    """

    def __init__(self, completer: QCompleter, choose: Callable[[QModelIndex], None]) -> None:
        super().__init__(completer)
        self._completer = completer
        self._choose = choose
        popup_of(completer).installEventFilter(self)
        field = completer.widget()
        if field is not None:
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and isinstance(event, QKeyEvent)
            and leaves_field(event)
            and popup_of(self._completer).isVisible()
        ):
            self.accept_completion()
        return False

    def accept_completion(self) -> None:
        """Take the highlighted (or only) completion and close the list."""
        popup = popup_of(self._completer)
        index = popup.currentIndex()
        if not index.isValid() and self._completer.completionCount() == 1:
            index = self._completer.completionModel().index(0, 0)
        popup.hide()
        if index.isValid():
            self._choose(QModelIndex(index))


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
        # Long labels ("Congo, The Democratic Republic of the") must not widen the window.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self._blank_text = blank_text
        completer = QCompleter(self.model(), self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        _CompletionKeys(completer, self._on_completer_chosen)
        self.currentIndexChanged.connect(self._on_self_current_index_changed)
        line_edit_of(self).editingFinished.connect(self._on_line_edit_editing_finished)

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

    def _on_completer_chosen(self, index: QModelIndex) -> None:
        code = index.data(Qt.ItemDataRole.UserRole)
        if code is not None:
            self.set_code(str(code))

    def _on_self_current_index_changed(self, _index: int) -> None:
        self.code_changed.emit(self.code())

    def _on_line_edit_editing_finished(self) -> None:
        index = self.findText(self.currentText().strip(), Qt.MatchFlag.MatchFixedString)
        if index >= 0 and index != self.currentIndex():
            self.setCurrentIndex(index)


class _LastPartCompleter(QCompleter):
    """Completes the part after the last comma and puts the chosen code in its place."""

    def __init__(self, model: QStandardItemModel, editor: QLineEdit) -> None:
        super().__init__(model, editor)
        self._editor = editor

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        code = index.data(Qt.ItemDataRole.UserRole)
        head = self._editor.text().rsplit(",", 1)[0] if "," in self._editor.text() else ""
        return f"{head}, {code}, " if head.strip() else f"{code}, "


class CodeListEdit(QLineEdit):
    """Several codes from a reference list, typed comma-separated ("CUSTOMS, FC_KP").

    Each part may be a code, a label, or "Label (CODE)" as the completer offers it
    (any part of a label completes). ``codes()`` returns the known codes in order;
    ``unknown_parts()`` what matched nothing, to name it in a message. When editing
    ends the text is rewritten as the codes, so what is shown is what is stored.
    """

    codes_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lookup: dict[str, str] = {}
        self._model = QStandardItemModel(self)
        completer = _LastPartCompleter(self._model, self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        _CompletionKeys(completer, self._on_completer_chosen)
        self.setPlaceholderText("type part of a name; separate with commas")
        self.editingFinished.connect(self._on_self_editing_finished)
        self.textChanged.connect(self._on_self_text_changed)

    def set_choices(self, choices: list[tuple[str, str]]) -> None:
        """Offer (code, label) pairs; the typed text is kept as it is."""
        self._model.clear()
        self._lookup = {}
        for code, label in choices:
            shown = f"{label} ({code})" if label != code else code
            item = QStandardItem(shown)
            item.setData(code, Qt.ItemDataRole.UserRole)
            self._model.appendRow(item)
            for key in (code, label, shown):
                self._lookup.setdefault(key.casefold(), code)

    def set_reference_list(
        self, catalog: Catalog, list_name: str, keep: tuple[str, ...] = ()
    ) -> None:
        """Offer a reference list's live codes (and those in ``keep``, even if retired)."""
        retired = catalog.retired.get(list_name, frozenset())
        self.set_choices(
            [
                (code, label)
                for code, label in catalog.codes.get(list_name, {}).items()
                if code not in retired or code in keep
            ]
        )

    def _parts(self) -> list[str]:
        return [part.strip() for part in self.text().split(",") if part.strip()]

    def codes(self) -> tuple[str, ...]:
        """The known codes typed, in order, each once."""
        found = (self._lookup.get(part.casefold()) for part in self._parts())
        return tuple(dict.fromkeys(code for code in found if code is not None))

    def unknown_parts(self) -> list[str]:
        """The parts that match no code or label."""
        return [part for part in self._parts() if part.casefold() not in self._lookup]

    def set_codes(self, codes: tuple[str, ...] | list[str]) -> None:
        """Show ``codes`` (unknown ones as they are)."""
        self.setText(", ".join(codes))

    def _on_completer_chosen(self, index: QModelIndex) -> None:
        completer = self.completer()
        assert isinstance(completer, _LastPartCompleter)
        self.setText(completer.pathFromIndex(index))

    def _on_self_editing_finished(self) -> None:
        popup = popup_of(self.completer())
        if popup.isVisible():
            popup.hide()
        parts = [self._lookup.get(part.casefold(), part) for part in self._parts()]
        normal = ", ".join(dict.fromkeys(parts))
        if normal != self.text():
            self.setText(normal)

    def _on_self_text_changed(self, _text: str) -> None:
        self.codes_changed.emit(self.codes())


@contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Change several widgets without each of them announcing it."""
    blockers = [QSignalBlocker(item) for item in objects]
    try:
        yield
    finally:
        for blocker in blockers:
            blocker.unblock()


def period_box(presets: Sequence[tuple[str, str]], tip: str, parent: QWidget) -> QComboBox:
    """A box of period presets, (text, label) pairs, in which a period may also be typed.

    Typed text never becomes an item: Enter applies it, and it must not pile up as a
    preset (an item whose label is no period would read as all dates).
    """
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setToolTip(tip)
    for text, label in presets:
        combo.addItem(label, text)
    return combo


def period_text(combo: QComboBox) -> str:
    """The period a box of ``period_box`` stands for: the text of the preset whose label
    it shows ("" for one that means all dates), else what was typed."""
    text = combo.currentText().strip()
    index = combo.findText(text)
    if index >= 0:
        text = combo.itemData(index) or ""
    return text


def show_period(combo: QComboBox, period: str) -> None:
    """Select a period combo's preset for ``period``, else type it in."""
    index = combo.findData(period)
    if index >= 0:
        combo.setCurrentIndex(index)
    else:
        combo.setEditText(period)
