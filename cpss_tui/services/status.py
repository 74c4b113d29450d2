"""The computed compliance state as of a date: `cpss-tui status`, the home screen and the due board.

A fixed handful of aggregate statements (the named reads of cpss_tui.data.facts, built in cpss_tui.data.queries)
feed the pure rules (cpss_tui.rules); the result is plain dataclasses, rendered as the JSON document of
spec/interface.md or as a table. `evaluate` and `caseload_from` take the reads as a `Runner`, so this module
imports no SQLAlchemy: start-up evaluates the home screen's caseload through the standard library's sqlite3
(cpss_tui.data.start_read) with exactly this code, while the data layer is still loading.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from cpss_tui.data import facts
from cpss_tui.data.facts import (
    AuthorizationRow,
    ConcurrentServiceRow,
    MemberFacts,
    NoteRow,
    PcpFacts,
    Period,
    Runner,
    StaffFacts,
    UnitPolicy,
)
from cpss_tui.data.setting_values import agency_settings_from, profiles_from
from cpss_tui.rules import contact, members, pcp, staffing, units, visits, weeks
from cpss_tui.rules.profiles import AgencySettings, PayerProfile

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class WeeklyContact:
    """C-3 for the week containing as_of."""

    status: str | None
    direct_contacts: int
    attempts: int
    last_direct_contact: date | None


@dataclass(frozen=True)
class VisitStatus:
    """V-2..V-5: when the supervisor's next face-to-face visit is due and its state."""

    due: date | None
    state: str | None
    last: date | None


@dataclass(frozen=True)
class UnitUse:
    """Units delivered (before caps) against the cap in force (U-3, U-4)."""

    used: int
    cap: int


@dataclass(frozen=True)
class AuthorizationUse:
    """The authorization containing as_of, with units used after caps (U-5, U-8, U-9)."""

    id: str
    number: str
    start: date
    end: date
    authorized: int
    used: int
    remaining: int
    reauth_due: bool


@dataclass(frozen=True)
class PcpStatus:
    """P-1, P-2, P-5."""

    state: str
    review_due: date | None


@dataclass(frozen=True)
class MemberStatus:
    """Everything `status` says about one member."""

    id: str
    name: str
    medicaid_id: str
    specialist_id: str
    active: bool
    payer: str
    admitted_on: date
    discharged_on: date | None
    weekly_contact: WeeklyContact
    previous_week: str | None
    needs_attention: bool
    supervisor_visit: VisitStatus
    today: UnitUse
    week: UnitUse
    authorization: AuthorizationUse | None
    unauthorized: int
    pcp: PcpStatus
    flags: tuple[str, ...]


@dataclass(frozen=True)
class StaffStatus:
    """S-1..S-5 for a specialist, S-3 for a supervisor."""

    id: str
    name: str
    role: str
    credentials: str
    fte: float | None
    supervisor_id: str | None
    capacity: int | None
    active_members: int
    over_capacity: bool
    supervised_this_week: bool
    specialists: int
    over_span: bool
    training_flags: tuple[str, ...]


@dataclass(frozen=True)
class ProgramStatus:
    """Program-wide ratio (S-2)."""

    active_members: int
    specialist_fte: float
    members_per_fte: float | None


@dataclass(frozen=True)
class Status:
    """The whole computed state."""

    as_of: date
    week: Period
    members: tuple[MemberStatus, ...]
    staff: tuple[StaffStatus, ...]
    program: ProgramStatus
    agency: AgencySettings = field(repr=False)


def unit_policies(profiles: dict[str, PayerProfile]) -> dict[str, UnitPolicy]:
    """What the U-6 statement needs of each payer profile (its shape depends on them)."""
    return {name: UnitPolicy(p.rounding, tuple(p.nonbillable_contact_types)) for name, p in profiles.items()}


def _note_units(note: NoteRow, profile: PayerProfile) -> int:
    """U-1/U-2: rounded billable units of one note under its member's payer profile."""
    return units.billable_units(
        minutes=note.minutes,
        billable=note.billable,
        nonbillable_reason=note.nonbillable_reason,
        contact_type=note.contact_type,
        profile=profile,
    )


def _caps_for_member(
    facts: MemberFacts,
    notes: Sequence[NoteRow],
    auth: AuthorizationRow | None,
    profile: PayerProfile,
    agency: AgencySettings,
) -> tuple[int, bool]:
    """U-5/U-9: units used in the authorization after day and week caps, and whether any note went over a cap."""
    capped = units.apply_caps(
        [
            units.CapInput(
                key=n.id,
                day=n.date,
                units=_note_units(n, profile),
                in_authorization=auth is not None and auth.start <= n.date <= auth.end,
            )
            for n in notes
        ],
        admitted=facts.admitted_on,
        week_start=agency.week_start,
        profile=profile,
        authorized=auth.units if auth else None,
    )
    used = sum(c.billable for c in capped if c.in_authorization)
    over = any(c.excess > 0 for c in capped)
    return used, over


def compute_status(engine: Engine, as_of: date, specialists: Collection[str] | None = None) -> Status:
    """The compliance state of every member and staff member as of `as_of` (a fixed number of statements).

    With `specialists`, only the members of those specialists are evaluated (a caseload: the home screen
    needs ten members, not the agency); staff figures and the program ratio still cover everyone.
    """
    from cpss_tui.data import settings
    from cpss_tui.data.db import read_session
    from cpss_tui.data.queries import SessionRunner

    values = settings.get_all(engine)
    with read_session(engine) as session:
        return evaluate(values, as_of, SessionRunner(session), specialists)


def evaluate(
    values: dict[str, Any], as_of: date, run: Runner, specialists: Collection[str] | None = None
) -> Status:
    """compute_status over decoded settings and a Runner (all reads inside the runner's one transaction)."""
    agency = agency_settings_from(values)
    profiles = profiles_from(values)
    week_start, week_end = weeks.week_bounds(as_of, agency.week_start)
    week = Period(week_start, week_end)
    previous = Period(week_start - timedelta(days=7), week_start - timedelta(days=1))

    member_rows = facts.member_facts(run, as_of, week, previous, specialists)
    auths = {a.member_id: a for a in facts.authorizations_on(run, as_of, specialists)}
    # Notes needed for caps: from the week holding the earliest current authorization's start (or this
    # week's start) to as_of. Bounded by authorization length, not by years of history.
    window_start = min(
        [week.start] + [weeks.week_bounds(a.start, agency.week_start)[0] for a in auths.values()]
    )
    window_notes = facts.notes_between(run, window_start, as_of, specialists)
    # U-6: only nc-wellcare has an unmanaged allowance (per fiscal year); for the other payers the
    # grouping by year does not change the total.
    wellcare = profiles["nc-wellcare"]
    unauthorized_fy = facts.unauthorized_units_by_fiscal_year(
        run,
        as_of,
        unit_policies(profiles),
        wellcare.fiscal_year_start_month,
        wellcare.fiscal_year_start_day,
        specialists,
    )
    pcps = facts.current_pcps(run, as_of, specialists)
    services = facts.concurrent_services(run, specialists)
    staff_rows = facts.staff_facts(run, as_of, week)

    notes_by_member: dict[str, list[NoteRow]] = defaultdict(list)
    for note in window_notes:
        notes_by_member[note.member_id].append(note)
    services_by_member: dict[str, list[ConcurrentServiceRow]] = defaultdict(list)
    for svc in services:
        services_by_member[svc.member_id].append(svc)

    member_statuses = [
        _member_status(
            f,
            as_of,
            week,
            previous,
            agency,
            profiles[f.payer],
            notes_by_member.get(f.id, []),
            auths.get(f.id),
            unauthorized_fy.get(f.id, {}),
            pcps.get(f.id),
            services_by_member.get(f.id, []),
        )
        for f in member_rows
    ]
    staff_statuses = [_staff_status(s, as_of) for s in staff_rows]
    if specialists is None:
        active = sum(1 for m in member_statuses if m.active)
    else:  # the members outside the scope were not evaluated; the staff counts cover them (same S-1 test)
        active = sum(s.active_members for s in staff_statuses if s.role == "specialist")
    fte = round(sum(s.fte or 0.0 for s in staff_statuses if s.role == "specialist"), 4)
    program = ProgramStatus(active, fte, staffing.program_ratio(active, fte))
    return Status(as_of, week, tuple(member_statuses), tuple(staff_statuses), program, agency)


def _member_status(
    f: MemberFacts,
    as_of: date,
    week: Period,
    previous: Period,
    agency: AgencySettings,
    profile: PayerProfile,
    notes: Sequence[NoteRow],
    auth: AuthorizationRow | None,
    unauthorized_by_fy: dict[int, int],
    current_pcp: PcpFacts | None,
    services: Sequence[ConcurrentServiceRow],
) -> MemberStatus:
    discharged = f.discharged_on is not None and f.discharged_on <= as_of
    active = f.admitted_on <= as_of and not discharged

    def week_status(period: Period, direct: int, attempts: int, days: int) -> str | None:
        # W-2 evaluated as of `as_of`: an admission dated after `as_of` has not happened yet, so a member
        # admitted later in the current week has no status before the admission day (no "pending" contact
        # is owed to someone not yet admitted).
        last_known_day = min(period.end, as_of)
        if not weeks.is_active_in_week(f.admitted_on, f.discharged_on, period.start, last_known_day):
            return None
        return contact.weekly_status(
            direct_contacts=direct,
            attempts=attempts,
            attempt_days=days,
            min_attempts=agency.min_attempts,
            week_end=period.end,
            as_of=as_of,
        )

    current = week_status(week, f.direct_this_week, f.attempts_this_week, f.attempt_days_this_week)
    prev = week_status(previous, f.direct_prev_week, f.attempts_prev_week, f.attempt_days_prev_week)
    attention = active and contact.needs_attention(current, f.last_direct_contact, as_of, prev)

    # V-2..V-5 through the one rule function: no visit is due for a member discharged on or before as_of,
    # nor when the due date falls after a recorded discharge date (V-5).
    due, visit_state = visits.supervisor_visit_status(
        f.admitted_on, f.discharged_on, f.last_counting_visit, as_of, agency.due_soon_days
    )
    visit = VisitStatus(due, visit_state, f.last_counting_visit)

    in_week = [n for n in notes if week.start <= n.date <= as_of]
    today = UnitUse(sum(_note_units(n, profile) for n in in_week if n.date == as_of), profile.day_cap)
    week_use = UnitUse(
        sum(_note_units(n, profile) for n in in_week),
        units.week_cap_for(week.start, week.end, f.admitted_on, profile),
    )
    # U-5/U-9: caps are applied to the notes of whole weeks from the week holding the current
    # authorization's start (so that week's cap also sees the notes before the start) up to as_of. Reading
    # chosen for the `over-cap` flag (rules.md does not say how long a finding stays on the member): it
    # covers the period a compliance officer acts on, the current authorization, or the current week when
    # there is none; an excess in a closed authorization was billed (or not) long ago.
    if auth is not None:
        first = weeks.week_bounds(auth.start, agency.week_start)[0]
        cap_notes = [n for n in notes if n.date >= first]
    else:
        cap_notes = in_week
    used, over_cap = _caps_for_member(f, cap_notes, auth, profile, agency)
    authorization = None
    if auth is not None:
        authorization = AuthorizationUse(
            auth.id,
            auth.number,
            auth.start,
            auth.end,
            auth.units,
            used,
            auth.units - used,
            units.reauth_due(auth.end, as_of, agency.reauth_lead_days, auth.has_later),
        )
    unauthorized = units.unauthorized_units(unauthorized_by_fy, profile)

    if current_pcp is None:
        pcp_status = PcpStatus("missing", None)
    else:
        state, review_due = pcp.pcp_state(
            goals=current_pcp.goals,
            goals_without_interventions=current_pcp.goals_without_interventions,
            has_crisis_plan=current_pcp.has_crisis_plan,
            effective=current_pcp.effective,
            last_review=current_pcp.last_review,
            as_of=as_of,
            review_days=agency.pcp_review_days,
            due_soon_days=agency.pcp_due_soon_days,
        )
        pcp_status = PcpStatus(state, review_due)

    flags: list[str] = []
    if over_cap:
        flags.append("over-cap")  # U-9
    if unauthorized > 0:
        flags.append("unauthorized")  # U-6
    if members.age_flag(f.birth_date, f.admitted_on, profile, f.epsdt):
        flags.append("age")  # M-1
    period = (auth.start, auth.end) if auth else (week.start, week.end)
    if members.concurrent_service_flag(
        [(s.service, s.start, s.end) for s in services], period[0], period[1], profile
    ):
        flags.append("concurrent-service")  # M-2
    if f.service_order_date is not None and f.first_note is not None and f.first_note < f.service_order_date:
        flags.append("before-service-order")  # N-7
    if discharged:
        flags += [
            p.rule_flag
            for p in members.discharge_problems(f.discharge_reason, f.continuing_care_plan, profile)
        ]

    return MemberStatus(
        f.id,
        f.name,
        f.medicaid_id,
        f.specialist_id,
        active,
        f.payer,
        f.admitted_on,
        f.discharged_on,
        WeeklyContact(current, f.direct_this_week, f.attempts_this_week, f.last_direct_contact),
        prev,
        attention,
        visit,
        today,
        week_use,
        authorization,
        unauthorized,
        pcp_status,
        tuple(flags),
    )


def _staff_status(s: StaffFacts, as_of: date) -> StaffStatus:
    capacity = staffing.capacity(s.fte) if s.role == "specialist" and s.fte else None
    training = staffing.training_flags(
        role=s.role,
        training_hours=s.training_hours,
        first_service=s.first_service,
        supervisor_training_on=s.supervisor_training_on,
        as_of=as_of,
    )
    return StaffStatus(
        s.id,
        s.name,
        s.role,
        s.credentials,
        s.fte,
        s.supervisor_id,
        capacity,
        s.active_members,
        capacity is not None and s.active_members > capacity,
        bool(s.supervised_this_week),
        s.specialists,
        s.role == "supervisor" and s.specialists > staffing.MAX_SPECIALISTS_PER_SUPERVISOR,
        tuple(training),
    )


# --- Rendering ------------------------------------------------------------------------------------------------


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def member_json(m: MemberStatus) -> dict[str, Any]:
    """One member in the shape of interface.md."""
    auth = None
    if m.authorization is not None:
        a = m.authorization
        auth = {
            "id": a.id,
            "number": a.number,
            "start": _d(a.start),
            "end": _d(a.end),
            "authorized": a.authorized,
            "used": a.used,
            "remaining": a.remaining,
            "reauth_due": a.reauth_due,
        }
    return {
        "id": m.id,
        "specialist_id": m.specialist_id,
        "active": m.active,
        "payer": m.payer,
        "weekly_contact": {
            "status": m.weekly_contact.status,
            "direct_contacts": m.weekly_contact.direct_contacts,
            "attempts": m.weekly_contact.attempts,
            "last_direct_contact": _d(m.weekly_contact.last_direct_contact),
        },
        "previous_week": m.previous_week,
        "needs_attention": m.needs_attention,
        "supervisor_visit": {
            "due": _d(m.supervisor_visit.due),
            "state": m.supervisor_visit.state,
            "last": _d(m.supervisor_visit.last),
        },
        "units": {
            "today": {"used": m.today.used, "cap": m.today.cap},
            "week": {"used": m.week.used, "cap": m.week.cap},
            "authorization": auth,
            "unauthorized": m.unauthorized,
        },
        "pcp": {"state": m.pcp.state, "review_due": _d(m.pcp.review_due)},
        "flags": list(m.flags),
    }


def staff_json(s: StaffStatus) -> dict[str, Any]:
    """One staff member in the shape of interface.md (specialists and supervisors differ)."""
    if s.role == "supervisor":
        return {"id": s.id, "role": s.role, "specialists": s.specialists, "over_span": s.over_span}
    return {
        "id": s.id,
        "role": s.role,
        "fte": s.fte,
        "capacity": s.capacity,
        "active_members": s.active_members,
        "over_capacity": s.over_capacity,
        "supervised_this_week": s.supervised_this_week,
    }


def status_json(status: Status) -> dict[str, Any]:
    """The whole `status --json` document."""
    return {
        "as_of": status.as_of.isoformat(),
        "week": {"start": status.week.start.isoformat(), "end": status.week.end.isoformat()},
        "members": [member_json(m) for m in status.members],
        "staff": [staff_json(s) for s in status.staff],
        "program": {
            "active_members": status.program.active_members,
            "specialist_fte": status.program.specialist_fte,
            "members_per_fte": status.program.members_per_fte,
        },
    }


def render_status_json(status: Status) -> str:
    """`status --json` text, with a trailing newline."""
    return json.dumps(status_json(status), indent=2) + "\n"


def attention_order(m: MemberStatus) -> tuple[int, int, str]:
    """Sort key: needs attention first, then missed/pending before met, then by name (C-4)."""
    rank = {"missed": 0, "pending": 1, "attempted": 2, "met": 3, None: 4}
    return (0 if m.needs_attention else 1, rank.get(m.weekly_contact.status, 4), m.name.lower())


def render_status_table(status: Status) -> None:
    """The readable `status`: members needing attention first, every state in words."""
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"Compliance as of {status.as_of.isoformat()} (week {status.week.start}..{status.week.end})"
    )
    for column in (
        "member",
        "specialist",
        "week",
        "last contact",
        "visit due",
        "units wk",
        "auth left",
        "PCP",
        "flags",
    ):
        table.add_column(column)
    for m in sorted((m for m in status.members if m.active), key=attention_order):
        auth = m.authorization
        table.add_row(
            ("! " if m.needs_attention else "") + f"{m.name} ({m.id})",
            m.specialist_id,
            (m.weekly_contact.status or "-").upper(),
            _d(m.weekly_contact.last_direct_contact) or "none",
            f"{_d(m.supervisor_visit.due)} {(m.supervisor_visit.state or '').upper()}",
            f"{m.week.used}/{m.week.cap}",
            f"{auth.remaining} to {auth.end}" if auth else "NO AUTH",
            m.pcp.state.upper(),
            ", ".join(m.flags),
        )
    console = Console()
    console.print(table)
    p = status.program
    console.print(
        f"Program: {p.active_members} active members, {p.specialist_fte} specialist FTE, {p.members_per_fte} per FTE"
    )


@dataclass(frozen=True)
class Caseload:
    """The home screen's data: the user's active members in attention order, with S-1 capacity."""

    as_of: date
    week_start: date
    week_end: date
    members: tuple[MemberStatus, ...]
    active: int
    capacity: int | None
    attention: int


def caseload_of(status: Status, staff_id: str) -> Caseload:
    """A specialist's own active members; a supervisor's: those of the specialists they supervise."""
    me = next((s for s in status.staff if s.id == staff_id), None)
    if me is not None and me.role == "supervisor":
        mine = {s.id for s in status.staff if s.supervisor_id == staff_id} | {staff_id}
    else:
        mine = {staff_id}
    rows = sorted((m for m in status.members if m.active and m.specialist_id in mine), key=attention_order)
    capacity = me.capacity if me is not None and me.role == "specialist" else None
    return Caseload(
        status.as_of,
        status.week.start,
        status.week.end,
        tuple(rows),
        len(rows),
        capacity,
        sum(1 for m in rows if m.needs_attention),
    )


def load_caseload(engine: Engine, as_of: date, staff_id: str) -> Caseload:
    """compute_status of the user's caseload only: their own members, or a supervisor's specialists' members."""
    from cpss_tui.data import settings
    from cpss_tui.data.db import read_session
    from cpss_tui.data.queries import SessionRunner

    values = settings.get_all(engine)
    with read_session(engine) as session:
        return caseload_from(values, as_of, SessionRunner(session), staff_id)


def caseload_from(values: dict[str, Any], as_of: date, run: Runner, staff_id: str) -> Caseload:
    """load_caseload over decoded settings and a Runner (one transaction: the scope and the facts agree)."""
    supervised = facts.supervised_by(run, staff_id)
    return caseload_of(evaluate(values, as_of, run, [staff_id, *supervised]), staff_id)
