"""The supervisor's due board: every open obligation across the specialists they supervise, one row each.

Built from one status evaluation of the supervised caseloads plus two small reads for what it does not carry:
unsigned note drafts older than a day (N-2) and which supervised specialists had a supervision session in the
previous full week (S-4). No per-member query. Rows are plain dataclasses, sorted overdue first, then by due date (none last), kind, member.

Rows, and the rule each names:
- `visit`        V-2..V-5 supervisor face-to-face visit overdue or due soon (due = the V-4 due date).
- `reauth`       U-8 authorization ends within the lead days and no later one exists (due = its end date).
- `pcp`          P-1 no PCP, P-2 no crisis plan / goals without interventions (no due date: owed now),
                 P-5 review due soon or overdue (due = review date).
- `contact`      C-3 previous week missed (due = that week's end, overdue), else C-4 needs attention this week
                 (due = this week's end).
- `draft`        N-2 an unsigned draft untouched for more than a day (due = its last save + 1 day, overdue).
- `supervision`  S-4 no session in the previous full week (overdue), or none yet this week (due = week end).
- `training`     S-5 training shortfall of a specialist or of the supervisor (owed now: overdue).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from cpss_tui.data import facts
from cpss_tui.data.facts import Runner
from cpss_tui.rules.staffing import MAX_SPECIALISTS_PER_SUPERVISOR
from cpss_tui.services.status import MemberStatus, StaffStatus, Status, compute_status, evaluate

if TYPE_CHECKING:
    from sqlalchemy import Engine

KINDS: tuple[tuple[str, str], ...] = (
    ("visit", "Visit"),
    ("reauth", "Reauth"),
    ("pcp", "PCP"),
    ("contact", "Contact"),
    ("draft", "Draft"),
    ("supervision", "Supervision"),
    ("training", "Training"),
)
KIND_LABELS = dict(KINDS)
_KIND_ORDER = {kind: index for index, (kind, _label) in enumerate(KINDS)}
STATES = ("overdue", "due-soon", "open")


@dataclass(frozen=True)
class Obligation:
    """One open obligation on the board."""

    kind: str
    rule: str
    due: date | None
    state: str  # 'overdue' | 'due-soon' | 'open'
    member_id: str | None
    member_name: str | None
    specialist_id: str
    specialist_name: str
    text: str


def sort_key(o: Obligation) -> tuple[int, int, date, int, str]:
    """Overdue first, then by due date (None last), then kind, then member name."""
    return (
        0 if o.state == "overdue" else 1,
        1 if o.due is None else 0,
        o.due or date.max,
        _KIND_ORDER.get(o.kind, len(_KIND_ORDER)),
        (o.member_name or "").lower(),
    )


def _member_obligations(m: MemberStatus, specialist: str, status: Status) -> list[Obligation]:
    def row(kind: str, rule: str, due: date | None, state: str, text: str) -> Obligation:
        return Obligation(kind, rule, due, state, m.id, m.name, m.specialist_id, specialist, text)

    out: list[Obligation] = []
    visit = m.supervisor_visit
    if visit.state in ("overdue", "due-soon"):
        last = f"last visit {visit.last}" if visit.last else "no visit yet since admission"
        out.append(
            row(
                "visit",
                "V-4",
                visit.due,
                visit.state,
                f"Supervisor face-to-face visit {visit.state.replace('-', ' ')}, due {visit.due} ({last}; V-2..V-4).",
            )
        )
    auth = m.authorization
    if auth is not None and auth.reauth_due:
        out.append(
            row(
                "reauth",
                "U-8",
                auth.end,
                "overdue" if auth.end < status.as_of else "due-soon",
                f"Authorization {auth.number} ends {auth.end} with no later one on file: request reauthorization (U-8).",
            )
        )
    pcp = m.pcp
    if pcp.state == "missing":
        out.append(row("pcp", "P-1", None, "open", "No Person-Centered Plan on file (P-1)."))
    elif pcp.state == "incomplete":
        out.append(
            row(
                "pcp",
                "P-2",
                None,
                "open",
                "PCP incomplete: crisis plan missing or a goal without interventions (P-1, P-2).",
            )
        )
    elif pcp.state in ("review-due-soon", "review-overdue"):
        state = "overdue" if pcp.state == "review-overdue" else "due-soon"
        out.append(
            row(
                "pcp",
                "P-5",
                pcp.review_due,
                state,
                f"PCP review {state.replace('-', ' ')}, due {pcp.review_due} (P-5).",
            )
        )
    previous_end = status.week.start - timedelta(days=1)
    if m.previous_week == "missed":
        out.append(
            row(
                "contact",
                "C-3",
                previous_end,
                "overdue",
                f"Week ending {previous_end} missed: no direct contact and too few attempts (C-3, C-4).",
            )
        )
    elif m.needs_attention:
        last_contact = m.weekly_contact.last_direct_contact
        out.append(
            row(
                "contact",
                "C-4",
                status.week.end,
                "due-soon",
                f"Needs attention: last direct contact {last_contact or 'never'}; contact or 2 attempts due by {status.week.end} (C-4).",
            )
        )
    return out


def _staff_obligations(
    s: StaffStatus, status: Status, supervised_previous_week: bool | None
) -> list[Obligation]:
    out: list[Obligation] = []
    week = status.week
    if s.role == "specialist":
        previous_end = week.start - timedelta(days=1)
        if supervised_previous_week is False:
            out.append(
                Obligation(
                    "supervision",
                    "S-4",
                    previous_end,
                    "overdue",
                    None,
                    None,
                    s.id,
                    s.name,
                    f"No supervision session with {s.name} in the week ending {previous_end} (S-4).",
                )
            )
        if not s.supervised_this_week:
            out.append(
                Obligation(
                    "supervision",
                    "S-4",
                    week.end,
                    "overdue" if status.as_of > week.end else "due-soon",
                    None,
                    None,
                    s.id,
                    s.name,
                    f"Weekly supervision session with {s.name} due by {week.end} (S-4).",
                )
            )
    for flag in s.training_flags:
        words = (
            "fewer than 20 hours of PSS training after the first 30 days of service"
            if flag == "training-hours"
            else "delivering service without the approved supervisor training"
        )
        out.append(
            Obligation(
                "training", "S-5", None, "overdue", None, None, s.id, s.name, f"{s.name}: {words} (S-5)."
            )
        )
    return out


def board_from(
    status: Status,
    supervisor_id: str,
    drafts: list[facts.DraftRow],
    supervised_previous_week: set[str],
) -> list[Obligation]:
    """The board's rows from a computed status and the two extra facts (pure; sorted): `drafts` are the
    unsigned drafts older than a day (N-2)."""
    staff_by_id = {s.id: s for s in status.staff}
    specialists = [s for s in status.staff if s.supervisor_id == supervisor_id and s.role == "specialist"]
    scope = {s.id for s in specialists} | {supervisor_id}
    names = {s.id: s.name for s in status.staff}
    rows: list[Obligation] = []
    members = {m.id: m for m in status.members}
    for m in status.members:
        if m.active and m.specialist_id in scope:
            rows += _member_obligations(m, names.get(m.specialist_id, "?"), status)
    for s in specialists:
        rows += _staff_obligations(s, status, s.id in supervised_previous_week)
    me = staff_by_id.get(supervisor_id)
    if me is not None:
        rows += _staff_obligations(me, status, None)
    for d in drafts:
        if d.staff_id not in scope:
            continue
        member = members.get(d.member_id)
        saved = d.updated_at.date()
        rows.append(
            Obligation(
                "draft",
                "N-2",
                saved + timedelta(days=1),
                "overdue",
                d.member_id,
                member.name if member else None,
                d.staff_id,
                names.get(d.staff_id, "?"),
                f"Unsigned note draft last saved {saved}: complete and sign it, or discard it (N-2).",
            )
        )
    return sorted(rows, key=sort_key)


def board_read(
    values: Mapping[str, Any], as_of: date, run: Runner, supervisor_id: str, now: datetime
) -> list[Obligation]:
    """The board of `supervisor_id` from decoded settings and a Runner (all reads in its one transaction):
    the data layer's session (`due_board`) or, at start-up, the compiled reads of data/start_read.py.

    Only the members of the supervised specialists are evaluated (staff figures and the program ratio still
    cover everyone): on a 500-member agency a supervisor of ten specialists waits for a hundred members.
    """
    status = evaluate(dict(values), as_of, run, [*facts.supervised_by(run, supervisor_id), supervisor_id])
    supervised = [s.id for s in status.staff if s.supervisor_id == supervisor_id and s.role == "specialist"]
    cutoff = now - timedelta(days=1)
    drafts = [d for d in facts.drafts_of(run, [*supervised, supervisor_id]) if d.updated_at < cutoff]
    previous_start = status.week.start - timedelta(days=7)
    had_session = facts.sessions_between(run, previous_start, status.week.start - timedelta(days=1), supervised)
    return board_from(status, supervisor_id, drafts, had_session)


def due_board(
    engine: Engine, as_of: date, supervisor_id: str, now: datetime | None = None
) -> list[Obligation]:
    """Every open obligation across the specialists `supervisor_id` supervises (and the supervisor's own)."""
    from cpss_tui.data import settings
    from cpss_tui.data.db import read_session
    from cpss_tui.data.queries import SessionRunner

    values = settings.get_all(engine)
    with read_session(engine) as session:
        return board_read(values, as_of, SessionRunner(session), supervisor_id, now or datetime.now(UTC))


@dataclass(frozen=True)
class StaffingRow:
    """One specialist on the staffing panel (S-1, S-2, S-4, S-5)."""

    id: str
    name: str
    fte: float | None
    active_members: int
    capacity: int | None
    over_capacity: bool
    at_capacity: bool
    supervised_this_week: bool
    training_flags: tuple[str, ...]


@dataclass(frozen=True)
class Staffing:
    """The staffing panel: specialists against capacity, the program ratio (S-2) and the span (S-3)."""

    as_of: date
    supervisor_name: str
    specialists: tuple[StaffingRow, ...]
    program_active: int
    program_fte: float
    members_per_fte: float | None
    span: int
    max_span: int
    over_span: bool


def staffing_from(status: Status, supervisor_id: str) -> Staffing:
    """The panel's data from a computed status (pure)."""
    me = next((s for s in status.staff if s.id == supervisor_id), None)
    rows = tuple(
        StaffingRow(
            s.id,
            s.name,
            s.fte,
            s.active_members,
            s.capacity,
            s.over_capacity,
            s.capacity is not None and s.active_members >= s.capacity,
            s.supervised_this_week,
            s.training_flags,
        )
        for s in sorted(status.staff, key=lambda s: s.name.lower())
        if s.role == "specialist" and s.supervisor_id == supervisor_id
    )
    span = me.specialists if me is not None else len(rows)
    return Staffing(
        status.as_of,
        me.name if me is not None else "?",
        rows,
        status.program.active_members,
        status.program.specialist_fte,
        status.program.members_per_fte,
        span,
        MAX_SPECIALISTS_PER_SUPERVISOR,
        span > MAX_SPECIALISTS_PER_SUPERVISOR,
    )


def load_staffing(engine: Engine, as_of: date, supervisor_id: str) -> Staffing:
    """compute_status, narrowed to the staffing panel: staff figures and the program ratio, which cover
    everyone whatever the scope, so no member of anyone's caseload is evaluated (the supervisor has none)."""
    return staffing_from(compute_status(engine, as_of, [supervisor_id]), supervisor_id)
