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
import weakref
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
    # SQLite's default, stated because the SQLCipher build (sqlcipher3) turns recursive triggers on: the
    # triggers below are written for the default, on encrypted and plain files alike.
    "PRAGMA recursive_triggers = OFF",
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


# --- SQLCipher (encryption at rest; keys come from data/crypto.py) ----------------------------------------

# Silences SQLCipher's own log lines ("ERROR CORE ... hmac check failed") that a wrong key would print on
# stderr over the TUI; must run before the key (storage.md). A wrong key then reads as "file is not a database".
CIPHER_QUIET = "PRAGMA cipher_log_level = NONE"
# The first statement that reads the file: it fails on a wrong key, so the key is checked at connect time.
KEY_CHECK = "SELECT count(*) FROM sqlite_master"

# The raw key of each encrypted engine, for the code that opens more files with the same key (backups,
# restores). Weak: a disposed and dropped engine takes its key with it.
_ENGINE_KEYS: weakref.WeakKeyDictionary[Engine, tuple[bytes, Path]] = weakref.WeakKeyDictionary()


def key_statement(key: bytes) -> str:
    """`PRAGMA key` with a raw 32-byte key (`x'<hex>'`: SQLCipher runs no KDF of its own on it)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def cipher_module() -> Any:
    """The SQLCipher DB-API module (`sqlcipher3`, imported only when an encrypted file is opened)."""
    import sqlcipher3.dbapi2

    return sqlcipher3.dbapi2


def connect_keyed(path: Path, key: bytes, **kwargs: Any) -> Any:
    """A SQLCipher connection to `path`, quiet and keyed; raises the driver's DatabaseError on a wrong key."""
    conn = cipher_module().connect(str(path), **kwargs)
    try:
        conn.execute(CIPHER_QUIET)
        conn.execute(key_statement(key))
        conn.execute(KEY_CHECK).fetchall()
    except BaseException:
        conn.close()
        raise
    return conn


def remember_key(engine: Engine, key: bytes, path: Path) -> None:
    """Record that `engine`'s database, the file at `path`, is encrypted with `key` (see `engine_key`)."""
    _ENGINE_KEYS[engine] = (key, path)


def engine_key(engine: Engine) -> bytes | None:
    """The raw key of an encrypted engine's database, or None for a plain one."""
    found = _ENGINE_KEYS.get(engine)
    return None if found is None else found[0]


def engine_path(engine: Engine) -> Path | None:
    """The file of an engine's database (its key file sits beside it), or None for an in-memory one."""
    found = _ENGINE_KEYS.get(engine)
    if found is not None:
        return found[1]
    name = engine.url.database
    return Path(name) if name and name != ":memory:" else None


def connect_like(path: Path, like: Engine) -> Any:
    """A DB-API connection to `path` with `like`'s driver, keyed with `like`'s key when it has one.

    A plain file (one that starts with SQLite's header) is opened without a key even from an encrypted engine,
    so a backup taken before `encrypt` can still be inspected.
    """
    key = engine_key(like)
    if key is not None and not is_plain_file(path):
        return connect_keyed(path, key)
    return like.dialect.dbapi.connect(str(path))  # type: ignore[union-attr]


def is_plain_file(path: Path) -> bool:
    """True when `path` starts with SQLite's plain header (an unencrypted database); False if empty or missing."""
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except FileNotFoundError:
        return False


def export_encrypted(plain: Path, target: Path, key: bytes) -> None:
    """Write an encrypted copy of the plain database `plain` to `target` (sqlcipher_export, storage.md).

    `target` must be new or empty; it is created 0600 first. Schema, rows, triggers and user_version are copied;
    the triggers are created after the rows, so the copy writes no audit entries of its own.
    """
    ensure_private_file(target)
    conn = cipher_module().connect(str(plain), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.isolation_level = None
        conn.execute(CIPHER_QUIET)
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
        conn.execute("SELECT sqlcipher_export('encrypted')").fetchall()
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()


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


LOCK_MESSAGE_REVIEW = "a note review is permanent; only its answering addendum is linked, once"
LOCK_MESSAGE_REVIEW_UNSIGNED = "only a signed note can be reviewed"
_REVIEW_FIXED = ("id", "note_id", "reviewer_id", "reviewed_at_utc", "outcome", "comment", "created_at")


def review_trigger_statements() -> list[str]:
    """Triggers keeping supervisors' note reviews permanent and closing a returned note's task.

    A review is only of a signed note, is never deleted, and accepts one change: linking the first addendum
    written to its note after it was returned. That link is made here, by the database, when the addendum is
    inserted, so every path that adds an addendum (the app, a bundle import) closes the specialist's task.
    """
    unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _REVIEW_FIXED)
    allowed = (
        f"OLD.outcome = 'returned' AND OLD.resolved_by_addendum_id IS NULL AND {unchanged} "
        "AND (SELECT note_id FROM note_addendum WHERE id = NEW.resolved_by_addendum_id) = OLD.note_id"
    )
    now = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"  # the layout SQLAlchemy's DateTime writes on SQLite
    return [
        f"""CREATE TRIGGER IF NOT EXISTS trg_note_review_signed_only BEFORE INSERT ON note_review
        WHEN (SELECT signed_at FROM note WHERE id = NEW.note_id) IS NULL
        BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_REVIEW_UNSIGNED}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_note_review_update BEFORE UPDATE ON note_review
        WHEN NOT ({allowed}) BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_REVIEW}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_note_review_delete BEFORE DELETE ON note_review
        BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_REVIEW}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_note_review_resolve AFTER INSERT ON note_addendum BEGIN
        UPDATE note_review SET resolved_by_addendum_id = NEW.id, updated_at = {now}
        WHERE note_id = NEW.note_id AND outcome = 'returned' AND resolved_by_addendum_id IS NULL; END""",
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


# A damaged page can put invalid UTF-8 into integrity_check's messages: read them as bytes.
INTEGRITY_CHECK = "SELECT CAST(integrity_check AS BLOB) FROM pragma_integrity_check"


def integrity_messages(rows: Iterable[Sequence[Any]]) -> list[str]:
    """integrity_check's rows as text (undecodable bytes replaced): `["ok"]` when the file is sound."""
    return [bytes(r[0]).decode("utf-8", "replace") for r in rows]


def integrity_problems(conn: Connection) -> list[str]:
    """`PRAGMA integrity_check` in words: an empty list when SQLite finds the file sound."""
    rows = integrity_messages(conn.exec_driver_sql(INTEGRITY_CHECK).all())
    return [] if rows == ["ok"] else rows


def foreign_key_problems(conn: Connection) -> list[str]:
    """`PRAGMA foreign_key_check` in words: one line per row pointing at a record that is not there."""
    return [
        f"{table} row {rowid}: refers to a missing {parent} record"
        for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    ]


LOCK_MESSAGE_SEAL = "the audit seals are append-only"
SEAL_TRIGGERS = ("trg_seal_update", "trg_seal_delete")


def seal_trigger_statements() -> list[str]:
    """Triggers keeping the audit hash chain (`audit_seal`) append-only, like the log it seals.

    SQLite has no SHA-256 in SQL, so the seals are computed by the app (`cpss_tui.data.audit_chain`); the
    database only refuses to let a seal be changed or removed once written.
    """
    return [
        f"""CREATE TRIGGER IF NOT EXISTS trg_seal_update BEFORE UPDATE ON audit_seal
        BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_SEAL}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_seal_delete BEFORE DELETE ON audit_seal
        BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE_SEAL}'); END""",
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
