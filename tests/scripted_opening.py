"""Answers to opening's questions, given in advance, for the opening and start-up tests."""

from __future__ import annotations

from pathlib import Path

from inl_desktop.services.opening import BackupFile, Credentials, DatabaseInUse, Finding


class ScriptedAnswers:
    """Answers opening's questions as the test says, and records them."""

    def __init__(
        self,
        *,
        read_only: bool = True,
        restore: bool = True,
        move: bool = True,
        signs_in: list[Credentials] | None = None,
        first_admin: Credentials | None = None,
    ) -> None:
        self.answers = {"read_only": read_only, "restore": restore, "move": move}
        self.asked: list[str] = []
        self.signs_in = list(signs_in or [])
        self.admin = first_admin
        self.recovery_keys: list[str] = []

    def sign_in(self, path: Path, names: list[str], failures: int) -> Credentials | None:
        self.asked.append(f"sign in ({failures} wrong) as one of {', '.join(names)}")
        return self.signs_in.pop(0) if self.signs_in else None

    def first_admin(self, path: Path) -> Credentials | None:
        self.asked.append("first admin")
        return self.admin

    def keep_recovery_key(self, path: Path, recovery_key: str) -> None:
        self.recovery_keys.append(recovery_key)

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
