"""V-1..V-5: supervisor face-to-face visits (NC 8G, Staffing Requirements)."""

from __future__ import annotations

from datetime import date, timedelta

from cpss_tui.rules.visits import (
    counts_as_visit,
    latest_counting_visit,
    next_visit_due,
    supervisor_visit_status,
    visit_state,
)

ADMITTED = date(2026, 9, 1)


def day(n: int) -> date:
    """Day n of service (day 1 = admission date)."""
    return ADMITTED + timedelta(days=n - 1)


def test_v1_only_supervisor_face_to_face_on_or_after_admission_counts() -> None:
    assert counts_as_visit("supervisor", True, ADMITTED, ADMITTED)
    assert not counts_as_visit("specialist", True, ADMITTED, ADMITTED)
    assert not counts_as_visit("supervisor", False, ADMITTED, ADMITTED)
    assert not counts_as_visit("supervisor", True, ADMITTED - timedelta(days=1), ADMITTED)


def test_v1_latest_counting_visit_ignores_non_counting_and_future() -> None:
    visits = [
        (day(10), "supervisor", True),
        (day(20), "specialist", True),
        (day(25), "supervisor", False),
        (day(40), "supervisor", True),
    ]
    assert latest_counting_visit(visits, ADMITTED, day(30)) == day(10)
    assert latest_counting_visit(visits, ADMITTED, day(40)) == day(40)
    assert latest_counting_visit([], ADMITTED, day(40)) is None


def test_v2_first_visit_due_admission_plus_30() -> None:
    assert next_visit_due(ADMITTED, None) == ADMITTED + timedelta(days=30) == day(31)


def test_v3_visit_on_day_29_makes_next_due_day_89() -> None:
    assert next_visit_due(ADMITTED, day(29)) == day(89)


def test_v3_late_visit_restarts_60_day_chain() -> None:
    # First due day 31; visit on day 45 (late) -> next due day 105; an early one on day 60 -> day 120.
    assert next_visit_due(ADMITTED, day(45)) == day(105)
    assert next_visit_due(ADMITTED, day(60)) == day(120)


def test_v4_states_around_due_date() -> None:
    due = date(2026, 12, 1)
    assert visit_state(due, due - timedelta(days=8), 7) == "ok"
    assert visit_state(due, due - timedelta(days=7), 7) == "due-soon"
    assert visit_state(due, due, 7) == "due-soon"
    assert visit_state(due, due + timedelta(days=1), 7) == "overdue"


def test_v4_due_soon_days_is_a_setting() -> None:
    due = date(2026, 12, 1)
    assert visit_state(due, due - timedelta(days=10), 10) == "due-soon"
    assert visit_state(due, due, 0) == "due-soon"
    assert visit_state(due, due - timedelta(days=1), 0) == "ok"


def test_v5_discharged_member_has_no_visit_due() -> None:
    assert supervisor_visit_status(ADMITTED, day(50), None, day(50), 7) == (None, None)
    assert supervisor_visit_status(ADMITTED, day(50), None, day(80), 7) == (None, None)
    # discharge recorded ahead, due date after it: nothing due
    assert supervisor_visit_status(ADMITTED, day(30), None, day(28), 7) == (None, None)
    assert supervisor_visit_status(ADMITTED, day(31), None, day(28), 7) == (day(31), "due-soon")
    # discharge ahead but the visit is due before it
    assert supervisor_visit_status(ADMITTED, day(60), None, day(28), 7) == (day(31), "due-soon")
    assert supervisor_visit_status(ADMITTED, None, day(29), day(90), 7) == (day(89), "overdue")
