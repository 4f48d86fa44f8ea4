"""``inl-desktop key`` and ``inl-desktop hq``: a post hands its public key to HQ, HQ
registers it once, and the consolidation report says what the transition let in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from inl_desktop.cli import main
from inl_desktop.exchange import format as fmt
from inl_desktop.exchange import signing
from inl_desktop.services.context import AppContext
from inl_desktop.services.seizures import save_seizure
from tests.services.service_builders import heroin_and_tablets

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def last_json(out: str) -> Any:
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def post_db(ctx: AppContext, db_path: Path) -> Path:
    """Islamabad's database with one seizure, closed."""
    save_seizure(ctx, heroin_and_tablets())
    ctx.engine.dispose()
    return db_path


@pytest.fixture
def hq_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "hq.sqlite"
    setup = ("setup", "--db", str(path), "--post", "PK-HQ", "--country", "PK", "--name", "HQ")
    assert run(capsys, *setup)[0] == EXIT_OK
    return path


def unsigned_export(post_db: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An export with its signature rows taken out (as from a version before signing)."""
    assert run(capsys, "export", "--db", str(post_db), "--out", str(out))[0] == EXIT_OK
    book = load_workbook(out)
    about = book[fmt.ABOUT]
    for row in reversed(range(1, about.max_row + 1)):
        if about.cell(row, 1).value in signing.SIGNATURE_ROWS:
            about.delete_rows(row)
    book.save(out)
    return out


def test_a_post_key_file_is_written_and_registered_once(
    post_db: Path, hq_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "PK-ISB.pub"
    workbook = tmp_path / "isb.xlsx"
    assert run(capsys, "export", "--db", str(post_db), "--out", str(workbook))[0] == EXIT_OK

    code, out, _ = run(capsys, "key", "--db", str(post_db), "--out", str(key_file), "--json")
    fingerprint = last_json(out)["fingerprint"]
    printed = run(capsys, "key", "--db", str(post_db))[1]
    added = run(capsys, "hq", "add-post", str(key_file), "--db", str(hq_db))
    again = run(capsys, "hq", "add-post", str(key_file), "--db", str(hq_db))
    merged = run(capsys, "consolidate", str(workbook), "--into", str(hq_db), "--json")
    listed = run(capsys, "hq", "keys", "--db", str(hq_db), "--json")

    assert code == EXIT_OK and f"fingerprint {fingerprint}" in out
    assert printed == key_file.read_text(encoding="utf-8")
    assert signing.read_public_key_text(printed).fingerprint == fingerprint
    assert added[:2] == (EXIT_OK, f"Registered key {fingerprint} for PK-ISB.\n")
    assert again[1] == f"The key {fingerprint} of PK-ISB was already registered.\n"
    assert merged[0] == EXIT_OK
    assert last_json(merged[1])["files"][0]["signature"] == "verified"
    keys = last_json(listed[1])
    assert [(k["post"], k["fingerprint"], k["replaced_at"]) for k in keys["keys"]] == [
        ("PK-ISB", fingerprint, None)
    ]
    assert keys["unsigned_accepted"] == []


def test_another_key_for_the_same_post_needs_replace(
    post_db: Path, hq_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first.pub", tmp_path / "second.pub"
    assert run(capsys, "key", "--db", str(post_db), "--out", str(first))[0] == EXIT_OK
    other = signing.public_key_of(signing.new_private_key())
    second.write_text(signing.public_key_text("PK-ISB", other), encoding="utf-8")
    assert run(capsys, "hq", "add-post", str(first), "--db", str(hq_db))[0] == EXIT_OK

    code, _, err = run(capsys, "hq", "add-post", str(second), "--db", str(hq_db))
    replaced = run(capsys, "hq", "add-post", str(second), "--replace", "--db", str(hq_db))

    assert code == EXIT_FAILED
    assert "HQ already holds key" in err and "--replace" in err
    assert len(err.strip().splitlines()) == 1
    assert replaced[0] == EXIT_OK
    assert (
        f"Registered key {signing.fingerprint(other)} for PK-ISB; it replaces key" in (replaced[1])
    )


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        ("date,drug\n2019-01-01,heroin\n", EXIT_FAILED, "is not an INL Desktop post key file"),
        (None, EXIT_USAGE, "no such file"),
    ],
    ids=["not-a-key", "missing"],
)
def test_a_bad_key_file_is_refused_with_one_line(
    hq_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    code: int,
    message: str,
) -> None:
    path = tmp_path / "key.pub"
    if content is not None:
        path.write_text(content, encoding="utf-8")

    exit_code, _, err = run(capsys, "hq", "add-post", str(path), "--db", str(hq_db))

    assert exit_code == code
    assert message in err and len(err.strip().splitlines()) == 1


def test_the_report_says_what_the_transition_let_in(
    post_db: Path, hq_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = unsigned_export(post_db, tmp_path / "isb.xlsx", capsys)
    consolidate = ("consolidate", str(workbook), "--into", str(hq_db), "--json")

    refused = run(capsys, *consolidate)
    allowed = run(capsys, "hq", "allow-unsigned", "PK-ISB", "--db", str(hq_db))
    accepted = run(capsys, *consolidate)
    required = run(capsys, "hq", "require-signed", "PK-ISB", "--db", str(hq_db))
    refused_again = run(capsys, *consolidate)

    assert refused[0] == EXIT_FAILED and "refused: isb.xlsx is not signed" in refused[1]
    assert allowed[0] == EXIT_OK and "accepted from: PK-ISB." in allowed[1]
    assert accepted[0] == EXIT_OK
    note = "accepted unsigned from PK-ISB under the transition setting"
    assert f"\n  {note}\n" in accepted[1]
    assert last_json(accepted[1])["files"][0]["signature_note"] == note
    assert required[0] == EXIT_OK and "accepted from: no post." in required[1]
    assert refused_again[0] == EXIT_FAILED


def test_setup_names_the_key_and_how_to_give_it_to_hq(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "khi.sqlite"

    code, out, _ = run(capsys, "setup", "--db", str(db), "--post", "PK-KHI", "--country", "PK")
    key = run(capsys, "key", "--db", str(db), "--json")[1]

    assert code == EXIT_OK
    assert f"(key {last_json(key)['fingerprint']})" in out
    assert "inl-desktop key --out PK-KHI.pub" in out
