"""Expected failures that carry a message for the user."""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """A failure the user can act on; ``str(error)`` is the message to show."""


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a record (``row`` for items, enrollments, counts)."""

    field: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return f"Row {self.row + 1}: {self.message}"


class ValidationFailed(UserError):
    """A record was refused; ``errors`` lists every problem found."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


class StaleRevision(UserError):
    """The record changed since it was opened (another window or user saved it)."""


class RecordNotFound(UserError):
    """No record with that UUID exists."""
