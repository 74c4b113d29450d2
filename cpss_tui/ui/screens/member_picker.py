"""Pick a member for a report about one member (unit use, contact calendar, printed record).

Type to filter by name or Medicaid id; Enter picks the highlighted member. Active members come first;
discharged ones are marked, because an auditor may ask for their record too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from cpss_tui.services.members import MemberChoice
    from cpss_tui.ui.app import CpssApp


class MemberPicker(ModalScreen[tuple[str, str] | None]):
    """Dismisses with the chosen member's (id, name), or None on escape."""

    DEFAULT_CSS = """
    MemberPicker OptionList { height: 14; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("down", "focus_list", "List", show=False, id="focus_list"),
    ]

    class Loaded(Message):
        def __init__(self, members: list[MemberChoice]) -> None:
            super().__init__()
            self.members = members

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose
        self.members: list[MemberChoice] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"{self.purpose}: which member?", classes="screen-title")
            yield Input(placeholder="Type a name or Medicaid id, then Enter", id="filter")
            yield OptionList(id="members")
            yield Static("Loading members…", id="picker-status", classes="field-error")

    def on_mount(self) -> None:
        self.query_one("#filter", Input).focus()
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="member-picker")
    def _load(self) -> None:
        from cpss_tui.services.members import member_choices

        self.post_message(self.Loaded(member_choices(cast("CpssApp", self.app).engine)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.members = message.members
        self._fill()

    @on(Input.Changed, "#filter")
    def _fill(self) -> None:
        needle = self.query_one("#filter", Input).value.strip().lower()
        shown = [m for m in self.members if needle in m.name.lower() or needle in m.medicaid_id.lower()]
        options = self.query_one("#members", OptionList)
        options.clear_options()
        options.add_options(
            Option(
                f"{m.name} · {m.medicaid_id} · {m.specialist}"
                + (f" · discharged {m.discharged_on.isoformat()}" if m.discharged_on else ""),
                id=m.id,
            )
            for m in shown
        )
        if shown:
            options.highlighted = 0
        status = f"{len(shown)} of {len(self.members)} members" if needle else f"{len(self.members)} members"
        self.query_one("#picker-status", Static).update(status if shown else "No member matches.")

    @on(Input.Submitted, "#filter")
    def _submit(self) -> None:
        options = self.query_one("#members", OptionList)
        if options.highlighted is not None:
            self._pick(str(options.get_option_at_index(options.highlighted).id))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._pick(str(event.option.id))

    def _pick(self, member_id: str) -> None:
        name = next((m.name for m in self.members if m.id == member_id), member_id)
        self.dismiss((member_id, name))

    def action_focus_list(self) -> None:
        self.query_one("#members", OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
