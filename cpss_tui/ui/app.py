"""The Textual application and its one factory, used by the command line and by the tests alike.

The app holds the engine, the `--as-of` date and the staff member using it; screens ask the services layer for
plain dataclasses (in thread workers) and never touch ORM rows.

Start-up paints first: from the command line the app gets a way to open the database rather than an open one,
shows its frame at once, and imports the data layer (SQLAlchemy, SQLModel, the models: most of start-up's CPU
time) and opens the file in a thread worker. This module therefore imports nothing of the data layer at import
time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from cpss_tui import gc_pause
from cpss_tui.ui.commands import CpssCommands

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cpss_tui.data.facts import StaffView
    from cpss_tui.data.quick_start import QuickStart
    from cpss_tui.data.start_read import StartRead


# A worker reports its state to the node that started it (a screen, a widget) and Textual does not bubble that
# message; letting it bubble brings every worker's end to the app, where ONE handler (`on_worker_state_changed`)
# tells the user in words when a background job failed. Nothing else in Textual or this app handles it.
Worker.StateChanged.bubble = True


def busy_database_words(error: BaseException) -> str | None:
    """Words for a database another program kept locked past the busy timeout (else None).

    SQLite's "database is locked" means nothing to a specialist and reads like a fault of their records: say who
    holds it and what to do. Looks through SQLAlchemy's wrapper (`orig`) and chained causes.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if type(current).__name__ == "OperationalError":
            text = str(getattr(current, "orig", None) or current).lower()
            if "database is locked" in text or "database table is locked" in text:  # SQLITE_BUSY, _LOCKED
                from cpss_tui.data.sqlite import BUSY_TIMEOUT_MS

                return (
                    "The database is busy: another cpss-tui or another program kept it locked for more than "
                    f"{BUSY_TIMEOUT_MS // 1000} seconds. Try again in a moment; what was saved before is safe."
                )
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return None


# How long the first frame waits for the quick read of the home screen before showing "Opening the database…"
# (it is usually done already: it ran while Textual was imported).
QUICK_WAIT_S = 0.5


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
            "f2",
            "reports",
            "Reports",
            tooltip="Quality, billing, unit use, calendar, printed record",
            id="reports",
        ),
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
        lock_after: float | None = None,
        quick_start: QuickStart | None = None,
    ) -> None:
        super().__init__()
        if engine is None and open_engine is None:
            raise ValueError("CpssApp needs an engine or a way to open one")
        self._engine = engine
        self._open_engine = open_engine
        self._quick_start = quick_start
        self._quick_home = False  # the home screen went up from the quick read; the engine is still opening
        self._quick_painted = threading.Event()
        self.fixed_as_of = as_of
        self.user: StaffView | None = None
        self.failure: str | None = None
        self.crash_message: str | None = None
        # Auto-lock (issue 7, item 6): seconds idle before the lock screen; None = the `ui.lock_minutes` setting.
        self.lock_after = lock_after
        self._last_input = time.monotonic()
        self.locked = False

    @property
    def ready(self) -> bool:
        """The database is open: keys that read or write more than the first screen can work."""
        return self._engine is not None

    @property
    def engine(self) -> Engine:
        """The open database (screens only exist once it is open)."""
        if self._engine is None:
            raise RuntimeError("the database is not open yet")
        return self._engine

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: one short line for the user, the scrubbed stack in the error log.

        Textual's default prints a traceback *with local variables* after the screen is restored, which puts
        member names and note text on the terminal (issue 7, no PHI leaks). The app still exits, as Textual's
        does (a widget whose handler failed stops processing messages); drafts are saved a second behind typing.
        Relies on Textual's private `_return_code` / `_exception` so Pilot tests still see the error.
        """
        from rich.text import Text
        from textual.worker import WorkerFailed

        from cpss_tui.errors import report_unexpected

        cause = error.error if isinstance(error, WorkerFailed) else error
        message = report_unexpected(cause)
        busy = busy_database_words(cause)  # a database locked by another program, in words (still logged)
        if busy:
            message = f"cpss-tui: {busy}"
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        if self.crash_message is None:  # the first error is the one worth a line; later ones are only logged
            self.crash_message = message
            self.panic(Text(message))

    def use_engine(self, engine: Engine) -> None:
        """Carry on with `engine`: the same file, encrypted at first run (welcome screen); the old one closes."""
        old, self._engine = self._engine, engine
        if old is not None and old is not engine:
            old.dispose()

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
        start = self._quick_start.result(timeout=QUICK_WAIT_S) if self._quick_start is not None else None
        if start is not None:
            self._show_quick_home(start)
        else:
            self.push_screen(Opening())
        self._open()

    def _show_quick_home(self, start: StartRead) -> None:
        """The specialist's home screen, or the supervisor's due board, from the quick read
        (data/start_read.py) as the very first screen; keys that need the database wait for it (under a
        second), searching and filtering the rows work at once."""
        self.theme = start.theme or "textual-dark"
        self.user = start.user
        self.sub_title = f"{start.user.name}, {start.user.credentials}".strip(", ")
        self._quick_home = True
        if start.board is not None:  # a supervisor
            from cpss_tui.ui.screens.due_board import DueBoard

            self.push_screen(DueBoard(start.board, start.as_of))
        else:
            from cpss_tui.ui.screens.home import HomeScreen

            self.push_screen(HomeScreen(start.caseload))
        self.call_after_refresh(self._quick_painted.set)

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
        if self._quick_home:
            # Importing the data layer below holds the GIL for long stretches: let the quick-read home screen
            # paint first (a bounded wait; set after that screen's first refresh).
            self._quick_painted.wait(timeout=1.0)
        try:
            engine = self._open_engine()
        except Exception as exc:
            from cpss_tui.errors import DatabaseError

            if isinstance(exc, DatabaseError):
                self.post_message(self.OpenFailed(str(exc)))
                return
            from cpss_tui.errors import report_unexpected

            logged = report_unexpected(exc)
            self.post_message(self.OpenFailed(busy_database_words(exc) or logged))
            return
        self.post_message(self.Started(self._read_start(engine)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A background job failed (an `exit_on_error=False` worker of any screen): say so in words.

        Such workers would otherwise fail silently, leaving a screen half loaded or a save undone with nothing
        said. The user gets a short notification (no record contents, no traceback) and the app goes on; the
        scrubbed stack goes to the error log, as for any unexpected error (cpss_tui/errors.py). Workers with
        `exit_on_error=True` are left to `_handle_exception`.
        """
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.exit_on_error or worker.error is None:
            return
        from cpss_tui.errors import report_unexpected

        error = worker.error
        logged = report_unexpected(error)  # "cpss-tui: unexpected error (X); details in PATH"
        detail = logged.split("; ", 1)[1] if "; " in logged else logged
        words = busy_database_words(error) or (
            f"A background task could not finish ({error.__class__.__name__}); what this screen shows may be "
            f"incomplete or out of date. {detail[:1].upper()}{detail[1:]}."
        )
        self.notify(words, title="Something went wrong", severity="error", timeout=12)

    @on(Started)
    def _on_started(self, message: Started) -> None:
        self._begin(message.started)

    @on(OpenFailed)
    def _on_open_failed(self, message: OpenFailed) -> None:
        gc_pause.resume()
        self.failure = message.text
        self.exit(return_code=2)

    def _begin(self, started: _Started) -> None:
        from cpss_tui.ui.screens.first_screen import FirstScreen

        gc_pause.resume()  # start-up is over (cli.tui_app paused the collector)
        self._engine = started.engine
        self.theme = started.theme or "textual-dark"
        quick_home, self._quick_home = self._quick_home, False
        same_user = started.user is not None and self.user is not None and started.user.id == self.user.id
        self.user = started.user
        if quick_home and same_user and isinstance(self.screen, FirstScreen):
            # The quick read's screen stays; it reloads through the data layer (the returned-notes band too).
            self.screen.action_refresh()
            self.screen.run_pending()
        else:
            self.show_home(anyone=started.anyone)
        self._watch_idle()

    # --- auto-lock: Textual has none, so the app watches every key and mouse event itself (storage.md) ------

    def _watch_idle(self) -> None:
        if self.lock_after is None:
            from cpss_tui.data import settings

            self.lock_after = settings.lock_minutes(settings.get_all(self.engine)) * 60
        self._last_input = time.monotonic()
        self.set_interval(max(0.05, min(self.lock_after / 4, 15.0)), self._lock_if_idle, name="idle-lock")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _lock_if_idle(self) -> None:
        if not self.locked and self.lock_after and time.monotonic() - self._last_input >= self.lock_after:
            self.action_lock()

    def action_lock(self) -> None:
        """Cover the screen until the passphrase or PIN is typed; the screens underneath stay as they are."""
        from cpss_tui.ui.screens.lock import LockScreen, lock_kind

        if self.locked or self._engine is None:
            return
        self.locked = True

        def unlocked(_: None) -> None:
            self.locked = False
            self._last_input = time.monotonic()

        self.push_screen(LockScreen(lock_kind(self.engine)), unlocked)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While locked, the app's own keys (help, palette, theme, switch user) do nothing; quit still works."""
        if self.locked and action != "quit":
            return False
        if not self.ready and action not in ("quit", "help"):
            return False  # the quick-read home screen is up; these need the database (under a second)
        return super().check_action(action, parameters)

    def action_set_pin(self) -> None:
        """Choose the lock PIN (an unencrypted database; an encrypted one locks with its passphrase)."""
        from cpss_tui.data import sqlite
        from cpss_tui.ui.screens.lock import SetPinDialog

        if sqlite.engine_key(self.engine) is not None:
            self.notify("This database is encrypted: the lock asks for its passphrase, not a PIN.")
            return
        self.push_screen(SetPinDialog())

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

    def action_reports(self) -> None:
        """The reports menu (none before the database is open, nor under the lock screen)."""
        from cpss_tui.ui.screens.reports import ReportsScreen

        if self._engine is None or self.locked or isinstance(self.screen, ReportsScreen):
            return
        self.push_screen(ReportsScreen())

    def action_switch_user(self) -> None:
        from cpss_tui.ui.screens.switch_user import SwitchUser

        self.push_screen(SwitchUser())


def create_app(
    engine: Engine | None = None,
    as_of: date | None = None,
    open_engine: Callable[[], Engine] | None = None,
    lock_after: float | None = None,
    quick_start: QuickStart | None = None,
) -> CpssApp:
    """The one app factory: the command line passes `open_engine` (paint first), tests an open engine.

    `lock_after` (seconds idle before the lock screen) overrides the `ui.lock_minutes` setting, for tests.
    `quick_start` (with `open_engine`) puts a specialist's home screen up before the data layer has loaded.
    """
    return CpssApp(
        engine, as_of=as_of, open_engine=open_engine, lock_after=lock_after, quick_start=quick_start
    )
