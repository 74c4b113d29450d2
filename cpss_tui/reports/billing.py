"""Billing export (issue "Reports", item 4): one claim line per signed billable note, and every unit left out.

Why the caps are replayed here and not summed in SQL: whether a note's units bill depends on the notes before it
(the day cap U-3, the week cap U-4, the authorization's remaining units U-5, the unmanaged allowance U-6), in the
order `rules.units.apply_caps` consumes them. So for the members with a note in the period, their signed notes
are read from the start of the earliest thing that can limit a period note (its week, its authorization, its
fiscal year when the payer has unmanaged units) to the period's end, and replayed. That is bounded by an
authorization (at most 90 days, U-7) or a fiscal year, never by years of history.

Reading of "units after caps" (a compliance officer's): a note partly over a cap bills its under-cap units and
its excess units are listed as over-cap in the exclusions; a note wholly over bills nothing. Only signed notes
bill and only they use up caps (an unsigned note is not a claimable service, N-2/N-3). Work outside every
authorization is unauthorized (U-6) and left out, except what the payer's unmanaged allowance covers
(nc-wellcare: 24 units per fiscal year), which bills with no authorization number.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import Engine, Select, select
from sqlmodel import col

from cpss_tui.data import settings
from cpss_tui.data.db import read_session
from cpss_tui.data.models import Authorization, Member, Note, Staff
from cpss_tui.reports.period import Period
from cpss_tui.rules import notes as note_rules
from cpss_tui.rules import units as unit_rules
from cpss_tui.rules.profiles import PayerProfile
from cpss_tui.rules.weeks import week_bounds

HCPCS: Final = "H0038"  # peer support services, per 15 minutes
UNMANAGED: Final = "unmanaged (U-6)"  # the authorization column of units the unmanaged allowance covers

CLAIM_COLUMNS: Final = (
    "note_id",
    "medicaid_id",
    "date",
    "hcpcs",
    "modifiers",
    "units",
    "authorization_number",
    "rendering_staff",
    "credentials",
    "payer",
    "amount",
)
EXCLUDED_COLUMNS: Final = (
    "note_id",
    "medicaid_id",
    "date",
    "rendering_staff",
    "units",
    "reason",
    "rule",
    "detail",
)


@dataclass(frozen=True)
class ClaimLine:
    """One billable note: its units after caps, and the amount where the payer has a rate (ct-waiver)."""

    note_id: str
    medicaid_id: str
    date: date
    modifiers: tuple[str, ...]
    units: int
    authorization_number: str
    rendering_staff: str
    credentials: str
    payer: str
    amount: Decimal | None
    hcpcs: str = HCPCS


@dataclass(frozen=True)
class Exclusion:
    """Units of one note that do not bill, and why (`reason` is one word a biller can filter on)."""

    note_id: str
    medicaid_id: str
    date: date
    rendering_staff: str
    units: int
    reason: str  # over-cap | unauthorized | unsigned | non-billable
    rule: str
    detail: str


@dataclass(frozen=True)
class BillingExport:
    """The claim lines and the exclusions of one period, both in date order."""

    period: Period
    lines: tuple[ClaimLine, ...]
    exclusions: tuple[Exclusion, ...]

    @property
    def units(self) -> int:
        return sum(line.units for line in self.lines)

    @property
    def excluded_units(self) -> int:
        return sum(e.units for e in self.exclusions)

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.amount is not None), Decimal("0.00"))

    def describe(self) -> str:
        """One line for the terminal or the app's status."""
        amount = f", ${self.amount:,.2f} at profile rates" if self.amount else ""
        return (
            f"{len(self.lines)} claim lines, {self.units} units of {HCPCS}{amount}; "
            f"{len(self.exclusions)} left out ({self.excluded_units} units) — {self.period.describe()}"
        )


@dataclass(frozen=True)
class _NoteFacts:
    id: str
    member_id: str
    date: date
    start_time: str
    minutes: int
    billable: bool
    nonbillable_reason: str | None
    contact_type: str
    signed: bool
    staff_name: str
    credentials: str


@dataclass(frozen=True)
class _MemberFacts:
    id: str
    medicaid_id: str
    payer: str
    admitted_on: date


@dataclass(frozen=True)
class _Auth:
    id: str
    number: str
    start: date
    end: date
    units: int


def _note_select() -> Select[Any]:
    """The columns billing needs of a note, with its author's name and credentials, in cap order."""
    return (
        select(
            Note.id,
            Note.member_id,
            Note.date,
            Note.start_time,
            Note.minutes,
            Note.billable,
            Note.nonbillable_reason,
            Note.contact_type,
            col(Note.signed_at).is_not(None),
            Note.signed_by_name,
            Note.signed_by_credentials,
            Staff.name,
            Staff.credentials,
        )
        .join(Staff, Staff.id == Note.staff_id)
        .order_by(Note.member_id, Note.date, Note.start_time, Note.id)
    )


def _facts(row: Sequence[object]) -> _NoteFacts:
    (nid, mid, day, start, minutes, billable, reason, ctype, signed, sname, scred, name, cred) = row
    return _NoteFacts(
        str(nid),
        str(mid),
        day,  # type: ignore[arg-type]
        str(start),
        int(minutes),  # type: ignore[call-overload]
        bool(billable),
        reason,  # type: ignore[arg-type]
        str(ctype),
        bool(signed),
        str(sname or name),  # the signer is the rendering staff; an unsigned note names its author
        str(scred if sname else cred or ""),
    )


def billing_export(engine: Engine, period: Period) -> BillingExport:
    """The claim lines and exclusions of every note dated in `period` (four statements, whatever the history)."""
    values = settings.get_all(engine)
    agency = settings.agency_settings_from(values)
    profiles = settings.profiles_from(values)
    with read_session(engine) as session:
        in_period = [
            _facts(r)
            for r in session.execute(
                _note_select().where(Note.date >= period.first, Note.date <= period.last)
            )
        ]
        member_ids = sorted({n.member_id for n in in_period})
        members = {
            r[0]: _MemberFacts(*r)
            for r in session.execute(
                select(Member.id, Member.medicaid_id, Member.payer, Member.admitted_on).where(
                    col(Member.id).in_(member_ids)
                )
            )
        }
        auths: dict[str, list[_Auth]] = defaultdict(list)
        for r in session.execute(
            select(
                Authorization.member_id,
                Authorization.id,
                Authorization.number,
                Authorization.start_date,
                Authorization.end_date,
                Authorization.units,
            )
            .where(col(Authorization.member_id).in_(member_ids), Authorization.start_date <= period.last)
            .order_by(Authorization.member_id, Authorization.start_date, Authorization.id)
        ):
            auths[r[0]].append(_Auth(*r[1:]))
        start = _replay_start(period, members.values(), auths, profiles, agency.week_start)
        earlier = [
            _facts(r)
            for r in session.execute(
                _note_select().where(
                    col(Note.member_id).in_(member_ids),
                    Note.date >= start,
                    Note.date < period.first,
                    col(Note.signed_at).is_not(None),
                )
            )
        ]
    by_member: dict[str, list[_NoteFacts]] = defaultdict(list)
    for note in [*earlier, *in_period]:
        by_member[note.member_id].append(note)
    lines: list[ClaimLine] = []
    exclusions: list[Exclusion] = []
    for member_id, notes in by_member.items():
        member = members[member_id]
        member_lines, member_excl = _member_claims(
            member, notes, auths[member_id], profiles[member.payer], agency.week_start, period
        )
        lines.extend(member_lines)
        exclusions.extend(member_excl)
    lines.sort(key=lambda line: (line.date, line.medicaid_id, line.note_id))
    exclusions.sort(key=lambda e: (e.date, e.medicaid_id, e.note_id, e.reason))
    return BillingExport(period, tuple(lines), tuple(exclusions))


def _replay_start(
    period: Period,
    members: object,
    auths: dict[str, list[_Auth]],
    profiles: dict[str, PayerProfile],
    week_start: str,
) -> date:
    """The earliest day whose notes can limit a period note: the first week's start, the start of any
    authorization overlapping the period (and its week), and the fiscal year's start for unmanaged units."""
    candidates = [period.first]
    for member in members:  # type: ignore[attr-defined]
        for auth in auths.get(member.id, ()):
            if auth.end >= period.first:
                candidates.append(auth.start)
        profile = profiles[member.payer]
        if profile.unmanaged_units > 0:
            fy = unit_rules.fiscal_year_of(
                period.first, profile.fiscal_year_start_month, profile.fiscal_year_start_day
            )
            candidates.append(date(fy, profile.fiscal_year_start_month, profile.fiscal_year_start_day))
    return week_bounds(min(candidates), week_start)[0]


def _member_claims(
    member: _MemberFacts,
    notes: list[_NoteFacts],
    auths: list[_Auth],
    profile: PayerProfile,
    week_start: str,
    period: Period,
) -> tuple[list[ClaimLine], list[Exclusion]]:
    """Replay one member's signed notes through the caps; judge the ones in the period."""
    notes.sort(key=lambda n: (n.date, n.start_time, n.id))
    lines: list[ClaimLine] = []
    exclusions: list[Exclusion] = []

    def exclude(note: _NoteFacts, units: int, reason: str, rule: str, detail: str) -> None:
        exclusions.append(
            Exclusion(note.id, member.medicaid_id, note.date, note.staff_name, units, reason, rule, detail)
        )

    inputs: list[unit_rules.CapInput] = []
    auth_of: dict[str, _Auth | None] = {}
    for note in notes:
        auth = next((a for a in auths if a.start <= note.date <= a.end), None)
        auth_of[note.id] = auth
        units = unit_rules.billable_units(
            minutes=note.minutes,
            billable=note.billable,
            nonbillable_reason=note.nonbillable_reason,
            contact_type=note.contact_type,
            profile=profile,
        )
        if note.date in period:
            if not note.signed:
                exclude(note, units, "unsigned", "N-2", "a note bills only once it is signed (N-2, N-3)")
                continue
            if units == 0:
                exclude(
                    note,
                    0,
                    "non-billable",
                    "U-2" if note.minutes >= 15 else "U-1",
                    _why_no_units(note, profile),
                )
                continue
        elif not note.signed:
            continue
        inputs.append(
            unit_rules.CapInput(
                key=note.id,
                day=note.date,
                start_time=note.start_time,
                units=units,
                authorization_id=auth.id if auth else None,
            )
        )
    capped = unit_rules.apply_caps(
        inputs,
        admitted=member.admitted_on,
        week_start=week_start,
        profile=profile,
        authorized={a.id: a.units for a in auths},
    )
    by_id = {n.id: n for n in notes}
    # U-6: units outside every authorization, after caps, against the fiscal year's unmanaged allowance.
    outside = [c for c in capped if c.authorization_id is None]
    unauthorized = dict(
        zip(
            (c.key for c in outside),
            unit_rules.allocate_unmanaged([(c.day, c.billable) for c in outside], profile),
            strict=True,
        )
    )
    for result in capped:
        note = by_id[result.key]
        if note.date not in period:
            continue
        if result.excess:
            exclude(note, result.excess, "over-cap", _cap_rule(result.reason), result.reason)
        billed = result.billable
        auth = auth_of[note.id]
        number = auth.number if auth else UNMANAGED
        if auth is None:
            lost = unauthorized[result.key]
            if lost:
                exclude(
                    note,
                    lost,
                    "unauthorized",
                    "U-6",
                    "dated outside every authorization"
                    + (
                        f"; the {profile.unmanaged_units} unmanaged units of the fiscal year are used up"
                        if profile.unmanaged_units
                        else ""
                    ),
                )
            billed -= lost
        if billed <= 0:
            continue
        rate = profile.rate_per_unit
        lines.append(
            ClaimLine(
                note_id=note.id,
                medicaid_id=member.medicaid_id,
                date=note.date,
                modifiers=note_rules.modifiers(note.contact_type, profile),
                units=billed,
                authorization_number=number,
                rendering_staff=note.staff_name,
                credentials=note.credentials,
                payer=member.payer,
                amount=(rate * billed).quantize(Decimal("0.01")) if rate is not None else None,
            )
        )
    return lines, exclusions


def _why_no_units(note: _NoteFacts, profile: PayerProfile) -> str:
    if not note.billable or (note.nonbillable_reason and note.nonbillable_reason.strip()):
        return f"non-billable time: {note.nonbillable_reason or 'marked non-billable'} (U-2)"
    if note.contact_type in profile.nonbillable_contact_types:
        return f"{note.contact_type} contact does not bill under {profile.name} (U-2)"
    return f"{note.minutes} minutes is less than one unit under {profile.rounding} rounding (U-1)"


def _cap_rule(reason: str) -> str:
    """The rule ids a cap reason names ("day cap of 16 units (U-3); week cap ... (U-4)" -> "U-3 U-4")."""
    return " ".join(rule for rule in ("U-3", "U-4", "U-5") if f"({rule})" in reason) or "U-9"


def claims_csv(export: BillingExport) -> str:
    """The claim file: CLAIM_COLUMNS, one row per billable note, amounts with two decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CLAIM_COLUMNS)
    for line in export.lines:
        writer.writerow(
            [
                line.note_id,
                line.medicaid_id,
                line.date.isoformat(),
                line.hcpcs,
                " ".join(line.modifiers),
                line.units,
                line.authorization_number,
                line.rendering_staff,
                line.credentials,
                line.payer,
                "" if line.amount is None else f"{line.amount:.2f}",
            ]
        )
    return out.getvalue()


def exclusions_csv(export: BillingExport) -> str:
    """The second file: EXCLUDED_COLUMNS, every note or part of a note that does not bill, with the reason."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXCLUDED_COLUMNS)
    for e in export.exclusions:
        writer.writerow(
            [
                e.note_id,
                e.medicaid_id,
                e.date.isoformat(),
                e.rendering_staff,
                e.units,
                e.reason,
                e.rule,
                e.detail,
            ]
        )
    return out.getvalue()


def excluded_path_for(path: str) -> str:
    """Where the exclusions go beside the claim file: `claims.csv` -> `claims-excluded.csv`."""
    stem, dot, ext = path.rpartition(".")
    if not dot or "/" in ext:
        return path + "-excluded.csv"
    return f"{stem}-excluded.{ext}"
