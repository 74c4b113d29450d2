"""The Textual application and its one factory, used by the command line and by the tests alike.

The app holds the engine, the `--as-of` date and the staff member using it; screens ask the services layer for
plain dataclasses (in thread workers) and never touch ORM rows.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from textual.app import App
from textual.binding import Binding

from cpss_tui.services import staff as staff_service
from cpss_tui.services.staff import StaffView
from cpss_tui.ui.commands import CpssCommands


class CpssApp(App[None]):
    """cpss-tui: this week's caseload, notes, attempts and what is due."""

    CSS_PATH = "app.tcss"
    TITLE = "cpss-tui"
    COMMANDS = App.COMMANDS | {CpssCommands}
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="Keys and what the states mean", id="help"),
        Binding(
            "ctrl+t", "toggle_theme", "Theme", tooltip="Switch light / dark theme", id="theme", show=False
        ),
        Binding(
            "ctrl+q", "quit", "Quit", tooltip="Quit (drafts are already saved)", id="quit", priority=True
        ),
    ]

    def __init__(self, engine: Engine, as_of: date | None = None) -> None:
        super().__init__()
        self.engine = engine
        self.fixed_as_of = as_of
        self.user: StaffView | None = None

    @property
    def as_of(self) -> date:
        """The date every rule is evaluated at: `--as-of`, or today in the agency's time zone."""
        return self.fixed_as_of or staff_service.today(self.engine)

    def on_mount(self) -> None:
        self.theme = staff_service.ui_theme(self.engine) or "textual-dark"
        self.user = staff_service.current_user(self.engine)
        self.show_home()

    def show_home(self) -> None:
        """Open the right first screen: welcome on an empty database, else the user's home screen."""
        from cpss_tui.ui.screens.home import HomeScreen
        from cpss_tui.ui.screens.welcome import Welcome

        if self.user is None:
            if staff_service.list_staff(self.engine):
                # Records exist but nobody chose who they are on this machine yet: ask, never guess.
                self.action_switch_user()
            else:
                self.push_screen(Welcome())
            return
        self.sub_title = f"{self.user.name}, {self.user.credentials}".strip(", ")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if self.user.role == "supervisor":
            from cpss_tui.ui.screens.due_board import DueBoard

            self.push_screen(DueBoard())
        else:
            self.push_screen(HomeScreen())

    def sign_in(self, staff_id: str) -> None:
        """Use the app as `staff_id` from now on (remembered in the database)."""
        staff_service.set_current_user(self.engine, staff_id)
        self.user = staff_service.current_user(self.engine)
        self.show_home()

    def action_help(self) -> None:
        from cpss_tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
        staff_service.set_ui_theme(self.engine, self.theme)

    def action_switch_user(self) -> None:
        from cpss_tui.ui.screens.switch_user import SwitchUser

        self.push_screen(SwitchUser())


def create_app(engine: Engine, as_of: date | None = None) -> CpssApp:
    """The one app factory (command line and tests)."""
    return CpssApp(engine, as_of=as_of)
