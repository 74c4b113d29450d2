"""Record an individual supervision session with a specialist (S-4): date (defaults to as_of) and notes.
`s` then `ctrl+s` from the due board records today's session.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from cpss_tui.services import supervision
from cpss_tui.ui.widgets.form import FormDialog


class SupervisionForm(FormDialog):
    """Dismisses True when a session was saved."""

    def __init__(self, specialist_id: str, specialist_name: str) -> None:
        super().__init__()
        self.specialist_id = specialist_id
        self.specialist_name = specialist_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(f"Supervision session · {self.specialist_name}", classes="screen-title")
            yield Label("Date (YYYY-MM-DD)")
            yield Input(value=self.cpss.as_of.isoformat(), id="date")
            yield Static("", id="date-error", classes="field-error")
            yield Label("Notes")
            yield Input(placeholder="e.g. reviewed caseload, two members needing attention", id="notes")
            yield Static("", id="form-error", classes="field-error")
            yield from self.form_buttons()

    def on_mount(self) -> None:
        self.query_one("#notes", Input).focus()

    def action_save(self) -> None:
        app = self.cpss
        assert app.user is not None
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
            self.show_problems(refused.problems)
            return
        self.app.notify(f"Supervision session recorded with {self.specialist_name}.")
        self.dismiss(True)
