"""Person-Centered Plan (P-1..P-5), from NC 8G and the 8G training slides "Person-Centered Planning" and
"Crisis Plans": "Person-Centered Plans are required for all individuals receiving Peer Support Services",
"A Crisis Plan is a required component for every Person-Centered Plan", "Any intervention not identified in
the Person-Centered Plan (PCP)" is not covered.

Why counts: the data layer knows how many current goals a PCP has and how many lack interventions; the verdict
and the review date are decided here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Final, Literal, NamedTuple

from cpss_tui.rules.problems import Problem

PcpStateName = Literal["ok", "missing", "incomplete", "review-due-soon", "review-overdue"]

# P-4: goal status vocabulary and allowed changes. `revised` is a current goal whose words or plan changed
# (it can be revised again); `achieved` and `discontinued` close a goal: taking it up again is a new goal in
# the member's own words, so the history stays readable.
GOAL_STATUSES: Final = ("active", "achieved", "revised", "discontinued")
CURRENT_GOAL_STATUSES: Final = ("active", "revised")
GOAL_TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "active": frozenset({"revised", "achieved", "discontinued"}),
    "revised": frozenset({"revised", "active", "achieved", "discontinued"}),
    "achieved": frozenset(),
    "discontinued": frozenset(),
}

# P-2: the parts of a crisis plan (a WRAP may be attached but is optional).
CRISIS_PLAN_PARTS: Final = ("triggers", "coping", "supports", "contacts")


class PcpResult(NamedTuple):
    """P-1, P-2, P-5: the PCP state and when its review is due (None without a PCP)."""

    state: PcpStateName
    review_due: date | None


def review_due(last_review: date | None, effective: date | None, review_days: int = 365) -> date | None:
    """P-5: `review_days` after the last review; a PCP never reviewed counts from its effective date."""
    base = last_review or effective
    return None if base is None else base + timedelta(days=review_days)


def pcp_state(
    *,
    has_pcp: bool = True,
    goals: int,
    goals_without_interventions: int,
    has_crisis_plan: bool,
    effective: date | None = None,
    last_review: date | None,
    as_of: date,
    review_days: int = 365,
    due_soon_days: int = 30,
) -> PcpResult:
    """P-1, P-2, P-5: `missing` (no PCP), `incomplete` (no current goal, a goal without interventions, or no
    crisis plan), else the review: `review-overdue` iff as_of > due, `review-due-soon` iff 0 <= due - as_of <=
    30, `ok` otherwise. `goals` counts current goals; the review date is returned whatever the state, so an
    incomplete plan still shows when it is due."""
    if not has_pcp:
        return PcpResult("missing", None)
    due = review_due(last_review, effective, review_days)
    if goals <= 0 or goals_without_interventions > 0 or not has_crisis_plan:
        return PcpResult("incomplete", due)
    if due is None:
        return PcpResult("incomplete", None)
    if as_of > due:
        return PcpResult("review-overdue", due)
    if (due - as_of).days <= due_soon_days:
        return PcpResult("review-due-soon", due)
    return PcpResult("ok", due)


def crisis_plan_missing(plan: Mapping[str, object] | None) -> list[str]:
    """P-2: the crisis-plan parts (triggers/early warning signs, coping, supports, first-responder contacts)
    that are empty; all of them when there is no plan."""
    if plan is None:
        return list(CRISIS_PLAN_PARTS)
    return [part for part in CRISIS_PLAN_PARTS if not str(plan.get(part) or "").strip()]


def is_current_goal(status: str) -> bool:
    """P-3/P-4: goals a note may link to are the active and revised ones."""
    return status in CURRENT_GOAL_STATUSES


def goal_transition_problem(
    old_status: str, new_status: str, old_date: date | None = None, new_date: date | None = None
) -> Problem | None:
    """P-4: a goal status change must use the vocabulary, follow GOAL_TRANSITIONS and not be dated before the
    previous change (history is kept, never rewritten)."""
    if new_status not in GOAL_STATUSES:
        return Problem("P-4", "status", f"Goal status must be one of {', '.join(GOAL_STATUSES)} (P-4).")
    if new_status not in GOAL_TRANSITIONS.get(old_status, frozenset()):
        return Problem("P-4", "status", f"A goal that is {old_status} cannot become {new_status} (P-4).")
    if old_date is not None and new_date is not None and new_date < old_date:
        return Problem(
            "P-4", "status_on", f"The change is dated {new_date}, before the last one ({old_date}) (P-4)."
        )
    return None


def note_goal_problems(
    linked_goal_ids: Iterable[str],
    current_goal_ids: Iterable[str],
    used_interventions: Iterable[str] = (),
    pcp_interventions: Iterable[str] | None = None,
) -> list[Problem]:
    """P-3: a note links at least one of the member's current PCP goals, and only those; when the PCP's
    interventions are given, every intervention picked must be one of them (others are not covered)."""
    linked = list(linked_goal_ids)
    current = set(current_goal_ids)
    problems: list[Problem] = []
    if not linked:
        problems.append(Problem("P-3", "goal_ids", "Link at least one PCP goal (P-3)."))
    elif not set(linked) <= current:
        problems.append(
            Problem("P-3", "goal_ids", "Only the member's current PCP goals can be linked (P-3).")
        )
    if pcp_interventions is not None:
        allowed = set(pcp_interventions)
        outside = [i for i in used_interventions if i not in allowed]
        if outside:
            problems.append(
                Problem(
                    "P-3",
                    "interventions",
                    f"Not in the PCP, so not covered: {', '.join(outside)} (P-3).",
                )
            )
    return problems
