"""The seizure form's plumbing per field: its form file, districts, and the shared helpers.

Which widget edits which field is said by the widget's dynamic property "field" in
ui/seizure_form.ui; what the field is (label, type, list) comes from domain.fields.
Reading, writing, mnemonics and invalid marks are shared with the other record
forms (gui.common.record_form).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from inl_desktop.domain.catalog import Catalog
from inl_desktop.gui.common import record_form
from inl_desktop.gui.common.history_view import HistoryView
from inl_desktop.gui.seizures.seizure_items import ItemsGrid


def load_ui(name: str, parent: QWidget) -> QWidget:
    """Build ``ui/<name>.ui`` with the seizure form's own widgets where it promotes them."""
    return record_form.load_ui(name, parent, (ItemsGrid, HistoryView))


def districts_of(
    catalog: Catalog, province: str | None, keep: str | None = None
) -> list[tuple[str, str]]:
    """The live districts of ``province`` (all provinces for None), and ``keep`` if retired."""
    parents = catalog.parents.get("districts", {})
    retired = catalog.retired.get("districts", frozenset())
    return [
        (code, label)
        for code, label in catalog.codes.get("districts", {}).items()
        if (province is None or parents.get(code) == province)
        and (code not in retired or code == keep)
    ]
