"""The checks every record's row gets before the domain rules: IDs, revision, audit."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from inl_desktop.domain.errors import FieldError
from inl_desktop.domain.fields import RECORD_STATUS, RecordDef
from inl_desktop.exchange.reader import RowProblem, SheetRow
from inl_desktop.store.record_rows import Audit

UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
POST_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,10}$")
AUTHOR_LENGTH = 100


def read_uuid(sheet: str, row: SheetRow, key: str, problems: list[RowProblem]) -> str | None:
    """The row's UUID in column ``key``, or None (and a problem) when it is not one."""
    value = row.values.get(key)
    if value is None or not UUID.match(value):
        reason = "is empty" if value is None else f"{value[:40]!r} is not a UUID"
        problems.append(RowProblem(sheet, row.number, key, f"The record ID {reason}"))
        return None
    return str(value)


def read_identity(
    sheet: str, row: SheetRow, uuid_key: str, own_post: str, problems: list[RowProblem]
) -> tuple[str, int, str, Audit] | None:
    """A top-level record's UUID, revision, status and audit columns; None (with
    problems added) when any of them is missing or malformed, or when the record is
    of another post than ``own_post``, the post that wrote the workbook."""
    before = len(problems)
    values = row.values
    uuid = read_uuid(sheet, row, uuid_key, problems)

    def problem(key: str, reason: str) -> None:
        problems.append(RowProblem(sheet, row.number, key, reason))

    revision = values.get("revision")
    if not isinstance(revision, int) or revision < 1:
        problem("revision", "The revision must be a whole number from 1 up")
    status = values.get("status")
    if status not in dict(RECORD_STATUS):
        problem("status", "Record status must be draft or final")
    post = values.get("post_code")
    if not isinstance(post, str) or not POST_CODE.match(post):
        problem("post_code", f"{post!r} is not a post code (like PK-ISB)")
    elif post != own_post:
        problem("post_code", not_own_post(post, own_post))
    for key in ("created_at", "updated_at"):
        if values.get(key) is None:
            problem(key, "The time is missing")
    for key in ("created_by", "updated_by"):
        author = values.get(key)
        if not author or len(author) > AUTHOR_LENGTH:
            problem(key, f"The author is missing or longer than {AUTHOR_LENGTH} characters")
    if len(problems) > before or uuid is None:
        return None
    assert isinstance(revision, int) and isinstance(status, str) and isinstance(post, str)
    audit = Audit(
        post,
        values["created_at"],
        values["created_by"],
        values["updated_at"],
        values["updated_by"],
    )
    return uuid, revision, status, audit


def not_own_post(post: str, own_post: str) -> str:
    """Why a row naming another post's record is refused."""
    return (
        f"A record of {post}: a workbook of {own_post} may only add, change or delete "
        f"records of {own_post}"
    )


def field_problems(
    sheet: str,
    errors: Iterable[FieldError],
    rows: Sequence[int],
    first_row: int,
    renames: Mapping[str, str] = {},
) -> list[RowProblem]:
    """Domain field errors as row problems: a part's error on that part's row (``rows``),
    the record's own on ``first_row``; ``renames`` maps field names to column keys."""
    problems = []
    for error in errors:
        number = rows[error.row] if error.row is not None and error.row < len(rows) else first_row
        problems.append(
            RowProblem(sheet, number, renames.get(error.field, error.field), error.message)
        )
    return problems


def missing(
    sheet: str, row: int, record: RecordDef, draft: object, names: Iterable[str]
) -> list[RowProblem]:
    """Problems for the fields a draft may leave blank but the database may not."""
    return [
        RowProblem(sheet, row, name, f"{record[name].label} is required")
        for name in names
        if getattr(draft, name) is None
    ]
