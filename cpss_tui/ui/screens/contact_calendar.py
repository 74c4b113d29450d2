"""A member's contact calendar (issue 6, item 3): the 52 weeks ending with the week of as_of, each cell coloured by
its C-3 weekly status and carrying its letter, month labels above each row, and a legend with the count of each
status. Computed in a thread worker (cpss_tui/reports/contact_calendar.py); escape goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from cpss_tui.ui.widgets.contact_calendar import ContactCalendarGrid

if TYPE_CHECKING:
    from cpss_tui.reports.contact_calendar import ContactCalendar
    from cpss_tui.ui.app import CpssApp


class ContactCalendarScreen(Screen[None]):
    """Weekly contact status (C-3) of one member over a year."""

    DEFAULT_CSS = """
    ContactCalendarScreen #calendar-legend { height: auto; padding: 1 1 0 1; }
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
    ]

    class Loaded(Message):
        def __init__(self, calendar: ContactCalendar | None) -> None:
            super().__init__()
            self.calendar = calendar

    def __init__(self, member_id: str, member_name: str | None = None) -> None:
        super().__init__()
        self.member_id = member_id
        self.member_name = member_name or "member"
        self.calendar: ContactCalendar | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"Contact calendar · {self.member_name} · loading…", id="calendar-header", classes="screen-title"
        )
        with VerticalScroll():
            yield ContactCalendarGrid("", id="calendar")
            yield Static("", id="calendar-legend")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="calendar-load")
    def _load(self) -> None:
        from cpss_tui.reports.contact_calendar import contact_calendar

        app = cast("CpssApp", self.app)
        self.post_message(self.Loaded(contact_calendar(app.engine, self.member_id, app.as_of)))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        from cpss_tui.reports.contact_calendar import calendar_legend

        self.calendar = cal = message.calendar
        header = self.query_one("#calendar-header", Static)
        if cal is None:
            header.update("No such member.")
            return
        header.update(f"Contact calendar · {cal.name} · weeks to {cal.weeks[-1].end} (C-3)")
        self.query_one("#calendar", ContactCalendarGrid).show(cal)
        self.query_one("#calendar-legend", Static).update("\n".join(calendar_legend(cal)))

    def action_save_text(self) -> None:
        """The same text `cpss-tui report calendar --member ID` prints, into a private file."""
        from cpss_tui.reports.contact_calendar import calendar_text
        from cpss_tui.ui.screens.save_report import SaveReportDialog, file_slug

        cal = self.calendar
        if cal is not None:
            name = f"cpss-calendar-{file_slug(cal.name)}-{cal.weeks[-1].end.isoformat()}.txt"
            self.app.push_screen(
                SaveReportDialog("Save contact calendar as text", name, {"": calendar_text(cal)})
            )
