"""The questions the window asks the user, in one object that screens are given.

Every message box and file chooser goes through a ``Prompts``: the window makes one
and hands it to its pages, forms and dialogs. Tests give a scripted one instead
(``tests/gui/prompts.py``), which answers from a list and records what was asked, so
no test reaches into a screen's private methods to answer a dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

if TYPE_CHECKING:
    from inl_desktop.domain.catalog import Catalog
    from inl_desktop.domain.drafts import PersonDraft
    from inl_desktop.gui.people.merge_dialog import MergeChoice
    from inl_desktop.services.context import AppContext
    from inl_desktop.services.duplicates import PossibleDuplicate

Button = QMessageBox.StandardButton
# A decision with the record it names: ("link", uuid), ("keep", None), ("cancel", None)...
Decision = tuple[str, str | None]


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

    def about(self, parent: QWidget, title: str, text: str) -> None:
        """What the application is."""
        QMessageBox.about(parent, title, text)

    def cannot_save(self, parent: QWidget, title: str, messages: Sequence[str]) -> None:
        """List what must be corrected before a record can be saved."""
        listed = "\n".join(f"• {message}" for message in messages)
        QMessageBox.warning(parent, title, f"Please correct:\n\n{listed}")

    # The record screens' own dialogs. Each is imported when first asked, so that the
    # window starts without them.

    def duplicate_seizure(
        self, parent: QWidget, candidates: Sequence[PossibleDuplicate], catalog: Catalog
    ) -> Decision:
        """Whether a new seizure repeats one stored: ("link", uuid), ("keep", None) or
        ("cancel", None)."""
        from inl_desktop.gui.seizures.duplicate_dialog import ask_duplicate

        return ask_duplicate(candidates, catalog, parent)

    def same_participant(
        self,
        parent: QWidget,
        catalog: Catalog,
        person: PersonDraft,
        candidates: Sequence[PersonDraft],
    ) -> Decision:
        """Whether a participant typed in is someone recorded: ("use", uuid), ("new",
        None) or ("cancel", None)."""
        from inl_desktop.gui.trainings.roster_paste import ask_same_person

        return ask_same_person(parent, catalog, person, candidates)

    def same_person(
        self, parent: QWidget, catalog: Catalog, matches: Sequence[PersonDraft]
    ) -> Decision:
        """Whether a new person repeats one of ``matches``: ("open", uuid), ("add",
        None) or ("cancel", None)."""
        from inl_desktop.gui.people.same_person_dialog import SamePersonDialog

        dialog = SamePersonDialog(matches, catalog, parent)
        dialog.exec()
        return dialog.decision()

    def merge(
        self,
        parent: QWidget,
        ctx: AppContext,
        uuids: tuple[str, str],
        trainings: tuple[int, int],
    ) -> MergeChoice | None:
        """Which of two persons to keep, and with which values; None when cancelled."""
        from inl_desktop.gui.people.merge_dialog import MergeDialog

        dialog = MergeDialog(ctx, uuids[0], uuids[1], trainings, parent)
        return dialog.choice() if dialog.exec() == MergeDialog.DialogCode.Accepted else None

    def pick_person(
        self, parent: QWidget, ctx: AppContext, exclude_uuid: str, title: str
    ) -> str | None:
        """A person found by name or national ID (not ``exclude_uuid``); None when
        cancelled."""
        from inl_desktop.gui.people.merge_dialog import PickPersonDialog

        dialog = PickPersonDialog(ctx, exclude_uuid, title, parent)
        accepted = dialog.exec() == PickPersonDialog.DialogCode.Accepted
        return dialog.chosen_uuid() if accepted else None

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

    def password(self, parent: QWidget, title: str, text: str) -> str | None:
        """A password typed (hidden), or None when the user gave up."""
        typed, ok = QInputDialog.getText(parent, title, text, QLineEdit.EchoMode.Password)
        return typed if ok else None

    def folder(self, parent: QWidget, title: str, start: str) -> Path | None:
        """A folder, or None when the user gave up."""
        path = QFileDialog.getExistingDirectory(parent, title, start)
        return Path(path) if path else None
