"""Addendum to a signed note (N-3): the only way to correct a locked note. Dated, signed, kept forever."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static, TextArea

from cpss_tui.services import records
from cpss_tui.ui.widgets.form import FormDialog


class AddendumForm(FormDialog):
    """Dismisses True when the addendum was signed."""

    def __init__(self, note_id: str, note_label: str) -> None:
        super().__init__()
        self.note_id = note_id
        self.note_label = note_label

    def compose(self) -> ComposeResult:
        user = self.cpss.user
        signer = f"{user.name}, {user.credentials}" if user else ""
        with Vertical(classes="dialog form"):
            yield Static(f"Addendum to the note of {self.note_label}", classes="screen-title")
            yield Label("Correction or addition (the note itself stays as signed)")
            yield TextArea(id="text")
            yield Static("", id="text-error", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            yield from self.form_buttons(f"Sign as {signer}")

    def action_save(self) -> None:
        app = self.cpss
        assert app.user is not None
        try:
            records.add_addendum(
                app.engine, app.user.id, self.note_id, self.query_one("#text", TextArea).text
            )
        except records.RecordRefused as refused:
            self.show_problems(refused.problems)
            return
        self.app.notify("Addendum signed and attached to the note.")
        self.dismiss(True)
