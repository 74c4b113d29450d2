"""Start-up as the command line does it: the frame paints before the data layer is even imported, then the
database opens in a worker and the user's home screen follows; a file that is not a database ends the app
with words, not a traceback."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cpss_tui import gc_pause
from cpss_tui.cli import tui_app
from cpss_tui.data.db import read_session
from cpss_tui.data.models import Staff
from cpss_tui.services.staff import set_current_user
from cpss_tui.ui.app import CpssApp, Opening
from cpss_tui.ui.screens.due_board import DueBoard
from cpss_tui.ui.screens.home import HomeScreen
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle


@pytest.fixture(autouse=True)
def _collector_back_on() -> Iterator[None]:
    """tui_app pauses the cyclic collector (cpss_tui/gc_pause.py): never leave it off for the next test."""
    yield
    gc_pause.resume()
    assert gc.isenabled()


def _db_file(engine: Engine) -> str:
    database = engine.url.database
    assert database
    return database


def _hold_open(app: CpssApp) -> threading.Event:
    """Hold the opening worker until the returned event is set (else a fast machine wins the race with the
    test's look at the first frame)."""
    gate = threading.Event()
    open_engine = app._open_engine
    assert open_engine is not None

    def gated() -> Engine:
        assert gate.wait(30)
        return open_engine()

    app._open_engine = gated
    return gate


async def test_frame_first_then_the_home_screen_of_the_remembered_user(demo_engine: Engine) -> None:
    path = _db_file(demo_engine)
    demo_engine.dispose()
    app = tui_app(path, AS_OF)
    app._quick_start = None  # the path of a supervisor, an encrypted file or a schema to migrate
    gate = _hold_open(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, Opening)  # painted before the database is open
        assert "Opening the database" in str(app.screen.query_one("#opening").render())
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.shown, "the caseload rows are on screen"
        assert Opening not in {type(s) for s in app.screen_stack}
    app.close_database()
    assert app.failure is None


async def test_quick_read_puts_the_home_screen_up_before_the_database_opens(demo_engine: Engine) -> None:
    """data/start_read.py: the specialist's rows are the first screen; keys needing the database wait for it,
    then the same screen reloads through the data layer with the same rows."""
    path = _db_file(demo_engine)
    demo_engine.dispose()
    app = tui_app(path, AS_OF)
    assert app._quick_start is not None
    assert gc_pause.paused() and not gc.isenabled()  # start-up runs without the cyclic collector
    gate = _hold_open(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.shown, "the quick read's rows are on screen"
        assert Opening not in {type(s) for s in app.screen_stack}
        assert not app.ready
        quick_rows = [m.id for m in home.shown]
        await pilot.press("n")  # remembered, not run, while the database opens (no form, no error)
        await pilot.pause()
        assert app.screen is home
        gate.set()
        await settle(pilot)
        assert app.ready
        assert gc.isenabled() and not gc_pause.paused()  # back on, with start-up's objects frozen
        assert [m.id for m in home.shown] == quick_rows
        assert type(app.screen).__name__ == "NoteForm"  # the key ran once the database was open
    assert app.failure is None and app.crash_message is None


async def test_quick_read_puts_a_supervisors_due_board_up_before_the_database_opens(
    demo_engine: Engine,
) -> None:
    """A supervisor's first screen, the due board, comes from the quick read too; a key that needs the
    database (f: staffing) waits for it, then the board reloads through the data layer with the same rows."""
    with read_session(demo_engine) as session:
        supervisor = session.scalars(select(Staff.id).where(Staff.role == "supervisor")).one()
    set_current_user(demo_engine, supervisor)
    path = _db_file(demo_engine)
    demo_engine.dispose()
    app = tui_app(path, AS_OF)
    gate = _hold_open(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, DueBoard)
        assert board.shown, "the quick read's obligations are on screen"
        assert not app.ready
        quick_rows = list(board.shown)
        await pilot.press("f")  # remembered while the database opens
        await pilot.pause()
        assert app.screen is board
        gate.set()
        await settle(pilot)
        assert app.ready
        assert type(app.screen).__name__ == "StaffingPanel"  # the key ran once the database was open
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is board and board.shown == quick_rows
    assert app.failure is None and app.crash_message is None


async def test_not_a_database_ends_the_app_with_words(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 100, encoding="utf-8")
    app = tui_app(str(path), AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert app.failure is not None
    assert gc.isenabled()  # a failed open turns the collector back on too
    assert "not a cpss-tui database" in app.failure
    assert path.read_text(encoding="utf-8") == "shopping list\n" * 100


def test_the_app_module_does_not_import_the_data_layer() -> None:
    """What lets the frame paint first: importing the app (and the CLI) pulls in no SQLAlchemy or SQLModel."""
    code = (
        "import sys, cpss_tui.cli, cpss_tui.ui.app\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'pydantic'))\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
