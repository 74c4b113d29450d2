"""Log a contact attempt (C-2): method, outcome, detail, time defaulting to now. `a` then `ctrl+s` saves.

The defaults (phone, no answer, now) are the most common attempt, so the two keystrokes from the home
screen record it; every field can still be changed before saving.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from cpss_tui.services import records
from cpss_tui.ui.widgets.form import FormDialog
from cpss_tui.vocab import ATTEMPT_METHODS, ATTEMPT_OUTCOMES


class AttemptForm(FormDialog):
    """Dismisses True when an attempt was saved."""

    def __init__(self, member_id: str, member_name: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.member_name = member_name

    def compose(self) -> ComposeResult:
        app = self.cpss
        now = records.default_attempt_time(app.engine, app.as_of)
        with Vertical(classes="dialog form"):
            yield Static(f"Contact attempt · {self.member_name}", classes="screen-title")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Method")
                    yield Select(
                        [(m, m) for m in ATTEMPT_METHODS], id="method", value="phone", allow_blank=False
                    )
                with Vertical():
                    yield Label("Outcome")
                    yield Select(
                        [(o, o) for o in ATTEMPT_OUTCOMES], id="outcome", value="no-answer", allow_blank=False
                    )
            yield Label("When (YYYY-MM-DD HH:MM, agency time)")
            yield Input(value=now, id="at")
            yield Static("", id="at-error", classes="field-error")
            yield Label("Detail")
            yield Input(placeholder="e.g. called cell, voicemail full", id="detail")
            yield Static("", id="form-error", classes="field-error")
            yield from self.form_buttons()

    def on_mount(self) -> None:
        self.query_one("#detail", Input).focus()

    def action_save(self) -> None:
        app = self.cpss
        assert app.user is not None
        try:
            records.log_attempt(
                app.engine,
                actor=app.user.id,
                member_id=self.member_id,
                when=self.query_one("#at", Input).value,
                method=str(self.query_one("#method", Select).value),
                outcome=str(self.query_one("#outcome", Select).value),
                detail=self.query_one("#detail", Input).value,
                as_of=app.as_of,
            )
        except records.RecordRefused as refused:
            self.show_problems(refused.problems)
            return
        self.app.notify(f"Attempt logged for {self.member_name}.")
        self.dismiss(True)
