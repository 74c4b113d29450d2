"""Supervisors' note reviews (issue 5 item 4) on the demo agency at a fixed as_of: the queue, the refusals, the
permanence of a review (database triggers), the returned note's task and the addendum that closes it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.demo import generate
from cpss_tui.data.models import Note, NoteReview, Staff
from cpss_tui.services import records, review
from cpss_tui.services.refusals import RecordRefused

AS_OF = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


@pytest.fixture
def demo(engine: Engine) -> Engine:
    generate(engine, as_of=AS_OF)
    return engine


def _supervisor(engine: Engine) -> str:
    with read_session(engine) as session:
        return session.scalars(select(Staff.id).where(Staff.role == "supervisor")).one()


def _note_row(engine: Engine, note_id: str) -> dict[str, object]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT * FROM note WHERE id = :i"), {"i": note_id}).one()._mapping)


def test_queue_holds_the_last_weeks_signed_unreviewed_notes_oldest_first(demo: Engine) -> None:
    queue = review.review_queue(demo, _supervisor(demo), AS_OF)
    first = AS_OF - timedelta(days=review.FIRST_REVIEW_DAYS)
    with demo.connect() as conn:
        expected = conn.execute(
            text(
                "SELECT count(*) FROM note n JOIN staff s ON s.id = n.staff_id "
                "WHERE s.supervisor_id = :sup AND n.signed_at IS NOT NULL AND n.date BETWEEN :a AND :b"
            ),
            {"sup": _supervisor(demo), "a": first.isoformat(), "b": AS_OF.isoformat()},
        ).scalar()
    assert len(queue) == expected > 0
    assert [(q.date, q.start_time) for q in queue] == sorted((q.date, q.start_time) for q in queue)
    assert queue[0].date >= first and queue[-1].date <= AS_OF
    assert all(q.signed_at for q in queue)


def test_reviewed_note_leaves_the_queue_and_the_note_is_unchanged_N3(demo: Engine) -> None:
    sup = _supervisor(demo)
    target = review.review_queue(demo, sup, AS_OF)[3]
    before = _note_row(demo, target.note_id)
    review.review_note(demo, sup, target.note_id, "reviewed")
    after_queue = review.review_queue(demo, sup, AS_OF)
    assert target.note_id not in {q.note_id for q in after_queue}
    assert _note_row(demo, target.note_id) == before
    # "Since the last review": that specialist's older notes leave the queue, newer ones stay.
    mine = [q for q in after_queue if q.specialist_id == target.specialist_id]
    assert mine and min(q.date for q in mine) >= target.date
    with demo.connect() as conn:
        audit = conn.execute(
            text("SELECT action, staff_id FROM audit_log WHERE table_name = 'note_review'")
        ).all()
    assert audit == [("insert", sup)]


def test_return_needs_a_comment_naming_the_field(demo: Engine) -> None:
    sup = _supervisor(demo)
    note = review.review_queue(demo, sup, AS_OF)[0]
    with pytest.raises(RecordRefused) as refused:
        review.review_note(demo, sup, note.note_id, "returned", "   ")
    assert [p.field for p in refused.value.problems] == ["comment"]
    assert "Comment" in refused.value.problems[0].message
    with read_session(demo) as session:
        assert session.scalars(select(NoteReview)).all() == []


def test_only_the_specialists_supervisor_reviews_and_only_once(demo: Engine) -> None:
    sup = _supervisor(demo)
    note = review.review_queue(demo, sup, AS_OF)[0]
    with pytest.raises(RecordRefused) as refused:
        review.review_note(demo, note.specialist_id, note.note_id, "reviewed")
    assert [p.field for p in refused.value.problems] == ["reviewer"]
    review.review_note(demo, sup, note.note_id, "reviewed")
    with pytest.raises(RecordRefused) as again:
        review.review_note(demo, sup, note.note_id, "returned", "late second thoughts")
    assert [p.field for p in again.value.problems] == ["note"]


def test_return_is_a_task_until_an_addendum_answers_it(demo: Engine) -> None:
    sup = _supervisor(demo)
    note = review.review_queue(demo, sup, AS_OF)[0]
    review.review_note(demo, sup, note.note_id, "returned", "Name the goal step practised.")
    tasks = review.open_returns(demo, note.specialist_id)
    assert [(t.note_id, t.comment) for t in tasks] == [(note.note_id, "Name the goal step practised.")]
    assert review.open_returns(demo, sup) == []
    before = _note_row(demo, note.note_id)
    addendum = records.add_addendum(
        demo, note.specialist_id, note.note_id, "Practised the bus route (goal 1)."
    )
    assert review.open_returns(demo, note.specialist_id) == []
    assert _note_row(demo, note.note_id) == before
    views = review.reviews_of_member(demo, note.member_id)
    assert [(v.outcome, v.answered) for v in views] == [("returned", True)]
    with read_session(demo) as session:
        row = session.scalars(select(NoteReview)).one()
        assert row.resolved_by_addendum_id == addendum
    # An answered return may be reviewed again.
    review.review_note(demo, sup, note.note_id, "reviewed")


def test_a_review_is_permanent_and_only_of_a_signed_note(demo: Engine) -> None:
    sup = _supervisor(demo)
    note = review.review_queue(demo, sup, AS_OF)[0]
    review_id = review.review_note(demo, sup, note.note_id, "returned", "Say more.")
    with pytest.raises(IntegrityError, match="permanent"), write_session(demo, sup) as session:
        session.execute(text("UPDATE note_review SET comment = 'edited' WHERE id = :i"), {"i": review_id})
    with pytest.raises(IntegrityError, match="permanent"), write_session(demo, sup) as session:
        session.execute(text("DELETE FROM note_review WHERE id = :i"), {"i": review_id})
    with read_session(demo) as session:
        unsigned = session.scalars(select(Note.id).where(Note.signed_at.is_(None))).first()  # type: ignore[union-attr]
    assert unsigned is not None  # the demo keeps a few unsigned notes
    with pytest.raises(IntegrityError, match="signed"), write_session(demo, sup) as session:
        session.add(NoteReview(note_id=unsigned, reviewer_id=sup, reviewed_at_utc=NOW, outcome="reviewed"))
    with pytest.raises(RecordRefused) as refused:
        review.review_note(demo, sup, unsigned, "reviewed")
    assert "signed" in refused.value.problems[0].message
