"""Record a supervisor visit with a member (V-1): date (defaults to as_of), face to face, notes. `v` then
`ctrl+s` from the due board records today's face-to-face visit.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Static

from cpss_tui.services import supervision
from cpss_tui.ui.widgets.form import FormDialog


class VisitForm(FormDialog):
    """Dismisses True when a visit was saved."""

    def __init__(self, member_id: str, member_name: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.member_name = member_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(f"Supervisor visit · {self.member_name}", classes="screen-title")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Date (YYYY-MM-DD)")
                    yield Input(value=self.cpss.as_of.isoformat(), id="date")
                yield Checkbox("Face to face (V-1)", value=True, id="face_to_face")
            yield Static("", id="date-error", classes="field-error")
            yield Label("Notes")
            yield Input(placeholder="e.g. met at home with specialist; reviewed PCP goals", id="notes")
            yield Static("", id="form-error", classes="field-error")
            yield from self.form_buttons()

    def on_mount(self) -> None:
        self.query_one("#notes", Input).focus()

    def action_save(self) -> None:
        app = self.cpss
        assert app.user is not None
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
            self.show_problems(refused.problems)
            return
        counted = "" if face_to_face else " (not face to face: does not count for V-2..V-4)"
        self.app.notify(f"Visit recorded for {self.member_name}{counted}.")
        self.dismiss(True)
