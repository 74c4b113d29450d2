"""Supervisor face-to-face visits (V-1..V-5), from NC 8G, Staffing Requirements: the Licensed or Provisionally
Licensed Professional "is required to perform at least one face-to-face contact with the individual within 30
days of admission to the program and no less frequently than every 60 days thereafter".

Why a chain and not a calendar: V-3 restarts the 60 days from the latest counting visit, early or late, so the
due date depends only on the admission date and the latest counting visit on or before `as_of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Final, Literal

VisitState = Literal["ok", "due-soon", "overdue"]

FIRST_VISIT_DAYS: Final = 30  # V-2
VISIT_INTERVAL_DAYS: Final = 60  # V-3
SUPERVISOR_ROLE: Final = "supervisor"  # V-1: licensed or provisionally licensed professional


def counts_as_visit(role: str, face_to_face: bool, visit_date: date, admitted: date) -> bool:
    """V-1: only a supervisor's face-to-face visit on or after the admission date counts."""
    return role == SUPERVISOR_ROLE and face_to_face and visit_date >= admitted


def latest_counting_visit(
    visits: Iterable[tuple[date, str, bool]], admitted: date, as_of: date
) -> date | None:
    """V-1/V-4: the latest counting visit (date, role, face_to_face) dated on or before `as_of`, or None."""
    dates = [d for d, role, f2f in visits if d <= as_of and counts_as_visit(role, f2f, d, admitted)]
    return max(dates, default=None)


def next_visit_due(
    admitted: date,
    latest_counting_visit: date | None,
    first_visit_days: int = FIRST_VISIT_DAYS,
    interval_days: int = VISIT_INTERVAL_DAYS,
) -> date:
    """V-2/V-3: admission + 30 days before any counting visit; otherwise latest counting visit + 60 days.

    With day 1 = the admission date, a visit on day 29 makes the next one due on day 89.
    """
    if latest_counting_visit is None:
        return admitted + timedelta(days=first_visit_days)
    return latest_counting_visit + timedelta(days=interval_days)


def visit_state(due: date, as_of: date, due_soon_days: int = 7) -> VisitState:
    """V-4: `overdue` iff as_of > D; `due-soon` iff 0 <= D - as_of <= due_soon_days; else `ok`."""
    if as_of > due:
        return "overdue"
    if (due - as_of).days <= due_soon_days:
        return "due-soon"
    return "ok"


def supervisor_visit_status(
    admitted: date,
    discharged: date | None,
    latest_counting_visit: date | None,
    as_of: date,
    due_soon_days: int = 7,
) -> tuple[date | None, VisitState | None]:
    """V-2..V-5: (due date, state) as of `as_of`; (None, None) when no visit is due any more.

    V-5 "no visit due after their discharge date": a member discharged on or before `as_of` has no visit due;
    a member with a discharge date recorded ahead has none due when the due date falls after that date.
    """
    if discharged is not None and discharged <= as_of:
        return None, None
    due = next_visit_due(admitted, latest_counting_visit)
    if discharged is not None and due > discharged:
        return None, None
    return due, visit_state(due, as_of, due_soon_days)
