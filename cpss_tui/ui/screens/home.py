"""This week: the user's active members, needs-attention first (C-3, C-4), with what is due for each.

Data comes from `services.status` in a thread worker; the table is rebuilt from plain dataclasses only. The
search box filters the loaded rows in memory, so a keystroke never waits on the database. A band under the
summary counts the notes the supervisor returned (issue 5 item 4); `t` lists them to answer with an addendum.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Static

from cpss_tui.services.status import Caseload, MemberStatus, load_caseload
from cpss_tui.ui.screens.first_screen import FirstScreen
from cpss_tui.ui.widgets.states import pcp_label, short_date, units_label, visit_label, week_label

if TYPE_CHECKING:
    from cpss_tui.services.review import ReturnedNote

# Fixed widths (label, key, width) that fit 80 columns without cell padding: the layout never jumps as rows
# arrive, and every state word fits ("!ATTEMPTED", "11-18 OVERDUE", "REVIEW LATE").
FILTER_DELAY_SECONDS = 0.12

COLUMNS = (
    ("Member", "member", 18),
    ("Week", "week", 11),
    ("Last", "last", 6),
    ("Att", "attempts", 4),
    ("Units", "units", 6),
    ("Auth left", "auth", 10),
    ("Visit due", "visit", 14),
    ("PCP", "pcp", 11),
)


class HomeScreen(FirstScreen):
    """The specialist's week at a glance."""

    AUTO_FOCUS = "#caseload"
    DEFAULT_CSS = """
    HomeScreen #returned-band {
        background: $warning-muted;
        text-style: bold;
        padding: 0 1;
        width: 100%;
    }
    """

    BINDINGS = [
        Binding("slash", "search", "Search", tooltip="Filter by name or Medicaid id", id="search"),
        Binding("enter", "open_member", "Open", show=False, id="open"),
        Binding(
            "n", "new_note", "Note", tooltip="New service note for the highlighted member", id="new_note"
        ),
        Binding(
            "a", "log_attempt", "Attempt", tooltip="Log a contact attempt (then ctrl+s)", id="log_attempt"
        ),
        Binding("i", "intake", "Intake", tooltip="Admit a new member (M-1..M-4, S-2)", id="intake"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding(
            "t",
            "returned_notes",
            "Returned",
            show=False,
            tooltip="Notes your supervisor returned",
            id="returned",
        ),
        Binding("u", "app.switch_user", "User", tooltip="Switch user", id="switch_user"),
        Binding("escape", "clear_search", "Clear", show=False, id="clear_search"),
    ]
    PALETTE_ACTIONS = (
        ("Search members", "Filter this week's list by name or Medicaid id", "search"),
        ("Open member record", "Notes, attempts, plan, authorizations, visits", "open_member"),
        ("New service note", "Write a note for the highlighted member", "new_note"),
        ("Log contact attempt", "Record an attempt to reach the highlighted member", "log_attempt"),
        ("Refresh", "Reload this week's figures", "refresh"),
        ("Intake new member", "Admit a member: payer, specialist, concurrent services", "intake"),
        ("Returned notes", "Notes your supervisor returned: answer each with an addendum", "returned_notes"),
        ("My units per week", "Units you delivered per week over 12 weeks, as a chart", "my_units"),
    )

    class Loaded(Message):
        """The caseload finished loading in a worker."""

        def __init__(self, caseload: Caseload) -> None:
            super().__init__()
            self.caseload = caseload

    class ReturnsLoaded(Message):
        """The user's returned notes (open review tasks) finished loading in a worker."""

        def __init__(self, returns: list[ReturnedNote]) -> None:
            super().__init__()
            self.returns = returns

    def __init__(self, initial: Caseload | None = None) -> None:
        super().__init__()
        self._initial = initial
        self.caseload: Caseload | None = None
        self.shown: list[MemberStatus] = []
        self._filled_from: Caseload | None = None
        self._filter_timer: Timer | None = None
        self.returns: list[ReturnedNote] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading this week…", id="caseload-summary", classes="screen-title")
        yield Static("", id="returned-band")
        yield Input(placeholder="/ search name or Medicaid id", id="search")
        table: DataTable[object] = DataTable(
            id="caseload", cursor_type="row", zebra_stripes=True, cell_padding=0
        )
        for label, key, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield Static("", id="legend", classes="muted")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.query_one("#returned-band", Static).display = False
        self.query_one("#caseload", DataTable).focus()
        if self._initial is not None:
            self._show(self.Loaded(self._initial))
        # No load here: ScreenResume follows the first mount too, and loads once.

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="home-load")
    def _load(self) -> None:
        app = self.cpss
        if app.user is None or not app.ready:
            return  # the quick read's rows are shown; the app reloads once the database is open
        caseload = load_caseload(app.engine, app.as_of, app.user.id)
        self.post_message(self.Loaded(caseload))
        from cpss_tui.services.review import open_returns  # the data layer: loaded by now, not at start-up

        self.post_message(self.ReturnsLoaded(open_returns(app.engine, app.user.id)))

    @on(ReturnsLoaded)
    def _show_returns(self, message: ReturnsLoaded) -> None:
        self.returns = message.returns
        band = self.query_one("#returned-band", Static)
        count = len(self.returns)
        band.update(
            f"{count} note{'s' if count != 1 else ''} returned by your supervisor: answer with an addendum "
            "— press t"
        )
        band.display = bool(count)

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.caseload = message.caseload
        c = message.caseload
        summary = self.query_one("#caseload-summary", Static)
        capacity = f"{c.active}/{c.capacity}" if c.capacity is not None else f"{c.active}"
        over = "  OVER CAPACITY (S-1)" if c.capacity is not None and c.active > c.capacity else ""
        summary.update(
            f"Week {c.week_start:%m-%d}..{c.week_end:%m-%d} · as of {c.as_of:%Y-%m-%d} · "
            f"caseload {capacity}{over} · {c.attention} need attention"
        )
        self.query_one("#legend", Static).update(
            "! attention (C-4) · MET/ATTEMPTED/PENDING/MISSED (C-3) · F1 help"
        )
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#caseload", DataTable)
        needle = self.query_one("#search", Input).value.strip().lower()
        rows = self.caseload.members if self.caseload else []
        shown = [m for m in rows if not needle or needle in m.name.lower() or needle in m.medicaid_id.lower()]
        if self.caseload is self._filled_from and [m.id for m in shown] == [m.id for m in self.shown]:
            return  # same rows: a keystroke that changes nothing repaints nothing
        selected = self._highlighted_id()
        self.shown = shown
        self._filled_from = self.caseload
        table.clear()
        for m in self.shown:
            auth = m.authorization
            table.add_row(
                m.name,
                week_label(m.weekly_contact.status, m.needs_attention),
                short_date(m.weekly_contact.last_direct_contact),
                str(m.weekly_contact.attempts),
                units_label(m.week.used, m.week.cap),
                f"{auth.remaining} {auth.end:%m-%d}" if auth else "NO AUTH",
                visit_label(m.supervisor_visit.due, m.supervisor_visit.state),
                pcp_label(m.pcp.state),
                key=m.id,
            )
        if selected is not None:
            for index, m in enumerate(self.shown):
                if m.id == selected:
                    table.move_cursor(row=index)
                    break

    def _highlighted_id(self) -> str | None:
        table = self.query_one("#caseload", DataTable)
        if not self.shown or table.cursor_row is None or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row].id

    def highlighted_member(self) -> MemberStatus | None:
        """The member under the cursor, if any."""
        member_id = self._highlighted_id()
        return next((m for m in self.shown if m.id == member_id), None)

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.display = False
        self.query_one("#caseload", DataTable).focus()

    @on(Input.Changed, "#search")
    def _filter(self) -> None:
        # Rebuild the table once typing pauses: each keystroke repaints only the search box.
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY_SECONDS, self._fill)

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#caseload", DataTable).focus()

    @on(DataTable.RowSelected, "#caseload")
    def _row_selected(self) -> None:
        self.action_open_member()

    def action_open_member(self) -> None:
        if not self._ready_for("open_member"):
            return
        member = self.highlighted_member()
        if member is None:
            return
        from cpss_tui.ui.screens.member import MemberScreen

        self.app.push_screen(MemberScreen(member.id))

    def action_new_note(self) -> None:
        if not self._ready_for("new_note"):
            return
        member = self.highlighted_member()
        if member is None:
            self.notify("Highlight a member first.", severity="warning")
            return
        from cpss_tui.ui.screens.note_form import NoteForm

        self.app.push_screen(NoteForm(member.id))

    def action_log_attempt(self) -> None:
        if not self._ready_for("log_attempt"):
            return
        member = self.highlighted_member()
        if member is None:
            self.notify("Highlight a member first.", severity="warning")
            return
        from cpss_tui.ui.screens.attempt_form import AttemptForm

        self.app.push_screen(AttemptForm(member.id, member.name), lambda _saved: self.action_refresh())

    def action_returned_notes(self) -> None:
        if not self._ready_for("returned_notes"):
            return
        from cpss_tui.ui.screens.returned_notes import ReturnedNotes

        self.app.push_screen(ReturnedNotes(), lambda _answered: self.action_refresh())

    def action_my_units(self) -> None:
        if not self._ready_for("my_units"):
            return
        user = self.cpss.user
        if user is None:
            return
        from cpss_tui.ui.screens.unit_use import SpecialistUnitsScreen

        self.app.push_screen(SpecialistUnitsScreen(user.id, user.name))

    def action_intake(self) -> None:
        if not self._ready_for("intake"):
            return
        from cpss_tui.ui.screens.member_form import MemberForm

        self.app.push_screen(MemberForm(), lambda _member_id: self.action_refresh())
