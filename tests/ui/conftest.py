"""UI fixtures: a real database with the demo agency at a fixed date, and the user signed in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cpss_tui.data.db import read_session
from cpss_tui.data.demo import generate
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import Staff
from cpss_tui.services.demo import start_demo
from cpss_tui.services.staff import set_current_user

AS_OF = date(2026, 11, 22)


@pytest.fixture
def demo_engine(tmp_path: Path) -> Iterator[Engine]:
    """The default demo agency as of AS_OF, opened as its first full-time specialist."""
    engine = open_database(tmp_path / "demo.db").engine
    set_current_user(engine, start_demo(engine, AS_OF))
    yield engine
    engine.dispose()


@pytest.fixture
def supervisor_engine(tmp_path: Path) -> Iterator[Engine]:
    """The demo agency as of AS_OF, opened as its supervisor."""
    engine = open_database(tmp_path / "supervisor.db").engine
    generate(engine, as_of=AS_OF)
    with read_session(engine) as session:
        supervisor = session.scalars(select(Staff.id).where(Staff.role == "supervisor")).one()
    set_current_user(engine, supervisor)
    yield engine
    engine.dispose()
