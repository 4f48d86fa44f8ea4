"""The lists head a field's column with the field's label, the one the form shows.

A clerk who reads "Start date" on the form looks for "Start date" above the list.
"""

from __future__ import annotations

import pytest

from inl_desktop.domain.fields import PERSON, SEIZURE_EVENT, SEIZURE_ITEM, TRAINING, RecordDef
from inl_desktop.store import people_list, seizure_list, training_list

LISTS: dict[str, tuple[dict[str, str], tuple[RecordDef, ...]]] = {
    "seizures": ({c.key: c.label for c in seizure_list.COLUMNS}, (SEIZURE_EVENT, SEIZURE_ITEM)),
    "trainings": ({c.key: c.label for c in training_list.COLUMNS}, (TRAINING,)),
    "people": ({c.key: c.label for c in people_list.COLUMNS}, (PERSON,)),
}


@pytest.mark.parametrize("name", LISTS)
def test_a_field_column_is_headed_by_the_field_label(name: str) -> None:
    headers, records = LISTS[name]
    fields = {f.name: f.label for record in records for f in record if f.name in headers}

    assert fields  # the list shows fields
    assert {key: headers[key] for key in fields} == fields


def test_the_training_list_says_start_date_as_the_form_does() -> None:
    labels = [column.label for column in training_list.COLUMNS]

    assert labels[:2] == [TRAINING["start_date"].label, TRAINING["end_date"].label]
    assert labels[0] == "Start date"
