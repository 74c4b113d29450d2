"""Migrations: an empty file reaches head, models and migrations agree, upgrades keep every row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from cpss_tui.data.db import DatabaseError, make_engine
from cpss_tui.data.migrate import current_revision, head_revision, open_database, upgrade
from cpss_tui.data.models import metadata


def test_empty_file_upgrades_to_head(db_path: Path) -> None:
    result = open_database(db_path)
    assert result.created
    assert current_revision(result.engine) == head_revision()
    assert set(metadata.tables) <= set(inspect(result.engine).get_table_names())
    result.engine.dispose()


def test_models_and_migrations_agree(engine) -> None:
    """Autogenerate against a migrated database finds no difference (the models are the migrations)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_upgrade_from_first_revision_keeps_rows_and_backs_up(db_path: Path) -> None:
    engine = make_engine(db_path)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO staff (id, name, role, credentials, fte, training_hours, created_at, updated_at) "
            "VALUES ('s1', 'Dana', 'specialist', 'NC CPSS', 1.0, 20, '2026-01-01', '2026-01-01')"
        )
        conn.exec_driver_sql(
            "INSERT INTO member (id, name, medicaid_id, birth_date, payer, specialist_id, admitted_on, epsdt, "
            "created_at, updated_at) VALUES ('m1', 'Alex', '123', '1985-04-02', 'nc-medicaid', 's1', "
            "'2026-09-01', 0, '2026-01-01', '2026-01-01')"
        )
        conn.exec_driver_sql(
            "INSERT INTO note (id, member_id, staff_id, date, start_time, minutes, billable, contact_type, place, "
            "purpose, interventions, effectiveness, signed_at, created_at, updated_at) VALUES ('n1', 'm1', 's1', "
            "'2026-09-02', '10:00', 60, 1, 'face-to-face', 'home', 'p', 'i', 'e', '2026-09-02T11:30:00-04:00', "
            "'2026-01-01', '2026-01-01')"
        )
    engine.dispose()

    result = open_database(db_path)
    assert result.upgraded_from == "0001"
    assert result.backup is not None and result.backup.exists()
    assert result.backup.stat().st_mode & 0o777 == 0o600
    with result.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM staff").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM member").scalar() == 1
        assert conn.exec_driver_sql("SELECT minutes FROM note WHERE id = 'n1'").scalar() == 60
    result.engine.dispose()
    # The backup is a readable database at the old revision.
    backup = sqlite3.connect(result.backup)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert backup.execute("SELECT count(*) FROM note").fetchone() == (1,)
    backup.close()


def test_newer_schema_is_refused(db_path: Path) -> None:
    open_database(db_path).engine.dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="newer version"):
        open_database(db_path)


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("this is not sqlite\n" * 100)
    with pytest.raises(DatabaseError, match="not a cpss-tui database"):
        open_database(path)


def test_head_constant_matches_the_migrations_folder() -> None:
    """open_database trusts HEAD_REVISION to skip alembic on an up-to-date file; it must be the real head."""
    from cpss_tui.data.migrate import HEAD_REVISION

    assert HEAD_REVISION == head_revision()


def test_opening_an_up_to_date_file_does_not_import_alembic(db_path: Path) -> None:
    import subprocess
    import sys

    open_database(db_path).engine.dispose()
    code = (
        "import sys\nfrom pathlib import Path\nfrom cpss_tui.data.migrate import open_database\n"
        f"open_database(Path({str(db_path)!r})).engine.dispose()\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"
