"""Pick a specialist for a report about one specialist (units delivered per week)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cpss_tui.services import staff as staff_service

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class StaffPicker(ModalScreen[tuple[str, str] | None]):
    """Dismisses with (staff id, name) of the chosen specialist, or None on escape. The signed-in specialist
    is highlighted first."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def compose(self) -> ComposeResult:
        app = cast("CpssApp", self.app)
        people = [p for p in staff_service.list_staff(app.engine) if p.role == "specialist"]
        self.names = {p.id: p.name for p in people}
        with Vertical(classes="dialog"):
            yield Static(f"{self.purpose}: which specialist?", classes="screen-title")
            yield OptionList(
                *[Option(f"{p.name}  ·  {p.credentials or p.role}", id=p.id) for p in people], id="staff"
            )
            if not people:
                yield Static("No specialist is recorded yet.", classes="field-error")

    def on_mount(self) -> None:
        options = self.query_one("#staff", OptionList)
        user = cast("CpssApp", self.app).user
        ids = list(self.names)
        if user is not None and user.id in ids:
            options.highlighted = ids.index(user.id)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        staff_id = str(event.option.id)
        self.dismiss((staff_id, self.names[staff_id]))

    def action_cancel(self) -> None:
        self.dismiss(None)
