"""The member record: header and tabs Notes (addenda under their note), Attempts, Plan, Authorizations, Visits.

Signed notes are read-only here (N-3): the only action on one is "Addendum".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from cpss_tui.services.member_record import MemberRecord, NoteView, load_member_record
from cpss_tui.services.review import ReviewView, reviews_of_member

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class MemberScreen(Screen[None]):
    """One member's whole record."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("n", "new_note", "Note", id="new_note"),
        Binding("a", "log_attempt", "Attempt", id="log_attempt"),
        Binding(
            "d",
            "addendum",
            "Addendum",
            tooltip="Add an addendum to the highlighted signed note",
            id="addendum",
        ),
        Binding("e", "edit_member", "Edit", tooltip="Edit the member (M-1, M-2, M-4, S-2)", id="edit_member"),
        Binding(
            "t",
            "authorization",
            "Auth",
            tooltip="Record a prior authorization (U-5, U-7)",
            id="authorization",
        ),
        Binding("x", "discharge", "Discharge", tooltip="Discharge this member (M-3)", id="discharge"),
        # Not in the footer (full at 80 columns): in the palette ("Audit log of member") and the help screen.
        Binding("u", "audit", "Audit", tooltip="Who changed what in this record, when", id="audit", show=False),
        Binding(
            "c",
            "calendar",
            "Calendar",
            tooltip="Weekly contact status (C-3) of the last 52 weeks",
            id="calendar",
            show=False,
        ),
        Binding(
            "g",
            "unit_use",
            "Units",
            tooltip="Units used and remaining per authorization, weekly units against the caps (U-3..U-5)",
            id="unit_use",
            show=False,
        ),
        Binding(
            "p",
            "print_record",
            "Print",
            tooltip="Printed service record (PDF)",
            id="print_record",
            show=False,
        ),
    ]
    PALETTE_ACTIONS = (
        ("New service note", "Write a note for this member", "new_note"),
        ("Log contact attempt", "Record an attempt to reach this member", "log_attempt"),
        ("Addendum to note", "Correct the highlighted signed note with an addendum", "addendum"),
        ("Edit member", "Change this member's details, specialist or concurrent services", "edit_member"),
        ("Add authorization", "Record a prior authorization (U-7 limits)", "authorization"),
        ("Discharge member", "Discharge with a reason (M-3), after confirming", "discharge"),
        ("Audit log of member", "Every change to this member's records: who, when, old and new", "audit"),
        ("Contact calendar of member", "C-3 weekly status of the last 52 weeks (key c)", "calendar"),
        ("Unit use of member", "Units used and left, weekly units against the caps (key g)", "unit_use"),
        ("Print service record", "The whole service record as a PDF for an auditor (key p)", "print_record"),
    )

    class Loaded(Message):
        def __init__(self, record: MemberRecord | None, reviews: list[ReviewView] | None = None) -> None:
            super().__init__()
            self.record = record
            self.reviews = reviews or []

    def __init__(self, member_id: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.record: MemberRecord | None = None
        self.reviews: dict[str, list[ReviewView]] = {}

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="member-header", classes="screen-title")
        with TabbedContent(id="tabs"):
            with TabPane("Notes", id="tab-notes"):
                yield DataTable(id="notes", cursor_type="row")
                yield VerticalScroll(Static("", id="note-detail"), id="note-detail-box")
            with TabPane("Attempts", id="tab-attempts"):
                yield DataTable(id="attempts", cursor_type="row")
            with TabPane("Plan", id="tab-plan"):
                yield VerticalScroll(Static("", id="plan"))
            with TabPane("Authorizations", id="tab-auths"):
                yield DataTable(id="auths", cursor_type="row")
            with TabPane("Visits", id="tab-visits"):
                yield DataTable(id="visits", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#notes", DataTable).add_columns("Date", "Type", "Min", "Units", "Signed", "Addenda")
        self.query_one("#attempts", DataTable).add_columns("When", "Method", "Outcome", "By", "Detail")
        self.query_one("#auths", DataTable).add_columns("Number", "Start", "End", "Units", "Used", "Left")
        self.query_one("#visits", DataTable).add_columns("Date", "Supervisor", "Face to face", "Notes")
        self._load()

    def on_screen_resume(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="member-load")
    def _load(self) -> None:
        app = self.cpss
        assert app.user is not None
        record = load_member_record(app.engine, self.member_id, app.user.id, app.as_of)
        self.post_message(self.Loaded(record, reviews_of_member(app.engine, self.member_id)))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        record = message.record
        self.record = record
        self.reviews = {}
        for review in message.reviews:
            self.reviews.setdefault(review.note_id, []).append(review)
        if record is None:
            self.query_one("#member-header", Static).update("No such member.")
            return
        discharged = (
            f" · DISCHARGED {record.discharged_on} ({record.discharge_reason or 'no reason'})"
            if record.discharged_on
            else ""
        )
        self.query_one("#member-header", Static).update(
            f"{record.name} · {record.medicaid_id} · {record.payer} · age {record.age}\n"
            f"admitted {record.admitted_on} · specialist {record.specialist}{discharged}"
        )
        notes = self.query_one("#notes", DataTable)
        notes.clear()
        for draft in record.drafts:
            notes.add_row(
                draft.date or "?",
                draft.contact_type or "?",
                "",
                "",
                Text("DRAFT", style="yellow"),
                "",
                key=f"draft:{draft.id}",
            )
        for n in record.notes:
            signed = Text("signed", style="green") if n.signed_at else Text("UNSIGNED", style="yellow")
            if any(r.outcome == "returned" and not r.answered for r in self.reviews.get(n.id, ())):
                signed = Text("RETURNED", style="bold red")  # a supervisor's review awaits an addendum
            notes.add_row(
                str(n.date),
                n.contact_type + (" " + " ".join(n.modifiers) if n.modifiers else ""),
                str(n.minutes),
                str(n.units),
                signed,
                str(len(n.addenda)) if n.addenda else "",
                key=n.id,
            )
        attempts = self.query_one("#attempts", DataTable)
        attempts.clear()
        for a in record.attempts:
            attempts.add_row(
                a.at[:16].replace("T", " "), a.method, a.outcome, a.staff_name, a.detail[:40], key=a.id
            )
        auths = self.query_one("#auths", DataTable)
        auths.clear()
        for au in record.authorizations:
            auths.add_row(
                au.number,
                str(au.start),
                str(au.end),
                str(au.units),
                str(au.used),
                str(au.remaining),
                key=au.id,
            )
        visits = self.query_one("#visits", DataTable)
        visits.clear()
        for v in record.visits:
            visits.add_row(
                str(v.date), v.supervisor, "yes" if v.face_to_face else "NO", v.notes[:40], key=v.id
            )
        self.query_one("#plan", Static).update(self._plan_text(record))
        self._show_note_detail()

    def _plan_text(self, record: MemberRecord) -> Text:
        if not record.plans:
            return Text("No Person-Centered Plan recorded (P-1).", style="bold red")
        out = Text()
        for i, plan in enumerate(record.plans):
            out.append(
                f"{'Current plan' if i == 0 else 'Earlier plan'} · effective {plan.effective} · last review "
                f"{plan.last_review or 'never'}\n",
                style="bold",
            )
            for goal in plan.goals:
                out.append(f"  Goal [{goal.status.upper()}]: {goal.text}\n")
                for intervention in goal.interventions:
                    out.append(f"    - {intervention}\n")
                if goal.history:
                    out.append(
                        "    history: " + ", ".join(f"{d} {s}" for d, s in goal.history) + "\n", style="dim"
                    )
            crisis = plan.crisis
            if not any((crisis.get(k) or "").strip() for k in ("triggers", "coping", "supports", "contacts")):
                out.append("  Crisis plan: MISSING (P-2: the plan is incomplete)\n", style="bold red")
            else:
                out.append("  Crisis plan\n", style="bold")
                for key in ("triggers", "coping", "supports", "contacts", "wrap"):
                    if crisis.get(key):
                        out.append(f"    {key}: {crisis[key]}\n")
        return out

    def _highlighted_note(self) -> NoteView | None:
        if self.record is None:
            return None
        table = self.query_one("#notes", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((n for n in self.record.notes if n.id == key), None)

    @on(DataTable.RowHighlighted, "#notes")
    def _show_note_detail(self) -> None:
        note = self._highlighted_note()
        detail = self.query_one("#note-detail", Static)
        if note is None:
            detail.update("A draft: press enter to reopen it." if self.record and self.record.drafts else "")
            return
        text = Text()
        text.append(
            f"{note.date} {note.start_time} · {note.minutes} min · {note.units} units · {note.contact_type} · "
            f"{note.place}{'' if note.billable else ' · NOT BILLABLE'}\n",
            style="bold",
        )
        text.append(
            f"Goals: {'; '.join(note.goals) or '-'}\nPurpose: {note.purpose}\nInterventions: {note.interventions}\n"
            f"Effectiveness: {note.effectiveness}\n"
        )
        if note.signed_at:
            text.append(f"Signed {note.signed_at} by {note.signed_by} · locked (N-3)\n", style="green")
        for add in note.addenda:
            text.append(f"  Addendum {add.signed_at} by {add.signed_by}: {add.text}\n", style="italic")
        for r in self.reviews.get(note.id, ()):
            if r.outcome == "reviewed":
                text.append(f"Reviewed by {r.reviewer_name} on {r.reviewed_at:%Y-%m-%d}\n", style="green")
            elif r.answered:
                text.append(
                    f"Returned by {r.reviewer_name} on {r.reviewed_at:%Y-%m-%d}: {r.comment} · answered\n",
                    style="dim",
                )
            else:
                text.append(
                    f"RETURNED by {r.reviewer_name} on {r.reviewed_at:%Y-%m-%d}: {r.comment}\n"
                    "Press d to answer with an addendum.\n",
                    style="bold red",
                )
        detail.update(text)

    @on(DataTable.RowSelected, "#notes")
    def _open_note(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value or ""
        if key.startswith("draft:"):
            self.action_new_note()

    def action_new_note(self) -> None:
        from cpss_tui.ui.screens.note_form import NoteForm

        self.app.push_screen(NoteForm(self.member_id))

    def action_log_attempt(self) -> None:
        from cpss_tui.ui.screens.attempt_form import AttemptForm

        name = self.record.name if self.record else self.member_id
        self.app.push_screen(AttemptForm(self.member_id, name), lambda _saved: self._load())

    def action_addendum(self) -> None:
        note = self._highlighted_note()
        if note is None or note.signed_at is None:
            self.notify("Highlight a signed note on the Notes tab first.", severity="warning")
            return
        from cpss_tui.ui.screens.addendum import AddendumForm

        self.app.push_screen(
            AddendumForm(note.id, f"{note.date} {note.contact_type}"), lambda _saved: self._load()
        )

    def action_edit_member(self) -> None:
        from cpss_tui.ui.screens.member_form import MemberForm

        self.app.push_screen(MemberForm(self.member_id), lambda _saved: self._load())

    def action_authorization(self) -> None:
        from cpss_tui.ui.screens.authorization_form import AuthorizationForm

        self.app.push_screen(AuthorizationForm(self.member_id), lambda _saved: self._load())

    def action_discharge(self) -> None:
        if self.record is not None and self.record.discharged_on is not None:
            self.notify(f"Already discharged on {self.record.discharged_on}.", severity="warning")
            return
        from cpss_tui.ui.screens.discharge_form import DischargeForm

        self.app.push_screen(DischargeForm(self.member_id), lambda _saved: self._load())

    def action_calendar(self) -> None:
        from cpss_tui.ui.screens.contact_calendar import ContactCalendarScreen

        self.app.push_screen(ContactCalendarScreen(self.member_id, self.record.name if self.record else None))

    def action_unit_use(self) -> None:
        from cpss_tui.ui.screens.unit_use import UnitUseScreen

        self.app.push_screen(UnitUseScreen(self.member_id, self.record.name if self.record else None))

    def action_print_record(self) -> None:
        from cpss_tui.ui.screens.print_dialog import PrintDialog

        self.app.push_screen(PrintDialog(self.member_id, self.record.name if self.record else None))

    def action_audit(self) -> None:
        from cpss_tui.ui.screens.audit_view import AuditView

        self.app.push_screen(AuditView(self.member_id, self.record.name if self.record else self.member_id))
