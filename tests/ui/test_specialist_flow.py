"""The specialist's flows end to end, by keyboard only, on a real database (issue "Specialist workflow")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select
from textual.widgets import DataTable, Input, Static

from cpss_tui.data.db import read_session
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import Attempt, Note, NoteAddendum, NoteDraft
from cpss_tui.services import records
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.home import HomeScreen
from cpss_tui.ui.screens.member import MemberScreen
from cpss_tui.ui.screens.note_form import NoteForm
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle, type_text


def _home(app) -> HomeScreen:
    screen = app.screen
    assert isinstance(screen, HomeScreen), type(screen)
    return screen


def _row(home: HomeScreen, member_id: str) -> list[str]:
    table = home.query_one("#caseload", DataTable)
    return [str(cell) for cell in table.get_row(member_id)]


async def _fill_note(pilot, start: str = "19:00") -> None:
    """Fill a complete face-to-face note at home, linked to the first goal, by keyboard."""
    form = pilot.app.screen
    assert isinstance(form, NoteForm)
    await pilot.press("tab")  # date (defaults to as_of) -> start
    await type_text(pilot, start)
    await pilot.press("tab")
    await type_text(pilot, "60")
    await pilot.press("tab", "enter", "down", "enter")  # contact type: face-to-face
    await pilot.press("tab", "enter", "down", "enter")  # place: home
    await pilot.press("tab", "space")  # first PCP goal
    await pilot.press("tab")
    await type_text(pilot, "Budget check-in")
    await pilot.press("tab", "space")  # first PCP intervention
    await pilot.press("tab")
    await type_text(pilot, "Reviewed bills together")
    await pilot.press("tab")
    await type_text(pilot, "Paid two bills on time")
    await pilot.pause()


async def test_walkthrough_new_user_explores_demo_logs_note_and_attempt(tmp_path: Path) -> None:
    """The issue's "Done when": make run, explore the demo, log and sign a face-to-face note linked to a goal,
    log an attempt for another member, and see both on the home screen, with no mouse (C-3, N-1, N-3, C-2)."""
    engine = open_database(tmp_path / "new.db").engine
    app = create_app(engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")  # explore a demo caseload
        await settle(pilot)
        home = _home(app)
        first, second = home.shown[0], home.shown[1]
        units_before = first.week.used
        attempts_before = second.weekly_contact.attempts

        await pilot.press("n")
        await settle(pilot)
        await _fill_note(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        home = _home(app)
        after = next(m for m in home.shown if m.id == first.id)
        assert after.week.used == units_before + 4  # 60 minutes = 4 units (U-1)
        assert after.weekly_contact.status == "met"
        assert after.weekly_contact.last_direct_contact == AS_OF

        table = home.query_one("#caseload", DataTable)
        table.move_cursor(row=[m.id for m in home.shown].index(second.id))
        await pilot.press("a", "ctrl+s")  # two keystrokes: defaults phone / no answer / now
        await settle(pilot)
        home = _home(app)
        after2 = next(m for m in home.shown if m.id == second.id)
        assert after2.weekly_contact.attempts == attempts_before + 1
        assert _row(home, second.id)[3] == str(attempts_before + 1)
    with read_session(engine) as session:
        note = session.scalars(select(Note).where(Note.member_id == first.id, Note.date == AS_OF)).one()
        assert note.signed_at is not None and note.contact_type == "face-to-face" and note.minutes == 60
    engine.dispose()


async def test_signing_refused_names_the_missing_fields_N2(demo_engine: Engine) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)  # still open: nothing signed
        shown = {
            (w.id or "").removesuffix("-error"): str(w.render())
            for w in form.query(".field-error").results(Static)
            if w.display
        }
        for field in (
            "start_time",
            "minutes",
            "contact_type",
            "place",
            "purpose",
            "effectiveness",
            "goal_ids",
        ):
            assert field in shown, field
        assert "P-3" in shown["goal_ids"] and "N-1" in shown["purpose"]
    with read_session(demo_engine) as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Note).where(Note.date == AS_OF, Note.start_time == "")
            )
            == 0
        )


async def test_draft_survives_the_app_closing_without_saving_N2(demo_engine: Engine) -> None:
    """Typing then quitting at once (before the autosave timer) keeps the draft; it reopens with the text."""
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        member_id = _home(app).shown[0].id
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "07:45")
        await pilot.press("tab")
        await type_text(pilot, "35")
        await pilot.press("ctrl+q")
    staff_id = app.user.id if app.user else ""
    draft = records.find_draft(demo_engine, staff_id, member_id)
    assert draft is not None
    assert draft.fields["start_time"] == "07:45" and draft.fields["minutes"] == "35"

    app2 = create_app(demo_engine, as_of=AS_OF)
    async with app2.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app2.screen
        assert isinstance(form, NoteForm)
        assert form.query_one("#start_time", Input).value == "07:45"
        assert form.query_one("#minutes", Input).value == "35"


async def test_draft_is_saved_while_typing_within_two_seconds_N2(demo_engine: Engine) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "06:30")
        await pilot.pause(1.6)
        with read_session(demo_engine) as session:
            drafts = session.scalars(select(NoteDraft)).all()
        assert any('"06:30"' in d.fields_json for d in drafts)


async def test_addendum_on_a_signed_note_N3(demo_engine: Engine) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # open the first member
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MemberScreen)
        note = screen._highlighted_note()
        assert note is not None and note.signed_at is not None
        await pilot.press("d")
        await settle(pilot)
        await type_text(pilot, "Start time was 10:15, not 10:00.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        refreshed = app.screen._highlighted_note()
        assert refreshed is not None and refreshed.id == note.id
        assert [a.text for a in refreshed.addenda][-1] == "Start time was 10:15, not 10:00."
    with read_session(demo_engine) as session:
        assert (
            session.scalar(
                select(func.count()).select_from(NoteAddendum).where(NoteAddendum.note_id == note.id)
            )
            >= 1
        )
        locked = session.get(Note, note.id)
        assert locked is not None and locked.signed_at == note.signed_at


async def test_home_lists_attention_first_and_searches_C4(demo_engine: Engine) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = _home(app)
        flags = [m.needs_attention for m in home.shown]
        assert flags == sorted(flags, reverse=True)  # every needs-attention row before the others
        target = home.shown[-1]
        await pilot.press("slash")
        await type_text(pilot, target.name.split()[1][:5])
        await pilot.pause(0.3)  # the table is rebuilt once typing pauses
        assert target.id in [m.id for m in home.shown]
        assert len(home.shown) < len(home.caseload.members if home.caseload else [])
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert len(home.shown) == len(home.caseload.members if home.caseload else [])


async def test_attempt_in_the_future_is_refused_C2(demo_engine: Engine) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        when = app.screen.query_one("#at", Input)
        when.value = "2026-11-25 09:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "future" in str(app.screen.query_one("#at-error", Static).render())
    with read_session(demo_engine) as session:
        assert session.scalar(select(func.count()).select_from(Attempt).where(Attempt.on_date > AS_OF)) == 0
    assert date(2026, 11, 25) > AS_OF
