"""The service note form (N-1..N-7, P-3, U-1..U-9): checked as you type, saved as a draft as you type.

Why a draft table and a timer: a specialist in a parking lot may be interrupted at any moment; the form's
fields are written to `note_draft` at most a second after the last keystroke (and on close), so neither a
closed lid nor a crash loses more than that second. Signing turns the draft into a locked note (N-3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, SelectionList, Static

from cpss_tui.services import records
from cpss_tui.vocab import CONTACT_TYPES, PLACES

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp

AUTOSAVE_SECONDS = 1.0
FIELD_IDS = (
    "date",
    "start_time",
    "minutes",
    "contact_type",
    "place",
    "purpose",
    "interventions",
    "effectiveness",
    "goal_ids",
    "billable",
    "nonbillable_reason",
    "identity_verified",
    "consent",
)
CONSENT_CHOICES = [
    ("verbal consent", "verbal"),
    ("written consent", "written"),
    ("not obtained", "not-obtained"),
]


class NoteForm(Screen[bool]):
    """Write, check and sign a service note; dismisses True when a note was signed."""

    BINDINGS = [
        Binding("ctrl+s", "sign", "Sign", tooltip="Sign and lock the note (N-3)", id="sign", priority=True),
        Binding("escape", "close", "Close (draft kept)", id="close"),
        Binding("ctrl+d", "discard", "Discard draft", id="discard"),
    ]
    PALETTE_ACTIONS = (
        ("Sign note", "Sign and lock this note", "sign"),
        ("Close note (keep draft)", "Leave the form; the draft stays", "close"),
        ("Discard draft", "Delete this unsigned draft", "discard"),
    )

    def __init__(self, member_id: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.draft_id: str | None = None
        self._timer: Timer | None = None
        self._dirty = False
        self._saved: dict[str, Any] | None = None
        self._show_all = False
        self._pending: dict[str, Any] = {}

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.cpss
        assert app.user is not None
        self.context = records.note_context(app.engine, self.member_id, app.user.id)
        ctx = self.context
        yield Static(
            f"Service note · {ctx.member_name} · {ctx.medicaid_id} · {ctx.payer} · PSS H0038",
            classes="screen-title",
        )
        with VerticalScroll(classes="form", id="note-fields"):
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Date (YYYY-MM-DD)")
                    yield Input(id="date")
                with Vertical():
                    yield Label("Start (HH:MM)")
                    yield Input(id="start_time", placeholder="10:00")
                with Vertical():
                    yield Label("Minutes")
                    yield Input(id="minutes", placeholder="60")
            yield Static("", id="date-error", classes="field-error")
            yield Static("", id="start_time-error", classes="field-error")
            yield Static("", id="minutes-error", classes="field-error")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Contact type")
                    yield Select([(c, c) for c in CONTACT_TYPES], id="contact_type", prompt="choose")
                with Vertical():
                    yield Label("Place of service")
                    yield Select([(p, p) for p in PLACES], id="place", prompt="choose")
            yield Static("", id="contact_type-error", classes="field-error")
            yield Static("", id="place-error", classes="field-error")
            with Vertical(id="audio-only"):
                yield Checkbox("Identity verified with two identifiers (N-5)", id="identity_verified")
                yield Select(CONSENT_CHOICES, id="consent", prompt="consent (N-5)")
                yield Input(id="consent_reason", placeholder="why consent could not be obtained")
                yield Static("", id="identity_verified-error", classes="field-error")
                yield Static("", id="consent-error", classes="field-error")
            yield Label("PCP goals worked on (P-3)")
            yield SelectionList[str](*[(g.text, g.id) for g in ctx.goals], id="goal_ids")
            yield Static("", id="goal_ids-error", classes="field-error")
            yield Label("Purpose of the contact")
            yield Input(id="purpose")
            yield Static("", id="purpose-error", classes="field-error")
            yield Label("Interventions from the PCP (space to pick)")
            yield SelectionList[str](*[(i, i) for i in ctx.interventions], id="picked_interventions")
            yield Input(id="interventions", placeholder="interventions in your words")
            yield Static("", id="interventions-error", classes="field-error")
            yield Label("Effectiveness (member's response, progress)")
            yield Input(id="effectiveness")
            yield Static("", id="effectiveness-error", classes="field-error")
            with Horizontal(classes="row"):
                yield Checkbox("Billable", id="billable", value=True)
                yield Input(id="nonbillable_reason", placeholder="non-billable: why (U-2)")
            yield Static("", id="nonbillable_reason-error", classes="field-error")
        yield Static("", id="preview")
        yield Static("", id="draft-state", classes="muted")
        with Horizontal(classes="buttons"):
            yield Button(
                f"Sign as {ctx.signer_name}, {ctx.signer_credentials} (ctrl+s)",
                id="sign",
                variant="primary",
                compact=True,
            )
            yield Button("Close, keep draft (esc)", id="close", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        app = self.cpss
        assert app.user is not None
        draft = records.find_draft(app.engine, app.user.id, self.member_id)
        fields: dict[str, Any] = records.default_note_fields(app.engine, app.as_of)
        if draft is not None:
            self.draft_id = draft.id
            fields.update(draft.fields)
            self.query_one("#draft-state", Static).update(
                f"Draft reopened (last saved {draft.saved_at:%Y-%m-%d %H:%M} UTC)."
            )
        self._set_fields(fields)
        self._saved = self.fields()
        self._refresh_checks()
        self.query_one("#date", Input).focus()

    # --- fields <-> dict ----------------------------------------------------------------------------------

    def _set_fields(self, fields: dict[str, Any]) -> None:
        for key in (
            "date",
            "start_time",
            "minutes",
            "purpose",
            "interventions",
            "effectiveness",
            "nonbillable_reason",
            "consent_reason",
        ):
            self.query_one(f"#{key}", Input).value = str(fields.get(key) or "")
        for key in ("contact_type", "place", "consent"):
            value = fields.get(key)
            select = self.query_one(f"#{key}", Select)
            if value and value in [v for _, v in select._options if v is not Select.BLANK]:
                select.value = value
        self.query_one("#billable", Checkbox).value = bool(fields.get("billable", True))
        self.query_one("#identity_verified", Checkbox).value = bool(fields.get("identity_verified", False))
        for key in ("goal_ids", "picked_interventions"):
            selection = self.query_one(f"#{key}", SelectionList)
            selection.deselect_all()
            for value in fields.get(key) or []:
                try:
                    selection.select(value)
                except Exception:  # a goal no longer current (P-3): not offered, not kept
                    continue

    def fields(self) -> dict[str, Any]:
        """The form as the draft dictionary."""

        def text(key: str) -> str:
            return self.query_one(f"#{key}", Input).value

        def choice(key: str) -> str | None:
            value = self.query_one(f"#{key}", Select).value
            return value if isinstance(value, str) else None

        return {
            "date": text("date").strip(),
            "start_time": text("start_time").strip(),
            "minutes": text("minutes").strip(),
            "contact_type": choice("contact_type"),
            "place": choice("place"),
            "purpose": text("purpose"),
            "interventions": text("interventions"),
            "picked_interventions": list(self.query_one("#picked_interventions", SelectionList).selected),
            "effectiveness": text("effectiveness"),
            "goal_ids": list(self.query_one("#goal_ids", SelectionList).selected),
            "billable": self.query_one("#billable", Checkbox).value,
            "nonbillable_reason": text("nonbillable_reason"),
            "identity_verified": self.query_one("#identity_verified", Checkbox).value,
            "consent": choice("consent"),
            "consent_reason": text("consent_reason"),
        }

    # --- live checks and autosave ---------------------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    def _changed(self) -> None:
        fields = self.fields()
        if self._saved is None or fields == self._saved:
            return  # still loading, or an event that changed nothing (e.g. the form being filled)
        self._pending = fields  # kept outside the widgets, so a close can still save it after they are gone
        self._dirty = True
        self.query_one("#draft-state", Static).update("Unsaved changes…")
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self.save_draft)
        self._refresh_checks()

    @staticmethod
    def _has_value(fields: dict[str, Any], field: str) -> bool:
        value = fields.get(field)
        return bool(value) if not isinstance(value, str) else bool(value.strip())

    def save_draft(self) -> None:
        """Write the form to the draft table now (called by the debounce timer, on close and before signing)."""
        if not self._dirty:
            return
        self._write_draft()
        self.query_one("#draft-state", Static).update("Draft saved.")

    def _write_draft(self) -> None:
        """Write the last known fields to the draft table; touches no widget (safe while unmounting)."""
        app = self.cpss
        assert app.user is not None
        fields = self._pending
        self.draft_id = records.save_draft(app.engine, app.user.id, self.draft_id, self.member_id, fields)
        self._saved = fields
        self._dirty = False

    def _refresh_checks(self) -> None:
        app = self.cpss
        assert app.user is not None
        fields = self.fields()
        self.query_one("#audio-only").display = fields["contact_type"] == "audio-only"
        self.query_one("#nonbillable_reason", Input).display = not fields["billable"]
        check = records.check_note(app.engine, self.member_id, app.user.id, fields, app.as_of)
        messages: dict[str, list[str]] = {}
        for problem in check.problems:
            # Before the first sign attempt, a field left empty is not yet an error worth a red line.
            if self._show_all or self._has_value(fields, problem.field) or problem.rule not in ("N-1", "P-3"):
                messages.setdefault(problem.field, []).append(problem.message)
        for error in self.query(".field-error").results(Static):
            field = (error.id or "").removesuffix("-error")
            text = " ".join(messages.get(field, []))
            error.update(text)
            error.display = bool(text)
        lines = [
            f"Units {check.units}"
            + (
                f" (billable after caps {check.billable_units})"
                if check.billable_units != check.units
                else ""
            )
            + (f" · modifiers {' '.join(check.modifiers)}" if check.modifiers else "")
            + f" · H0038 · {'ready to sign' if not check.problems else str(len(check.problems)) + ' to fix before signing'}"
        ]
        lines += [f"⚠ {w.message}" for w in check.warnings]
        self.query_one("#preview", Static).update("\n".join(lines))

    # --- actions ----------------------------------------------------------------------------------------------

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.save_draft()
        self.dismiss(False)

    def action_discard(self) -> None:
        app = self.cpss
        if self.draft_id is not None:
            records.discard_draft(app.engine, self.draft_id, actor=app.user.id if app.user else None)
        self._dirty = False
        self.app.notify("Draft discarded.")
        self.dismiss(False)

    @on(Button.Pressed, "#sign")
    def action_sign(self) -> None:
        app = self.cpss
        assert app.user is not None
        self._pending = self.fields()
        self._dirty = True
        self.save_draft()
        try:
            records.sign_note(
                app.engine, app.user.id, self.draft_id, self.member_id, self.fields(), app.as_of
            )
        except records.RecordRefused as refused:
            self._show_all = True
            self._refresh_checks()
            names = ", ".join(sorted({p.field for p in refused.problems}))
            self.app.notify(f"Not signed: fix {names}.", severity="error", timeout=6)
            return
        self.app.notify(f"Note signed by {self.context.signer_name} and locked.")
        self.dismiss(True)

    def on_unmount(self) -> None:
        if self._dirty:
            self._write_draft()
