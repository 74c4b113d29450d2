"""Reading the audit log (written by the database's own triggers): who changed which record, when, and how.

`cpss-tui audit [--member ID]` prints it; a member's entries include everything attached to them (notes,
goals, attempts, visits, authorizations...), because the triggers record the member each change concerns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from cpss_tui.data.db import read_session
from cpss_tui.data.models import AuditLog, Staff


@dataclass(frozen=True)
class AuditEntry:
    """One change: when (UTC), who, what (table, record, action) and the values (old/new for an update)."""

    seq: int
    at_utc: str
    staff: str
    table: str
    record_id: str
    member_id: str | None
    action: str
    changes: dict[str, Any]


def audit_entries(engine: Engine, member_id: str | None = None) -> Iterator[AuditEntry]:
    """Audit entries in the order they were written, all or those concerning one member."""
    with read_session(engine) as session:
        names = {s.id: f"{s.name} ({s.id})" for s in session.scalars(select(Staff))}
        stmt = select(AuditLog).order_by(AuditLog.seq)
        if member_id is not None:
            stmt = stmt.where(AuditLog.member_id == member_id)
        for row in session.scalars(stmt).yield_per(1000):
            yield AuditEntry(
                seq=row.seq or 0,
                at_utc=row.at_utc,
                staff=names.get(row.staff_id or "", row.staff_id or "no staff recorded"),
                table=row.table_name,
                record_id=row.record_id,
                member_id=row.member_id,
                action=row.action,
                changes=json.loads(row.changes or "{}"),
            )


RESTORE_TABLE = "database_restore"  # one row per `cpss-tui restore`, written into the restored file


def format_entry(entry: AuditEntry) -> str:
    """One line per entry: time, who, action, table/record, then the changed fields (a restore in words)."""
    if entry.table == RESTORE_TABLE and entry.action == "insert":
        c = entry.changes
        who = f"OS user {c['os_user']}" if c.get("os_user") else "OS user unknown"
        kept = f"; kept as {c['kept']}" if c.get("kept") else ""
        return (
            f"{entry.at_utc}  {entry.staff} ({who})  restore of the whole database from {c.get('source')}, "
            f"schema {c.get('from_schema')}; it replaced {c.get('replaced')}{kept}"
        )
    if entry.action == "update":
        detail = "; ".join(f"{k}: {json.dumps(v[0])} -> {json.dumps(v[1])}" for k, v in entry.changes.items())
    else:
        detail = ", ".join(f"{k}={json.dumps(v)}" for k, v in entry.changes.items())
    return f"{entry.at_utc}  {entry.staff}  {entry.action} {entry.table}/{entry.record_id}  {detail}"
