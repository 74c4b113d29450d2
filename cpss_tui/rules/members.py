"""Members (M-1..M-4): age at intake, concurrent services, discharge, family members.

Why per profile: the minimum age (18 state-funded, 21 Medicaid unless EPSDT), the services that may not run
alongside peer support and what a discharge must record differ by payer (NC 8G, LA.CP.BH.505c, CT waiver).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cpss_tui.rules.problems import Problem
from cpss_tui.rules.profiles import DISCHARGE_REASONS, PayerProfile

__all__ = [
    "DISCHARGE_REASONS",
    "age_at",
    "age_flag",
    "concurrent_service_flag",
    "discharge_problems",
    "family_member_problem",
    "overlap_days",
]


def age_at(birth: date, on: date) -> int:
    """M-1: completed years on a date. Someone born on Feb 29 turns a year older on Mar 1 in a common year
    (the birthday has not come while (month, day) < (2, 29))."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_flag(birth: date, admitted: date, profile: PayerProfile, epsdt: bool = False) -> Problem | None:
    """M-1: age at admission below the profile's minimum (18 nc-state, 21 nc-medicaid, nc-wellcare, la-lhcc)
    is flagged at intake, unless EPSDT is recorded and the profile accepts EPSDT."""
    age = age_at(birth, admitted)
    if age >= profile.min_age or (epsdt and profile.epsdt_allowed):
        return None
    extra = " and no EPSDT eligibility is recorded" if profile.epsdt_allowed else ""
    return Problem(
        "M-1",
        "birth_date",
        f"Age {age} at admission is below {profile.min_age} for {profile.name}{extra} (M-1).",
    )


def overlap_days(first_a: date, last_a: date | None, first_b: date, last_b: date) -> int:
    """M-2: days two periods share, both ends inclusive (an open-ended service runs on)."""
    hi = last_b if last_a is None else min(last_a, last_b)
    lo = max(first_a, first_b)
    return max(0, (hi - lo).days + 1)


def concurrent_service_flag(
    services: Iterable[tuple[str, date, date | None]],
    period_start: date,
    period_end: date,
    profile: PayerProfile,
) -> Problem | None:
    """M-2: ACTT, Community Support Team or Psychosocial Rehabilitation (NC 8G, Service Exclusions)
    overlapping the authorization period is flagged; ct-waiver excludes ACT and CSP but allows a transition
    of up to 30 days of overlap ("not to exceed 30 days")."""
    for service, start, end in services:
        if service.lower() not in profile.excluded_concurrent_services:
            continue
        shared = overlap_days(start, end, period_start, period_end)
        if shared > profile.act_transition_days:
            allowance = (
                f" (a transition of up to {profile.act_transition_days} days is allowed)"
                if profile.act_transition_days
                else ""
            )
            return Problem(
                "M-2",
                "concurrent_service",
                f"{service.upper()} overlaps peer support for {shared} days{allowance} (M-2).",
            )
    return None


def discharge_problems(
    reason: str | None, continuing_care_plan: str | None, profile: PayerProfile
) -> list[Problem]:
    """M-3: a discharge records one of the discharge criteria (profile.discharge_reasons) and, for la-lhcc,
    "an adequate continuing care plan" (LA.CP.BH.505c I.C.i)."""
    problems: list[Problem] = []
    if not reason or reason not in profile.discharge_reasons:
        problems.append(
            Problem(
                "M-3",
                "discharge_reason",
                f"Pick a discharge reason: one of {', '.join(profile.discharge_reasons)} (M-3).",
            )
        )
    if profile.requires_continuing_care_plan and not (continuing_care_plan or "").strip():
        problems.append(
            Problem(
                "M-3",
                "continuing_care_plan",
                f"{profile.name} requires a continuing care plan at discharge (M-3).",
            )
        )
    return problems


def family_member_problem(is_family_member: bool) -> Problem | None:
    """M-4: "PSS staff shall not provide services to a family member" (NC 8G): the assignment is refused."""
    if is_family_member:
        return Problem("M-4", "specialist", "A specialist may not serve a family member (M-4).")
    return None
