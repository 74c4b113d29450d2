"""Service notes (N-1..N-7), from NC 8G Documentation Requirements and WNC.CP.231 (telephonic criteria V.G,
V.H and the coding table).

Why a list of problems and not a yes/no: a specialist fixing a note needs every missing field named at once,
each with the rule behind it; the same list is what the CLI prints on refusing an import (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Final

from cpss_tui.rules.problems import Problem
from cpss_tui.rules.profiles import DEFAULT_MODIFIERS, PayerProfile

SERVICE_CODE: Final = "H0038"  # N-1: Peer Support Services (WNC.CP.231 coding table)

# N-1: what a signed note records, with the words a form shows. Member name and Medicaid ID come from the
# member
# record; signer name and credentials from the staff record.
REQUIRED_NOTE_FIELDS: Final[tuple[tuple[str, str], ...]] = (
    ("member_name", "Member's name"),
    ("medicaid_id", "Medicaid ID"),
    ("service", "Service (PSS, H0038)"),
    ("date", "Date of service"),
    ("start_time", "Start time"),
    ("minutes", "Duration in minutes"),
    ("place", "Place of service"),
    ("contact_type", "Type of contact"),
    ("purpose", "Purpose of the contact"),
    ("interventions", "The specialist's interventions"),
    ("effectiveness", "Effectiveness of the interventions"),
    ("goal_ids", "Linked PCP goals"),
    ("signer_name", "Signing staff member's name"),
    ("signer_credentials", "Signing staff member's credentials"),
)

CONSENT_KINDS: Final = ("verbal", "written")
CONSENT_NOT_OBTAINED: Final = "not-obtained:"


def modifiers(contact_type: str, profile: PayerProfile | None = None) -> tuple[str, ...]:
    """N-4: billing modifiers for H0038: group → HQ, telehealth → GT, audio-only → KX (WNC.CP.231; group is
    not eligible for telehealth or telephonic delivery, so a group note is always in person)."""
    table = dict(profile.modifiers if profile is not None else DEFAULT_MODIFIERS)
    return (table[contact_type],) if contact_type in table else ()


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value <= 0
    if isinstance(value, list | tuple | set | frozenset | dict):
        return len(value) == 0
    return False


def missing_fields(note: Mapping[str, object]) -> list[Problem]:
    """N-1/N-2: every required field that is absent or empty, each named with its rule; a note cannot be
    signed while this is non-empty (drafts may be incomplete)."""
    return [
        Problem("N-1", key, f"{label} is required before the note can be signed (N-1, N-2).")
        for key, label in REQUIRED_NOTE_FIELDS
        if _empty(note.get(key))
    ]


def locked_note_problem(signed: bool) -> Problem | None:
    """N-3: a signed note is locked; it can no longer be edited or deleted, only given addenda."""
    if signed:
        return Problem("N-3", "note", "This note is signed and locked; add an addendum instead (N-3).")
    return None


def audio_only_problems(identity_verified: bool, consent: str | None) -> list[Problem]:
    """N-5: an audio-only note needs identity verified with two identifiers (WNC.CP.231 V.H) and consent,
    verbal or written, or "not-obtained: <reason>" (V.G)."""
    problems: list[Problem] = []
    if not identity_verified:
        problems.append(
            Problem(
                "N-5", "identity_verified", "Audio-only: verify identity with two identifiers first (N-5)."
            )
        )
    text = (consent or "").strip()
    if text in CONSENT_KINDS:
        return problems
    if text.startswith(CONSENT_NOT_OBTAINED):
        if text[len(CONSENT_NOT_OBTAINED) :].strip():
            return problems
        problems.append(Problem("N-5", "consent", "Audio-only: say why consent could not be obtained (N-5)."))
        return problems
    problems.append(
        Problem(
            "N-5",
            "consent",
            "Audio-only: record verbal or written consent, or why it could not be obtained (N-5).",
        )
    )
    return problems


def _as_time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _span(day: date, start: time | str, minutes: int) -> tuple[datetime, datetime]:
    begin = datetime.combine(day, _as_time(start))
    return begin, begin + timedelta(minutes=minutes)


def validate_note_dates(
    *,
    note_date: date,
    start: time | str,
    minutes: int,
    as_of: date,
    admitted: date,
    discharged: date | None,
    others: Iterable[tuple[date, time | str, int]] = (),
) -> list[Problem]:
    """N-6: refuse a note dated in the future (after `as_of`), before admission, after discharge, or
    overlapping in time another note of the same specialist (`others`: date, start, minutes; leave out the
    note itself).

    Times are half-open [start, start + minutes): a note ending at 10:00 and one starting at 10:00 do not
    overlap. A note may run past midnight, so pass the previous day's notes too.
    """
    problems: list[Problem] = []
    if note_date > as_of:
        problems.append(
            Problem("N-6", "date", f"The date {note_date} is in the future (today is {as_of}) (N-6).")
        )
    if note_date < admitted:
        problems.append(
            Problem("N-6", "date", f"The date {note_date} is before admission on {admitted} (N-6).")
        )
    if discharged is not None and note_date > discharged:
        problems.append(
            Problem("N-6", "date", f"The date {note_date} is after discharge on {discharged} (N-6).")
        )
    begin, end = _span(note_date, start, minutes)
    for other_date, other_start, other_minutes in others:
        other_begin, other_end = _span(other_date, other_start, other_minutes)
        if begin < other_end and other_begin < end:
            problems.append(
                Problem(
                    "N-6",
                    "start_time",
                    f"Overlaps your note of {other_begin:%Y-%m-%d %H:%M}-{other_end:%H:%M} (N-6).",
                )
            )
            break
    return problems


def before_service_order(note_date: date, service_order_date: date | None) -> Problem | None:
    """N-7: a note dated before the member's service order date is flagged (8G: the order must be in place
    "prior to or on the day that the service is initially provided"); no order date recorded, no flag."""
    if service_order_date is not None and note_date < service_order_date:
        return Problem(
            "N-7",
            "date",
            f"Dated before the service order of {service_order_date}; Medicaid will not pay for it (N-7).",
        )
    return None
