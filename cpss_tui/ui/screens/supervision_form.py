"""Record an individual supervision session with a specialist (S-4): date (defaults to as_of) and notes.
`s` then `ctrl+s` from the due board records today's session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from cpss_tui.services import supervision

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class SupervisionForm(ModalScreen[bool]):
    """Dismisses True when a session was saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, specialist_id: str, specialist_name: str) -> None:
        super().__init__()
        self.specialist_id = specialist_id
        self.specialist_name = specialist_name

    def compose(self) -> ComposeResult:
        app = cast("CpssApp", self.app)
        with Vertical(classes="dialog form"):
            yield Static(f"Supervision session · {self.specialist_name}", classes="screen-title")
            yield Label("Date (YYYY-MM-DD)")
            yield Input(value=app.as_of.isoformat(), id="date")
            yield Static("", id="date-error", classes="field-error")
            yield Label("Notes")
            yield Input(placeholder="e.g. reviewed caseload, two members needing attention", id="notes")
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Save  (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel  (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#notes", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        app = cast("CpssApp", self.app)
        assert app.user is not None
        errors: dict[str, list[str]] = {"#date-error": [], "#form-error": []}
        try:
            supervision.record_supervision(
                app.engine,
                app.user.id,
                self.specialist_id,
                self.query_one("#date", Input).value,
                self.query_one("#notes", Input).value,
                app.as_of,
            )
        except supervision.RecordRefused as refused:
            for problem in refused.problems:
                errors["#date-error" if problem.field == "date" else "#form-error"].append(
                    problem.message
                    if problem.rule in problem.message
                    else f"{problem.message} ({problem.rule})"
                )
            for target, messages in errors.items():
                self.query_one(target, Static).update("\n".join(messages))
            return
        self.app.notify(f"Supervision session recorded with {self.specialist_name}.")
        self.dismiss(True)
