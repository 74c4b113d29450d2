"""Encryption on the command line: asking for the passphrase, and `cpss-tui encrypt`.

Why it looks like this:
- The passphrase is never on the command line and never in the environment (both are visible to other users
  and end up in shell history and logs). It is read with getpass from the terminal, or, for scripts and tests,
  one line from an already open file descriptor named by `CPSS_PASSPHRASE_FD` (the descriptor's number is not
  a secret). It is never logged or printed.
- Every command and the TUI ask for it before anything else when the database is encrypted (`key_for`), which
  costs one read of the file's first 16 bytes for a plain database: no start-up cost when encryption is off.
- `encrypt` converts with `sqlcipher_export` into a new file, checks the copy table by table, then swaps the
  files, keeping the plain original until the encrypted one has opened; only then is the plain file
  overwritten and removed. Plain backups taken before stay plain: the command names them.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

ENV_PASSPHRASE_FD = "CPSS_PASSPHRASE_FD"
MIN_PASSPHRASE = 8


class PassphraseError(Exception):
    """No usable passphrase (mismatch, too short, nothing to read): one line for the user."""


def _read_fd_line(fd_text: str) -> str:
    try:
        fd = int(fd_text)
        with os.fdopen(os.dup(fd), "r", encoding="utf-8") as f:
            line = f.readline()
    except (ValueError, OSError):
        raise PassphraseError(f"{ENV_PASSPHRASE_FD}: not an open file descriptor") from None
    return line.rstrip("\r\n")


def read_passphrase(prompt: str) -> str:
    """One passphrase: from `CPSS_PASSPHRASE_FD` when set, else typed at the terminal without echo."""
    fd_text = os.environ.get(ENV_PASSPHRASE_FD)
    if fd_text:
        return _read_fd_line(fd_text)
    import getpass

    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise PassphraseError("passphrase: nothing was typed") from None


def new_passphrase(for_what: str) -> str:
    """A new passphrase, typed twice (once from `CPSS_PASSPHRASE_FD`), at least 8 characters."""
    first = read_passphrase(f"New passphrase for {for_what}: ")
    if len(first) < MIN_PASSPHRASE:
        raise PassphraseError(f"passphrase: at least {MIN_PASSPHRASE} characters")
    if not os.environ.get(ENV_PASSPHRASE_FD) and read_passphrase("Type it again: ") != first:
        raise PassphraseError("passphrase: the two entries differ; nothing was changed")
    return first


def key_for(db_path: Path, ask: Callable[[str], str] = read_passphrase) -> bytes | None:
    """The raw key of `db_path` when it is encrypted (asking for the passphrase), None for a plain file.

    Raises `DatabaseError` (key file missing or damaged) or `PassphraseError`; a wrong passphrase is found
    when the database is opened (`migrate.open_database` says "wrong passphrase for <path>").
    """
    from cpss_tui.data import crypto

    if not crypto.is_encrypted(db_path):
        return None
    from cpss_tui.errors import DatabaseError

    try:
        params = crypto.read_key_file(db_path)
    except crypto.KeyFileError as exc:
        raise DatabaseError(str(exc)) from None
    return crypto.derive_key(ask(f"Passphrase for {db_path}: "), params)


# --- cpss-tui encrypt --------------------------------------------------------------------------------------


def add_parser(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Register `encrypt` with cli.build_parser's `add`."""
    add(
        "encrypt",
        "encrypt the database with a passphrase (SQLCipher); asks for it twice, keeps the plain file until done",
    )


def _table_counts(conn: object) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(  # type: ignore[attr-defined]
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # type: ignore[attr-defined]


def _shred(path: Path) -> None:
    """Overwrite a file with zeros, flush it to disk and remove it ("securely-ish": an SSD or a journaling
    file system may keep old blocks; the OS disk encryption is the real protection for those)."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        block = b"\0" * 65536
        left = size
        while left > 0:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n
        f.flush()
        os.fsync(f.fileno())
    path.unlink()


def encrypt_file(db_path: Path, passphrase: str) -> list[str]:
    """Convert the plain database at `db_path` to SQLCipher under `passphrase`; returns lines to tell the user.

    All or nothing: on any failure the plain database is back in place, unchanged, and no key file is left.
    The caller has closed its own connections; another process with the file open makes this refuse.
    """
    from cpss_tui.cli import BadInput
    from cpss_tui.data import crypto, sqlite
    from cpss_tui.data.migrate import open_database
    from cpss_tui.locations import backup_dir_for

    if crypto.is_encrypted(db_path):
        raise BadInput([f"{db_path}: already encrypted"])
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise BadInput([f"{db_path}: open in another cpss-tui (its -wal file is in use); close it first"])
    params = crypto.KdfParams.new()
    key = crypto.derive_key(passphrase, params)
    work = db_path.with_name(db_path.name + ".encrypting")
    kept = db_path.with_name(db_path.name + ".plain-until-encrypted")
    for leftover in (work, kept):
        if leftover.exists():
            raise BadInput([f"{leftover}: left by an interrupted encrypt; check it and remove it first"])
    key_file = crypto.key_file_for(db_path)
    swapped = False
    try:
        sqlite.export_encrypted(db_path, work, key)
        plain = sqlite.cipher_module().connect(str(db_path))
        enc = sqlite.connect_keyed(work, key)
        try:
            verdict = sqlite.integrity_messages(enc.execute(sqlite.INTEGRITY_CHECK).fetchall())
            if verdict != ["ok"]:
                raise BadInput([f"{work}: the encrypted copy fails SQLite's integrity check ({verdict[0]})"])
            if _table_counts(plain) != _table_counts(enc):
                raise BadInput([f"{work}: the encrypted copy differs from the database; nothing was changed"])
        finally:
            enc.close()
            plain.close()
        crypto.write_key_file(db_path, params)
        os.replace(db_path, kept)
        os.replace(work, db_path)
        swapped = True
        open_database(db_path, key=key, auto_backup=False).engine.dispose()
    except BaseException:
        work.unlink(missing_ok=True)
        if swapped:
            os.replace(db_path, work)
            work.unlink(missing_ok=True)
        if kept.exists():
            os.replace(kept, db_path)
        key_file.unlink(missing_ok=True)
        raise
    _shred(kept)
    lines = [
        f"{db_path}: encrypted (SQLCipher). The passphrase is asked at every start; it cannot be recovered.",
        f"{key_file}: holds the salt (not the key); keep it beside the database and in every copy of it.",
    ]
    folder = backup_dir_for(db_path)
    plain_backups = (
        [p for p in sorted(folder.glob("*.db")) if not crypto.is_encrypted(p)] if folder.is_dir() else []
    )
    if plain_backups:
        lines.append(
            f"{folder}: {len(plain_backups)} older backup(s) are NOT encrypted; delete them or move them somewhere"
            " safe (new backups are encrypted)."
        )
    return lines


def cmd_encrypt(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    """`cpss-tui encrypt`: asks for a new passphrase twice, then converts the database (see `encrypt_file`)."""
    from cpss_tui.cli import BadInput
    from cpss_tui.data import crypto
    from cpss_tui.locations import resolve_db_path

    db_path = resolve_db_path(args.db)
    if crypto.is_encrypted(db_path):
        raise BadInput([f"{db_path}: already encrypted"])
    engine.dispose()  # our own connections must be closed before the file is swapped
    try:
        passphrase = new_passphrase(str(db_path))
    except PassphraseError as exc:
        raise BadInput([str(exc)]) from None
    for line in encrypt_file(db_path, passphrase):
        print(line)
    return 0
