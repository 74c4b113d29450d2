"""Reading one member's record for the member screen: header, notes with addenda, drafts, attempts, plan,
authorizations with units used, visits. One member's history is what this screen is for, so it is loaded
whole; lists are returned newest first as plain dataclasses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, select

from cpss_tui.data import settings
from cpss_tui.data.db import read_session
from cpss_tui.data.models import (
    Attempt,
    Authorization,
    Goal,
    GoalStatusChange,
    Intervention,
    Member,
    Note,
    NoteAddendum,
    NoteDraft,
    NoteGoal,
    Pcp,
    Staff,
    SupervisorVisit,
)
from cpss_tui.rules import members as member_rules
from cpss_tui.rules import notes as note_rules
from cpss_tui.rules import units as unit_rules
from cpss_tui.rules.profiles import PayerProfile


@dataclass(frozen=True)
class AddendumView:
    id: str
    text: str
    signed_at: str
    signed_by: str


@dataclass(frozen=True)
class NoteView:
    id: str
    date: date
    start_time: str
    minutes: int
    units: int
    contact_type: str
    modifiers: tuple[str, ...]
    place: str
    purpose: str
    interventions: str
    effectiveness: str
    goals: tuple[str, ...]
    staff_name: str
    signed_at: str | None
    signed_by: str | None
    billable: bool
    addenda: tuple[AddendumView, ...]
    nonbillable_reason: str | None = None  # U-2
    identity_verified: bool | None = None  # N-5, audio-only
    consent: str | None = None  # N-5: verbal | written | not-obtained: <reason>


@dataclass(frozen=True)
class DraftSummary:
    id: str
    saved_at: datetime
    date: str
    contact_type: str


@dataclass(frozen=True)
class AttemptView:
    id: str
    at: str
    method: str
    outcome: str
    detail: str
    staff_name: str


@dataclass(frozen=True)
class GoalView:
    id: str
    text: str
    status: str
    interventions: tuple[str, ...]
    history: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class PlanView:
    id: str
    effective: date
    last_review: date | None
    goals: tuple[GoalView, ...]
    crisis: dict[str, str | None]


@dataclass(frozen=True)
class AuthorizationView:
    id: str
    number: str
    start: date
    end: date
    units: int
    used: int
    remaining: int
    override_reason: str | None


@dataclass(frozen=True)
class VisitView:
    id: str
    date: date
    supervisor: str
    face_to_face: bool
    notes: str


@dataclass(frozen=True)
class MemberRecord:
    id: str
    name: str
    medicaid_id: str
    payer: str
    birth_date: date
    age: int
    admitted_on: date
    discharged_on: date | None
    discharge_reason: str | None
    specialist: str
    notes: tuple[NoteView, ...]
    drafts: tuple[DraftSummary, ...]
    attempts: tuple[AttemptView, ...]
    plans: tuple[PlanView, ...]
    authorizations: tuple[AuthorizationView, ...]
    visits: tuple[VisitView, ...]


def load_member_record(engine: Engine, member_id: str, staff_id: str, as_of: date) -> MemberRecord | None:
    """Everything the member screen shows, or None for an unknown member."""
    values = settings.get_all(engine)
    profiles = settings.profiles_from(values)
    agency_week_start = settings.agency_settings_from(values).week_start
    with read_session(engine) as session:
        member = session.get(Member, member_id)
        if member is None:
            return None
        profile = profiles[member.payer]
        names = {s.id: (s.name, s.credentials) for s in session.scalars(select(Staff))}
        goal_text = {}
        plans: list[PlanView] = []
        for pcp in session.scalars(
            select(Pcp).where(Pcp.member_id == member_id).order_by(Pcp.effective.desc())
        ):
            goals = []
            for goal in session.scalars(select(Goal).where(Goal.pcp_id == pcp.id).order_by(Goal.id)):
                goal_text[goal.id] = goal.text
                interventions = tuple(
                    session.scalars(
                        select(Intervention.text)
                        .where(Intervention.goal_id == goal.id)
                        .order_by(Intervention.position)
                    )
                )
                history = tuple(
                    (c.changed_on, c.status)
                    for c in session.scalars(
                        select(GoalStatusChange)
                        .where(GoalStatusChange.goal_id == goal.id)
                        .order_by(GoalStatusChange.changed_on)
                    )
                )
                goals.append(GoalView(goal.id, goal.text, goal.status, interventions, history))
            crisis = {
                "triggers": pcp.crisis_triggers,
                "coping": pcp.crisis_coping,
                "supports": pcp.crisis_supports,
                "contacts": pcp.crisis_contacts,
                "wrap": pcp.crisis_wrap,
            }
            plans.append(PlanView(pcp.id, pcp.effective, pcp.last_review, tuple(goals), crisis))

        note_rows = session.scalars(
            select(Note).where(Note.member_id == member_id).order_by(Note.date.desc(), Note.start_time.desc())
        ).all()
        ids = [n.id for n in note_rows]
        links: dict[str, list[str]] = {}
        addenda: dict[str, list[AddendumView]] = {}
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            for link in session.scalars(select(NoteGoal).where(NoteGoal.note_id.in_(chunk))):
                links.setdefault(link.note_id, []).append(goal_text.get(link.goal_id, link.goal_id))
            for add in session.scalars(
                select(NoteAddendum).where(NoteAddendum.note_id.in_(chunk)).order_by(NoteAddendum.signed_at)
            ):
                addenda.setdefault(add.note_id, []).append(
                    AddendumView(
                        add.id, add.text, add.signed_at, f"{add.signed_by_name}, {add.signed_by_credentials}"
                    )
                )
        notes = tuple(
            NoteView(
                n.id,
                n.date,
                n.start_time,
                n.minutes,
                unit_rules.billable_units(
                    minutes=n.minutes,
                    billable=n.billable,
                    nonbillable_reason=n.nonbillable_reason,
                    contact_type=n.contact_type,
                    profile=profile,
                ),
                n.contact_type,
                tuple(note_rules.modifiers(n.contact_type)),
                n.place,
                n.purpose,
                n.interventions,
                n.effectiveness,
                tuple(links.get(n.id, [])),
                names.get(n.staff_id, (n.staff_id, ""))[0],
                n.signed_at,
                f"{n.signed_by_name}, {n.signed_by_credentials}" if n.signed_at else None,
                n.billable,
                tuple(addenda.get(n.id, [])),
                n.nonbillable_reason,
                n.identity_verified,
                n.consent,
            )
            for n in note_rows
        )
        drafts = tuple(
            DraftSummary(
                d.id,
                d.updated_at,
                str(json.loads(d.fields_json).get("date") or ""),
                str(json.loads(d.fields_json).get("contact_type") or ""),
            )
            for d in session.scalars(
                select(NoteDraft)
                .where(NoteDraft.member_id == member_id, NoteDraft.staff_id == staff_id)
                .order_by(NoteDraft.updated_at.desc())
            )
        )
        attempts = tuple(
            AttemptView(a.id, a.at, a.method, a.outcome, a.detail, names.get(a.staff_id, (a.staff_id, ""))[0])
            for a in session.scalars(
                select(Attempt).where(Attempt.member_id == member_id).order_by(Attempt.at_utc.desc())
            )
        )
        auth_rows = session.scalars(
            select(Authorization)
            .where(Authorization.member_id == member_id)
            .order_by(Authorization.start_date.desc())
        ).all()
        used = _units_used_per_authorization(
            notes, auth_rows, member.admitted_on, as_of, profile, agency_week_start
        )
        auths = [
            AuthorizationView(
                a.id,
                a.number,
                a.start_date,
                a.end_date,
                a.units,
                used.get(a.id, 0),
                a.units - used.get(a.id, 0),
                a.override_reason,
            )
            for a in auth_rows
        ]
        visits = tuple(
            VisitView(
                v.id, v.date, names.get(v.supervisor_id, (v.supervisor_id, ""))[0], v.face_to_face, v.notes
            )
            for v in session.scalars(
                select(SupervisorVisit)
                .where(SupervisorVisit.member_id == member_id)
                .order_by(SupervisorVisit.date.desc())
            )
        )
        return MemberRecord(
            member.id,
            member.name,
            member.medicaid_id,
            member.payer,
            member.birth_date,
            member_rules.age_at(member.birth_date, as_of),
            member.admitted_on,
            member.discharged_on,
            member.discharge_reason,
            names.get(member.specialist_id, (member.specialist_id, ""))[0],
            notes,
            drafts,
            attempts,
            tuple(plans),
            tuple(auths),
            visits,
        )


def _units_used_per_authorization(
    notes: tuple[NoteView, ...],
    auths: Sequence[Authorization],
    admitted: date,
    as_of: date,
    profile: PayerProfile,
    week_start: str,
) -> dict[str, int]:
    """U-5/U-9: units counted against each authorization after the day and week caps, as `status` counts them."""
    inputs = []
    for n in notes:
        if n.date > as_of:
            continue
        auth = next((a for a in auths if a.start_date <= n.date <= a.end_date), None)
        inputs.append(
            unit_rules.CapInput(
                key=n.id,
                day=n.date,
                start_time=n.start_time,
                units=n.units,
                authorization_id=auth.id if auth else None,
            )
        )
    capped = unit_rules.apply_caps(
        inputs,
        admitted=admitted,
        week_start=week_start,
        profile=profile,
        authorized={a.id: a.units for a in auths},
    )
    used: dict[str, int] = {}
    for result in capped:
        if result.authorization_id is not None:
            used[result.authorization_id] = used.get(result.authorization_id, 0) + result.billable
    return used
