"""supervisors' note reviews

A supervisor marks a specialist's signed note reviewed, or returns it with a comment; the specialist answers a
returned note with an addendum. Reviews are clinical records: audited like every other, permanent (never
updated but for the link to the answering addendum, which a trigger sets when the addendum is written), and
they never touch the note itself (N-3 keeps it locked).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from cpss_tui.data.sqlite import (
    AuditedTable,
    audit_trigger_statements,
    drop_trigger_statements,
    review_trigger_statements,
)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDITED = [
    AuditedTable(
        "note_review",
        [
            "created_at",
            "updated_at",
            "id",
            "note_id",
            "reviewer_id",
            "reviewed_at_utc",
            "outcome",
            "comment",
            "resolved_by_addendum_id",
        ],
        member="(SELECT member_id FROM note WHERE id = {r}.note_id)",
    ),
]

_REVIEW_TRIGGERS = [
    "trg_note_review_signed_only",
    "trg_note_review_update",
    "trg_note_review_delete",
    "trg_note_review_resolve",
]


def upgrade() -> None:
    op.create_table(
        "note_review",
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reviewer_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reviewed_at_utc", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("resolved_by_addendum_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.CheckConstraint("outcome IN ('reviewed', 'returned')", name=op.f("ck_note_review_outcome_vocab")),
        sa.CheckConstraint(
            "outcome <> 'returned' OR length(trim(comment)) > 0", name=op.f("ck_note_review_returned_comment")
        ),
        sa.ForeignKeyConstraint(["note_id"], ["note.id"], name=op.f("fk_note_review_note_id_note")),
        sa.ForeignKeyConstraint(["reviewer_id"], ["staff.id"], name=op.f("fk_note_review_reviewer_id_staff")),
        sa.ForeignKeyConstraint(
            ["resolved_by_addendum_id"],
            ["note_addendum.id"],
            name=op.f("fk_note_review_resolved_by_addendum_id_note_addendum"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_review")),
    )
    with op.batch_alter_table("note_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_review_note_id"), ["note_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_review_reviewer_id"), ["reviewer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_note_review_outcome_resolved_by_addendum_id"),
            ["outcome", "resolved_by_addendum_id"],
            unique=False,
        )

    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in review_trigger_statements():
        op.execute(statement)
    for table in AUDITED:
        for statement in audit_trigger_statements(table):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        names = list(_REVIEW_TRIGGERS)
        for table in AUDITED:
            names += [f"trg_audit_{table.name}_{action}" for action in ("insert", "update", "delete")]
        for statement in drop_trigger_statements(names):
            op.execute(statement)
    with op.batch_alter_table("note_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_review_outcome_resolved_by_addendum_id"))
        batch_op.drop_index(batch_op.f("ix_note_review_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_note_review_note_id"))
    op.drop_table("note_review")
