"""record locks (N-3) and audit triggers

Signed notes, addenda and the audit log refuse changes; every insert, update and delete of a clinical record
writes an audit_log row with old and new values. The column lists are frozen here, as of this revision: a
later revision that adds a column re-creates the audit triggers of its table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

from cpss_tui.data.sqlite import (
    AuditedTable,
    audit_trigger_statements,
    drop_trigger_statements,
    lock_trigger_statements,
)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = ["created_at", "updated_at"]
_VIA_GOAL = "(SELECT p.member_id FROM goal g JOIN pcp p ON p.id = g.pcp_id WHERE g.id = {r}.goal_id)"
_VIA_NOTE = "(SELECT member_id FROM note WHERE id = {r}.note_id)"

AUDITED = [
    AuditedTable(
        "staff",
        [
            *_TS,
            "id",
            "name",
            "role",
            "credentials",
            "fte",
            "supervisor_id",
            "started_on",
            "training_hours",
            "supervisor_training_on",
        ],
    ),
    AuditedTable(
        "member",
        [
            *_TS,
            "id",
            "name",
            "medicaid_id",
            "birth_date",
            "payer",
            "specialist_id",
            "admitted_on",
            "service_order_date",
            "discharged_on",
            "discharge_reason",
            "continuing_care_plan",
            "epsdt",
        ],
        member="{r}.id",
    ),
    AuditedTable(
        "prior_authorization",
        [*_TS, "id", "member_id", "number", "start_date", "end_date", "units", "override_reason"],
        member="{r}.member_id",
    ),
    AuditedTable(
        "concurrent_service",
        [*_TS, "id", "member_id", "service", "start_date", "end_date"],
        member="{r}.member_id",
    ),
    AuditedTable(
        "pcp",
        [
            *_TS,
            "id",
            "member_id",
            "effective",
            "last_review",
            "crisis_triggers",
            "crisis_coping",
            "crisis_supports",
            "crisis_contacts",
            "crisis_wrap",
        ],
        member="{r}.member_id",
    ),
    AuditedTable(
        "goal",
        [*_TS, "id", "pcp_id", "text", "status", "status_on"],
        member="(SELECT member_id FROM pcp WHERE id = {r}.pcp_id)",
    ),
    AuditedTable("intervention", ["id", "goal_id", "position", "text"], member=_VIA_GOAL),
    AuditedTable(
        "goal_status_change",
        ["id", "goal_id", "status", "changed_on", "recorded_at", "staff_id"],
        member=_VIA_GOAL,
    ),
    AuditedTable(
        "note",
        [
            *_TS,
            "id",
            "member_id",
            "staff_id",
            "date",
            "start_time",
            "minutes",
            "billable",
            "nonbillable_reason",
            "contact_type",
            "place",
            "purpose",
            "interventions",
            "effectiveness",
            "identity_verified",
            "consent",
            "signed_at",
            "signed_by_name",
            "signed_by_credentials",
        ],
        member="{r}.member_id",
    ),
    AuditedTable(
        "note_goal", ["note_id", "goal_id"], key="{r}.note_id || ':' || {r}.goal_id", member=_VIA_NOTE
    ),
    AuditedTable(
        "note_addendum",
        [
            "id",
            "note_id",
            "staff_id",
            "text",
            "signed_at",
            "signed_by_name",
            "signed_by_credentials",
            "created_at",
        ],
        member=_VIA_NOTE,
    ),
    AuditedTable(
        "attempt",
        [*_TS, "id", "member_id", "staff_id", "at", "at_utc", "on_date", "method", "outcome", "detail"],
        member="{r}.member_id",
    ),
    AuditedTable(
        "supervisor_visit",
        [*_TS, "id", "member_id", "supervisor_id", "date", "face_to_face", "notes"],
        member="{r}.member_id",
    ),
    AuditedTable("supervision_session", [*_TS, "id", "supervisor_id", "specialist_id", "date", "notes"]),
]

_LOCK_TRIGGERS = [
    "trg_note_locked_update",
    "trg_note_locked_delete",
    "trg_note_addendum_update",
    "trg_note_addendum_delete",
    "trg_note_goal_locked_delete",
    "trg_note_goal_locked_update",
    "trg_audit_log_update",
    "trg_audit_log_delete",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in lock_trigger_statements():
        op.execute(statement)
    for table in AUDITED:
        for statement in audit_trigger_statements(table):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    names = list(_LOCK_TRIGGERS)
    for table in AUDITED:
        names += [f"trg_audit_{table.name}_{action}" for action in ("insert", "update", "delete")]
    for statement in drop_trigger_statements(names):
        op.execute(statement)
