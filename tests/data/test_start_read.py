"""The start-up read (data/start_read.py): the compiled SQL is the SQL of data/queries.py, it reads exactly
the facts the data layer reads, it imports no SQLAlchemy, and it declines whenever it does not apply."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cpss_tui.data import settings, start_sql, start_sql_compile
from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.demo import generate
from cpss_tui.data.models import Member, NoteDraft, Staff
from cpss_tui.data.setting_values import PROFILE_PREFIX
from cpss_tui.data.start_read import read_start
from cpss_tui.services.board import due_board
from cpss_tui.services.staff import set_current_user
from cpss_tui.services.status import load_caseload

AS_OF = date(2026, 11, 22)


def test_start_sql_is_compiled_from_the_current_queries() -> None:
    """Fails when a query, a model or the schema head changed and start_sql.py was not recompiled."""
    assert Path(start_sql.__file__).read_text() == start_sql_compile.render(), (
        "run: .venv/bin/python -m cpss_tui.data.start_sql_compile"
    )


@pytest.fixture
def demo(engine: Engine, db_path: Path) -> tuple[Engine, Path, list[str], str]:
    generate(engine, as_of=AS_OF, seed=3)
    with read_session(engine) as session:
        specialists = list(
            session.scalars(select(Staff.id).where(Staff.role == "specialist").order_by(Staff.id))
        )
        supervisor = session.scalars(select(Staff.id).where(Staff.role == "supervisor")).first()
    assert specialists and supervisor
    return engine, db_path, specialists, supervisor


def test_both_paths_read_the_same_caseload_for_every_specialist_and_date(
    demo: tuple[Engine, Path, list[str], str],
) -> None:
    """Week starts, the DST changes of 2026, month and year ends, and a stretch of ordinary days."""
    engine, path, specialists, _ = demo
    days = [AS_OF - timedelta(days=n) for n in range(0, 63, 4)] + [
        date(2026, 3, 8),
        date(2026, 11, 1),
        date(2026, 6, 30),
        date(2026, 7, 1),
        date(2025, 12, 31),
        AS_OF,
    ]
    compared = 0
    for staff_id in specialists:
        set_current_user(engine, staff_id)
        for day in days:
            quick = read_start(path, day)
            assert quick is not None, (staff_id, day)
            assert quick.user.id == staff_id and quick.as_of == day
            assert quick.caseload == load_caseload(engine, day, staff_id), (staff_id, day)
            compared += 1
    assert compared >= 2 * len(days)


def test_both_paths_read_the_same_due_board_for_each_supervisor_and_date(
    demo: tuple[Engine, Path, list[str], str],
) -> None:
    """A supervisor's first screen: the board of the supervised caseloads only, stale drafts (N-2, the one
    DATETIME column the quick read converts) and last week's supervision sessions (S-4); two supervisors."""
    engine, path, specialists, supervisor = demo
    now = datetime.now(UTC)
    with write_session(engine) as session:
        session.add(Staff(id="sup2", name="Second Supervisor", role="supervisor", credentials="LCSW"))
        session.flush()
        moved = session.get(Staff, specialists[0])
        assert moved is not None
        moved.supervisor_id = "sup2"
        member = session.scalars(select(Member.id).where(Member.specialist_id == specialists[1])).first()
        assert member is not None
        session.add(NoteDraft(member_id=member, staff_id=specialists[1], updated_at=now - timedelta(days=2)))
        session.add(NoteDraft(member_id=member, staff_id=specialists[1], updated_at=now - timedelta(hours=1)))
    days = [AS_OF - timedelta(days=n) for n in range(0, 63, 9)] + [date(2026, 3, 8), date(2026, 11, 1)]
    for staff_id in (supervisor, "sup2"):
        set_current_user(engine, staff_id)
        for day in days:
            quick = read_start(path, day)
            assert quick is not None and quick.user.id == staff_id and quick.caseload is None, (staff_id, day)
            assert quick.board == due_board(engine, day, staff_id), (staff_id, day)
    set_current_user(engine, supervisor)
    board = read_start(path, AS_OF)
    assert board is not None and board.board is not None
    assert [o.member_id for o in board.board if o.kind == "draft"] == [member]  # the stale one only
    assert board.board and all(o.specialist_id != specialists[0] for o in board.board)


def test_today_and_theme_come_from_the_settings(demo: tuple[Engine, Path, list[str], str]) -> None:
    engine, path, specialists, _ = demo
    set_current_user(engine, specialists[0])
    settings.put(engine, "ui.theme", "textual-light")
    quick = read_start(path)  # no --as-of: today in the agency's time zone
    assert quick is not None and quick.theme == "textual-light"
    assert quick.caseload == load_caseload(engine, quick.as_of, specialists[0])


def test_declines_where_it_does_not_apply(demo: tuple[Engine, Path, list[str], str], tmp_path: Path) -> None:
    engine, path, specialists, _ = demo
    set_current_user(engine, specialists[0])
    assert read_start(path, AS_OF) is not None
    assert read_start(tmp_path / "missing.db", AS_OF) is None
    assert not (tmp_path / "missing.db").exists()  # never creates a file
    # Other unit policies than the compiled ones: the U-6 statement would differ.
    settings.put(engine, PROFILE_PREFIX + "nc-medicaid", {"rounding": "midpoint"})
    assert read_start(path, AS_OF) is None
    settings.put(engine, PROFILE_PREFIX + "nc-medicaid", {})
    assert read_start(path, AS_OF) is not None
    # An encrypted file (its key file beside it) opens through SQLCipher only.
    key_file = Path(f"{path}.key.json")
    key_file.write_text(json.dumps({}))
    assert read_start(path, AS_OF) is None
    key_file.unlink()
    # Another schema revision: not migrated yet, or newer than this code.
    engine.dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0004'")
    assert read_start(path, AS_OF) is None


def test_the_start_read_imports_neither_sqlalchemy_nor_pendulum(
    demo: tuple[Engine, Path, list[str], str],
) -> None:
    """Issue 8: start-up loads only what the first screen needs. SQLAlchemy (~400 ms) waits for the worker;
    pendulum (~25 ms, with dateutil's parser) is imported where a conversion needs it, which reading the home
    screen never does, with or without --as-of."""
    engine, path, specialists, _ = demo
    set_current_user(engine, specialists[0])
    code = (
        "import sys, cpss_tui.data.start_read, cpss_tui.data.quick_start, cpss_tui.ui.screens.home\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from cpss_tui.data.start_read import read_start\n"
        f"assert read_start(Path({str(path)!r}), None) is not None\n"
        f"assert read_start(Path({str(path)!r}), date({AS_OF.year}, {AS_OF.month}, {AS_OF.day})) is not None\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'pydantic', 'pendulum', 'dateutil')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
