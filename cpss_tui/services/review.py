"""Supervisors' review of signed notes, and the specialist's side of a returned note.

The supervisor's queue holds the signed notes of the specialists they supervise that nobody has reviewed yet,
since the last review: per specialist, notes dated on or after the latest of their notes already reviewed
(or, for a specialist never reviewed, the last `FIRST_REVIEW_DAYS` days), up to `as_of`. Oldest first.

A review is a `note_review` row and never touches the note (N-3 locks it; database triggers keep the review
itself permanent). Returning a note needs a comment: that comment is the specialist's task, shown on their home
screen and in the member record until they answer it with an addendum; the database links the first addendum
written after the return (trigger `trg_note_review_resolve`), which closes the task whatever wrote the addendum.

Every read is one SQL statement over indexed columns (note by staff and date, note_review by note); no history
is loaded into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, and_, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.models import REVIEW_OUTCOMES, Member, Note, NoteReview, Staff
from cpss_tui.rules.problems import Problem
from cpss_tui.rules.visits import SUPERVISOR_ROLE
from cpss_tui.services.refusals import RecordRefused

__all__ = [
    "FIRST_REVIEW_DAYS",
    "QueuedNote",
    "RecordRefused",
    "ReturnedNote",
    "ReviewView",
    "open_returns",
    "review_note",
    "review_queue",
    "reviews_of_member",
]

FIRST_REVIEW_DAYS = 28  # how far back the queue reaches for a specialist whose notes were never reviewed
RULE = "N-3"  # reviews rest on N-3: the signed note stays as it is; a correction is the specialist's addendum


@dataclass(frozen=True)
class QueuedNote:
    """A signed note waiting for the supervisor's review."""

    note_id: str
    member_id: str
    member_name: str
    specialist_id: str
    specialist_name: str
    date: date
    start_time: str
    minutes: int
    contact_type: str
    purpose: str
    interventions: str
    effectiveness: str
    signed_at: str
    signed_by: str


@dataclass(frozen=True)
class ReturnedNote:
    """A note the supervisor returned, not yet answered by an addendum: a task for its specialist."""

    review_id: str
    note_id: str
    member_id: str
    member_name: str
    note_date: date
    contact_type: str
    reviewer_name: str
    reviewed_at: datetime
    comment: str


@dataclass(frozen=True)
class ReviewView:
    """One review of a note, for the member record."""

    note_id: str
    outcome: str
    reviewer_name: str
    reviewed_at: datetime
    comment: str
    answered: bool


def _since_by_specialist(supervisor_id: str, as_of: date):  # type: ignore[no-untyped-def]
    """Per supervised specialist: the date from which their notes wait for review (a subquery)."""
    reviewed = aliased(Note)
    last_reviewed = (
        select(func.max(reviewed.date))
        .join(NoteReview, col(NoteReview.note_id) == reviewed.id)
        .where(reviewed.staff_id == Staff.id)
        .scalar_subquery()
    )
    first = as_of - timedelta(days=FIRST_REVIEW_DAYS)
    return (
        select(
            col(Staff.id).label("staff_id"),
            col(Staff.name).label("staff_name"),
            func.coalesce(last_reviewed, first).label("since"),
        )
        .where(col(Staff.supervisor_id) == supervisor_id, col(Staff.role) == "specialist")
        .subquery()
    )


def review_queue(engine: Engine, supervisor_id: str, as_of: date) -> list[QueuedNote]:
    """Signed, unreviewed notes of `supervisor_id`'s specialists since each one's last review, oldest first."""
    since = _since_by_specialist(supervisor_id, as_of)
    query = (
        select(
            col(Note.id),
            col(Note.member_id),
            col(Member.name).label("member_name"),
            since.c.staff_id,
            since.c.staff_name,
            col(Note.date),
            col(Note.start_time),
            col(Note.minutes),
            col(Note.contact_type),
            col(Note.purpose),
            col(Note.interventions),
            col(Note.effectiveness),
            col(Note.signed_at),
            col(Note.signed_by_name),
            col(Note.signed_by_credentials),
        )
        .join(since, since.c.staff_id == col(Note.staff_id))
        .join(Member, col(Member.id) == col(Note.member_id))
        .where(
            col(Note.signed_at).is_not(None),
            col(Note.date) >= since.c.since,
            col(Note.date) <= as_of,
            ~exists().where(col(NoteReview.note_id) == col(Note.id)),
        )
        .order_by(col(Note.date), col(Note.start_time), since.c.staff_name, col(Member.name))
    )
    with read_session(engine) as session:
        rows = session.execute(query).all()
    return [
        QueuedNote(
            r.id,
            r.member_id,
            r.member_name,
            r.staff_id,
            r.staff_name,
            r.date,
            r.start_time,
            r.minutes,
            r.contact_type,
            r.purpose,
            r.interventions,
            r.effectiveness,
            r.signed_at,
            f"{r.signed_by_name}, {r.signed_by_credentials}",
        )
        for r in rows
    ]


def review_note(
    engine: Engine,
    supervisor_id: str,
    note_id: str,
    outcome: str,
    comment: str = "",
    now: datetime | None = None,
) -> str:
    """Record the supervisor's review of a signed note; returns the review's id. The note is not touched.

    Refused (RecordRefused, nothing written) when the outcome is unknown, a returned note has no comment, the
    actor is not the note's specialist's supervisor, the note is unsigned, or it already has a review that is
    not an answered return.
    """
    problems: list[Problem] = []
    comment = comment.strip()
    if outcome not in REVIEW_OUTCOMES:
        problems.append(Problem(RULE, "outcome", f"Outcome must be one of {', '.join(REVIEW_OUTCOMES)}."))
    if outcome == "returned" and not comment:
        problems.append(
            Problem(
                RULE, "comment", "Comment is required to return a note: say what the addendum should fix."
            )
        )
    with write_session(engine, supervisor_id) as session:
        note = session.get(Note, note_id)
        reviewer = session.get(Staff, supervisor_id)
        author = session.get(Staff, note.staff_id) if note is not None else None
        if note is None or author is None:
            problems.append(Problem(RULE, "note", "No such note."))
        elif note.signed_at is None:
            problems.append(Problem(RULE, "note", "Only a signed note is reviewed; this one is a draft."))
        if (
            reviewer is None
            or reviewer.role != SUPERVISOR_ROLE
            or (author is not None and author.supervisor_id != supervisor_id)
        ):
            name = author.name if author is not None else "the specialist"
            problems.append(Problem(RULE, "reviewer", f"Only {name}'s own supervisor reviews their notes."))
        pending = session.scalar(
            select(func.count())
            .select_from(NoteReview)
            .where(
                col(NoteReview.note_id) == note_id,
                or_(col(NoteReview.outcome) == "reviewed", col(NoteReview.resolved_by_addendum_id).is_(None)),
            )
        )
        if pending:
            problems.append(Problem(RULE, "note", "This note is already reviewed or returned."))
        if problems:
            raise RecordRefused(problems)
        row = NoteReview(
            note_id=note_id,
            reviewer_id=supervisor_id,
            reviewed_at_utc=now or datetime.now(UTC),
            outcome=outcome,
            comment=comment,
        )
        session.add(row)
    return row.id


def open_returns(engine: Engine, specialist_id: str) -> list[ReturnedNote]:
    """The specialist's returned notes not yet answered by an addendum, oldest note first."""
    reviewer = aliased(Staff)
    query = (
        select(
            col(NoteReview.id),
            col(NoteReview.note_id),
            col(Note.member_id),
            col(Member.name).label("member_name"),
            col(Note.date),
            col(Note.contact_type),
            col(reviewer.name).label("reviewer_name"),
            col(NoteReview.reviewed_at_utc),
            col(NoteReview.comment),
        )
        .join(Note, col(Note.id) == col(NoteReview.note_id))
        .join(Member, col(Member.id) == col(Note.member_id))
        .join(reviewer, reviewer.id == col(NoteReview.reviewer_id))
        .where(
            and_(
                col(NoteReview.outcome) == "returned",
                col(NoteReview.resolved_by_addendum_id).is_(None),
                col(Note.staff_id) == specialist_id,
            )
        )
        .order_by(col(Note.date), col(Member.name))
    )
    with read_session(engine) as session:
        rows = session.execute(query).all()
    return [
        ReturnedNote(
            r.id,
            r.note_id,
            r.member_id,
            r.member_name,
            r.date,
            r.contact_type,
            r.reviewer_name,
            r.reviewed_at_utc,
            r.comment,
        )
        for r in rows
    ]


def reviews_of_member(engine: Engine, member_id: str) -> list[ReviewView]:
    """Every review of the member's notes (for the member record), oldest first."""
    reviewer = aliased(Staff)
    query = (
        select(
            col(NoteReview.note_id),
            col(NoteReview.outcome),
            col(reviewer.name).label("reviewer_name"),
            col(NoteReview.reviewed_at_utc),
            col(NoteReview.comment),
            col(NoteReview.resolved_by_addendum_id),
        )
        .join(Note, col(Note.id) == col(NoteReview.note_id))
        .join(reviewer, reviewer.id == col(NoteReview.reviewer_id))
        .where(col(Note.member_id) == member_id)
        .order_by(col(NoteReview.reviewed_at_utc))
    )
    with read_session(engine) as session:
        rows = session.execute(query).all()
    return [
        ReviewView(
            r.note_id,
            r.outcome,
            r.reviewer_name,
            r.reviewed_at_utc,
            r.comment,
            r.resolved_by_addendum_id is not None,
        )
        for r in rows
    ]
