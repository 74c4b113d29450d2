"""The supervisor's review queue (issue 5 item 4): signed notes of their specialists since the last review.

`m` marks the highlighted note reviewed; `b` sends it back to its specialist with a comment (required), which
becomes the specialist's task until they answer it with an addendum. Neither touches the note (N-3). The queue
loads in a thread worker from `services.review.review_queue`; after each review it reloads and the note is gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static, TextArea

from cpss_tui.services import review
from cpss_tui.services.review import QueuedNote
from cpss_tui.ui.widgets.form import FormDialog

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp

COLUMNS = (
    ("Date", "date", 10),
    ("Member", "member", 18),
    ("Specialist", "specialist", 16),
    ("Type", "type", 12),
    ("Min", "minutes", 4),
)


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


class ReturnForm(FormDialog):
    """Return a note to its specialist with a comment; dismisses True when the return was recorded."""

    DEFAULT_CSS = """
    ReturnForm #comment {
        height: 6;
    }
    """

    def __init__(self, note: QueuedNote) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        n = self.note
        with Vertical(classes="dialog form"):
            yield Static(
                f"Return to {n.specialist_name} · {n.member_name} {n.date} {n.contact_type}",
                classes="screen-title",
            )
            yield Label("Comment: what should the addendum correct or add? (required)")
            yield TextArea(id="comment")
            yield Static("", id="comment-error", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            yield from self.form_buttons("Return note")

    def on_mount(self) -> None:
        self.query_one("#comment", TextArea).focus()

    def action_save(self) -> None:
        app = self.cpss
        assert app.user is not None
        try:
            review.review_note(
                app.engine,
                app.user.id,
                self.note.note_id,
                "returned",
                self.query_one("#comment", TextArea).text,
            )
        except review.RecordRefused as refused:
            self.show_problems(refused.problems)
            return
        self.app.notify(f"Note returned to {self.note.specialist_name} with your comment.")
        self.dismiss(True)


class ReviewQueue(Screen[None]):
    """Signed notes waiting for the supervisor's review."""

    AUTO_FOCUS = "#queue"
    DEFAULT_CSS = """
    ReviewQueue #queue {
        height: 1fr;
    }
    ReviewQueue #queue-detail-box {
        height: 7;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding(
            "m", "mark_reviewed", "Reviewed", tooltip="Mark the highlighted note reviewed", id="reviewed"
        ),
        Binding(
            "b",
            "return_note",
            "Return",
            tooltip="Send the note back to its specialist with a comment (answered by an addendum)",
            id="return",
        ),
        Binding("r", "refresh", "Refresh", id="refresh"),
    ]
    PALETTE_ACTIONS = (
        ("Mark note reviewed", "Record your review of the highlighted signed note", "mark_reviewed"),
        ("Return note with comment", "The specialist answers it with an addendum", "return_note"),
        ("Refresh review queue", "Reload the notes waiting for review", "refresh"),
    )

    class Loaded(Message):
        """The queue finished loading in a worker."""

        def __init__(self, notes: list[QueuedNote]) -> None:
            super().__init__()
            self.notes = notes

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[QueuedNote] = []

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the review queue…", id="queue-summary", classes="screen-title")
        table: DataTable[object] = DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        for label, key, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield VerticalScroll(Static("", id="queue-detail"), id="queue-detail-box")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-load")
    def _load(self) -> None:
        app = self.cpss
        if app.user is None:
            return
        self.post_message(self.Loaded(review.review_queue(app.engine, app.user.id, app.as_of)))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        table = self.query_one("#queue", DataTable)
        previous = table.cursor_row
        self.notes = message.notes
        specialists = len({n.specialist_id for n in self.notes})
        self.query_one("#queue-summary", Static).update(
            f"Review queue · {len(self.notes)} signed notes of {specialists} specialists since last review"
        )
        table.clear()
        for n in self.notes:
            table.add_row(
                str(n.date),
                clip(n.member_name, 18),
                clip(n.specialist_name, 16),
                clip(n.contact_type, 12),
                str(n.minutes),
                key=n.note_id,
            )
        if self.notes:
            table.move_cursor(row=min(previous or 0, len(self.notes) - 1))
        self._show_detail()

    def highlighted(self) -> QueuedNote | None:
        """The note under the cursor, if any."""
        table = self.query_one("#queue", DataTable)
        row = table.cursor_row
        if not self.notes or row is None or not 0 <= row < len(self.notes):
            return None
        return self.notes[row]

    @on(DataTable.RowHighlighted, "#queue")
    def _show_detail(self) -> None:
        n = self.highlighted()
        detail = self.query_one("#queue-detail", Static)
        if n is None:
            detail.update("Nothing waiting for review." if not self.notes else "")
            return
        text = Text()
        text.append(f"{n.date} {n.start_time} · {n.minutes} min · {n.contact_type} · ", style="bold")
        text.append(f"signed {n.signed_at} by {n.signed_by}\n", style="green")
        text.append(
            f"Purpose: {n.purpose}\nInterventions: {n.interventions}\nEffectiveness: {n.effectiveness}"
        )
        detail.update(text)

    def action_mark_reviewed(self) -> None:
        n = self.highlighted()
        app = self.cpss
        if n is None or app.user is None:
            self.notify("Nothing to review.", severity="warning")
            return
        try:
            review.review_note(app.engine, app.user.id, n.note_id, "reviewed")
        except review.RecordRefused as refused:
            self.notify("\n".join(p.message for p in refused.problems), severity="error")
            return
        self.notify(f"Reviewed: {n.member_name} {n.date} ({n.specialist_name}).")
        self.action_refresh()

    def action_return_note(self) -> None:
        n = self.highlighted()
        if n is None:
            self.notify("Nothing to return.", severity="warning")
            return
        self.app.push_screen(ReturnForm(n), lambda saved: self.action_refresh() if saved else None)
