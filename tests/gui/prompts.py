"""A scripted ``Prompts`` for GUI tests: answers given in advance, questions recorded."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from inl_desktop.gui.common.prompts import Prompts


class ScriptedPrompts(Prompts):
    """Answers each question with the next answer queued for its kind.

    ``asked`` holds (kind, title or what, text) of every question and message, in
    order. A question with no answer queued fails the test: the screen asked something
    the test did not expect.
    """

    def __init__(self, **answers: list[Any]) -> None:
        self.answers: dict[str, deque[Any]] = {
            kind: deque(given) for kind, given in answers.items()
        }
        self.asked: list[tuple[str, str, str]] = []

    def queue(self, kind: str, *answers: Any) -> None:
        """Add answers for questions of ``kind`` ("unsaved", "confirm", "save_file"...)."""
        self.answers.setdefault(kind, deque()).extend(answers)

    def _answer(self, kind: str, title: str, text: str = "") -> Any:
        self.asked.append((kind, title, text))
        queued = self.answers.get(kind)
        if not queued:
            raise AssertionError(f"unexpected {kind} question: {title!r} {text!r}")
        return queued.popleft()

    def kinds(self) -> list[str]:
        """The kinds of everything asked or told, in order."""
        return [kind for kind, _, _ in self.asked]

    def unsaved(self, parent: QWidget, what: str) -> str:
        return str(self._answer("unsaved", what))

    def confirm(self, parent: QWidget, title: str, text: str, *, default_yes: bool = False) -> bool:
        return bool(self._answer("confirm", title, text))

    def yes_no(self, parent: QWidget, title: str, text: str, *, default_yes: bool = False) -> bool:
        return bool(self._answer("yes_no", title, text))

    def inform(self, parent: QWidget, title: str, text: str) -> None:
        self.asked.append(("inform", title, text))

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        self.asked.append(("warn", title, text))

    def fail(self, parent: QWidget, title: str, text: str) -> None:
        self.asked.append(("fail", title, text))

    def open_file(self, parent: QWidget, title: str, start: str, filters: str) -> Path | None:
        answer = self._answer("open_file", title)
        return None if answer is None else Path(answer)

    def open_files(self, parent: QWidget, title: str, start: str, filters: str) -> list[Path]:
        return [Path(path) for path in self._answer("open_files", title)]

    def save_file(self, parent: QWidget, title: str, start: str, filters: str) -> Path | None:
        answer = self._answer("save_file", title)
        return None if answer is None else Path(answer)

    def folder(self, parent: QWidget, title: str, start: str) -> Path | None:
        answer = self._answer("folder", title)
        return None if answer is None else Path(answer)
