"""Two app processes on one file (issue 7): neither sees "database is locked", and every acknowledged save is in
the file.

Two child processes, released at the same instant, each open the database as the app does (`open_database`) and
for a few seconds repeat what a specialist's app does: save a draft, save it again (the autosave's update),
read the member's record, sign the note. Each writes "ACK <note id>" to a pipe only after `sign_note` returned.
Meanwhile the test process itself runs `cpss-tui backup -o` and `cpss-tui check` against the same file. Any
exception in a child (an OperationalError "database is locked" first of all) is sent up the pipe and fails the
test; afterwards every acknowledged note must be there, signed with its goal, the last drafts too, the file
sound and the audit hash chain (sealed by both processes in turn) valid.

Why it holds (data/sqlite.py): WAL, so readers never wait for the writer; BEGIN IMMEDIATE for every write, so
a transaction never has to upgrade a read lock (which fails at once, whatever the timeout); and a 10 s busy
timeout on every connection, so a writer waits its turn. `CPSS_TWO_PROCESS_SECONDS` sets the duration.
"""

from __future__ import annotations

import json
import os
import select
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

from cpss_tui import cli
from cpss_tui.data import audit_chain
from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.db import make_engine
from cpss_tui.data.migrate import open_database
from cpss_tui.services import records
from cpss_tui.services.member_record import load_member_record
from tests.safety.test_kill import BUNDLE

AS_OF = date(2026, 11, 22)
FIRST_DAY = date(2021, 1, 4)
SECONDS = float(os.environ.get("CPSS_TWO_PROCESS_SECONDS", "4"))
SLOTS_PER_DAY = 24


def two_specialists() -> dict[str, object]:
    """The kill test's agency with a second specialist, member, plan and goal: one per process."""
    bundle = json.loads(json.dumps(BUNDLE))
    bundle["staff"].append({"id": "s2", "name": "Robin Hale", "role": "specialist", "credentials": "NC CPSS"})
    member = dict(bundle["members"][0], id="m2", name="Sam Roe", medicaid_id="987654321K", specialist_id="s2")
    bundle["members"].append(member)
    bundle["pcps"].append(dict(bundle["pcps"][0], id="p2", member_id="m2"))
    bundle["goals"].append(dict(bundle["goals"][0], id="g2", pcp_id="p2"))
    return bundle


def fields(who: int, i: int, purpose: str) -> dict[str, object]:
    day = FIRST_DAY + timedelta(days=i // SLOTS_PER_DAY)
    slot = i % SLOTS_PER_DAY
    return {
        "date": day.isoformat(),
        "start_time": f"{6 + slot // 2:02d}:{30 * (slot % 2):02d}",
        "minutes": "15",
        "contact_type": "face-to-face",
        "place": "home",
        "purpose": purpose,
        "interventions": "Practised calling landlords together",
        "effectiveness": "Made one call",
        "goal_ids": [f"g{who}"],
        "billable": True,
    }


def child(db: Path, who: int, go_fd: int, out_fd: int) -> None:
    """One app process: wait for the start, then save, update, read and sign for SECONDS; ack every save."""
    engine = open_database(db).engine
    staff, member = f"s{who}", f"m{who}"
    os.read(go_fd, 1)  # both processes start writing together
    slowest = 0.0
    end = time.monotonic() + SECONDS
    i = 0
    while time.monotonic() < end:
        started = time.monotonic()
        draft = records.save_draft(engine, staff, None, member, fields(who, i, f"Check-in {i}"))
        draft = records.save_draft(engine, staff, draft, member, fields(who, i, f"Check-in {i}, rent"))
        assert load_member_record(engine, member, staff, AS_OF) is not None
        note_id = records.sign_note(engine, staff, draft, member, fields(who, i, f"Check-in {i}, rent"), AS_OF)
        slowest = max(slowest, time.monotonic() - started)
        os.write(out_fd, f"ACK {note_id}\n".encode())
        i += 1
    last = records.save_draft(engine, staff, None, member, fields(who, i, "left as a draft"))
    os.write(out_fd, f"DRAFT {last}\nDONE {i} {slowest:.3f}\n".encode())
    engine.dispose()


def test_two_processes_saving_at_once_never_see_a_locked_database(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    engine = open_database(db).engine
    import_bundle(engine, json.dumps(two_specialists()), as_of=AS_OF)
    engine.dispose()  # no open connection is carried across fork

    go_read, go_write = os.pipe()
    children: list[tuple[int, int]] = []
    for who in (1, 2):
        out_read, out_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            os.close(out_read)
            code = 0
            try:
                child(db, who, go_read, out_write)
            except BaseException as exc:
                os.write(out_write, f"ERROR {exc.__class__.__name__}: {exc}\n".encode())
                code = 1
            os._exit(code)
        os.close(out_write)
        children.append((pid, out_read))
    os.close(go_read)
    os.write(go_write, b"gogo")  # one byte for each child
    os.close(go_write)

    # The test process is a third program on the file meanwhile: backups and checks, as a user would run them.
    side_runs = 0
    deadline = time.monotonic() + SECONDS * 0.8
    while time.monotonic() < deadline:
        assert cli.run(["--db", str(db), "backup", "-o", str(tmp_path / f"side-{side_runs}.db")]) == 0
        side_runs += 1
    assert cli.run(["--db", str(db), "check"]) == 0

    outputs: dict[int, list[str]] = {}
    for pid, fd in children:
        chunks = []
        end = time.monotonic() + SECONDS + 60
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        os.close(fd)
        _, status = os.waitpid(pid, 0)
        outputs[pid] = b"".join(chunks).decode().splitlines()
        assert os.WIFEXITED(status), f"child {pid} did not end by itself"

    errors = [line for lines in outputs.values() for line in lines if line.startswith("ERROR")]
    assert errors == [], errors  # above all, no "OperationalError: database is locked"
    acked = {line.split()[1] for lines in outputs.values() for line in lines if line.startswith("ACK")}
    drafts = {line.split()[1] for lines in outputs.values() for line in lines if line.startswith("DRAFT")}
    done = [line.split() for lines in outputs.values() for line in lines if line.startswith("DONE")]
    assert len(done) == 2 and len(drafts) == 2
    per_process = [int(d[1]) for d in done]
    assert all(n >= 5 for n in per_process), per_process  # both really wrote, concurrently

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        signed = {
            r[0]
            for r in conn.execute(
                "SELECT n.id FROM note n JOIN note_goal g ON g.note_id = n.id WHERE n.signed_at IS NOT NULL"
            )
        }
        kept_drafts = {r[0] for r in conn.execute("SELECT id FROM note_draft")}
    finally:
        conn.close()
    assert acked <= signed and len(acked) == sum(per_process)
    assert drafts <= kept_drafts
    engine = make_engine(db)
    try:
        with engine.connect() as conn2:
            chain = audit_chain.verify(conn2)
    finally:
        engine.dispose()
    assert chain.ok, chain.problems
    assert chain.waiting == 0
    print(
        f"\ntwo processes: {SECONDS:.0f} s, saves acknowledged {per_process} (each = 2 draft saves, 1 read, 1 "
        f"sign), all {len(acked)} signed notes present, slowest cycle {max(float(d[2]) for d in done):.3f} s, "
        f"{side_runs} backups and 1 check alongside, 0 'database is locked'"
    )
