"""Recording training sessions with a roster of persons or with counts by sex."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from service_builders import (
    all_counts,
    changed_fields,
    count,
    counts_training,
    log_entries,
    roster_training,
    rows,
    save_two_persons,
    scalar,
)

from inl_desktop.domain.drafts import AttendanceCountDraft, EnrollmentDraft
from inl_desktop.domain.errors import StaleRevision, ValidationFailed
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import set_person_deleted
from inl_desktop.services.trainings import (
    load_training,
    save_training,
    set_training_deleted,
)


def test_a_roster_session_enrolls_two_persons(ctx: AppContext) -> None:
    ayesha, bilal = save_two_persons(ctx)

    saved = save_training(ctx, roster_training([ayesha, bilal]))

    stored = load_training(ctx, saved.uuid)
    assert saved.revision == 1
    assert [(e.person_uuid, e.audience, e.completion) for e in stored.enrollments] == [
        (ayesha, "PROSECUTOR", "completed"),
        (bilal, "JUDGE", "completed"),
    ]
    assert stored.cost_instruction == Decimal("89600.10")
    assert stored.contact_hours == Decimal("30")
    assert count(ctx, "enrollments") == 2


def test_a_counts_session_keeps_women_and_men_apart(ctx: AppContext) -> None:
    saved = save_training(ctx, counts_training())

    stored = load_training(ctx, saved.uuid)
    assert [(c.audience, c.sex, c.enrolled, c.completed) for c in stored.counts] == [
        ("POLICE_OFFICER", "F", 12, 11),
        ("POLICE_OFFICER", "M", 30, 28),
    ]
    assert stored.enrollments == []
    assert rows(
        ctx, "SELECT sex, sum(completed) FROM attendance_counts GROUP BY sex ORDER BY sex"
    ) == [("F", 11), ("M", 28)]


def test_removing_an_enrollment_deletes_it_and_logs_it(ctx: AppContext) -> None:
    ayesha, bilal = save_two_persons(ctx)
    saved = save_training(ctx, roster_training([ayesha, bilal]))
    draft = load_training(ctx, saved.uuid)
    del draft.enrollments[1]

    updated = save_training(ctx, draft)

    assert updated.revision == 2
    assert [e.person_uuid for e in load_training(ctx, saved.uuid).enrollments] == [ayesha]
    assert count(ctx, "enrollments") == 1
    assert count(ctx, "persons") == 2  # the person stays in the directory
    assert changed_fields(ctx, saved.uuid, 2) == {
        ("enrollments[2].person", bilal, None),
        ("enrollments[2].audience", "JUDGE", None),
        ("enrollments[2].completion", "completed", None),
    }


def test_an_unknown_participant_is_refused_with_a_message(ctx: AppContext) -> None:
    ayesha, _ = save_two_persons(ctx)
    stranger = "00000000-0000-4000-8000-000000000000"
    before = all_counts(ctx)

    with pytest.raises(ValidationFailed) as refused:
        save_training(ctx, roster_training([ayesha, stranger]))

    assert [(e.field, e.row) for e in refused.value.errors] == [("person_uuid", 1)]
    assert f"Participant {stranger} is not in the directory" in str(refused.value)
    assert all_counts(ctx) == before


def test_a_deleted_person_cannot_be_enrolled(ctx: AppContext) -> None:
    ayesha, bilal = save_two_persons(ctx)
    set_person_deleted(ctx, bilal, True)
    before = all_counts(ctx)

    with pytest.raises(ValidationFailed, match="was deleted from the directory"):
        save_training(ctx, roster_training([ayesha, bilal]))
    assert all_counts(ctx) == before


def test_enrolling_the_same_person_twice_is_refused(ctx: AppContext) -> None:
    ayesha, _ = save_two_persons(ctx)
    before = all_counts(ctx)

    with pytest.raises(ValidationFailed) as refused:
        save_training(ctx, roster_training([ayesha, ayesha]))

    assert "Row 2: The same person is enrolled twice" in str(refused.value)
    assert all_counts(ctx) == before


def test_more_completed_than_enrolled_is_refused(ctx: AppContext) -> None:
    draft = counts_training(
        counts=[
            AttendanceCountDraft(audience="JUDGE", sex="F", enrolled=3, completed=4),
        ]
    )

    with pytest.raises(ValidationFailed, match="Completed is more than Enrolled"):
        save_training(ctx, draft)
    assert count(ctx, "training_sessions") == 0


def test_a_completed_session_cannot_end_in_the_future(ctx: AppContext) -> None:
    draft = counts_training(start_date=date(2026, 6, 1), end_date=date(2026, 12, 31))

    with pytest.raises(ValidationFailed) as refused:
        save_training(ctx, draft)
    assert [e.field for e in refused.value.errors] == ["end_date"]


def test_a_stale_edit_is_refused_and_changes_nothing(ctx: AppContext) -> None:
    saved = save_training(ctx, counts_training())
    first, second = load_training(ctx, saved.uuid), load_training(ctx, saved.uuid)
    first.title = "Gender-responsive policing (Islamabad)"
    save_training(ctx, first)

    second.location = "Lahore"
    with pytest.raises(StaleRevision):
        save_training(ctx, second)

    stored = load_training(ctx, saved.uuid)
    assert (stored.revision, stored.location) == (2, "Islamabad")


def test_deleting_a_session_keeps_it_as_a_tombstone(ctx: AppContext) -> None:
    ayesha, bilal = save_two_persons(ctx)
    saved = save_training(ctx, roster_training([ayesha, bilal]))

    deleted = set_training_deleted(ctx, saved.uuid, True, revision=1)

    assert deleted.revision == 2
    assert (
        scalar(ctx, "SELECT deleted_by FROM training_sessions WHERE uuid = ?", saved.uuid)
        == "clerk"
    )
    assert [e.action for e in log_entries(ctx, saved.uuid, 2)] == ["delete"]
    # The roster goes with the session (and comes back with it on restore).
    assert count(ctx, "enrollments") == 2
    set_training_deleted(ctx, saved.uuid, False)
    assert len(load_training(ctx, saved.uuid).enrollments) == 2


def test_re_entering_a_count_row_replaces_it(ctx: AppContext) -> None:
    saved = save_training(ctx, counts_training())
    draft = load_training(ctx, saved.uuid)
    # The women's row is cleared and typed in again: a new row for the same slot.
    draft.counts[0] = AttendanceCountDraft(
        audience="POLICE_OFFICER", sex="F", enrolled=12, completed=12
    )

    save_training(ctx, draft)

    stored = load_training(ctx, saved.uuid)
    assert [(c.sex, c.enrolled, c.completed) for c in stored.counts] == [
        ("F", 12, 12),
        ("M", 30, 28),
    ]


def test_removing_and_adding_back_a_participant_in_one_edit(ctx: AppContext) -> None:
    ayesha, bilal = save_two_persons(ctx)
    saved = save_training(ctx, roster_training([ayesha, bilal]))
    draft = load_training(ctx, saved.uuid)
    # Bilal's row is removed and Bilal is picked again from the directory.
    draft.enrollments[1] = EnrollmentDraft(person_uuid=bilal, audience="PROSECUTOR")

    save_training(ctx, draft)

    stored = load_training(ctx, saved.uuid)
    assert [(e.person_uuid, e.audience) for e in stored.enrollments] == [
        (ayesha, "PROSECUTOR"),
        (bilal, "PROSECUTOR"),
    ]
