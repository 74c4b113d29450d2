"""Caseload and staffing (S-1..S-5), from NC 8G Staffing Requirements and Staff Training.

Why exact decimals: capacity is floor(10 × FTE), and 0.7 × 10 in binary floating point is 6.999…, which would
silently take a member slot away from a 0.7 FTE specialist.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Final, Literal

from cpss_tui.rules.problems import Problem

MEMBERS_PER_FTE: Final = 10  # S-1: "no more than 1:10"
MAX_PEOPLE_PER_FTE: Final = 2  # S-1: "No more than two individuals may share each FTE"
MAX_SPECIALISTS_PER_SUPERVISOR: Final = 8  # S-3
TRAINING_HOURS: Final = 20  # S-5
TRAINING_DAYS: Final = 30  # S-5: "within the first 30 days of each staff member's delivery of this service"


def _fte(fte: float | int | str | Decimal) -> Decimal:
    if isinstance(fte, bool):
        raise ValueError(f"fte: must be a number, not {fte!r}")
    value = Decimal(str(fte))
    if not value.is_finite() or not 0 < value <= 1:
        raise ValueError(f"fte: must be more than 0 and at most 1 (S-1), not {fte}")
    return value


def capacity(fte: float | int | str | Decimal, members_per_fte: int = MEMBERS_PER_FTE) -> int:
    """S-1: floor(10 × FTE) with exact decimals (0.7 → 7, 0.75 → 7, 0.5 → 5, 1.0 → 10); 0 < FTE <= 1 else
    `ValueError`."""
    return int((_fte(fte) * members_per_fte).to_integral_value(rounding="ROUND_FLOOR"))


def shared_fte_problem(people: int) -> Problem | None:
    """S-1: at most two people share one FTE position."""
    if people > MAX_PEOPLE_PER_FTE:
        return Problem(
            "S-1",
            "fte",
            f"{people} people share one FTE; at most {MAX_PEOPLE_PER_FTE} may share a position (S-1).",
        )
    return None


def can_assign(
    active_members: int, fte: float | int | str | Decimal, family_member: bool = False
) -> Problem | None:
    """S-2 (and M-4): refusal of assigning one more active member to a specialist with `active_members`
    already, naming the 1:10 ratio; None means the assignment is allowed."""
    if family_member:
        return Problem("M-4", "specialist", "A specialist may not serve a family member (M-4, NC 8G).")
    cap = capacity(fte)
    if active_members + 1 > cap:
        return Problem(
            "S-2",
            "specialist",
            f"At capacity: {active_members} active members for {Decimal(str(fte)).normalize()} FTE; "
            f"the ratio is at most 1:{MEMBERS_PER_FTE} per FTE, so capacity is {cap} (S-1, S-2).",
        )
    return None


def program_ratio(active_members: int, total_fte: float | int | str | Decimal) -> float | None:
    """S-2: program-wide active members per specialist FTE (2 decimals), None without specialist FTE."""
    total = Decimal(str(total_fte))
    if total <= 0:
        return None
    return float(round(Fraction(active_members) / Fraction(total), 2))


def can_add_specialist(
    current_specialists: int, span: int = MAX_SPECIALISTS_PER_SUPERVISOR
) -> Problem | None:
    """S-3: a supervisor supervises at most 8 specialists, so a 9th is refused."""
    if current_specialists + 1 > span:
        return Problem(
            "S-3",
            "supervisor",
            f"This supervisor already supervises {current_specialists} specialists; at most {span} (S-3).",
        )
    return None


def supervision_state(
    session_dates: Iterable[date], week_start_date: date, week_end_date: date, as_of: date
) -> Literal["met", "pending", "missed"]:
    """S-4: weekly individual supervision: `met` with a session dated in the week, `pending` while the week
    is not over, `missed` (flagged for supervisor and specialist) once it is."""
    if any(week_start_date <= d <= week_end_date for d in session_dates):
        return "met"
    return "pending" if as_of <= week_end_date else "missed"


def training_deadline(first_service: date) -> date:
    """S-5: the last of the first 30 days of delivering service (the first service date is day 1)."""
    return first_service + timedelta(days=TRAINING_DAYS - 1)


def training_flags(
    *,
    role: str,
    training_hours: float,
    first_service: date | None,
    supervisor_training_on: date | None,
    as_of: date,
) -> list[str]:
    """S-5: `training-hours` when fewer than 20 hours once the first 30 days of service are over;
    `supervisor-training` for a supervisor who delivered service without (or before) the approved training.

    The hours are a running total without dates, so hours logged late still clear the flag; the flag can say
    only "short now", not "was short on day 30".
    """
    flags: list[str] = []
    if (
        first_service is not None
        and as_of > training_deadline(first_service)
        and training_hours < TRAINING_HOURS
    ):
        flags.append("training-hours")
    if role == "supervisor" and first_service is not None and first_service <= as_of:
        if supervisor_training_on is None or supervisor_training_on > first_service:
            flags.append("supervisor-training")
    return flags
