"""The contact calendar grid: 52 weeks in rows of 13, each cell its C-3 status letter on the status colour, month
labels above each row (cpss_tui/reports/contact_calendar.py draws it; the command line prints the same)."""

from __future__ import annotations

from textual.widgets import Static

from cpss_tui.reports.contact_calendar import ContactCalendar, calendar_renderable


class ContactCalendarGrid(Static):
    """Shows a ContactCalendar, or a line of text before one is loaded."""

    DEFAULT_CSS = """
    ContactCalendarGrid {
        height: auto;
        padding: 1 1 0 1;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def show(self, calendar: ContactCalendar) -> None:
        self.update(calendar_renderable(calendar))
