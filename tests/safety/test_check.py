"""`cpss-tui check` (issue 7, item 3): a sound database passes; a damaged file, an orphan row, an altered audit
log and each kind of record no app path writes are found, named, and make the exit status 1."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cpss_tui import cli
from cpss_tui.data import backup
from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.db import make_engine
from cpss_tui.data.demo import generate
from cpss_tui.data.migrate import open_database
from cpss_tui.locations import backup_dir_for
from cpss_tui.services import records
from cpss_tui.services.check import CONSISTENCY, run_check
from tests.safety.test_kill import AS_OF, BUNDLE, SLOTS_PER_DAY, note_fields

SECOND_MEMBER = {
    "members": [
        {
            "id": "m2",
            "name": "Sam Roe",
            "medicaid_id": "987654321K",
            "birth_date": "1990-01-01",
            "payer": "nc-medicaid",
            "specialist_id": "s1",
            "admitted_on": "2021-01-04",
        }
    ],
    "pcps": [{"id": "p2", "member_id": "m2", "effective": "2021-01-04"}],
    "goals": [{"id": "g2", "pcp_id": "p2", "text": "Back to work", "status": "active"}],
}


@pytest.fixture
def small(db_path: Path) -> Path:
    """Two members admitted 2021-01-04, one signed note (2021-01-06 06:00, 15 min, goal g1), one attempt
    (2021-01-05): all sound."""
    engine = open_database(db_path).engine
    bundle = {key: value for key, value in BUNDLE.items()}
    bundle["members"] = BUNDLE["members"] + SECOND_MEMBER["members"]
    bundle["pcps"] = BUNDLE["pcps"] + SECOND_MEMBER["pcps"]
    bundle["goals"] = BUNDLE["goals"] + SECOND_MEMBER["goals"]
    import_bundle(engine, json.dumps(bundle), as_of=AS_OF)
    records.sign_note(engine, "s1", None, "m1", note_fields(2 * SLOTS_PER_DAY), AS_OF)
    records.log_attempt(
        engine, actor="s1", member_id="m1", when="2021-01-05 09:00", method="phone", outcome="no-answer",
        detail="", as_of=AS_OF,
    )  # fmt: skip
    engine.dispose()
    return db_path


def shell(db_path: Path, *statements: str) -> None:
    conn = sqlite3.connect(db_path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def check(db_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.run(["--db", str(db_path), "check"])
    return code, capsys.readouterr().out


def test_a_sound_demo_agency_passes(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    engine = open_database(db_path).engine
    generate(engine, as_of=AS_OF)
    engine.dispose()
    code, out = check(db_path, capsys)
    assert code == 0, out
    assert out.splitlines()[-1] == "verdict: no problems found"
    for area in ("integrity_check", "foreign_key_check", "audit chain", "consistency"):
        assert f"ok   {area}" in out


def test_the_small_database_is_sound(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(small, capsys)
    assert code == 0, out


def test_tampered_audit_entry_is_found(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shell(
        small,
        "DROP TRIGGER trg_audit_log_update",
        "UPDATE audit_log SET changes = json_set(changes, '$.minutes', 5) WHERE table_name = 'note'",
    )
    code, out = check(small, capsys)
    assert code == 1
    assert "FAIL audit chain" in out and "does not match its seal" in out
    assert out.splitlines()[-1] == "verdict: 1 problem found"


def test_audit_log_cut_short_is_found_against_the_backups(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_database(small).engine.dispose()  # the day's backup: it holds the whole chain
    shell(
        small,
        "DROP TRIGGER trg_audit_log_delete",
        "DROP TRIGGER trg_seal_delete",
        "DELETE FROM audit_seal WHERE seq = (SELECT max(seq) FROM audit_log)",
        "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)",
    )
    code, out = check(small, capsys)
    assert code == 1
    assert "is no longer in the log (entries removed)" in out
    # A backup taken the next day, after the cut, does not hide it: every backup is compared.
    engine = make_engine(small)
    try:
        backup.take(engine, small, backup.AUTO, datetime.now(UTC) + timedelta(days=1))
        backup.rotate(backup_dir_for(small), *backup.retention(engine))
    finally:
        engine.dispose()
    assert len(backup.list_backups(backup_dir_for(small))) == 2
    code, out = check(small, capsys)
    assert code == 1 and out.count("is no longer in the log") == 1


def test_orphan_row_is_found(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shell(
        small,
        "INSERT INTO attempt (id, member_id, staff_id, at, at_utc, on_date, method, outcome, detail, created_at, "
        "updated_at) VALUES ('t-orphan', 'no-such-member', 's1', '2021-01-05T09:00:00-05:00', "
        "'2021-01-05 14:00:00', '2021-01-05', 'phone', 'no-answer', '', '2021-01-05', '2021-01-05')",
    )
    code, out = check(small, capsys)
    assert code == 1
    assert "FAIL foreign_key_check" in out and "attempt row" in out and "missing member record" in out


def test_damaged_file_is_found(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray(small.read_bytes())
    pages = len(data) // 4096
    for page in range(pages // 2, pages):
        data[page * 4096 + 8 : page * 4096 + 200] = b"\x07" * 192
    small.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{small}{suffix}").unlink(missing_ok=True)
    engine = make_engine(small)
    try:
        report = run_check(engine)
    finally:
        engine.dispose()
    assert not report.ok
    assert report.areas[0].name == "integrity_check" and report.areas[0].problems


UNLOCK = ("DROP TRIGGER trg_note_locked_update", "DROP TRIGGER trg_note_goal_locked_update")
NOTE = "(SELECT id FROM note LIMIT 1)"

# (what another program did, the words `check` must print, the rule named)
MUTATIONS = [
    (["UPDATE member SET discharged_on = '2021-01-05', discharge_reason = 'goals-met' WHERE id = 'm1'"],
     "dated 2021-01-06, after its member's discharge on 2021-01-05", "N-6"),
    (["UPDATE member SET admitted_on = '2021-01-07' WHERE id = 'm1'"],
     "dated 2021-01-06, before its member's admission on 2021-01-07", "N-6"),
    (["INSERT INTO note (id, member_id, staff_id, date, start_time, minutes, billable, contact_type, place, "
      "purpose, interventions, effectiveness, created_at, updated_at) VALUES ('n-over', 'm1', 's1', "
      "'2021-01-06', '06:10', 30, 1, 'face-to-face', 'home', '', '', '', '2021-01-04', '2021-01-04')"],
     "notes overlap in time on 2021-01-06", "N-6"),
    ([*UNLOCK, f"UPDATE note SET signed_by_name = '' WHERE id = {NOTE}"], "the signer's name is missing", "N-3"),
    ([*UNLOCK, f"UPDATE note SET effectiveness = ' ' WHERE id = {NOTE}"],
     "signed without its purpose, interventions or effectiveness", "N-2"),
    ([*UNLOCK, f"UPDATE note SET minutes = 0 WHERE id = {NOTE}"], "signed with a duration of 0 minutes", "N-1"),
    (["DROP TRIGGER trg_note_goal_locked_delete", "DELETE FROM note_goal"],
     "signed without a linked PCP goal", "P-3"),
    ([*UNLOCK, "UPDATE note_goal SET goal_id = 'g2'"], "which is in another member's plan", "P-3"),
    ([*UNLOCK, f"UPDATE note SET contact_type = 'audio-only', identity_verified = 1, consent = 'not-obtained: ' "
      f"WHERE id = {NOTE}"], "audio-only note without identity verification or consent", "N-5"),
    ([*UNLOCK, f"UPDATE note SET billable = 0, nonbillable_reason = NULL WHERE id = {NOTE}"],
     "not billable, with no reason given", "U-2"),
    (["INSERT INTO note (id, member_id, staff_id, date, start_time, minutes, billable, contact_type, place, "
      "purpose, interventions, effectiveness, created_at, updated_at) VALUES ('n-open', 'm2', 's1', "
      "'2021-01-05', '06:00', 30, 1, 'face-to-face', 'home', '', '', '', '2021-01-05', '2021-01-05')",
      "INSERT INTO note_addendum (id, note_id, staff_id, text, signed_at, signed_by_name, signed_by_credentials, "
      "created_at) VALUES ('a1', 'n-open', 's1', 'x', '2021-01-06T10:00:00-05:00', 'Dana', '', '2021-01-06')"],
     "addendum a1: attached to note n-open, which is not signed", "N-3"),
    (["UPDATE member SET discharged_on = '2021-01-04', discharge_reason = 'goals-met' WHERE id = 'm1'"],
     "on 2021-01-05, after its member's discharge on 2021-01-04", "C-2"),
    (["UPDATE member SET admitted_on = '2021-01-07' WHERE id = 'm1'"],
     "on 2021-01-05, before its member's admission on 2021-01-07", "C-2"),
    (["INSERT INTO supervisor_visit (id, member_id, supervisor_id, date, face_to_face, notes, created_at, "
      "updated_at) VALUES ('v1', 'm1', 's1', '2021-01-05', 1, '', '2021-01-05', '2021-01-05')"],
     "supervisor visit v1: recorded by staff s1, who is not a supervisor", "V-1"),
]  # fmt: skip


def test_every_consistency_rule_has_a_case() -> None:
    assert len(MUTATIONS) == len(CONSISTENCY)


@pytest.mark.parametrize(
    ("statements", "words", "rule"), MUTATIONS, ids=[f"{m[2]}-{i}" for i, m in enumerate(MUTATIONS)]
)
def test_consistency_finds_records_no_app_path_writes(
    small: Path, capsys: pytest.CaptureFixture[str], statements: list[str], words: str, rule: str
) -> None:
    shell(small, *statements)
    code, out = check(small, capsys)
    assert code == 1, out
    lines = [line for line in out.splitlines() if words in line and line.endswith(f"({rule})")]
    assert lines, out
    assert "FAIL consistency" in out


def test_many_findings_of_one_kind_are_counted_but_not_all_listed(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell(
        small,
        *(
            "INSERT INTO supervisor_visit (id, member_id, supervisor_id, date, face_to_face, notes, created_at, "
            f"updated_at) VALUES ('v{i:02d}', 'm1', 's1', '2021-01-05', 1, '', '2021-01-05', '2021-01-05')"
            for i in range(25)
        ),
    )
    code, out = check(small, capsys)
    assert code == 1
    assert sum("who is not a supervisor (V-1)" in line for line in out.splitlines()) == 20
    assert "... and 5 more like the V-1 lines above" in out
    assert out.splitlines()[-1] == "verdict: 25 problems found"
