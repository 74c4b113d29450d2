"""Aggregate queries behind the dashboards and `status`: facts per member and staff, as of a date.

Design rule (issue "Fast at agency scale"): the number of statements is fixed, and each statement's cost grows
with the number of members, not with years of history. Per-member facts are correlated scalar subqueries that
each probe an index (note: member_id, date, contact_type; attempt: member_id, on_date; supervisor_visit:
member_id, date), so a member with five years of notes costs what a member with five weeks costs. Only the
U-6 "unauthorized over the whole history" figure must read every note; it reads them inside SQLite as one
aggregate and never as Python objects.

Everything here returns plain frozen dataclasses: no ORM row leaves a session.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, exists, extract, func, literal, or_, select
from sqlalchemy.orm import Session

from cpss_tui.data.models import (
    Attempt,
    Authorization,
    ConcurrentService,
    Goal,
    Intervention,
    Member,
    Note,
    Pcp,
    Staff,
    SupervisionSession,
    SupervisorVisit,
)

DIRECT_CONTACT_TYPES = ("face-to-face", "telehealth", "audio-only", "group")  # C-1
CURRENT_GOAL_STATUSES = ("active", "revised")  # P-1/P-4: goals a plan is working on


@dataclass(frozen=True)
class UnitPolicy:
    """What the SQL units expression needs to know of a payer profile (U-1, U-2)."""

    rounding: str  # "floor" | "midpoint"
    nonbillable_contact_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Period:
    """An inclusive date range."""

    start: date
    end: date


@dataclass(frozen=True)
class MemberFacts:
    """One member's record fields and the aggregates the rules need, as of a date."""

    id: str
    name: str
    medicaid_id: str
    specialist_id: str
    payer: str
    birth_date: date
    admitted_on: date
    service_order_date: date | None
    discharged_on: date | None
    discharge_reason: str | None
    continuing_care_plan: str | None
    epsdt: bool
    direct_this_week: int
    direct_prev_week: int
    last_direct_contact: date | None
    attempts_this_week: int
    attempt_days_this_week: int
    attempts_prev_week: int
    attempt_days_prev_week: int
    last_counting_visit: date | None
    first_note: date | None


@dataclass(frozen=True)
class NoteRow:
    """The fields of a note that unit and cap rules read (U-1..U-4, U-9)."""

    id: str
    member_id: str
    staff_id: str
    date: date
    start_time: str
    minutes: int
    billable: bool
    nonbillable_reason: str | None
    contact_type: str
    place: str
    signed: bool


@dataclass(frozen=True)
class AuthorizationRow:
    """An authorization (U-5) and whether a later one exists for the member (U-8)."""

    id: str
    member_id: str
    number: str
    start: date
    end: date
    units: int
    has_later: bool


@dataclass(frozen=True)
class PcpFacts:
    """The member's current PCP (latest effective on or before as_of) summarised for P-1, P-2, P-5."""

    id: str
    member_id: str
    effective: date
    last_review: date | None
    goals: int
    goals_without_interventions: int
    has_crisis_plan: bool


@dataclass(frozen=True)
class ConcurrentServiceRow:
    """Another service the member receives (M-2)."""

    member_id: str
    service: str
    start: date
    end: date | None


@dataclass(frozen=True)
class StaffFacts:
    """A staff member with the counts S-1..S-5 need, as of a date."""

    id: str
    name: str
    role: str
    credentials: str
    fte: float | None
    supervisor_id: str | None
    started_on: date | None
    training_hours: float
    supervisor_training_on: date | None
    active_members: int
    supervised_this_week: bool
    specialists: int
    first_service: date | None


def units_expression(policies: Mapping[str, UnitPolicy]) -> ColumnElement[int]:
    """Rounded billable units of a note as a SQL expression over `note` joined to `member` (U-1, U-2).

    Works on SQLite and PostgreSQL alike (integer division of integers).
    """
    midpoint = [p for p, pol in policies.items() if pol.rounding == "midpoint"]
    zero_when = [
        Note.billable.is_(False),
        # rules.units.billable_units: any non-blank reason (whitespace alone is no reason).
        and_(Note.nonbillable_reason.is_not(None), func.trim(Note.nonbillable_reason) != ""),
    ]
    for payer, pol in policies.items():
        if pol.nonbillable_contact_types:
            zero_when.append(
                and_(Member.payer == payer, Note.contact_type.in_(pol.nonbillable_contact_types))
            )
    return case(
        (or_(*zero_when), literal(0)),
        (Member.payer.in_(midpoint), (Note.minutes + 7) // 15),
        else_=Note.minutes // 15,
    )


def member_facts(
    session: Session, as_of: date, week: Period, previous: Period, specialists: Collection[str] | None = None
) -> list[MemberFacts]:
    """Every member (of `specialists`, when given) with the week's contact and attempt counts, last contact
    and last counting visit.

    One statement; each figure is an index probe per member (see module docstring).
    """
    m = Member
    direct = Note.contact_type.in_(DIRECT_CONTACT_TYPES)

    def count_direct(period: Period) -> ColumnElement[int]:
        return (
            select(func.count())
            .where(
                Note.member_id == m.id, Note.date >= period.start, Note.date <= min(period.end, as_of), direct
            )
            .scalar_subquery()
        )

    def attempts(period: Period, distinct_days: bool) -> ColumnElement[int]:
        agg = func.count(func.distinct(Attempt.on_date)) if distinct_days else func.count()
        return (
            select(agg)
            .where(
                Attempt.member_id == m.id,
                Attempt.on_date >= period.start,
                Attempt.on_date <= min(period.end, as_of),
            )
            .scalar_subquery()
        )

    last_direct = (
        select(Note.date)
        .where(Note.member_id == m.id, Note.date <= as_of, direct)
        .order_by(Note.date.desc())
        .limit(1)
        .scalar_subquery()
    )
    # V-1: counting visits are face-to-face, by a supervisor, on or after admission (and, V-4, on or before as_of).
    last_visit = (
        select(func.max(SupervisorVisit.date))
        .join(Staff, Staff.id == SupervisorVisit.supervisor_id)
        .where(
            SupervisorVisit.member_id == m.id,
            SupervisorVisit.face_to_face.is_(True),
            Staff.role == "supervisor",
            SupervisorVisit.date >= m.admitted_on,
            SupervisorVisit.date <= as_of,
        )
        .scalar_subquery()
    )
    # N-7 as of `as_of`: a note dated later is not known yet.
    first_note = (
        select(func.min(Note.date)).where(Note.member_id == m.id, Note.date <= as_of).scalar_subquery()
    )
    stmt = select(
        m.id,
        m.name,
        m.medicaid_id,
        m.specialist_id,
        m.payer,
        m.birth_date,
        m.admitted_on,
        m.service_order_date,
        m.discharged_on,
        m.discharge_reason,
        m.continuing_care_plan,
        m.epsdt,
        count_direct(week),
        count_direct(previous),
        last_direct,
        attempts(week, False),
        attempts(week, True),
        attempts(previous, False),
        attempts(previous, True),
        last_visit,
        first_note,
    ).order_by(m.id)
    if specialists is not None:
        stmt = stmt.where(m.specialist_id.in_(list(specialists)))
    return [MemberFacts(*row) for row in session.execute(stmt)]


def notes_between(
    session: Session, start: date, end: date, specialists: Collection[str] | None = None
) -> list[NoteRow]:
    """Every note dated in [start, end] (of members of `specialists`, when given), in the order caps consume
    them (date, start time, id)."""
    stmt = (
        select(
            Note.id,
            Note.member_id,
            Note.staff_id,
            Note.date,
            Note.start_time,
            Note.minutes,
            Note.billable,
            Note.nonbillable_reason,
            Note.contact_type,
            Note.place,
            Note.signed_at.is_not(None),
        )
        .where(Note.date >= start, Note.date <= end)
        .order_by(Note.member_id, Note.date, Note.start_time, Note.id)
    )
    if specialists is not None:
        stmt = stmt.where(Note.member_id.in_(_members_of(specialists)))
    return [NoteRow(*row) for row in session.execute(stmt)]


def supervised_by(session: Session, supervisor_id: str) -> list[str]:
    """Ids of the staff whose supervisor is `supervisor_id` (S-3)."""
    return list(
        session.scalars(select(Staff.id).where(Staff.supervisor_id == supervisor_id).order_by(Staff.id))
    )


def _members_of(specialists: Collection[str]) -> Select[tuple[str]]:
    """Subquery: ids of the members assigned to these specialists (a caseload's scope)."""
    return select(Member.id).where(Member.specialist_id.in_(list(specialists)))


def authorizations_on(session: Session, as_of: date) -> list[AuthorizationRow]:
    """Authorizations whose dates contain `as_of` (U-5), with whether a later one exists (U-8)."""
    later = Authorization.__table__.alias("later")
    has_later = exists().where(
        later.c.member_id == Authorization.member_id, later.c.end_date > Authorization.end_date
    )
    stmt = (
        select(
            Authorization.id,
            Authorization.member_id,
            Authorization.number,
            Authorization.start_date,
            Authorization.end_date,
            Authorization.units,
            has_later,
        )
        .where(Authorization.start_date <= as_of, Authorization.end_date >= as_of)
        .order_by(Authorization.member_id, Authorization.start_date, Authorization.id)
    )
    return [AuthorizationRow(*row) for row in session.execute(stmt)]


def unauthorized_units_by_fiscal_year(
    session: Session,
    as_of: date,
    policies: Mapping[str, UnitPolicy],
    fiscal_year_start_month: int = 7,
    fiscal_year_start_day: int = 1,
    specialists: Collection[str] | None = None,
) -> dict[str, dict[int, int]]:
    """U-6: rounded billable units (before caps) dated outside every authorization, per member and state
    fiscal year, counting notes dated on or before `as_of`.

    The fiscal year is named by the calendar year it starts in (July 1 - June 30 by default), as
    rules.units.fiscal_year_of.
    """
    covered = exists().where(
        Authorization.member_id == Note.member_id,
        Authorization.start_date <= Note.date,
        Authorization.end_date >= Note.date,
    )
    year = extract("year", Note.date)
    month, day = extract("month", Note.date), extract("day", Note.date)
    in_new_year = or_(
        month > fiscal_year_start_month,
        and_(month == fiscal_year_start_month, day >= fiscal_year_start_day),
    )
    fiscal_year = case((in_new_year, year), else_=year - 1)
    units = units_expression(policies)
    stmt = (
        select(Note.member_id, fiscal_year, func.sum(units))
        .join(Member, Member.id == Note.member_id)
        .where(Note.date <= as_of, ~covered)
        .group_by(Note.member_id, fiscal_year)
    )
    if specialists is not None:
        stmt = stmt.where(Member.specialist_id.in_(list(specialists)))
    result: dict[str, dict[int, int]] = {}
    for member_id, fy, total in session.execute(stmt):
        if total:
            result.setdefault(member_id, {})[int(fy)] = int(total)
    return result


def current_pcps(session: Session, as_of: date) -> dict[str, PcpFacts]:
    """Each member's latest PCP effective on or before `as_of`, with goal and crisis-plan facts."""
    # P-1 with P-4: the goals that count are the current ones (active, revised), as rules.pcp.pcp_state
    # expects; a plan whose goals are all achieved or discontinued has nothing left to work on and is
    # incomplete until a new goal is written.
    goals = (
        select(func.count())
        .where(Goal.pcp_id == Pcp.id, Goal.status.in_(CURRENT_GOAL_STATUSES))
        .scalar_subquery()
    )
    without = (
        select(func.count())
        .where(
            Goal.pcp_id == Pcp.id,
            Goal.status.in_(CURRENT_GOAL_STATUSES),
            ~exists().where(Intervention.goal_id == Goal.id),
        )
        .scalar_subquery()
    )
    crisis = and_(
        *(
            and_(col.is_not(None), func.trim(col) != "")
            for col in (Pcp.crisis_triggers, Pcp.crisis_coping, Pcp.crisis_supports, Pcp.crisis_contacts)
        )
    )
    stmt = (
        select(Pcp.id, Pcp.member_id, Pcp.effective, Pcp.last_review, goals, without, crisis)
        .where(Pcp.effective <= as_of)
        .order_by(Pcp.member_id, Pcp.effective, Pcp.id)
    )
    latest: dict[str, PcpFacts] = {}
    for row in session.execute(stmt):
        latest[row[1]] = PcpFacts(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]), bool(row[6]))
    return latest


def concurrent_services(session: Session) -> list[ConcurrentServiceRow]:
    """Every recorded concurrent service (M-2); few rows per member."""
    stmt = select(
        ConcurrentService.member_id,
        ConcurrentService.service,
        ConcurrentService.start_date,
        ConcurrentService.end_date,
    ).order_by(ConcurrentService.member_id, ConcurrentService.start_date)
    return [ConcurrentServiceRow(*row) for row in session.execute(stmt)]


def staff_facts(session: Session, as_of: date, week: Period) -> list[StaffFacts]:
    """Every staff member with active caseload (S-1), supervision this week (S-4) and span (S-3)."""
    active = (
        select(func.count())
        .where(
            Member.specialist_id == Staff.id,
            Member.admitted_on <= as_of,
            or_(Member.discharged_on.is_(None), Member.discharged_on > as_of),
        )
        .scalar_subquery()
    )
    supervised = exists().where(
        SupervisionSession.specialist_id == Staff.id,
        SupervisionSession.date >= week.start,
        SupervisionSession.date <= min(week.end, as_of),
    )
    sub = Staff.__table__.alias("sub")
    specialists = (
        select(func.count())
        .where(sub.c.supervisor_id == Staff.id, sub.c.role == "specialist")
        .scalar_subquery()
    )
    first_service = select(func.min(Note.date)).where(Note.staff_id == Staff.id).scalar_subquery()
    stmt = select(
        Staff.id,
        Staff.name,
        Staff.role,
        Staff.credentials,
        Staff.fte,
        Staff.supervisor_id,
        Staff.started_on,
        Staff.training_hours,
        Staff.supervisor_training_on,
        active,
        supervised,
        specialists,
        first_service,
    ).order_by(Staff.id)
    return [StaffFacts(*row) for row in session.execute(stmt)]
