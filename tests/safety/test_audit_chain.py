"""The audit log's hash chain (storage.md, ONC §170.315(d)(2)): every entry sealed by the app at commit, and an
edited, deleted or reordered entry found by `verify`, including after changes made with the sqlite3 shell."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from cpss_tui.data import audit_chain
from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.db import make_engine
from cpss_tui.data.migrate import open_database, upgrade
from cpss_tui.services import records
from tests.safety.test_kill import AS_OF, BUNDLE, note_fields


@pytest.fixture
def filled(db_path: Path) -> Iterator[Engine]:
    """A database with a staff member, a member, a plan, a goal and two signed notes, all written by the app."""
    engine = open_database(db_path).engine
    import_bundle(engine, json.dumps(BUNDLE), as_of=AS_OF)
    for i in range(2):
        records.sign_note(engine, "s1", None, "m1", note_fields(i), AS_OF)
    yield engine
    engine.dispose()


def verify(engine: Engine) -> audit_chain.ChainReport:
    with engine.connect() as conn:
        return audit_chain.verify(conn)


def shell(db_path: Path, *statements: str) -> None:
    """What someone with the sqlite3 shell can do: plain SQL, foreign keys off, no app functions."""
    conn = sqlite3.connect(db_path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def counts(db_path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db_path)
    try:
        return (
            conn.execute("SELECT count(*) FROM audit_log").fetchone()[0],
            conn.execute("SELECT count(*) FROM audit_seal").fetchone()[0],
        )
    finally:
        conn.close()


def test_every_entry_the_app_writes_is_sealed_in_its_transaction(filled: Engine, db_path: Path) -> None:
    entries, seals = counts(db_path)
    assert entries > 5 and seals == entries
    report = verify(filled)
    assert report.ok and report.sealed == entries and report.waiting == 0


def test_seals_chain_each_entry_to_the_previous(filled: Engine, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT l.seq, l.at_utc, l.staff_id, l.table_name, l.record_id, l.member_id, l.action, l.changes, s.hash "
        "FROM audit_log l JOIN audit_seal s ON s.seq = l.seq ORDER BY l.seq"
    ).fetchall()
    conn.close()
    prev = audit_chain.GENESIS
    for row in rows:
        assert row[-1] == audit_chain.link(prev, row[:-1])
        prev = row[-1]


def test_shell_writes_wait_unsealed_then_the_next_app_save_seals_them(filled: Engine, db_path: Path) -> None:
    shell(db_path, "UPDATE member SET medicaid_id = '999999999Z' WHERE id = 'm1'")  # audited by trigger
    report = verify(filled)
    assert report.ok and report.waiting == 1
    records.sign_note(filled, "s1", None, "m1", note_fields(2), AS_OF)
    report = verify(filled)
    assert report.ok and report.waiting == 0
    entries, seals = counts(db_path)
    assert seals == entries


def test_seals_refuse_update_and_delete(filled: Engine, db_path: Path) -> None:
    for statement in (
        "UPDATE audit_seal SET hash = 'x' WHERE seq = 1",
        "DELETE FROM audit_seal WHERE seq = 1",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            shell(db_path, statement)


def test_edited_entry_is_detected(filled: Engine, db_path: Path) -> None:
    shell(
        db_path,
        "DROP TRIGGER trg_audit_log_update",
        "UPDATE audit_log SET staff_id = 'someone-else' WHERE seq = 3",
    )
    report = verify(filled)
    assert report.problems == [
        "audit entry #3 does not match its seal: it was altered, or an entry before it was deleted or moved"
    ]


def test_deleted_entry_is_detected_with_or_without_its_seal(filled: Engine, db_path: Path) -> None:
    shell(db_path, "DROP TRIGGER trg_audit_log_delete", "DELETE FROM audit_log WHERE seq = 4")
    assert "audit entry #4 was deleted (its seal remains)" in verify(filled).problems
    shell(db_path, "DROP TRIGGER trg_seal_delete", "DELETE FROM audit_seal WHERE seq = 4")
    problems = verify(filled).problems
    assert problems == [
        "audit entry #5 does not match its seal: it was altered, or an entry before it was deleted or moved"
    ]


def test_reordered_entries_are_detected(filled: Engine, db_path: Path) -> None:
    cols = "at_utc, staff_id, table_name, record_id, member_id, action, changes"
    shell(
        db_path,
        "DROP TRIGGER trg_audit_log_update",
        "CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (2, 3)",
        f"UPDATE audit_log SET ({cols}) = (SELECT {cols} FROM t WHERE t.seq = 3) WHERE seq = 2",
        f"UPDATE audit_log SET ({cols}) = (SELECT {cols} FROM t WHERE t.seq = 2) WHERE seq = 3",
    )
    problems = verify(filled).problems
    assert [p.split(":")[0] for p in problems] == [
        "audit entry #2 does not match its seal",
        "audit entry #3 does not match its seal",
    ]


def test_entry_slipped_into_the_sealed_part_is_detected(filled: Engine, db_path: Path) -> None:
    shell(
        db_path,
        "INSERT INTO audit_log (seq, at_utc, staff_id, table_name, record_id, member_id, action, changes) "
        "SELECT seq + 1000, at_utc, staff_id, table_name, record_id, member_id, action, changes "
        "FROM audit_log WHERE seq = 1",
        "DROP TRIGGER trg_audit_log_delete",
    )
    records.sign_note(filled, "s1", None, "m1", note_fields(2), AS_OF)  # seals entry #1001 and what follows
    shell(
        db_path,
        "INSERT INTO audit_log (seq, at_utc, staff_id, table_name, record_id, member_id, action, changes) "
        "VALUES (500, '2026-01-01T00:00:00Z', 's1', 'note', 'forged', 'm1', 'insert', '{}')",
    )
    assert verify(filled).problems == ["audit entry #500 was added inside the sealed part of the log"]


def test_migration_seals_the_entries_already_in_the_log(db_path: Path) -> None:
    engine = make_engine(db_path)
    upgrade(engine, "0003")
    engine.dispose()
    shell(
        db_path,
        "INSERT INTO staff (id, name, role, credentials, training_hours, created_at, updated_at) "
        "VALUES ('s1', 'Dana', 'specialist', '', 0, '2026-01-01', '2026-01-01')",
        "UPDATE staff SET name = 'Dana R.' WHERE id = 's1'",
    )
    result = open_database(db_path)
    try:
        assert result.upgraded_from == "0003"
        report = verify(result.engine)
        assert report.ok and report.sealed == 2 and report.waiting == 0
    finally:
        result.engine.dispose()
