"""The engine factory: pragmas on every connection, private files, write transactions, record locks."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import AuditLog, Member, Note, NoteAddendum, Staff


def _seed(engine) -> None:
    with write_session(engine, actor="s1") as s:
        s.add(Staff(id="s1", name="Dana Reyes", role="specialist", credentials="NC CPSS", fte=1.0))
        s.flush()
        s.add(
            Member(
                id="m1",
                name="Alex Doe",
                medicaid_id="123456789K",
                birth_date=date(1985, 4, 2),
                specialist_id="s1",
                admitted_on=date(2026, 9, 1),
            )
        )
        s.flush()
        s.add(
            Note(
                id="n1",
                member_id="m1",
                staff_id="s1",
                date=date(2026, 9, 2),
                start_time="10:00",
                minutes=60,
                contact_type="face-to-face",
                place="home",
                purpose="p",
                interventions="i",
                effectiveness="e",
                signed_at="2026-09-02T11:30:00-04:00",
            )
        )
        s.add(
            Note(
                id="n2",
                member_id="m1",
                staff_id="s1",
                date=date(2026, 9, 3),
                start_time="10:00",
                minutes=30,
                contact_type="face-to-face",
                place="home",
            )
        )


def test_every_connection_has_the_pragmas(engine) -> None:
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_new_database_and_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "cpss.db"
    open_database(path).engine.dispose()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    for side in (path.with_name("cpss.db-wal"), path.with_name("cpss.db-shm")):
        if side.exists():
            assert side.stat().st_mode & 0o077 == 0


def test_orphan_insert_is_refused_by_foreign_keys(engine) -> None:
    with pytest.raises(IntegrityError), write_session(engine) as s:
        s.add(
            Member(
                id="m9",
                name="Nobody",
                medicaid_id="1",
                birth_date=date(1990, 1, 1),
                specialist_id="no-such-staff",
                admitted_on=date(2026, 1, 1),
            )
        )
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 0


def test_vocabulary_check_constraints(engine) -> None:
    _seed(engine)
    with pytest.raises(IntegrityError), write_session(engine) as s:
        s.add(
            Note(
                member_id="m1",
                staff_id="s1",
                date=date(2026, 9, 4),
                start_time="10:00",
                minutes=10,
                contact_type="carrier-pigeon",
                place="home",
            )
        )


def test_signed_note_is_locked_by_the_database_N3(engine) -> None:
    """N-3: UPDATE and DELETE of a signed note fail whatever program runs them; unsigned ones can change."""
    _seed(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE note SET minutes = 45 WHERE id = 'n2'")  # unsigned: allowed
    for sql in ("UPDATE note SET minutes = 45 WHERE id = 'n1'", "DELETE FROM note WHERE id = 'n1'"):
        with pytest.raises(IntegrityError, match="N-3"), engine.begin() as conn:
            conn.exec_driver_sql(sql)
    with write_session(engine, actor="s1") as s:
        s.add(
            NoteAddendum(
                id="a1",
                note_id="n1",
                staff_id="s1",
                text="Time was 50 minutes.",
                signed_at="2026-09-03T09:00:00-04:00",
                signed_by_name="Dana Reyes",
                signed_by_credentials="NC CPSS",
            )
        )
    for sql in (
        "UPDATE note_addendum SET text = 'x' WHERE id = 'a1'",
        "DELETE FROM note_addendum WHERE id = 'a1'",
    ):
        with pytest.raises(IntegrityError, match="N-3"), engine.begin() as conn:
            conn.exec_driver_sql(sql)


def test_audit_log_records_who_what_and_is_append_only(engine) -> None:
    _seed(engine)
    with write_session(engine, actor="s1") as s:
        note = s.get(Note, "n2")
        assert note is not None
        note.minutes = 40
    with read_session(engine) as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.record_id == "n2").order_by(AuditLog.seq)).all()
    assert [r.action for r in rows] == ["insert", "update"]
    assert rows[1].staff_id == "s1" and rows[1].member_id == "m1"
    assert '"minutes":[30,40]' in rows[1].changes.replace(" ", "")
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_log")
    # Outside a write_session the actor is unknown, never a stale one.
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE note SET minutes = 41 WHERE id = 'n2'")
        assert conn.execute(text("SELECT staff_id FROM audit_log ORDER BY seq DESC LIMIT 1")).scalar() is None


def test_concurrent_writers_do_not_see_database_locked(engine) -> None:
    """BEGIN IMMEDIATE + busy timeout: threads writing at once all succeed."""
    _seed(engine)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(25):
                with write_session(engine, actor="s1") as s:
                    s.add(
                        Note(
                            member_id="m1",
                            staff_id="s1",
                            date=date(2026, 10, 1 + k),
                            start_time="09:00",
                            minutes=i,
                            contact_type="collateral",
                            place="remote",
                        )
                    )
        except BaseException as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with read_session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Note)) == 2 + 100


def test_demo_bulk_load_keeps_the_audit_triggers_and_logs_a_summary(engine) -> None:
    """The demo's bulk load suspends per-row audit entries only inside its own transaction."""
    from cpss_tui.data.demo import generate

    def triggers() -> list[str]:
        with engine.connect() as conn:
            return [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
                )
            ]

    before = triggers()
    generate(engine, as_of=date(2026, 11, 22))
    assert triggers() == before and any(n.startswith("trg_audit_note_") for n in before)
    with engine.connect() as conn:
        summary = dict(
            conn.exec_driver_sql(
                "SELECT table_name, json_extract(changes, '$.rows') FROM audit_log WHERE record_id = '*'"
            ).all()
        )
        notes = conn.exec_driver_sql("SELECT count(*) FROM note").scalar()
        unsigned = conn.exec_driver_sql("SELECT id FROM note WHERE signed_at IS NULL LIMIT 1").scalar()
    assert summary["note"] == notes and summary["member"] == 26
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE note SET minutes = minutes + 1 WHERE id = ?", (unsigned,))
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM audit_log WHERE record_id = ? AND action = 'update'", (unsigned,)
            ).scalar()
            == 1
        )
