"""Addendum to a signed note (N-3): the only way to correct a locked note. Dated, signed, kept forever."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from cpss_tui.services import records

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class AddendumForm(ModalScreen[bool]):
    """Dismisses True when the addendum was signed."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Sign addendum", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, note_id: str, note_label: str) -> None:
        super().__init__()
        self.note_id = note_id
        self.note_label = note_label

    def compose(self) -> ComposeResult:
        app = cast("CpssApp", self.app)
        signer = f"{app.user.name}, {app.user.credentials}" if app.user else ""
        with Vertical(classes="dialog form"):
            yield Static(f"Addendum to the note of {self.note_label}", classes="screen-title")
            yield Label("Correction or addition (the note itself stays as signed)")
            yield TextArea(id="text")
            yield Static("", id="text-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(f"Sign as {signer}  (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel  (esc)", id="cancel")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        app = cast("CpssApp", self.app)
        assert app.user is not None
        try:
            records.add_addendum(
                app.engine, app.user.id, self.note_id, self.query_one("#text", TextArea).text
            )
        except records.RecordRefused as refused:
            self.query_one("#text-error", Static).update("; ".join(p.message for p in refused.problems))
            return
        self.app.notify("Addendum signed and attached to the note.")
        self.dismiss(True)
