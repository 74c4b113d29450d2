"""audit hash chain

`audit_seal` holds one SHA-256 per audit entry, chained to the previous one, so that an edited, deleted or
reordered audit entry is detectable by `cpss-tui check` (ONC §170.315(d)(2); see cpss_tui/data/audit_chain.py).
Seals are append-only by trigger. The entries already in the log are sealed here, in order.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cpss_tui.data.audit_chain import seal_pending
from cpss_tui.data.sqlite import SEAL_TRIGGERS, drop_trigger_statements, seal_trigger_statements

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_seal",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["seq"], ["audit_log.seq"], name=op.f("fk_audit_seal_seq_audit_log")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_seal")),
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in seal_trigger_statements():
            op.execute(statement)
    seal_pending(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in drop_trigger_statements(SEAL_TRIGGERS):
            op.execute(statement)
    op.drop_table("audit_seal")
