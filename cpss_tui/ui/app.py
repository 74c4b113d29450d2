"""The Textual application and its one factory, used by the command line and by the tests alike.

The app holds the engine, the `--as-of` date and the staff member using it; screens ask the services layer for
plain dataclasses (in thread workers) and never touch ORM rows.

Start-up paints first: from the command line the app gets a way to open the database rather than an open one,
shows its frame at once, and imports the data layer (SQLAlchemy, SQLModel, the models: most of start-up's CPU
time) and opens the file in a thread worker. This module therefore imports nothing of the data layer at import
time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from cpss_tui.ui.commands import CpssCommands

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cpss_tui.services.staff import StaffView


class Opening(Screen[None]):
    """What the user sees while the database opens (usually well under a second)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the database…", id="opening", classes="screen-title")
        yield Footer(compact=True)


@dataclass(frozen=True)
class _Started:
    """What the opening worker read: enough to show the first real screen without another round trip."""

    engine: Engine
    theme: str | None
    user: StaffView | None
    anyone: bool


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

    class Started(Message):
        """The database is open (posted by the opening worker)."""

        def __init__(self, started: _Started) -> None:
            super().__init__()
            self.started = started

    class OpenFailed(Message):
        """The database could not be opened: the words to leave with."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(
        self,
        engine: Engine | None = None,
        as_of: date | None = None,
        open_engine: Callable[[], Engine] | None = None,
    ) -> None:
        super().__init__()
        if engine is None and open_engine is None:
            raise ValueError("CpssApp needs an engine or a way to open one")
        self._engine = engine
        self._open_engine = open_engine
        self.fixed_as_of = as_of
        self.user: StaffView | None = None
        self.failure: str | None = None

    @property
    def engine(self) -> Engine:
        """The open database (screens only exist once it is open)."""
        if self._engine is None:
            raise RuntimeError("the database is not open yet")
        return self._engine

    def close_database(self) -> None:
        """Release the engine's connections (the command line calls this when the app has exited)."""
        if self._engine is not None:
            self._engine.dispose()

    @property
    def as_of(self) -> date:
        """The date every rule is evaluated at: `--as-of`, or today in the agency's time zone."""
        from cpss_tui.services.staff import today

        return self.fixed_as_of or today(self.engine)

    def on_mount(self) -> None:
        if self._engine is not None:
            # Tests and tools hand over an open engine: read what start-up needs right here.
            self._begin(self._read_start(self._engine))
            return
        self.push_screen(Opening())
        self._open()

    @staticmethod
    def _read_start(engine: Engine) -> _Started:
        from cpss_tui.services import staff as staff_service

        user = staff_service.current_user(engine)
        anyone = user is not None or bool(staff_service.list_staff(engine))
        return _Started(engine, staff_service.ui_theme(engine), user, anyone)

    @work(thread=True, exclusive=True, exit_on_error=False, group="open")
    def _open(self) -> None:
        """Import the data layer and open the file off the UI thread, so the frame is already on screen."""
        assert self._open_engine is not None
        try:
            engine = self._open_engine()
        except Exception as exc:
            from cpss_tui.data.db import DatabaseError

            if isinstance(exc, DatabaseError):
                self.post_message(self.OpenFailed(str(exc)))
                return
            from cpss_tui.errors import report_unexpected

            self.post_message(self.OpenFailed(report_unexpected(exc)))
            return
        self.post_message(self.Started(self._read_start(engine)))

    @on(Started)
    def _on_started(self, message: Started) -> None:
        self._begin(message.started)

    @on(OpenFailed)
    def _on_open_failed(self, message: OpenFailed) -> None:
        self.failure = message.text
        self.exit(return_code=2)

    def _begin(self, started: _Started) -> None:
        self._engine = started.engine
        self.theme = started.theme or "textual-dark"
        self.user = started.user
        self.show_home(anyone=started.anyone)

    def show_home(self, anyone: bool | None = None) -> None:
        """Open the right first screen: welcome on an empty database, else the user's home screen."""
        from cpss_tui.services import staff as staff_service
        from cpss_tui.ui.screens.home import HomeScreen
        from cpss_tui.ui.screens.welcome import Welcome

        if self.user is None:
            if anyone if anyone is not None else staff_service.list_staff(self.engine):
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
        from cpss_tui.services import staff as staff_service

        staff_service.set_current_user(self.engine, staff_id)
        self.user = staff_service.current_user(self.engine)
        self.show_home()

    def action_help(self) -> None:
        from cpss_tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        from cpss_tui.services import staff as staff_service

        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
        staff_service.set_ui_theme(self.engine, self.theme)

    def action_switch_user(self) -> None:
        from cpss_tui.ui.screens.switch_user import SwitchUser

        self.push_screen(SwitchUser())


def create_app(
    engine: Engine | None = None, as_of: date | None = None, open_engine: Callable[[], Engine] | None = None
) -> CpssApp:
    """The one app factory: the command line passes `open_engine` (paint first), tests an open engine."""
    return CpssApp(engine, as_of=as_of, open_engine=open_engine)
