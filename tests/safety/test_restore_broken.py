"""`restore` rescues a database file that cannot be opened (issue 7): garbage bytes, damaged pages, another
program's file, or no file at all. The command opens nothing before it has checked the backup; the broken file
is set aside, byte for byte, private, into the backup folder, and the message says where.

Every file is real: the backup is taken with `cpss-tui backup -o`, the breakage is written over the live file.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cpss_tui import cli, cli_crypto
from cpss_tui.data import backup, crypto
from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.db import make_engine
from cpss_tui.data.migrate import open_database
from cpss_tui.locations import backup_dir_for
from cpss_tui.services import records
from tests.safety.test_encryption import PASSPHRASE, _new_encrypted
from tests.safety.test_kill import AS_OF, BUNDLE, note_fields


def _notes(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM note").fetchone()[0])
    finally:
        conn.close()


def _fill(path: Path, key: bytes | None = None) -> None:
    engine = open_database(path, key=key).engine
    try:
        import_bundle(engine, json.dumps(BUNDLE), as_of=AS_OF)
        records.sign_note(engine, "s1", None, "m1", note_fields(0), AS_OF)
    finally:
        engine.dispose()


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, Path]:
    """(the live database, a backup of it holding one note); the live file got a second note since."""
    db = tmp_path / "live.db"
    _fill(db)
    copy = tmp_path / "saved.db"
    assert cli.run(["--db", str(db), "backup", "-o", str(copy)]) == 0
    engine = make_engine(db)
    try:
        records.sign_note(engine, "s1", None, "m1", note_fields(1), AS_OF)
    finally:
        engine.dispose()
    assert _notes(db) == 2
    return db, copy


def _garbage(path: Path) -> None:
    path.write_bytes(random.Random(11).randbytes(64 * 1024))


def _text(path: Path) -> None:
    path.write_text("name,medicaid_id\nAlex Doe,123456789K\n", encoding="utf-8")


def _damaged_pages(path: Path) -> None:
    """The header survives (the file still opens as SQLite), the b-trees do not."""
    data = bytearray(path.read_bytes())
    for page in range(1, len(data) // 4096):
        data[page * 4096 + 100 : page * 4096 + 400] = b"\xa5" * 300
    path.write_bytes(bytes(data))


def _half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 123])


def _other_program(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()


BREAKERS: dict[str, Callable[[Path], None]] = {
    "garbage-bytes": _garbage,
    "text-file": _text,
    "damaged-pages": _damaged_pages,
    "cut-in-half": _half,
    "another-programs-sqlite": _other_program,
}


def _kept_line(out: str) -> Path:
    line = next(x for x in out.splitlines() if "kept, as it was, as " in x)
    return Path(line.split("kept, as it was, as ", 1)[1])


@pytest.mark.parametrize("name", list(BREAKERS))
def test_restore_replaces_a_broken_file_and_keeps_it_aside(
    saved: tuple[Path, Path], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db, copy = saved
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    BREAKERS[name](db)
    capsys.readouterr()
    # The app cannot open it (damaged pages still open, but fail the integrity check restore makes).
    assert cli.run(["--db", str(db), "status"]) == cli.EXIT_BAD_INPUT or name == "damaged-pages"
    capsys.readouterr()
    broken = db.read_bytes()

    assert cli.run(["--db", str(db), "restore", str(copy)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    kept = _kept_line(out)
    assert "could not be opened as a cpss-tui database" in out
    assert kept.parent == backup_dir_for(db)
    assert kept.read_bytes() == broken  # set aside as it was
    assert kept.stat().st_mode & 0o777 == 0o600
    assert kept.parent.stat().st_mode & 0o777 == 0o700
    assert _notes(db) == 1  # the backup's content
    assert cli.run(["--db", str(db), "check"]) == 0
    assert cli.run(["--db", str(db), "audit"]) == 0
    audit = capsys.readouterr().out
    line = audit.strip().splitlines()[-1]
    assert f"restore of the whole database from {copy}" in line and f"kept as {kept}" in line
    # The set-aside file is not offered as a backup, nor rotated away.
    assert kept not in [b.path for b in backup.list_backups(kept.parent)]


def test_a_stale_wal_beside_a_broken_file_is_set_aside_not_replayed(
    saved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A -wal left beside a garbage file would be applied to whatever file takes its name: it goes too."""
    db, copy = saved
    wal = db.with_name(db.name + "-wal")
    other = db.with_name("other.db")
    _fill(other)  # a real WAL of another database, with frames SQLite would accept
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE member SET name = 'Wrong Person'")
    conn.commit()
    stale = other.with_name(other.name + "-wal").read_bytes()
    conn.close()
    _garbage(db)
    wal.write_bytes(stale)
    capsys.readouterr()
    assert cli.run(["--db", str(db), "restore", str(copy)]) == 0
    kept = _kept_line(capsys.readouterr().out)
    assert kept.with_name(kept.name + "-wal").read_bytes() == stale
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name FROM member").fetchall() == [("Alex Doe",)]
    conn.close()
    assert cli.run(["--db", str(db), "check"]) == 0


def test_restore_into_a_missing_file_creates_it(saved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _db, copy = saved
    fresh = copy.with_name("fresh.db")
    capsys.readouterr()
    assert cli.run(["--db", str(fresh), "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "there was no file to replace" in out and "kept" not in out
    assert _notes(fresh) == 1
    assert fresh.stat().st_mode & 0o777 == 0o600
    assert cli.run(["--db", str(fresh), "check"]) == 0


def test_a_bad_backup_over_a_broken_file_changes_nothing(
    saved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, copy = saved
    _garbage(db)
    broken = db.read_bytes()
    _text(copy)
    capsys.readouterr()
    assert cli.run(["--db", str(db), "restore", str(copy)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"restore: {copy}: not a readable SQLite database") and err.count("\n") == 1
    assert db.read_bytes() == broken
    assert not backup_dir_for(db).exists() or not list(backup_dir_for(db).glob("*damaged*"))
    assert not db.with_name(db.name + ".restoring").exists()


def test_a_sound_database_of_a_newer_version_is_not_treated_as_broken(
    saved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, copy = saved
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert cli.run(["--db", str(db), "restore", str(copy)]) == cli.EXIT_BAD_INPUT
    assert "written by a newer version of cpss-tui" in capsys.readouterr().err
    assert _notes(db) == 2


@pytest.fixture
def feed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """The next passphrase read comes from a pipe named by CPSS_PASSPHRASE_FD (as a script would give it)."""
    opened: list[int] = []

    def give(passphrase: str) -> None:
        r, w = os.pipe()
        os.write(w, (passphrase + "\n").encode())
        os.close(w)
        opened.append(r)
        monkeypatch.setenv(cli_crypto.ENV_PASSPHRASE_FD, str(r))

    yield give
    for fd in opened:
        os.close(fd)


def test_an_encrypted_database_turned_to_garbage_is_restored_from_its_encrypted_backup(
    tmp_path: Path, feed: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    """The passphrase is proven right by the backup it opens, so the current file is damaged, not locked."""
    db = tmp_path / "enc.db"
    key = _new_encrypted(db)
    _fill(db, key)
    engine = open_database(db, key=key).engine
    try:
        copy = backup.take(engine, db, backup.MANUAL)
    finally:
        engine.dispose()
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    _garbage(db)
    broken = db.read_bytes()

    feed("not the passphrase")
    assert cli.run(["--db", str(db), "restore", str(copy)]) == cli.EXIT_BAD_INPUT
    assert "cannot be read with this passphrase" in capsys.readouterr().err
    assert db.read_bytes() == broken

    feed(PASSPHRASE)
    assert cli.run(["--db", str(db), "restore", str(copy)]) == cli.EXIT_OK
    kept = _kept_line(capsys.readouterr().out)
    assert kept.read_bytes() == broken
    assert crypto.is_encrypted(db)
    engine = open_database(db, key=key, auto_backup=False).engine
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM note").scalar() == 1
    finally:
        engine.dispose()
    feed(PASSPHRASE)
    assert cli.run(["--db", str(db), "check"]) == 0
