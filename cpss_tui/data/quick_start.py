"""Start `data.start_read` in a thread the moment the command line knows it starts the TUI.

This module imports nothing of its own at import time: the thread imports the rules and runs the compiled
reads while the main thread imports Textual (sqlite3 releases the GIL inside SQLite), so the caseload is
usually ready by the time the first frame is.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cpss_tui.data.start_read import StartRead


class QuickStart:
    """`read_start(db_path, as_of)` in a daemon thread; `result()` waits for it (boundedly)."""

    def __init__(self, db_path: Path, as_of: date | None) -> None:
        self._result: StartRead | None = None
        self._thread = threading.Thread(
            target=self._run, args=(db_path, as_of), name="quick-start", daemon=True
        )
        self._thread.start()

    def _run(self, db_path: Path, as_of: date | None) -> None:
        from cpss_tui.data.start_read import read_start

        self._result = read_start(db_path, as_of)

    def result(self, timeout: float) -> StartRead | None:
        """The read, or None if it did not apply or is not done within `timeout` seconds."""
        self._thread.join(timeout)
        return None if self._thread.is_alive() else self._result
