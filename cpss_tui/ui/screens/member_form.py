"""Intake or edit a member (M-1..M-4, S-2): `i` on the home screen, `e` on the member screen, ctrl+s saves.

Refusals (missing fields, M-4 family member, S-2 specialist at capacity) appear under their field and nothing
is saved. Flags (M-1 age, M-2 concurrent service, N-7 service order) appear under their field while typing, in
the warning colour, and again as notifications after saving: the member is saved with them.

Compact one-line widgets keep the whole form on an 80x24 terminal; the dialog scrolls when it must.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from cpss_tui.data import settings
from cpss_tui.rules.problems import Problem
from cpss_tui.services import members
from cpss_tui.services.refusals import RecordRefused
from cpss_tui.ui.widgets.form import problems_by_field, reveal_first, show_messages
from cpss_tui.vocab import PAYERS

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp

FORM_CSS = """
.member-dialog {
    height: auto;
    max-height: 100%;
}
.member-dialog > .screen-title {
    dock: top;
}
.member-dialog > .buttons {
    dock: bottom;
    height: 1;
    padding: 0 1;
}
.member-dialog .form-body {
    height: auto;
    padding: 0 1 1 1;
}
.member-dialog Label {
    margin-top: 0;
    color: $text-muted;
}
.member-dialog .row {
    margin-top: 1;
}
.member-dialog .single {
    height: auto;
    margin-top: 1;
}
.member-dialog Input, .member-dialog Select {
    width: 1fr;
}
.member-dialog .hint {
    color: $text-muted;
    margin-top: 1;
}
"""


def text_date(value: date | None) -> str:
    """A date as the forms show it (YYYY-MM-DD), empty for none."""
    return value.isoformat() if value else ""


class MemberForm(ModalScreen[str | None]):
    """A new member (intake) or an edit of one; dismisses with the member id, or None when cancelled."""

    DEFAULT_CSS = FORM_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, member_id: str | None = None) -> None:
        super().__init__()
        self.member_id = member_id
        self.details: members.MemberDetails | None = None
        self.errors: dict[str, str] = {}
        self.refused_values: dict[str, object] = {}
        self.profiles: dict[str, Any] = {}

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.cpss
        self.profiles = settings.load_profiles(app.engine)
        if self.member_id is not None:
            self.details = members.member_details(app.engine, self.member_id)
        d = self.details
        options = members.specialist_options(app.engine, app.as_of)
        default_specialist: str | None = None
        if d is not None:
            default_specialist = d.specialist_id
        elif app.user is not None and app.user.role == "specialist":
            default_specialist = app.user.id
        ids = {o.id for o in options}
        title = f"Edit member · {d.name}" if d else "Intake: new member"
        with VerticalScroll(classes="dialog member-dialog"):
            yield Static(f"{title}   ctrl+s save · esc cancel", classes="screen-title")
            with Vertical(classes="form-body"):
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("Name")
                        yield Input(d.name if d else "", id="name", placeholder="First Last", compact=True)
                    with Vertical():
                        yield Label("Medicaid id")
                        yield Input(
                            d.medicaid_id if d else "",
                            id="medicaid_id",
                            placeholder="as on the card",
                            compact=True,
                        )
                yield Static("", id="name-error", classes="field-error")
                yield Static("", id="medicaid_id-error", classes="field-error")
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("Birth date (YYYY-MM-DD)")
                        yield Input(
                            text_date(d.birth_date) if d else "",
                            id="birth_date",
                            placeholder="1985-04-30",
                            compact=True,
                        )
                    with Vertical():
                        yield Label("Payer")
                        yield Select(
                            [(p, p) for p in PAYERS],
                            id="payer",
                            value=d.payer if d else PAYERS[0],
                            allow_blank=False,
                            compact=True,
                        )
                yield Static("", id="birth_date-error", classes="field-error")
                yield Static("", id="payer-error", classes="field-error")
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("Admitted (YYYY-MM-DD)")
                        yield Input(
                            text_date(d.admitted_on) if d else app.as_of.isoformat(),
                            id="admitted_on",
                            compact=True,
                        )
                    with Vertical():
                        yield Label("Service order date")
                        yield Input(
                            text_date(d.service_order_date) if d else "",
                            id="service_order_date",
                            placeholder="YYYY-MM-DD",
                            compact=True,
                        )
                yield Static("", id="admitted_on-error", classes="field-error")
                yield Static("", id="service_order_date-error", classes="field-error")
                with Vertical(classes="single"):
                    yield Label("Specialist (active members / capacity, S-1)")
                    yield Select(
                        [(o.label, o.id) for o in options],
                        id="specialist",
                        value=default_specialist if default_specialist in ids else Select.NULL,
                        prompt="choose the specialist",
                        compact=True,
                    )
                    yield Static("", id="specialist-error", classes="field-error")
                with Vertical(classes="single"):
                    yield Checkbox(
                        "Eligible through EPSDT (under-21 Medicaid, M-1)",
                        value=d.epsdt if d else False,
                        id="epsdt",
                        compact=True,
                    )
                    yield Checkbox(
                        "Is the member a family member of the specialist? (M-4)",
                        value=False,
                        id="family_member",
                        compact=True,
                    )
                    yield Static("", id="family_member-error", classes="field-error")
                with Vertical(classes="single"):
                    yield Label("Concurrent ACTT/CST/PSR/ACT/CSP: service start..end; more with ;")
                    yield Input(
                        members.format_concurrent_services(d.concurrent) if d else "",
                        id="concurrent",
                        placeholder="actt 2026-09-01..2026-12-01; psr 2026-10-01..",
                        compact=True,
                    )
                    yield Static("", id="concurrent-error", classes="field-error")
                yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Save  (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel  (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self._refresh_flags()

    # --- flags while typing ----------------------------------------------------------------------------------

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def _payer(self) -> str:
        value = self.query_one("#payer", Select).value
        return value if isinstance(value, str) else ""

    def _specialist(self) -> str:
        value = self.query_one("#specialist", Select).value
        return value if isinstance(value, str) else ""

    def _quiet_date(self, widget_id: str) -> date | None:
        try:
            return date.fromisoformat(self._value(widget_id))
        except ValueError:
            return None

    def _flags(self) -> dict[str, str]:
        profile = self.profiles.get(self._payer())
        if profile is None:
            return {}
        try:
            concurrent = members.parse_concurrent_services(self._value("concurrent"))
        except RecordRefused:
            concurrent = []
        found = members.member_flags(
            profile,
            birth_date=self._quiet_date("birth_date"),
            admitted_on=self._quiet_date("admitted_on"),
            service_order_date=self._quiet_date("service_order_date"),
            epsdt=self.query_one("#epsdt", Checkbox).value,
            concurrent=concurrent,
        )
        return {p.field: f"Flag (saves anyway): {p.message}" for p in found}

    def _refresh_flags(self) -> None:
        show_messages(self, self.errors, self._flags())

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        field = event.control.id or ""
        # A refusal stays under its field until that field's value differs from the one refused.
        if field in self.errors and self.refused_values.get(field) != event.value:
            del self.errors[field]
        self._refresh_flags()

    # --- save / cancel ---------------------------------------------------------------------------------------

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        app = self.cpss
        if app.user is None:
            self.notify("Choose who you are first (u).", severity="error")
            return
        try:
            concurrent = members.parse_concurrent_services(self._value("concurrent"))
        except RecordRefused as refused:
            self._refused(refused.problems)
            return
        fields: dict[str, Any] = {
            "name": self._value("name"),
            "medicaid_id": self._value("medicaid_id"),
            "birth_date": self._value("birth_date"),
            "payer": self._payer(),
            "specialist_id": self._specialist(),
            "admitted_on": self._value("admitted_on"),
            "service_order_date": self._value("service_order_date"),
            "epsdt": self.query_one("#epsdt", Checkbox).value,
            "family_member": self.query_one("#family_member", Checkbox).value,
            "concurrent": concurrent,
            "as_of": app.as_of,
        }
        try:
            if self.member_id is None:
                result = members.intake_member(app.engine, app.user.id, **fields)
            else:
                result = members.update_member(app.engine, app.user.id, member_id=self.member_id, **fields)
        except RecordRefused as refused:
            self._refused(refused.problems)
            return
        verb = "admitted" if self.member_id is None else "saved"
        self.app.notify(f"{fields['name']} {verb}.")
        for warning in result.warnings:
            self.app.notify(warning.message, title=f"Flag {warning.rule}", severity="warning", timeout=10)
        self.dismiss(result.member_id)

    def _refused(self, problems: list[Problem]) -> None:
        self.errors = problems_by_field(problems)
        self.refused_values = {
            widget.id: widget.value
            for widget in self.query("Input, Select, Checkbox").results()
            if widget.id and hasattr(widget, "value")
        }
        self._refresh_flags()
        reveal_first(self, problems)
