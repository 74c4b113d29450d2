"""database restores are recorded

`database_restore` holds one row per `cpss-tui restore`: when (UTC), which OS account ran it, the file restored
from, where the replaced file was kept and what it was. The restore writes the row into the restored database,
so the audit trigger below logs it and the audit log (and its hash chain) shows that a restore happened.
Rows are append-only by trigger, like the audit log itself.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from cpss_tui.data.sqlite import AuditedTable, audit_trigger_statements, drop_trigger_statements

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDITED = AuditedTable(
    "database_restore", ["id", "restored_at_utc", "os_user", "source", "kept", "replaced", "from_schema"]
)
LOCK_MESSAGE = "a database restore record is permanent"
_LOCK_TRIGGERS = ["trg_database_restore_update", "trg_database_restore_delete"]


def upgrade() -> None:
    op.create_table(
        "database_restore",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("restored_at_utc", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("os_user", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kept", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("replaced", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("from_schema", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_restore")),
    )
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in audit_trigger_statements(AUDITED):
        op.execute(statement)
    for when in ("UPDATE", "DELETE"):
        op.execute(
            f"""CREATE TRIGGER IF NOT EXISTS trg_database_restore_{when.lower()} BEFORE {when} ON database_restore
            BEGIN SELECT RAISE(ABORT, '{LOCK_MESSAGE}'); END"""
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        names = [*_LOCK_TRIGGERS, *(f"trg_audit_database_restore_{a}" for a in ("insert", "update", "delete"))]
        for statement in drop_trigger_statements(names):
            op.execute(statement)
    op.drop_table("database_restore")
