"""First run: set up my profile, or explore a demo caseload (issue "Specialist workflow", item 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp

WELCOME_TEXT = """\
[b]Welcome to cpss-tui[/b]

It keeps your caseload, service notes and contact attempts on this computer, works offline, and tells you at a
glance who still needs a contact this week and what is due.

This database is empty. Set up your own profile, or explore a demo agency with made-up members first.
"""


class Welcome(Screen[None]):
    """The screen of an empty database."""

    BINDINGS = [
        Binding("p", "profile", "Set up my profile", id="profile"),
        Binding("d", "demo", "Explore a demo", id="demo"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome-box"):
            yield Static(WELCOME_TEXT)
            yield Button("Set up my profile  (p)", id="profile", variant="primary")
            yield Button("Explore a demo caseload  (d)", id="demo")
            yield Static("", id="welcome-status", classes="muted")
        yield Footer(compact=True)

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    @on(Button.Pressed, "#profile")
    def action_profile(self) -> None:
        from cpss_tui.ui.screens.profile import ProfileForm

        self.app.push_screen(ProfileForm(), self._profile_done)

    def _profile_done(self, staff_id: str | None) -> None:
        if staff_id:
            self.cpss.sign_in(staff_id)

    @on(Button.Pressed, "#demo")
    def action_demo(self) -> None:
        self.query_one("#welcome-status", Static).update("Writing the demo agency…")
        self.query_one("#demo", Button).disabled = True
        self._build_demo()

    @work(thread=True, exclusive=True, exit_on_error=False, group="demo")
    def _build_demo(self) -> None:
        from cpss_tui.services.demo import start_demo

        staff_id = start_demo(self.cpss.engine, self.cpss.as_of)
        self.app.call_from_thread(self.cpss.sign_in, staff_id)
