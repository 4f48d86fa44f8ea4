"""Personal data at rest: the database, its backups and full exports cannot be read
without a password; users sign in with their own, and none of them changes the key."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from protected_workbooks import WORKBOOK_PASSWORD, readable_copy
from scripted_opening import ScriptedAnswers
from service_builders import ayesha, heroin_and_tablets, roster_training

from inl_desktop.domain.roles import NotAllowed, Role
from inl_desktop.exchange.protection import WorkbookPasswordNeeded
from inl_desktop.services import users
from inl_desktop.services.backups import back_up_now, backup_summaries, restore_in_place
from inl_desktop.services.consolidate import consolidate
from inl_desktop.services.context import AppContext
from inl_desktop.services.export import ExportRequest, export_workbook
from inl_desktop.services.opening import OpenedDatabase, Purpose, open_database_for
from inl_desktop.services.persons import save_person
from inl_desktop.services.seizures import save_seizure
from inl_desktop.services.trainings import save_training
from inl_desktop.services.users import Credentials, WrongPassword
from inl_desktop.store.cipher import KEYRING, KeyFile, keys_path
from inl_desktop.store.migrate import open_database
from tests.conftest import Clock

ADMIN = Credentials("Amina Qureshi", "correct horse battery")
NAME, NATIONAL_ID = "Zarghuna Afridi", "61101-7654321-8"


def secrets_in(path: Path) -> list[str]:
    """Which of the demo person's name and ID the raw bytes of ``path`` (and its WAL) hold."""
    data = b"".join(
        p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    )
    return [text for text in (NAME, NATIONAL_ID) if text.encode() in data]


def plain_sqlite_reads(path: Path) -> str:
    """What the standard SQLite library says when asked for the tables of ``path``."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        connection.close()
    return "read"


@pytest.fixture
def post(db_path: Path, clock: Clock) -> Path:
    """A plain post database holding one trainee with a name and national ID."""
    ctx = AppContext(open_database(db_path, now=clock), user="clerk", now=clock)
    person = save_person(ctx, ayesha(full_name=NAME, national_id=NATIONAL_ID)).uuid
    save_training(ctx, roster_training([person]))
    save_seizure(ctx, heroin_and_tablets())
    back_up_now(db_path, clock())  # a plain backup from before users existed
    ctx.engine.dispose()
    assert secrets_in(db_path) or secrets_in(next((db_path.parent / "backups").iterdir()))
    return db_path


@pytest.fixture
def opened() -> Iterator[list[OpenedDatabase]]:
    databases: list[OpenedDatabase] = []
    yield databases
    for database in databases:
        database.close()


def open_as(path: Path, clock: Clock, *answers: Credentials) -> OpenedDatabase:
    database = open_database_for(
        path, Purpose("test", safeguards=False), ScriptedAnswers(signs_in=list(answers)), clock
    )
    assert database is not None
    return database


def test_encrypting_leaves_no_name_or_id_readable_in_the_database_or_its_backups(
    post: Path, clock: Clock
) -> None:
    recovery_key = users.encrypt_database(post, ADMIN, clock)

    assert len(recovery_key.replace("-", "")) == 32
    assert plain_sqlite_reads(post) == "file is not a database"
    assert secrets_in(post) == []
    backups = sorted((post.parent / "backups").glob("*.sqlite"))
    assert backups and all(plain_sqlite_reads(b) == "file is not a database" for b in backups)
    assert all(secrets_in(b) == [] for b in backups)
    # The plain copy made before encrypting is gone; every backup has its key file.
    assert [p.name for p in (post.parent / "backups").iterdir() if p.name.startswith(".")] == []
    assert all(keys_path(b).is_file() for b in backups)


def test_the_admin_signs_in_and_the_change_log_names_them(
    post: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    users.encrypt_database(post, ADMIN, clock)
    KEYRING.forget(KeyFile.read(keys_path(post)).database_id)
    wrong = Credentials(ADMIN.name, "not the password")
    answers = ScriptedAnswers(signs_in=[wrong, wrong, ADMIN])

    database = open_database_for(post, Purpose("test", safeguards=False), answers, clock)

    assert database is not None
    opened.append(database)
    assert [a.split(" as ")[0] for a in answers.asked] == [
        "sign in (0 wrong)",
        "sign in (1 wrong)",
        "sign in (2 wrong)",
    ]
    ctx = database.ctx
    assert (ctx.user, ctx.role) == ("Amina Qureshi", Role.ADMIN)
    saved = save_seizure(ctx, heroin_and_tablets(place="Chaman"))
    with ctx.engine.connect() as connection:
        authors = connection.exec_driver_sql(
            "SELECT DISTINCT changed_by FROM change_log WHERE record_uuid = ?", (saved.uuid,)
        ).all()
    assert authors == [("Amina Qureshi",)]


def test_no_answer_to_the_sign_in_opens_nothing(post: Path, clock: Clock) -> None:
    users.encrypt_database(post, ADMIN, clock)
    answers = ScriptedAnswers(signs_in=[])

    assert open_database_for(post, Purpose("test", safeguards=False), answers, clock) is None


def test_users_are_added_disabled_and_reset_without_changing_the_database_key(
    post: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    recovery_key = users.encrypt_database(post, ADMIN, clock)
    key_before = KeyFile.read(keys_path(post)).unlock_with_recovery_key(recovery_key)
    admin = open_as(post, clock, ADMIN)
    opened.append(admin)

    users.add_user(admin.ctx, Credentials("Bilal", "clerk password 1"), Role.CLERK)
    assert users.user_names(post) == ["Amina Qureshi", "Bilal"]  # as the admin wrote them
    clerk = open_as(post, clock, Credentials("bilal", "clerk password 1"))  # any case
    opened.append(clerk)
    assert (clerk.ctx.user, clerk.ctx.role) == ("Bilal", Role.CLERK)
    with pytest.raises(NotAllowed, match="Bilal is a clerk and may not add, disable"):
        users.add_user(clerk.ctx, Credentials("Eve", "sneaky password"), Role.ADMIN)

    users.reset_password(admin.ctx, "Bilal", "new clerk password")
    with pytest.raises(WrongPassword):
        users.sign_in(post, Credentials("Bilal", "clerk password 1"))
    users.sign_in(post, Credentials("Bilal", "new clerk password"))

    users.change_own_password(admin.ctx, ADMIN.password, "a better passphrase")
    with pytest.raises(WrongPassword):
        users.change_own_password(admin.ctx, "guessed wrong", "whatever else")

    users.disable_user(admin.ctx, "Bilal")
    with pytest.raises(WrongPassword):
        users.sign_in(post, Credentials("Bilal", "new clerk password"))
    assert [(u.name, u.role, u.disabled) for u in users.list_users(admin.ctx)] == [
        ("Amina Qureshi", Role.ADMIN, False),
        ("Bilal", Role.CLERK, True),
    ]
    with pytest.raises(users.UserProblem, match="cannot disable yourself"):
        users.disable_user(admin.ctx, ADMIN.name)

    key_after = KeyFile.read(keys_path(post)).unlock_with_recovery_key(recovery_key)
    assert key_after == key_before


def test_the_recovery_key_gives_a_locked_out_admin_a_new_password(post: Path, clock: Clock) -> None:
    recovery_key = users.encrypt_database(post, ADMIN, clock)

    with pytest.raises(WrongPassword, match="recovery key does not open"):
        users.reset_with_recovery_key(post, "AAAA-" * 7 + "AAAA", ADMIN.name, "forgotten no more")
    users.reset_with_recovery_key(
        post, recovery_key.lower().replace("-", " "), ADMIN.name, "forgotten no more"
    )

    users.sign_in(post, Credentials(ADMIN.name, "forgotten no more"))
    with pytest.raises(WrongPassword):
        users.sign_in(post, ADMIN)


def test_a_short_password_is_refused_naming_the_rule(post: Path, clock: Clock) -> None:
    with pytest.raises(users.UserProblem, match="at least 8 characters"):
        users.encrypt_database(post, Credentials("Amina", "short"), clock)
    assert plain_sqlite_reads(post) == "read"  # nothing was changed


def test_backups_are_encrypted_and_restore_needs_the_key_of_their_day(
    post: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    users.encrypt_database(post, ADMIN, clock)
    admin = open_as(post, clock, ADMIN)
    opened.append(admin)
    backup = back_up_now(post, clock())
    save_seizure(admin.ctx, heroin_and_tablets(place="Gwadar"))

    assert plain_sqlite_reads(backup) == "file is not a database" and secrets_in(backup) == []
    assert keys_path(backup).is_file()
    summary = next(s for s in backup_summaries(post) if s.backup.path == backup)
    assert summary.problem is None and summary.counts["seizure_events"] == 1

    restore_in_place(admin.ctx, post, backup)
    with admin.ctx.engine.connect() as connection:
        places = connection.exec_driver_sql("SELECT place FROM seizure_events").all()
    assert places == [("Torkham border crossing",)]


def test_a_full_export_is_password_protected_and_an_hq_export_is_not(
    post: Path, clock: Clock, tmp_path: Path
) -> None:
    ctx = AppContext(open_database(post, now=clock), user="clerk", now=clock)
    try:
        with pytest.raises(WorkbookPasswordNeeded, match="at least 8 characters"):
            export_workbook(ctx, ExportRequest(tmp_path / "full.xlsx", profile="full"))
        full = export_workbook(
            ctx, ExportRequest(tmp_path / "full.xlsx", profile="full", password=WORKBOOK_PASSWORD)
        ).file
        hq = export_workbook(ctx, ExportRequest(tmp_path / "hq.xlsx")).file
    finally:
        ctx.engine.dispose()

    assert not zipfile.is_zipfile(full) and zipfile.is_zipfile(hq)
    assert secrets_in(full) == []
    with zipfile.ZipFile(readable_copy(full)) as plain:
        assert any(NAME.encode() in plain.read(name) for name in plain.namelist())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_hq_consolidates_a_protected_export_only_with_its_password(
    post: Path, clock: Clock, tmp_path: Path, template_db: Path
) -> None:
    from service_builders import open_post

    ctx = AppContext(open_database(post, now=clock), user="clerk", now=clock)
    request = ExportRequest(tmp_path / "full.xlsx", profile="full", password=WORKBOOK_PASSWORD)
    full = export_workbook(ctx, request).file
    ctx.engine.dispose()
    hq = open_post(tmp_path, template_db, "PK-HQ", clock)
    from inl_desktop.services.post_keys import accept_unsigned

    accept_unsigned(hq, "PK-ISB")
    try:
        refused = consolidate(hq, [full], password="not the password").files[0]
        assert refused.refusal is not None and "that password does not open it" in refused.refusal
        merged = consolidate(hq, [full], password=WORKBOOK_PASSWORD).files[0]
        assert merged.refusal is None
        with hq.engine.connect() as connection:
            names = connection.exec_driver_sql("SELECT full_name FROM persons").all()
        assert names == [(NAME,)]
    finally:
        hq.engine.dispose()


def test_the_window_asks_for_the_first_admin_of_a_plain_database_and_encrypts_it(
    post: Path, clock: Clock, opened: list[OpenedDatabase], tmp_path: Path
) -> None:
    answers = ScriptedAnswers(first_admin=ADMIN)
    window = Purpose("INL Desktop", safe_path=post)

    database = open_database_for(post, window, answers, clock)

    assert database is not None
    opened.append(database)
    assert "first admin" in answers.asked and len(answers.recovery_keys) == 1
    assert (database.ctx.user, database.ctx.role) == (ADMIN.name, Role.ADMIN)
    assert plain_sqlite_reads(post) == "file is not a database"
    assert any("encrypted" in notice for notice in database.notices)


def test_a_plain_backup_from_before_the_users_restores_over_an_encrypted_database(
    post: Path, clock: Clock, tmp_path: Path
) -> None:
    from inl_desktop.services.backups import restore_database
    from inl_desktop.store.migrate import backup_database

    plain = backup_database(post, tmp_path / "kept-on-a-stick.sqlite")
    users.encrypt_database(post, ADMIN, clock)

    restore_database(post, plain, clock())

    assert plain_sqlite_reads(post) == "read" and not keys_path(post).exists()
    users.encrypt_database(post, ADMIN, clock)  # and it can be protected again
    back = sorted((post.parent / "backups").glob("*before-restore*.sqlite"))[-1]
    restore_database(post, back, clock())
    assert plain_sqlite_reads(post) == "file is not a database" and keys_path(post).exists()


def test_an_encryption_cut_short_is_finished_at_the_next_sign_in(
    post: Path, clock: Clock, opened: list[OpenedDatabase]
) -> None:
    from inl_desktop.services.users import _encrypt_file, new_key_file  # the first half
    from inl_desktop.store.migrate import backup_database

    keys, key, _ = new_key_file(ADMIN, users.default_kdf())
    KEYRING.remember(keys.database_id, key)
    folder = post.parent / "backups"
    plain_copy = backup_database(post, folder / ".post-before-encryption-20260615T093000Z.sqlite")
    _encrypt_file(post, keys, key)  # ... and the process was killed here
    engine = open_database(post, now=clock)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO users (login, name, role, created_at, created_by) "
            "VALUES ('amina qureshi', 'Amina Qureshi', 'admin', '2026-06-15', 'x')"
        )
    engine.dispose()
    KEYRING.forget(keys.database_id)
    assert secrets_in(plain_copy) or any(secrets_in(b) for b in folder.glob("*.sqlite"))

    opened.append(open_as(post, clock, ADMIN))

    assert not plain_copy.exists()
    backups = list(folder.glob("*.sqlite"))
    assert backups and all(plain_sqlite_reads(b) == "file is not a database" for b in backups)
