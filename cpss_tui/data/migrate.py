"""Bring a database file to the current schema, safely.

On start the app calls `open_database`: a new file is created private to the user and upgraded to head; a file
behind head is first copied next to itself with SQLite's online backup API, then upgraded; a file from a newer
version of the app is refused with a clear message rather than opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from cpss_tui.data import sqlite
from cpss_tui.data.db import DatabaseError, make_engine
from cpss_tui.locations import MIGRATIONS_DIR

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision in migrations/versions (tests/data/test_migrations.py checks they agree). Knowing it
# without alembic lets a start-up on an up-to-date file skip importing alembic (and mako, pygments) at all.
HEAD_REVISION = "0002"


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


def backup_path_for(db_path: Path, revision: str | None) -> Path:
    """Where the pre-migration copy goes: next to the database, named by old revision and UTC time."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return db_path.with_name(f"{db_path.name}.pre-migration-{revision or 'none'}-{stamp}.bak")


@dataclass(frozen=True)
class OpenResult:
    """What `open_database` did, for the caller to report."""

    engine: Engine
    upgraded_from: str | None
    backup: Path | None
    created: bool


def open_database(db_path: Path) -> OpenResult:
    """Open the file at `db_path`, creating or upgrading it to head (backup first when upgrading)."""
    created = not db_path.exists() or db_path.stat().st_size == 0
    engine = make_engine(db_path)
    try:
        current = current_revision(engine)
    except Exception as exc:  # not a SQLite file, or unreadable
        engine.dispose()
        raise DatabaseError(f"{db_path}: not a cpss-tui database ({exc.__class__.__name__})") from exc
    if current == HEAD_REVISION:
        return OpenResult(engine, None, None, False)
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
        backup = backup_path_for(db_path, current)
        sqlite.online_backup(db_path, backup)
    upgrade(engine)
    return OpenResult(engine, current, backup, created)
