"""The audit log's hash chain: alteration of the log becomes detectable (ONC §170.315(d)(2), storage.md).

Design, and why:
- The database triggers write `audit_log` rows (data/sqlite.py) and SQLite has no SHA-256 in SQL. Making the
  triggers call an app-registered function would break every write from another program (the sqlite3 shell
  would fail with "no such function") and would hide nothing from someone who drops the triggers anyway.
- So the chain lives in a separate table, `audit_seal` (seq, hash): seal n is
  SHA-256(seal n-1 + "\\n" + the canonical JSON of entry n), starting from 64 zeros. `audit_log` itself stays
  strictly append-only; the seals are append-only too (triggers refuse UPDATE and DELETE).
- The app seals every entry not yet sealed inside each write transaction, just before COMMIT
  (`db.write_session` calls `seal_pending`), so what the app writes is sealed atomically with it. Entries written
  by another program (the sqlite3 shell, with the triggers in force) stay unsealed until the app's next write
  seals them, in order; `check` reports them as waiting, not as a problem.
- `verify` recomputes the chain: an edited entry, a deleted one (its seal left or removed) and two entries
  swapped all break it at that point; an entry slipped in below the sealed part is reported too.

Limits (said in the README): someone able to rewrite the file can also rewrite the whole chain from the edit
on, and removing the newest sealed entries together with their seals leaves a valid shorter chain. Both show
against a backup: `check` compares each backup's last seal with the chain (services/check.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, text

from cpss_tui.data.models import AuditSeal

GENESIS = "0" * 64
_ENTRY_COLUMNS = "seq, at_utc, staff_id, table_name, record_id, member_id, action, changes"

# One statement on the common path: the unsealed entries (none, usually) with the chain's last hash.
_PENDING = text(
    f"SELECT {_ENTRY_COLUMNS}, (SELECT hash FROM audit_seal ORDER BY seq DESC LIMIT 1) AS prev "
    "FROM audit_log WHERE seq > coalesce((SELECT max(seq) FROM audit_seal), 0) ORDER BY seq"
)
_INSERT_SEAL = insert(AuditSeal.__table__)  # type: ignore[attr-defined]


def canonical(entry: Sequence[Any]) -> bytes:
    """The bytes sealed for one entry: its columns in a fixed order, as compact JSON."""
    return json.dumps(list(entry), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def link(prev: str, entry: Sequence[Any]) -> str:
    """The seal of `entry` following the seal `prev`."""
    return hashlib.sha256(prev.encode("ascii") + b"\n" + canonical(entry)).hexdigest()


def seal_pending(conn: Connection) -> int:
    """Seal, in order, every audit entry written since the last seal; returns how many were sealed.

    Runs inside the caller's write transaction (BEGIN IMMEDIATE), so two processes never seal concurrently.
    """
    rows = conn.execute(_PENDING).all()
    if not rows:
        return 0
    prev = rows[0][-1] or GENESIS
    seals = []
    for row in rows:
        prev = link(prev, row[:-1])
        seals.append({"seq": row[0], "hash": prev})
    conn.execute(_INSERT_SEAL, seals)
    return len(seals)


@dataclass
class ChainReport:
    """What `verify` found: sealed and waiting entry counts, and each break in words."""

    sealed: int = 0
    waiting: int = 0
    last_seal: tuple[int, str] | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(conn: Connection) -> ChainReport:
    """Recompute the chain over the whole log (streamed, in seq order) and compare it with the seals."""
    report = ChainReport()
    sealed_through = conn.execute(text("SELECT coalesce(max(seq), 0) FROM audit_seal")).scalar_one()
    result = conn.execution_options(yield_per=2000).execute(
        text(
            f"SELECT {', '.join('l.' + c.strip() for c in _ENTRY_COLUMNS.split(','))}, s.hash "
            "FROM audit_log l LEFT JOIN audit_seal s ON s.seq = l.seq ORDER BY l.seq"
        )
    )
    prev = GENESIS
    for row in result:
        seq, stored = row[0], row[-1]
        if stored is None:
            if seq < sealed_through:
                report.problems.append(f"audit entry #{seq} was added inside the sealed part of the log")
            else:
                report.waiting += 1
            continue
        report.sealed += 1
        if link(prev, row[:-1]) != stored:
            report.problems.append(
                f"audit entry #{seq} does not match its seal: it was altered, or an entry before it was "
                "deleted or moved"
            )
        prev = stored  # go on from the stored seal, so one break is reported once
        report.last_seal = (seq, stored)
    for (seq,) in conn.execute(
        text("SELECT seq FROM audit_seal WHERE seq NOT IN (SELECT seq FROM audit_log) ORDER BY seq")
    ):
        report.problems.append(f"audit entry #{seq} was deleted (its seal remains)")
    return report


def seal_of(conn: Connection, seq: int) -> str | None:
    """The stored seal of entry `seq`, if any (used to compare with a backup's chain)."""
    value = conn.execute(text("SELECT hash FROM audit_seal WHERE seq = :seq"), {"seq": seq}).scalar()
    return None if value is None else str(value)
