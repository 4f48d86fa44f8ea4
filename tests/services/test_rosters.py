"""A session's roster: new persons saved with the session in one transaction, people
found and pasted rows matched against the directory."""

from __future__ import annotations

import pytest
from service_builders import (
    all_counts,
    ayesha,
    bilal,
    count,
    log_entries,
    roster_training,
    rows,
    save_two_persons,
)

from inl_desktop.domain.drafts import EnrollmentDraft, PersonDraft
from inl_desktop.domain.errors import RecordNotFound, StaleRevision, ValidationFailed
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import save_person, set_person_deleted
from inl_desktop.services.records import new_uuid
from inl_desktop.services.rosters import (
    load_session,
    match_people,
    person_names,
    save_session_with_roster,
    search_directory,
)
from inl_desktop.services.trainings import load_training, save_training


def sana(**overrides: object) -> PersonDraft:
    """A woman investigator of the ANF, not in the directory yet (a UUID minted for her)."""
    draft = PersonDraft(
        full_name="Sana Malik",
        sex="F",
        agency="ANF",
        rank="Inspector",
        national_id="35202-1111111-2",
        status="final",
        uuid=new_uuid(),
    )
    for name, value in overrides.items():
        setattr(draft, name, value)
    return draft


def test_new_persons_are_created_with_the_session_that_enrols_them(ctx: AppContext) -> None:
    ayesha_uuid, _ = save_two_persons(ctx)
    new = sana()
    draft = roster_training([ayesha_uuid, new.uuid or ""])

    saved = save_session_with_roster(ctx, draft, [new])

    assert rows(
        ctx,
        "SELECT p.full_name, p.national_id_key, e.audience FROM enrollments e "
        "JOIN persons p ON p.id = e.person_id ORDER BY e.position",
    ) == [("Ayesha Khan", "6110112345672", "PROSECUTOR"), ("Sana Malik", "3520211111112", "JUDGE")]
    assert [e.action for e in log_entries(ctx, new.uuid or "")] == ["create"] * 6
    assert {e.field for e in log_entries(ctx, new.uuid or "")} >= {"full_name", "national_id"}
    assert load_training(ctx, saved.uuid).revision == 1


def test_a_refused_session_creates_none_of_its_persons(ctx: AppContext) -> None:
    ayesha_uuid, _ = save_two_persons(ctx)
    before = all_counts(ctx)
    new = sana(sex=None)
    draft = roster_training([ayesha_uuid, new.uuid or ""])
    draft.enrollments[0].post_score = 140  # type: ignore[assignment]

    with pytest.raises(ValidationFailed) as refused:
        save_session_with_roster(ctx, draft, [new])

    assert sorted((e.row, e.field) for e in refused.value.errors) == [
        (0, "post_score"),
        (1, "sex"),
    ]
    assert all_counts(ctx) == before


def test_a_new_person_repeating_a_participant_is_refused(ctx: AppContext) -> None:
    first, second = sana(), sana(full_name="Sana  MALIK", national_id="3520211111112")
    draft = roster_training([first.uuid or "", second.uuid or ""])

    with pytest.raises(ValidationFailed) as refused:
        save_session_with_roster(ctx, draft, [first, second])

    assert [str(e) for e in refused.value.errors] == ["Row 2: Sana  MALIK is participant 1 already"]
    assert count(ctx, "persons") == 0


def test_a_stale_session_is_refused_and_its_new_persons_are_not_created(
    ctx: AppContext,
) -> None:
    ayesha_uuid, bilal_uuid = save_two_persons(ctx)
    saved = save_training(ctx, roster_training([ayesha_uuid]))
    mine = load_training(ctx, saved.uuid)
    elsewhere = load_training(ctx, saved.uuid)
    elsewhere.enrollments.append(EnrollmentDraft(person_uuid=bilal_uuid, audience="JUDGE"))
    save_training(ctx, elsewhere)
    new = sana()
    mine.enrollments.append(EnrollmentDraft(person_uuid=new.uuid, audience="INVESTIGATOR"))

    with pytest.raises(StaleRevision):
        save_session_with_roster(ctx, mine, [new])

    assert count(ctx, "persons") == 2


def test_a_new_person_must_be_enrolled(ctx: AppContext) -> None:
    with pytest.raises(ValueError, match="must be enrolled"):
        save_session_with_roster(ctx, roster_training([]), [sana()])


def test_a_session_opens_with_its_participants(ctx: AppContext) -> None:
    ayesha_uuid, bilal_uuid = save_two_persons(ctx)
    saved = save_training(ctx, roster_training([bilal_uuid, ayesha_uuid]))

    loaded = load_session(ctx, saved.uuid)

    assert [e.person_uuid for e in loaded.draft.enrollments] == [bilal_uuid, ayesha_uuid]
    assert {uuid: p.full_name for uuid, p in loaded.people.items()} == {
        ayesha_uuid: "Ayesha Khan",
        bilal_uuid: "Bilal Ahmed",
    }
    assert loaded.people[ayesha_uuid].national_id == "61101-1234567-2"
    with pytest.raises(RecordNotFound):
        load_session(ctx, "nope")


def test_the_directory_is_searched_by_name_or_national_id_without_the_deleted(
    ctx: AppContext,
) -> None:
    ayesha_uuid, bilal_uuid = save_two_persons(ctx)
    save_session_with_roster(ctx, roster_training([ayesha_uuid]))

    by_name = search_directory(ctx, "khan")
    by_id = search_directory(ctx, "7654321")
    set_person_deleted(ctx, bilal_uuid, True)

    assert [(m.person.full_name, m.trainings) for m in by_name] == [("Ayesha Khan", 1)]
    assert [m.person.uuid for m in by_id] == [bilal_uuid]
    assert search_directory(ctx, "7654321") == []


def test_pasted_people_are_matched_by_national_id_or_by_name_and_agency(
    ctx: AppContext,
) -> None:
    ayesha_uuid, bilal_uuid = save_two_persons(ctx)
    no_id = save_person(ctx, sana(national_id=None, agency="PCG", uuid=None)).uuid
    pasted = [
        PersonDraft(full_name="Ayesha K.", sex="F", national_id="6110112345672"),
        PersonDraft(full_name="bilal  ahmed", sex="M", agency="PROSECUTION_PB"),
        PersonDraft(
            full_name="Bilal Ahmed", sex="M", agency="PROSECUTION_PB", national_id="35202-0000000-1"
        ),
        PersonDraft(full_name="Sana Malik", sex="F", agency="PCG", national_id="35202-1111111-2"),
        PersonDraft(full_name="Omar Farooq", sex="M", agency="ANF"),
    ]

    matches = match_people(ctx, pasted)

    assert [m.existing.uuid if m.existing else None for m in matches] == [
        ayesha_uuid,
        bilal_uuid,
        None,  # another CNIC: another Bilal Ahmed
        no_id,
        None,
    ]
    assert matches[2].note is not None and "35202-7654321-3" in matches[2].note
    assert [m.note for m in matches if m is not matches[2]] == [None] * 4


def test_names_of_persons_are_found_by_uuid(ctx: AppContext) -> None:
    ayesha_uuid = save_person(ctx, ayesha()).uuid
    bilal_uuid = save_person(ctx, bilal()).uuid

    assert person_names(ctx, [ayesha_uuid, bilal_uuid, "nope"]) == {
        ayesha_uuid: "Ayesha Khan",
        bilal_uuid: "Bilal Ahmed",
    }
    assert person_names(ctx, []) == {}
