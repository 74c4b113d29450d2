"""The supervisor's due board and the supervisor's records (issue "Supervisor board", items 1-3), on the demo
agency at a fixed as_of. Test names carry the rule ids they prove.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.demo import generate
from cpss_tui.data.models import Member, NoteDraft, Staff, SupervisionSession, SupervisorVisit
from cpss_tui.services import supervision
from cpss_tui.services.board import Obligation, due_board, load_staffing, sort_key
from cpss_tui.services.refusals import RecordRefused

AS_OF = date(2026, 11, 22)  # a Sunday: week 2026-11-16 .. 2026-11-22; previous week 11-09 .. 11-15


@pytest.fixture
def demo(engine: Engine) -> Engine:
    generate(engine, as_of=AS_OF)
    return engine


def _supervisor(engine: Engine) -> str:
    with read_session(engine) as session:
        return session.scalars(select(Staff.id).where(Staff.role == "supervisor")).one()


def _a_specialist(engine: Engine) -> str:
    with read_session(engine) as session:
        return session.scalars(select(Staff.id).where(Staff.role == "specialist").order_by(Staff.id)).first()


def _visit_rows(rows: list[Obligation]) -> list[Obligation]:
    return [o for o in rows if o.kind == "visit"]


def test_board_lists_the_demo_situations(demo: Engine) -> None:
    """Every guaranteed demo situation that is an open obligation is on the board, one row each."""
    rows = due_board(demo, AS_OF, _supervisor(demo))
    found = {(o.kind, o.rule, o.state) for o in rows}
    assert ("visit", "V-4", "overdue") in found  # demo: last visit 70 days ago
    assert ("visit", "V-4", "due-soon") in found  # demo: last visit 55 days ago
    assert ("reauth", "U-8", "due-soon") in found
    assert ("pcp", "P-2", "open") in found  # no crisis plan
    assert ("contact", "C-3", "overdue") in found  # the missed previous week
    assert ("supervision", "S-4", "overdue") in found
    # The discharged member has nothing due (V-5) even though their PCP is incomplete.
    with read_session(demo) as session:
        discharged = set(session.scalars(select(Member.id).where(Member.discharged_on.is_not(None))))
    assert not any(o.member_id in discharged for o in rows)
    assert len(rows) == len({(o.kind, o.rule, o.member_id, o.specialist_id, o.due) for o in rows})


def test_board_order_overdue_first_then_due_date_V4(demo: Engine) -> None:
    rows = due_board(demo, AS_OF, _supervisor(demo))
    assert rows == sorted(rows, key=sort_key)
    states = [o.state == "overdue" for o in rows]
    assert states == sorted(states, reverse=True)  # every overdue row before any other
    assert rows[0].state == "overdue"
    overdue_visit = next(o for o in rows if o.kind == "visit" and o.state == "overdue")
    assert overdue_visit.due == AS_OF - timedelta(days=10)
    assert rows[0] == overdue_visit  # the demo's most overdue obligation: what a new supervisor sees first
    # The overdue visit is the first visit row and comes before everything not yet overdue.
    assert _visit_rows(rows)[0] == overdue_visit
    first_not_overdue = next(i for i, o in enumerate(rows) if o.state != "overdue")
    assert rows.index(overdue_visit) < first_not_overdue
    # Among the rest: by due date, rows without a due date (owed now, e.g. P-2) last.
    rest = rows[first_not_overdue:]
    dated = [o.due for o in rest if o.due is not None]
    assert dated == sorted(dated)
    assert [o.due is None for o in rest] == sorted(o.due is None for o in rest)
    assert rest[-1].kind == "pcp"


def test_board_has_the_S4_row_for_the_specialist_without_a_session_S4(demo: Engine) -> None:
    previous = (date(2026, 11, 9), date(2026, 11, 15))
    with read_session(demo) as session:
        specialists = set(session.scalars(select(Staff.id).where(Staff.role == "specialist")))
        had = set(
            session.scalars(
                select(SupervisionSession.specialist_id).where(SupervisionSession.date.between(*previous))
            )
        )
    (without,) = specialists - had
    rows = [o for o in due_board(demo, AS_OF, _supervisor(demo)) if o.rule == "S-4"]
    assert [(o.specialist_id, o.due, o.state, o.member_id) for o in rows] == [
        (without, previous[1], "overdue", None)
    ]
    # Recording the session that took place that week (late documentation) resolves the row.
    supervision.record_supervision(demo, _supervisor(demo), without, "2026-11-13", "caseload review", AS_OF)
    assert not [o for o in due_board(demo, AS_OF, _supervisor(demo)) if o.rule == "S-4"]


def test_no_session_this_week_is_due_at_week_end_S4(demo: Engine) -> None:
    """A week not over without a session is due-soon by its last day; a session today resolves it."""
    later = AS_OF + timedelta(days=1)  # Monday of the next week: nobody supervised yet
    rows = [o for o in due_board(demo, later, _supervisor(demo)) if o.rule == "S-4"]
    assert {o.due for o in rows} == {date(2026, 11, 29)}
    assert len(rows) == 3 and {o.state for o in rows} == {"due-soon"}
    supervision.record_supervision(demo, _supervisor(demo), rows[0].specialist_id, later, "", later)
    after = [o for o in due_board(demo, later, _supervisor(demo)) if o.rule == "S-4"]
    assert rows[0].specialist_id not in {o.specialist_id for o in after} and len(after) == 2


def test_recording_a_visit_removes_the_members_visit_row_V1_V3(demo: Engine) -> None:
    supervisor = _supervisor(demo)
    overdue = next(
        o for o in due_board(demo, AS_OF, supervisor) if o.kind == "visit" and o.state == "overdue"
    )
    assert overdue.member_id is not None
    supervision.record_visit(demo, supervisor, overdue.member_id, AS_OF, True, "met at home", AS_OF)
    rows = due_board(demo, AS_OF, supervisor)
    assert not [o for o in rows if o.kind == "visit" and o.member_id == overdue.member_id]
    assert len(_visit_rows(rows)) == 1  # the due-soon one is still there
    with read_session(demo) as session:
        visit = session.scalars(
            select(SupervisorVisit)
            .where(SupervisorVisit.member_id == overdue.member_id)
            .order_by(SupervisorVisit.date.desc())
        ).first()
    assert (
        visit is not None and visit.date == AS_OF and visit.supervisor_id == supervisor and visit.face_to_face
    )


def test_a_visit_not_face_to_face_is_recorded_but_does_not_resolve_V1(demo: Engine) -> None:
    supervisor = _supervisor(demo)
    soon = next(o for o in due_board(demo, AS_OF, supervisor) if o.kind == "visit" and o.state == "due-soon")
    assert soon.member_id is not None
    supervision.record_visit(demo, supervisor, soon.member_id, AS_OF, False, "phone", AS_OF)
    assert [
        o for o in due_board(demo, AS_OF, supervisor) if o.kind == "visit" and o.member_id == soon.member_id
    ]


def _visit_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(SupervisorVisit)) or 0


def test_record_visit_refused_for_a_specialist_V1(demo: Engine) -> None:
    member = next(o for o in due_board(demo, AS_OF, _supervisor(demo)) if o.kind == "visit")
    before = _visit_count(demo)
    with pytest.raises(RecordRefused) as refused:
        supervision.record_visit(demo, _a_specialist(demo), member.member_id or "", AS_OF, True, "", AS_OF)
    assert [(p.rule, p.field) for p in refused.value.problems] == [("V-1", "supervisor")]
    assert _visit_count(demo) == before


def test_record_visit_refused_for_a_future_or_pre_admission_date_V1(demo: Engine) -> None:
    supervisor = _supervisor(demo)
    member = next(o for o in due_board(demo, AS_OF, supervisor) if o.kind == "visit")
    before = _visit_count(demo)
    with pytest.raises(RecordRefused) as refused:
        supervision.record_visit(
            demo, supervisor, member.member_id or "", AS_OF + timedelta(days=1), True, "", AS_OF
        )
    assert [(p.rule, p.field) for p in refused.value.problems] == [("V-1", "date")]
    assert "future" in refused.value.problems[0].message
    with pytest.raises(RecordRefused) as refused:
        supervision.record_visit(demo, supervisor, member.member_id or "", "2000-01-01", True, "", AS_OF)
    assert "admitted" in refused.value.problems[0].message
    with pytest.raises(RecordRefused) as refused:
        supervision.record_visit(demo, supervisor, member.member_id or "", "next week", True, "", AS_OF)
    assert refused.value.problems[0].field == "date"
    assert _visit_count(demo) == before


def test_record_supervision_refused_unless_own_supervisor_S4(demo: Engine) -> None:
    specialist = _a_specialist(demo)
    with pytest.raises(RecordRefused) as refused:
        supervision.record_supervision(demo, specialist, specialist, AS_OF, "", AS_OF)
    assert [(p.rule, p.field) for p in refused.value.problems] == [("S-4", "supervisor")]
    with pytest.raises(RecordRefused) as refused:
        supervision.record_supervision(
            demo, _supervisor(demo), specialist, AS_OF + timedelta(days=2), "", AS_OF
        )
    assert [(p.rule, p.field) for p in refused.value.problems] == [("S-4", "date")]


def test_drafts_older_than_a_day_are_on_the_board_N2(demo: Engine) -> None:
    supervisor = _supervisor(demo)
    now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    with read_session(demo) as session:
        member = session.scalars(
            select(Member).where(Member.discharged_on.is_(None)).order_by(Member.id)
        ).first()
        assert member is not None
        member_id, staff_id, name = member.id, member.specialist_id, member.name
    with write_session(demo, staff_id) as session:
        session.add(NoteDraft(member_id=member_id, staff_id=staff_id, updated_at=now - timedelta(days=2)))
        session.add(NoteDraft(member_id=member_id, staff_id=staff_id, updated_at=now - timedelta(hours=3)))
    drafts = [o for o in due_board(demo, AS_OF, supervisor, now=now) if o.kind == "draft"]
    assert [(o.rule, o.member_name, o.specialist_id, o.due, o.state) for o in drafts] == [
        ("N-2", name, staff_id, date(2026, 11, 21), "overdue")
    ]


def test_board_is_only_the_supervisors_own_specialists_S3(demo: Engine) -> None:
    """Another supervisor (with no specialists) sees only their own obligations."""
    with write_session(demo, None) as session:
        other = Staff(name="Other Supervisor", role="supervisor", credentials="LCSW")
        session.add(other)
    assert due_board(demo, AS_OF, other.id) == []


def test_staffing_figures_S1_S2_S3(demo: Engine) -> None:
    data = load_staffing(demo, AS_OF, _supervisor(demo))
    assert sorted((s.active_members, s.capacity, s.at_capacity) for s in data.specialists) == [
        (5, 5, True),
        (10, 10, True),
        (10, 10, True),
    ]
    assert data.members_per_fte == 10.0 and data.program_fte == 2.5
    assert (data.span, data.max_span, data.over_span) == (3, 8, False)


def test_board_evaluates_only_the_supervised_caseloads_and_says_what_the_agency_status_says(
    demo: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """due_board evaluates the members of the supervisor's specialists only (issue "Fast at agency scale");
    with two supervisors, on dates across weeks and visit windows, each board is the one an evaluation of the
    whole agency gives."""
    from cpss_tui.services import status as status_module

    first = _supervisor(demo)
    moved = _a_specialist(demo)
    with write_session(demo) as session:
        session.add(Staff(id="sup2", name="Second Supervisor", role="supervisor", credentials="LCSW"))
        session.flush()
        specialist = session.get(Staff, moved)
        assert specialist is not None
        specialist.supervisor_id = "sup2"
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    days = [AS_OF - timedelta(days=n) for n in (0, 5, 13, 30, 61)]
    scoped = {(d, s): due_board(demo, d, s, now=now) for d in days for s in (first, "sup2")}
    evaluate = status_module.evaluate
    monkeypatch.setattr(
        status_module, "evaluate", lambda values, as_of, run, specialists=None: evaluate(values, as_of, run)
    )
    for (day, supervisor), rows in scoped.items():
        assert rows == due_board(demo, day, supervisor, now=now), (day, supervisor)
    assert {o.specialist_id for o in scoped[(AS_OF, "sup2")] if o.member_id} == {moved}
    assert moved not in {o.specialist_id for o in scoped[(AS_OF, first)]}
