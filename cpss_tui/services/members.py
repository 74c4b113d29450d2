"""Members from the screens: intake, edits, authorizations and discharge (M-1..M-4, S-1, S-2, U-5, U-7).

Each write function is one unit of work with the acting staff member recorded for the audit triggers. The
checks that depend on other rows (S-2 caseload count, U-7 existing authorizations) run inside the same write
transaction as the insert, so two saves cannot both take the last caseload slot. A refusal raises
`RecordRefused` with every problem (field + rule + words) and writes nothing; a flag (M-1, M-2, N-7) is
returned as a warning and the record is saved anyway.

Dates arrive from the forms as text; every function also takes `date` objects. Text must be YYYY-MM-DD and a
real calendar day.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, delete, func, or_, select
from sqlmodel import Session

from cpss_tui.data import settings
from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.models import Authorization, ConcurrentService, Member, Note, Staff, utcnow
from cpss_tui.rules import members as member_rules
from cpss_tui.rules import staffing
from cpss_tui.rules import units as unit_rules
from cpss_tui.rules.problems import Problem
from cpss_tui.rules.profiles import PayerProfile
from cpss_tui.services.refusals import RecordRefused
from cpss_tui.vocab import CONCURRENT_SERVICES, DISCHARGE_REASONS, PAYERS

__all__ = [
    "DISCHARGE_LABELS",
    "ConcurrentEntry",
    "MemberDetails",
    "MemberIntakeResult",
    "RecordRefused",
    "SpecialistOption",
    "active_caseload",
    "add_authorization",
    "check_discharge",
    "discharge_member",
    "format_concurrent_services",
    "intake_member",
    "member_details",
    "member_flags",
    "parse_concurrent_services",
    "specialist_options",
    "update_member",
]

DateLike = date | str | None
ConcurrentEntry = tuple[str, DateLike, DateLike]

# M-3: NC 8G Discharge Criteria A-E in words a person reads in the form.
DISCHARGE_LABELS: dict[str, str] = {
    "goals-met": "Goals met: functioning improved (A)",
    "natural-supports": "Natural supports in place, PSS no longer needed (B)",
    "needs-more-intensive": "Not progressing, needs more intensive services (C)",
    "declined": "Member no longer wishes peer support (D)",
    "other-modality": "A more appropriate modality is needed (E)",
}
assert set(DISCHARGE_LABELS) == set(DISCHARGE_REASONS)

# More than any authorization could hold (a year of 4 hours a day is 5,840 units): refuses typos and numbers
# too big for the file's integer column.
MAX_AUTHORIZED_UNITS = 100_000


@dataclass(frozen=True)
class MemberIntakeResult:
    """A saved member and the flags raised (M-1 age, M-2 concurrent service, N-7 service order)."""

    member_id: str
    warnings: list[Problem]


@dataclass(frozen=True)
class SpecialistOption:
    """A specialist the member form can assign, with their active caseload and capacity (S-1)."""

    id: str
    name: str
    fte: float | None
    active: int
    capacity: int | None

    @property
    def label(self) -> str:
        load = f"{self.active}/{self.capacity}" if self.capacity is not None else f"{self.active}"
        return f"{self.name} ({load})"


@dataclass(frozen=True)
class MemberDetails:
    """A member's editable fields, for the edit form."""

    id: str
    name: str
    medicaid_id: str
    birth_date: date
    payer: str
    specialist_id: str
    admitted_on: date
    service_order_date: date | None
    epsdt: bool
    discharged_on: date | None
    concurrent: tuple[tuple[str, date, date | None], ...]


# --- parsing ------------------------------------------------------------------------------------------------


def _parse_date(
    value: DateLike, field: str, rule: str, label: str, problems: list[Problem], required: bool = True
) -> date | None:
    """A date from a `date` or YYYY-MM-DD text; appends a problem naming `field` and `rule` when bad."""
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        if required:
            problems.append(Problem(rule, field, f"{label} is required, as YYYY-MM-DD ({rule})."))
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        problems.append(Problem(rule, field, f"{label} must look like 2026-09-01, not {text!r} ({rule})."))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(Problem(rule, field, f"{label}: {text} is not a real calendar day ({rule})."))
        return None


def parse_concurrent_services(text: str) -> list[tuple[str, date, date | None]]:
    """M-2: entries like "actt 2026-09-01..2026-12-01; psr 2026-10-01.." (one per `;`, comma or line; an
    empty end means still ongoing). Raises RecordRefused naming field `concurrent` for a bad entry."""
    problems: list[Problem] = []
    entries: list[tuple[str, date, date | None]] = []
    for raw in re.split(r"[;,\n]", text or ""):
        chunk = raw.strip()
        if not chunk:
            continue
        match = re.fullmatch(r"([A-Za-z]+)\s+(\S+?)\s*\.\.\s*(\S*)", chunk)
        if match is None:
            problems.append(
                Problem(
                    "M-2",
                    "concurrent",
                    f"{chunk!r}: write a service and its dates like 'actt 2026-09-01..2026-12-01' "
                    f"(end may be empty) (M-2).",
                )
            )
            continue
        service, start_text, end_text = match.groups()
        start = _parse_date(start_text, "concurrent", "M-2", f"{service} start", problems)
        end = _parse_date(end_text, "concurrent", "M-2", f"{service} end", problems, required=False)
        if start is not None:
            entries.append((service.lower(), start, end))
    if problems:
        raise RecordRefused(problems)
    return entries


def format_concurrent_services(entries: Iterable[tuple[str, date, date | None]]) -> str:
    """The text form of concurrent services, as `parse_concurrent_services` reads it."""
    return "; ".join(
        f"{s} {start.isoformat()}..{end.isoformat() if end else ''}" for s, start, end in entries
    )


def _concurrent(
    entries: Sequence[ConcurrentEntry], problems: list[Problem]
) -> list[tuple[str, date, date | None]]:
    out: list[tuple[str, date, date | None]] = []
    for service, start_value, end_value in entries:
        name = (service or "").strip().lower()
        if name not in CONCURRENT_SERVICES:
            problems.append(
                Problem(
                    "M-2",
                    "concurrent",
                    f"Concurrent service {service!r} is not one of {', '.join(CONCURRENT_SERVICES)} (M-2).",
                )
            )
            continue
        start = _parse_date(start_value, "concurrent", "M-2", f"{name} start", problems)
        end = _parse_date(end_value, "concurrent", "M-2", f"{name} end", problems, required=False)
        if start is None:
            continue
        if end is not None and end < start:
            problems.append(
                Problem("M-2", "concurrent", f"{name} ends ({end}) before it starts ({start}) (M-2).")
            )
            continue
        out.append((name, start, end))
    return out


def _fte_text(fte: float) -> str:
    text = f"{fte:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


# --- reads for the forms --------------------------------------------------------------------------------------


def _active_count(session: Session, specialist_id: str, on: date, exclude_member: str | None = None) -> int:
    """S-1/S-2: members of a specialist active on `on` (admitted on or before it, not discharged on or
    before it: the same definition the caseload board uses)."""
    stmt = select(func.count()).where(
        Member.specialist_id == specialist_id,
        Member.admitted_on <= on,
        or_(Member.discharged_on.is_(None), Member.discharged_on > on),
    )
    if exclude_member is not None:
        stmt = stmt.where(Member.id != exclude_member)
    return int(session.scalar(stmt) or 0)


def active_caseload(engine: Engine, specialist_id: str, as_of: date) -> int:
    """S-1: how many active members a specialist serves on `as_of`."""
    with read_session(engine) as session:
        return _active_count(session, specialist_id, as_of)


def specialist_options(engine: Engine, as_of: date) -> list[SpecialistOption]:
    """Every specialist, by name, with their active caseload and capacity on `as_of` (S-1)."""
    with read_session(engine) as session:
        rows = session.scalars(
            select(Staff).where(Staff.role == "specialist").order_by(Staff.name, Staff.id)
        ).all()
        return [
            SpecialistOption(
                r.id,
                r.name,
                r.fte,
                _active_count(session, r.id, as_of),
                staffing.capacity(r.fte) if r.fte else None,
            )
            for r in rows
        ]


def member_details(engine: Engine, member_id: str) -> MemberDetails | None:
    """A member's editable fields and concurrent services, or None."""
    with read_session(engine) as session:
        m = session.get(Member, member_id)
        if m is None:
            return None
        services = session.scalars(
            select(ConcurrentService)
            .where(ConcurrentService.member_id == member_id)
            .order_by(ConcurrentService.start_date)
        ).all()
        return MemberDetails(
            m.id,
            m.name,
            m.medicaid_id,
            m.birth_date,
            m.payer,
            m.specialist_id,
            m.admitted_on,
            m.service_order_date,
            m.epsdt,
            m.discharged_on,
            tuple((s.service, s.start_date, s.end_date) for s in services),
        )


# --- flags (saved anyway) ---------------------------------------------------------------------------------------


def member_flags(
    profile: PayerProfile,
    *,
    birth_date: date | None,
    admitted_on: date | None,
    service_order_date: date | None,
    epsdt: bool,
    concurrent: Iterable[tuple[str, date, date | None]],
    periods: Sequence[tuple[date, date]] = (),
) -> list[Problem]:
    """The flags intake shows before and after saving: M-1 age below the profile minimum (unless EPSDT),
    M-2 ACTT/CST/PSR (ct-waiver: ACT/CSP beyond the transition) overlapping an authorization period, N-7
    service order dated after admission (or none recorded).

    `periods` are the member's authorization periods; without any, the first `max_auth_days` from admission
    stand in (the period the first authorization will cover).
    """
    flags: list[Problem] = []
    if birth_date is not None and admitted_on is not None:
        age = member_rules.age_flag(birth_date, admitted_on, profile, epsdt)
        if age is not None:
            flags.append(age)
    services = list(concurrent)
    if admitted_on is not None and services:
        spans = list(periods) or [(admitted_on, admitted_on + timedelta(days=profile.max_auth_days - 1))]
        for first, last in spans:
            found = member_rules.concurrent_service_flag(services, first, last, profile)
            if found is not None:
                flags.append(dataclasses.replace(found, field="concurrent"))
                break
    if admitted_on is not None:
        if service_order_date is None:
            flags.append(
                Problem(
                    "N-7",
                    "service_order_date",
                    "No service order date yet: one must be in place by the first day of service (N-7).",
                )
            )
        elif service_order_date > admitted_on:
            flags.append(
                Problem(
                    "N-7",
                    "service_order_date",
                    f"The service order ({service_order_date}) is dated after admission ({admitted_on}); "
                    f"notes before it will be flagged (N-7).",
                )
            )
    return flags


# --- intake and edit ---------------------------------------------------------------------------------------------


@dataclass
class _Checked:
    name: str
    medicaid_id: str
    birth_date: date | None
    payer: str
    admitted_on: date | None
    service_order_date: date | None
    concurrent: list[tuple[str, date, date | None]]
    problems: list[Problem]


def _check_fields(
    *,
    name: str,
    medicaid_id: str,
    birth_date: DateLike,
    payer: str,
    admitted_on: DateLike,
    service_order_date: DateLike,
    concurrent: Sequence[ConcurrentEntry],
    family_member: bool,
    as_of: date,
) -> _Checked:
    problems: list[Problem] = []
    clean_name = (name or "").strip()
    clean_id = (medicaid_id or "").strip()
    if not clean_name:
        problems.append(Problem("N-1", "name", "Name is required: every note carries it (N-1)."))
    if not clean_id:
        problems.append(
            Problem("N-1", "medicaid_id", "Medicaid id is required: every note carries it (N-1).")
        )
    birth = _parse_date(birth_date, "birth_date", "M-1", "Birth date", problems)
    admitted = _parse_date(admitted_on, "admitted_on", "W-2", "Admission date", problems)
    order = _parse_date(
        service_order_date, "service_order_date", "N-7", "Service order date", problems, required=False
    )
    if payer not in PAYERS:
        problems.append(Problem("M-1", "payer", f"Payer must be one of {', '.join(PAYERS)} (M-1, U-1)."))
    if birth is not None and birth > as_of:
        problems.append(Problem("M-1", "birth_date", f"Birth date {birth} is in the future (M-1)."))
    if birth is not None and admitted is not None and admitted < birth:
        problems.append(
            Problem("W-2", "admitted_on", f"Admission {admitted} is before the birth date {birth} (W-2).")
        )
    services = _concurrent(concurrent, problems)
    family = member_rules.family_member_problem(family_member)
    if family is not None:
        problems.append(dataclasses.replace(family, field="family_member"))
    return _Checked(clean_name, clean_id, birth, payer, admitted, order, services, problems)


def _check_specialist(
    session: Session,
    specialist_id: str,
    on: date,
    problems: list[Problem],
    exclude_member: str | None = None,
) -> None:
    """S-1/S-2: the specialist exists, has an FTE, and has a free caseload slot on `on`."""
    staff = session.get(Staff, specialist_id) if specialist_id else None
    if staff is None or staff.role != "specialist":
        problems.append(Problem("S-2", "specialist", "Pick the specialist who will serve this member (S-2)."))
        return
    if not staff.fte:
        problems.append(
            Problem("S-1", "specialist", f"{staff.name} has no FTE recorded, so no caseload capacity (S-1).")
        )
        return
    active = _active_count(session, specialist_id, on, exclude_member)
    if staffing.can_assign(active, staff.fte) is not None:
        problems.append(
            Problem(
                "S-2",
                "specialist",
                f"{staff.name} already serves {active} active members, the limit for {_fte_text(staff.fte)} "
                f"FTE (1:{staffing.MEMBERS_PER_FTE} per FTE, S-2). Pick another specialist or discharge "
                f"a member first.",
            )
        )


def _duplicate_medicaid_id(
    session: Session, medicaid_id: str, problems: list[Problem], exclude_member: str | None = None
) -> None:
    stmt = select(Member.name).where(Member.medicaid_id == medicaid_id)
    if exclude_member is not None:
        stmt = stmt.where(Member.id != exclude_member)
    other = session.scalar(stmt.limit(1))
    if other is not None:
        problems.append(
            Problem("N-1", "medicaid_id", f"Medicaid id {medicaid_id} is already recorded for {other} (N-1).")
        )


def _profile(engine: Engine, payer: str) -> PayerProfile | None:
    return settings.load_profiles(engine).get(payer)


def intake_member(
    engine: Engine,
    actor: str,
    *,
    name: str,
    medicaid_id: str,
    birth_date: DateLike,
    payer: str,
    specialist_id: str,
    admitted_on: DateLike,
    service_order_date: DateLike,
    epsdt: bool,
    family_member: bool,
    concurrent: Sequence[ConcurrentEntry] = (),
    as_of: date,
) -> MemberIntakeResult:
    """Admit a member (M-1..M-4, S-2). Refused (RecordRefused, every problem, nothing written) for a missing or
    bad field, a family member of the specialist (M-4) or a specialist at capacity (S-2: active members on
    as_of, or on the admission date when that is later, against floor(10 × FTE)). M-1 age, M-2 concurrent
    service and N-7 service order come back as warnings; the member is saved with them."""
    checked = _check_fields(
        name=name,
        medicaid_id=medicaid_id,
        birth_date=birth_date,
        payer=payer,
        admitted_on=admitted_on,
        service_order_date=service_order_date,
        concurrent=concurrent,
        family_member=family_member,
        as_of=as_of,
    )
    profile = _profile(engine, checked.payer)
    with write_session(engine, actor) as session:
        problems = checked.problems
        if checked.medicaid_id:
            _duplicate_medicaid_id(session, checked.medicaid_id, problems)
        on = max(as_of, checked.admitted_on) if checked.admitted_on else as_of
        _check_specialist(session, specialist_id, on, problems)
        if problems or checked.birth_date is None or checked.admitted_on is None or profile is None:
            raise RecordRefused(problems)
        row = Member(
            name=checked.name,
            medicaid_id=checked.medicaid_id,
            birth_date=checked.birth_date,
            payer=checked.payer,
            specialist_id=specialist_id,
            admitted_on=checked.admitted_on,
            service_order_date=checked.service_order_date,
            epsdt=bool(epsdt),
        )
        session.add(row)
        session.flush()
        for service, start, end in checked.concurrent:
            session.add(ConcurrentService(member_id=row.id, service=service, start_date=start, end_date=end))
    warnings = member_flags(
        profile,
        birth_date=checked.birth_date,
        admitted_on=checked.admitted_on,
        service_order_date=checked.service_order_date,
        epsdt=bool(epsdt),
        concurrent=checked.concurrent,
    )
    return MemberIntakeResult(row.id, warnings)


def update_member(
    engine: Engine,
    actor: str,
    *,
    member_id: str,
    name: str,
    medicaid_id: str,
    birth_date: DateLike,
    payer: str,
    specialist_id: str,
    admitted_on: DateLike,
    service_order_date: DateLike,
    epsdt: bool,
    family_member: bool,
    concurrent: Sequence[ConcurrentEntry] = (),
    as_of: date,
) -> MemberIntakeResult:
    """Edit a member with the intake checks. M-4 refuses a family member whenever it is answered yes;
    reassigning an active member to another specialist runs S-2 against the new specialist's caseload. The
    concurrent services are replaced by the list given. Flags come back as warnings, as at intake."""
    checked = _check_fields(
        name=name,
        medicaid_id=medicaid_id,
        birth_date=birth_date,
        payer=payer,
        admitted_on=admitted_on,
        service_order_date=service_order_date,
        concurrent=concurrent,
        family_member=family_member,
        as_of=as_of,
    )
    profile = _profile(engine, checked.payer)
    with write_session(engine, actor) as session:
        problems = checked.problems
        row = session.get(Member, member_id)
        if row is None:
            raise RecordRefused([Problem("M-1", "member", "No such member.")])
        if checked.medicaid_id:
            _duplicate_medicaid_id(session, checked.medicaid_id, problems, exclude_member=member_id)
        if row.discharged_on is not None and checked.admitted_on and checked.admitted_on > row.discharged_on:
            problems.append(
                Problem(
                    "M-3",
                    "admitted_on",
                    f"Admission cannot be after the discharge on {row.discharged_on} (M-3).",
                )
            )
        still_active = row.discharged_on is None or row.discharged_on > as_of
        if specialist_id != row.specialist_id and still_active:
            on = max(as_of, checked.admitted_on) if checked.admitted_on else as_of
            _check_specialist(session, specialist_id, on, problems, exclude_member=member_id)
        elif specialist_id != row.specialist_id:
            new = session.get(Staff, specialist_id)
            if new is None or new.role != "specialist":
                problems.append(
                    Problem("S-2", "specialist", "Pick the specialist who serves this member (S-2).")
                )
        if problems or checked.birth_date is None or checked.admitted_on is None or profile is None:
            raise RecordRefused(problems)
        row.name = checked.name
        row.medicaid_id = checked.medicaid_id
        row.birth_date = checked.birth_date
        row.payer = checked.payer
        row.specialist_id = specialist_id
        row.admitted_on = checked.admitted_on
        row.service_order_date = checked.service_order_date
        row.epsdt = bool(epsdt)
        row.updated_at = utcnow()
        existing = [
            (s.service, s.start_date, s.end_date)
            for s in session.scalars(
                select(ConcurrentService).where(ConcurrentService.member_id == member_id)
            )
        ]
        if sorted(existing, key=str) != sorted(checked.concurrent, key=str):
            session.execute(delete(ConcurrentService).where(ConcurrentService.member_id == member_id))
            for service, start, end in checked.concurrent:
                session.add(
                    ConcurrentService(member_id=member_id, service=service, start_date=start, end_date=end)
                )
        periods = [
            (a.start_date, a.end_date)
            for a in session.scalars(select(Authorization).where(Authorization.member_id == member_id))
        ]
    warnings = member_flags(
        profile,
        birth_date=checked.birth_date,
        admitted_on=checked.admitted_on,
        service_order_date=checked.service_order_date,
        epsdt=bool(epsdt),
        concurrent=checked.concurrent,
        periods=periods,
    )
    return MemberIntakeResult(member_id, warnings)


# --- authorizations (U-5, U-7) -------------------------------------------------------------------------------------


def add_authorization(
    engine: Engine,
    actor: str,
    *,
    member_id: str,
    number: str,
    start: DateLike,
    end: DateLike,
    units: int | str,
    override_reason: str | None = None,
    as_of: date,
) -> str:
    """Record a prior authorization (U-5) and return its id. U-7 (more than 90 days, or more than 180
    authorized days in any 12 months with the member's other authorizations) is refused with the reason,
    unless a supervisor gives a written `override_reason`, which is then saved with it. A specialist's
    override is refused. Number non-empty, units a whole number >= 0, end on or after start."""
    problems: list[Problem] = []
    clean_number = (number or "").strip()
    if not clean_number:
        problems.append(Problem("U-5", "number", "The authorization number is required (U-5)."))
    first = _parse_date(start, "start", "U-5", "Start date", problems)
    last = _parse_date(end, "end", "U-5", "End date", problems)
    count: int | None = None
    if isinstance(units, bool):
        count = None
    elif isinstance(units, int):
        count = units
    elif re.fullmatch(r"\s*[0-9]{1,9}\s*", str(units or "")):
        count = int(str(units))
    if count is None or count < 0 or count > MAX_AUTHORIZED_UNITS:
        shown = str(units)
        shown = shown if len(shown) <= 20 else shown[:20] + "…"
        problems.append(
            Problem(
                "U-5",
                "units",
                f"Units must be a whole number of 15-minute units, 0 to {MAX_AUTHORIZED_UNITS}, not {shown!r} (U-5).",
            )
        )
    if first is not None and last is not None and last < first:
        problems.append(Problem("U-5", "end", f"The end date {last} is before the start date {first} (U-5)."))
        first = last = None
    reason = (override_reason or "").strip()
    values = settings.get_all(engine)
    profiles = settings.profiles_from(values)
    with write_session(engine, actor) as session:
        member = session.get(Member, member_id)
        if member is None:
            raise RecordRefused([Problem("U-5", "member", "No such member.")])
        if clean_number and session.scalar(
            select(Authorization.id).where(
                Authorization.member_id == member_id, Authorization.number == clean_number
            )
        ):
            problems.append(
                Problem(
                    "U-5",
                    "number",
                    f"Authorization {clean_number} is already recorded for this member (U-5).",
                )
            )
        limits: list[Problem] = []
        if first is not None and last is not None:
            existing = [
                (a.start_date, a.end_date)
                for a in session.scalars(select(Authorization).where(Authorization.member_id == member_id))
            ]
            checked = unit_rules.validate_authorization(first, last, existing, profiles[member.payer])
            problems += [p for p in checked if p.rule != "U-7"]  # a year that is a typo: never overridden
            limits = [p for p in checked if p.rule == "U-7"]
        if limits:
            staff = session.get(Staff, actor)
            if not reason:
                problems += limits
            elif staff is None or staff.role != "supervisor":
                problems += limits
                problems.append(
                    Problem(
                        "U-7",
                        "override_reason",
                        "Only a supervisor (licensed professional) can override the U-7 limits (U-7).",
                    )
                )
        if problems or first is None or last is None or count is None:
            raise RecordRefused(problems)
        row = Authorization(
            member_id=member_id,
            number=clean_number,
            start_date=first,
            end_date=last,
            units=count,
            override_reason=reason if limits else None,
        )
        session.add(row)
    return row.id


# --- discharge (M-3) ------------------------------------------------------------------------------------------------


def _discharge_problems(
    session: Session,
    profile: PayerProfile,
    member: Member,
    discharged_on: DateLike,
    reason: str | None,
    continuing_care_plan: str | None,
    as_of: date,
) -> tuple[date | None, list[Problem]]:
    problems: list[Problem] = []
    if member.discharged_on is not None:
        problems.append(
            Problem(
                "M-3",
                "discharged_on",
                f"{member.name} was already discharged on {member.discharged_on} (M-3).",
            )
        )
    day = _parse_date(discharged_on, "discharged_on", "M-3", "Discharge date", problems)
    if day is not None:
        if day < member.admitted_on:
            problems.append(
                Problem(
                    "M-3",
                    "discharged_on",
                    f"Discharge {day} is before admission on {member.admitted_on} (M-3).",
                )
            )
        elif day > as_of:
            problems.append(
                Problem("M-3", "discharged_on", f"Discharge cannot be in the future (after {as_of}) (M-3).")
            )
        else:
            later = session.scalar(
                select(func.max(Note.date)).where(Note.member_id == member.id, Note.date > day)
            )
            if later is not None:
                problems.append(
                    Problem(
                        "N-6",
                        "discharged_on",
                        f"A service note is dated {later}, after this discharge date; notes after "
                        f"discharge are not allowed (N-6).",
                    )
                )
    problems += member_rules.discharge_problems(reason, continuing_care_plan, profile)
    return day, problems


def check_discharge(
    engine: Engine,
    *,
    member_id: str,
    discharged_on: DateLike,
    reason: str | None,
    continuing_care_plan: str | None,
    as_of: date,
) -> list[Problem]:
    """Every problem `discharge_member` would refuse with, without writing (the form asks to confirm only a
    discharge that will be accepted)."""
    profiles = settings.load_profiles(engine)
    with read_session(engine) as session:
        member = session.get(Member, member_id)
        if member is None:
            return [Problem("M-3", "member", "No such member.")]
        return _discharge_problems(
            session, profiles[member.payer], member, discharged_on, reason, continuing_care_plan, as_of
        )[1]


def discharge_member(
    engine: Engine,
    actor: str,
    *,
    member_id: str,
    discharged_on: DateLike,
    reason: str | None,
    continuing_care_plan: str | None,
    as_of: date,
) -> None:
    """M-3: discharge with one of the profile's discharge reasons and, for la-lhcc, a continuing care plan.
    The date is on or after admission and not after as_of (no note may fall after it, N-6). From the day of
    discharge the member no longer counts in the specialist's active caseload (S-1)."""
    profiles = settings.load_profiles(engine)
    with write_session(engine, actor) as session:
        member = session.get(Member, member_id)
        if member is None:
            raise RecordRefused([Problem("M-3", "member", "No such member.")])
        day, problems = _discharge_problems(
            session, profiles[member.payer], member, discharged_on, reason, continuing_care_plan, as_of
        )
        if problems or day is None:
            raise RecordRefused(problems)
        member.discharged_on = day
        member.discharge_reason = reason
        member.continuing_care_plan = (continuing_care_plan or "").strip() or None
        member.updated_at = utcnow()


@dataclass(frozen=True)
class MemberChoice:
    """A member as a picker lists them (reports for one member, reached from the reports menu)."""

    id: str
    name: str
    medicaid_id: str
    specialist: str
    discharged_on: date | None


def member_choices(engine: Engine, specialist_id: str | None = None) -> list[MemberChoice]:
    """Every member (of one specialist, when given), active first, by name: one statement."""
    stmt = (
        select(Member.id, Member.name, Member.medicaid_id, Staff.name, Member.discharged_on)
        .join(Staff, Staff.id == Member.specialist_id)
        .order_by(Member.discharged_on.is_not(None), Member.name, Member.id)  # type: ignore[union-attr]
    )
    if specialist_id is not None:
        stmt = stmt.where(Member.specialist_id == specialist_id)
    with read_session(engine) as session:
        return [MemberChoice(*row) for row in session.execute(stmt)]
