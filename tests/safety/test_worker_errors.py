"""Errors in background workers are not silent (issue 7): a screen's `exit_on_error=False` worker that fails makes
the app say so in words, in a notification without record contents or traceback, logs the scrubbed stack, and
the app goes on. A database locked by another program past the busy timeout is said in words, never as SQLite's
"database is locked".

Real failures, no mocks: the member screen's loading worker meets a table renamed behind the app's back, or a
file another connection holds in exclusive locking mode.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.pool import QueuePool

from cpss_tui.data import sqlite
from cpss_tui.data.db import make_engine, read_session
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import Member
from cpss_tui.services.demo import start_demo
from cpss_tui.services.staff import set_current_user
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.home import HomeScreen
from cpss_tui.ui.screens.member import MemberScreen
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "cpss-tui" / "log" / "errors.log"


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    engine = open_database(path).engine
    set_current_user(engine, start_demo(engine, AS_OF))
    engine.dispose()
    return path


def _names(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        return list(session.scalars(select(Member.name)))


def _errors(app: Any) -> list[Any]:
    return [n for n in app._notifications if n.severity == "error"]


async def _until_error_shown(pilot: Any, timeout: float = 15.0) -> None:
    """Wait for the failing worker's notification (not `settle`: awaiting a worker that fails raises in the test)."""
    deadline = time.monotonic() + timeout
    while not _errors(pilot.app) and time.monotonic() < deadline:
        await pilot.pause(0.05)
    await pilot.pause()


async def test_a_failing_screen_worker_is_said_in_words_and_the_app_goes_on(
    demo_file: Path, log_file: Path
) -> None:
    engine = make_engine(demo_file)
    names = _names(engine)
    app = create_app(engine, as_of=AS_OF)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            # Behind the app's back, another program renames a table the member screen reads.
            other = sqlite3.connect(demo_file)
            other.execute("ALTER TABLE note_review RENAME TO note_review_moved")
            other.commit()
            other.close()
            await pilot.press("enter")  # open the highlighted member: its loading worker fails
            await _until_error_shown(pilot)
            assert isinstance(app.screen, MemberScreen)
            errors = _errors(app)
            assert len(errors) == 1, [n.message for n in app._notifications]
            words = errors[0].message
            assert "A background task could not finish (OperationalError)" in words
            assert f"Details in {log_file}" in words
            assert "note_review" not in words and "Traceback" not in words and "SELECT" not in words
            assert [n for n in names if n in words] == []
            # The app goes on: no crash, the keys still work.
            assert app.crash_message is None and app.return_code is None
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
    finally:
        engine.dispose()
    body = log_file.read_text(encoding="utf-8")
    assert "OperationalError" in body and ".py:" in body  # the scrubbed stack
    assert "note_review" not in body and [n for n in names if n in body] == []


@pytest.fixture
def short_wait_engine(demo_file: Path) -> Iterator[Engine]:
    """An engine built as `make_engine` builds the app's (same pool, same pragma and BEGIN listeners), but that
    waits 0.2 s for a lock instead of 10, so the test meets the timeout in a moment."""
    engine = create_engine(
        f"sqlite+pysqlite:///{demo_file}",
        connect_args={"check_same_thread": False, "timeout": 0.2},
        hide_parameters=True,
        poolclass=QueuePool,
    )
    sqlite.install(engine)

    @event.listens_for(engine, "connect")
    def _short(dbapi_conn: Any, _record: Any) -> None:  # after install's pragmas: the last busy_timeout wins
        dbapi_conn.execute("PRAGMA busy_timeout = 200")

    yield engine
    engine.dispose()


async def test_a_database_locked_by_another_program_is_said_in_words(
    demo_file: Path, short_wait_engine: Engine, log_file: Path
) -> None:
    app = create_app(short_wait_engine, as_of=AS_OF)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # The app's idle connections are closed (each holds a shared lock on a WAL file), so that another
        # program can take the file whole; the screen's worker then opens a connection and has to wait.
        short_wait_engine.dispose()
        holder = sqlite3.connect(demo_file, isolation_level=None)
        try:
            # Another program keeps the file locked (exclusive locking mode holds the lock after its commit).
            holder.execute("PRAGMA locking_mode = EXCLUSIVE")
            holder.execute("BEGIN EXCLUSIVE")
            holder.execute("UPDATE app_setting SET key = key WHERE 0")
            holder.execute("COMMIT")
            await pilot.press("enter")
            await _until_error_shown(pilot)
            errors = _errors(app)
            assert len(errors) == 1, [n.message for n in app._notifications]
            words = errors[0].message
            assert words.startswith("The database is busy: another cpss-tui or another program kept it locked")
            assert "database is locked" not in words and "OperationalError" not in words
        finally:
            holder.close()  # the other program lets go
        assert app.crash_message is None and app.return_code is None
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # the same member opens now
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen) and app.screen.record is not None
        assert len(_errors(app)) == 1
    assert "OperationalError" in log_file.read_text(encoding="utf-8")
