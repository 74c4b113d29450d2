"""Bring a database file to the current schema, safely.

On start the app calls `open_database`: a new file is created private to the user and upgraded to head; a file
behind head is first copied into its backup folder with SQLite's online backup API, then upgraded; a file from a newer
version of the app is refused with a clear message rather than opened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from cpss_tui.data import backup as backups
from cpss_tui.data.db import DatabaseError, make_engine
from cpss_tui.locations import MIGRATIONS_DIR

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision in migrations/versions (tests/data/test_migrations.py checks they agree). Knowing it
# without alembic lets a start-up on an up-to-date file skip importing alembic (and mako, pygments) at all.
HEAD_REVISION = "0006"


def alembic_config() -> Config:
    """Alembic configuration pointing at the project's `migrations/` folder."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest schema revision this version of the app knows, read from migrations/versions."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the file, or None for a file alembic never touched (plain SQL: no alembic)."""
    with engine.connect() as conn:
        if not conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
        ).first():
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> set[str]:
    """Every revision in `migrations/versions`."""
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` on the engine's database."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@dataclass(frozen=True)
class OpenResult:
    """What `open_database` did, for the caller to report."""

    engine: Engine
    upgraded_from: str | None
    backup: Path | None
    created: bool
    auto_backup: Path | None = None  # the day's backup, when this start took it


def _start_backup(engine: Engine, db_path: Path, now: datetime | None) -> Path | None:
    """The day's automatic backup (data/backup.py); a failure is logged and never stops the start."""
    try:
        return backups.automatic(engine, db_path, now)
    except Exception as exc:  # a full disk must not keep the user from their records
        logging.getLogger(__name__).warning("automatic backup failed: %s", exc.__class__.__name__)
        return None


def open_database(
    db_path: Path, *, now: datetime | None = None, auto_backup: bool = True, key: bytes | None = None
) -> OpenResult:
    """Open the file at `db_path`, creating or upgrading it to head (backup first when upgrading).

    An up-to-date file gets the day's automatic backup when the last is a day old (`now` for tests). `key` is
    the raw key of an encrypted database (data/crypto.py); a wrong one is refused in words.
    """
    created = not db_path.exists() or db_path.stat().st_size == 0
    engine = make_engine(db_path, key)
    try:
        current = current_revision(engine)
    except Exception as exc:  # not a SQLite file, or unreadable
        engine.dispose()
        if key is not None and "not a database" in str(exc):
            raise DatabaseError(f"wrong passphrase for {db_path}") from None
        reason = getattr(exc, "orig", None) or exc.__class__.__name__  # SQLite's words, never record contents
        raise DatabaseError(f"{db_path}: not a cpss-tui database ({reason})") from exc
    if current == HEAD_REVISION:
        auto = _start_backup(engine, db_path, now) if auto_backup else None
        return OpenResult(engine, None, None, False, auto)
    if current is not None and current not in known_revisions():
        engine.dispose()
        raise DatabaseError(
            f"{db_path}: written by a newer version of cpss-tui (schema {current}); update cpss-tui to open it"
        )
    if current is None and not created:
        tables = set(inspect(engine).get_table_names())
        if tables:
            engine.dispose()
            raise DatabaseError(
                f"{db_path}: holds tables but no cpss-tui schema version; refusing to touch it"
            )
    backup = None
    if current is not None:
        backup = backups.take(engine, db_path, backups.PRE_MIGRATION, now, label=f"from-{current}")
    upgrade(engine)
    return OpenResult(engine, current, backup, created)
