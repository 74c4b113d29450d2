"""The supervisor's due board end to end, by keyboard, at 80x24 on the demo agency (issue "Supervisor board")."""

from __future__ import annotations

from sqlalchemy import Engine, select
from textual.widgets import DataTable, Select, Static

from cpss_tui.data.db import read_session
from cpss_tui.data.models import SupervisorVisit
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.due_board import DueBoard
from cpss_tui.ui.screens.staffing import StaffingPanel
from cpss_tui.ui.screens.visit_form import VisitForm
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle, type_text


def _board(app) -> DueBoard:
    screen = app.screen
    assert isinstance(screen, DueBoard), type(screen)
    return screen


def _cells(board: DueBoard, row: int) -> list[str]:
    table = board.query_one("#board", DataTable)
    return [str(cell) for cell in table.get_row_at(row)]


async def test_board_is_the_supervisors_home_in_order(supervisor_engine: Engine) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = _board(app)
        table = board.query_one("#board", DataTable)
        assert table.row_count == len(board.rows) >= 6
        assert _cells(board, 0)[3] == "OVERDUE"
        states = [_cells(board, i)[3] for i in range(table.row_count)]
        assert states == sorted(states, key=["OVERDUE", "DUE SOON", "OPEN"].index)
        kinds = [_cells(board, i)[1] for i in range(table.row_count)]
        assert {"Visit", "Reauth", "PCP", "Contact", "Supervision"} <= set(kinds)
        first_visit = kinds.index("Visit")
        assert _cells(board, first_visit)[3] == "OVERDUE"
        summary = str(board.query_one("#board-summary", Static).render())
        assert "as of 2026-11-22" in summary and "overdue" in summary
        # Fits 80 columns: the five columns and their padding.
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80


async def test_filter_by_kind_then_resolve_the_overdue_visit_V1(supervisor_engine: Engine) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = _board(app)
        total = len(board.shown)
        await pilot.press("shift+tab", "shift+tab")  # table -> specialist filter -> kind filter
        assert app.focused is board.query_one("#kind-filter", Select)
        await pilot.press("enter", "down", "enter")  # "All kinds" -> Visit
        await settle(pilot)
        assert board.query_one("#kind-filter", Select).value == "visit"
        assert 0 < len(board.shown) < total
        assert {o.kind for o in board.shown} == {"visit"}
        first = board.shown[0]
        assert first.state == "overdue" and _cells(board, 0)[3] == "OVERDUE"

        board.query_one("#board", DataTable).focus()
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VisitForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        board = _board(app)
        assert first.member_id not in {o.member_id for o in board.shown}
        assert [o.state for o in board.shown] == ["due-soon"]
        assert board.query_one("#board", DataTable).row_count == 1
    with read_session(supervisor_engine) as session:
        visit = session.scalars(
            select(SupervisorVisit).where(
                SupervisorVisit.member_id == first.member_id, SupervisorVisit.date == AS_OF
            )
        ).one()
        assert visit.face_to_face


async def test_filter_by_specialist(supervisor_engine: Engine) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = _board(app)
        wanted = board.shown[0].specialist_id
        board.query_one("#specialist-filter", Select).value = wanted
        await settle(pilot)
        assert board.shown and {o.specialist_id for o in board.shown} == {wanted}
        assert len(board.shown) < len(board.rows)


async def test_visit_form_refuses_a_future_date_naming_V1(supervisor_engine: Engine) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitForm)
        form.query_one("#date").focus()
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-12-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one("#date-error", Static).render())
        assert "future" in error and "V-1" in error
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DueBoard)


async def test_supervision_session_from_the_board_S4(supervisor_engine: Engine) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = _board(app)
        row = next(i for i, o in enumerate(board.shown) if o.rule == "S-4")
        board.query_one("#board", DataTable).move_cursor(row=row)
        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        form.query_one("#date").focus()
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-13")  # the session held in the previous week
        await pilot.press("ctrl+s")
        await settle(pilot)
        board = _board(app)
        assert not [o for o in board.shown if o.rule == "S-4"]


async def test_staffing_panel_S1_S2_S3(supervisor_engine: Engine) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        panel = app.screen
        assert isinstance(panel, StaffingPanel)
        table = panel.query_one("#staffing-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert sorted(r[2] for r in rows) == ["10/10", "10/10", "5/5"]
        assert all("S-1/S-2" in r[3] for r in rows)  # every caseload is full: the rule is named
        summary = str(panel.query_one("#staffing-summary", Static).render())
        assert "10 per FTE" in summary and "(S-2)" in summary and "3/8" in summary
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DueBoard)
