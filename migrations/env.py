"""Alembic environment: SQLModel metadata, batch mode for SQLite, a connection handed in by the app.

The app (cpss_tui.data.migrate) passes its own engine's connection through `config.attributes["connection"]`,
so migrations run with the same pragmas as everything else. `alembic` on the command line also works with
`-x db=PATH`.
"""

from alembic import context
from sqlalchemy import Connection

import cpss_tui.data.models  # noqa: F401  (registers every table on SQLModel.metadata)
from cpss_tui.data.models import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from pathlib import Path

    from cpss_tui.data.db import make_engine

    db = context.get_x_argument(as_dictionary=True).get("db")
    if not db:
        raise SystemExit("give the database: alembic -x db=PATH ...")
    engine = make_engine(Path(db))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run against a database file")
run_migrations_online()
