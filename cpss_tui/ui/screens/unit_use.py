"""Unit use as charts (issue 6, item 2).

`UnitUseScreen`: one member. Tab "Authorization": units used (after caps, as the member record counts them) and
remaining day by day, the authorized units and the end date; `[` and `]` step through the member's
authorizations. Tab "Weekly units": units delivered per week against the week cap (U-4). A legend in words under
each chart gives the figures, so nothing depends on colour.

`SpecialistUnitsScreen`: units one specialist delivered per week over 12 weeks; `[` and `]` move the weeks.

Data is computed in thread workers (cpss_tui/reports/unit_use.py); escape goes back.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from cpss_tui.ui.widgets.unit_chart import UnitChart

if TYPE_CHECKING:
    from cpss_tui.reports.unit_use import MemberUnitUse, SpecialistUnitUse
    from cpss_tui.ui.app import CpssApp

SPECIALIST_WEEKS = 12


class UnitUseScreen(Screen[None]):
    """A member's authorizations and weekly units as charts."""

    DEFAULT_CSS = """
    UnitUseScreen #unit-tabs { height: 1fr; }
    UnitUseScreen #unit-tabs ContentSwitcher { height: 1fr; }
    UnitUseScreen TabPane { padding: 0; height: 1fr; }
    UnitUseScreen .chart-legend { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding(
            "ctrl+s",
            "save_text",
            "Save",
            tooltip="Save the chart and its figures as a text file",
            id="save_text",
            priority=True,
        ),
        Binding(
            "left_square_bracket",
            "previous_auth",
            "Prev auth",
            tooltip="The earlier authorization",
            id="previous_auth",
            show=False,
        ),
        Binding(
            "right_square_bracket",
            "next_auth",
            "Next auth",
            tooltip="The later authorization",
            id="next_auth",
            show=False,
        ),
        Binding("w", "toggle_tab", "Switch chart", tooltip="Weekly units / authorization", id="toggle_tab"),
    ]

    class Loaded(Message):
        def __init__(self, use: MemberUnitUse | None) -> None:
            super().__init__()
            self.use = use

    def __init__(self, member_id: str, member_name: str | None = None) -> None:
        super().__init__()
        self.member_id = member_id
        self.member_name = member_name or "member"
        self.use: MemberUnitUse | None = None
        self.index = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Unit use · {self.member_name} · loading…", id="units-header", classes="screen-title")
        with TabbedContent(id="unit-tabs"):
            with TabPane("Authorization", id="tab-auth"):
                yield UnitChart(id="auth-chart")
                yield Static("", id="auth-legend", classes="chart-legend")
            with TabPane("Weekly units", id="tab-weeks"):
                yield UnitChart(id="week-chart")
                yield Static("", id="week-legend", classes="chart-legend")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="unit-use-load")
    def _load(self) -> None:
        from cpss_tui.reports.unit_use import member_unit_use

        app = cast("CpssApp", self.app)
        self.post_message(self.Loaded(member_unit_use(app.engine, self.member_id, app.as_of)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.use = message.use
        if self.use is None:
            self.query_one("#units-header", Static).update("No such member.")
            return
        self.index = self.use.current_index
        self._show()

    def _show(self) -> None:
        from cpss_tui.reports.unit_use import (
            authorization_legend,
            draw_authorization,
            draw_member_weeks,
            member_weeks_legend,
        )

        use = self.use
        if use is None:
            return
        auths = use.authorizations
        which = f" · auth {self.index + 1} of {len(auths)}, [ ] for others" if len(auths) > 1 else ""
        self.query_one("#units-header", Static).update(
            f"Unit use · {use.name} · {use.payer} · as of {use.as_of}{which}"
        )
        auth_chart = self.query_one("#auth-chart", UnitChart)
        if auths:
            a = auths[self.index]
            auth_chart.display = True
            auth_chart.show(lambda fig, width: draw_authorization(fig, a, width))
            self.query_one("#auth-legend", Static).update("\n".join(authorization_legend(a, use)))
        else:
            auth_chart.display = False
            auth_chart.show(None)
            self.query_one("#auth-legend", Static).update(
                "No authorization recorded for this member (U-5): time outside every authorization is "
                "unauthorized (U-6). Press t on the member record to record one."
            )
        self.query_one("#week-chart", UnitChart).show(lambda fig, width: draw_member_weeks(fig, use, width))
        self.query_one("#week-legend", Static).update("\n".join(member_weeks_legend(use)))

    def _step(self, delta: int) -> None:
        if self.use is None or not self.use.authorizations:
            return
        index = self.index + delta
        if not 0 <= index < len(self.use.authorizations):
            self.notify("No " + ("earlier" if delta < 0 else "later") + " authorization.", severity="warning")
            return
        self.index = index
        self.query_one("#unit-tabs", TabbedContent).active = "tab-auth"
        self._show()

    def action_previous_auth(self) -> None:
        self._step(-1)

    def action_next_auth(self) -> None:
        self._step(1)

    def action_save_text(self) -> None:
        """The same text `cpss-tui report units --member ID` prints, into a private file."""
        from cpss_tui.reports.unit_use import member_units_text
        from cpss_tui.ui.screens.save_report import SaveReportDialog, file_slug

        if self.use is not None:
            name = f"cpss-units-{file_slug(self.use.name)}-{self.use.as_of.isoformat()}.txt"
            self.app.push_screen(
                SaveReportDialog("Save unit use as text", name, {"": member_units_text(self.use)})
            )

    def action_toggle_tab(self) -> None:
        tabs = self.query_one("#unit-tabs", TabbedContent)
        tabs.active = "tab-weeks" if tabs.active == "tab-auth" else "tab-auth"


class SpecialistUnitsScreen(Screen[None]):
    """Units one specialist delivered per week (bars)."""

    DEFAULT_CSS = """
    SpecialistUnitsScreen .chart-legend { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("left_square_bracket", "earlier", "Earlier", tooltip="The 12 weeks before", id="earlier"),
        Binding(
            "ctrl+s",
            "save_text",
            "Save",
            tooltip="Save the chart and its figures as a text file",
            id="save_text",
            priority=True,
        ),
        Binding("right_square_bracket", "later", "Later", tooltip="The 12 weeks after", id="later"),
    ]

    class Loaded(Message):
        def __init__(self, use: SpecialistUnitUse | None) -> None:
            super().__init__()
            self.use = use

    def __init__(self, staff_id: str, staff_name: str | None = None) -> None:
        super().__init__()
        self.staff_id = staff_id
        self.staff_name = staff_name or "specialist"
        self.last: date | None = None  # the last day shown; as_of until moved
        self.use: SpecialistUnitUse | None = None

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"Units per week · {self.staff_name} · loading…", id="specialist-header", classes="screen-title"
        )
        yield UnitChart(id="specialist-chart")
        yield Static("", id="specialist-legend", classes="chart-legend")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.last = self.cpss.as_of
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="specialist-units-load")
    def _load(self) -> None:
        from cpss_tui.data import settings
        from cpss_tui.reports.period import Period
        from cpss_tui.reports.unit_use import specialist_weekly_units
        from cpss_tui.rules.weeks import week_bounds

        app = self.cpss
        last = self.last or app.as_of
        week_start = settings.load_agency_settings(app.engine).week_start
        first = week_bounds(last, week_start)[0] - timedelta(days=7 * (SPECIALIST_WEEKS - 1))
        use = specialist_weekly_units(app.engine, self.staff_id, app.as_of, Period(first, last))
        self.post_message(self.Loaded(use))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        from cpss_tui.reports.unit_use import draw_specialist_weeks, specialist_legend

        self.use = use = message.use
        header = self.query_one("#specialist-header", Static)
        if use is None:
            header.update("No such staff member.")
            return
        header.update(f"Units per week · {use.name} · {use.period.describe()} · as of {use.as_of}")
        chart = self.query_one("#specialist-chart", UnitChart)
        chart.show(lambda fig, width: draw_specialist_weeks(fig, use, width))
        self.query_one("#specialist-legend", Static).update("\n".join(specialist_legend(use)))

    def _move(self, weeks: int) -> None:
        as_of = self.cpss.as_of
        last = (self.last or as_of) + timedelta(days=7 * weeks)
        if last > as_of:
            if (self.last or as_of) >= as_of:
                self.notify(f"Nothing is known after {as_of} (as of).", severity="warning")
                return
            last = as_of
        self.last = last
        self._load()

    def action_earlier(self) -> None:
        self._move(-SPECIALIST_WEEKS)

    def action_later(self) -> None:
        self._move(SPECIALIST_WEEKS)

    def action_save_text(self) -> None:
        """The same text `cpss-tui report units --specialist ID` prints, into a private file."""
        from cpss_tui.reports.unit_use import specialist_units_text
        from cpss_tui.ui.screens.save_report import SaveReportDialog, file_slug

        if self.use is not None:
            name = f"cpss-units-{file_slug(self.use.name)}-{self.use.period.last.isoformat()}.txt"
            self.app.push_screen(
                SaveReportDialog("Save units per week as text", name, {"": specialist_units_text(self.use)})
            )
