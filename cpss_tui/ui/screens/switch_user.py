"""Switch user: pick the staff member the app acts as (every write is audited under that id)."""

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


class SwitchUser(ModalScreen[None]):
    """A list of staff members; Enter signs in as the highlighted one."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="cancel")]

    def compose(self) -> ComposeResult:
        people = staff_service.list_staff(cast("CpssApp", self.app).engine)
        with Vertical(classes="dialog"):
            yield Static("Switch user", classes="screen-title")
            yield OptionList(
                *[Option(f"{p.name}  ·  {p.credentials or p.role}  ·  {p.role}", id=p.id) for p in people],
                id="people",
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        staff_id = event.option.id
        self.dismiss()
        if staff_id:
            cast("CpssApp", self.app).sign_in(staff_id)
