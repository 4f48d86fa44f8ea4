"""The History tab's reading: a record's change log as plain values, oldest first."""

from __future__ import annotations

from service_builders import ayesha

from inl_desktop.services.context import AppContext
from inl_desktop.services.history import LogEntry, record_history
from inl_desktop.services.persons import load_person, save_person


def test_a_changed_field_shows_its_old_and_new_value_after_the_creation(
    ctx: AppContext,
) -> None:
    saved = save_person(ctx, ayesha())
    draft = load_person(ctx, saved.uuid)
    draft.rank = "Inspector"
    save_person(ctx, draft)

    entries = record_history(ctx, saved.uuid)

    assert all(isinstance(entry, LogEntry) for entry in entries)
    assert entries[0].action == "create"
    assert (entries[-1].field, entries[-1].old_value, entries[-1].new_value) == (
        "rank",
        "Sub-Inspector",
        "Inspector",
    )
    assert {entry.changed_by for entry in entries} == {"clerk"}
