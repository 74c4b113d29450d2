"""Set up a staff profile: name, credentials, role, FTE, supervisor (S-1, S-3 checked before saving)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from cpss_tui.services import staff as staff_service

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class ProfileForm(ModalScreen[str | None]):
    """A new staff member; dismisses with the new id, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "save", "Save", id="save"),
    ]

    def compose(self) -> ComposeResult:
        engine = cast("CpssApp", self.app).engine
        supervisors = [(s.name, s.id) for s in staff_service.list_staff(engine) if s.role == "supervisor"]
        with VerticalScroll(classes="dialog form"):
            yield Static("Your profile", classes="screen-title")
            yield Label("Name (printed with your signature)")
            yield Input(id="name", placeholder="First Last")
            yield Static("", id="name-error", classes="field-error")
            yield Label("Credentials")
            yield Input(id="credentials", placeholder="NC CPSS")
            yield Static("", id="credentials-error", classes="field-error")
            yield Label("Role")
            yield Select(
                [("Peer support specialist", "specialist"), ("Supervisor (licensed)", "supervisor")],
                id="role",
                value="specialist",
                allow_blank=False,
            )
            yield Static("", id="role-error", classes="field-error")
            yield Label("FTE (1 = full time; caseload is at most 10 × FTE)")
            yield Input(id="fte", value="1.0")
            yield Static("", id="fte-error", classes="field-error")
            yield Label("Supervisor")
            yield Select(supervisors, id="supervisor", prompt="(none yet)")
            yield Static("", id="supervisor-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Save  (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel  (esc)", id="cancel")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        for error in self.query(".field-error").results(Static):
            error.update("")
        fte_text = self.query_one("#fte", Input).value.strip()
        try:
            fte: float | None = float(fte_text) if fte_text else None
        except ValueError:
            self.query_one("#fte-error", Static).update(
                f"FTE must be a number like 1.0 or 0.5 (S-1), not {fte_text!r}."
            )
            return
        supervisor = self.query_one("#supervisor", Select).value
        try:
            view = staff_service.create_staff(
                cast("CpssApp", self.app).engine,
                name=self.query_one("#name", Input).value,
                role=str(self.query_one("#role", Select).value),
                credentials=self.query_one("#credentials", Input).value,
                fte=fte,
                supervisor_id=supervisor if isinstance(supervisor, str) else None,
            )
        except staff_service.RecordRefused as refused:
            for problem in refused.problems:
                self.query_one(f"#{problem.field}-error", Static).update(problem.message)
            return
        self.dismiss(view.id)
