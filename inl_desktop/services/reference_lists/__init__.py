"""Edit the reference lists in the app: add, correct, retire, restore and delete codes,
and the aliases of a code (other names an import recognises: "KPK" for Khyber
Pakhtunkhwa).

Records store codes, so a code that any record uses (live or soft-deleted) is never
deleted: it is retired instead, stays valid for the records that hold it and is no
longer offered for new ones. Where each list's codes are used is derived from the
field definitions of ``domain.fields`` and the models of each record kind
(``usage``), and from the links between lists declared in ``LIST_SPECS`` (``specs``).
"""

from inl_desktop.services.reference_lists.checks import normalise_code, parse_aliases
from inl_desktop.services.reference_lists.editing import (
    LOG_KIND,
    CodeInUse,
    add_item,
    code_usage,
    delete_item,
    list_items,
    set_retired,
    update_item,
)
from inl_desktop.services.reference_lists.specs import (
    AGENCY_KINDS,
    CODE_PATTERN,
    LIST_SPECS,
    UNIT_KINDS,
    AttributeSpec,
    ListSpec,
    ReferenceEntry,
    UnknownList,
    editable_lists,
    list_spec,
)

__all__ = [
    "AGENCY_KINDS",
    "CODE_PATTERN",
    "LIST_SPECS",
    "LOG_KIND",
    "UNIT_KINDS",
    "AttributeSpec",
    "CodeInUse",
    "ListSpec",
    "ReferenceEntry",
    "UnknownList",
    "add_item",
    "code_usage",
    "delete_item",
    "editable_lists",
    "list_items",
    "list_spec",
    "normalise_code",
    "parse_aliases",
    "set_retired",
    "update_item",
]
