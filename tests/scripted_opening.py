"""Answers to opening's questions, given in advance, for the opening and start-up tests."""

from __future__ import annotations

from pathlib import Path

from inl_desktop.services.opening import BackupFile, DatabaseInUse, Finding


class ScriptedAnswers:
    """Answers opening's questions as the test says, and records them."""

    def __init__(self, *, read_only: bool = True, restore: bool = True, move: bool = True) -> None:
        self.answers = {"read_only": read_only, "restore": restore, "move": move}
        self.asked: list[str] = []

    def open_read_only(self, busy: DatabaseInUse) -> bool:
        self.asked.append(f"in use: {busy}")
        return self.answers["read_only"]

    def restore_damaged(self, path: Path, finding: Finding, backup: BackupFile) -> bool:
        self.asked.append(f"damaged: {finding.message}; backup {backup.path.name}")
        return self.answers["restore"]

    def no_good_backup(self, path: Path, finding: Finding) -> None:
        self.asked.append(f"no backup: {finding.message}")

    def move_to_safe_folder(self, path: Path, risk: str, safe: Path) -> bool:
        self.asked.append(f"risky: {risk}")
        return self.answers["move"]

    def tell(self, title: str, text: str) -> None:
        self.asked.append(f"{title}: {text}")
