"""Merging two records of the same officer: enrollments move, nothing is lost or doubled."""

from __future__ import annotations

import pytest
from service_builders import (
    all_counts,
    ayesha,
    bilal,
    changed_fields,
    log_entries,
    roster_training,
    rows,
    scalar,
)

from inl_desktop.domain.drafts import EnrollmentDraft
from inl_desktop.domain.errors import StaleRevision, UserError, ValidationFailed
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import (
    load_person,
    merge_persons,
    save_person,
    set_person_deleted,
)
from inl_desktop.services.trainings import load_training, save_training


def session_of(ctx: AppContext, title: str, enrolled: dict[str, str | None]) -> str:
    """Save a roster session; ``enrolled`` maps person UUIDs to their completion."""
    draft = roster_training([], title=title)
    draft.enrollments = [
        EnrollmentDraft(person_uuid=uuid, audience="PROSECUTOR", completion=completion)
        for uuid, completion in enrolled.items()
    ]
    return save_training(ctx, draft).uuid


def enrollments_of(ctx: AppContext, person_uuid: str) -> list[tuple[object, ...]]:
    """(session title, completion) of a person's enrollments, by title."""
    return rows(
        ctx,
        "SELECT s.title, e.completion FROM enrollments e "
        "JOIN persons p ON p.id = e.person_id JOIN training_sessions s ON s.id = e.session_id "
        "WHERE p.uuid = ? ORDER BY s.title",
        person_uuid,
    )


@pytest.fixture
def twice(ctx: AppContext) -> tuple[str, str]:
    """Ayesha recorded twice: once with her CNIC, once with a typo in her name and no CNIC."""
    first = save_person(ctx, ayesha()).uuid
    second = save_person(
        ctx, ayesha(full_name="Aysha Khan", national_id=None, phone="0300-1112223")
    )
    return first, second.uuid


def test_every_enrollment_moves_to_the_kept_person(ctx: AppContext, twice: tuple[str, str]) -> None:
    kept, merged = twice
    other = save_person(ctx, bilal()).uuid
    session_of(ctx, "A course", {kept: "completed", other: "completed"})
    session_of(ctx, "B course", {merged: "completed"})
    session_of(ctx, "C course", {merged: "partial", other: "no_show"})
    session_of(ctx, "D course", {merged: None})
    enrollments_before = scalar(ctx, "SELECT count(*) FROM enrollments")

    saved = merge_persons(ctx, kept, merged, None)

    assert saved.revision == 2
    assert enrollments_of(ctx, kept) == [
        ("A course", "completed"),
        ("B course", "completed"),
        ("C course", "partial"),
        ("D course", None),
    ]
    assert enrollments_of(ctx, merged) == []
    assert enrollments_of(ctx, other) == [("A course", "completed"), ("C course", "no_show")]
    assert scalar(ctx, "SELECT count(*) FROM enrollments") == enrollments_before == 6


def test_the_merged_person_is_deleted_and_points_to_the_kept_one(
    ctx: AppContext, twice: tuple[str, str]
) -> None:
    kept, merged = twice
    session_of(ctx, "B course", {merged: "completed"})

    merge_persons(ctx, kept, merged, None)

    assert scalar(ctx, "SELECT deleted_by FROM persons WHERE uuid = ?", merged) == "clerk"
    assert scalar(ctx, "SELECT revision FROM persons WHERE uuid = ?", merged) == 2
    assert changed_fields(ctx, merged, 2) == {("deleted", None, "yes"), ("merged_into", None, kept)}
    assert {e.action for e in log_entries(ctx, merged, 2)} == {"delete"}
    kept_log = changed_fields(ctx, kept, 2)
    assert ("merged_from", None, merged) in kept_log
    assert ("enrollments_moved", None, "1") in kept_log
    assert {e.action for e in log_entries(ctx, kept, 2)} == {"merge"}


def test_a_session_whose_roster_changed_gets_a_new_revision_and_a_log_entry(
    ctx: AppContext, twice: tuple[str, str]
) -> None:
    kept, merged = twice
    other = save_person(ctx, bilal()).uuid
    course = session_of(ctx, "B course", {other: "completed", merged: "completed"})

    merge_persons(ctx, kept, merged, None)

    assert [e.person_uuid for e in load_training(ctx, course).enrollments] == [other, kept]
    assert load_training(ctx, course).revision == 2
    assert changed_fields(ctx, course, 2) == {("enrollments[2].person", merged, kept)}


def test_in_the_same_session_the_better_completion_is_kept_and_the_log_says_so(
    ctx: AppContext, twice: tuple[str, str]
) -> None:
    kept, merged = twice
    both = session_of(ctx, "Shared course", {kept: "partial", merged: "completed"})
    tie = session_of(ctx, "Tied course", {merged: "no_show", kept: "no_show"})

    merge_persons(ctx, kept, merged, None)

    assert enrollments_of(ctx, kept) == [("Shared course", "completed"), ("Tied course", "no_show")]
    assert scalar(ctx, "SELECT count(*) FROM enrollments") == 2
    shared = load_training(ctx, both)
    assert [(e.person_uuid, e.completion) for e in shared.enrollments] == [(kept, "completed")]
    # The tie keeps the kept person's own enrollment (the second row of that roster).
    assert [e.person_uuid for e in load_training(ctx, tie).enrollments] == [kept]
    assert changed_fields(ctx, both, 2) == {
        ("enrollments[1].person", kept, None),
        ("enrollments[1].audience", "PROSECUTOR", None),
        ("enrollments[1].completion", "partial", None),
        ("enrollments[2].person", merged, kept),
    }
    notes = {e.new for e in log_entries(ctx, kept, 2) if (e.field or "").startswith("duplicate")}
    assert any(
        "Shared course" in str(note)
        and "kept the enrollment with completion Completed" in str(note)
        and "removed the one with completion Partial" in str(note)
        for note in notes
    )
    assert len(notes) == 2


def test_field_values_can_be_taken_from_the_merged_record(
    ctx: AppContext, twice: tuple[str, str]
) -> None:
    kept, merged = twice
    values = load_person(ctx, kept)
    values.phone = load_person(ctx, merged).phone

    merge_persons(ctx, kept, merged, values)

    stored = load_person(ctx, kept)
    assert (stored.full_name, stored.national_id, stored.phone) == (
        "Ayesha Khan",
        "61101-1234567-2",
        "0300-1112223",
    )
    assert ("phone", None, "0300-1112223") in changed_fields(ctx, kept, 2)


@pytest.mark.parametrize(
    "refusal",
    ["self", "kept deleted", "merged deleted", "invalid values", "stale values", "unknown"],
)
def test_a_merge_that_cannot_be_done_changes_nothing(
    ctx: AppContext, twice: tuple[str, str], refusal: str
) -> None:
    kept, merged = twice
    session_of(ctx, "B course", {merged: "completed"})
    values = None
    if refusal == "kept deleted":
        set_person_deleted(ctx, kept, True)
    elif refusal == "merged deleted":
        set_person_deleted(ctx, merged, True)
    elif refusal == "invalid values":
        values = load_person(ctx, kept)
        values.national_id = "61101-12345"
    elif refusal == "stale values":
        values = load_person(ctx, kept)
        save_person(ctx, ayesha(uuid=kept, revision=1, rank="Inspector"))
    before = all_counts(ctx)
    expected: type[UserError] = {
        "invalid values": ValidationFailed,
        "stale values": StaleRevision,
    }.get(refusal, UserError)

    with pytest.raises(expected) as refused:
        if refusal == "self":
            merge_persons(ctx, kept, kept, None)
        elif refusal == "unknown":
            merge_persons(ctx, kept, "no-such-person", None)
        else:
            merge_persons(ctx, kept, merged, values)

    if refusal == "self":
        assert "themself" in str(refused.value)
    if refusal.endswith("deleted"):
        assert "deleted" in str(refused.value)
    assert all_counts(ctx) == before
    assert enrollments_of(ctx, merged) == [("B course", "completed")]
