"""Record a prior authorization (U-5, U-7): `t` on the member screen, ctrl+s saves.

A period over 90 days, or over 180 authorized days in any 12 months, is refused with the reason (U-7). Only a
supervisor sees the override field: with a written reason, the authorization is saved anyway and the reason
kept with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from cpss_tui.rules.problems import Problem
from cpss_tui.services import members
from cpss_tui.services.refusals import RecordRefused
from cpss_tui.ui.screens.member_form import FORM_CSS
from cpss_tui.ui.widgets.form import problems_by_field, reveal_first, show_messages

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class AuthorizationForm(ModalScreen[bool]):
    """Dismisses True when an authorization was saved."""

    DEFAULT_CSS = FORM_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, member_id: str) -> None:
        super().__init__()
        self.member_id = member_id

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    @property
    def is_supervisor(self) -> bool:
        return self.cpss.user is not None and self.cpss.user.role == "supervisor"

    def compose(self) -> ComposeResult:
        details = members.member_details(self.cpss.engine, self.member_id)
        name = details.name if details else "?"
        with VerticalScroll(classes="dialog member-dialog"):
            yield Static(f"Authorization · {name}   ctrl+s save · esc cancel", classes="screen-title")
            with Vertical(classes="form-body"):
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("Authorization number")
                        yield Input(id="number", placeholder="as on the approval", compact=True)
                    with Vertical():
                        yield Label("Units authorized (15 min each)")
                        yield Input(id="units", placeholder="120", compact=True)
                yield Static("", id="number-error", classes="field-error")
                yield Static("", id="units-error", classes="field-error")
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("Start (YYYY-MM-DD)")
                        yield Input(id="start", placeholder="2026-09-01", compact=True)
                    with Vertical():
                        yield Label("End, inclusive (YYYY-MM-DD)")
                        yield Input(id="end", placeholder="2026-11-29", compact=True)
                yield Static("", id="start-error", classes="field-error")
                yield Static("", id="end-error", classes="field-error")
                yield Static(
                    "U-7: at most 90 days each, and 180 authorized days in any 12 months.",
                    classes="hint",
                )
                if self.is_supervisor:
                    with Vertical(classes="single"):
                        yield Label("Override reason (supervisor only; leave empty unless overriding U-7)")
                        yield Input(
                            id="override_reason",
                            placeholder="e.g. payer approved a 120-day period",
                            compact=True,
                        )
                        yield Static("", id="override_reason-error", classes="field-error")
                yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Save  (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel  (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        show_messages(self, {})
        self.query_one("#number", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        app = self.cpss
        if app.user is None:
            self.notify("Choose who you are first (u).", severity="error")
            return
        override = self.query_one("#override_reason", Input).value if self.is_supervisor else None
        try:
            members.add_authorization(
                app.engine,
                app.user.id,
                member_id=self.member_id,
                number=self.query_one("#number", Input).value,
                start=self.query_one("#start", Input).value,
                end=self.query_one("#end", Input).value,
                units=self.query_one("#units", Input).value,
                override_reason=override,
                as_of=app.as_of,
            )
        except RecordRefused as refused:
            problems = list(refused.problems)
            if self.is_supervisor and not (override or "").strip() and any(p.rule == "U-7" for p in problems):
                problems.append(
                    Problem(
                        "U-7",
                        "override_reason",
                        "To record it anyway, write the reason for the override here (U-7).",
                    )
                )
            show_messages(self, problems_by_field(problems))
            reveal_first(self, problems)
            return
        self.app.notify("Authorization saved.")
        self.dismiss(True)
