"""Encryption at rest (issue 7, item 5): SQLCipher through `sqlcipher3`, a key derived once from a passphrase.

Each test works on real files: the database's bytes (and its -wal) must not hold a member's name, a wrong
passphrase must end in one clear line and exit 2 with nothing of SQLCipher's own logging on stderr, `encrypt`
must convert all or nothing, and backups of an encrypted database must be encrypted too.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from cpss_tui import cli, cli_crypto
from cpss_tui.data import backup, crypto, settings
from cpss_tui.data.db import DatabaseError
from cpss_tui.data.demo import generate
from cpss_tui.data.migrate import open_database

AS_OF = date(2026, 11, 22)
PASSPHRASE = "correct horse battery"


def _new_encrypted(path: Path, passphrase: str = PASSPHRASE) -> bytes:
    """Set up `path` as a new encrypted database (as the first run does) and return its key."""
    params = crypto.KdfParams.new()
    crypto.write_key_file(path, params)
    return crypto.derive_key(passphrase, params)


def _member_names(engine: object) -> list[str]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return [r[0] for r in conn.execute(text("SELECT name FROM member ORDER BY name"))]


@pytest.fixture
def passphrase_fd(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """`feed(text)`: the next passphrase read comes from a pipe named by CPSS_PASSPHRASE_FD (as a script would)."""
    opened: list[int] = []

    def feed(passphrase: str) -> None:
        r, w = os.pipe()
        os.write(w, (passphrase + "\n").encode())
        os.close(w)
        opened.append(r)
        monkeypatch.setenv(cli_crypto.ENV_PASSPHRASE_FD, str(r))

    yield feed
    for fd in opened:
        os.close(fd)


def test_encrypted_database_and_wal_hold_no_member_name(tmp_path: Path) -> None:
    path = tmp_path / "enc.db"
    key = _new_encrypted(path)
    engine = open_database(path, key=key).engine
    try:
        generate(engine, members=26, specialists=3, years=0.5, seed=1, as_of=AS_OF)
        names = _member_names(engine)
        assert len(names) == 26
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the engine is open: recent pages sit in the -wal
        for file in (path, wal):
            data = file.read_bytes()
            assert not data.startswith(crypto.PLAIN_HEADER)
            for name in names:
                for part in name.split():
                    assert part.encode() not in data, f"{part!r} readable in {file.name}"
        # The stdlib driver (as the sqlite3 shell would) cannot read it at all.
        plain = sqlite3.connect(path)
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            plain.execute("SELECT count(*) FROM member").fetchall()
        plain.close()
    finally:
        engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key_file = crypto.key_file_for(path)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key.hex() not in key_file.read_text()  # the salt only, never the key


def test_reopening_with_the_right_passphrase_reads_the_records(tmp_path: Path) -> None:
    path = tmp_path / "enc.db"
    engine = open_database(path, key=_new_encrypted(path)).engine
    generate(engine, members=8, specialists=2, years=0.3, seed=3, as_of=AS_OF)
    before = _member_names(engine)
    engine.dispose()
    again = open_database(path, key=crypto.derive_key(PASSPHRASE, crypto.read_key_file(path))).engine
    try:
        assert _member_names(again) == before
    finally:
        again.dispose()


def test_wrong_passphrase_is_one_clear_line_exit_2_and_no_sqlcipher_output(
    tmp_path: Path, passphrase_fd: object, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "enc.db"
    open_database(path, key=_new_encrypted(path)).engine.dispose()
    capfd.readouterr()
    passphrase_fd("not the passphrase")  # type: ignore[operator]
    code = cli.run(["--db", str(path), "status"])
    out, err = capfd.readouterr()  # file-descriptor level: SQLCipher's C logging would land here
    assert code == cli.EXIT_BAD_INPUT
    assert err == f"cpss-tui: wrong passphrase for {path}\n"
    assert out == ""


def test_wrong_passphrase_in_open_database_raises_database_error(tmp_path: Path) -> None:
    path = tmp_path / "enc.db"
    open_database(path, key=_new_encrypted(path)).engine.dispose()
    wrong = crypto.derive_key("something else", crypto.read_key_file(path))
    with pytest.raises(DatabaseError, match="wrong passphrase for"):
        open_database(path, key=wrong)


def test_missing_key_file_is_named(
    tmp_path: Path, passphrase_fd: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "enc.db"
    open_database(path, key=_new_encrypted(path)).engine.dispose()
    crypto.key_file_for(path).unlink()
    passphrase_fd(PASSPHRASE)  # type: ignore[operator]
    assert cli.run(["--db", str(path), "status"]) == cli.EXIT_BAD_INPUT
    assert "enc.db.key.json (the salt needed to open it) is missing" in capsys.readouterr().err


def test_encrypt_command_converts_keeps_every_row_and_backups_are_encrypted(
    tmp_path: Path, passphrase_fd: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plain.db"
    plain = open_database(path).engine
    generate(plain, members=8, specialists=2, years=0.3, seed=2, as_of=AS_OF)
    names = _member_names(plain)
    with plain.connect() as conn:
        audit_before = conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
    plain.dispose()
    assert not crypto.is_encrypted(path)

    passphrase_fd(PASSPHRASE)  # type: ignore[operator]
    assert cli.run(["--db", str(path), "encrypt"]) == cli.EXIT_OK
    assert "encrypted (SQLCipher)" in capsys.readouterr().out
    assert crypto.is_encrypted(path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["plain.db", "plain.db.key.json"]
    data = path.read_bytes()
    assert all(n.split()[0].encode() not in data for n in names)

    engine = open_database(path, key=crypto.derive_key(PASSPHRASE, crypto.read_key_file(path))).engine
    try:
        assert _member_names(engine) == names
        with (
            engine.connect() as conn
        ):  # the copy wrote no audit entries of its own, and the triggers came along
            assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == audit_before
            triggers = conn.execute(
                text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
            ).scalar()
            assert triggers and triggers > 20
        copy = backup.take(engine, path, backup.MANUAL)
        assert not copy.read_bytes().startswith(crypto.PLAIN_HEADER)
        assert all(n.split()[0].encode() not in copy.read_bytes() for n in names)
        assert backup.inspect_file(copy, engine).revision  # readable with the same key
    finally:
        engine.dispose()


def test_encrypt_with_mismatched_entries_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plain.db"
    open_database(path).engine.dispose()
    before = path.read_bytes()
    answers = iter(["first passphrase", "second passphrase"])
    monkeypatch.delenv(cli_crypto.ENV_PASSPHRASE_FD, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.run(["--db", str(path), "encrypt"]) == cli.EXIT_BAD_INPUT
    assert "the two entries differ" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert not crypto.key_file_for(path).exists()


def test_encrypt_failure_puts_the_plain_database_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plain.db"
    engine = open_database(path).engine
    generate(engine, members=8, specialists=2, years=0.3, seed=4, as_of=AS_OF)
    names = _member_names(engine)
    engine.dispose()

    def broken_open(*args: object, **kwargs: object) -> object:
        raise DatabaseError("simulated failure after the swap")

    monkeypatch.setattr("cpss_tui.data.migrate.open_database", broken_open)
    with pytest.raises(DatabaseError):
        cli_crypto.encrypt_file(path, PASSPHRASE)
    monkeypatch.undo()
    assert not crypto.is_encrypted(path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["plain.db"]
    again = open_database(path).engine
    try:
        assert _member_names(again) == names
    finally:
        again.dispose()


def test_short_passphrase_is_refused(
    tmp_path: Path, passphrase_fd: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plain.db"
    open_database(path).engine.dispose()
    passphrase_fd("short")  # type: ignore[operator]
    assert cli.run(["--db", str(path), "encrypt"]) == cli.EXIT_BAD_INPUT
    assert "at least 8 characters" in capsys.readouterr().err
    assert not crypto.is_encrypted(path)


def test_passphrase_check_is_what_the_lock_screen_uses() -> None:
    params = crypto.KdfParams.new()
    key = crypto.derive_key(PASSPHRASE, params)
    assert crypto.passphrase_matches(PASSPHRASE, params, key)
    assert not crypto.passphrase_matches(PASSPHRASE + " ", params, key)


async def test_first_run_offers_encryption_and_the_demo_lands_encrypted(tmp_path: Path) -> None:
    from textual.widgets import Static

    from cpss_tui.data import sqlite
    from cpss_tui.ui.app import create_app
    from cpss_tui.ui.screens.welcome import Welcome
    from tests.ui.helpers import settle, type_text

    path = tmp_path / "first.db"
    engine = open_database(path).engine
    app = create_app(engine, as_of=AS_OF, lock_after=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, Welcome)
        notice = str(app.screen.query_one("#welcome-crypto", Static).render())
        assert "Not encrypted" in notice and "operating system" in notice
        await pilot.press("e")
        await settle(pilot)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, Welcome)
        assert "Encrypted" in str(app.screen.query_one("#welcome-crypto", Static).render())
        assert sqlite.engine_key(app.engine) is not None and app.engine is not engine
        await pilot.press("d")  # the demo is written through the new, keyed engine
        await settle(pilot)
        names = _member_names(app.engine)
        assert names
    app.close_database()
    assert crypto.is_encrypted(path)
    data = path.read_bytes()
    assert all(n.split()[0].encode() not in data for n in names)
    again = open_database(path, key=crypto.derive_key(PASSPHRASE, crypto.read_key_file(path))).engine
    try:
        assert _member_names(again) == names
    finally:
        again.dispose()


def test_restore_into_an_encrypted_database(tmp_path: Path) -> None:
    """An encrypted backup restores (same key); a plain file is refused in words, the database untouched."""
    plain_path = tmp_path / "plain.db"
    plain = open_database(plain_path).engine
    generate(plain, members=8, specialists=2, years=0.3, seed=5, as_of=AS_OF)
    plain.dispose()

    path = tmp_path / "enc.db"
    engine = open_database(path, key=_new_encrypted(path)).engine
    try:
        generate(engine, members=8, specialists=2, years=0.3, seed=6, as_of=AS_OF)
        names = _member_names(engine)
        copy = backup.take(engine, path, backup.MANUAL)
        settings.put(engine, "x.test", 1)  # a change after the backup, undone by the restore
        backup.restore(engine, path, copy)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM app_setting WHERE key = 'x.test'")).scalar() == 0
        assert _member_names(engine) == names
        with pytest.raises(backup.BackupError, match="not encrypted, so it cannot be restored"):
            backup.restore(engine, path, plain_path)
        assert _member_names(engine) == names
        assert crypto.is_encrypted(path)
    finally:
        engine.dispose()
