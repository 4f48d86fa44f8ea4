"""Summary tables kept by triggers: the sums a report over many years reads instead of
every row (models ``SeizureTotal``, ``TraineeTotal``, ``TraineePerson``, ``TraineeAlike``).

- ``seizure_totals``: items' kg-equivalent summed by year and by month, and by the
  columns the reports and the dashboard filter and group by.
- ``trainee_totals``: completed roster enrollments counted by month, post, audience,
  sex and venue.
- ``trainee_people``: per person with completed training, its first and last session
  start, the set of its audience categories and whether any was abroad.
- ``trainee_alike``: how many of those persons share a sex, a set of audience
  categories, training abroad or not, and a post.

Each table changes with the rows it sums, inside the same statement, whoever writes
them (the forms, an import, a merge, a migration). A bulk load drops the triggers and
calls ``rebuild_summaries`` once at the end (see ``store.bulk``).
"""

from __future__ import annotations

from sqlalchemy import Connection

TRIGGER_PREFIX = "summary_"

# The key of an item's seizure_totals rows, from the item row ``{row}`` (NEW or OLD):
# its year's row ({span} "year", {length} 4) and its month's ("month", 7).
_SEIZURE_KEY = (
    ("live", "{row}.live"),
    ("span", "'{span}'"),
    ("period", "coalesce(substr({row}.event_start, 1, {length}), '')"),
    ("basis", "coalesce({row}.basis, '')"),
    ("status", "coalesce({row}.status, '')"),
    ("post", "coalesce((SELECT post_code FROM seizure_events WHERE id = {row}.event_id), '')"),
    ("agency", "coalesce({row}.agency, '')"),
    ("drug", "{row}.drug"),
    ("province", "coalesce({row}.province, '')"),
)
_SEIZURE_KEY_COLUMNS = ", ".join(column for column, _ in _SEIZURE_KEY)


def _positions(key: tuple[tuple[str, str], ...]) -> str:
    """GROUP BY the key's result columns by position (a name could mean the raw column)."""
    return ", ".join(str(n) for n in range(1, len(key) + 1))


_SPANS = (("year", 4), ("month", 7))
_SEIZURE_UPSERT = (
    f"ON CONFLICT ({_SEIZURE_KEY_COLUMNS}) DO UPDATE SET mg = mg + excluded.mg, "
    "items = items + excluded.items, with_kg = with_kg + excluded.with_kg"
)


def _seizure_key(row: str, span: str, length: int, post: str | None = None) -> list[str]:
    return [
        f"{post} AS post"
        if post is not None and column == "post"
        else f"{expression.format(row=row, span=span, length=length)} AS {column}"
        for column, expression in _SEIZURE_KEY
    ]


def _seizure_add(row: str, sign: str) -> list[str]:
    """Add (sign "+") or take away (sign "-") item ``row``'s kg-equivalent."""
    return [
        f"INSERT INTO seizure_totals ({_SEIZURE_KEY_COLUMNS}, mg, items, with_kg) "
        f"SELECT {', '.join(_seizure_key(row, span, length))}, "
        f"{sign}coalesce({row}.kg_equivalent_mg, 0), {sign}1, "
        f"{sign}({row}.kg_equivalent_mg IS NOT NULL) WHERE true {_SEIZURE_UPSERT}"
        for span, length in _SPANS
    ]


def _seizures_summed(source: str, post: str | None = None, sign: str = "") -> list[str]:
    """SELECTs of the year and month sums of the items ``source`` names (signed)."""
    return [
        f"SELECT {', '.join(_seizure_key('i', span, length, post))}, "
        f"{sign}coalesce(sum(i.kg_equivalent_mg), 0), {sign}count(*), "
        f"{sign}count(i.kg_equivalent_mg) {source} GROUP BY {_positions(_SEIZURE_KEY)}"
        for span, length in _SPANS
    ]


def _event_items_add(event: str, post: str, sign: str) -> list[str]:
    """Add or take away every item of an event under the given post."""
    return [
        f"INSERT INTO seizure_totals ({_SEIZURE_KEY_COLUMNS}, mg, items, with_kg) "
        f"{select} {_SEIZURE_UPSERT}"
        for select in _seizures_summed(
            f"FROM seizure_items i WHERE i.event_id = {event}.id", post, sign
        )
    ]


_ITEM_COLUMNS = (
    "event_id, live, event_start, basis, status, agency, drug, province, kg_equivalent_mg"
)

# Completed roster enrollments of a live session and a live person, as the reports count.
_COUNTED = (
    "{row}.completion = 'completed' AND {row}.session_live = 1 AND {row}.person_live = 1 "
    "AND {row}.session_mode = 'roster'"
)
_TRAINEE_KEY = (
    ("month", "coalesce(substr({row}.session_start, 1, 7), '')"),
    ("post", "coalesce({row}.session_post, '')"),
    ("audience", "coalesce({row}.audience, '')"),
    ("sex", "coalesce({row}.person_sex, '')"),
    ("venue", "coalesce({row}.session_venue, '')"),
)
_TRAINEE_KEY_COLUMNS = ", ".join(column for column, _ in _TRAINEE_KEY)
_ENROLLMENT_COLUMNS = (
    "completion, audience, person_id, session_start, session_post, session_live, "
    "session_mode, session_venue, person_sex, person_live"
)


def _trainee_add(row: str, sign: str) -> str:
    key = ", ".join(expression.format(row=row) for _, expression in _TRAINEE_KEY)
    return (
        f"INSERT INTO trainee_totals ({_TRAINEE_KEY_COLUMNS}, trainings) "
        f"SELECT {key}, {sign}1 WHERE {_COUNTED.format(row=row)} "
        f"ON CONFLICT ({_TRAINEE_KEY_COLUMNS}) "
        "DO UPDATE SET trainings = trainings + excluded.trainings"
    )


# The venue type of training inside the country; every other venue is abroad.
IN_COUNTRY = "IN_COUNTRY"

# Each person's trainee_people row from its enrollments ({where} selects them): the
# audience categories sorted, so people trained alike share one text.
_PERSON_ROW = (
    "SELECT e.person_id, coalesce(max(e.person_sex), ''), "
    "CASE WHEN count(DISTINCT coalesce(e.session_post, '')) = 1 "
    "THEN coalesce(max(e.session_post), '') END, "
    "min(e.session_start), max(e.session_start), "
    "(SELECT group_concat(a, ',') FROM (SELECT DISTINCT coalesce(x.audience, '') AS a "
    "FROM enrollments x WHERE x.person_id = e.person_id AND "
    + _COUNTED.format(row="x")
    + " ORDER BY 1)), "
    f"max(coalesce(e.session_venue, '') NOT IN ('', '{IN_COUNTRY}')) "
    "FROM enrollments e WHERE {where} AND " + _COUNTED.format(row="e") + " GROUP BY e.person_id"
)
_PERSON_COLUMNS = "person_id, sex, post, first_start, last_start, audiences, abroad"


_ALIKE = (
    "INSERT INTO trainee_alike (sex, audiences, abroad, post, persons) "
    "SELECT p.sex, p.audiences, p.abroad, coalesce(p.post, ''), {persons} "
    "FROM trainee_people p WHERE {where} {group} "
    "ON CONFLICT (sex, audiences, abroad, post) "
    "DO UPDATE SET persons = persons + excluded.persons"
)


def _person_refresh(person: str, also: str = "") -> list[str]:
    """One person's trainee_people row made again, and trainee_alike with it; ``also``
    is a further condition (" AND ...") every statement must meet to do anything."""
    return [
        _ALIKE.format(persons="-1", where=f"p.person_id = {person}{also}", group=""),
        f"DELETE FROM trainee_people WHERE person_id = {person}{also}",
        f"INSERT INTO trainee_people ({_PERSON_COLUMNS}) "
        + _PERSON_ROW.format(where=f"e.person_id = {person}{also}"),
        _ALIKE.format(persons="1", where=f"p.person_id = {person}{also}", group=""),
    ]


def _trigger(name: str, when: str, statements: list[str]) -> str:
    body = "; ".join(statements)
    return f"CREATE TRIGGER {TRIGGER_PREFIX}{name} {when} BEGIN {body}; END"


TRIGGERS = (
    _trigger("item_insert", "AFTER INSERT ON seizure_items", _seizure_add("new", "+")),
    _trigger("item_delete", "AFTER DELETE ON seizure_items", _seizure_add("old", "-")),
    _trigger(
        "item_update",
        f"AFTER UPDATE OF {_ITEM_COLUMNS} ON seizure_items",
        [*_seizure_add("old", "-"), *_seizure_add("new", "+")],
    ),
    # An event's items go first, while the event still names their post.
    _trigger(
        "event_delete",
        "BEFORE DELETE ON seizure_events",
        ["DELETE FROM seizure_items WHERE event_id = old.id"],
    ),
    _trigger(
        "event_post",
        "AFTER UPDATE OF post_code ON seizure_events WHEN old.post_code IS NOT new.post_code",
        [
            *_event_items_add("new", "coalesce(old.post_code, '')", "-"),
            *_event_items_add("new", "coalesce(new.post_code, '')", "+"),
        ],
    ),
    _trigger(
        "enrollment_insert",
        "AFTER INSERT ON enrollments",
        [_trainee_add("new", "+"), *_person_refresh("new.person_id")],
    ),
    _trigger(
        "enrollment_delete",
        "AFTER DELETE ON enrollments",
        [_trainee_add("old", "-"), *_person_refresh("old.person_id")],
    ),
    _trigger(
        "enrollment_update",
        f"AFTER UPDATE OF {_ENROLLMENT_COLUMNS} ON enrollments",
        [
            _trainee_add("old", "-"),
            _trainee_add("new", "+"),
            *_person_refresh("old.person_id"),
            # A second person only when the enrollment moved to another one.
            *_person_refresh("new.person_id", " AND new.person_id IS NOT old.person_id"),
        ],
    ),
)

_REBUILD = (
    "DELETE FROM seizure_totals",
    *(
        f"INSERT INTO seizure_totals ({_SEIZURE_KEY_COLUMNS}, mg, items, with_kg) {select}"
        for select in _seizures_summed(
            "FROM seizure_items i JOIN seizure_events e ON e.id = i.event_id",
            "coalesce(e.post_code, '')",
        )
    ),
    "DELETE FROM trainee_totals",
    f"INSERT INTO trainee_totals ({_TRAINEE_KEY_COLUMNS}, trainings) SELECT "
    + ", ".join(f"{expression.format(row='e')} AS {c}" for c, expression in _TRAINEE_KEY)
    + f", count(*) FROM enrollments e WHERE {_COUNTED.format(row='e')} "
    f"GROUP BY {_positions(_TRAINEE_KEY)}",
    "DELETE FROM trainee_people",
    f"INSERT INTO trainee_people ({_PERSON_COLUMNS}) " + _PERSON_ROW.format(where="1"),
    "DELETE FROM trainee_alike",
    _ALIKE.format(persons="count(*)", where="true", group="GROUP BY 1, 2, 3, 4"),
)


def create_triggers(connection: Connection) -> None:
    """Create the triggers that keep the summary tables."""
    for trigger in TRIGGERS:
        connection.exec_driver_sql(trigger)


def rebuild_summaries(connection: Connection) -> None:
    """Every summary table summed afresh from its rows."""
    for statement in _REBUILD:
        connection.exec_driver_sql(statement)
