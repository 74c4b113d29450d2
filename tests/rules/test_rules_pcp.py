"""P-1..P-5: Person-Centered Plan state, crisis plan, goal links, goal statuses, review dates."""

from __future__ import annotations

from datetime import date, timedelta

from cpss_tui.rules.pcp import (
    GOAL_STATUSES,
    PcpResult,
    crisis_plan_missing,
    goal_transition_problem,
    is_current_goal,
    note_goal_problems,
    pcp_state,
    review_due,
)

REVIEWED = date(2026, 9, 1)
DUE = date(2027, 9, 1)  # 365 days later


def state(**kw: object) -> PcpResult:
    args: dict[str, object] = {
        "goals": 2, "goals_without_interventions": 0, "has_crisis_plan": True, "effective": REVIEWED,
        "last_review": REVIEWED, "as_of": date(2026, 11, 22),
    }  # fmt: skip
    args.update(kw)
    return pcp_state(**args)  # type: ignore[arg-type]


def test_p1_missing_pcp() -> None:
    assert state(has_pcp=False) == ("missing", None)


def test_p1_pcp_needs_goals_with_interventions() -> None:
    assert state(goals=0)[0] == "incomplete"
    assert state(goals_without_interventions=1)[0] == "incomplete"
    assert state() == ("ok", DUE)


def test_p2_pcp_without_crisis_plan_is_incomplete() -> None:
    assert state(has_crisis_plan=False) == ("incomplete", DUE)
    assert crisis_plan_missing(None) == ["triggers", "coping", "supports", "contacts"]
    assert crisis_plan_missing({"triggers": "x", "coping": "y", "supports": " ", "contacts": "z"}) == [
        "supports"
    ]
    assert crisis_plan_missing({"triggers": "x", "coping": "y", "supports": "s", "contacts": "z"}) == []


def test_p3_note_must_link_a_current_goal() -> None:
    assert [p.rule for p in note_goal_problems([], ["g1"])] == ["P-3"]
    assert [p.rule for p in note_goal_problems(["g9"], ["g1"])] == ["P-3"]
    assert note_goal_problems(["g1"], ["g1", "g2"]) == []


def test_p3_interventions_not_in_pcp_not_covered() -> None:
    problems = note_goal_problems(["g1"], ["g1"], ["Call landlords", "Bowling"], ["Call landlords"])
    assert [p.field for p in problems] == ["interventions"] and "Bowling" in problems[0].message


def test_p4_goal_statuses_and_transitions() -> None:
    assert GOAL_STATUSES == ("active", "achieved", "revised", "discontinued")
    assert is_current_goal("active") and is_current_goal("revised")
    assert not is_current_goal("achieved") and not is_current_goal("discontinued")
    assert goal_transition_problem("active", "achieved") is None
    assert goal_transition_problem("active", "revised") is None
    assert goal_transition_problem("revised", "discontinued") is None
    assert goal_transition_problem("achieved", "active") is not None
    assert goal_transition_problem("active", "paused") is not None
    backdated = goal_transition_problem("active", "achieved", date(2026, 10, 1), date(2026, 9, 30))
    assert backdated is not None and backdated.rule == "P-4"


def test_p5_review_due_365_days_after_last_review() -> None:
    assert review_due(REVIEWED, None) == DUE
    assert review_due(None, REVIEWED) == DUE  # never reviewed: from the effective date
    assert review_due(None, None) is None


def test_p5_due_soon_at_30_days_overdue_after() -> None:
    assert state(as_of=DUE - timedelta(days=31)) == ("ok", DUE)
    assert state(as_of=DUE - timedelta(days=30)) == ("review-due-soon", DUE)
    assert state(as_of=DUE) == ("review-due-soon", DUE)
    assert state(as_of=DUE + timedelta(days=1)) == ("review-overdue", DUE)
