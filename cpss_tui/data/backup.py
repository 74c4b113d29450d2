"""Backups: copies of the live database through SQLite's online backup API, taken, rotated and restored.

Why it looks like this:
- Copying a live file can mix old and new pages (storage.md): every copy goes through the backup API, from the
  engine's own driver connection. The target is opened by `_open_target` alone, with the engine's driver, so
  an encrypted database's backups are written by the same driver and (once keyed there) stay encrypted.
- A copy is written to `NAME.part` and renamed when complete, so a crash never leaves a half backup that looks
  whole; files are 0600 in a 0700 folder beside the database (`locations.backup_dir_for`).
- At start (`migrate.open_database`) a backup is taken when the last is a day old or more. Deciding costs one
  `stat` of a stamp file in the folder (its mtime is the last backup's time), never a read of the database.
- Rotation keeps the newest backup of each of the last N days and of each of the last M weeks (settings
  `backup.keep_daily`, `backup.keep_weekly`). Copies taken before a migration or a restore are kept: they are
  the way back from a step the app took on its own.
- `restore` checks a file before it touches anything (a SQLite file, integrity_check ok, a cpss-tui schema
  this version knows), keeps the current database as a backup, then copies the file in with the backup API
  (safe while another process has the database open) and migrates it to the current schema. A current file
  that cannot be opened as a cpss-tui database (garbage, damaged pages) does not stop a restore: it is set
  aside, as it is, into the backup folder (`restore_file`). Every restore writes a `database_restore` row into
  the restored database, so its audit log says when, by which OS account, from which file and what was kept.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from cpss_tui.data import sqlite
from cpss_tui.locations import backup_dir_for, ensure_private_dir, ensure_private_file

AUTO = "auto"
MANUAL = "manual"
PRE_MIGRATION = "pre-migration"
PRE_RESTORE = "pre-restore"
KINDS = (AUTO, MANUAL, PRE_MIGRATION, PRE_RESTORE)
ROTATED = (AUTO, MANUAL)  # the others are kept
INTERVAL = timedelta(days=1)
STAMP_FILE = ".last-backup"
KEEP_DAILY_DEFAULT = 7
KEEP_WEEKLY_DEFAULT = 8

_STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<kind>" + "|".join(KINDS) + r")-(?P<stamp>\d{8}T\d{12}Z)(?:-[A-Za-z0-9._-]+)?\.db$"
)


class BackupError(Exception):
    """A backup or restore problem worth telling the user in one line (names the file)."""


class NewerSchemaError(BackupError):
    """The file is sound but written by a newer cpss-tui: never to be treated as damaged."""


@dataclass(frozen=True)
class BackupFile:
    """One backup in a database's backup folder, known by its name."""

    path: Path
    kind: str
    taken_at: datetime


def _now(now: datetime | None) -> datetime:
    return now.astimezone(UTC) if now is not None else datetime.now(UTC)


def _open_target(path: Path, like: Engine, create: bool = True) -> Any:
    """A DB-API connection to `path` through the same driver as `like`'s database (created 0600 if new).

    The one place a backup, or a file to restore, is opened: the encryption work keys the connection here,
    so that copies of an encrypted database are encrypted with the same key. `create=False` for a file that
    must already exist (a file to restore), which is then only read.
    """
    if create:
        ensure_private_file(path)
    return sqlite.connect_like(path, like)  # keyed with `like`'s key when its database is encrypted


def backup_to(engine: Engine, target: Path) -> Path:
    """Copy the engine's database to `target` (replaced atomically if it exists) and return `target`."""
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    dst = _open_target(partial, like=engine)
    try:
        raw = engine.raw_connection()
        try:
            raw.driver_connection.backup(dst)  # type: ignore[union-attr]
        finally:
            raw.close()
        # A backup is one self-contained file: no -wal beside it.
        dst.execute("PRAGMA journal_mode = DELETE").fetchall()
    except BaseException:
        dst.close()
        partial.unlink(missing_ok=True)
        raise
    dst.close()
    os.replace(partial, target)
    return target


def list_backups(folder: Path) -> list[BackupFile]:
    """The backups in `folder`, newest first (files not named by this module are ignored)."""
    found: list[BackupFile] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match:
            taken = datetime.strptime(match["stamp"], _STAMP_FORMAT).replace(tzinfo=UTC)
            found.append(BackupFile(path, match["kind"], taken))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def take(engine: Engine, db_path: Path, kind: str, now: datetime | None = None, label: str = "") -> Path:
    """A backup of the engine's database into its backup folder; an `auto`/`manual` one restarts the day."""
    when = _now(now)
    folder = backup_dir_for(db_path)
    ensure_private_dir(folder)
    suffix = f"-{label}" if label else ""
    target = backup_to(engine, folder / f"{db_path.stem}-{kind}-{when.strftime(_STAMP_FORMAT)}{suffix}.db")
    if kind in ROTATED:
        stamp = folder / STAMP_FILE
        ensure_private_file(stamp)
        os.utime(stamp, (when.timestamp(), when.timestamp()))
    return target


def is_due(db_path: Path, now: datetime | None = None) -> bool:
    """True when no backup was taken in the last day: one stat of the folder's stamp file."""
    try:
        last = (backup_dir_for(db_path) / STAMP_FILE).stat().st_mtime
    except FileNotFoundError:
        return True
    return _now(now).timestamp() - last >= INTERVAL.total_seconds()


def retention(engine: Engine) -> tuple[int, int]:
    """(daily, weekly) backups to keep, from the settings; a missing or bad value means the default."""
    from cpss_tui.data import settings

    values = settings.get_all(engine)

    def count(key: str, default: int) -> int:
        value = values.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else default

    return (
        count(settings.BACKUP_KEEP_DAILY, KEEP_DAILY_DEFAULT),
        count(settings.BACKUP_KEEP_WEEKLY, KEEP_WEEKLY_DEFAULT),
    )


def rotate(folder: Path, keep_daily: int, keep_weekly: int) -> list[Path]:
    """Delete the rotated backups that are neither the newest of one of the last `keep_daily` days nor of
    one of the last `keep_weekly` ISO weeks; returns the deleted paths. Pre-migration/restore copies stay."""
    keep: set[Path] = set()
    days: set[object] = set()
    weeks: set[object] = set()
    rotated = [b for b in list_backups(folder) if b.kind in ROTATED]
    for b in rotated:  # newest first: the first seen of a day or a week is its newest
        day = b.taken_at.date()
        week = day.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(b.path)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            keep.add(b.path)
    removed = [b.path for b in rotated if b.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def automatic(engine: Engine, db_path: Path, now: datetime | None = None) -> Path | None:
    """The start-up backup: taken and rotated when the last is a day old, else nothing (one stat)."""
    if not is_due(db_path, now):
        return None
    path = take(engine, db_path, AUTO, now)
    rotate(backup_dir_for(db_path), *retention(engine))
    return path


# --- checking and restoring a file ------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupInfo:
    """What `inspect_file` learnt about a candidate file."""

    path: Path
    revision: str
    audit_entries: int


def inspect_file(path: Path, like: Engine) -> BackupInfo:
    """Check that `path` is a sound cpss-tui database this version can open; BackupError says why not.

    The file is opened with the engine's driver and only read.
    """
    from cpss_tui.data.migrate import known_revisions

    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise BackupError(f"{path}: is empty, not a cpss-tui database")
    try:
        # Opening is inside the check: a keyed open of a file that is not a database fails right there.
        conn = _open_target(path, like=like, create=False)
    except like.dialect.dbapi.DatabaseError as exc:  # type: ignore[union-attr]
        raise BackupError(f"{path}: not a readable SQLite database ({exc})") from None
    try:
        try:
            verdict = sqlite.integrity_messages(conn.execute(sqlite.INTEGRITY_CHECK).fetchall())
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except like.dialect.dbapi.DatabaseError as exc:  # type: ignore[union-attr]
            raise BackupError(f"{path}: not a readable SQLite database ({exc})") from None
        except UnicodeDecodeError:  # SQLite's own message quoted damaged bytes
            raise BackupError(f"{path}: not a readable SQLite database (damaged pages)") from None
        if verdict != ["ok"]:
            raise BackupError(f"{path}: fails SQLite's integrity check ({verdict[0]})")
        if "alembic_version" not in tables or not {"note", "member", "audit_log"} <= tables:
            raise BackupError(f"{path}: a SQLite database, but not a cpss-tui database")
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision is None:
            raise BackupError(f"{path}: has no cpss-tui schema version")
        if revision[0] not in known_revisions():
            raise NewerSchemaError(
                f"{path}: written by a newer version of cpss-tui (schema {revision[0]}); "
                "update cpss-tui to restore it"
            )
        entries = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        return BackupInfo(path, str(revision[0]), int(entries))
    finally:
        conn.close()


REPLACED_DATABASE = "the database"
NOTHING_REPLACED = "no database (there was no file to replace)"


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the file restored, what it replaced and where that was kept, the schema moves."""

    source: Path
    kept: Path | None  # None when there was nothing to keep
    from_revision: str
    migrated: bool
    replaced: str = REPLACED_DATABASE  # in words: the database, or the unreadable file that stood in its place


def restore(engine: Engine, db_path: Path, source: Path, now: datetime | None = None) -> RestoreResult:
    """Replace the engine's database by the content of `source`, after checking it and backing up the current.

    The copy goes through the backup API into the live database (a single write transaction there), so a
    second app process with the file open sees either the old or the restored content, never a mix.
    """
    from cpss_tui.data import settings
    from cpss_tui.data.migrate import HEAD_REVISION, upgrade

    if source.resolve() == db_path.resolve():
        raise BackupError(f"{source}: is the database itself; name a backup file")
    info = inspect_file(source, like=engine)
    _refuse_plain_into_encrypted(engine, db_path, source)
    kept = take(engine, db_path, PRE_RESTORE, now)
    src = _open_target(source, like=engine, create=False)
    try:
        raw = engine.raw_connection()
        try:
            src.backup(raw.driver_connection)
        finally:
            raw.close()
    finally:
        src.close()
    engine.dispose()  # pooled connections forget the replaced schema
    migrated = info.revision != HEAD_REVISION
    if migrated:
        upgrade(engine)
    # Backups taken before now hold another history of the audit log: `check` compares with later ones only.
    settings.put(engine, settings.BACKUP_RESTORED_AT, _now(now).isoformat())
    result = RestoreResult(source, kept, info.revision, migrated)
    record_restore(engine, result, now)
    return result


def _refuse_plain_into_encrypted(like: Engine, db_path: Path, source: Path) -> None:
    if sqlite.engine_key(like) is not None and sqlite.is_plain_file(source):
        # The backup API cannot copy between a plain and an encrypted file (SQLCipher refuses).
        raise BackupError(
            f"{source}: not encrypted, so it cannot be restored into the encrypted database {db_path}; "
            "restore it into a plain database, then run `cpss-tui encrypt`"
        )


def record_restore(engine: Engine, result: RestoreResult, now: datetime | None = None) -> None:
    """Write the restore into the restored database (`database_restore`): its audit trigger logs it, sealed."""
    import getpass

    from cpss_tui.data.db import write_session
    from cpss_tui.data.models import DatabaseRestore

    try:
        os_user: str | None = getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment: "who" is then unknown
        os_user = None
    with write_session(engine) as session:  # no staff actor: the command line does not know who is at it
        session.add(
            DatabaseRestore(
                restored_at_utc=_now(now).strftime("%Y-%m-%dT%H:%M:%SZ"),
                os_user=os_user,
                source=str(result.source.resolve()),
                kept=None if result.kept is None else str(result.kept),
                replaced=result.replaced,
                from_schema=result.from_revision,
            )
        )


# --- restoring when the current file cannot be opened -------------------------------------------------------

DAMAGED = "damaged"
_COMPANIONS = ("-wal", "-shm", "-journal")


def file_reader(db_path: Path, key: bytes | None) -> Engine:
    """An engine that is never connected, only read for its driver and key (`connect_like`, `inspect_file`):
    how a restore opens files when the database itself cannot be opened."""
    from sqlalchemy import create_engine

    if key is None:
        return create_engine("sqlite+pysqlite://")
    reader = create_engine("sqlite+pysqlite://", module=sqlite.cipher_module())
    sqlite.remember_key(reader, key, db_path)
    return reader


def damage_of(db_path: Path, like: Engine) -> str | None:
    """None when `db_path` is a sound cpss-tui database; "" when there is none (missing or empty); else what is
    wrong with it, in words. A sound file of a newer version raises NewerSchemaError: it is not damaged."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return ""
    try:
        inspect_file(db_path, like)
    except NewerSchemaError:
        raise
    except BackupError as exc:
        return str(exc).removeprefix(f"{db_path}: ")
    return None


def set_aside(db_path: Path, now: datetime | None = None) -> Path | None:
    """Move the file at `db_path` and its -wal/-shm/-journal into the backup folder (0600), untouched, so that
    none of them is ever applied to the file restored in its place; returns the main file's new path (or the
    first companion's when there was no main file), None when there was nothing."""
    import shutil

    folder = backup_dir_for(db_path)
    ensure_private_dir(folder)
    target = folder / f"{db_path.stem}-{DAMAGED}-{_now(now).strftime(_STAMP_FORMAT)}.db"
    kept: Path | None = None
    for suffix in ("", *_COMPANIONS):
        path = db_path.with_name(db_path.name + suffix)
        if not path.exists():
            continue
        dest = target.with_name(target.name + suffix)
        shutil.move(path, dest)  # a rename: the folder is beside the database
        os.chmod(dest, 0o600)
        kept = kept or dest
    return kept


def restore_file(
    db_path: Path, source: Path, key: bytes | None = None, now: datetime | None = None
) -> RestoreResult:
    """`cpss-tui restore`: restore `source` into `db_path` whether or not the current file can be opened.

    A sound current database goes through `restore` (kept as a pre-restore backup, copied over in place). A
    file that cannot be opened as a cpss-tui database (garbage, damaged pages, another program's file) is set
    aside into the backup folder as it is, after the source was checked and copied beside it; nothing is
    touched when the source is refused. `key` is the database's key when it is encrypted: a source that opens
    with it proves the passphrase right, so a current file that does not is damaged, not locked.
    """
    from cpss_tui.data import settings
    from cpss_tui.data.migrate import HEAD_REVISION, open_database

    if db_path.exists() and source.exists() and source.resolve() == db_path.resolve():
        raise BackupError(f"{source}: is the database itself; name a backup file")
    like = file_reader(db_path, key)
    try:
        info = inspect_file(source, like)
    except NewerSchemaError:
        raise
    except BackupError:
        if key is not None and source.is_file() and not sqlite.is_plain_file(source):
            raise BackupError(
                f"{source}: cannot be read with this passphrase (a wrong passphrase, or not a backup of this "
                "database); nothing was changed"
            ) from None
        raise
    _refuse_plain_into_encrypted(like, db_path, source)
    try:
        damage = damage_of(db_path, like)
    except NewerSchemaError:
        raise BackupError(
            f"{db_path}: the current database is sound but written by a newer version of cpss-tui; "
            "update cpss-tui rather than restore over it"
        ) from None
    if damage is None:
        engine = open_database(db_path, key=key, auto_backup=False).engine
        try:
            return restore(engine, db_path, source, now)
        finally:
            engine.dispose()
    partial = db_path.with_name(db_path.name + ".restoring")
    partial.unlink(missing_ok=True)
    ensure_private_file(partial)
    try:
        src = _open_target(source, like=like, create=False)
        try:
            dst = sqlite.connect_like(partial, like)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE").fetchall()  # self-contained: no -wal beside it
            finally:
                dst.close()
        finally:
            src.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if damage == "" and db_path.exists():
        db_path.unlink()  # an empty file holds nothing to keep (its companions, if any, are still set aside)
    kept = set_aside(db_path, now)
    os.replace(partial, db_path)
    engine = open_database(db_path, key=key, auto_backup=False).engine
    try:
        settings.put(engine, settings.BACKUP_RESTORED_AT, _now(now).isoformat())
        replaced = f"a file that could not be opened as a cpss-tui database: {damage}" if damage else NOTHING_REPLACED
        result = RestoreResult(source, kept, info.revision, info.revision != HEAD_REVISION, replaced)
        record_restore(engine, result, now)
    finally:
        engine.dispose()
    return result


def last_seal(path: Path, like: Engine) -> tuple[int, str] | None:
    """The last (seq, hash) of a backup's audit chain, or None when it has none (read only)."""
    conn = _open_target(path, like=like, create=False)
    try:
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_seal'"
        ).fetchone():
            return None
        row = conn.execute("SELECT seq, hash FROM audit_seal ORDER BY seq DESC LIMIT 1").fetchone()
        return None if row is None else (int(row[0]), str(row[1]))
    finally:
        conn.close()
