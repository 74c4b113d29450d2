"""The printed service record of one member (issue 6, item 5): what an auditor asks for, as a PDF.

Contents: the member's demographics; the Person-Centered Plan(s) with goals, interventions, goal status and the
crisis plan; authorizations with units used and remaining (counted as the member record counts them, U-5/U-9);
every SIGNED note in date order with its signature, credentials and addenda (N-1, N-3); contact attempts (C-2)
and the licensed professional's visits, which the policy also wants "documented in the service record".
Drafts and unsigned notes are not part of the record and are never printed.

Every page has a header naming the member (name and Medicaid ID) and a footer with "page N of M", the print
date (as_of) and who printed it. The data come from `services.member_record.load_member_record` (the member
screen's loader: the whole record read in one read_session), kept in frozen dataclasses, then drawn with
fpdf2's core Helvetica: no font file to ship. Core fonts encode latin-1 only, so every text goes through
`latin1_safe`, which turns curly quotes, dashes and the like into their plain forms and anything else it cannot
encode (emoji, other scripts) into "?" rather than failing the print.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy import Engine

from cpss_tui.services.member_record import (
    AttemptView,
    AuthorizationView,
    NoteView,
    PlanView,
    VisitView,
    load_member_record,
)

SERVICE = "Peer Support Services (PSS), H0038"
CRISIS_PARTS = (
    ("triggers", "Triggers"),
    ("coping", "Coping strategies"),
    ("supports", "Supports"),
    ("contacts", "Crisis contacts"),
    ("wrap", "WRAP / other"),
)

# Characters the core fonts cannot encode, with a plain latin-1 stand-in; anything else outside latin-1 is
# decomposed (NFKD) when that gives latin-1 letters, else dropped (joiners, variation selectors) or "?".
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u2023": "-",
        "\u2043": "-",
        "\u20ac": "EUR",
        "\u2122": "(TM)",
        "\u2192": "->",
        "\u2190": "<-",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u2260": "!=",
        "\u2713": "v",
        "\u2714": "v",
        "\t": "    ",
        "\r": "",
    }
)


def latin1_safe(text: str) -> str:
    """`text` with only characters Helvetica (latin-1) can draw; never raises."""
    out: list[str] = []
    for ch in text.translate(_PLAIN):
        if ch == "\n" or (" " <= ch <= "~") or ("\u00a0" <= ch <= "\u00ff"):
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Mn", "Me", "Sk") or 0x1F3FB <= ord(ch) <= 0x1F3FF:
            continue  # control characters, joiners, variation selectors, skin tones: nothing to draw
        if category.startswith("Z"):
            out.append(" ")
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        ).translate(_PLAIN)
        if plain and all(" " <= c <= "~" or "\u00a0" <= c <= "\u00ff" for c in plain):
            out.append(plain)
        else:
            out.append("?")
    return "".join(out)


@dataclass(frozen=True)
class ServiceRecord:
    """Everything the printed record shows; notes are the signed ones only, oldest first."""

    as_of: date
    printed_by: str
    member_id: str
    name: str
    medicaid_id: str
    payer: str
    birth_date: date
    age: int
    admitted_on: date
    discharged_on: date | None
    discharge_reason: str | None
    specialist: str
    plans: tuple[PlanView, ...]  # current plan first
    authorizations: tuple[AuthorizationView, ...]  # oldest first
    notes: tuple[NoteView, ...]  # signed only, in date and time order
    attempts: tuple[AttemptView, ...]  # oldest first
    visits: tuple[VisitView, ...]  # oldest first


@dataclass(frozen=True)
class PrintedRecord:
    """The PDF of a service record and what it holds, for the one-line summary."""

    name: str
    content: bytes
    pages: int
    notes: int


def gather_service_record(
    engine: Engine, member_id: str, as_of: date, printed_by: str
) -> ServiceRecord | None:
    """The record of `member_id` as of `as_of`, or None for an unknown member."""
    record = load_member_record(engine, member_id, "", as_of)  # no staff: no drafts are even read
    if record is None:
        return None
    signed = sorted(
        (n for n in record.notes if n.signed_at),
        key=lambda n: (n.date, n.start_time, n.signed_at or "", n.id),
    )
    return ServiceRecord(
        as_of=as_of,
        printed_by=printed_by,
        member_id=record.id,
        name=record.name,
        medicaid_id=record.medicaid_id,
        payer=record.payer,
        birth_date=record.birth_date,
        age=record.age,
        admitted_on=record.admitted_on,
        discharged_on=record.discharged_on,
        discharge_reason=record.discharge_reason,
        specialist=record.specialist,
        plans=record.plans,
        authorizations=tuple(sorted(record.authorizations, key=lambda a: (a.start, a.number))),
        notes=tuple(signed),
        attempts=tuple(sorted(record.attempts, key=lambda a: a.at)),
        visits=tuple(sorted(record.visits, key=lambda v: v.date)),
    )


def _when(stamp: str | None) -> str:
    """An ISO timestamp as people read it: '2026-05-04 11:02:13-04:00'."""
    return (stamp or "").replace("T", " ")


class _RecordPdf(FPDF):
    """Letter pages with the member named in the header and "page N of M" in the footer."""

    LINE = 4.6

    def __init__(self, record: ServiceRecord) -> None:
        super().__init__(orientation="portrait", unit="mm", format="Letter")
        self.record = record
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(latin1_safe(f"Service record - {record.name}"))
        self.set_author(latin1_safe(record.printed_by))
        self.set_creator("cpss-tui")

    def header(self) -> None:
        r = self.record
        self.set_font("Helvetica", "B", 9)
        self.cell(
            0,
            5,
            latin1_safe(f"Service record: {r.name} - Medicaid ID {r.medicaid_id}"),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_draw_color(120, 120, 120)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(80, 80, 80)
        left = latin1_safe(
            f"Printed {self.record.as_of.isoformat()} by {self.record.printed_by} - "
            "confidential: protected health information"
        )
        self.cell(0, 4, left, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"page {self.page_no()} of {{nb}}", align="R")  # {nb}: fpdf2's total-pages alias
        self.set_text_color(0, 0, 0)

    # Drawing helpers ------------------------------------------------------------------------------------------

    def section(self, title: str) -> None:
        if self.will_page_break(22):
            self.add_page()
        self.ln(2)
        self.set_font("Helvetica", "B", 12)
        self.cell(0, 7, latin1_safe(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 10)

    def heading(self, text: str, keep: float = 18) -> None:
        """A bold line kept with at least `keep` mm of what follows it."""
        if self.will_page_break(keep):
            self.add_page()
        self.set_font("Helvetica", "B", 10)
        self.multi_cell(0, self.LINE + 0.4, latin1_safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 10)

    def para(self, text: str, indent: float = 0, size: float = 10, style: str = "") -> None:
        self.set_font("Helvetica", style, size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(
            self.w - self.r_margin - self.l_margin - indent,
            self.LINE,
            latin1_safe(text) or "-",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_font("Helvetica", "", 10)

    def field(self, label: str, value: str, indent: float = 0) -> None:
        self.para(f"{label}: {value}" if value.strip() else f"{label}: -", indent)

    def simple_table(
        self, headings: tuple[str, ...], widths: tuple[float, ...], rows: list[tuple[str, ...]]
    ) -> None:
        def heading_row() -> None:
            self.set_font("Helvetica", "B", 9)
            for text, width in zip(headings, widths, strict=True):
                self.cell(width, 6, text, border="B")
            self.ln(6)
            self.set_font("Helvetica", "", 9)

        heading_row()
        for row in rows:
            if self.will_page_break(6):
                self.add_page()
                heading_row()
            for text, width in zip(row, widths, strict=True):
                self.cell(width, 5.5, latin1_safe(text)[:40])
            self.ln(5.5)
        self.set_font("Helvetica", "", 10)


def _demographics(pdf: _RecordPdf, r: ServiceRecord) -> None:
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 9, "Peer support service record", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    pdf.para(
        f"{SERVICE}. As of {r.as_of.isoformat()}. Signed notes only: drafts and unsigned notes are not part "
        "of the record."
    )
    pdf.section("Member")
    discharged = (
        f"{r.discharged_on.isoformat()} ({r.discharge_reason or 'no reason recorded'})"
        if r.discharged_on
        else "not discharged"
    )
    for label, value in (
        ("Name", r.name),
        ("Medicaid ID", r.medicaid_id),
        ("Birth date", f"{r.birth_date.isoformat()} (age {r.age})"),
        ("Payer", r.payer),
        ("Admitted", r.admitted_on.isoformat()),
        ("Discharged", discharged),
        ("Assigned specialist", r.specialist),
    ):
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(42, pdf.LINE + 0.6, f"{label}:")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, pdf.LINE + 0.6, latin1_safe(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _plans(pdf: _RecordPdf, r: ServiceRecord) -> None:
    pdf.section("Person-Centered Plan")
    if not r.plans:
        pdf.para("No Person-Centered Plan recorded (P-1).", style="B")
        return
    for i, plan in enumerate(r.plans):
        pdf.heading(
            f"{'Current plan' if i == 0 else 'Earlier plan'}: effective {plan.effective.isoformat()}, "
            f"last review {plan.last_review.isoformat() if plan.last_review else 'never'}"
        )
        if not plan.goals:
            pdf.para("No goals recorded.", indent=4)
        for n, goal in enumerate(plan.goals, start=1):
            pdf.para(f"Goal {n} [{goal.status}]: {goal.text}", indent=4, style="B")
            for intervention in goal.interventions:
                pdf.para(f"- {intervention}", indent=10)
            if goal.history:
                history = ", ".join(f"{d.isoformat()} {s}" for d, s in goal.history)
                pdf.para(f"Status history: {history}", indent=10, size=9)
        crisis = plan.crisis
        pdf.heading("Crisis plan", keep=12)
        if not any((crisis.get(k) or "").strip() for k, _ in CRISIS_PARTS[:4]):
            pdf.para("Missing: the plan is incomplete without a crisis plan (P-2).", indent=4, style="B")
        for key, label in CRISIS_PARTS:
            if (crisis.get(key) or "").strip():
                pdf.field(label, crisis[key] or "", indent=4)
        pdf.ln(1)


def _authorizations(pdf: _RecordPdf, r: ServiceRecord) -> None:
    pdf.section("Authorizations")
    if not r.authorizations:
        pdf.para("No prior authorization recorded.")
        return
    pdf.simple_table(
        ("Number", "Start", "End", "Units", "Used", "Remaining"),
        (50, 27, 27, 22, 22, 25),
        [
            (a.number, a.start.isoformat(), a.end.isoformat(), str(a.units), str(a.used), str(a.remaining))
            for a in r.authorizations
        ],
    )
    pdf.para(
        f"Units used are counted as of {r.as_of.isoformat()}, after the day and week caps (U-5, U-9).", size=8
    )
    for a in r.authorizations:
        if a.override_reason:
            pdf.field(f"{a.number} override reason", a.override_reason)


def _notes(pdf: _RecordPdf, r: ServiceRecord) -> None:
    pdf.section(f"Signed service notes ({len(r.notes)})")
    if not r.notes:
        pdf.para("No signed note.")
        return
    total = len(r.notes)
    for i, note in enumerate(r.notes, start=1):
        modifiers = f" ({' '.join(note.modifiers)})" if note.modifiers else ""
        pdf.ln(1.5)
        pdf.heading(
            f"Note {i} of {total} - {note.date.isoformat()} {note.start_time} - {note.contact_type}{modifiers}",
            keep=30,
        )
        billable = ""
        if not note.billable or (note.nonbillable_reason or "").strip():
            billable = " - NOT BILLABLE" + (f": {note.nonbillable_reason}" if note.nonbillable_reason else "")
        pdf.para(
            f"Service: PSS H0038{modifiers} - {note.minutes} min - {note.units} units - place: {note.place}"
            f"{billable}",
            indent=4,
        )
        pdf.field("Specialist", note.staff_name, indent=4)
        if note.contact_type == "audio-only":  # N-5: what an auditor checks on a telephone contact
            verified = {True: "yes", False: "no", None: "not recorded"}[note.identity_verified]
            pdf.field(
                "Audio-only (N-5)",
                f"identity verified with two identifiers: {verified}; consent: {note.consent or 'not recorded'}",
                indent=4,
            )
        pdf.field("PCP goals", "; ".join(note.goals), indent=4)
        pdf.field("Purpose", note.purpose, indent=4)
        pdf.field("Interventions", note.interventions, indent=4)
        pdf.field("Effectiveness", note.effectiveness, indent=4)
        pdf.para(f"Signed by {note.signed_by} on {_when(note.signed_at)}", indent=4, style="I")
        for add in note.addenda:
            if pdf.will_page_break(3 * pdf.LINE):  # the addendum's signature line stays with its text
                pdf.add_page()
            pdf.para(
                f"Addendum to note {i}, signed by {add.signed_by} on {_when(add.signed_at)}:",
                indent=10,
                style="I",
            )
            pdf.para(add.text, indent=10)


def _attempts_and_visits(pdf: _RecordPdf, r: ServiceRecord) -> None:
    pdf.section(f"Contact attempts ({len(r.attempts)})")
    if not r.attempts:
        pdf.para("No contact attempt recorded.")
    for a in r.attempts:
        pdf.para(f"{_when(a.at)[:16]} - {a.method} - {a.outcome} - by {a.staff_name}: {a.detail}")
    pdf.section(f"Licensed professional visits ({len(r.visits)})")
    if not r.visits:
        pdf.para("No visit recorded.")
    for v in r.visits:
        kind = "face to face" if v.face_to_face else "not face to face"
        pdf.para(f"{v.date.isoformat()} - {v.supervisor} - {kind}: {v.notes}")


def render_service_record(record: ServiceRecord) -> PrintedRecord:
    """The PDF bytes of `record`, with its page count."""
    pdf = _RecordPdf(record)
    pdf.add_page()
    _demographics(pdf, record)
    _plans(pdf, record)
    _authorizations(pdf, record)
    _notes(pdf, record)
    _attempts_and_visits(pdf, record)
    pages = pdf.page_no()
    return PrintedRecord(record.name, bytes(pdf.output()), pages, len(record.notes))


def print_service_record(
    engine: Engine, member_id: str, as_of: date, printed_by: str
) -> PrintedRecord | None:
    """Gather and render the record of `member_id`, or None for an unknown member."""
    record = gather_service_record(engine, member_id, as_of, printed_by)
    return None if record is None else render_service_record(record)


def write_private_pdf(path: Path, content: bytes) -> None:
    """Write the PDF private to the user (0600: it holds PHI); a file this call created is removed on failure."""
    from cpss_tui.locations import ensure_private_file

    if path.is_dir():
        raise IsADirectoryError(21, "is a folder; name a file in it", str(path))
    existed = path.exists()
    ensure_private_file(path)
    try:
        os.chmod(path, 0o600)  # a file being replaced keeps its old mode otherwise
        path.write_bytes(content)
    except OSError:
        if not existed:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
