"""Discharge a member (M-3): `x` on the member screen; ctrl+s checks, then asks to confirm before saving.

The reason is one of the payer's discharge criteria (NC 8G A-E; la-lhcc has its own four) and la-lhcc also
needs a continuing care plan. A discharge is hard to undo in the app, so an accepted discharge is confirmed
in a second dialog (y / n) before it is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from cpss_tui.data import settings
from cpss_tui.rules.problems import Problem
from cpss_tui.services import members
from cpss_tui.services.refusals import RecordRefused
from cpss_tui.ui.screens.member_form import FORM_CSS
from cpss_tui.ui.widgets.form import problems_by_field, reveal_first, show_messages

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class ConfirmDischarge(ModalScreen[bool]):
    """Yes / no before a discharge is written; dismisses True for yes."""

    DEFAULT_CSS = """
    ConfirmDischarge .dialog {
        width: 60;
    }
    ConfirmDischarge #question {
        padding: 1 1;
    }
    ConfirmDischarge .buttons {
        height: 1;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="yes"),
        Binding("n", "answer(False)", "No", id="no"),
        Binding("escape", "answer(False)", "No", show=False, id="cancel"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Confirm discharge", classes="screen-title")
            yield Static(self.question, id="question")
            with Horizontal(classes="buttons"):
                yield Button("Yes, discharge  (y)", id="yes", variant="error", compact=True)
                yield Button("No  (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class DischargeForm(ModalScreen[bool]):
    """Dismisses True when the member was discharged."""

    DEFAULT_CSS = (
        FORM_CSS
        + """
    DischargeForm #continuing_care_plan {
        height: 5;
        background: $boost;
    }
    """
    )

    BINDINGS = [
        Binding("ctrl+s", "save", "Discharge", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, member_id: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.member_name = "?"

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.cpss
        details = members.member_details(app.engine, self.member_id)
        payer = details.payer if details else "nc-medicaid"
        self.member_name = details.name if details else "?"
        profile = settings.load_profiles(app.engine)[payer]
        plan_label = (
            f"Continuing care plan (required for {payer}, M-3)"
            if profile.requires_continuing_care_plan
            else "Continuing care plan (optional)"
        )
        with VerticalScroll(classes="dialog member-dialog"):
            yield Static(f"Discharge · {self.member_name} · {payer}   ctrl+s · esc", classes="screen-title")
            with Vertical(classes="form-body"):
                with Vertical(classes="single"):
                    yield Label("Discharge date (YYYY-MM-DD)")
                    yield Input(app.as_of.isoformat(), id="discharged_on", compact=True)
                    yield Static("", id="discharged_on-error", classes="field-error")
                with Vertical(classes="single"):
                    yield Label("Reason (discharge criteria, M-3)")
                    yield Select(
                        [(members.DISCHARGE_LABELS.get(r, r), r) for r in profile.discharge_reasons],
                        id="discharge_reason",
                        prompt="choose a reason",
                        compact=True,
                    )
                    yield Static("", id="discharge_reason-error", classes="field-error")
                with Vertical(classes="single"):
                    yield Label(plan_label)
                    yield TextArea(id="continuing_care_plan", compact=True)
                    yield Static("", id="continuing_care_plan-error", classes="field-error")
                yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Discharge…  (ctrl+s)", id="save", variant="error", compact=True)
                yield Button("Cancel  (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        show_messages(self, {})
        self.query_one("#discharge_reason", Select).focus()

    def _fields(self) -> dict[str, str | None]:
        reason = self.query_one("#discharge_reason", Select).value
        return {
            "discharged_on": self.query_one("#discharged_on", Input).value,
            "reason": reason if isinstance(reason, str) else None,
            "continuing_care_plan": self.query_one("#continuing_care_plan", TextArea).text,
        }

    def _show(self, problems: list[Problem]) -> None:
        show_messages(self, problems_by_field(problems))
        if problems:
            reveal_first(self, problems)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        app = self.cpss
        if app.user is None:
            self.notify("Choose who you are first (u).", severity="error")
            return
        fields = self._fields()
        problems = members.check_discharge(app.engine, member_id=self.member_id, as_of=app.as_of, **fields)
        self._show(problems)
        if problems:
            return
        reason = fields["reason"] or ""
        question = (
            f"Discharge {self.member_name} on {fields['discharged_on']}?\n"
            f"Reason: {members.DISCHARGE_LABELS.get(reason, reason)}.\n"
            "They leave the active caseload; this cannot be undone here."
        )
        self.app.push_screen(ConfirmDischarge(question), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        if not yes:
            return
        app = self.cpss
        assert app.user is not None
        try:
            members.discharge_member(
                app.engine, app.user.id, member_id=self.member_id, as_of=app.as_of, **self._fields()
            )
        except RecordRefused as refused:
            self._show(refused.problems)
            return
        self.app.notify(f"{self.member_name} discharged.")
        self.dismiss(True)
