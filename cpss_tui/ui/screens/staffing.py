"""The staffing panel (issue item 2): each specialist's active members against capacity (S-1, S-2), weekly
supervision (S-4) and training (S-5); the program's members per FTE (S-2) and the supervisor's span (S-3).
Where a limit is reached, the rule is named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from cpss_tui.rules.staffing import MEMBERS_PER_FTE
from cpss_tui.services.board import Staffing, StaffingRow, load_staffing

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp

COLUMNS = (
    ("Specialist", "name", 16),
    ("FTE", "fte", 4),
    ("Active", "active", 6),
    ("Capacity", "limit", 12),
    ("Superv.", "supervised", 8),
    ("Training", "training", 10),
)


def _capacity_label(row: StaffingRow) -> Text:
    if row.capacity is None:
        return Text("no FTE", style="dim")
    if row.over_capacity:
        return Text("OVER S-1/S-2", style="bold red")
    if row.at_capacity:
        return Text("FULL S-1/S-2", style="bold yellow")
    return Text(f"{row.capacity - row.active_members} open", style="green")


def _training_label(row: StaffingRow) -> Text:
    if not row.training_flags:
        return Text("ok", style="green")
    return Text("SHORT S-5", style="bold red")


def summary_lines(data: Staffing) -> str:
    """The program ratio (S-2) and the span (S-3), with the rule named where a limit is reached."""
    ratio = "-" if data.members_per_fte is None else f"{data.members_per_fte:g}"
    ratio_limit = ""
    if data.members_per_fte is not None and data.members_per_fte >= MEMBERS_PER_FTE:
        over = data.members_per_fte > MEMBERS_PER_FTE
        ratio_limit = f"  {'OVER' if over else 'AT'} 1:{MEMBERS_PER_FTE} (S-2)"
    span_limit = ""
    if data.span >= data.max_span:
        span_limit = f"  {'OVER' if data.over_span else 'AT'} LIMIT (S-3)"
    return (
        f"Program: {data.program_active} active / {data.program_fte:g} FTE = {ratio} per FTE{ratio_limit}\n"
        f"Span of {data.supervisor_name}: {data.span}/{data.max_span} specialists{span_limit}"
    )


class StaffingPanel(ModalScreen[None]):
    """Caseloads, capacity, supervision and training of the supervisor's specialists."""

    DEFAULT_CSS = """
    StaffingPanel #staffing-table {
        height: auto;
        max-height: 12;
    }
    StaffingPanel #staffing-summary {
        height: auto;
        padding: 1 1 0 1;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        Binding("f", "close", "Close", show=False, id="close_f"),
    ]

    class Loaded(Message):
        def __init__(self, data: Staffing) -> None:
            super().__init__()
            self.data = data

    def __init__(self) -> None:
        super().__init__()
        self.data: Staffing | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Staffing (S-1..S-5) · esc closes", classes="screen-title")
            table: DataTable[object] = DataTable(id="staffing-table", cursor_type="row")
            for label, key, width in COLUMNS:
                table.add_column(label, key=key, width=width)
            yield table
            yield Static("Loading…", id="staffing-summary")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="staffing-load")
    def _load(self) -> None:
        app = cast("CpssApp", self.app)
        if app.user is None:
            return
        self.post_message(self.Loaded(load_staffing(app.engine, app.as_of, app.user.id)))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.data = message.data
        table = self.query_one("#staffing-table", DataTable)
        table.clear()
        for row in message.data.specialists:
            table.add_row(
                row.name if len(row.name) <= 16 else row.name[:15] + "…",
                f"{row.fte:g}" if row.fte is not None else "-",
                f"{row.active_members}/{row.capacity}"
                if row.capacity is not None
                else str(row.active_members),
                _capacity_label(row),
                Text("yes", style="green") if row.supervised_this_week else Text("NO S-4", style="bold red"),
                _training_label(row),
                key=row.id,
            )
        self.query_one("#staffing-summary", Static).update(summary_lines(message.data))

    def action_close(self) -> None:
        self.dismiss(None)
