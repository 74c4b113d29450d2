"""The welcome screen's "explore a demo caseload": write the demo agency, then pick who to open it as."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from cpss_tui.data.db import read_session
from cpss_tui.data.demo import generate
from cpss_tui.data.models import Staff


def start_demo(engine: Engine, as_of: date) -> str:
    """Fill the empty database with the default demo agency; return the id of its first full-time specialist."""
    generate(engine, as_of=as_of)
    with read_session(engine) as session:
        staff_id = session.scalar(
            select(Staff.id).where(Staff.role == "specialist").order_by(Staff.fte.desc(), Staff.name).limit(1)
        )
    if staff_id is None:  # pragma: no cover - the generator always writes specialists
        raise RuntimeError("the demo agency has no specialist")
    return staff_id
