"""A record's change log as a read-only table: when, who, action, field, old, new."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.fields import SEIZURE_EVENT, SEIZURE_ITEM, FieldDef, FieldType, RecordDef

COLUMNS = ("When", "Who", "Action", "Field", "Old value", "New value")
ACTIONS = {"create": "Created", "update": "Changed", "delete": "Deleted", "restore": "Restored"}
# Log keys that are not fields of the form.
EXTRA_LABELS = {"same_as_uuid": "Same seizure as", "deleted": "Deleted"}
_PART_KEY = re.compile(r"(?P<part>\w+)\[(?P<row>\d+)\]\.(?P<field>\w+)")


# A record's parts as logged ("items[2].quantity"): the part's name in the log, what a
# row is called, and its fields.
PartTitles = Mapping[str, tuple[str, RecordDef]]
# A logged part field that names another record (its UUID is the value).
REFERENCE_FIELDS = {"person": "Person"}


class LoggedChange(Protocol):
    """What the view shows of a logged change (``services.history.LogEntry`` has it)."""

    @property
    def action(self) -> str: ...
    @property
    def field(self) -> str | None: ...
    @property
    def old_value(self) -> str | None: ...
    @property
    def new_value(self) -> str | None: ...
    @property
    def changed_at(self) -> datetime: ...
    @property
    def changed_by(self) -> str: ...


def field_title(
    key: str | None,
    record: RecordDef = SEIZURE_EVENT,
    part: RecordDef = SEIZURE_ITEM,
    parts: PartTitles | None = None,
) -> str:
    """The label of a logged field: "Seizing agency", "Item 2: Quantity".

    ``parts`` names the rows of each part ("enrollments": ("Participant", ENROLLMENT));
    without it every part is an "Item" of ``part``.
    """
    if key is None:
        return ""
    match = _PART_KEY.fullmatch(key)
    if match is not None:
        title, definition = ("Item", part)
        if parts is not None:
            title, definition = parts.get(match["part"], (match["part"], part))
        try:
            label = definition[match["field"]].label
        except KeyError:
            label = REFERENCE_FIELDS.get(match["field"], match["field"])
        return f"{title} {match['row']}: {label}"
    if key in EXTRA_LABELS:
        return EXTRA_LABELS[key]
    try:
        return record[key].label
    except KeyError:
        return key


def _field_def(
    key: str | None, record: RecordDef, part: RecordDef, parts: PartTitles | None = None
) -> FieldDef | None:
    if key is None:
        return None
    match = _PART_KEY.fullmatch(key)
    if match is not None and parts is not None:
        part = parts.get(match["part"], ("", part))[1]
    try:
        return part[match["field"]] if match is not None else record[key]
    except KeyError:
        return None


def shown_value(field: FieldDef | None, value: str | None, catalog: Catalog) -> str:
    """A logged value as the user knows it: labels for codes and choices."""
    if not value or field is None:
        return value or ""
    if field.type is FieldType.CHOICE:
        return field.choice_label(value)
    if field.reference_list is None:
        return value
    if field.type is FieldType.CODES:
        return ", ".join(
            catalog.label(field.reference_list, code.strip()) for code in value.split(",")
        )
    return catalog.label(field.reference_list, value)


class HistoryView(QTableWidget):
    """The change log of the record open in a form (empty for a new record)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        for column in range(len(COLUMNS) - 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)

    def show_entries(
        self,
        entries: Sequence[LoggedChange],
        catalog: Catalog,
        record: RecordDef = SEIZURE_EVENT,
        part: RecordDef = SEIZURE_ITEM,
        *,
        parts: PartTitles | None = None,
        names: Mapping[str, str] | None = None,
    ) -> None:
        """Show ``entries`` (oldest first), times in the computer's time zone.

        ``parts`` as for ``field_title``; ``names`` turns the UUIDs logged for
        references (an enrollment's person) into names.
        """
        self.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            field = _field_def(entry.field, record, part, parts)
            values = [
                shown_value(field, value, catalog) for value in (entry.old_value, entry.new_value)
            ]
            if names and entry.field and entry.field.rsplit(".", 1)[-1] in REFERENCE_FIELDS:
                values = [names.get(value, value) for value in values]
            cells = (
                entry.changed_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                entry.changed_by,
                ACTIONS.get(entry.action, entry.action),
                field_title(entry.field, record, part, parts),
                *values,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.setItem(row, column, item)

    def clear_entries(self) -> None:
        """No history (a record not saved yet)."""
        self.setRowCount(0)
