"""Report fixtures: the hand-computed small agency, and the demo agency at a fixed date, on real files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.migrate import open_database
from tests.reports.small_agency import small_agency_bundle

AS_OF = date(2026, 4, 20)


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    path = tmp_path / "small.db"
    engine = open_database(path).engine
    import_bundle(engine, small_agency_bundle(), as_of=AS_OF)
    engine.dispose()
    return path


@pytest.fixture
def small_engine(small_db: Path) -> Iterator[Engine]:
    engine = open_database(small_db).engine
    yield engine
    engine.dispose()
