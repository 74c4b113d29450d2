"""compute_status issues a fixed, small number of SQL statements, whatever the length of the history
(queries.py design rule, issue "Fast at agency scale")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.migrate import open_database
from cpss_tui.services.status import compute_status, status_json

AS_OF = date(2026, 11, 22)
ADMITTED = date(2024, 11, 4)  # a Monday, two years before AS_OF
MAX_STATEMENTS = 12


def _agency(members: int, history_weeks: int) -> dict[str, Any]:
    """Specialists and members, with `history_weeks` weeks of notes, attempts, visits and sessions per member
    ending with AS_OF's week."""
    staff: list[dict[str, Any]] = [
        {"id": "s9", "name": "Sup", "role": "supervisor", "credentials": "LCSW", "fte": None,
         "supervisor_id": None, "started_on": "2024-01-01", "training_hours": 20},
        {"id": "s1", "name": "Spec", "role": "specialist", "credentials": "NC CPSS", "fte": 1.0,
         "supervisor_id": "s9", "started_on": "2024-01-01", "training_hours": 20},
    ]  # fmt: skip
    data: dict[str, Any] = {
        "format": "cpss-bundle",
        "version": 1,
        "agency": {"name": "A", "week_start": "monday", "timezone": "America/New_York"},
        "staff": staff,
        "members": [],
        "authorizations": [],
        "pcps": [],
        "goals": [],
        "notes": [],
        "attempts": [],
        "supervisor_visits": [],
        "supervision_sessions": [],
    }
    first_week = AS_OF - timedelta(days=AS_OF.weekday()) - timedelta(weeks=history_weeks - 1)
    for i in range(members):
        mid = f"m{i}"
        data["members"].append(
            {"id": mid, "name": f"M {i}", "medicaid_id": "1", "birth_date": "1980-01-01",
             "payer": "nc-wellcare" if i % 2 else "nc-medicaid", "specialist_id": "s1",
             "admitted_on": ADMITTED.isoformat(), "service_order_date": ADMITTED.isoformat(),
             "discharged_on": None, "discharge_reason": None}
        )  # fmt: skip
        data["authorizations"].append(
            {"id": f"a{i}", "member_id": mid, "number": f"PA-{i}", "start": "2026-09-01",
             "end": "2026-11-29", "units": 208}
        )  # fmt: skip
        data["pcps"].append(
            {"id": f"p{i}", "member_id": mid, "effective": ADMITTED.isoformat(), "last_review": "2026-01-10",
             "crisis_plan": {"triggers": "t", "coping": "c", "supports": "s", "contacts": "k"}}
        )  # fmt: skip
        data["goals"].append(
            {"id": f"g{i}", "pcp_id": f"p{i}", "text": "home", "status": "active", "interventions": ["x"]}
        )
        for w in range(history_weeks):
            day = first_week + timedelta(weeks=w, days=1)
            data["notes"].append(
                {"id": f"n{i}-{w}", "member_id": mid, "staff_id": "s1", "date": day.isoformat(),
                 "start_time": "10:00", "minutes": 60, "billable": True, "contact_type": "face-to-face",
                 "place": "home", "purpose": "p", "interventions": "i", "effectiveness": "e",
                 "goal_ids": [f"g{i}"], "signed_at": f"{day.isoformat()}T12:00:00-05:00"}
            )  # fmt: skip
            data["attempts"].append(
                {"id": f"t{i}-{w}", "member_id": mid, "staff_id": "s1",
                 "at": f"{(day + timedelta(days=1)).isoformat()}T09:00:00-05:00",
                 "method": "phone", "outcome": "no-answer", "detail": ""}
            )  # fmt: skip
            if w % 8 == 0:
                data["supervisor_visits"].append(
                    {"id": f"v{i}-{w}", "member_id": mid, "supervisor_id": "s9", "date": day.isoformat(),
                     "face_to_face": True}
                )  # fmt: skip
    for w in range(history_weeks):
        day = first_week + timedelta(weeks=w, days=2)
        data["supervision_sessions"].append(
            {"id": f"ss{w}", "supervisor_id": "s9", "specialist_id": "s1", "date": day.isoformat()}
        )
    return data


@contextmanager
def _counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements(path: Path, members: int, history_weeks: int) -> tuple[list[str], dict[str, Any]]:
    engine = open_database(path).engine
    try:
        import_bundle(engine, json.dumps(_agency(members, history_weeks)), as_of=AS_OF)
        compute_status(engine, AS_OF)  # warm up: first-use queries of the engine do not count
        with _counting(engine) as statements:
            status = compute_status(engine, AS_OF)
        return statements, status_json(status)
    finally:
        engine.dispose()


def test_statement_count_same_for_one_week_and_two_years_of_history(tmp_path: Path) -> None:
    """Design rule of queries.py: a fixed number of statements, not one per note, week or year (C-3, V-4,
    U-5, U-6, P-5, S-1..S-4 all come from the same handful)."""
    short, short_doc = _statements(tmp_path / "week.db", members=3, history_weeks=1)
    long, long_doc = _statements(tmp_path / "years.db", members=3, history_weeks=105)
    assert len(short) == len(long)
    assert len(long) <= MAX_STATEMENTS
    # The same members, the same current week: the current figures agree; only history-wide U-6 differs.
    for a, b in zip(short_doc["members"], long_doc["members"], strict=True):
        assert a["weekly_contact"] == b["weekly_contact"]
        assert a["units"]["week"] == b["units"]["week"]
    assert any(m["units"]["unauthorized"] > 0 for m in long_doc["members"])


def test_statement_count_does_not_grow_with_members(tmp_path: Path) -> None:
    few, _ = _statements(tmp_path / "few.db", members=2, history_weeks=4)
    many, doc = _statements(tmp_path / "many.db", members=25, history_weeks=4)
    assert len(few) == len(many) <= MAX_STATEMENTS
    assert len(doc["members"]) == 25
