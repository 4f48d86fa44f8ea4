"""Export the post's records as an exchange workbook for headquarters.

The workbook is signed with the post's key (``services.post_keys``; a post database
from before signing gets its key on its first export).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from inl_desktop import __version__
from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.errors import UserError
from inl_desktop.domain.fields import FieldType
from inl_desktop.domain.periods import Period
from inl_desktop.domain.roles import Permission
from inl_desktop.exchange import format as fmt
from inl_desktop.exchange import protection
from inl_desktop.exchange.format import Column, Kind
from inl_desktop.exchange.writer import Progress, SheetData, check_target, write_workbook
from inl_desktop.services.context import AppContext
from inl_desktop.services.person_key import key_id, person_key, person_key_secret
from inl_desktop.services.post_keys import signing_key
from inl_desktop.services.user_key import hq_user_keys, user_key_secret
from inl_desktop.store.models import CODES_TABLES, CodesTable, ExportRecord
from inl_desktop.store.reference import country_program

PROFILES = ("hq", "full")


class BadExportRequest(UserError):
    """An export asked for something that cannot be (unknown profile...)."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export, where."""

    out: Path
    period: Period | None = None
    profile: str = "hq"
    since_last: bool = False
    # The full profile's workbook is encrypted with this password (it carries personal data).
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ExportResult:
    """The file written and its rows per sheet."""

    file: Path
    rows: dict[str, int]
    since: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """The JSON object of ``export --json``."""
        return {"file": str(self.file), "rows": self.rows}


@dataclass
class Selection:
    """Which records go in: a period, changes since a time, or everything; and the
    codes the rows used (filled while the rows are written, for the Lists sheet)."""

    period: Period | None
    since: datetime | None
    used_codes: set[tuple[str, str]] = field(default_factory=set)

    def clause(self, date_column: str, updated_column: str) -> tuple[str, dict[str, Any]]:
        clauses: list[str] = ["1 = 1"]
        params: dict[str, Any] = {}
        if self.period is not None:
            clauses.append(f"{date_column} BETWEEN :start AND :end")
            params.update(start=self.period.start.isoformat(), end=self.period.end.isoformat())
        if self.since is not None:
            clauses.append(f"{updated_column} > :since")
            # The stored form of UTC timestamps, so text comparison is time comparison.
            params["since"] = self.since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return " AND ".join(clauses), params


def _timestamp(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


class _Rows:
    """Turns query rows (dicts by column key) into cell values in column order."""

    def __init__(self, columns: Sequence[Column], catalog: Catalog, used: set[tuple[str, str]]):
        self._catalog = catalog
        self._used = used
        self._plan = [(column, self._converter(column)) for column in columns]

    def _converter(self, column: Column) -> Callable[[dict[str, Any]], Any]:
        key, kind = column.key, column.kind
        catalog, used = self._catalog, self._used
        if kind is Kind.LABEL:
            source = column.label_of or ""
            if column.reference_list is None:
                choices = dict(column.field.choices) if column.field is not None else {}
                return lambda row: choices.get(row[source]) if row[source] else None
            codes_list = column.reference_list
            if column.field is not None and column.field.type is FieldType.CODES:
                return lambda row: (
                    fmt.CODE_SEPARATOR.join(
                        catalog.label(codes_list, c) for c in (row[source] or "").split(",") if c
                    )
                    or None
                )
            return lambda row: catalog.label(codes_list, row[source]) if row[source] else None
        if kind is Kind.CODES:
            codes_list = column.reference_list or ""

            def codes(row: dict[str, Any]) -> str | None:
                values = [c for c in (row[key] or "").split(",") if c]
                used.update((codes_list, c) for c in values)
                return fmt.CODE_SEPARATOR.join(values) or None

            return codes
        if kind is Kind.CODE and column.reference_list is not None:
            codes_list = column.reference_list

            def code(row: dict[str, Any]) -> Any:
                value = row[key]
                if value:
                    used.add((codes_list, value))
                return value

            return code
        if kind is Kind.NUMBER:
            return lambda row: None if row[key] is None else Decimal(row[key])
        if kind is Kind.DATE:
            return lambda row: _date(row[key])
        if kind is Kind.TIMESTAMP:
            return lambda row: _timestamp(row[key])
        return lambda row: row[key]

    def __call__(self, row: dict[str, Any]) -> list[Any]:
        return [convert(row) for _, convert in self._plan]


def _stream(connection: Connection, sql: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    result = connection.exec_driver_sql(sql, params)
    keys = list(result.keys())
    for row in result:
        yield dict(zip(keys, row, strict=True))


@dataclass(frozen=True)
class _Source:
    """Where a sheet's columns are read from (its columns are those of ``exchange.format``).

    A field's column comes from the table of its record kind (``tables``: kind -> SQL
    alias), a multi-code field from its codes table; any other column as ``renamed``
    says, else from ``main`` under its own name. ``computed`` columns are filled in
    Python from the ``extra`` SQL read with them.
    """

    tables: dict[str, str]
    main: str
    renamed: dict[str, str] = field(default_factory=dict)
    computed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    def select_list(self, columns: Sequence[Column]) -> str:
        """The SELECT list that reads ``columns``, each under its column key."""
        parts = []
        for column in columns:
            if column.kind is Kind.LABEL or column.key in self.computed:
                continue
            if column.key in self.renamed:
                sql = self.renamed[column.key]
            elif column.field is not None and column.record is not None:
                alias = self.tables[column.record]
                if column.field.type is FieldType.CODES:
                    sql = _codes_sql(CODES_TABLES[(column.record, column.key)], alias)
                else:
                    sql = f"{alias}.{column.key}"
            else:
                sql = f"{self.main}.{column.key}"
            parts.append(sql if sql.endswith(f".{column.key}") else f"{sql} AS {column.key}")
        return ", ".join([*parts, *self.extra])


def _codes_sql(codes: CodesTable, alias: str) -> str:
    """A record's codes in order, joined by commas (as the list columns hold them)."""
    return (
        f"(SELECT group_concat(codes.{codes.code}, ',') FROM (SELECT {codes.code} "
        f"FROM {codes.model.__tablename__} WHERE {codes.owner} = {alias}.id "
        "ORDER BY position) AS codes)"
    )


_SEIZURE_SOURCE = _Source(
    tables={"seizure": "e", "seizure_item": "i"},
    main="e",
    renamed={"event_uuid": "e.uuid", "item_uuid": "i.uuid", "item_position": "i.position"},
    computed=("drug_group", "kg_equivalent"),
    extra=("i.kg_equivalent_mg",),
)
# CROSS JOIN keeps SQLite to this order: the events in period order, then each one's
# items by index; never every item sorted at once (memory grows with the rows).
_SEIZURE_SQL = f"""
SELECT {_SEIZURE_SOURCE.select_list(fmt.SEIZURE_COLUMNS)}
FROM seizure_events e CROSS JOIN seizure_items i ON i.event_id = e.id
WHERE e.deleted_at IS NULL AND {{where}}
ORDER BY e.period_start, e.id, i.position
"""

_TRAINING_SOURCE = _Source(tables={"training": "s"}, main="s", renamed={"session_uuid": "s.uuid"})
_TRAINING_SQL = f"""
SELECT {_TRAINING_SOURCE.select_list(fmt.TRAINING_COLUMNS)}
FROM training_sessions s WHERE s.deleted_at IS NULL AND {{where}}
ORDER BY s.start_date, s.id
"""

# The person's key is the stored one (a person from an hq workbook) or made from the
# national ID's key.
_ENROLLMENT_SOURCE = _Source(
    tables={"person": "p", "enrollment": "n"},
    main="n",
    renamed={
        "enrollment_uuid": "n.uuid",
        "session_uuid": "s.uuid",
        "person_uuid": "p.uuid",
        "person_revision": "p.revision",
    },
    computed=("person_key",),
    extra=("p.national_id_key", "p.person_key AS stored_key"),
)
_ENROLLMENT_SQL = f"""
SELECT {_ENROLLMENT_SOURCE.select_list(fmt.ENROLLMENT_COLUMNS)}
FROM enrollments n JOIN training_sessions s ON s.id = n.session_id
JOIN persons p ON p.id = n.person_id
WHERE s.deleted_at IS NULL AND {{where}}
ORDER BY s.start_date, s.id, n.position
"""

_COUNT_SOURCE = _Source(
    tables={"attendance_count": "c"},
    main="c",
    renamed={"count_uuid": "c.uuid", "session_uuid": "s.uuid"},
)
_COUNT_SQL = f"""
SELECT {_COUNT_SOURCE.select_list(fmt.COUNT_COLUMNS)}
FROM attendance_counts c JOIN training_sessions s ON s.id = c.session_id
WHERE s.deleted_at IS NULL AND {{where}}
ORDER BY s.start_date, s.id, c.position
"""

_DELETED_SQL = """
SELECT 'seizure' AS kind, uuid, revision, deleted_at, post_code FROM seizure_events e
    WHERE e.deleted_at IS NOT NULL AND {seizure_where}
UNION ALL
SELECT 'training', uuid, revision, deleted_at, post_code FROM training_sessions s
    WHERE s.deleted_at IS NOT NULL AND {training_where}
UNION ALL
SELECT 'person', uuid, revision, deleted_at, post_code FROM persons p
    WHERE p.deleted_at IS NOT NULL AND {person_where}
"""


@dataclass
class _Sheets:
    """Makes the data sheets of one export, each read by its query as it is written."""

    connection: Connection
    catalog: Catalog
    profile: str
    used: set[tuple[str, str]]

    def read(
        self,
        sheet: str,
        query: tuple[str, dict[str, Any]],
        fill: Callable[[dict[str, Any]], None] | None = None,
    ) -> SheetData:
        """The sheet's rows from ``query``; ``fill`` sets each row's computed columns."""
        columns = fmt.columns_for(sheet, self.profile)
        to_cells = _Rows(columns, self.catalog, self.used)

        def cells() -> Iterator[list[Any]]:
            for row in _stream(self.connection, *query):
                if fill is not None:
                    fill(row)
                yield to_cells(row)

        return SheetData(sheet, columns, cells())


def export_sheets(  # the data sheets of a workbook, rows generated as they are written
    connection: Connection,
    selection: Selection,
    catalog: Catalog,
    profile: str,
    secret: bytes,
) -> Iterator[SheetData]:
    used = selection.used_codes
    seizure_where, seizure_params = selection.clause("e.period_start", "e.updated_at")
    training_where, training_params = selection.clause("s.start_date", "s.updated_at")
    person_where, person_params = selection.clause("p.created_at", "p.updated_at")
    if selection.period is not None:
        person_where, person_params = "1 = 1", {}

    sheets = _Sheets(connection, catalog, profile, used)

    def fill_seizure(row: dict[str, Any]) -> None:
        mg = row.pop("kg_equivalent_mg")
        row["kg_equivalent"] = None if mg is None else Decimal(mg) / 1_000_000
        drug = catalog.drugs.get(row["drug"])
        row["drug_group"] = drug.group if drug else None

    def fill_enrollment(row: dict[str, Any]) -> None:
        # At HQ a person from an hq workbook has no national ID, only the post's key.
        stored = row.pop("stored_key")
        row["person_key"] = stored or person_key(secret, row.pop("national_id_key"))
        row.pop("national_id_key", None)

    seizure_query = (_SEIZURE_SQL.format(where=seizure_where), seizure_params)
    yield sheets.read(fmt.SEIZURES, seizure_query, fill_seizure)
    training_query = (_TRAINING_SQL.format(where=training_where), training_params)
    yield sheets.read(fmt.TRAININGS, training_query)
    enrollment_query = (_ENROLLMENT_SQL.format(where=training_where), training_params)
    yield sheets.read(fmt.ENROLLMENTS, enrollment_query, fill_enrollment)
    yield sheets.read(fmt.COUNTS, (_COUNT_SQL.format(where=training_where), training_params))
    deleted_sql = _DELETED_SQL.format(
        seizure_where=seizure_where, training_where=training_where, person_where=person_where
    )
    deleted_params = {**seizure_params, **training_params, **person_params}
    yield sheets.read(fmt.DELETED, (deleted_sql, deleted_params))

    def lists() -> Iterator[list[Any]]:
        for list_name, code in sorted(used):
            yield [list_name, code, catalog.label(list_name, code)]

    yield SheetData(fmt.LISTS, fmt.columns_for(fmt.LISTS, profile), lists())


def last_export(ctx: AppContext, destination: Path) -> ExportRecord | None:
    """The latest export recorded for a destination file."""
    with ctx.sessions() as session:
        return session.scalar(
            select(ExportRecord)
            .where(ExportRecord.destination == str(destination.resolve()))
            .order_by(ExportRecord.exported_at.desc())
            .limit(1)
        )


def export_workbook(
    ctx: AppContext, request: ExportRequest, progress: Progress | None = None
) -> ExportResult:
    """Write the workbook (atomically) and record the export."""
    if request.profile not in PROFILES:
        raise BadExportRequest(f"Profile {request.profile!r} is not one of: {', '.join(PROFILES)}")
    ctx.require(Permission.EXPORT_FULL if request.profile == "full" else Permission.EXPORT_HQ)
    target = request.out.resolve()
    if target.suffix.lower() != ".xlsx":
        raise BadExportRequest(f"{target.name}: the exchange workbook must end in .xlsx")
    post = ctx.post()
    catalog = ctx.catalog()
    secret = person_key_secret(ctx)
    private_key = signing_key(ctx)
    authors = user_key_secret(ctx)
    since = None
    if request.since_last:
        previous = last_export(ctx, target)
        since = previous.exported_at if previous is not None else None
    exported_at = ctx.now()
    selection = Selection(request.period, since)
    about: list[tuple[str, Any]] = [
        ("format", fmt.FORMAT_NAME),
        ("format_version", fmt.FORMAT_VERSION),
        ("app_version", __version__),
        ("post_code", post.code),
        ("post_name", post.name),
        ("country", post.country),
        ("country_name", country_program(post.country).name),
        ("period", request.period.label if request.period else "all"),
        ("period_start", request.period.start if request.period else None),
        ("period_end", request.period.end if request.period else None),
        ("changes_since", since.replace(tzinfo=None) if since else None),
        ("exported_at_utc", exported_at.replace(tzinfo=None)),
        ("profile", request.profile),
        (
            "personal_data",
            "included (full profile)" if request.profile == "full" else "none (hq profile)",
        ),
        ("person_key_id", key_id(secret)),
    ]
    with ctx.engine.connect() as connection, _written_to(target, request) as written:
        rows = write_workbook(
            written,
            about,
            hq_user_keys(
                export_sheets(connection, selection, catalog, request.profile, secret),
                request.profile,
                authors,
            ),
            progress=progress,
            signing_key=private_key,
        )
    with ctx.sessions.begin() as session:
        session.add(
            ExportRecord(
                destination=str(target),
                exported_at=exported_at,
                exported_by=ctx.user,
                profile=request.profile,
                period=request.period.label if request.period else None,
                since=since,
                rows=json.dumps(rows),
            )
        )
    return ExportResult(target, rows, since)


@contextlib.contextmanager
def _written_to(target: Path, request: ExportRequest) -> Iterator[Path]:
    """Where the workbook is written: the target for the hq profile; for the full profile,
    a private temporary file encrypted into the target with the request's password."""
    if request.profile != "full":
        yield target
        return
    password = protection.check_password(request.password)
    check_target(target)
    with protection.private_folder() as folder, protection.temporary_files_in(folder):
        plain = folder / target.name
        yield plain
        protection.protect(plain, target, password)


def recent_exports(ctx: AppContext, limit: int = 50) -> list[ExportRecord]:
    """The exports recorded in this database, newest first."""
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(ExportRecord).order_by(ExportRecord.exported_at.desc()).limit(limit)
            )
        )
