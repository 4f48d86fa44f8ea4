"""A record's history: every change, oldest first, with who made it."""

from __future__ import annotations

from datetime import UTC

from service_builders import ayesha, bilal

from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import load_person, save_person, set_person_deleted
from inl_desktop.services.records import history


def test_history_lists_changes_oldest_first_by_the_user(ctx: AppContext) -> None:
    saved = save_person(ctx, ayesha())
    save_person(ctx, bilal())  # another record's history stays apart
    draft = load_person(ctx, saved.uuid)
    draft.rank = "Inspector"
    save_person(ctx, draft)
    set_person_deleted(ctx, saved.uuid, True)

    entries = history(ctx, saved.uuid)

    assert {entry.record_uuid for entry in entries} == {saved.uuid}
    assert {entry.changed_by for entry in entries} == {"clerk"}
    assert {entry.record_kind for entry in entries} == {"person"}
    revisions = [entry.revision for entry in entries]
    assert revisions == sorted(revisions)
    assert revisions[0] == 1 and revisions[-1] == 3
    assert entries[0].action == "create"
    assert [(e.action, e.field, e.old_value, e.new_value) for e in entries if e.revision > 1] == [
        ("update", "rank", "Sub-Inspector", "Inspector"),
        ("delete", "deleted", None, "yes"),
    ]
    times = [entry.changed_at for entry in entries]
    assert times == sorted(times)
    assert times[0] < times[-1]
    assert all(time.tzinfo is UTC for time in times)


def test_saving_without_changes_still_leaves_a_trace(ctx: AppContext) -> None:
    saved = save_person(ctx, ayesha())

    resaved = save_person(ctx, load_person(ctx, saved.uuid))

    last = history(ctx, saved.uuid)[-1]
    assert resaved.revision == 2
    assert (last.revision, last.action, last.field) == (2, "update", None)


def test_an_unknown_record_has_no_history(ctx: AppContext) -> None:
    assert history(ctx, "00000000-0000-4000-8000-000000000000") == []
