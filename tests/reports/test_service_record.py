"""The printed service record (issue 6, item 5): `cpss-tui print member ID -o FILE.pdf` on the demo agency.

The PDF is read back with pypdf: every page names the member (name and Medicaid ID) and says "page N of M",
who printed it and when; every signed note is there once, in date order, with its purpose and addenda; drafts
and unsigned notes are not. Text the core font cannot encode (curly quotes, dashes, emoji) is replaced, not a
crash.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import func, select

from cpss_tui.cli import run
from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.demo import generate
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import Member, Note, NoteAddendum, Staff
from cpss_tui.reports.service_record import latin1_safe
from cpss_tui.services.records import add_addendum, save_draft
from cpss_tui.services.staff import set_current_user

AS_OF = date(2026, 11, 22)
TRICKY = "Called back \u2014 she said \u201cthanks\u201d \U0001f44d\U0001f3fd, caf\u00e9 at 3\u20135pm\u2026 \u4f60\u597d"
TRICKY_PRINTED = 'Called back - she said "thanks" ?, café at 3-5pm... ??'
LONG_WORD = "x" * 300  # no space to wrap at: fpdf2 must break it, not fail
DRAFT_TEXT = "Draft purpose zqxj never printed"
UNSIGNED_TEXT = "Unsigned purpose vwkp never printed"
HEADING = re.compile(r"Note (\d+) of (\d+) - (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})")


@dataclass(frozen=True)
class Agency:
    db: Path
    member_id: str
    name: str
    medicaid_id: str
    printer: str  # "Name, credentials" of the current user


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agency]:
    """The demo agency; the member with the most signed notes among those with an addendum, given a tricky
    addendum, a draft and an unsigned note."""
    db = tmp_path_factory.mktemp("service-record") / "demo.db"
    engine = open_database(db).engine
    generate(engine, as_of=AS_OF)
    with read_session(engine) as session:
        with_addendum = select(Note.member_id).join(NoteAddendum, NoteAddendum.note_id == Note.id)
        member_id = session.scalars(
            select(Note.member_id)
            .where(Note.member_id.in_(with_addendum), Note.signed_at.is_not(None))
            .group_by(Note.member_id)
            .order_by(func.count().desc(), Note.member_id)
        ).first()
        assert member_id is not None
        member = session.get(Member, member_id)
        assert member is not None
        staff = session.get(Staff, member.specialist_id)
        assert staff is not None
        name, medicaid_id, specialist = member.name, member.medicaid_id, staff.id
        printer = f"{staff.name}, {staff.credentials}"
        first_signed = session.scalars(
            select(Note.id)
            .where(Note.member_id == member_id, Note.signed_at.is_not(None))
            .order_by(Note.date, Note.start_time)
        ).first()
    assert first_signed is not None
    set_current_user(engine, specialist)
    add_addendum(engine, specialist, first_signed, TRICKY)
    add_addendum(engine, specialist, first_signed, f"Long reference {LONG_WORD} end of reference.")
    save_draft(engine, specialist, None, member_id, {"date": AS_OF.isoformat(), "purpose": DRAFT_TEXT})
    with write_session(engine, specialist) as session:
        session.add(
            Note(
                member_id=member_id,
                staff_id=specialist,
                date=AS_OF - timedelta(days=1),
                start_time="23:00",
                minutes=30,
                contact_type="face-to-face",
                place="home",
                purpose=UNSIGNED_TEXT,
                interventions="Listened.",
                effectiveness="Fine.",
            )
        )
    engine.dispose()
    yield Agency(db, member_id, name, medicaid_id, printer)


@dataclass(frozen=True)
class Printed:
    pages: list[str]
    body: str  # every page without its header and footer lines, whitespace normalised
    stdout: str
    path: Path


@pytest.fixture(scope="module")
def printed(agency: Agency, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    out = tmp_path_factory.mktemp("out") / "record.pdf"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = run(
            [
                "--db",
                str(agency.db),
                "--as-of",
                AS_OF.isoformat(),
                "print",
                "member",
                agency.member_id,
                "-o",
                str(out),
            ]
        )
    assert code == 0
    pages = [page.extract_text() for page in PdfReader(out).pages]
    bodies = []
    for text in pages:
        lines = text.splitlines()
        assert lines[0].startswith("Service record:") and lines[-1].startswith("Printed ")
        bodies.append("\n".join(lines[1:-1]))
    return Printed(pages, _norm("\n".join(bodies)), buffer.getvalue(), out)


def _signed_notes(agency: Agency) -> list[tuple[Note, list[NoteAddendum]]]:
    engine = open_database(agency.db).engine
    try:
        with read_session(engine) as session:
            notes = session.scalars(
                select(Note)
                .where(Note.member_id == agency.member_id, Note.signed_at.is_not(None))
                .order_by(Note.date, Note.start_time)
            ).all()
            return [
                (
                    n,
                    list(
                        session.scalars(
                            select(NoteAddendum)
                            .where(NoteAddendum.note_id == n.id)
                            .order_by(NoteAddendum.signed_at)
                        )
                    ),
                )
                for n in notes
            ]
    finally:
        engine.dispose()


def test_every_page_names_the_member_and_counts_pages(agency: Agency, printed: Printed) -> None:
    total = len(printed.pages)
    assert total > 1
    for number, text in enumerate(printed.pages, start=1):
        header, footer = text.splitlines()[0], text.splitlines()[-1]
        assert agency.name in header and agency.medicaid_id in header
        assert footer.endswith(f"page {number} of {total}")
        assert f"Printed {AS_OF.isoformat()} by {agency.printer}" in footer
    assert stat.S_IMODE(os.stat(printed.path).st_mode) == 0o600  # PHI: private to the user
    assert printed.path.read_bytes().startswith(b"%PDF-")


def test_the_summary_line_counts_pages_and_notes(agency: Agency, printed: Printed) -> None:
    signed = len(_signed_notes(agency))
    assert printed.stdout.strip() == (
        f"service record of {agency.name} written to {printed.path} ({len(printed.pages)} pages, {signed} notes)"
    )


def test_every_signed_note_in_date_order_with_purpose_signature_and_addenda(
    agency: Agency, printed: Printed
) -> None:
    notes = _signed_notes(agency)
    body = printed.body
    headings = list(HEADING.finditer(body))
    # Each signed note once, in date and time order; the unsigned note is not among them.
    assert [(m.group(3), m.group(4)) for m in headings] == [(str(n.date), n.start_time) for n, _ in notes]
    assert all(int(m.group(2)) == len(notes) for m in headings)
    addenda_seen = 0
    for i, (note, addenda) in enumerate(notes):
        end = headings[i + 1].start() if i + 1 < len(notes) else len(body)
        block = body[headings[i].start() : end]
        assert f"Purpose: {_norm(latin1_safe(note.purpose))}" in block
        assert f"Interventions: {_norm(latin1_safe(note.interventions))}" in block
        assert f"Signed by {note.signed_by_name}, {note.signed_by_credentials} on" in block
        assert note.signed_at is not None and note.signed_at.replace("T", " ") in block
        for add in addenda:
            # Without spaces: the long word of one addendum is broken across lines.
            assert latin1_safe(add.text).replace(" ", "") in block.replace(" ", "")
            signature = (
                f"Addendum to note {i + 1}, signed by {add.signed_by_name}, {add.signed_by_credentials}"
            )
            assert f"{signature} on {add.signed_at.replace('T', ' ')}:" in block
            addenda_seen += 1
    assert addenda_seen >= 3  # the demo's addendum and the two added here


def test_text_the_core_font_cannot_encode_is_replaced(printed: Printed) -> None:
    assert TRICKY_PRINTED in printed.body
    assert "Long reference" in printed.body and "end of reference." in printed.body
    assert LONG_WORD in printed.body.replace(" ", "")  # broken across lines, every character kept


def test_drafts_and_unsigned_notes_are_not_printed(printed: Printed) -> None:
    everything = "\n".join(printed.pages)
    assert DRAFT_TEXT not in everything
    assert UNSIGNED_TEXT not in everything


def test_plan_crisis_plan_authorizations_and_demographics_are_printed(
    agency: Agency, printed: Printed
) -> None:
    from cpss_tui.services.member_record import load_member_record

    engine = open_database(agency.db).engine
    try:
        record = load_member_record(engine, agency.member_id, "", AS_OF)
    finally:
        engine.dispose()
    assert record is not None and record.plans and record.authorizations
    body = printed.body
    assert f"Birth date: {record.birth_date}" in body and f"Admitted: {record.admitted_on}" in body
    assert f"Assigned specialist: {record.specialist}" in body and f"Payer: {record.payer}" in body
    for goal in record.plans[0].goals:
        assert _norm(f"[{goal.status}]: {latin1_safe(goal.text)}") in body
        for intervention in goal.interventions:
            assert _norm(latin1_safe(intervention)) in body
    crisis = record.plans[0].crisis
    assert f"Triggers: {_norm(crisis['triggers'] or '')}" in body
    assert f"Crisis contacts: {_norm(crisis['contacts'] or '')}" in body
    for auth in record.authorizations:
        assert f"{auth.number} {auth.start} {auth.end} {auth.units} {auth.used} {auth.remaining}" in body


def test_unknown_member_is_refused_naming_id_and_writes_nothing(
    agency: Agency, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nobody.pdf"
    code = run(
        [
            "--db",
            str(agency.db),
            "--as-of",
            AS_OF.isoformat(),
            "print",
            "member",
            "no-such-id",
            "-o",
            str(out),
        ]
    )
    assert code == 2
    assert "ID: no member with id 'no-such-id'" in capsys.readouterr().err
    assert not out.exists()


def test_a_folder_as_output_is_refused_naming_the_option(
    agency: Agency, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        [
            "--db",
            str(agency.db),
            "--as-of",
            AS_OF.isoformat(),
            "print",
            "member",
            agency.member_id,
            "-o",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert "--output: cannot write" in capsys.readouterr().err
    assert stat.S_IMODE(os.stat(tmp_path).st_mode) != 0o600  # the folder's mode is left alone


def test_output_is_required() -> None:
    with pytest.raises(SystemExit) as exc:
        run(["print", "member", "x"])
    assert exc.value.code == 2


@given(st.text())
def test_latin1_safe_always_encodes(text: str) -> None:
    safe = latin1_safe(text)
    safe.encode("latin-1")  # what the core font needs: never raises
    assert safe.count("\n") == text.replace("\r", "").count("\n")  # line breaks are kept


def test_latin1_safe_keeps_what_latin1_has_and_replaces_the_rest() -> None:
    assert latin1_safe("Zoë · naïve café ½") == "Zoë · naïve café ½"
    assert latin1_safe("\u2018a\u2019 \u201cb\u201d c\u2014d e\u2013f g\u2026") == "'a' \"b\" c-d e-f g..."
    assert latin1_safe("ok \U0001f600 \u263a\ufe0f \u0141\u00f3d\u017a") == "ok ? ? ?ódz"
    assert latin1_safe("a\tb\r\nc\x00d") == "a    b\ncd"


def test_audio_only_consent_and_non_billable_reason_are_printed(small_db: Path, tmp_path: Path) -> None:
    """N-5 on a telephone contact and the U-2 reason of non-billable time are what an auditor checks."""
    texts = {}
    for member in ("m1", "m2"):
        out = tmp_path / f"{member}.pdf"
        with contextlib.redirect_stdout(io.StringIO()):
            assert (
                run(
                    [
                        "--db",
                        str(small_db),
                        "--as-of",
                        "2026-04-20",
                        "print",
                        "member",
                        member,
                        "-o",
                        str(out),
                    ]
                )
                == 0
            )
        texts[member] = " ".join(page.extract_text() for page in PdfReader(out).pages)
    flat = {k: re.sub(r"\s+", " ", v) for k, v in texts.items()}
    assert "identity verified with two identifiers: yes; consent: verbal" in flat["m2"]
    assert "NOT BILLABLE: transportation" in flat["m1"]
    assert "Audio-only (N-5)" not in flat["m1"]  # only on audio-only notes
