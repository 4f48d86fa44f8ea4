"""The Undo the main window offers for a while after a record is deleted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QPushButton

UNDO_TIMEOUT_MS = 30_000


class UndoOffer(QObject):
    """An Undo button in the status bar, and Ctrl+Z, while the message that offers
    them shows; gone with the message, or once used."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._undo: Callable[[], None] | None = None
        self._status = window.statusBar()
        # No mnemonic: the area or form on show keeps every letter for its own fields.
        self.button = QPushButton("Undo (Ctrl+Z)", window)
        self.button.setAccessibleName("Undo")
        self.button.setVisible(False)
        self.action = QAction("Undo", window)
        self.action.setShortcut(QKeySequence("Ctrl+Z"))
        # Enabled only while an undo is offered, so Ctrl+Z reaches the widgets otherwise.
        self.action.setEnabled(False)
        window.addAction(self.action)
        self._status.addPermanentWidget(self.button)
        self.button.clicked.connect(self._on_button_clicked)
        self.action.triggered.connect(self._on_action_triggered)
        self._status.messageChanged.connect(self._on_status_message_changed)

    def offer(self, message: str, undo: Callable[[], None]) -> None:
        """Show ``message`` with the Undo button (and Ctrl+Z) for a while."""
        self._set(undo)
        self._status.showMessage(message, UNDO_TIMEOUT_MS)

    def _set(self, undo: Callable[[], None] | None) -> None:
        self._undo = undo
        self.button.setVisible(undo is not None)
        self.action.setEnabled(undo is not None)

    def _undo_last(self) -> None:
        undo = self._undo
        self._set(None)
        self._status.clearMessage()
        if undo is not None:
            undo()
            self._status.showMessage("Restored.", 5_000)

    def _on_button_clicked(self) -> None:
        self._undo_last()

    def _on_action_triggered(self) -> None:
        self._undo_last()

    def _on_status_message_changed(self, message: str) -> None:
        if not message and self._undo is not None:
            self._set(None)
