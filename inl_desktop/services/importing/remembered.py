"""Spellings a post mapped once, remembered for its next import.

When an import maps a text of the file to a code ("Excise Deptt." -> EXCISE_PB), the
spelling is kept for the list (by its ``spelling_key``), and the next import suggests
the same code for it: the catalog carries the remembered spellings
(``Catalog.remembered``) and ``spellings.suggest_code`` prefers them to every other
match. Mapping the same spelling to another code later replaces it. A spelling whose
code has been retired, or deleted, is not suggested.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from inl_desktop.domain.roles import Permission
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.spellings import code_lookup, spelling_key
from inl_desktop.services.importing.targets import ImportKind, targets_of
from inl_desktop.store.models import ImportSpelling, ReferenceItem

TEXT_LIMIT = 200


def remember_spellings(
    session: Session, ctx: AppContext, list_name: str, spellings: Mapping[str, str]
) -> int:
    """Remember {text of a file: code} for a reference list, in the caller's
    transaction; return how many spellings were stored or changed.

    Left out: texts with no letters or digits, or too long; codes the list does not
    hold; and, unless it replaces a remembered one, a spelling the list names as that
    code already (its label, an alias, initials), so an accepted suggestion is not
    stored twice. The context's catalog is dropped when the transaction commits, so the
    next import sees the spellings.
    """
    known = set(
        session.scalars(select(ReferenceItem.code).where(ReferenceItem.list_name == list_name))
    )
    wanted: dict[str, tuple[str, str]] = {}
    for text, code in spellings.items():
        text = " ".join(str(text).split())
        key = spelling_key(text)
        if key and code in known and len(text) <= TEXT_LIMIT and len(key) <= TEXT_LIMIT:
            wanted[key] = (text, code)
    if not wanted:
        return 0
    stored = {
        row.spelling: row
        for row in session.scalars(
            select(ImportSpelling).where(
                ImportSpelling.list_name == list_name, ImportSpelling.spelling.in_(list(wanted))
            )
        )
    }
    named = code_lookup(ctx.catalog(), list_name, {})
    now, changed = ctx.now(), 0
    for key, (text, code) in wanted.items():
        row = stored.get(key)
        if row is None:
            if named.get(key) == code:
                continue
            session.add(
                ImportSpelling(
                    list_name=list_name,
                    spelling=key,
                    text=text,
                    code=code,
                    remembered_at=now,
                    remembered_by=ctx.user,
                )
            )
        elif (row.code, row.text) != (code, text):
            row.code, row.text = code, text
            row.remembered_at, row.remembered_by = now, ctx.user
        else:
            continue
        changed += 1
    _forget_catalog_on_commit(session, ctx)
    return changed


def remember_mapping_values(
    session: Session,
    ctx: AppContext,
    kind: ImportKind | str,
    values: Mapping[str, Mapping[str, str]],
) -> int:
    """Remember the ``values`` of an import mapping ({field: {text: code}}) under the
    reference list of each field (agency and joint agencies both under agencies);
    fields without a list (sex, status) are passed over. Returns how many spellings
    were stored or changed."""
    targets = targets_of(ImportKind(kind))
    by_list: dict[str, dict[str, str]] = {}
    for field, texts in values.items():
        target = targets.get(field)
        if target is None or target.reference_list is None:
            continue
        by_list.setdefault(target.reference_list, {}).update(texts)
    return sum(
        remember_spellings(session, ctx, list_name, texts) for list_name, texts in by_list.items()
    )


def remembered_spellings(ctx: AppContext) -> dict[str, dict[str, str]]:
    """Every remembered spelling: {list name: {spelling key: code}} (retired codes
    included; ``suggest_code`` passes over them)."""
    remembered: dict[str, dict[str, str]] = {}
    with ctx.sessions() as session:
        rows = session.execute(
            select(ImportSpelling.list_name, ImportSpelling.spelling, ImportSpelling.code)
        )
        for list_name, key, code in rows:
            remembered.setdefault(list_name, {})[key] = code
    return remembered


def forget_spelling(ctx: AppContext, list_name: str, text: str) -> bool:
    """Forget a remembered spelling (a text, or its key); whether there was one."""
    ctx.require(Permission.IMPORT)
    with ctx.sessions.begin() as session:
        result = session.execute(
            delete(ImportSpelling).where(
                ImportSpelling.list_name == list_name,
                ImportSpelling.spelling == spelling_key(text),
            )
        )
        forgotten = bool(getattr(result, "rowcount", 0))
    ctx.forget_cached()
    return forgotten


def _forget_catalog_on_commit(session: Session, ctx: AppContext) -> None:
    """Drop the context's cached catalog once the spellings are committed (not before:
    a catalog read in between would miss them and be kept)."""

    def forget(_session: Session) -> None:
        ctx.forget_cached()

    event.listen(session, "after_commit", forget, once=True)
