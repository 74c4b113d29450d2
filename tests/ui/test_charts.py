"""Unit-use charts and the contact calendar in the app (issue 6, items 2 and 3): reached from the member record
(keys g and c, and the palette), from the home screen palette (the specialist's own weekly units) and from the
due board palette (the highlighted row's specialist); each shows the same figures as the report functions, and
escape goes back."""

from __future__ import annotations

from sqlalchemy import Engine
from textual.widgets import Static, TabbedContent

from cpss_tui.reports.contact_calendar import SYMBOLS, contact_calendar
from cpss_tui.reports.unit_use import member_unit_use, specialist_weekly_units
from cpss_tui.services.member_record import load_member_record
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.contact_calendar import ContactCalendarScreen
from cpss_tui.ui.screens.due_board import DueBoard
from cpss_tui.ui.screens.home import HomeScreen
from cpss_tui.ui.screens.member import MemberScreen
from cpss_tui.ui.screens.unit_use import SpecialistUnitsScreen, UnitUseScreen
from cpss_tui.ui.widgets.contact_calendar import ContactCalendarGrid
from cpss_tui.ui.widgets.unit_chart import UnitChart
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle


def _text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


def _commands(app) -> dict:  # type: ignore[no-untyped-def]
    from cpss_tui.ui.commands import CpssCommands

    return {name: callback for name, _help, callback in CpssCommands(app.screen)._commands()}


async def test_member_record_keys_open_the_calendar_and_the_unit_charts(demo_engine: Engine) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        member = app.screen
        assert isinstance(member, MemberScreen) and member.record is not None
        member_id, name = member.member_id, member.record.name

        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContactCalendarScreen)
        expected = contact_calendar(demo_engine, member_id, AS_OF)
        assert expected is not None and screen.calendar == expected
        grid = str(screen.query_one("#calendar", ContactCalendarGrid).render())
        rows = [line for line in grid.splitlines() if line[:4].isdigit()]  # "2025-11-24  M   A ..."
        assert len(rows) == 4
        cells = [ch for line in rows for ch in line[11:].split()[:13]]
        assert "".join(cells) == "".join(SYMBOLS[w.status] for w in expected.weeks)
        legend = _text(screen, "#calendar-legend")
        counts = expected.counts()
        assert f"met (a direct contact, C-1): {counts['met']}" in legend
        assert name in _text(screen, "#calendar-header")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is member

        await pilot.press("g")
        await settle(pilot)
        units = app.screen
        assert isinstance(units, UnitUseScreen)
        use = member_unit_use(demo_engine, member_id, AS_OF)
        assert use is not None and units.use == use and use.authorizations
        current = use.authorizations[use.current_index]
        # The same used/remaining as the member record's Authorizations tab.
        record = load_member_record(demo_engine, member_id, "", AS_OF)
        assert record is not None
        view = next(a for a in record.authorizations if a.id == current.id)
        legend = _text(units, "#auth-legend")
        assert f"authorized {view.units} units, used {view.used}, remaining {view.remaining}" in legend
        assert f"ends on {current.end}" in legend
        chart = str(units.query_one("#auth-chart", UnitChart).render())
        assert f"{current.number}: units used and remaining" in chart
        assert "●" in chart and "○" in chart

        await pilot.press("w")
        await settle(pilot)
        assert units.query_one("#unit-tabs", TabbedContent).active == "tab-weeks"
        week_chart = str(units.query_one("#week-chart", UnitChart).render())
        assert "units delivered per week against the week cap" in week_chart
        assert "week cap (U-4)" in _text(units, "#week-legend")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is member


async def test_member_palette_lists_both_reports(demo_engine: Engine) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        commands = _commands(app)
        app.call_later(commands["Unit use of member"])
        await settle(pilot)
        assert isinstance(app.screen, UnitUseScreen)
        await pilot.press("escape")
        await settle(pilot)
        app.call_later(_commands(app)["Contact calendar of member"])
        await settle(pilot)
        assert isinstance(app.screen, ContactCalendarScreen)


async def test_home_palette_shows_my_units_per_week(demo_engine: Engine) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        user = app.user
        assert user is not None
        app.call_later(_commands(app)["My units per week"])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SpecialistUnitsScreen) and screen.staff_id == user.id
        expected = specialist_weekly_units(demo_engine, user.id, AS_OF)
        assert expected is not None
        legend = _text(screen, "#specialist-legend")
        assert f"Total {expected.total} units in {len(expected.weeks)} week(s)" in legend
        assert expected.total > 0
        # [ moves to the 12 weeks before; ] comes back; nothing after as_of.
        await pilot.press("left_square_bracket")
        await settle(pilot)
        earlier_first = expected.period.first.toordinal() - 7 * 12
        assert f"{expected.period.first.fromordinal(earlier_first)} to" in _text(screen, "#specialist-header")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert _text(screen, "#specialist-legend") == legend
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_due_board_palette_shows_the_highlighted_specialists_units(supervisor_engine: Engine) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, DueBoard)
        row = board.highlighted()
        assert row is not None
        app.call_later(_commands(app)["Specialist units per week"])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SpecialistUnitsScreen) and screen.staff_id == row.specialist_id
        assert row.specialist_name in _text(screen, "#specialist-header")
