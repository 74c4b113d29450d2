"""Database tables (SQLModel).

Why it looks like this:
- Every record that can leave the machine (bundle export, later the agency server) has a string UUID primary
  key written by the app, so records from several laptops merge without id clashes. Only the audit log, which
  never leaves the file, uses an integer sequence (it also gives the log its order).
- Every closed vocabulary is a CHECK constraint built from `cpss_tui.vocab`, so no program writing to the file
  can store a word the rules do not know.
- Indexes serve the dashboard aggregates: notes by member and date, attempts by member and time, visits by
  member and date (see docs in README "Indexes").
- Dates are calendar dates in the agency's time zone; `created_at` / `updated_at` and `at_utc` are UTC.

This module deliberately has no `from __future__ import annotations`: SQLModel reads the annotations at
class-creation time.
"""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from cpss_tui import vocab

# Constraint names must be stable for alembic batch migrations on SQLite.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def new_id() -> str:
    """A fresh record id: a random UUID, so ids from different laptops never clash."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (SQLModel's UTCDateTime stores it as UTC)."""
    return datetime.now(UTC)


def _in(
    column: str, words: tuple[str, ...], name: str | None = None, nullable: bool = False
) -> CheckConstraint:
    """CHECK that `column` holds one of `words` (or NULL when nullable)."""
    quoted = ", ".join("'" + w.replace("'", "''") + "'" for w in words)
    expr = f"{column} IN ({quoted})"
    if nullable:
        expr = f"{column} IS NULL OR {expr}"
    return CheckConstraint(expr, name=name or f"{column}_vocab")


class Timestamped(SQLModel):
    """Columns every clinical record carries: when it was first written and last changed (UTC)."""

    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class Staff(Timestamped, table=True):
    """A specialist or a supervisor (S-1..S-5)."""

    __tablename__ = "staff"
    __table_args__ = (
        _in("role", vocab.ROLES),
        CheckConstraint("fte IS NULL OR (fte > 0 AND fte <= 1)", name="fte_range"),
        CheckConstraint("training_hours >= 0", name="training_hours_nonneg"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    role: str
    credentials: str = ""
    fte: float | None = None
    supervisor_id: str | None = Field(default=None, foreign_key="staff.id", index=True)
    started_on: date | None = None
    training_hours: float = 0.0
    # S-5: supervisors need the approved supervisor training before delivering service.
    supervisor_training_on: date | None = None


class Member(Timestamped, table=True):
    """A person receiving peer support (M-1..M-4)."""

    __tablename__ = "member"
    __table_args__ = (
        _in("payer", vocab.PAYERS),
        CheckConstraint(
            "discharged_on IS NULL OR discharged_on >= admitted_on", name="discharge_after_admit"
        ),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        Index(None, "specialist_id", "discharged_on"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    medicaid_id: str = Field(index=True)
    birth_date: date
    payer: str = "nc-medicaid"
    specialist_id: str = Field(foreign_key="staff.id")
    admitted_on: date
    service_order_date: date | None = None
    discharged_on: date | None = None
    discharge_reason: str | None = None
    # M-3, la-lhcc: a discharge needs a continuing care plan.
    continuing_care_plan: str | None = None
    # M-1: under the profile's minimum age is allowed when eligible through EPSDT.
    epsdt: bool = False


class Authorization(Timestamped, table=True):
    """A prior authorization of units for a member (U-5..U-8)."""

    __tablename__ = "prior_authorization"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint("units >= 0", name="units_nonneg"),
        Index(None, "member_id", "start_date"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    member_id: str = Field(foreign_key="member.id")
    number: str
    start_date: date
    end_date: date
    units: int
    # U-7: a supervisor may record an override of the 90-day / 180-day limits, with a written reason.
    override_reason: str | None = None


class ConcurrentService(Timestamped, table=True):
    """Another service the member receives (ACTT, CST, PSR, ACT, CSP), for the M-2 exclusion check."""

    __tablename__ = "concurrent_service"
    __table_args__ = (
        _in("service", vocab.CONCURRENT_SERVICES),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    member_id: str = Field(foreign_key="member.id", index=True)
    service: str
    start_date: date
    end_date: date | None = None


class Pcp(Timestamped, table=True):
    """A member's Person-Centered Plan, with its crisis plan (P-1, P-2, P-5)."""

    __tablename__ = "pcp"

    id: str = Field(default_factory=new_id, primary_key=True)
    member_id: str = Field(foreign_key="member.id", index=True)
    effective: date
    last_review: date | None = None
    crisis_triggers: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    crisis_coping: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    crisis_supports: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    crisis_contacts: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    crisis_wrap: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Goal(Timestamped, table=True):
    """A PCP goal in the member's own words (P-1, P-4)."""

    __tablename__ = "goal"
    __table_args__ = (_in("status", vocab.GOAL_STATUSES),)

    id: str = Field(default_factory=new_id, primary_key=True)
    pcp_id: str = Field(foreign_key="pcp.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = "active"
    status_on: date | None = None


class Intervention(SQLModel, table=True):
    """One intervention under a goal, in the order the PCP lists them (P-1, P-3)."""

    __tablename__ = "intervention"
    __table_args__ = (UniqueConstraint("goal_id", "position"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    goal_id: str = Field(foreign_key="goal.id", index=True)
    position: int
    text: str = Field(sa_column=Column(Text, nullable=False))


class GoalStatusChange(SQLModel, table=True):
    """History of a goal's status (P-4): one row each time the status is set."""

    __tablename__ = "goal_status_change"
    __table_args__ = (_in("status", vocab.GOAL_STATUSES),)

    id: str = Field(default_factory=new_id, primary_key=True)
    goal_id: str = Field(foreign_key="goal.id", index=True)
    status: str
    changed_on: date
    recorded_at: datetime = Field(default_factory=utcnow)
    staff_id: str | None = Field(default=None, foreign_key="staff.id")


class Note(Timestamped, table=True):
    """A service note (N-1..N-7). Once `signed_at` is set the note is locked (N-3)."""

    __tablename__ = "note"
    __table_args__ = (
        _in("contact_type", vocab.CONTACT_TYPES),
        _in("place", vocab.PLACES),
        CheckConstraint("minutes >= 0 AND minutes <= 1440", name="minutes_range"),
        CheckConstraint("length(start_time) = 5 AND substr(start_time, 3, 1) = ':'", name="start_time_hhmm"),
        CheckConstraint(
            "consent IS NULL OR consent IN ('verbal', 'written') OR consent LIKE 'not-obtained:%'",
            name="consent_vocab",
        ),
        # Covering for "last direct contact before as_of" (C-4) and the week's direct contacts (C-3), and for
        # the units of a member's notes in a date range (U-6 reads the gaps between authorizations: minutes,
        # billable and the reason they are not come from the index, not from the rows). Migration 0006.
        Index(None, "member_id", "date", "contact_type", "minutes", "billable", "nonbillable_reason"),
        Index(None, "staff_id", "date"),  # N-6 overlap check, per-specialist reports
        Index(None, "date"),  # a week's or a period's notes across members (units, billing)
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    member_id: str = Field(foreign_key="member.id")
    staff_id: str = Field(foreign_key="staff.id")
    date: date
    start_time: str = Field(sa_column=Column(String(5), nullable=False))
    minutes: int
    billable: bool = True
    nonbillable_reason: str | None = None
    contact_type: str
    place: str
    purpose: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    interventions: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    effectiveness: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    identity_verified: bool | None = None
    consent: str | None = None
    signed_at: str | None = None  # ISO 8601 with offset, as the signer's clock gave it
    signed_by_name: str | None = None
    signed_by_credentials: str | None = None


class NoteGoal(SQLModel, table=True):
    """The PCP goals a note works on (P-3)."""

    __tablename__ = "note_goal"

    note_id: str = Field(foreign_key="note.id", primary_key=True)
    goal_id: str = Field(foreign_key="goal.id", primary_key=True, index=True)


class NoteAddendum(SQLModel, table=True):
    """A dated, signed correction to a signed note (N-3). Never changed once written."""

    __tablename__ = "note_addendum"

    id: str = Field(default_factory=new_id, primary_key=True)
    note_id: str = Field(foreign_key="note.id", index=True)
    staff_id: str = Field(foreign_key="staff.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    signed_at: str
    signed_by_name: str
    signed_by_credentials: str
    created_at: datetime = Field(default_factory=utcnow)


class NoteDraft(SQLModel, table=True):
    """A note being typed (N-2): the form's fields as JSON, saved as the specialist types.

    Drafts stay on the machine that wrote them: they are not in bundles and do not count for any rule.
    """

    __tablename__ = "note_draft"

    id: str = Field(default_factory=new_id, primary_key=True)
    member_id: str = Field(foreign_key="member.id", index=True)
    staff_id: str = Field(foreign_key="staff.id", index=True)
    fields_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Attempt(Timestamped, table=True):
    """A documented attempt to reach a member (C-2)."""

    __tablename__ = "attempt"
    __table_args__ = (
        _in("method", vocab.ATTEMPT_METHODS),
        _in("outcome", vocab.ATTEMPT_OUTCOMES),
        Index(None, "member_id", "at_utc"),
        Index(None, "member_id", "on_date"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    member_id: str = Field(foreign_key="member.id")
    staff_id: str = Field(foreign_key="staff.id")
    at: str  # ISO 8601 with the offset it was recorded with (bundle field `at`)
    at_utc: datetime
    on_date: date  # the calendar day of `at` in the agency's time zone (C-3 counts days)
    method: str
    outcome: str
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class SupervisorVisit(Timestamped, table=True):
    """A supervisor's visit with a member (V-1)."""

    __tablename__ = "supervisor_visit"
    __table_args__ = (Index(None, "member_id", "date"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    member_id: str = Field(foreign_key="member.id")
    supervisor_id: str = Field(foreign_key="staff.id")
    date: date
    face_to_face: bool = True
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class SupervisionSession(Timestamped, table=True):
    """Individual supervision of a specialist by their supervisor (S-4)."""

    __tablename__ = "supervision_session"
    __table_args__ = (Index(None, "specialist_id", "date"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    supervisor_id: str = Field(foreign_key="staff.id", index=True)
    specialist_id: str = Field(foreign_key="staff.id")
    date: date
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


REVIEW_OUTCOMES = ("reviewed", "returned")


class NoteReview(Timestamped, table=True):
    """A supervisor's review of a signed note: marked reviewed, or returned with a comment.

    A review never touches the note (N-3 locks it); a returned note is answered by the specialist with an
    addendum, and the trigger that links that addendum (`resolved_by_addendum_id`) is the only change a review
    row ever accepts (see `sqlite.review_trigger_statements`).
    """

    __tablename__ = "note_review"
    __table_args__ = (
        _in("outcome", REVIEW_OUTCOMES),
        CheckConstraint("outcome <> 'returned' OR length(trim(comment)) > 0", name="returned_comment"),
        Index(None, "outcome", "resolved_by_addendum_id"),  # open returns: the specialists' tasks
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    note_id: str = Field(foreign_key="note.id", index=True)  # "not yet reviewed": NOT EXISTS by note
    reviewer_id: str = Field(foreign_key="staff.id", index=True)
    reviewed_at_utc: datetime
    outcome: str
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    resolved_by_addendum_id: str | None = Field(default=None, foreign_key="note_addendum.id")


class AuditLog(SQLModel, table=True):
    """Append-only record of every change to a clinical record: who, when (UTC), what.

    Written by database triggers (see `cpss_tui.data.sqlite`), so no program can change a record unseen.
    """

    __tablename__ = "audit_log"
    __table_args__ = (_in("action", vocab.AUDIT_ACTIONS), Index(None, "table_name", "record_id"))

    seq: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    at_utc: str
    staff_id: str | None = None
    table_name: str
    record_id: str
    member_id: str | None = Field(default=None, index=True)
    action: str
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))


class AuditSeal(SQLModel, table=True):
    """The hash chain over the audit log (ONC §170.315(d)(2)): one SHA-256 per entry, chained to the previous.

    A separate table so that `audit_log` stays strictly append-only for every program; the app seals the
    entries the triggers wrote when it commits (see `cpss_tui.data.audit_chain`). Append-only too, by trigger.
    """

    __tablename__ = "audit_seal"

    seq: int = Field(sa_column=Column(Integer, ForeignKey("audit_log.seq"), primary_key=True, autoincrement=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class DatabaseRestore(SQLModel, table=True):
    """One `cpss-tui restore`: when (UTC), by which OS account, from which file, what was kept of the replaced one.

    Written by the restore into the restored database, after the copy, so its audit log (the trigger logs this
    row like any record) says that the file was put back. Stays on the machine (not in bundles); append-only by
    trigger.
    """

    __tablename__ = "database_restore"

    id: str = Field(default_factory=new_id, primary_key=True)
    restored_at_utc: str
    os_user: str | None = None
    source: str  # the file restored from, as a path
    kept: str | None = None  # where the replaced file was kept; None when there was none
    replaced: str  # what was replaced, in words ("the database", "a file that was not a database: ...")
    from_schema: str  # the restored file's schema revision before any upgrade


class AuditActor(SQLModel, table=True):
    """One row: the staff member on whose behalf the current write transaction runs.

    The app sets it at the start of each write and clears it before commit; the audit triggers read it.
    A write from another program therefore shows as actor unknown (NULL) in the audit log.
    """

    __tablename__ = "audit_actor"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(default=1, primary_key=True)
    staff_id: str | None = None


class AppSetting(SQLModel, table=True):
    """Agency settings and payer-profile overrides, as JSON values (W-1 week start, time zone, ...)."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True)
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


CLINICAL_TABLES: tuple[type[SQLModel], ...] = (
    Staff,
    Member,
    Authorization,
    ConcurrentService,
    Pcp,
    Goal,
    Intervention,
    GoalStatusChange,
    Note,
    NoteGoal,
    NoteAddendum,
    Attempt,
    SupervisorVisit,
    SupervisionSession,
)


def row_dict(row: SQLModel) -> dict[str, Any]:
    """A model row as a plain dict of its column values (no lazy loads)."""
    return {c.name: getattr(row, c.name) for c in row.__table__.columns}  # type: ignore[attr-defined]
