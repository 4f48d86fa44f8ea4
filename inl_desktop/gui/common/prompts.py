"""The questions the window asks the user, in one object that screens are given.

Every message box and file chooser goes through a ``Prompts``: the window makes one
and hands it to its pages, forms and dialogs. Tests give a scripted one instead
(``tests/gui/prompts.py``), which answers from a list and records what was asked, so
no test reaches into a screen's private methods to answer a dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

Button = QMessageBox.StandardButton


class Prompts:
    """Message boxes and file choosers, as the user sees them."""

    def unsaved(self, parent: QWidget, what: str) -> str:
        """Ask whether to save ``what`` ("This seizure"): "save", "discard" or "cancel"."""
        answer = QMessageBox.question(
            parent,
            "Unsaved changes",
            f"{what} has changes that are not saved. Save them?",
            Button.Save | Button.Discard | Button.Cancel,
            Button.Save,
        )
        return {Button.Save: "save", Button.Discard: "discard"}.get(answer, "cancel")

    def confirm(self, parent: QWidget, title: str, text: str, *, default_yes: bool = False) -> bool:
        """A yes-or-cancel question; True when the user says yes."""
        answer = QMessageBox.question(
            parent,
            title,
            text,
            Button.Yes | Button.Cancel,
            Button.Yes if default_yes else Button.Cancel,
        )
        return answer == Button.Yes

    def yes_no(self, parent: QWidget, title: str, text: str, *, default_yes: bool = False) -> bool:
        """A yes-or-no question; True when the user says yes."""
        answer = QMessageBox.question(
            parent, title, text, Button.Yes | Button.No, Button.Yes if default_yes else Button.No
        )
        return answer == Button.Yes

    def inform(self, parent: QWidget, title: str, text: str) -> None:
        """Tell the user something that went as planned."""
        QMessageBox.information(parent, title, text)

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        """Tell the user what could not be done and why."""
        QMessageBox.warning(parent, title, text)

    def fail(self, parent: QWidget, title: str, text: str) -> None:
        """Tell the user of a failure that stops the work at hand."""
        QMessageBox.critical(parent, title, text)

    def open_file(self, parent: QWidget, title: str, start: str, filters: str) -> Path | None:
        """One file to read, or None when the user gave up."""
        path, _ = QFileDialog.getOpenFileName(parent, title, start, filters)
        return Path(path) if path else None

    def open_files(self, parent: QWidget, title: str, start: str, filters: str) -> list[Path]:
        """Files to read (none when the user gave up)."""
        paths, _ = QFileDialog.getOpenFileNames(parent, title, start, filters)
        return [Path(path) for path in paths]

    def save_file(self, parent: QWidget, title: str, start: str, filters: str) -> Path | None:
        """Where to write a file, or None when the user gave up."""
        path, _ = QFileDialog.getSaveFileName(parent, title, start, filters)
        return Path(path) if path else None

    def folder(self, parent: QWidget, title: str, start: str) -> Path | None:
        """A folder, or None when the user gave up."""
        path = QFileDialog.getExistingDirectory(parent, title, start)
        return Path(path) if path else None
