"""Where cpss-tui keeps its files: one module, so every path is decided in one place.

The database lives in platformdirs' user data dir unless `--db PATH` or `CPSS_DB` say otherwise. Folders the
app creates are private to the user (0700), because they hold protected health information.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir

APP_NAME = "cpss-tui"
ENV_DB = "CPSS_DB"

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
MIGRATIONS_DIR = PROJECT_DIR / "migrations"


def data_dir() -> Path:
    """The per-user data folder (created private to the user on demand)."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """The per-user log folder; logs never hold record contents."""
    return Path(user_log_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The database used when neither `--db` nor `CPSS_DB` is given."""
    return data_dir() / "cpss.db"


def resolve_db_path(cli_value: str | None) -> Path:
    """`--db` wins over `CPSS_DB`, which wins over the default."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser().resolve()
    return default_db_path()


def ensure_private_dir(path: Path) -> None:
    """Create `path` (and parents) if missing; a folder we create is 0700."""
    if path.is_dir():
        return
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)


def ensure_private_file(path: Path) -> None:
    """Create an empty file 0600 if missing, so SQLite never creates it world-readable."""
    ensure_private_dir(path.parent)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    # SQLite gives its -wal and -shm files the main file's permissions (unix VFS findCreateFileMode).


def backup_dir_for(db_path: Path) -> Path:
    """The folder of a database's backups: beside it, named after it (created 0700 by the backup code)."""
    return db_path.with_name(f"{db_path.stem}-backups")
