"""One time-to-interactive run, started as a fresh process by `benchmarks/bench.py`.

    python benchmarks/tti_child.py app DB_PATH AS_OF
    python benchmarks/tti_child.py bare

Runs the app on DB_PATH (or a bare Textual app: one DataTable of 50 rows x 8 columns filled in on_mount)
headless. "Rows painted" means: a frame the app sent to the terminal contained the table's first row. Headless
Textual composes every frame but skips turning it into terminal output, so once the table has rows this script
renders each frame as a real terminal driver would (`render_segments`) and looks for the first row's text in it.
(Waiting for `call_after_refresh` after the table was filled is not enough: the DataTable sizes its new rows on
its next idle, so that refresh can still paint an empty table.)

At that frame it writes, to file descriptor 1 (Textual captures `print` while an app runs):

    READY <time.time()> <ru_maxrss KiB>

then exits the app; just before the process ends it writes `DONE <ru_maxrss KiB>`. The parent took
`time.time()` just before spawning, so READY minus that is process start to rows painted.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any


def _emit(line: str) -> None:
    os.write(1, (line + "\n").encode())


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def watch_frames(app: Any, first_row_text: Callable[[], str | None]) -> dict[str, bool]:
    """Write READY and exit the app at the first frame containing `first_row_text()` (None: not filled yet)."""
    from rich.console import Console

    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=200)
    original = app._display
    state = {"done": False, "first": False}

    def _display(screen: Any, update: Any) -> None:
        original(screen, update)
        if state["done"] or update is None:
            return
        if not state["first"]:
            state["first"] = True
            _emit(f"FIRST {time.time():.6f}")
        text = first_row_text()
        if not text:
            return
        if text in update.render_segments(console):
            state["done"] = True
            _emit(f"READY {time.time():.6f} {_rss_kib()}")
            app.exit()

    app._display = _display
    return state


def run_app(db_path: str, as_of_text: str) -> None:
    from datetime import date

    from cpss_tui import cli

    # Exactly what `cpss-tui --db DB_PATH --as-of AS_OF` does before its app runs (cli.run and _cmd_tui):
    # parse the command line, ask for a key if the file is encrypted, start the app (the frame first, the
    # database in a worker); only `run(headless=True)` differs.
    args = cli.parse_args(["--db", db_path, "--as-of", as_of_text])
    assert args.command is None and args.as_of == date.fromisoformat(as_of_text)
    app = cli.tui_app(args.db, args.as_of, cli._ask_key(args.db))

    def first_row() -> str | None:
        from cpss_tui.ui.screens.due_board import DueBoard
        from cpss_tui.ui.screens.home import HomeScreen

        screen = app.screen
        if isinstance(screen, HomeScreen) and screen.shown:
            return screen.shown[0].name
        if isinstance(screen, DueBoard) and screen.as_of is not None:  # a supervisor's board, loaded
            return screen.shown[0].text[:40] if screen.shown else "Nothing due"
        return None

    state = watch_frames(app, first_row)
    app.run(headless=True)
    app.close_database()
    if not state["done"]:
        _emit("FAILED the home screen never showed rows")
        sys.exit(1)


def run_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(id="table", cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for column in range(8):
                table.add_column(f"Col {column}", key=f"c{column}")
            for row in range(50):
                table.add_row(*(f"r{row} c{column}" for column in range(8)), key=f"r{row}")

    app = Bare()

    def first_row() -> str | None:
        tables = app.screen.query(DataTable)
        return "r0 c0" if tables and tables.first().row_count else None

    state = watch_frames(app, first_row)
    app.run(headless=True)
    if not state["done"]:
        _emit("FAILED the table never showed rows")
        sys.exit(1)


def main() -> None:
    mode = sys.argv[1]
    if mode == "app":
        run_app(sys.argv[2], sys.argv[3])
    elif mode == "bare":
        run_bare()
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    _emit(f"DONE {_rss_kib()}")


if __name__ == "__main__":
    main()
