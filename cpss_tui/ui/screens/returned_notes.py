"""The specialist's returned notes: each a task from their supervisor's review, answered with an addendum.

Opened with `t` from the home screen (whose band counts them). Enter writes the addendum (the existing N-3 flow:
the note itself stays as signed); the database then links the addendum to the review and the task is gone.
`o` opens the member record instead.
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

from cpss_tui.services.review import ReturnedNote, open_returns

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class ReturnedNotes(ModalScreen[bool]):
    """Dismisses True when at least one returned note was answered."""

    DEFAULT_CSS = """
    ReturnedNotes #returned {
        height: auto;
        max-height: 10;
    }
    ReturnedNotes #returned-comment {
        height: auto;
        padding: 1 0;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        Binding("enter", "answer", "Addendum", id="answer", priority=True),
        Binding("o", "open_member", "Open record", id="open_member"),
    ]

    class Loaded(Message):
        def __init__(self, returns: list[ReturnedNote]) -> None:
            super().__init__()
            self.returns = returns

    def __init__(self) -> None:
        super().__init__()
        self.returns: list[ReturnedNote] = []
        self.answered = False

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Notes returned by your supervisor", classes="screen-title")
            table: DataTable[object] = DataTable(id="returned", cursor_type="row")
            table.add_columns("Note", "Member", "Returned by")
            yield table
            yield Static("", id="returned-comment")
            yield Static("enter addendum · o open record · esc close", classes="muted")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="returned-load")
    def _load(self) -> None:
        app = self.cpss
        assert app.user is not None
        self.post_message(self.Loaded(open_returns(app.engine, app.user.id)))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.returns = message.returns
        table = self.query_one("#returned", DataTable)
        table.clear()
        for r in self.returns:
            table.add_row(f"{r.note_date} {r.contact_type}", r.member_name, r.reviewer_name, key=r.review_id)
        table.focus()
        self._show_comment()

    def highlighted(self) -> ReturnedNote | None:
        table = self.query_one("#returned", DataTable)
        row = table.cursor_row
        if not self.returns or row is None or not 0 <= row < len(self.returns):
            return None
        return self.returns[row]

    @on(DataTable.RowHighlighted, "#returned")
    def _show_comment(self) -> None:
        r = self.highlighted()
        comment = self.query_one("#returned-comment", Static)
        if r is None:
            comment.update(Text("No returned notes: every one is answered.", style="green"))
            return
        text = Text()
        text.append(f"{r.reviewer_name} on {r.reviewed_at:%Y-%m-%d}: ", style="bold")
        text.append(r.comment)
        comment.update(text)

    def action_answer(self) -> None:
        r = self.highlighted()
        if r is None:
            return
        from cpss_tui.ui.screens.addendum import AddendumForm

        def done(saved: bool | None) -> None:
            if saved:
                self.answered = True
                self._load()

        self.app.push_screen(AddendumForm(r.note_id, f"{r.member_name} {r.note_date} {r.contact_type}"), done)

    def action_open_member(self) -> None:
        r = self.highlighted()
        if r is None:
            return
        from cpss_tui.ui.screens.member import MemberScreen

        self.dismiss(self.answered)
        self.app.push_screen(MemberScreen(r.member_id))

    def action_close(self) -> None:
        self.dismiss(self.answered)
