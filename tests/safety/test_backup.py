"""Backups (issue 7, item 3): the day's backup at start, before migrations, rotation, and `backup`/`restore`.

A fake clock (`now=`) stands in for "a day later"; every file is a real SQLite database on disk.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cpss_tui import cli
from cpss_tui.data import backup, settings
from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.db import make_engine
from cpss_tui.data.migrate import HEAD_REVISION, open_database, upgrade
from cpss_tui.locations import backup_dir_for
from cpss_tui.services import records
from tests.safety.test_kill import AS_OF, BUNDLE, note_fields

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def filled(db_path: Path) -> Path:
    """A database file holding one member, a plan and one signed note (all engines closed)."""
    engine = open_database(db_path).engine
    import_bundle(engine, json.dumps(BUNDLE), as_of=AS_OF)
    records.sign_note(engine, "s1", None, "m1", note_fields(0), AS_OF)
    engine.dispose()
    return db_path


def note_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM note").fetchone()[0])
    finally:
        conn.close()


def rotated_files(db_path: Path) -> list[str]:
    return sorted(
        b.path.name for b in backup.list_backups(backup_dir_for(db_path)) if b.kind in backup.ROTATED
    )


# --- taking backups ---------------------------------------------------------------------------------------------


def test_backup_is_a_private_self_contained_copy(filled: Path) -> None:
    engine = make_engine(filled)
    try:
        path = backup.take(engine, filled, backup.MANUAL, T0)
    finally:
        engine.dispose()
    assert path.parent == backup_dir_for(filled)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, no -wal beside it
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
    conn.close()
    assert note_count(path) == 1
    assert not list(path.parent.glob("*.part"))


def test_start_takes_the_days_backup_only_when_the_last_is_a_day_old(filled: Path) -> None:
    first = open_database(filled, now=T0)
    first.engine.dispose()
    assert first.auto_backup is not None and first.auto_backup.exists()
    again = open_database(filled, now=T0 + timedelta(hours=23, minutes=59))
    again.engine.dispose()
    assert again.auto_backup is None
    assert len(rotated_files(filled)) == 1
    next_day = open_database(filled, now=T0 + timedelta(days=1))
    next_day.engine.dispose()
    assert next_day.auto_backup is not None
    assert len(rotated_files(filled)) == 2


def test_the_start_check_reads_only_the_backup_folder(tmp_path: Path) -> None:
    """`is_due` is one stat of the folder's stamp: it works on a database path that is not even there."""
    db_path = tmp_path / "absent.db"
    assert backup.is_due(db_path, T0)
    folder = backup_dir_for(db_path)
    folder.mkdir()
    stamp = folder / backup.STAMP_FILE
    stamp.touch()
    os.utime(stamp, (T0.timestamp(), T0.timestamp()))
    assert not backup.is_due(db_path, T0 + timedelta(hours=12))
    assert backup.is_due(db_path, T0 + timedelta(days=1))
    assert not db_path.exists()


def test_a_new_database_gets_no_backup_and_a_failed_backup_never_stops_the_start(db_path: Path) -> None:
    result = open_database(db_path, now=T0)
    result.engine.dispose()
    assert result.created and result.auto_backup is None
    backup_dir_for(db_path).write_text("a file where the folder should be")
    again = open_database(db_path, now=T0 + timedelta(days=2))
    try:
        assert again.auto_backup is None
        with again.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM member").scalar() == 0
    finally:
        again.engine.dispose()


def test_migration_backup_goes_to_the_backup_folder_and_is_kept(db_path: Path) -> None:
    engine = make_engine(db_path)
    upgrade(engine, "0003")
    engine.dispose()
    result = open_database(db_path, now=T0)
    result.engine.dispose()
    assert result.backup is not None and result.backup.parent == backup_dir_for(db_path)
    assert "pre-migration" in result.backup.name and "from-0003" in result.backup.name
    engine = make_engine(db_path)
    try:
        # Rotation never removes a copy taken before a migration, however many daily ones follow.
        for day in range(30):
            backup.take(engine, db_path, backup.AUTO, T0 + timedelta(days=day + 1))
            backup.rotate(backup_dir_for(db_path), 2, 1)
    finally:
        engine.dispose()
    assert result.backup.exists()
    assert len(rotated_files(db_path)) == 2


# --- rotation ------------------------------------------------------------------------------------------------------


def test_rotation_keeps_the_newest_of_each_of_the_last_days_and_weeks(filled: Path) -> None:
    engine = make_engine(filled)
    taken: list[datetime] = []
    try:
        # Sixty days, two backups a day (morning and evening), starting on a Monday.
        start = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
        for day in range(60):
            for hour in (0, 10):
                when = start + timedelta(days=day, hours=hour)
                backup.take(engine, filled, backup.AUTO, when)
                taken.append(when)
    finally:
        engine.dispose()
    removed = backup.rotate(backup_dir_for(filled), keep_daily=7, keep_weekly=8)
    kept = {b.taken_at for b in backup.list_backups(backup_dir_for(filled))}
    evening = [t for t in taken if t.hour == 18]
    last_days = set(evening[-7:])
    by_week: dict[tuple[int, int], datetime] = {}
    for t in evening:
        by_week[t.date().isocalendar()[:2]] = t  # the last of each week wins
    last_weeks = set(sorted(by_week.values())[-8:])
    assert kept == last_days | last_weeks
    # The last 7 days (Oct 30 - Nov 5) hold the newest of two weeks: 7 + 8 - 2.
    assert len(kept) == 13
    assert len(removed) == len(taken) - len(kept)


def test_retention_comes_from_the_settings_with_defaults_for_bad_values(filled: Path) -> None:
    engine = make_engine(filled)
    try:
        assert backup.retention(engine) == (backup.KEEP_DAILY_DEFAULT, backup.KEEP_WEEKLY_DEFAULT)
        settings.put(engine, settings.BACKUP_KEEP_DAILY, 3)
        settings.put(engine, settings.BACKUP_KEEP_WEEKLY, "many")
        assert backup.retention(engine) == (3, backup.KEEP_WEEKLY_DEFAULT)
        settings.put(engine, settings.BACKUP_KEEP_DAILY, 0)
        assert backup.retention(engine)[0] == backup.KEEP_DAILY_DEFAULT
        settings.put(engine, settings.BACKUP_KEEP_DAILY, 2)
        settings.put(engine, settings.BACKUP_KEEP_WEEKLY, 1)
    finally:
        engine.dispose()
    for day in range(5):  # the start-up backup rotates with the settings in force
        open_database(filled, now=T0 + timedelta(days=day)).engine.dispose()
    assert len(rotated_files(filled)) == 2


# --- the commands --------------------------------------------------------------------------------------------------


def test_backup_command_writes_a_private_file_or_refuses_the_database_itself(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "copy.db"
    assert cli.run(["--db", str(filled), "backup", "-o", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o600 and note_count(out) == 1
    assert cli.run(["--db", str(filled), "backup"]) == 0
    assert "backup written:" in capsys.readouterr().out
    assert any(b.kind == backup.MANUAL for b in backup.list_backups(backup_dir_for(filled)))
    assert cli.run(["--db", str(filled), "backup", "-o", str(filled)]) == 2
    assert "is the database itself" in capsys.readouterr().err


def _add_second_note(db_path: Path) -> None:
    engine = make_engine(db_path)
    try:
        records.sign_note(engine, "s1", None, "m1", note_fields(1), AS_OF)
    finally:
        engine.dispose()


def test_restore_brings_back_the_backup_and_keeps_the_replaced_database(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "saved.db"
    assert cli.run(["--db", str(filled), "backup", "-o", str(saved)]) == 0
    _add_second_note(filled)
    assert note_count(filled) == 2
    assert cli.run(["--db", str(filled), "restore", str(saved)]) == 0
    out = capsys.readouterr().out
    assert note_count(filled) == 1
    kept = [b for b in backup.list_backups(backup_dir_for(filled)) if b.kind == backup.PRE_RESTORE]
    assert len(kept) == 1 and note_count(kept[0].path) == 2 and str(kept[0].path) in out
    assert cli.run(["--db", str(filled), "check"]) == 0


def test_restore_of_an_older_schema_migrates_it(filled: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    engine = make_engine(old)
    upgrade(engine, "0003")
    engine.dispose()
    assert cli.run(["--db", str(filled), "restore", str(old)]) == 0
    conn = sqlite3.connect(filled)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
    conn.close()
    assert note_count(filled) == 0


def _corrupt(path: Path) -> None:
    """Overwrite the middle of every page after the first: the file still opens, its b-trees do not hold."""
    data = bytearray(path.read_bytes())
    for page in range(1, len(data) // 4096):
        data[page * 4096 + 100 : page * 4096 + 400] = b"\xa5" * 300
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make_bad", "message"),
    [
        (lambda p: _corrupt(p), ("integrity check", "not a readable SQLite database")),
        (lambda p: _set_revision(p, "9999"), ("written by a newer version of cpss-tui (schema 9999)",)),
        (lambda p: p.write_text("name,medicaid_id\nAlex,123\n"), ("not a readable SQLite database",)),
        (lambda p: p.write_bytes(b""), ("is empty, not a cpss-tui database",)),
        (lambda p: _plain_sqlite(p), ("a SQLite database, but not a cpss-tui database",)),
    ],
    ids=["corrupted", "newer-schema", "not-a-database", "empty", "other-sqlite"],
)
def test_restore_refuses_a_bad_file_and_changes_nothing(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_bad, message
) -> None:
    bad = tmp_path / "bad.db"
    assert cli.run(["--db", str(filled), "backup", "-o", str(bad)]) == 0
    make_bad(bad)
    _add_second_note(filled)
    capsys.readouterr()
    assert cli.run(["--db", str(filled), "restore", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"restore: {bad}: ") and err.count("\n") == 1
    assert any(m in err for m in message), err
    assert note_count(filled) == 2
    assert not [b for b in backup.list_backups(backup_dir_for(filled)) if b.kind == backup.PRE_RESTORE]


def _set_revision(path: Path, revision: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.commit()
    conn.close()


def _plain_sqlite(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()


def test_restore_refuses_a_missing_file(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run(["--db", str(filled), "restore", str(tmp_path / "nope.db")]) == 2
    assert "no such file" in capsys.readouterr().err
