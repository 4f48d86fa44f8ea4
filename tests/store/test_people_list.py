"""The people directory's queries: search, filters, the deleted view, sorting, counts."""

from __future__ import annotations

from datetime import date

import pytest

from inl_desktop.domain.drafts import EnrollmentDraft, PersonDraft, TrainingDraft
from inl_desktop.services.context import AppContext
from inl_desktop.services.persons import save_person, set_person_deleted
from inl_desktop.services.trainings import save_training, set_training_deleted
from inl_desktop.store.people_list import (
    PAGE_SIZE,
    PeopleFilter,
    count_people,
    fetch_people_page,
    fetch_person_trainings,
    search_people,
    search_query,
)

PEOPLE = {
    # key: (name, sex, agency, unit, province, national ID as typed)
    "ayesha": ("Ayesha Khan", "F", "ICT_POLICE", "Women Police", "PK-IS", "61101-1234567-2"),
    "bilal": ("Bilal Ahmed", "M", "PROSECUTION_PB", None, "PK-PB", "3520276543213"),
    "nadia": ("Nadia Khanum", "F", "ANF", "Regional Directorate North", "PK-KP", None),
    "zahid": ("Zahid Khan Afridi", "M", "ANF", "Regional Directorate North", "PK-KP", None),
}  # fmt: skip


@pytest.fixture
def people(ctx: AppContext) -> dict[str, str]:
    """Four persons with known values; their UUIDs by key."""
    uuids = {}
    for key, (name, sex, agency, unit, province, national_id) in PEOPLE.items():
        draft = PersonDraft(
            full_name=name,
            sex=sex,
            agency=agency,
            unit=unit,
            province=province,
            national_id=national_id,
        )
        uuids[key] = save_person(ctx, draft).uuid
    return uuids


def names(ctx: AppContext, filter_: PeopleFilter, **options: object) -> list[str]:
    with ctx.engine.connect() as connection:
        return [
            row["full_name"]
            for row in fetch_people_page(connection, filter_, **options)  # type: ignore[arg-type]
        ]


def found(ctx: AppContext, text: str) -> set[str]:
    return set(names(ctx, PeopleFilter(text=text)))


def count(ctx: AppContext, filter_: PeopleFilter) -> int:
    with ctx.engine.connect() as connection:
        return count_people(connection, filter_)


def test_the_list_is_sorted_by_name(ctx: AppContext, people: dict[str, str]) -> None:
    assert names(ctx, PeopleFilter()) == [
        "Ayesha Khan",
        "Bilal Ahmed",
        "Nadia Khanum",
        "Zahid Khan Afridi",
    ]
    assert names(ctx, PeopleFilter(), descending=True)[0] == "Zahid Khan Afridi"
    assert count(ctx, PeopleFilter()) == 4


def test_any_part_of_a_name_finds_the_person(ctx: AppContext, people: dict[str, str]) -> None:
    assert found(ctx, "khan") == {"Ayesha Khan", "Nadia Khanum", "Zahid Khan Afridi"}
    assert found(ctx, "Khan afri") == {"Zahid Khan Afridi"}
    assert found(ctx, "esha") == {"Ayesha Khan"}
    assert found(ctx, "Directorate") == {"Nadia Khanum", "Zahid Khan Afridi"}  # the unit
    assert count(ctx, PeopleFilter(text="khan")) == 3


@pytest.mark.parametrize(
    "typed",
    ["61101-1234567-2", "6110112345672", "61101 1234567", "1234567", "61101-12"],
)
def test_a_cnic_typed_with_dashes_finds_one_stored_with_them(
    ctx: AppContext, people: dict[str, str], typed: str
) -> None:
    assert found(ctx, typed) == {"Ayesha Khan"}


@pytest.mark.parametrize("typed", ["35202-7654321-3", "3520276543213", "7654321-3", "35202"])
def test_a_cnic_typed_either_way_finds_one_stored_without_dashes(
    ctx: AppContext, people: dict[str, str], typed: str
) -> None:
    assert found(ctx, typed) == {"Bilal Ahmed"}


def test_short_words_narrow_only_what_a_longer_word_found(
    ctx: AppContext, people: dict[str, str]
) -> None:
    assert search_query("Kh") is None
    assert found(ctx, "Kh") == set(name for name, *_ in PEOPLE.values())
    assert found(ctx, "Khan Z") == {"Zahid Khan Afridi"}
    assert found(ctx, "Ayesha Kh") == {"Ayesha Khan"}
    assert found(ctx, "Ayesha Kz") == set()
    assert found(ctx, "Khan 10%") == set()  # LIKE wildcards are taken literally
    assert found(ctx, 'Khan "quoted') == set()  # quotes are safe, nothing matches


def test_filters_by_agency_sex_and_province(ctx: AppContext, people: dict[str, str]) -> None:
    assert names(ctx, PeopleFilter(agency="ANF")) == ["Nadia Khanum", "Zahid Khan Afridi"]
    assert names(ctx, PeopleFilter(sex="F")) == ["Ayesha Khan", "Nadia Khanum"]
    assert names(ctx, PeopleFilter(province="PK-PB")) == ["Bilal Ahmed"]
    both = PeopleFilter(agency="ANF", sex="F", text="khan")
    assert names(ctx, both) == ["Nadia Khanum"]
    assert count(ctx, both) == 1
    assert count(ctx, PeopleFilter(sex="M")) == 2


def test_deleted_persons_show_only_in_the_deleted_view(
    ctx: AppContext, people: dict[str, str]
) -> None:
    set_person_deleted(ctx, people["bilal"], True)

    assert "Bilal Ahmed" not in names(ctx, PeopleFilter())
    assert found(ctx, "Bilal") == set()
    assert names(ctx, PeopleFilter(deleted=True)) == ["Bilal Ahmed"]
    assert count(ctx, PeopleFilter()) == 3
    assert count(ctx, PeopleFilter(deleted=True)) == 1
    with ctx.engine.connect() as connection:
        assert search_people(connection, "Bilal") == []


def test_sorting_by_each_sortable_column(ctx: AppContext, people: dict[str, str]) -> None:
    by_agency = names(ctx, PeopleFilter(), sort_key="agency")
    assert by_agency == ["Nadia Khanum", "Zahid Khan Afridi", "Ayesha Khan", "Bilal Ahmed"]
    # Persons without a national ID come first; with one, dashes do not change the order.
    by_id = names(ctx, PeopleFilter(), sort_key="national_id")
    assert by_id[2:] == ["Bilal Ahmed", "Ayesha Khan"]
    assert names(ctx, PeopleFilter(), sort_key="sex")[:2] == ["Ayesha Khan", "Nadia Khanum"]
    # Trainings cannot be sorted on (it would count every enrollment): the name order stays.
    assert names(ctx, PeopleFilter(), sort_key="trainings") == names(ctx, PeopleFilter())


def test_pages_follow_each_other_without_gaps(ctx: AppContext) -> None:
    for n in range(PAGE_SIZE + 5):
        save_person(ctx, PersonDraft(full_name=f"Officer {n:03d}", sex="M"))
    with ctx.engine.connect() as connection:
        first = fetch_people_page(connection, PeopleFilter())
        second = fetch_people_page(connection, PeopleFilter(), offset=PAGE_SIZE)
    assert len(first) == PAGE_SIZE
    assert [row["full_name"] for row in first + second] == [
        f"Officer {n:03d}" for n in range(PAGE_SIZE + 5)
    ]


def course(ctx: AppContext, title: str, start: date, enrolled: list[str]) -> str:
    draft = TrainingDraft(
        title=title,
        topic="EFFECTIVE_PROSECUTIONS",
        venue_type="IN_COUNTRY",
        start_date=start,
        end_date=start,
        training_status="completed",
        enrollments=[
            EnrollmentDraft(person_uuid=uuid, audience="PROSECUTOR", completion="completed")
            for uuid in enrolled
        ],
    )
    return save_training(ctx, draft).uuid


def test_trainings_are_counted_and_listed_without_deleted_sessions(
    ctx: AppContext, people: dict[str, str]
) -> None:
    ayesha, bilal = people["ayesha"], people["bilal"]
    course(ctx, "Evidence handling", date(2025, 3, 1), [ayesha, bilal])
    course(ctx, "Case management", date(2026, 1, 10), [ayesha])
    cancelled = course(ctx, "Dropped course", date(2026, 2, 1), [ayesha])
    set_training_deleted(ctx, cancelled, True)

    with ctx.engine.connect() as connection:
        trainings = {
            row["full_name"]: row["trainings"]
            for row in fetch_people_page(connection, PeopleFilter())
        }
        history = fetch_person_trainings(connection, ayesha)
    assert trainings == {
        "Ayesha Khan": 2,
        "Bilal Ahmed": 1,
        "Nadia Khanum": 0,
        "Zahid Khan Afridi": 0,
    }
    assert [(t.title, t.start_date, t.audience, t.completion) for t in history] == [
        ("Case management", date(2026, 1, 10), "PROSECUTOR", "completed"),
        ("Evidence handling", date(2025, 3, 1), "PROSECUTOR", "completed"),
    ]
