"""the note index a member's units are read from

`note (member_id, date, contact_type)` becomes `note (member_id, date, contact_type, minutes, billable,
nonbillable_reason)`: the same prefix serves C-3 and C-4 as before, and U-6 ("unauthorized", the units of the
notes dated in the gaps between a member's authorizations) reads minutes, billable and the non-billable reason
from the index instead of visiting each note's row: 2.5x faster on a supervisor's caseloads of the 500-member,
5-year benchmark agency (issue "Fast at agency scale"). No data changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = ("ix_note_member_id_date_contact_type", ["member_id", "date", "contact_type"])
NEW = (
    "ix_note_member_id_date_contact_type_minutes_billable_nonbillable_reason",
    ["member_id", "date", "contact_type", "minutes", "billable", "nonbillable_reason"],
)


def upgrade() -> None:
    op.create_index(NEW[0], "note", NEW[1])
    op.drop_index(OLD[0], table_name="note")


def downgrade() -> None:
    op.create_index(OLD[0], "note", OLD[1])
    op.drop_index(NEW[0], table_name="note")
