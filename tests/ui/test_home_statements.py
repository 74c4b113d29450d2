"""The first screen issues a bounded number of SQL statements whatever the length of the history (issue "Fast
at agency scale", Deliver 4): a specialist's home screen and a supervisor's due board, opened in the real app
on a real file, counted with a SQLAlchemy event from the app's start until the screen has settled.

Not a timing test: one statement per note, week or year would show as a count that grows with the history.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.migrate import open_database
from cpss_tui.services.staff import set_current_user
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.due_board import DueBoard
from cpss_tui.ui.screens.home import HomeScreen
from tests.services.test_status_statements import AS_OF, _agency
from tests.ui.helpers import settle

MAX_STATEMENTS = 40  # settings, user, theme, caseload or due board, returned notes, auto-lock: a fixed set


def _database(path: Path, members: int, history_weeks: int, user: str) -> Engine:
    engine = open_database(path).engine
    import_bundle(engine, json.dumps(_agency(members, history_weeks)), as_of=AS_OF)
    set_current_user(engine, user)
    return engine


async def _first_screen_statements(engine: Engine) -> tuple[list[str], type, int]:
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        app = create_app(engine, as_of=AS_OF)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            screen = app.screen
            rows = len(screen.shown) if isinstance(screen, HomeScreen) else screen.query_one("DataTable").row_count
            return statements, type(screen), rows
    finally:
        event.remove(engine, "before_cursor_execute", count)
        engine.dispose()


@pytest.mark.parametrize(("user", "screen"), [("s1", HomeScreen), ("s9", DueBoard)])
async def test_first_screen_statements_do_not_grow_with_history_or_members(
    tmp_path: Path, user: str, screen: type
) -> None:
    week, week_screen, week_rows = await _first_screen_statements(_database(tmp_path / "w.db", 3, 1, user))
    years, years_screen, years_rows = await _first_screen_statements(_database(tmp_path / "y.db", 3, 105, user))
    many, many_screen, many_rows = await _first_screen_statements(_database(tmp_path / "m.db", 12, 4, user))
    assert week_screen is years_screen is many_screen is screen
    assert min(week_rows, years_rows, many_rows) > 0  # each screen did load its rows (what is due differs)
    assert len(week) == len(years) == len(many) <= MAX_STATEMENTS
