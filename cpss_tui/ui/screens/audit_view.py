"""One member's audit trail in the app (issue 7, item 2: "viewable per member in the app").

The same entries as `cpss-tui audit --member ID` (services/audit.py): every insert, update and delete the
database's triggers recorded for the member and everything attached to them (notes, goals, attempts, visits,
authorizations, ...), in the order written. The table gives one line per change (when in UTC, who, which
table, what happened, which fields); the pane below spells out the highlighted change, field by field, old ->
new. Read-only: the log is append-only in the database too.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

if TYPE_CHECKING:
    from cpss_tui.services.audit import AuditEntry
    from cpss_tui.ui.app import CpssApp

# A member with years of history has thousands of entries; the screen shows the latest ones (the command line
# prints them all) so opening it stays instant.
SHOWN_MAX = 2000


def _value(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


def describe(entry: AuditEntry) -> Text:
    """The highlighted change in full: header line, then one line per field (old -> new for an update)."""
    text = Text()
    text.append(
        f"{entry.at_utc} · {entry.staff} · {entry.action} {entry.table} {entry.record_id}\n", style="bold"
    )
    if not entry.changes:
        text.append("  (no field values recorded)\n", style="dim")
    for field, value in entry.changes.items():
        if entry.action == "update" and isinstance(value, list) and len(value) == 2:
            text.append(f"  {field}: ")
            text.append(_value(value[0]), style="red")
            text.append(" -> ")
            text.append(_value(value[1]), style="green")
            text.append("\n")
        else:
            text.append(f"  {field} = {_value(value)}\n")
    return text


class AuditView(Screen[None]):
    """Who changed what in one member's record, when."""

    DEFAULT_CSS = """
    AuditView #audit { height: 1fr; }
    AuditView #audit-detail-box { height: 9; border-top: solid $primary; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]

    class Loaded(Message):
        def __init__(self, entries: list[AuditEntry], total: int) -> None:
            super().__init__()
            self.entries = entries
            self.total = total

    def __init__(self, member_id: str, member_name: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.member_name = member_name
        self.entries: list[AuditEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Audit log · {self.member_name} · loading…", id="audit-header", classes="screen-title")
        yield DataTable(id="audit", cursor_type="row")
        yield VerticalScroll(Static("", id="audit-detail"), id="audit-detail-box")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#audit", DataTable).add_columns("When (UTC)", "Who", "Record", "Action", "Fields")
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit-load")
    def _load(self) -> None:
        from collections import deque

        from cpss_tui.services.audit import audit_entries

        total = 0
        latest: deque[AuditEntry] = deque(maxlen=SHOWN_MAX)
        for entry in audit_entries(cast("CpssApp", self.app).engine, self.member_id):
            total += 1
            latest.append(entry)
        self.post_message(self.Loaded(list(latest), total))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.entries = message.entries
        shown = len(message.entries)
        more = f" (the latest {shown}; `cpss-tui audit --member` prints all)" if message.total > shown else ""
        self.query_one("#audit-header", Static).update(
            f"Audit log · {self.member_name} · {message.total} change(s){more}"
        )
        table = self.query_one("#audit", DataTable)
        table.clear()
        for i, e in enumerate(self.entries):
            who = e.staff.split(" (")[0]
            table.add_row(
                e.at_utc[:16].replace("T", " "), who, e.table, e.action, ", ".join(e.changes), key=str(i)
            )
        if self.entries:
            table.move_cursor(row=len(self.entries) - 1)  # newest last, highlighted
        self._show_detail()

    @on(DataTable.RowHighlighted, "#audit")
    def _show_detail(self) -> None:
        detail = self.query_one("#audit-detail", Static)
        table = self.query_one("#audit", DataTable)
        if not self.entries or table.row_count == 0:
            detail.update("No audit entries for this member.")
            return
        detail.update(describe(self.entries[table.cursor_row]))
