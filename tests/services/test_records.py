"""Signing a note through the service: N-2 refusals, N-6 overlap checked inside the write transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from cpss_tui.data.db import read_session
from cpss_tui.data.demo import generate
from cpss_tui.data.models import Note, NoteDraft
from cpss_tui.services import records
from cpss_tui.services.status import compute_status

AS_OF = date(2026, 11, 22)


def _complete(member_goal: str, start: str) -> dict[str, object]:
    return {
        "date": AS_OF.isoformat(), "start_time": start, "minutes": "60", "contact_type": "face-to-face",
        "place": "home", "purpose": "Budget", "interventions": "Reviewed bills", "effectiveness": "Paid two",
        "goal_ids": [member_goal], "billable": True,
    }  # fmt: skip


def test_sign_locks_and_refuses_an_overlapping_second_note_N6(engine) -> None:
    generate(engine, as_of=AS_OF)
    member = next(m for m in compute_status(engine, AS_OF).members if m.active)
    with read_session(engine) as session:
        goal = records.current_goals(session, member.id)[0].id
    draft = records.save_draft(engine, member.specialist_id, None, member.id, _complete(goal, "20:00"))
    note_id = records.sign_note(
        engine, member.specialist_id, draft, member.id, _complete(goal, "20:00"), AS_OF
    )
    with read_session(engine) as session:
        note = session.get(Note, note_id)
        assert note is not None and note.signed_at is not None and note.signed_by_name
        assert session.get(NoteDraft, draft) is None  # the draft became the note
    with pytest.raises(records.RecordRefused) as refused:
        records.sign_note(engine, member.specialist_id, None, member.id, _complete(goal, "20:30"), AS_OF)
    assert any(p.rule == "N-6" for p in refused.value.problems)
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Note).where(Note.start_time == "20:30")) == 0


def test_sign_refuses_missing_fields_naming_each_N2(engine) -> None:
    generate(engine, as_of=AS_OF)
    member = next(m for m in compute_status(engine, AS_OF).members if m.active)
    with pytest.raises(records.RecordRefused) as refused:
        records.sign_note(engine, member.specialist_id, None, member.id, {"date": AS_OF.isoformat()}, AS_OF)
    fields = {p.field for p in refused.value.problems}
    assert {
        "start_time",
        "minutes",
        "contact_type",
        "place",
        "purpose",
        "effectiveness",
        "goal_ids",
    } <= fields



def test_a_note_dated_year_one_is_refused_not_a_crash_N1(engine) -> None:
    """Found by fuzzing: 0001-01-01 made the N-6 overlap window fall before date.min."""
    generate(engine, as_of=AS_OF)
    member = next(m for m in compute_status(engine, AS_OF).members if m.active)
    with read_session(engine) as session:
        goal = records.current_goals(session, member.id)[0].id
    fields = {**_complete(goal, "20:00"), "date": "0001-01-01"}
    with pytest.raises(records.RecordRefused) as refused:
        records.sign_note(engine, member.specialist_id, None, member.id, fields, AS_OF)
    assert any(p.rule == "N-1" and p.field == "date" for p in refused.value.problems)
