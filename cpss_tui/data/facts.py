"""The facts the rules read from the database, and the one sequence of reads that gathers them.

Plain immutable records, and no SQLAlchemy: the rows of a read are `NamedTuple`s (a row is a tuple; and
defining one costs a fifth of a frozen dataclass, which start-up pays for each class), the values the rules
and screens pass around are frozen dataclasses. `services.status` evaluates the rules over these whether they
were read through a SQLAlchemy session (`data.queries.SessionRunner`, every screen and command) or through
the standard library's `sqlite3` with the same statements compiled ahead of time (`data.start_read`, the
home screen at start-up, issue "Fast at agency scale"). Each read is named (`Q_*`), takes named parameters
and returns rows of Python values; `data.queries` holds the SQLAlchemy statement behind each name.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

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


class MemberFacts(NamedTuple):
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


class NoteRow(NamedTuple):
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


class AuthorizationRow(NamedTuple):
    """An authorization (U-5) and whether a later one exists for the member (U-8)."""

    id: str
    member_id: str
    number: str
    start: date
    end: date
    units: int
    has_later: bool


class PcpFacts(NamedTuple):
    """The member's current PCP (latest effective on or before as_of) summarised for P-1, P-2, P-5."""

    id: str
    member_id: str
    effective: date
    last_review: date | None
    goals: int
    goals_without_interventions: int
    has_crisis_plan: bool


class ConcurrentServiceRow(NamedTuple):
    """Another service the member receives (M-2)."""

    member_id: str
    service: str
    start: date
    end: date | None


class StaffFacts(NamedTuple):
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


class DraftRow(NamedTuple):
    """An unsigned note draft (N-2): for which member, whose, last saved when (aware, UTC)."""

    member_id: str
    staff_id: str
    updated_at: datetime


@dataclass(frozen=True)
class StaffView:
    """What the screens show of a staff member."""

    id: str
    name: str
    role: str
    credentials: str
    fte: float | None
    supervisor_id: str | None


# --- the named reads (data.queries builds each as a SQLAlchemy statement) ----------------------------------

Q_SETTINGS = "settings"  # () -> (key, json value)
Q_STAFF = "staff"  # (staff_id) -> StaffView fields
Q_SUPERVISED_BY = "supervised_by"  # (supervisor_id) -> (staff id,)
Q_MEMBER_FACTS = "member_facts"  # (as_of, week_start, week_until, prev_start, prev_until[, specialists])
Q_AUTHORIZATIONS_ON = "authorizations_on"  # (as_of[, specialists])
Q_NOTES_BETWEEN = "notes_between"  # (start, end[, specialists])
Q_UNAUTHORIZED = "unauthorized_by_fiscal_year"  # (as_of, fy_month, fy_day[, specialists]); shape: policies
Q_CURRENT_PCPS = "current_pcps"  # (as_of[, specialists])
Q_CONCURRENT_SERVICES = "concurrent_services"  # ([specialists])
Q_STAFF_FACTS = "staff_facts"  # (as_of, week_start, week_until)
Q_REVISION = "schema_revision"  # () -> (alembic version,)
Q_DRAFTS = "drafts_of"  # (specialists: staff ids) -> DraftRow fields; always scoped
Q_SESSIONS_BETWEEN = "sessions_between"  # (start, end, specialists) -> (specialist id,); always scoped

# The reads that take `specialists` come in two shapes: everyone (scoped=False) or a caseload (scoped=True).
SCOPED_QUERIES = (
    Q_MEMBER_FACTS,
    Q_NOTES_BETWEEN,
    Q_UNAUTHORIZED,
    Q_AUTHORIZATIONS_ON,
    Q_CURRENT_PCPS,
    Q_CONCURRENT_SERVICES,
    Q_DRAFTS,
    Q_SESSIONS_BETWEEN,
)


def statement_key(query: str, scoped: bool) -> str:
    """The name of one shape of a read among the compiled statements (data/start_sql.py)."""
    return f"{query}:{'caseload' if scoped else 'all'}"


def plain_policies(policies: Mapping[str, UnitPolicy]) -> dict[str, Any]:
    """Unit policies as plain data, as data/start_sql.py records the ones its U-6 statement was compiled with."""
    return {payer: [p.rounding, list(p.nonbillable_contact_types)] for payer, p in policies.items()}


class Runner(Protocol):
    """Runs one named read with its parameters inside the caller's unit of work; rows of Python values."""

    def __call__(
        self,
        query: str,
        params: Mapping[str, Any],
        *,
        scoped: bool = False,
        policies: Mapping[str, UnitPolicy] | None = None,
    ) -> Sequence[tuple[Any, ...]]: ...


def staff_view(run: Runner, staff_id: str) -> StaffView | None:
    """One staff member, or None."""
    rows = run(Q_STAFF, {"staff_id": staff_id})
    return StaffView(*rows[0]) if rows else None


def supervised_by(run: Runner, supervisor_id: str) -> list[str]:
    """Ids of the staff whose supervisor is `supervisor_id` (S-3)."""
    return [row[0] for row in run(Q_SUPERVISED_BY, {"supervisor_id": supervisor_id})]


def _scope(specialists: Collection[str] | None) -> tuple[dict[str, Any], bool]:
    return ({"specialists": list(specialists)}, True) if specialists is not None else ({}, False)


def member_facts(
    run: Runner, as_of: date, week: Period, previous: Period, specialists: Collection[str] | None = None
) -> list[MemberFacts]:
    """Every member (of `specialists`, when given) with the week's contact and attempt counts, last contact
    and last counting visit (counts stop at `as_of`: a later note is not known yet)."""
    scope, scoped = _scope(specialists)
    params = {
        "as_of": as_of,
        "week_start": week.start,
        "week_until": min(week.end, as_of),
        "prev_start": previous.start,
        "prev_until": min(previous.end, as_of),
        **scope,
    }
    return [MemberFacts(*row) for row in run(Q_MEMBER_FACTS, params, scoped=scoped)]


def notes_between(
    run: Runner, start: date, end: date, specialists: Collection[str] | None = None
) -> list[NoteRow]:
    """Every note dated in [start, end] (of members of `specialists`, when given), in the order caps consume
    them (date, start time, id)."""
    scope, scoped = _scope(specialists)
    return [
        NoteRow(*row) for row in run(Q_NOTES_BETWEEN, {"start": start, "end": end, **scope}, scoped=scoped)
    ]


def authorizations_on(
    run: Runner, as_of: date, specialists: Collection[str] | None = None
) -> list[AuthorizationRow]:
    """Authorizations whose dates contain `as_of` (U-5), with whether a later one exists (U-8), of members of
    `specialists` when given."""
    scope, scoped = _scope(specialists)
    return [
        AuthorizationRow(*row) for row in run(Q_AUTHORIZATIONS_ON, {"as_of": as_of, **scope}, scoped=scoped)
    ]


def unauthorized_units_by_fiscal_year(
    run: Runner,
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
    scope, scoped = _scope(specialists)
    params = {
        "as_of": as_of,
        "fy_month": fiscal_year_start_month,
        "fy_day": fiscal_year_start_day,
        "no_earlier": date.min,  # the open ends of the spans outside every authorization
        "no_later": date.max,
        **scope,
    }
    result: dict[str, dict[int, int]] = {}
    for member_id, fy, total in run(Q_UNAUTHORIZED, params, scoped=scoped, policies=policies):
        if total:
            result.setdefault(member_id, {})[int(fy)] = int(total)
    return result


def current_pcps(
    run: Runner, as_of: date, specialists: Collection[str] | None = None
) -> dict[str, PcpFacts]:
    """Each member's (of `specialists`, when given) latest PCP effective on or before `as_of`, with goal and
    crisis-plan facts."""
    scope, scoped = _scope(specialists)
    latest: dict[str, PcpFacts] = {}
    # Ordered by effective: the last one wins.
    for row in run(Q_CURRENT_PCPS, {"as_of": as_of, **scope}, scoped=scoped):
        latest[row[1]] = PcpFacts(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]), bool(row[6]))
    return latest


def concurrent_services(
    run: Runner, specialists: Collection[str] | None = None
) -> list[ConcurrentServiceRow]:
    """Every recorded concurrent service (M-2) (of members of `specialists`, when given); few per member."""
    scope, scoped = _scope(specialists)
    return [ConcurrentServiceRow(*row) for row in run(Q_CONCURRENT_SERVICES, scope, scoped=scoped)]


def staff_facts(run: Runner, as_of: date, week: Period) -> list[StaffFacts]:
    """Every staff member with active caseload (S-1), supervision this week (S-4) and span (S-3)."""
    params = {"as_of": as_of, "week_start": week.start, "week_until": min(week.end, as_of)}
    return [StaffFacts(*row) for row in run(Q_STAFF_FACTS, params)]


def drafts_of(run: Runner, staff_ids: Collection[str]) -> list[DraftRow]:
    """The unsigned note drafts of `staff_ids` (N-2; few: a draft ends when its note is signed)."""
    if not staff_ids:
        return []
    return [DraftRow(*row) for row in run(Q_DRAFTS, {"specialists": list(staff_ids)}, scoped=True)]


def sessions_between(run: Runner, start: date, end: date, specialists: Collection[str]) -> set[str]:
    """Which of `specialists` had a supervision session dated in [start, end] (S-4)."""
    if not specialists:
        return set()
    params = {"start": start, "end": end, "specialists": list(specialists)}
    return {row[0] for row in run(Q_SESSIONS_BETWEEN, params, scoped=True)}
