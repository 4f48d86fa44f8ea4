"""Sex may be not recorded: persons and attendance counts take 'U' besides 'F' and 'M', so
a source that does not say a participant's sex is kept as such instead of being counted
as a man or a woman.

SQLite cannot change a CHECK constraint in place: each table is rebuilt under its own
name with every row, index and trigger it had. Its rows are set aside, the table is
dropped and created again, and the rows go back with their ids. Foreign keys are
checked at commit (``defer_foreign_keys``): enrollments point at persons by id, and
every id is back by then. The table is never renamed, so the enrollments' triggers and
foreign key, which name ``persons``, are left as they are; the full-text search index
of persons keeps its rows, whose ids do not change.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("persons", "attendance_counts")
OLD_CHECK = "sex IN ('F', 'M')"
NEW_CHECK = "sex IN ('F', 'M', 'U')"


class SexNotRecordedInUse(RuntimeError):
    """A downgrade would drop rows whose sex is not recorded."""


def _rebuild_sqlite(table: str, old: str, new: str) -> None:
    """``table`` created again with its CHECK ``old`` changed to ``new``, keeping its
    rows (ids included), indexes and triggers."""
    connection = op.get_bind()
    schema = connection.exec_driver_sql(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
        "ORDER BY type = 'trigger', name",
        (table,),
    ).all()
    create = next(sql for kind, sql in schema if kind == "table")
    if create.count(old) != 1:
        raise RuntimeError(f"The table {table} does not have the constraint {old!r}")
    attached = [sql for kind, sql in schema if kind in ("index", "trigger")]
    columns = ", ".join(
        f'"{row[1]}"' for row in connection.exec_driver_sql(f"PRAGMA table_info({table})")
    )
    aside = f"_0011_{table}"
    op.execute("PRAGMA defer_foreign_keys = ON")  # back off at commit
    op.execute(f"CREATE TABLE {aside} AS SELECT {columns} FROM {table}")
    op.execute(f"DROP TABLE {table}")  # with its indexes and triggers
    op.execute(create.replace(old, new))
    op.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {aside}")
    op.execute(f"DROP TABLE {aside}")
    for sql in attached:
        op.execute(sql)


def _change_check(old: str, new: str) -> None:
    connection = op.get_bind()
    for table in TABLES:
        if connection.dialect.name == "sqlite":
            _rebuild_sqlite(table, old, new)
        else:
            name = op.f(f"ck_{table}_sex")
            op.drop_constraint(name, table, type_="check")
            op.create_check_constraint(name, table, new)


def upgrade() -> None:
    _change_check(OLD_CHECK, NEW_CHECK)


def downgrade() -> None:
    connection = op.get_bind()
    for table in TABLES:
        found = connection.exec_driver_sql(
            f"SELECT count(*) FROM {table} WHERE sex = 'U'"
        ).scalar_one()
        if found:
            raise SexNotRecordedInUse(
                f"{table} holds {found:,} row(s) whose sex is not recorded; the older "
                "schema cannot hold them, and their sex is not to be guessed"
            )
    _change_check(NEW_CHECK, OLD_CHECK)
