"""Member forms end to end with Textual's Pilot on a real database, at 80x24: intake (M-1..M-4, S-2),
authorization (U-7), discharge (M-3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select
from textual.widgets import Checkbox, DataTable, Input, Select, Static, TextArea

from cpss_tui.data.db import read_session
from cpss_tui.data.models import Authorization, ConcurrentService, Member
from cpss_tui.services import members
from cpss_tui.services.staff import StaffView, create_staff, set_current_user
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.authorization_form import AuthorizationForm
from cpss_tui.ui.screens.discharge_form import ConfirmDischarge, DischargeForm
from cpss_tui.ui.screens.home import HomeScreen
from cpss_tui.ui.screens.member import MemberScreen
from cpss_tui.ui.screens.member_form import MemberForm
from tests.ui.helpers import settle, type_text

AS_OF = date(2026, 11, 22)


def _team(engine: Engine, fte: float = 1.0) -> StaffView:
    """A supervisor and a specialist; the app is used as the specialist."""
    supervisor = create_staff(
        engine, name="Pat Lee", role="supervisor", credentials="LCSW", fte=None, supervisor_id=None
    )
    dana = create_staff(
        engine,
        name="Dana Reyes",
        role="specialist",
        credentials="NC CPSS",
        fte=fte,
        supervisor_id=supervisor.id,
    )
    set_current_user(engine, dana.id)
    return dana


def _seed(engine: Engine, specialist: StaffView, count: int) -> list[str]:
    return [
        members.intake_member(
            engine,
            specialist.id,
            name=f"Seeded {n}",
            medicaid_id=f"S{n:04d}",
            birth_date="1980-01-01",
            payer="nc-medicaid",
            specialist_id=specialist.id,
            admitted_on="2026-09-01",
            service_order_date="2026-09-01",
            epsdt=False,
            family_member=False,
            as_of=AS_OF,
        ).member_id
        for n in range(count)
    ]


def _error(screen: object, field: str) -> str:
    widget = screen.query_one(f"#{field}-error", Static)  # type: ignore[attr-defined]
    return str(widget.render()) if widget.display else ""


def _count(engine: Engine, model: type) -> int:
    with read_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


async def test_intake_by_keyboard_shows_member_on_home(engine: Engine) -> None:
    """`i`, type the fields, ctrl+s: the member is saved with the concurrent service and is on the home list
    (M-2 flags it; saved anyway)."""
    _team(engine)
    app = create_app(engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("i")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MemberForm)
        await type_text(pilot, "Ana Lopez")
        await pilot.press("tab")
        await type_text(pilot, "900123456A")
        await pilot.press("tab")
        await type_text(pilot, "1985-04-30")
        await pilot.press("tab", "tab")  # payer stays nc-medicaid; admitted defaults to as_of
        assert form.query_one("#admitted_on", Input).value == "2026-11-22"
        await pilot.press("tab")
        await type_text(pilot, "2026-11-20")
        await pilot.press("tab", "tab", "tab", "tab")  # specialist (me), EPSDT, family member, concurrent
        assert form.query_one("#concurrent", Input).has_focus
        await type_text(pilot, "actt 2026-11-01..2027-01-31")
        await pilot.pause()
        assert "M-2" in _error(form, "concurrent")  # the flag shows before saving
        await pilot.press("ctrl+s")
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert [m.name for m in home.shown] == ["Ana Lopez"]
        table = home.query_one("#caseload", DataTable)
        assert str(table.get_row(home.shown[0].id)[0]) == "Ana Lopez"
    with read_session(engine) as session:
        member = session.scalars(select(Member)).one()
        assert (member.medicaid_id, member.birth_date, member.service_order_date) == (
            "900123456A",
            date(1985, 4, 30),
            date(2026, 11, 20),
        )
        service = session.scalars(select(ConcurrentService)).one()
        assert (service.service, service.end_date) == ("actt", date(2027, 1, 31))


async def test_eleventh_member_refused_with_S2_message_in_form(engine: Engine) -> None:
    dana = _team(engine, fte=1.0)
    _seed(engine, dana, 10)
    app = create_app(engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MemberForm)
        form.query_one("#name", Input).value = "Eleventh Person"
        form.query_one("#medicaid_id", Input).value = "E0011"
        form.query_one("#birth_date", Input).value = "1979-03-03"
        form.query_one("#service_order_date", Input).value = "2026-11-20"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still open: nothing saved
        message = _error(form, "specialist")
        assert "Dana Reyes already serves 10 active members, the limit for 1.0 FTE" in message
        assert "1:10" in message and "S-2" in message
    assert _count(engine, Member) == 10


async def test_family_member_refused_under_its_checkbox_M4(engine: Engine) -> None:
    _team(engine)
    app = create_app(engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MemberForm)
        form.query_one("#name", Input).value = "My Cousin"
        form.query_one("#medicaid_id", Input).value = "F0001"
        form.query_one("#birth_date", Input).value = "1979-03-03"
        form.query_one("#family_member", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "M-4" in _error(form, "family_member")
    assert _count(engine, Member) == 0


async def _open_member(pilot: object, app: object) -> MemberScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MemberScreen)
    return screen


async def test_authorization_of_91_days_refused_with_U7_reason(engine: Engine) -> None:
    dana = _team(engine)
    _seed(engine, dana, 1)
    app = create_app(engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        member_screen = await _open_member(pilot, app)
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuthorizationForm)
        assert not form.query("#override_reason")  # specialists get no override field
        await type_text(pilot, "PA-1")
        await pilot.press("tab")
        await type_text(pilot, "120")
        await pilot.press("tab")
        await type_text(pilot, "2026-09-01")
        await pilot.press("tab")
        await type_text(pilot, "2026-11-30")  # 91 days
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        message = _error(form, "end")
        assert "at most 90 days" in message and "91 days" in message and "U-7" in message
        assert _count(engine, Authorization) == 0

        form.query_one("#end", Input).value = "2026-11-29"  # 90 days
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is member_screen
        auths = member_screen.query_one("#auths", DataTable)
        assert auths.row_count == 1
    assert _count(engine, Authorization) == 1


async def test_discharge_confirmed_then_caseload_drops_M3(engine: Engine) -> None:
    dana = _team(engine)
    (member_id,) = _seed(engine, dana, 1)
    app = create_app(engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_member(pilot, app)
        await pilot.press("x")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, DischargeForm)
        await pilot.press("ctrl+s")  # no reason yet
        await settle(pilot)
        assert app.screen is form and "M-3" in _error(form, "discharge_reason")
        form.query_one("#discharge_reason", Select).value = "goals-met"
        form.query_one("#continuing_care_plan", TextArea).text = "Clubhouse on Tuesdays"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDischarge)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
    with read_session(engine) as session:
        row = session.get(Member, member_id)
        assert row is not None and row.discharged_on == AS_OF and row.discharge_reason == "goals-met"
    assert members.active_caseload(engine, dana.id, AS_OF) == 0


def test_palette_lists_the_new_actions() -> None:
    for screen, actions in (
        (HomeScreen, {"intake"}),
        (MemberScreen, {"edit_member", "authorization", "discharge"}),
    ):
        listed = {action for _name, _help, action in screen.PALETTE_ACTIONS}
        assert actions <= listed
        for action in actions:
            assert callable(getattr(screen, f"action_{action}"))
