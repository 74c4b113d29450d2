"""Writing the supervisor's records from the due board: a visit with a member (V-1), a supervision session (S-4).

Each function is one unit of work with the acting staff member recorded for the audit triggers. A refusal raises
`RecordRefused` with every problem (field + rule + words) and writes nothing.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.models import Member, Staff, SupervisionSession, SupervisorVisit
from cpss_tui.rules.problems import Problem
from cpss_tui.rules.visits import SUPERVISOR_ROLE
from cpss_tui.services.refusals import RecordRefused

__all__ = ["RecordRefused", "record_supervision", "record_visit"]


def _parse_date(value: date | str, rule: str, problems: list[Problem]) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(Problem(rule, "date", f"Date must look like 2026-11-20, not {value!r}."))
        return None


def record_visit(
    engine: Engine,
    actor: str,
    member_id: str,
    date: date | str,
    face_to_face: bool,
    notes: str,
    as_of: date,
) -> str:
    """Record a supervisor's visit with a member (V-1); returns its id.

    Refused unless the actor is a supervisor (licensed or provisionally licensed professional) and the date is
    neither in the future nor before the member's admission. A visit that is not face to face is recorded but
    does not count for V-2..V-4 (V-1).
    """
    problems: list[Problem] = []
    day = _parse_date(date, "V-1", problems)
    if day is not None and day > as_of:
        problems.append(
            Problem("V-1", "date", f"A visit cannot be in the future (after {as_of.isoformat()}).")
        )
    with read_session(engine) as session:
        staff = session.get(Staff, actor)
        member = session.get(Member, member_id)
        if staff is None or staff.role != SUPERVISOR_ROLE:
            problems.append(
                Problem(
                    "V-1",
                    "supervisor",
                    "Only a licensed or provisionally licensed professional (role supervisor) records "
                    "supervisor visits (V-1).",
                )
            )
        if member is None:
            problems.append(Problem("V-1", "member", "No such member."))
        elif day is not None and day < member.admitted_on:
            problems.append(
                Problem(
                    "V-1",
                    "date",
                    f"{member.name} was admitted on {member.admitted_on}; a visit before admission does not "
                    "count (V-1).",
                )
            )
    if problems or day is None:
        raise RecordRefused(problems)
    row = SupervisorVisit(
        member_id=member_id, supervisor_id=actor, date=day, face_to_face=face_to_face, notes=notes.strip()
    )
    with write_session(engine, actor) as session:
        session.add(row)
    return row.id


def record_supervision(
    engine: Engine, actor: str, specialist_id: str, date: date | str, notes: str, as_of: date
) -> str:
    """Record an individual supervision session of a specialist by their supervisor (S-4); returns its id.

    Refused unless the actor is the specialist's supervisor, and for a date in the future.
    """
    problems: list[Problem] = []
    day = _parse_date(date, "S-4", problems)
    if day is not None and day > as_of:
        problems.append(
            Problem(
                "S-4", "date", f"A supervision session cannot be in the future (after {as_of.isoformat()})."
            )
        )
    with read_session(engine) as session:
        supervisor = session.get(Staff, actor)
        specialist = session.get(Staff, specialist_id)
        if specialist is None or specialist.role != "specialist":
            problems.append(Problem("S-4", "specialist", "No such specialist."))
        elif supervisor is None or supervisor.role != SUPERVISOR_ROLE or specialist.supervisor_id != actor:
            problems.append(
                Problem(
                    "S-4",
                    "supervisor",
                    f"Only {specialist.name}'s own supervisor records their weekly supervision (S-4).",
                )
            )
    if problems or day is None:
        raise RecordRefused(problems)
    row = SupervisionSession(supervisor_id=actor, specialist_id=specialist_id, date=day, notes=notes.strip())
    with write_session(engine, actor) as session:
        session.add(row)
    return row.id
