"""A scripted ``Prompts`` for GUI tests: answers given in advance, questions recorded."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.gui.common.prompts import Decision, Prompts
from inl_desktop.gui.people.merge_dialog import MergeChoice
from inl_desktop.services.context import AppContext
from inl_desktop.services.duplicates import PossibleDuplicate


class ScriptedPrompts(Prompts):
    """Answers each question with the next answer queued for its kind.

    ``asked`` holds (kind, title or what, text) of every question and message, in
    order; ``problems`` the lists of messages of every "cannot be saved" warning;
    ``offered`` what each record question showed (the duplicates, the persons). An
    answer queued as a function is called with what the question showed, so a test
    can answer in a real dialog. A question with no answer queued fails the test:
    the screen asked something the test did not expect.
    """

    def __init__(self, **answers: list[Any]) -> None:
        self.answers: dict[str, deque[Any]] = {
            kind: deque(given) for kind, given in answers.items()
        }
        self.asked: list[tuple[str, str, str]] = []
        self.standing: dict[str, Any] = {}
        self.problems: list[list[str]] = []
        self.offered: list[tuple[str, tuple[Any, ...]]] = []

    def queue(self, kind: str, *answers: Any) -> None:
        """Add answers for questions of ``kind`` ("unsaved", "confirm", "save_file"...)."""
        self.answers.setdefault(kind, deque()).extend(answers)

    def always(self, kind: str, answer: Any) -> None:
        """Answer every question of ``kind`` with ``answer`` once the queued ones are
        used up (None: no standing answer, a question fails the test again)."""
        if answer is None:
            self.standing.pop(kind, None)
        else:
            self.standing[kind] = answer

    def _answer(self, kind: str, title: str, text: str = "", *shown: Any) -> Any:
        self.asked.append((kind, title, text))
        if shown:
            self.offered.append((kind, shown))
        queued = self.answers.get(kind)
        if queued:
            answer = queued.popleft()
        elif kind in self.standing:
            answer = self.standing[kind]
        else:
            raise AssertionError(f"unexpected {kind} question: {title!r} {text!r}")
        return answer(*shown) if callable(answer) else answer

    def shown(self, kind: str) -> list[tuple[Any, ...]]:
        """What each question of ``kind`` showed (the candidates...), in order."""
        return [shown for asked_kind, shown in self.offered if asked_kind == kind]

    def count(self, kind: str) -> int:
        """How many questions or messages of ``kind`` were asked or told."""
        return self.kinds().count(kind)

    def texts(self, kind: str) -> list[str]:
        """The texts of the messages of ``kind`` ("warn": the errors shown), in order."""
        return [text for asked_kind, _, text in self.asked if asked_kind == kind]

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

    def password(self, parent: QWidget, title: str, text: str) -> str | None:
        answer = self._answer("password", title, text)
        return None if answer is None else str(answer)

    def save_file(self, parent: QWidget, title: str, start: str, filters: str) -> Path | None:
        answer = self._answer("save_file", title)
        return None if answer is None else Path(answer)

    def folder(self, parent: QWidget, title: str, start: str) -> Path | None:
        answer = self._answer("folder", title)
        return None if answer is None else Path(answer)

    def about(self, parent: QWidget, title: str, text: str) -> None:
        self.asked.append(("about", title, text))

    def cannot_save(self, parent: QWidget, title: str, messages: Sequence[str]) -> None:
        self.asked.append(("cannot_save", title, "\n".join(messages)))
        self.problems.append(list(messages))

    def duplicate_seizure(
        self, parent: QWidget, candidates: Sequence[PossibleDuplicate], catalog: Catalog
    ) -> Decision:
        answer: Decision = self._answer("duplicate_seizure", "", "", list(candidates))
        return answer

    def same_participant(
        self,
        parent: QWidget,
        catalog: Catalog,
        person: PersonDraft,
        candidates: Sequence[PersonDraft],
    ) -> Decision:
        answer: Decision = self._answer("same_participant", "", "", person, list(candidates))
        return answer

    def same_person(
        self, parent: QWidget, catalog: Catalog, matches: Sequence[PersonDraft]
    ) -> Decision:
        answer: Decision = self._answer("same_person", "", "", list(matches))
        return answer

    def merge(
        self,
        parent: QWidget,
        ctx: AppContext,
        uuids: tuple[str, str],
        trainings: tuple[int, int],
    ) -> MergeChoice | None:
        answer: MergeChoice | None = self._answer("merge", "", "", *uuids)
        return answer

    def pick_person(
        self, parent: QWidget, ctx: AppContext, exclude_uuid: str, title: str
    ) -> str | None:
        answer: str | None = self._answer("pick_person", title, "", exclude_uuid)
        return answer


class FormPrompts(ScriptedPrompts):
    """The questions of a record form, with the answers a test sets as attributes."""

    @property
    def errors(self) -> list[str]:
        """The errors shown, in order."""
        return self.texts("warn")

    @property
    def unsaved_answer(self) -> str | None:
        """The answer to every unsaved-changes question (None: none is expected)."""
        return self.standing.get("unsaved")

    @unsaved_answer.setter
    def unsaved_answer(self, answer: str | None) -> None:
        self.always("unsaved", answer)
