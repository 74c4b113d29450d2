"""Unexpected errors: a short message for the user, a log for the developers, no PHI in either.

Exception messages can hold record contents (a name in a ValueError, a note text in a constraint message), so
the log keeps only the exception type and the stack of file, line and function names.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from cpss_tui.locations import ensure_private_dir, log_dir


class DatabaseError(Exception):
    """A database problem worth telling the user in words (not a traceback).

    Defined here, not in data/db.py (which re-exports it), so that the command line can catch it without
    importing SQLAlchemy before the TUI's first frame (issue "Fast at agency scale")."""


def scrubbed_traceback(exc: BaseException) -> str:
    """The stack of `exc` as file:line in function, without any message text or source line."""
    lines = [f"{exc.__class__.__module__}.{exc.__class__.__qualname__}"]
    for frame in traceback.extract_tb(exc.__traceback__):
        lines.append(f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}")
    return "\n".join(lines)


def report_unexpected(exc: BaseException, directory: Path | None = None) -> str:
    """Write the scrubbed traceback to the error log and return the one-line message for the user."""
    where = directory or log_dir()
    try:
        ensure_private_dir(where)
        path = where / "errors.log"
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now(UTC).isoformat()}\n{scrubbed_traceback(exc)}\n")
        detail = f"details in {path}"
    except OSError:
        detail = "the error log could not be written"
    return f"cpss-tui: unexpected error ({exc.__class__.__name__}); {detail}"
