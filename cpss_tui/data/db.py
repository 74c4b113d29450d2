"""The one engine factory and the two kinds of unit of work (read, write).

Every connection gets its pragmas from `cpss_tui.data.sqlite.install`. Sessions are short: one per unit of
work, never shared between threads (a Textual thread worker opens its own). `expire_on_commit=False` plus
plain dataclasses at the edges means no lazy load ever happens after a session is closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, bindparam, create_engine, update
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from cpss_tui.data import audit_chain, sqlite
from cpss_tui.data.models import AuditActor
from cpss_tui.errors import DatabaseError
from cpss_tui.locations import ensure_private_file

__all__ = ["DatabaseError", "make_engine", "read_session", "write_session"]


def make_engine(path: Path, key: bytes | None = None) -> Engine:
    """Open (creating private to the user if new) the SQLite file at `path`; with `key`, a SQLCipher file.

    `hide_parameters=True` keeps member data out of exception messages and logs (storage.md, Privacy).
    `key` is the raw 32-byte key from `data/crypto.py`: every pooled connection is opened through SQLCipher
    (`sqlcipher3`), silenced and keyed before SQLAlchemy sees it; a wrong key fails on the first connection.
    Plain files keep the standard library's driver.
    """
    ensure_private_file(path)
    timeout = sqlite.BUSY_TIMEOUT_MS / 1000
    pool = {"hide_parameters": True, "poolclass": QueuePool, "pool_size": 4, "max_overflow": 4}
    if key is None:
        engine = create_engine(
            f"sqlite+pysqlite:///{path}",
            connect_args={"check_same_thread": False, "timeout": timeout},
            **pool,
        )
    else:
        engine = create_engine(
            "sqlite+pysqlite://",
            module=sqlite.cipher_module(),
            creator=lambda: sqlite.connect_keyed(path, key, check_same_thread=False, timeout=timeout),
            **pool,
        )
        sqlite.remember_key(engine, key, path)
    sqlite.install(engine)
    return engine


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A short read-only unit of work (deferred BEGIN).

    Closing the session ends the transaction and detaches the rows with their loaded values intact.
    """
    with Session(engine, expire_on_commit=False, autoflush=False) as session:
        yield session


# The audit triggers read the acting staff id from this one-row table (see data/sqlite.py).
_SET_ACTOR = update(AuditActor.__table__).where(AuditActor.__table__.c.id == 1).values(staff_id=bindparam("actor"))


@contextmanager
def write_session(engine: Engine, actor: str | None = None) -> Iterator[Session]:
    """A write unit of work: BEGIN IMMEDIATE, audit actor set, audit entries sealed, committed if the block ends
    normally.

    `actor` is the staff id the audit triggers record for every change made inside the block.
    """
    with Session(engine, expire_on_commit=False, autoflush=False) as session:
        conn = session.connection(execution_options={sqlite.BEGIN_OPTION: "IMMEDIATE"})
        try:
            # Core statements on the session's connection: the ORM's bulk-update machinery costs more than
            # the write itself (note save latency, issue "Fast at agency scale").
            conn.execute(_SET_ACTOR, {"actor": actor})
            yield session
            session.flush()
            # Seal the audit entries this transaction's triggers wrote (and any another program left
            # unsealed) in the same transaction: see data/audit_chain.py.
            audit_chain.seal_pending(conn)
            conn.execute(_SET_ACTOR, {"actor": None})
            session.commit()
        except BaseException:
            session.rollback()
            raise
