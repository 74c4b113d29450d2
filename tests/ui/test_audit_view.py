"""The member's audit trail in the app (issue 7, item 2): `u` on the member record lists who changed what, when,
with old -> new values, from the entries the database's triggers wrote."""

from __future__ import annotations

from sqlalchemy import Engine
from textual.widgets import DataTable, Static

from cpss_tui.data.db import write_session
from cpss_tui.data.models import Member
from cpss_tui.services.staff import current_user
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.audit_view import AuditView
from cpss_tui.ui.screens.home import HomeScreen
from cpss_tui.ui.screens.member import MemberScreen
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle


async def test_audit_view_shows_who_when_and_old_to_new(demo_engine: Engine) -> None:
    user = current_user(demo_engine)
    assert user is not None
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        member = home.shown[0]
        others = [m for m in home.shown[1:]]
        # Two real changes to this member, made as the signed-in user; the demo's bulk load is not per member.
        with write_session(demo_engine, actor=user.id) as session:
            row = session.get(Member, member.id)
            assert row is not None
            row.name = "Renamed Person"
        with write_session(demo_engine, actor=user.id) as session:
            row = session.get(Member, member.id)
            assert row is not None
            row.medicaid_id = "AUDIT-12345"
        with write_session(demo_engine, actor=user.id) as session:  # another member: must not show here
            other = session.get(Member, others[0].id)
            assert other is not None
            other.medicaid_id = "NOT-THIS-ONE"

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        await pilot.press("u")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, AuditView)
        table = view.query_one("#audit", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert len(rows) == 2
        assert rows[0][1] == user.name and rows[0][2] == "member" and rows[0][3] == "update"
        assert rows[0][4] == "name" and rows[1][4] == "medicaid_id"
        assert rows[0][0].startswith("20")  # a UTC timestamp
        header = str(view.query_one("#audit-header", Static).render())
        assert "2 change(s)" in header

        # The newest is highlighted; its detail spells out old -> new.
        detail = str(view.query_one("#audit-detail", Static).render())
        assert f'medicaid_id: "{member.medicaid_id}" -> "AUDIT-12345"' in detail
        assert user.name in detail
        await pilot.press("up")
        await settle(pilot)
        detail = str(view.query_one("#audit-detail", Static).render())
        assert f'name: "{member.name}" -> "Renamed Person"' in detail
        assert "NOT-THIS-ONE" not in detail

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)


async def test_audit_view_of_a_member_without_entries_says_so(demo_engine: Engine) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, AuditView)
        assert view.query_one("#audit", DataTable).row_count == 0
        assert "No audit entries" in str(view.query_one("#audit-detail", Static).render())
