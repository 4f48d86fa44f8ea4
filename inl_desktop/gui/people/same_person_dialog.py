"""The dialog that asks whether a new person is one already recorded."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import PersonDraft
from inl_desktop.domain.fields import SEX
from inl_desktop.gui.common.candidates import RepeatQuestion

OPEN, ADD = "open", "add"


class SamePersonDialog(RepeatQuestion):
    """Lists the stored persons a new one may repeat; ``decision()`` after exec:
    ("open", uuid), ("add", None) or ("cancel", None)."""

    COLUMNS = ("Name (as on ID)", "Sex", "Agency", "Rank", "Province", "National ID")

    def __init__(
        self, matches: Sequence[PersonDraft], catalog: Catalog, parent: QWidget | None = None
    ) -> None:
        sexes = dict(SEX)
        super().__init__(
            parent,
            intro="The directory already has a person with the same national ID (dashes "
            "ignored), or with the same name in the same agency. Open the existing record "
            "instead of adding the same officer twice?",
            table_name="Persons already recorded",
            headers=self.COLUMNS,
            candidates=[
                (
                    match.uuid,
                    (
                        match.full_name or "",
                        sexes.get(match.sex or "", ""),
                        catalog.label("agencies", match.agency),
                        match.rank or "",
                        catalog.label("provinces", match.province),
                        match.national_id or "",
                    ),
                )
                for match in matches
            ],
            take=(OPEN, "&Open existing"),
            anyway=(ADD, "&Add anyway"),
        )
        self.setWindowTitle("This person may already be recorded")
        self.open_button, self.add_button = self.take_button, self.anyway_button
        self.table.doubleClicked.connect(self._on_take_button_clicked)
        self.resize(720, 260)
