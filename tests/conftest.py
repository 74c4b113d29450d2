"""Shared fixtures: a real SQLite file per test, migrated to head through the app's own code path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from cpss_tui.data.migrate import open_database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a database file that does not exist yet."""
    return tmp_path / "cpss.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    """A migrated database on a real file, disposed after the test."""
    result = open_database(db_path)
    yield result.engine
    result.engine.dispose()
