"""The supervisor's home screen: every open obligation across their specialists, overdue first (issue item 1).

Rows come from `services.board.due_board` in a thread worker; the kind and specialist filters narrow the loaded
rows in memory. `v` records a visit for the highlighted member, `s` a supervision session with the highlighted
row's specialist, `f` opens the staffing panel, `w` the review queue, `m` the import of a specialist's bundle;
after a save the board reloads and the resolved row is gone.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Select, Static

from cpss_tui.services.board import KIND_LABELS, KINDS, Obligation, due_board
from cpss_tui.ui.screens.first_screen import FirstScreen

STATE_STYLES = {
    "overdue": ("OVERDUE", "bold red"),
    "due-soon": ("DUE SOON", "bold yellow"),
    "open": ("OPEN", "cyan"),
}
COLUMNS = (
    ("Member", "member", 18),
    ("Kind", "kind", 11),
    ("Due", "due", 5),
    ("State", "state", 8),
    ("Specialist", "specialist", 16),
)


def state_label(state: str) -> Text:
    """The obligation's state as a coloured word (readable without colour)."""
    label, style = STATE_STYLES.get(state, (state.upper(), ""))
    return Text(label, style=style)


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


class DueBoard(FirstScreen):
    """What is due across the specialists a supervisor supervises."""

    AUTO_FOCUS = "#board"
    DEFAULT_CSS = """
    DueBoard #board-filters {
        height: 3;
    }
    DueBoard #board-filters Select {
        width: 1fr;
    }
    DueBoard #board {
        height: 1fr;
    }
    DueBoard #board-detail {
        height: 2;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("enter", "open_row", "Open", show=False, id="open"),
        Binding(
            "v", "record_visit", "Visit", tooltip="Record a visit with the highlighted member", id="visit"
        ),
        Binding(
            "s",
            "record_supervision",
            "Supervise",
            tooltip="Record a supervision session with the highlighted row's specialist",
            id="supervise",
        ),
        Binding(
            "f", "staffing", "Staffing", tooltip="Caseloads, capacity and span (S-1..S-3)", id="staffing"
        ),
        Binding(
            "w", "review_queue", "Reviews", tooltip="Signed notes of your specialists to review", id="reviews"
        ),
        Binding(
            "m", "merge", "Merge", tooltip="Import a specialist's bundle: preview, then apply", id="merge"
        ),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("u", "app.switch_user", "User", show=False, tooltip="Switch user", id="switch_user"),
    ]
    PALETTE_ACTIONS = (
        ("Open record", "Open the record that resolves the highlighted obligation", "open_row"),
        ("Record supervisor visit", "Face-to-face visit with the highlighted member (V-1)", "record_visit"),
        (
            "Record supervision session",
            "Weekly supervision of the highlighted specialist (S-4)",
            "record_supervision",
        ),
        ("Staffing panel", "Caseloads against capacity, members per FTE, span (S-1..S-3)", "staffing"),
        ("Review queue", "Signed notes of your specialists: mark reviewed or return", "review_queue"),
        ("Import a specialist's bundle", "Merge a laptop's export: preview new, changed, conflicts", "merge"),
        ("Refresh", "Reload the due board", "refresh"),
        ("Specialist units per week", "Units per week of the highlighted specialist", "specialist_units"),
    )

    class Loaded(Message):
        """The board finished loading in a worker."""

        def __init__(self, rows: list[Obligation], as_of: date) -> None:
            super().__init__()
            self.rows = rows
            self.as_of = as_of

    def __init__(self, initial: list[Obligation] | None = None, as_of: date | None = None) -> None:
        """`initial` (with its `as_of`): the rows of the quick read at start-up (data/start_read.py), shown
        before the database is open; the board reloads through the data layer once it is."""
        super().__init__()
        self._initial = (initial, as_of) if initial is not None and as_of is not None else None
        self.rows: list[Obligation] = []
        self.shown: list[Obligation] = []
        self.as_of: date | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the due board…", id="board-summary", classes="screen-title")
        with Horizontal(id="board-filters"):
            yield Select([(label, kind) for kind, label in KINDS], prompt="All kinds", id="kind-filter")
            yield Select([], prompt="All specialists", id="specialist-filter")
        table: DataTable[object] = DataTable(id="board", cursor_type="row", zebra_stripes=True)
        for label, key, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield Static("", id="board-detail", classes="muted")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#board", DataTable).focus()
        if self._initial is not None:
            self._show(self.Loaded(*self._initial))
        # No load here: ScreenResume follows the first mount too, and loads once.

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="board-load")
    def _load(self) -> None:
        app = self.cpss
        if app.user is None or not app.ready:
            return  # the quick read's rows are shown; the app reloads once the database is open
        as_of = app.as_of
        self.post_message(self.Loaded(due_board(app.engine, as_of, app.user.id), as_of))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.rows = message.rows
        self.as_of = message.as_of
        specialists = sorted({(o.specialist_name, o.specialist_id) for o in self.rows})
        select = self.query_one("#specialist-filter", Select)
        current = select.value
        select.set_options([(clip(name, 30), sid) for name, sid in specialists])
        if current != Select.NULL and any(sid == current for _name, sid in specialists):
            select.value = current
        self._fill()

    def _filtered(self) -> list[Obligation]:
        kind = self.query_one("#kind-filter", Select).value
        specialist = self.query_one("#specialist-filter", Select).value
        return [
            o
            for o in self.rows
            if (kind == Select.NULL or o.kind == kind)
            and (specialist == Select.NULL or o.specialist_id == specialist)
        ]

    def _fill(self) -> None:
        table = self.query_one("#board", DataTable)
        selected = self._highlighted_index()
        previous = self.shown[selected] if selected is not None else None
        self.shown = self._filtered()
        overdue = sum(1 for o in self.shown if o.state == "overdue")
        soon = sum(1 for o in self.shown if o.state == "due-soon")
        rest = len(self.shown) - overdue - soon
        narrowed = f" (of {len(self.rows)})" if len(self.shown) != len(self.rows) else ""
        self.query_one("#board-summary", Static).update(
            f"Due board · as of {self.as_of.isoformat() if self.as_of else '…'} · {len(self.shown)} open{narrowed}: "
            f"{overdue} overdue, {soon} due soon, {rest} open"
        )
        table.clear()
        for index, o in enumerate(self.shown):
            table.add_row(
                clip(o.member_name or "—", 18),
                KIND_LABELS.get(o.kind, o.kind),
                f"{o.due:%m-%d}" if o.due else "now",
                state_label(o.state),
                clip(o.specialist_name, 16),
                key=str(index),
            )
        if previous is not None and previous in self.shown:
            table.move_cursor(row=self.shown.index(previous))
        self._show_detail()
        if not self.shown:
            self.query_one("#board-detail", Static).update("Nothing due. f staffing · F1 help")

    def _highlighted_index(self) -> int | None:
        table = self.query_one("#board", DataTable)
        if not self.shown or table.cursor_row is None or not 0 <= table.cursor_row < len(self.shown):
            return None
        return table.cursor_row

    def highlighted(self) -> Obligation | None:
        """The obligation under the cursor, if any."""
        index = self._highlighted_index()
        return None if index is None else self.shown[index]

    def _show_detail(self) -> None:
        o = self.highlighted()
        detail = self.query_one("#board-detail", Static)
        detail.update(f"{o.rule}: {o.text}" if o else "")

    @on(DataTable.RowHighlighted, "#board")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(Select.Changed)
    def _filter(self) -> None:
        self._fill()

    @on(DataTable.RowSelected, "#board")
    def _row_selected(self) -> None:
        self.action_open_row()

    def action_open_row(self) -> None:
        if not self._ready_for("open_row"):
            return
        o = self.highlighted()
        if o is None:
            return
        if o.member_id is not None:
            from cpss_tui.ui.screens.member import MemberScreen

            self.app.push_screen(MemberScreen(o.member_id))
        elif o.kind == "supervision":
            self.action_record_supervision()
        else:
            self.notify(o.text, title=o.rule)

    def action_record_visit(self) -> None:
        if not self._ready_for("record_visit"):
            return
        o = self.highlighted()
        if o is None or o.member_id is None:
            self.notify("Highlight a member's row to record a visit.", severity="warning")
            return
        from cpss_tui.ui.screens.visit_form import VisitForm

        self.app.push_screen(
            VisitForm(o.member_id, o.member_name or "member"), lambda _saved: self.action_refresh()
        )

    def action_record_supervision(self) -> None:
        if not self._ready_for("record_supervision"):
            return
        o = self.highlighted()
        user = self.cpss.user
        if o is None or user is None or o.specialist_id == user.id:
            self.notify("Highlight a row of one of your specialists.", severity="warning")
            return
        from cpss_tui.ui.screens.supervision_form import SupervisionForm

        self.app.push_screen(
            SupervisionForm(o.specialist_id, o.specialist_name), lambda _saved: self.action_refresh()
        )

    def action_review_queue(self) -> None:
        if not self._ready_for("review_queue"):
            return
        from cpss_tui.ui.screens.review_queue import ReviewQueue

        self.app.push_screen(ReviewQueue())

    def action_merge(self) -> None:
        if not self._ready_for("merge"):
            return
        from cpss_tui.ui.screens.merge_preview import ImportPicker

        self.app.push_screen(ImportPicker())

    def action_specialist_units(self) -> None:
        if not self._ready_for("specialist_units"):
            return
        o = self.highlighted()
        if o is None:
            self.notify("Highlight a row of one of your specialists.", severity="warning")
            return
        from cpss_tui.ui.screens.unit_use import SpecialistUnitsScreen

        self.app.push_screen(SpecialistUnitsScreen(o.specialist_id, o.specialist_name))

    def action_staffing(self) -> None:
        if not self._ready_for("staffing"):
            return
        from cpss_tui.ui.screens.staffing import StaffingPanel

        self.app.push_screen(StaffingPanel())
