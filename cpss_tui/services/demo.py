"""The welcome screen's "explore a demo caseload": write the demo agency, then pick who to open it as."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import Engine

from cpss_tui.data.demo import generate
from cpss_tui.services.status import compute_status


def start_demo(engine: Engine, as_of: date) -> str:
    """Fill the empty database with the default demo agency; return the specialist to open it as.

    The one whose caseload shows the most that needs doing (attention, missed weeks, visits due), so a new
    user sees every state the home screen can show, not a page of green.
    """
    generate(engine, as_of=as_of)
    status = compute_status(engine, as_of)
    interest: Counter[str] = Counter()
    for m in status.members:
        if m.active:
            interest[m.specialist_id] += (
                2 * m.needs_attention + (m.previous_week == "missed") + (m.supervisor_visit.state != "ok")
            )
    specialists = sorted(
        (s for s in status.staff if s.role == "specialist"),
        key=lambda s: (-interest[s.id], -(s.fte or 0), s.name),
    )
    if not specialists:  # pragma: no cover - the generator always writes specialists
        raise RuntimeError("the demo agency has no specialist")
    return specialists[0].id
