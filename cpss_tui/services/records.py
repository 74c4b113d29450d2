"""Writing clinical records from the screens: attempts, note drafts, signing, addenda.

Each function is one unit of work with the acting staff member recorded for the audit triggers. Checks come
from the pure rules; a refusal raises `RecordRefused` with every problem (field + rule + words) and writes
nothing.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import pendulum
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from cpss_tui.data import settings
from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.models import (
    Attempt,
    Authorization,
    Goal,
    Intervention,
    Member,
    Note,
    NoteAddendum,
    NoteDraft,
    NoteGoal,
    Pcp,
    Staff,
    utcnow,
)
from cpss_tui.rules import notes as note_rules
from cpss_tui.rules import units as unit_rules
from cpss_tui.rules import weeks
from cpss_tui.rules.problems import Problem
from cpss_tui.services.refusals import RecordRefused
from cpss_tui.vocab import ATTEMPT_METHODS, ATTEMPT_OUTCOMES, CONTACT_TYPES, PLACES

__all__ = ["RecordRefused"]


# --- attempts (C-2) -------------------------------------------------------------------------------------------


def default_attempt_time(engine: Engine, as_of: date) -> str:
    """Now in the agency's time zone as 'YYYY-MM-DD HH:MM' (on `as_of` when the app runs as of another day)."""
    tz = settings.load_agency_settings(engine).timezone
    now = pendulum.now(tz)
    if now.date() != as_of:
        now = pendulum.datetime(as_of.year, as_of.month, as_of.day, now.hour, now.minute, tz=tz)
    return now.format("YYYY-MM-DD HH:mm")


def log_attempt(
    engine: Engine,
    *,
    actor: str,
    member_id: str,
    when: str,
    method: str,
    outcome: str,
    detail: str,
    as_of: date,
) -> str:
    """Record a documented attempt (C-2); refuses a bad time, a future time or a word outside the vocabulary."""
    tz = settings.load_agency_settings(engine).timezone
    problems: list[Problem] = []
    at: pendulum.DateTime | None = None
    try:
        at = pendulum.from_format(when.strip(), "YYYY-MM-DD HH:mm", tz=tz)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        problems.append(Problem("C-2", "at", f"Time must look like 2026-11-20 09:15, not {when!r}."))
    if at is not None and at.date() > as_of:
        problems.append(
            Problem("C-2", "at", f"An attempt cannot be in the future (after {as_of.isoformat()}).")
        )
    if method not in ATTEMPT_METHODS:
        problems.append(Problem("C-2", "method", f"Method must be one of {', '.join(ATTEMPT_METHODS)}."))
    if outcome not in ATTEMPT_OUTCOMES:
        problems.append(Problem("C-2", "outcome", f"Outcome must be one of {', '.join(ATTEMPT_OUTCOMES)}."))
    with read_session(engine) as session:
        member = session.get(Member, member_id)
        if member is None:
            problems.append(Problem("C-2", "member", "No such member."))
        elif at is not None and at.date() < member.admitted_on:
            problems.append(
                Problem("C-2", "at", f"The member was admitted on {member.admitted_on}; pick a later time.")
            )
    if problems or at is None:
        raise RecordRefused(problems)
    row = Attempt(
        member_id=member_id,
        staff_id=actor,
        at=at.isoformat(),
        at_utc=at.in_timezone("UTC"),
        on_date=at.date(),
        method=method,
        outcome=outcome,
        detail=detail.strip(),
    )
    with write_session(engine, actor) as session:
        session.add(row)
    return row.id


# --- the note form's context ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalOption:
    """A current PCP goal the note may link (P-3), with its interventions."""

    id: str
    text: str
    interventions: tuple[str, ...]


@dataclass(frozen=True)
class NoteContext:
    """What the note form shows and offers for one member and signer."""

    member_id: str
    member_name: str
    medicaid_id: str
    payer: str
    admitted_on: date
    discharged_on: date | None
    service_order_date: date | None
    goals: tuple[GoalOption, ...]
    signer_name: str
    signer_credentials: str

    @property
    def interventions(self) -> list[str]:
        """Every intervention of the current goals, in PCP order, without repeats."""
        seen: dict[str, None] = {}
        for goal in self.goals:
            for text in goal.interventions:
                seen.setdefault(text, None)
        return list(seen)


def current_goals(session: Any, member_id: str, as_of: date | None = None) -> list[GoalOption]:
    """The member's current PCP goals that can be worked on (active or revised; P-3, P-4)."""
    pcp_q = select(Pcp.id).where(Pcp.member_id == member_id)
    if as_of is not None:
        pcp_q = pcp_q.where(Pcp.effective <= as_of)
    pcp_id = session.scalar(pcp_q.order_by(Pcp.effective.desc(), Pcp.id.desc()).limit(1))
    if pcp_id is None:
        return []
    goals = session.execute(
        select(Goal.id, Goal.text)
        .where(Goal.pcp_id == pcp_id, Goal.status.in_(("active", "revised")))
        .order_by(Goal.id)
    ).all()
    by_goal: dict[str, list[str]] = {g.id: [] for g in goals}
    for goal_id, text in session.execute(
        select(Intervention.goal_id, Intervention.text)
        .where(Intervention.goal_id.in_(list(by_goal)))
        .order_by(Intervention.goal_id, Intervention.position)
    ):
        by_goal[goal_id].append(text)
    return [GoalOption(g.id, g.text, tuple(by_goal[g.id])) for g in goals]


def current_goal_ids(session: Any, member_id: str) -> set[str]:
    """The ids of `current_goals` in one statement: all that signing needs to check the links (P-3)."""
    latest_pcp = (
        select(Pcp.id)
        .where(Pcp.member_id == member_id)
        .order_by(Pcp.effective.desc(), Pcp.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return set(
        session.scalars(
            select(Goal.id).where(Goal.pcp_id == latest_pcp, Goal.status.in_(("active", "revised")))
        )
    )


def note_context(engine: Engine, member_id: str, staff_id: str) -> NoteContext:
    """Member header, current goals and interventions, and the signer, for the note form."""
    with read_session(engine) as session:
        member = session.get(Member, member_id)
        staff = session.get(Staff, staff_id)
        if member is None or staff is None:
            raise RecordRefused([Problem("N-1", "member", "No such member or staff member.")])
        goals = current_goals(session, member_id)
        return NoteContext(
            member.id,
            member.name,
            member.medicaid_id,
            member.payer,
            member.admitted_on,
            member.discharged_on,
            member.service_order_date,
            tuple(goals),
            staff.name,
            staff.credentials,
        )


def default_note_fields(engine: Engine, as_of: date) -> dict[str, Any]:
    """A new note's defaults: dated `as_of`, billable."""
    return {"date": as_of.isoformat(), "billable": True}


# --- drafts (N-2) -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftView:
    """A saved draft."""

    id: str
    member_id: str
    staff_id: str
    fields: dict[str, Any]
    saved_at: datetime


def find_draft(engine: Engine, staff_id: str, member_id: str) -> DraftView | None:
    """This staff member's latest draft for the member, to reopen after a close or a crash."""
    with read_session(engine) as session:
        row = session.scalars(
            select(NoteDraft)
            .where(NoteDraft.staff_id == staff_id, NoteDraft.member_id == member_id)
            .order_by(NoteDraft.updated_at.desc())
            .limit(1)
        ).first()
        return (
            None
            if row is None
            else DraftView(row.id, row.member_id, row.staff_id, json.loads(row.fields_json), row.updated_at)
        )


def list_drafts(engine: Engine, staff_id: str) -> list[DraftView]:
    """Every draft of a staff member, newest first."""
    with read_session(engine) as session:
        rows = session.scalars(
            select(NoteDraft).where(NoteDraft.staff_id == staff_id).order_by(NoteDraft.updated_at.desc())
        ).all()
        return [
            DraftView(r.id, r.member_id, r.staff_id, json.loads(r.fields_json), r.updated_at) for r in rows
        ]


def save_draft(
    engine: Engine, actor: str, draft_id: str | None, member_id: str, fields: dict[str, Any]
) -> str:
    """Insert or update the draft; returns its id. Cheap: one small row, one transaction."""
    encoded = json.dumps(fields, sort_keys=True, default=str)
    with write_session(engine, actor) as session:
        row = session.get(NoteDraft, draft_id) if draft_id else None
        if row is None:
            row = NoteDraft(member_id=member_id, staff_id=actor, fields_json=encoded)
            if draft_id:
                row.id = draft_id
            session.add(row)
        else:
            row.fields_json = encoded
            row.updated_at = utcnow()
        return row.id


def discard_draft(engine: Engine, draft_id: str, actor: str | None = None) -> None:
    """Delete an unsigned draft (the specialist chose to)."""
    with write_session(engine, actor) as session:
        session.execute(delete(NoteDraft).where(NoteDraft.id == draft_id))


# --- checking a note (N-1..N-7, P-3, U-1..U-9) -----------------------------------------------------------------


@dataclass(frozen=True)
class NoteCheck:
    """What the form shows before signing: refusals, flags, units and modifiers."""

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    units: int
    billable_units: int
    modifiers: tuple[str, ...]


def _parse_minutes(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except ValueError:
        return None
    return minutes


def _parse_time(value: str) -> time | None:
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        return None
    return parsed if len(value) == 5 else None


def note_text_interventions(fields: dict[str, Any]) -> str:
    """The note's interventions text: the PCP interventions picked, then the specialist's own words."""
    parts = [str(p) for p in fields.get("picked_interventions") or []]
    free = str(fields.get("interventions") or "").strip()
    if free:
        parts.append(free)
    return "; ".join(parts)


def check_note(
    engine: Engine,
    member_id: str,
    staff_id: str,
    fields: dict[str, Any],
    as_of: date,
    values: dict[str, Any] | None = None,
    within: Session | None = None,
) -> NoteCheck:
    """Every problem that would stop signing, and every flag, for the fields as typed.

    `values` are the settings when the caller has them already; `within` is the caller's session (signing
    checks inside its own write transaction, so no overlapping note can slip in between check and insert).
    """
    if values is None:
        values = settings.get_all(engine)
    agency = settings.agency_settings_from(values)
    profiles = settings.profiles_from(values)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    note_date: date | None = None
    try:
        note_date = date.fromisoformat(str(fields.get("date") or ""))
    except ValueError:
        problems.append(Problem("N-1", "date", "Date is required as YYYY-MM-DD (N-1)."))
    if note_date is not None and note_date.year < 1900:
        problems.append(Problem("N-1", "date", f"{note_date} is not a service date: check the year (N-1)."))
        note_date = None
    start = _parse_time(str(fields.get("start_time") or ""))
    if start is None:
        problems.append(Problem("N-1", "start_time", "Start time is required as HH:MM, 24-hour (N-1)."))
    minutes = _parse_minutes(fields.get("minutes"))
    if minutes is None or minutes <= 0 or minutes > 1440:
        problems.append(Problem("N-1", "minutes", "Duration is required: whole minutes, 1 to 1440 (N-1)."))
    contact_type = fields.get("contact_type")
    place = fields.get("place")
    if contact_type not in CONTACT_TYPES:
        problems.append(Problem("N-1", "contact_type", "Contact type is required (N-1)."))
    if place not in PLACES:
        problems.append(Problem("N-1", "place", "Place of service is required (N-1)."))
    for key, label in (("purpose", "Purpose"), ("effectiveness", "Effectiveness")):
        if not str(fields.get(key) or "").strip():
            problems.append(Problem("N-1", key, f"{label} is required before signing (N-1, N-2)."))
    if not note_text_interventions(fields):
        problems.append(
            Problem(
                "N-1",
                "interventions",
                "Interventions are required: pick from the PCP or describe them (N-1, N-2).",
            )
        )
    billable = bool(fields.get("billable", True))
    if not billable and not str(fields.get("nonbillable_reason") or "").strip():
        problems.append(Problem("U-2", "nonbillable_reason", "Say why this time is not billable (U-2)."))

    with nullcontext(within) if within is not None else read_session(engine) as session:
        member = session.get(Member, member_id)
        staff = session.get(Staff, staff_id)
        if member is None or staff is None:
            return NoteCheck((Problem("N-1", "member", "No such member or staff member."),), (), 0, 0, ())
        goal_ids = [str(g) for g in fields.get("goal_ids") or []]
        offered = current_goal_ids(session, member_id)
        if not goal_ids:
            problems.append(Problem("P-3", "goal_ids", "Link at least one PCP goal (P-3)."))
        elif not set(goal_ids) <= offered:
            problems.append(
                Problem("P-3", "goal_ids", "Only the member's current PCP goals can be linked (P-3).")
            )
        if contact_type == "audio-only":
            consent = fields.get("consent")
            reason = str(fields.get("consent_reason") or "").strip()
            consent_value = f"not-obtained: {reason}" if consent == "not-obtained" else consent
            problems += note_rules.audio_only_problems(bool(fields.get("identity_verified")), consent_value)
        others: list[tuple[date, str, int]] = []
        if note_date is not None:
            others = [
                (d, s, m)
                for d, s, m in session.execute(
                    select(Note.date, Note.start_time, Note.minutes).where(
                        Note.staff_id == staff_id,
                        Note.date >= date.fromordinal(note_date.toordinal() - 1),
                        Note.date <= note_date,
                    )
                )
            ]
        profile = profiles[member.payer]
        unit_count = 0
        billable_units = 0
        if note_date is not None and start is not None and minutes is not None and minutes > 0:
            problems += note_rules.validate_note_dates(
                note_date=note_date,
                start=start,
                minutes=minutes,
                as_of=as_of,
                admitted=member.admitted_on,
                discharged=member.discharged_on,
                others=others,
            )
            flag = note_rules.before_service_order(note_date, member.service_order_date)
            if flag is not None:
                warnings.append(flag)
            unit_count = unit_rules.billable_units(
                minutes=minutes,
                billable=billable,
                nonbillable_reason=fields.get("nonbillable_reason") or None,
                contact_type=str(contact_type or ""),
                profile=profile,
            )
            billable_units, cap_warnings = _cap_preview(
                session, member, note_date, start, unit_count, profile, agency
            )
            warnings += cap_warnings
        modifiers = tuple(note_rules.modifiers(str(contact_type))) if contact_type in CONTACT_TYPES else ()
    return NoteCheck(tuple(problems), tuple(warnings), unit_count, billable_units, modifiers)


def _cap_preview(
    session: Any, member: Member, note_date: date, start: time, unit_count: int, profile: Any, agency: Any
) -> tuple[int, list[Problem]]:
    """U-3/U-4/U-5/U-9: how many of the new note's units stay billable after caps, and why not."""
    auth = session.execute(
        select(Authorization.id, Authorization.start_date, Authorization.end_date, Authorization.units).where(
            Authorization.member_id == member.id,
            Authorization.start_date <= note_date,
            Authorization.end_date >= note_date,
        )
    ).first()
    week_start, week_end = weeks.week_bounds(note_date, agency.week_start)
    lower = min(week_start, weeks.week_bounds(auth.start_date, agency.week_start)[0]) if auth else week_start
    upper = max(week_end, auth.end_date) if auth else week_end
    rows = session.execute(
        select(
            Note.id,
            Note.date,
            Note.start_time,
            Note.minutes,
            Note.billable,
            Note.nonbillable_reason,
            Note.contact_type,
        )
        .where(Note.member_id == member.id, Note.date >= lower, Note.date <= upper)
        .order_by(Note.date, Note.start_time, Note.id)
    ).all()
    new_key = "(this note)"
    inputs = [
        unit_rules.CapInput(
            key=r.id,
            day=r.date,
            start_time=r.start_time,
            units=unit_rules.billable_units(
                minutes=r.minutes,
                billable=r.billable,
                nonbillable_reason=r.nonbillable_reason,
                contact_type=r.contact_type,
                profile=profile,
            ),
            in_authorization=auth is not None and auth.start_date <= r.date <= auth.end_date,
        )
        for r in rows
    ]
    inputs.append(
        unit_rules.CapInput(
            key=new_key,
            day=note_date,
            start_time=start.strftime("%H:%M"),
            units=unit_count,
            in_authorization=auth is not None,
        )
    )
    inputs.sort(key=lambda c: (c.day, c.start_time, c.key))
    capped = unit_rules.apply_caps(
        inputs,
        admitted=member.admitted_on,
        week_start=agency.week_start,
        profile=profile,
        authorized=auth.units if auth else None,
    )
    mine = next(c for c in capped if c.key == new_key)
    warnings: list[Problem] = []
    if mine.excess > 0:
        warnings.append(
            Problem(
                "U-9",
                "minutes",
                f"Over cap: {mine.excess} of {unit_count} units are not billable ({mine.reason}). "
                "The note can still be signed; it will be flagged over-cap (U-9).",
            )
        )
    if auth is None and unit_count > 0:
        warnings.append(
            Problem("U-6", "date", "No authorization covers this date: the units are unauthorized (U-6).")
        )
    return mine.billable, warnings


# --- signing (N-2, N-3) and addenda ------------------------------------------------------------------------------


def _signed_at(tz: str) -> str:
    """Now in the agency's zone, to the second, with its offset (the signature time)."""
    return pendulum.now(tz).replace(microsecond=0).isoformat()


def sign_note(
    engine: Engine, actor: str, draft_id: str | None, member_id: str, fields: dict[str, Any], as_of: date
) -> str:
    """Turn the draft into a signed, locked note (N-3); refuses with every N-1..N-6/P-3 problem named."""
    consent = fields.get("consent")
    if fields.get("contact_type") == "audio-only" and consent == "not-obtained":
        consent = f"not-obtained: {str(fields.get('consent_reason') or '').strip()}"
    with write_session(engine, actor) as session:
        # Settings and checks are read inside the write transaction (BEGIN IMMEDIATE): what was checked is
        # what is saved (N-6), and no second transaction is paid for.
        values = settings.read_all(session)
        signed_at = _signed_at(settings.agency_settings_from(values).timezone)
        check = check_note(engine, member_id, actor, fields, as_of, values, within=session)
        if check.problems:
            raise RecordRefused(list(check.problems))
        staff = session.get(Staff, actor)
        assert staff is not None
        note = Note(
            member_id=member_id,
            staff_id=actor,
            date=date.fromisoformat(fields["date"]),
            start_time=str(fields["start_time"]),
            minutes=int(fields["minutes"]),
            billable=bool(fields.get("billable", True)),
            nonbillable_reason=(str(fields.get("nonbillable_reason") or "").strip() or None)
            if not fields.get("billable", True)
            else None,
            contact_type=str(fields["contact_type"]),
            place=str(fields["place"]),
            purpose=str(fields["purpose"]).strip(),
            interventions=note_text_interventions(fields),
            effectiveness=str(fields["effectiveness"]).strip(),
            identity_verified=bool(fields.get("identity_verified"))
            if fields.get("contact_type") == "audio-only"
            else None,
            consent=consent if fields.get("contact_type") == "audio-only" else None,
            signed_at=signed_at,
            signed_by_name=staff.name,
            signed_by_credentials=staff.credentials,
        )
        session.add(note)
        session.flush()
        for goal_id in sorted(set(fields.get("goal_ids") or [])):
            session.add(NoteGoal(note_id=note.id, goal_id=goal_id))
        if draft_id:
            session.execute(delete(NoteDraft).where(NoteDraft.id == draft_id))
        return note.id


def add_addendum(engine: Engine, actor: str, note_id: str, text: str) -> str:
    """A dated, signed correction under a signed note (N-3); the note itself never changes."""
    if not text.strip():
        raise RecordRefused([Problem("N-3", "text", "An addendum needs its text.")])
    with write_session(engine, actor) as session:
        note = session.get(Note, note_id)
        staff = session.get(Staff, actor)
        if note is None or staff is None:
            raise RecordRefused([Problem("N-3", "note", "No such note.")])
        if note.signed_at is None:
            raise RecordRefused(
                [Problem("N-3", "note", "Only a signed note takes addenda; edit the note instead.")]
            )
        row = NoteAddendum(
            note_id=note_id,
            staff_id=actor,
            text=text.strip(),
            signed_at=_signed_at(settings.load_agency_settings(engine).timezone),
            signed_by_name=staff.name,
            signed_by_credentials=staff.credentials,
        )
        session.add(row)
        return row.id
