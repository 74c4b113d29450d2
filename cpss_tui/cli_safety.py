"""The data-safety commands: `backup [-o FILE]`, `restore FILE`, `check`.

Kept out of cli.py (which only registers them) so the safety work has one module. Same contract as every
command: exit 0 success, 2 bad input with one line naming the file and what is wrong, 1 anything else; `check`
exits 1 when it finds problems. The data layer is imported inside each command so `--help` stays fast.
`restore` is the one command cli.run starts without opening the database (`WITHOUT_OPENING`): it must be able to
replace a file that is damaged or not a database at all.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

EXIT_OK = 0
EXIT_PROBLEMS = 1


def add_parsers(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Register the three commands with cli.build_parser's `add`."""
    backup = add("backup", "copy the database now (SQLite online backup), private to the user")
    backup.add_argument(
        "-o", "--output", metavar="FILE", help="file to write (default: the database's backup folder)"
    )
    restore = add(
        "restore", "replace the database by a backup, after checking it; the current one is kept as a backup"
    )
    restore.add_argument("file", metavar="FILE", help="a backup or another cpss-tui database file")
    add(
        "check",
        "integrity, foreign keys, audit chain and rules consistency, with a verdict (exit 1: problems)",
    )


def _db_path(args: argparse.Namespace) -> Path:
    from cpss_tui.locations import resolve_db_path

    return resolve_db_path(args.db)


def cmd_backup(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    """`cpss-tui backup [-o FILE]`: a consistent copy now; into the backup folder (rotated) by default."""
    from cpss_tui.cli import BadInput
    from cpss_tui.data import backup

    db_path = _db_path(args)
    if args.output:
        target = Path(args.output).expanduser()
        try:
            if target.exists() and target.resolve() == db_path.resolve():
                raise BadInput([f"-o: {target} is the database itself; name another file"])
            if target.is_dir():
                raise BadInput([f"-o: {target} is a folder; name a file"])
            path = backup.backup_to(engine, target)
        except OSError as exc:  # a name too long, a folder that is a file, no permission, a full disk
            raise BadInput(
                [f"-o: cannot write {target} ({exc.strerror or exc.__class__.__name__})"]
            ) from None
    else:
        path = backup.take(engine, db_path, backup.MANUAL)
        backup.rotate(path.parent, *backup.retention(engine))
    print(f"backup written: {path}")
    return EXIT_OK




def _restore_key(db_path: Path) -> bytes | None:
    """The key when the database is encrypted (asked for as every command does); None for a plain file, and for
    a file that is neither SQLite nor accompanied by a key file (garbage: there is no passphrase to ask for)."""
    from cpss_tui import cli_crypto
    from cpss_tui.data import crypto

    if not crypto.key_file_for(db_path).exists():
        return None
    return cli_crypto.key_for(db_path)


def cmd_restore(args: argparse.Namespace, engine: Engine | None, as_of: date | None) -> int:
    """`cpss-tui restore FILE`: check the file, keep what it replaces, copy it in, record the restore.

    Runs without the current database open (cli.run passes no engine), so that a file that is damaged or not a
    database at all can be replaced: it is then set aside, as it is, into the backup folder.
    """
    from cpss_tui.cli import BadInput
    from cpss_tui.data import backup
    from cpss_tui.data.migrate import HEAD_REVISION

    db_path = _db_path(args)
    try:
        result = backup.restore_file(db_path, Path(args.file).expanduser(), _restore_key(db_path))
    except backup.BackupError as exc:
        raise BadInput([f"restore: {exc}"]) from None
    except OSError as exc:  # a name too long, no permission: said with the file the system named
        raise BadInput([f"restore: {exc.filename or args.file}: {exc.strerror or exc.__class__.__name__}"]) from None
    moved = f", upgraded from schema {result.from_revision} to {HEAD_REVISION}" if result.migrated else ""
    print(f"restored {result.source}{moved}")
    if result.replaced == backup.REPLACED_DATABASE:
        print(f"the database it replaced is kept as {result.kept}")
    elif result.kept is not None:
        print(f"it replaced {result.replaced}")
        print(f"that file is kept, as it was, as {result.kept}")
    else:
        print(f"it replaced {result.replaced}")
    print("the restore is recorded in the audit log")
    return EXIT_OK


def restore_without_opening(args: argparse.Namespace) -> int:
    """`restore` as cli.run starts it: with no engine, the current file may be past opening."""
    return cmd_restore(args, None, args.as_of)


# Commands that must run when the current database cannot be opened: cli.run calls them with the arguments alone.
WITHOUT_OPENING: dict[str, Callable[[argparse.Namespace], int]] = {"restore": restore_without_opening}


def cmd_check(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    """`cpss-tui check`: the readable verdict; exit 0 when sound, 1 when problems were found."""
    from cpss_tui.services.check import render, run_check

    report = run_check(engine, _db_path(args))
    for line in render(report):
        print(line)
    return EXIT_OK if report.ok else EXIT_PROBLEMS
