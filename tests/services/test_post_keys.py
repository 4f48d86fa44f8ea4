"""Signing keys end to end: posts sign their exports, HQ registers their keys once and
refuses a workbook that is unsigned, signed by a key it does not know, or changed after
signing; during a transition it accepts unsigned workbooks of the posts it lists."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from service_builders import all_counts, heroin_and_tablets, open_post, rows, scalar
from signing_helpers import register_posts, sign_again

from inl_desktop.exchange import format as fmt
from inl_desktop.exchange import signing
from inl_desktop.services.consolidate import consolidate
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.post_keys import (
    SIGNING_KEY_SETTING,
    KeyRefused,
    OtherKeyHeld,
    accept_unsigned,
    public_key_file,
    public_key_text,
    register_post_key,
    registered_keys,
    signing_key,
    unsigned_accepted,
)
from inl_desktop.services.seizures import save_seizure
from inl_desktop.services.setup import set_up_post
from inl_desktop.store.migrate import open_database


@pytest.fixture
def posts(
    tmp_path: Path, template_db: Path, clock: Callable[[], datetime]
) -> Iterator[dict[str, AppContext]]:
    """Islamabad and Lahore with a seizure each, and headquarters (no keys registered)."""
    made = {
        code: open_post(tmp_path, template_db, code, clock, person_key_secret=None)
        for code in ("PK-ISB", "PK-LHE")
    }
    made["PK-HQ"] = open_post(tmp_path, template_db, "PK-HQ", clock, person_key_secret=None)
    made["PK-HQ"].user = "analyst"
    for code in ("PK-ISB", "PK-LHE"):
        save_seizure(made[code], heroin_and_tablets())
    yield made
    for ctx in made.values():
        ctx.engine.dispose()


def export(post: AppContext, folder: Path) -> Path:
    out = folder / f"{post.post().code.lower()}.xlsx"
    export_workbook(post, ExportRequest(out))
    return out


def unsigned(path: Path) -> Path:
    """The workbook as an INL Desktop from before signing wrote it: no signature rows."""
    book = load_workbook(path)
    about = book[fmt.ABOUT]
    for row in reversed(range(1, about.max_row + 1)):
        if about.cell(row, 1).value in signing.SIGNATURE_ROWS:
            about.delete_rows(row)
    book.save(path)
    return path


def refused(hq: AppContext, path: Path, message: str) -> None:
    """Consolidating the workbook is refused with the message and changes nothing."""
    before = all_counts(hq)
    result = consolidate(hq, [path])
    [file_result] = result.files
    assert file_result.error is not None and re.search(message, file_result.error), (
        file_result.error
    )
    assert file_result.as_json()["signature"] is None
    assert all_counts(hq) == before


# -- keys at the post -------------------------------------------------------------------


def test_set_up_makes_a_key_that_stays_and_another_post_gets_its_own(
    posts: dict[str, AppContext],
) -> None:
    isb = posts["PK-ISB"]
    key = signing_key(isb)

    set_up_post(isb, "PK-ISB", "PK", "Islamabad (embassy)")  # a corrected name

    assert signing_key(isb) == key
    assert signing_key(posts["PK-LHE"]) != key  # a copy of the same template, set up anew
    assert public_key_file(isb).fingerprint == signing.fingerprint(signing.public_key_of(key))


def test_a_database_from_before_signing_gets_its_key_on_its_first_export(
    posts: dict[str, AppContext], tmp_path: Path
) -> None:
    isb = posts["PK-ISB"]
    with isb.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM app_settings WHERE key = ?", (SIGNING_KEY_SETTING,))

    workbook = export(isb, tmp_path)

    assert scalar(isb, "SELECT count(*) FROM app_settings WHERE key = ?", SIGNING_KEY_SETTING)
    register_posts(posts["PK-HQ"], isb)
    assert consolidate(posts["PK-HQ"], [workbook]).files[0].as_json()["signature"] == "verified"


# -- registering keys at HQ -------------------------------------------------------------


def test_a_key_is_registered_once_and_replaced_only_when_asked(
    posts: dict[str, AppContext], tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    hq = posts["PK-HQ"]
    first = register_post_key(hq, public_key_text(posts["PK-ISB"]), "PK-ISB.pub")
    again = register_post_key(hq, public_key_text(posts["PK-ISB"]), "PK-ISB.pub")
    # Islamabad's laptop was lost with its backups: a new database has a new key.
    new_laptop = AppContext(open_database(tmp_path / "new.sqlite", now=clock), now=clock)
    set_up_post(new_laptop, "PK-ISB", "PK")
    new_text = public_key_text(new_laptop)

    with pytest.raises(OtherKeyHeld, match=f"HQ already holds key {first.key.fingerprint}"):
        register_post_key(hq, new_text, "PK-ISB-new.pub")
    replaced = register_post_key(hq, new_text, "PK-ISB-new.pub", replace=True)

    assert (first.outcome, again.outcome, replaced.outcome) == ("added", "unchanged", "replaced")
    assert replaced.replaced == first.key.fingerprint
    assert [(k.fingerprint, k.replaced_at is not None) for k in registered_keys(hq)] == [
        (first.key.fingerprint, True),
        (replaced.key.fingerprint, False),
    ]
    assert rows(
        hq,
        "SELECT action, old_value, new_value, changed_by FROM change_log "
        "WHERE record_kind = 'post_key' AND record_uuid = 'PK-ISB' ORDER BY revision",
    ) == [
        ("register", None, first.key.fingerprint, "analyst"),
        ("replace", first.key.fingerprint, replaced.key.fingerprint, "analyst"),
    ]
    new_laptop.engine.dispose()


def test_the_key_of_a_post_outside_the_program_is_refused(posts: dict[str, AppContext]) -> None:
    text = signing.public_key_text("AF-KBL", signing.public_key_of(signing.new_private_key()))

    with pytest.raises(KeyRefused, match="AF-KBL, which is not a post of Pakistan"):
        register_post_key(posts["PK-HQ"], text, "AF-KBL.pub")
    assert registered_keys(posts["PK-HQ"]) == []


# -- checking workbooks -----------------------------------------------------------------


def test_a_signed_workbook_of_a_registered_post_is_merged_as_verified(
    posts: dict[str, AppContext], tmp_path: Path
) -> None:
    hq = posts["PK-HQ"]
    register_posts(hq, posts["PK-ISB"])

    result = consolidate(hq, [export(posts["PK-ISB"], tmp_path)])

    assert result.everything_merged
    assert result.files[0].as_json()["signature"] == "verified"
    assert result.files[0].signature is not None and result.files[0].signature.note is None
    assert scalar(hq, "SELECT count(*) FROM seizure_events") == 1


def test_an_unsigned_workbook_is_refused(posts: dict[str, AppContext], tmp_path: Path) -> None:
    register_posts(posts["PK-HQ"], posts["PK-ISB"])
    workbook = unsigned(export(posts["PK-ISB"], tmp_path))

    refused(
        posts["PK-HQ"],
        workbook,
        r"^pk-isb.xlsx is not signed .*inl-desktop hq allow-unsigned PK-ISB$",
    )


def test_a_workbook_signed_by_an_unregistered_key_is_refused(
    posts: dict[str, AppContext], tmp_path: Path
) -> None:
    hq, lhe = posts["PK-HQ"], posts["PK-LHE"]
    register_posts(hq, posts["PK-ISB"])
    fingerprint = public_key_file(lhe).fingerprint

    refused(
        hq,
        export(lhe, tmp_path),
        re.escape(
            f"pk-lhe.xlsx is signed by a key HQ has not registered for PK-LHE (key "
            f"{fingerprint}, HQ holds no key of it; add it with inl-desktop hq add-post)"
        ),
    )


def test_a_workbook_signed_with_another_posts_key_is_refused(
    posts: dict[str, AppContext], tmp_path: Path
) -> None:
    """Lahore writes a workbook that claims to be Islamabad's, signed with its own key."""
    hq, lhe = posts["PK-HQ"], posts["PK-LHE"]
    register_posts(hq, posts["PK-ISB"], lhe)
    workbook = export(lhe, tmp_path)
    book = load_workbook(workbook)
    for row in book[fmt.ABOUT].iter_rows():
        if row[0].value == "post_code":
            row[1].value = "PK-ISB"
    book.save(workbook)
    sign_again(workbook, lhe)

    refused(hq, workbook, "is signed by a key HQ has not registered for PK-ISB")


def test_a_value_changed_after_signing_is_refused_naming_the_sheet(
    posts: dict[str, AppContext], tmp_path: Path
) -> None:
    hq = posts["PK-HQ"]
    register_posts(hq, posts["PK-ISB"])
    workbook = export(posts["PK-ISB"], tmp_path)
    book = load_workbook(workbook)
    sheet = book[fmt.SEIZURES]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(2, header.index("quantity") + 1).value = 150
    book.save(workbook)

    refused(
        hq,
        workbook,
        re.escape(
            "pk-isb.xlsx is signed by PK-ISB, but a value changed after it was signed "
            "(sheet Seizures); ask PK-ISB for a new export"
        ),
    )


def test_a_workbook_signed_with_a_replaced_key_is_refused(
    posts: dict[str, AppContext], tmp_path: Path
) -> None:
    hq, isb = posts["PK-HQ"], posts["PK-ISB"]
    register_posts(hq, isb)
    old = export(isb, tmp_path)
    other = signing.public_key_of(signing.new_private_key())
    register_post_key(hq, signing.public_key_text("PK-ISB", other), "new.pub", replace=True)

    refused(hq, old, r"\(key [0-9a-f-]+, which HQ replaced on \d{4}-\d\d-\d\d; add it with")


def test_the_transition_accepts_unsigned_workbooks_of_listed_posts_only(
    posts: dict[str, AppContext], tmp_path: Path
) -> None:
    hq = posts["PK-HQ"]
    assert accept_unsigned(hq, "pk-lhe") == {"PK-LHE"}
    isb = unsigned(export(posts["PK-ISB"], tmp_path))
    lhe = unsigned(export(posts["PK-LHE"], tmp_path))

    result = consolidate(hq, [isb, lhe])

    isb_result, lhe_result = result.files
    assert isb_result.error is not None and "pk-isb.xlsx is not signed" in isb_result.error
    assert lhe_result.merged
    assert lhe_result.as_json()["signature"] == "accepted unsigned"
    assert lhe_result.as_json()["signature_note"] == (
        "accepted unsigned from PK-LHE under the transition setting"
    )
    assert rows(hq, "SELECT DISTINCT post_code FROM seizure_events") == [("PK-LHE",)]
    # The end of the transition: Lahore's unsigned workbooks are refused again.
    assert accept_unsigned(hq, "PK-LHE", accept=False) == set()
    assert unsigned_accepted(hq) == set()
    assert rows(
        hq,
        "SELECT old_value, new_value FROM change_log WHERE record_kind = 'setting' ORDER BY id",
    ) == [("", "PK-LHE"), ("PK-LHE", "")]
    refused(hq, lhe, "pk-lhe.xlsx is not signed")


def test_during_the_transition_a_signed_workbook_is_still_checked(
    posts: dict[str, AppContext], tmp_path: Path
) -> None:
    hq, lhe = posts["PK-HQ"], posts["PK-LHE"]
    accept_unsigned(hq, "PK-LHE")
    workbook = export(lhe, tmp_path)

    before_registration = consolidate(hq, [workbook]).files[0]
    register_posts(hq, lhe)
    book = load_workbook(workbook)
    book[fmt.LISTS]["B2"] = "SOMETHING_ELSE"
    book.save(workbook)

    assert before_registration.merged
    assert before_registration.signature is not None
    assert before_registration.signature.note == (
        f"accepted from PK-LHE under the transition setting: signed by key "
        f"{public_key_file(lhe).fingerprint}, which HQ has not registered"
    )
    refused(hq, workbook, r"a value changed after it was signed \(sheet Lists\)")
