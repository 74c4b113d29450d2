"""Restores are audited (issue 7): after `cpss-tui restore`, `cpss-tui audit` says that a restore happened, when
(UTC), by which OS account, from which file and what was kept; the entry is sealed in the hash chain and
`cpss-tui check` passes; the record of the restore cannot be changed or removed."""

from __future__ import annotations

import getpass
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cpss_tui import cli
from cpss_tui.data import backup
from cpss_tui.data.db import make_engine
from cpss_tui.data.migrate import upgrade
from cpss_tui.locations import backup_dir_for
from cpss_tui.services import records
from cpss_tui.services.audit import audit_entries
from tests.safety.test_kill import AS_OF, note_fields
from tests.safety.test_restore_broken import _fill, _notes


def _audit(db: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert cli.run(["--db", str(db), "audit"]) == 0
    return capsys.readouterr().out.strip().splitlines()


def _stamp(line: str) -> datetime:
    return datetime.strptime(line.split()[0], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def test_restore_writes_a_sealed_audit_entry_and_check_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "agency.db"
    _fill(db)
    copy = tmp_path / "friday.db"
    assert cli.run(["--db", str(db), "backup", "-o", str(copy)]) == 0
    engine = make_engine(db)
    records.sign_note(engine, "s1", None, "m1", note_fields(1), AS_OF)
    engine.dispose()
    before = datetime.now(UTC)

    capsys.readouterr()
    assert cli.run(["--db", str(db), "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    kept = Path(re.search(r"the database it replaced is kept as (\S+)", out)[1])  # type: ignore[index]
    assert "recorded in the audit log" in out
    assert kept.parent == backup_dir_for(db) and _notes(kept) == 2 and _notes(db) == 1

    lines = _audit(db, capsys)
    restores = [line for line in lines if "restore of the whole database" in line]
    assert len(restores) == 1
    line = restores[0]
    assert line == lines[-1]  # the newest entry
    assert f"from {copy}" in line and f"kept as {kept}" in line and "it replaced the database" in line
    assert f"OS user {getpass.getuser()}" in line
    assert before.replace(microsecond=0) <= _stamp(line) <= datetime.now(UTC)

    # The entry is part of the chain: check passes, and altering it (behind the triggers) makes check fail.
    capsys.readouterr()
    assert cli.run(["--db", str(db), "check"]) == 0
    assert "verdict: no problems found" in capsys.readouterr().out
    # A backup after the restore holds the chain with the restore in it; later writes keep it valid.
    assert cli.run(["--db", str(db), "backup"]) == 0
    engine = make_engine(db)
    records.sign_note(engine, "s1", None, "m1", note_fields(2), AS_OF)
    engine.dispose()
    capsys.readouterr()
    assert cli.run(["--db", str(db), "check"]) == 0
    assert "the chain holds what 1 backup sealed" in capsys.readouterr().out

    conn = sqlite3.connect(db)
    for sql in ("UPDATE database_restore SET source = 'elsewhere.db'", "DELETE FROM database_restore"):
        with pytest.raises(sqlite3.IntegrityError, match="a database restore record is permanent"):
            conn.execute(sql)
    conn.execute("DROP TRIGGER trg_audit_log_update")
    conn.execute(
        "UPDATE audit_log SET changes = json_set(changes, '$.source', 'elsewhere.db') "
        "WHERE table_name = 'database_restore'"
    )
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert cli.run(["--db", str(db), "check"]) == 1
    assert "does not match its seal" in capsys.readouterr().out


def test_restoring_an_older_schema_is_audited_after_the_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup from before restores were recorded (schema 0003, before the hash chain too) still gets its
    entry: the upgrade makes the table, then the restore is written and sealed."""
    db = tmp_path / "agency.db"
    _fill(db)
    old = tmp_path / "old.db"
    engine = make_engine(old)
    upgrade(engine, "0003")
    engine.dispose()
    capsys.readouterr()
    assert cli.run(["--db", str(db), "restore", str(old)]) == 0
    assert "upgraded from schema 0003" in capsys.readouterr().out
    line = _audit(db, capsys)[-1]
    assert "restore of the whole database" in line and "schema 0003" in line
    capsys.readouterr()
    assert cli.run(["--db", str(db), "check"]) == 0


def test_the_service_restore_records_itself_too(tmp_path: Path) -> None:
    """Every restore path is audited, not only the command: `backup.restore` writes the record."""
    db = tmp_path / "agency.db"
    _fill(db)
    engine = make_engine(db)
    try:
        copy = backup.take(engine, db, backup.MANUAL)
        backup.restore(engine, db, copy)
        entries = [e for e in audit_entries(engine) if e.table == "database_restore"]
        assert len(entries) == 1
        assert entries[0].action == "insert" and entries[0].changes["source"] == str(copy)
        assert entries[0].changes["kept"].startswith(str(backup_dir_for(db)))
    finally:
        engine.dispose()
