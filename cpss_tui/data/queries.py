"""The SQLAlchemy statement behind each named read of `data.facts`: the aggregates behind the dashboards.

Design rule (issue "Fast at agency scale"): the number of statements is fixed, and each statement's cost grows
with the number of members, not with years of history. Per-member facts are correlated scalar subqueries that
each probe an index (note: member_id, date, contact_type, ...; attempt: member_id, on_date; supervisor_visit:
member_id, date), so a member with five years of notes costs what a member with five weeks costs. The U-6
"unauthorized over the whole history" figure reads only the notes dated outside every authorization (a range
probe per gap between authorizations), inside SQL as one aggregate, never as Python objects; where the payer's
180-days-a-year limit (U-7) leaves half of each year uncovered, those notes are what it must read. Reads of a
caseload (`scoped`) are narrowed to the specialist's members in SQL, statement by statement.

Every value a statement depends on at run time is a named `bindparam` (the names `data.facts` passes), so a
statement's SQL does not change with the date or the user: `data.start_sql_compile` compiles the start-up
reads once for SQLite, and `data.start_read` runs that SQL without importing SQLAlchemy. A statement's shape
may depend only on `scoped` (a caseload or everyone) and, for U-6, the payers' unit policies.

Rows leave as tuples of Python values (`SessionRunner`); `data.facts` turns them into frozen dataclasses, so
no ORM row leaves a session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    column,
    exists,
    extract,
    func,
    literal,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy.orm import Session

from cpss_tui.data import facts
from cpss_tui.data.facts import CURRENT_GOAL_STATUSES, DIRECT_CONTACT_TYPES, UnitPolicy
from cpss_tui.data.models import (
    AppSetting,
    Attempt,
    Authorization,
    ConcurrentService,
    Goal,
    Intervention,
    Member,
    Note,
    NoteDraft,
    Pcp,
    Staff,
    SupervisionSession,
    SupervisorVisit,
)


def _date(name: str) -> Any:
    return bindparam(name, type_=Date)


def _specialists() -> Any:
    return bindparam("specialists", type_=String, expanding=True)


def _of_caseload(member_id: Any) -> ColumnElement[bool]:
    """`member_id` belongs to a member of the `specialists` (a caseload read: one specialist's home screen
    reads its own members, not the agency's)."""
    return member_id.in_(select(Member.id).where(Member.specialist_id.in_(_specialists())))


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


def member_facts(scoped: bool) -> Select[Any]:
    """Every member (of the `specialists`, when scoped) with the week's contact and attempt counts, last
    contact and last counting visit. One statement; each figure is an index probe per member."""
    m = Member
    direct = Note.contact_type.in_(DIRECT_CONTACT_TYPES)
    as_of = _date("as_of")

    def count_direct(start: str, until: str) -> ColumnElement[int]:
        return (
            select(func.count())
            .where(Note.member_id == m.id, Note.date >= _date(start), Note.date <= _date(until), direct)
            .scalar_subquery()
        )

    def attempts(start: str, until: str, distinct_days: bool) -> ColumnElement[int]:
        agg = func.count(func.distinct(Attempt.on_date)) if distinct_days else func.count()
        return (
            select(agg)
            .where(
                Attempt.member_id == m.id, Attempt.on_date >= _date(start), Attempt.on_date <= _date(until)
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
        count_direct("week_start", "week_until"),
        count_direct("prev_start", "prev_until"),
        last_direct,
        attempts("week_start", "week_until", False),
        attempts("week_start", "week_until", True),
        attempts("prev_start", "prev_until", False),
        attempts("prev_start", "prev_until", True),
        last_visit,
        first_note,
    ).order_by(m.id)
    return stmt.where(m.specialist_id.in_(_specialists())) if scoped else stmt


def notes_between(scoped: bool) -> Select[Any]:
    """Every note dated in [start, end] (of members of the `specialists`, when scoped), in the order caps
    consume them (date, start time, id)."""
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
        .where(Note.date >= _date("start"), Note.date <= _date("end"))
        .order_by(Note.member_id, Note.date, Note.start_time, Note.id)
    )
    return stmt.where(_of_caseload(Note.member_id)) if scoped else stmt


def authorizations_on(scoped: bool) -> Select[Any]:
    """Authorizations whose dates contain `as_of` (U-5), with whether a later one exists (U-8), of members
    of the `specialists` when scoped."""
    later = Authorization.__table__.alias("later")
    has_later = exists().where(
        later.c.member_id == Authorization.member_id, later.c.end_date > Authorization.end_date
    )
    as_of = _date("as_of")
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
    return stmt.where(_of_caseload(Authorization.member_id)) if scoped else stmt


def _uncovered_spans(scoped: bool) -> Any:
    """U-6: each member's spans of time outside every authorization, as (member_id, after, before), both
    exclusive: a note is outside every authorization exactly when it is dated inside one of these.

    Found from the authorizations alone (a member has a few a year), so that the notes are read by an index
    range probe per span (note: member_id, date) and not one by one: the gap before each authorization that
    starts after every earlier-starting one has ended (before the first, from `no_earlier`), the time after the
    last one ends (to `no_later`), and all the time of a member who has none. Spans never overlap, so a note
    is counted once (authorizations end on or after they start: a CHECK of the table).
    """
    a = Authorization
    no_earlier, no_later = _date("no_earlier"), _date("no_later")
    ended_before = (
        func.max(a.end_date)
        .over(partition_by=a.member_id, order_by=(a.start_date, a.id), rows=(None, -1))
        .label("ended_before")
    )
    ordered_q = select(a.member_id, a.start_date, ended_before)
    after_last = select(a.member_id, func.max(a.end_date), no_later).group_by(a.member_id)
    never = select(Member.id, no_earlier, no_later).where(~exists().where(a.member_id == Member.id))
    if scoped:
        ordered_q = ordered_q.where(_of_caseload(a.member_id))
        after_last = after_last.where(_of_caseload(a.member_id))
        never = never.where(Member.specialist_id.in_(_specialists()))
    ordered = ordered_q.subquery("ordered")
    before_each = select(
        ordered.c.member_id,
        func.coalesce(ordered.c.ended_before, no_earlier).label("after"),
        ordered.c.start_date.label("before"),
    ).where(or_(ordered.c.ended_before.is_(None), ordered.c.start_date > ordered.c.ended_before))
    return union_all(before_each, after_last, never).subquery("uncovered")


def unauthorized_units_by_fiscal_year(scoped: bool, policies: Mapping[str, UnitPolicy]) -> Select[Any]:
    """U-6: per member and fiscal year (named by the calendar year it starts in, as rules.units.fiscal_year_of,
    starting on `fy_month`/`fy_day`), the rounded billable units of notes dated on or before `as_of` outside
    every authorization. Reads only the notes in the spans of `_uncovered_spans`: its cost grows with
    authorizations and uncovered notes, not with years of covered history."""
    spans = _uncovered_spans(scoped)
    year = extract("year", Note.date)
    month, day = extract("month", Note.date), extract("day", Note.date)
    fy_month, fy_day = bindparam("fy_month", type_=Integer), bindparam("fy_day", type_=Integer)
    in_new_year = or_(month > fy_month, and_(month == fy_month, day >= fy_day))
    fiscal_year = case((in_new_year, year), else_=year - 1)
    return (
        select(Note.member_id, fiscal_year, func.sum(units_expression(policies)))
        .select_from(spans)
        .join(Note, Note.member_id == spans.c.member_id)
        .join(Member, Member.id == Note.member_id)
        .where(Note.date > spans.c.after, Note.date < spans.c.before, Note.date <= _date("as_of"))
        .group_by(Note.member_id, fiscal_year)
    )


def current_pcps(scoped: bool) -> Select[Any]:
    """Every PCP effective on or before `as_of` (of members of the `specialists` when scoped), ordered so that
    each member's latest comes last, with goal and crisis-plan facts."""
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
        .where(Pcp.effective <= _date("as_of"))
        .order_by(Pcp.member_id, Pcp.effective, Pcp.id)
    )
    return stmt.where(_of_caseload(Pcp.member_id)) if scoped else stmt


def concurrent_services(scoped: bool) -> Select[Any]:
    """Every recorded concurrent service (M-2) (of members of the `specialists` when scoped); few rows per
    member."""
    stmt = select(
        ConcurrentService.member_id,
        ConcurrentService.service,
        ConcurrentService.start_date,
        ConcurrentService.end_date,
    ).order_by(ConcurrentService.member_id, ConcurrentService.start_date)
    return stmt.where(_of_caseload(ConcurrentService.member_id)) if scoped else stmt


def staff_facts() -> Select[Any]:
    """Every staff member with active caseload (S-1), supervision this week (S-4) and span (S-3)."""
    as_of = _date("as_of")
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
        SupervisionSession.date >= _date("week_start"),
        SupervisionSession.date <= _date("week_until"),
    )
    sub = Staff.__table__.alias("sub")
    specialists = (
        select(func.count())
        .where(sub.c.supervisor_id == Staff.id, sub.c.role == "specialist")
        .scalar_subquery()
    )
    first_service = select(func.min(Note.date)).where(Note.staff_id == Staff.id).scalar_subquery()
    return select(
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


def drafts_of(scoped: bool) -> Select[Any]:
    """The unsigned note drafts of the staff in `specialists` (N-2): a list is always given."""
    if not scoped:
        raise ValueError("drafts_of reads the drafts of listed staff only")
    return (
        select(NoteDraft.member_id, NoteDraft.staff_id, NoteDraft.updated_at)
        .where(NoteDraft.staff_id.in_(_specialists()))
        .order_by(NoteDraft.updated_at, NoteDraft.id)
    )


def sessions_between(scoped: bool) -> Select[Any]:
    """Which of the `specialists` had a supervision session dated in [start, end] (S-4)."""
    if not scoped:
        raise ValueError("sessions_between reads the sessions of listed specialists only")
    return (
        select(SupervisionSession.specialist_id)
        .where(
            SupervisionSession.specialist_id.in_(_specialists()),
            SupervisionSession.date >= _date("start"),
            SupervisionSession.date <= _date("end"),
        )
        .distinct()
        .order_by(SupervisionSession.specialist_id)
    )


def all_settings() -> Select[Any]:
    """Every setting as (key, JSON text)."""
    return select(AppSetting.key, AppSetting.value)


def one_staff() -> Select[Any]:
    """One staff member's StaffView fields."""
    return select(Staff.id, Staff.name, Staff.role, Staff.credentials, Staff.fte, Staff.supervisor_id).where(
        Staff.id == bindparam("staff_id", type_=String)
    )


def supervised_by() -> Select[Any]:
    """Ids of the staff whose supervisor is `supervisor_id` (S-3)."""
    return (
        select(Staff.id)
        .where(Staff.supervisor_id == bindparam("supervisor_id", type_=String))
        .order_by(Staff.id)
    )


def schema_revision() -> Select[Any]:
    """The alembic revision the file is at (one row; none on a file alembic never stamped)."""
    return select(column("version_num", String)).select_from(table("alembic_version"))


_PLAIN: dict[str, Callable[[], Select[Any]]] = {
    facts.Q_SETTINGS: all_settings,
    facts.Q_STAFF: one_staff,
    facts.Q_SUPERVISED_BY: supervised_by,
    facts.Q_STAFF_FACTS: staff_facts,
    facts.Q_REVISION: schema_revision,
}
_SCOPED: dict[str, Callable[[bool], Select[Any]]] = {
    facts.Q_MEMBER_FACTS: member_facts,
    facts.Q_NOTES_BETWEEN: notes_between,
    facts.Q_AUTHORIZATIONS_ON: authorizations_on,
    facts.Q_CURRENT_PCPS: current_pcps,
    facts.Q_CONCURRENT_SERVICES: concurrent_services,
    facts.Q_DRAFTS: drafts_of,
    facts.Q_SESSIONS_BETWEEN: sessions_between,
}


def statement(
    name: str, *, scoped: bool = False, policies: Mapping[str, UnitPolicy] | None = None
) -> Select[Any]:
    """The statement behind the named read of `data.facts` (KeyError for an unknown name)."""
    if name == facts.Q_UNAUTHORIZED:
        if policies is None:
            raise ValueError(f"{name} needs the payers' unit policies")
        return unauthorized_units_by_fiscal_year(scoped, policies)
    if name in _SCOPED:
        return _SCOPED[name](scoped)
    return _PLAIN[name]()


class SessionRunner:
    """`data.facts.Runner` over a SQLAlchemy session: the statement of `statement(name)`, executed with the
    parameters (SQLAlchemy converts dates, booleans and lists both ways)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __call__(
        self,
        query: str,
        params: Mapping[str, Any],
        *,
        scoped: bool = False,
        policies: Mapping[str, UnitPolicy] | None = None,
    ) -> Sequence[tuple[Any, ...]]:
        stmt = statement(query, scoped=scoped, policies=policies)
        return [tuple(row) for row in self.session.execute(stmt, dict(params))]
