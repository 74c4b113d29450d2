"""The review round trip by keyboard at 80x24 on the demo agency (issue 5 item 4): the supervisor returns a note
with a comment, the specialist sees the task on their home screen and in the member record, answers it with an
addendum, and the task is gone; a note marked reviewed leaves the queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from textual.widgets import DataTable, Static

from cpss_tui.data.db import read_session
from cpss_tui.data.demo import generate
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import NoteReview, Staff
from cpss_tui.services import review as review_service
from cpss_tui.services.staff import current_user, set_current_user
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.addendum import AddendumForm
from cpss_tui.ui.screens.due_board import DueBoard
from cpss_tui.ui.screens.home import HomeScreen
from cpss_tui.ui.screens.member import MemberScreen
from cpss_tui.ui.screens.returned_notes import ReturnedNotes
from cpss_tui.ui.screens.review_queue import ReturnForm, ReviewQueue
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle, type_text


@pytest.fixture
def supervisor_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(tmp_path / "demo.db").engine
    generate(engine, as_of=AS_OF)
    with read_session(engine) as session:
        supervisor = session.scalars(select(Staff.id).where(Staff.role == "supervisor")).one()
    set_current_user(engine, supervisor)
    yield engine
    engine.dispose()


def _current(engine: Engine) -> str:
    user = current_user(engine)
    assert user is not None
    return user.id


async def _open_queue(pilot, app) -> ReviewQueue:  # type: ignore[no-untyped-def]
    await settle(pilot)
    assert isinstance(app.screen, DueBoard)
    await pilot.press("w")
    await settle(pilot)
    queue = app.screen
    assert isinstance(queue, ReviewQueue)
    return queue


async def test_mark_reviewed_leaves_the_queue(supervisor_engine: Engine) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await _open_queue(pilot, app)
        count = len(queue.notes)
        first = queue.notes[0]
        assert queue.query_one("#queue", DataTable).row_count == count > 0
        assert str(first.date) in str(queue.query_one("#queue", DataTable).get_row_at(0)[0])
        await pilot.press("m")
        await settle(pilot)
        assert first.note_id not in {n.note_id for n in queue.notes}
        assert len(queue.notes) < count
    with read_session(supervisor_engine) as session:
        row = session.scalars(select(NoteReview)).one()
        assert (row.note_id, row.outcome) == (first.note_id, "reviewed")


async def test_supervisor_returns_a_note_with_a_required_comment(supervisor_engine: Engine) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await _open_queue(pilot, app)
        note = queue.notes[0]
        await pilot.press("b")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReturnForm)
        await pilot.press("ctrl+s")  # no comment: refused, the field named
        await settle(pilot)
        assert app.screen is form
        assert "Comment is required" in str(form.query_one("#comment-error", Static).render())
        await type_text(pilot, "Which goal?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is queue
        assert note.note_id not in {n.note_id for n in queue.notes}
    with read_session(supervisor_engine) as session:
        review = session.scalars(select(NoteReview)).one()
        assert (review.note_id, review.outcome, review.comment) == (note.note_id, "returned", "Which goal?")
        assert review.resolved_by_addendum_id is None


async def test_specialist_sees_the_returned_note_and_answers_it_with_an_addendum(
    supervisor_engine: Engine,
) -> None:
    """The other half of the round trip: the return above, seen and answered by the specialist."""
    supervisor = _current(supervisor_engine)
    note = review_service.review_queue(supervisor_engine, supervisor, AS_OF)[0]
    review_service.review_note(supervisor_engine, supervisor, note.note_id, "returned", "Which goal?")
    set_current_user(supervisor_engine, note.specialist_id)
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        band = home.query_one("#returned-band", Static)
        assert band.display and "1 note returned by your supervisor" in str(band.render())

        # The member record marks the note RETURNED with the comment.
        app.push_screen(MemberScreen(note.member_id))
        await settle(pilot)
        record = app.screen
        assert isinstance(record, MemberScreen)
        notes = record.query_one("#notes", DataTable)
        row = notes.get_row_index(note.note_id)
        assert str(notes.get_row_at(row)[4]) == "RETURNED"
        notes.move_cursor(row=row)
        await settle(pilot)
        assert "Which goal?" in str(record.query_one("#note-detail", Static).render())
        await pilot.press("escape")
        await settle(pilot)

        # t lists the returned notes; enter answers with an addendum.
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ReturnedNotes)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AddendumForm)
        await type_text(pilot, "Goal 1.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReturnedNotes)
        assert app.screen.returns == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query_one("#returned-band", Static).display
    with read_session(supervisor_engine) as session:
        review = session.scalars(select(NoteReview)).one()
        assert review.outcome == "returned" and review.resolved_by_addendum_id is not None


async def test_review_queue_and_merge_are_in_the_command_palette(supervisor_engine: Engine) -> None:
    from cpss_tui.ui.commands import CpssCommands

    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        commands = {name: callback for name, _help, callback in CpssCommands(app.screen)._commands()}
        assert {"Import a specialist's bundle", "Import a bundle file", "Export records to a file"} <= set(
            commands
        )
        app.call_later(commands["Review queue"])  # as the palette runs a chosen command
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueue)
