"""Everything SQLite-specific, in one place: connection pragmas, transaction start, triggers, online backup.

The rest of the data layer writes portable SQLAlchemy expressions so that it can later also serve the agency's
PostgreSQL server; what only SQLite needs or understands lives here.

- Pragmas (storage.md, "Durability and concurrency"): `foreign_keys=ON` (off by default in SQLite),
  `journal_mode=WAL` with `synchronous=FULL` (WAL + NORMAL may lose the last transactions on power loss),
  and a busy timeout, on every connection.
- Writes start with `BEGIN IMMEDIATE` so a transaction never has to upgrade a read lock (which fails at once
  with "database is locked" whatever the busy timeout); reads start with a plain deferred `BEGIN`.
- Triggers make the file protect itself whatever program opens it: signed notes and addenda cannot be
  changed or deleted (N-3), the audit log is append-only, and every change to a clinical record is logged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event

from cpss_tui.locations import ensure_private_file

BUSY_TIMEOUT_MS = 10_000
PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
)
# Execution option read by the "begin" listener: DEFERRED (reads) or IMMEDIATE (writes).
BEGIN_OPTION = "sqlite_begin"


def install(engine: Engine) -> None:
    """Attach the pragma and transaction-start listeners to a SQLite engine."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # We emit BEGIN ourselves (below); pysqlite's implicit transactions would defeat BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def online_backup(source: Path, target: Path) -> None:
    """Copy a live database with SQLite's online backup API (never a file copy, which can mix pages).

    The target is created private to the user (0600) before SQLite opens it.
    """
    ensure_private_file(target)
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


# --- Triggers ---------------------------------------------------------------------------------------------

LOCK_MESSAGE_NOTE = "N-3: a signed note is locked; corrections are addenda"
LOCK_MESSAGE_ADDENDUM = "N-3: an addendum is permanent"
LOCK_MESSAGE_AUDIT = "the audit log is append-only"
LOCK_MESSAGE_NOTE_GOAL = "N-3: the goals of a signed note are locked"


def lock_trigger_statements() -> list[str]:
    """Triggers that refuse changes to locked records (N-3) and to the audit log."""
    return [
        f"""CREATE TRIGGER IF NOT EXISTS trg_note_locked_update BEFORE UPDATE ON note
        WHEN OLD.signed_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_NOTE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_note_locked_delete BEFORE DELETE ON note
        WHEN OLD.signed_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_NOTE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_note_addendum_update BEFORE UPDATE ON note_addendum
        BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_ADDENDUM}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_note_addendum_delete BEFORE DELETE ON note_addendum
        BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_ADDENDUM}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_note_goal_locked_delete BEFORE DELETE ON note_goal
        WHEN (SELECT signed_at FROM note WHERE id = OLD.note_id) IS NOT NULL
        BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_NOTE_GOAL}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_note_goal_locked_update BEFORE UPDATE ON note_goal
        WHEN (SELECT signed_at FROM note WHERE id = OLD.note_id) IS NOT NULL
        BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_NOTE_GOAL}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_audit_log_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_AUDIT}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_audit_log_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_AUDIT}'); END""",
    ]


@dataclass(frozen=True)
class AuditedTable:
    """How to audit one table: its columns, its record key and how to find the member it concerns.

    `key` and `member` are SQL expressions over a row alias `{r}` (NEW or OLD).
    """

    name: str
    columns: Sequence[str]
    key: str = "{r}.id"
    member: str = "NULL"


# Timestamps change on every write; a change of only these is not worth an audit entry.
_QUIET_COLUMNS = frozenset({"created_at", "updated_at"})


def _json_object(columns: Iterable[str], row: str) -> str:
    return "json_object(" + ", ".join(f"'{c}', {row}.{c}" for c in columns) + ")"


def audit_trigger_statements(table: AuditedTable) -> list[str]:
    """INSERT/UPDATE/DELETE triggers writing one audit_log row per change, with old and new values.

    The acting staff member comes from the one-row `audit_actor` table the app sets per write transaction.
    """
    t = table.name
    loud = [c for c in table.columns if c not in _QUIET_COLUMNS]
    actor = "(SELECT staff_id FROM audit_actor WHERE id = 1)"
    now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    cols = "at_utc, staff_id, table_name, record_id, member_id, action, changes"

    def row_values(r: str, action: str, changes: str) -> str:
        return (
            f"VALUES ({now}, {actor}, '{t}', {table.key.format(r=r)}, {table.member.format(r=r)}, "
            f"'{action}', {changes})"
        )

    diff_rows = " UNION ALL ".join(
        f"SELECT '{c}' AS k, json_array(OLD.{c}, NEW.{c}) AS v WHERE OLD.{c} IS NOT NEW.{c}" for c in loud
    )
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in loud)
    return [
        f"""CREATE TRIGGER IF NOT EXISTS trg_audit_{t}_insert AFTER INSERT ON {t} BEGIN
        INSERT INTO audit_log ({cols}) {row_values("NEW", "insert", _json_object(loud, "NEW"))}; END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_audit_{t}_update AFTER UPDATE ON {t} WHEN {changed} BEGIN
        INSERT INTO audit_log ({cols}) {
            row_values("NEW", "update", f"(SELECT json_group_object(k, json(v)) FROM ({diff_rows}))")
        }; END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_audit_{t}_delete AFTER DELETE ON {t} BEGIN
        INSERT INTO audit_log ({cols}) {row_values("OLD", "delete", _json_object(loud, "OLD"))}; END""",
    ]


def drop_trigger_statements(names: Iterable[str]) -> list[str]:
    """DROP statements for the given trigger names (used by downgrades)."""
    return [f"DROP TRIGGER IF EXISTS {n}" for n in names]


@contextmanager
def audit_triggers_suspended(connection: Connection, source: str, counts: dict[str, int]) -> Iterator[None]:
    """Bulk load without per-row audit entries, inside the caller's transaction.

    Only for writing synthetic data into an empty database (`cpss-tui demo`): per-row audit entries would
    double the cost of a quarter of a million notes and say nothing an auditor needs. The audit triggers are
    dropped and re-created in the same transaction (SQLite DDL is transactional: if the load fails, the
    rollback restores them), and the log gets one entry per table saying how many rows `source` wrote.
    The record-lock triggers (N-3) stay in force throughout.
    """
    saved = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'trg_audit_%' ORDER BY name"
    ).all()
    for name, _sql in saved:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    for _name, sql in saved:
        connection.exec_driver_sql(sql)
    for table, rows in sorted(counts.items()):
        connection.exec_driver_sql(
            "INSERT INTO audit_log (at_utc, staff_id, table_name, record_id, member_id, action, changes) "
            "VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), NULL, ?, '*', NULL, 'insert', "
            "json_object('rows', ?, 'source', ?))",
            (table, rows, source),
        )
