"""Record a supervisor visit with a member (V-1): date (defaults to as_of), face to face, notes. `v` then
`ctrl+s` from the due board records today's face-to-face visit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from cpss_tui.services import supervision

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class VisitForm(ModalScreen[bool]):
    """Dismisses True when a visit was saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, member_id: str, member_name: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.member_name = member_name

    def compose(self) -> ComposeResult:
        app = cast("CpssApp", self.app)
        with Vertical(classes="dialog form"):
            yield Static(f"Supervisor visit · {self.member_name}", classes="screen-title")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Date (YYYY-MM-DD)")
                    yield Input(value=app.as_of.isoformat(), id="date")
                yield Checkbox("Face to face (V-1)", value=True, id="face_to_face")
            yield Static("", id="date-error", classes="field-error")
            yield Label("Notes")
            yield Input(placeholder="e.g. met at home with specialist; reviewed PCP goals", id="notes")
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
        face_to_face = self.query_one("#face_to_face", Checkbox).value
        try:
            supervision.record_visit(
                app.engine,
                app.user.id,
                self.member_id,
                self.query_one("#date", Input).value,
                face_to_face,
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
        counted = "" if face_to_face else " (not face to face: does not count for V-2..V-4)"
        self.app.notify(f"Visit recorded for {self.member_name}{counted}.")
        self.dismiss(True)
