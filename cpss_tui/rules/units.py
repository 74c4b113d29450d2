"""Units, caps and authorizations (U-1..U-9), from NC 8G Utilization Management, the WNC.CP.231 coding table
and the CT waiver.

Why here and pure: the same arithmetic answers three questions — what the note form shows before saving (U-9),
what the dashboards count (U-3..U-5), and what is unauthorized (U-6) — and a cap applied differently in two
places would bill differently. Every number comes from a `PayerProfile`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from cpss_tui.rules.problems import Problem
from cpss_tui.rules.profiles import PROFILES, PayerProfile
from cpss_tui.rules.weeks import week_bounds

MINUTES_PER_UNIT: Final = 15  # U-1


def units_for_minutes(minutes: int, rounding: str = "floor") -> int:
    """U-1: 15-minute units. `floor`: whole increments only (0-14 min = 0, 15-29 = 1); `midpoint`: 8-22 = 1,
    23-37 = 2, 1-7 = 0, i.e. (minutes + 7) // 15."""
    if minutes < 0:
        raise ValueError(f"minutes: must not be negative, not {minutes}")
    if rounding == "floor":
        return minutes // MINUTES_PER_UNIT
    if rounding == "midpoint":
        return (minutes + 7) // MINUTES_PER_UNIT
    raise ValueError(f"rounding: must be floor or midpoint, not {rounding!r}")


def billable_units(
    *,
    minutes: int,
    billable: bool = True,
    nonbillable_reason: str | None = None,
    contact_type: str | None = None,
    profile: PayerProfile,
) -> int:
    """U-1/U-2: rounded units of one note; 0 when the time is non-billable.

    Non-billable: the note says so (`billable` false or any `nonbillable_reason`, e.g. transportation,
    recreation, clerical, supervision, no-show), or its contact type never bills under the payer (ct-waiver
    telephone, i.e. audio-only; see README.md for la-lhcc and ct-waiver).
    """
    if not billable or (nonbillable_reason is not None and nonbillable_reason.strip()):
        return 0
    if contact_type is not None and contact_type in profile.nonbillable_contact_types:
        return 0
    return units_for_minutes(minutes, profile.rounding)


def is_early_week(week_start_date: date, week_end_date: date, admitted: date, early_days: int = 30) -> bool:
    """U-4: does the week contain one of the first `early_days` days of service (admission date + 0..29)?"""
    last_early_day = admitted + timedelta(days=early_days - 1)
    return early_days > 0 and week_start_date <= last_early_day and week_end_date >= admitted


def week_cap_for(week_start_date: date, week_end_date: date, admitted: date, profile: PayerProfile) -> int:
    """U-4: 32 units in a week holding any of admission + 0..29, 16 in every later week (profile numbers)."""
    if is_early_week(week_start_date, week_end_date, admitted, profile.early_days):
        return profile.early_week_cap
    return profile.week_cap


# --- caps (U-3, U-4, U-5, U-9)
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapInput:
    """One note of one member for `apply_caps` (U-3..U-5, U-9): its rounded units (U-1/U-2) and where it
    falls.

    `in_authorization` marks a note dated inside an authorization; with several authorizations give
    `authorization_id` as well (it implies `in_authorization`).
    """

    key: str
    day: date
    units: int
    start_time: str = "00:00"
    in_authorization: bool = False
    authorization_id: str | None = None


@dataclass(frozen=True)
class CapResult:
    """U-9: a note after caps: `billable` units, `excess` units that are not billable, and which caps bit."""

    key: str
    day: date
    units: int
    billable: int
    excess: int
    reason: str
    in_authorization: bool
    authorization_id: str | None

    @property
    def over_cap(self) -> bool:
        """U-9: the note is flagged `over-cap` when any of its units are over a cap."""
        return self.excess > 0


def apply_caps(
    inputs: Sequence[CapInput],
    *,
    admitted: date,
    week_start: str = "monday",
    profile: PayerProfile,
    authorized: int | Mapping[str, int] | None = None,
) -> list[CapResult]:
    """U-3, U-4, U-5, U-9: billable units of one member's notes after the day cap, the week cap and the
    authorization's remaining units, in chronological order (date, then start time; ties keep input order).

    Excess units are never billable and do not use up any cap, so a later note can still bill what is left.
    `authorized` is the authorized units of the one authorization the `in_authorization` notes fall in, or a
    mapping from `authorization_id` to authorized units; None means no authorization limit is known. Notes
    outside every authorization are still capped by day and week (their units are U-6 unauthorized).
    Results come back in the order of `inputs`. The caller supplies the notes of whole weeks (and of the whole
    authorization) before the ones it wants to judge; a cap cannot see notes it is not given.
    """
    order = sorted(range(len(inputs)), key=lambda i: (inputs[i].day, inputs[i].start_time))
    day_used: dict[date, int] = {}
    week_used: dict[date, int] = {}
    auth_used: dict[str, int] = {}
    results: dict[int, CapResult] = {}
    for i in order:
        note = inputs[i]
        if note.units < 0:
            raise ValueError(f"units: must not be negative (note {note.key})")
        auth_key = _authorization_key(note, authorized)
        ws, we = week_bounds(note.day, week_start)
        week_cap = week_cap_for(ws, we, admitted, profile)
        rooms: list[tuple[int, str]] = [
            (profile.day_cap - day_used.get(note.day, 0), f"day cap of {profile.day_cap} units (U-3)"),
            (week_cap - week_used.get(ws, 0), f"week cap of {week_cap} units (U-4)"),
        ]
        if auth_key is not None and authorized is not None:
            total = authorized if isinstance(authorized, int) else authorized[auth_key]
            rooms.append(
                (total - auth_used.get(auth_key, 0), f"authorization of {total} units used up (U-5)")
            )
        allowed = max(0, min([note.units, *(room for room, _ in rooms)]))
        reasons = [why for room, why in rooms if note.units > max(room, 0)]
        day_used[note.day] = day_used.get(note.day, 0) + allowed
        week_used[ws] = week_used.get(ws, 0) + allowed
        if auth_key is not None:
            auth_used[auth_key] = auth_used.get(auth_key, 0) + allowed
        results[i] = CapResult(
            key=note.key,
            day=note.day,
            units=note.units,
            billable=allowed,
            excess=note.units - allowed,
            reason="; ".join(reasons),
            in_authorization=auth_key is not None,
            authorization_id=note.authorization_id,
        )
    return [results[i] for i in range(len(inputs))]


def _authorization_key(note: CapInput, authorized: int | Mapping[str, int] | None) -> str | None:
    if note.authorization_id is not None:
        if isinstance(authorized, Mapping) and note.authorization_id not in authorized:
            raise ValueError(f"authorization_id: no authorized units given for {note.authorization_id!r}")
        return note.authorization_id
    if not note.in_authorization:
        return None
    if isinstance(authorized, Mapping):
        raise ValueError(
            f"authorization_id: needed for note {note.key} when several authorizations are given"
        )
    return ""


# --- authorizations (U-5, U-7, U-8)
# ------------------------------------------------------------------------------


def authorization_days(start: date, end: date) -> int:
    """U-5/U-7: days of an authorization, both ends inclusive (Sep 1 – Nov 29 is 90 days)."""
    return (end - start).days + 1


def add_twelve_months(day: date) -> date:
    """U-7: the same day 12 months later; Feb 29 becomes Feb 28 in a common year."""
    year = day.year + 1
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def _merge(periods: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def authorized_days_in(periods: Iterable[tuple[date, date]], first: date, last: date) -> int:
    """U-7: distinct authorized days between `first` and `last` inclusive (a day two authorizations share
    counts once)."""
    total = 0
    for start, end in _merge(periods):
        lo, hi = max(start, first), min(end, last)
        if lo <= hi:
            total += (hi - lo).days + 1
    return total


def busiest_twelve_months(
    new: tuple[date, date], existing: Iterable[tuple[date, date]]
) -> tuple[int, date, date]:
    """U-7: the 12-month window touching the new authorization with the most authorized days: (days, first,
    last).

    "Any 12-month window" means every run of 12 calendar months [d, d + 12 months), for every start day d, not
    calendar or fiscal years; windows that do not touch the new authorization are not its concern (an older
    excess was refused or overridden when it was entered). Every start day from 366 days before the new start
    to its end is tried: at most 456 windows.
    """
    start, end = new
    periods = [*existing, new]
    best = (-1, start, start)
    day = start - timedelta(days=366)
    while day <= end:
        last = add_twelve_months(day) - timedelta(days=1)
        if last >= start:
            days = authorized_days_in(periods, day, last)
            if days > best[0]:
                best = (days, day, last)
        day += timedelta(days=1)
    return best


# U-5: the years an authorization date can fall in; anything else is a typo (the same bound as a note's date).
AUTHORIZATION_YEARS = (1900, 2199)


def validate_authorization(
    start: date,
    end: date,
    existing: Iterable[tuple[date, date]] = (),
    profile: PayerProfile | None = None,
) -> list[Problem]:
    """U-5/U-7: problems with entering an authorization from `start` to `end` (inclusive) beside the member's
    `existing` ones (leave out the one being edited). Empty means accept.

    U-7: more than 90 days is refused (initial and reauthorization alike), and so is more than 180 authorized
    days in any 12-month window. A supervisor may still record it with an override reason (the data layer's
    job).
    """
    limits = profile or PROFILES["nc-medicaid"]
    implausible = [
        Problem("U-5", name, f"{day} is not an authorization date: check the year (U-5).")
        for name, day in (("start", start), ("end", end))
        if not AUTHORIZATION_YEARS[0] <= day.year <= AUTHORIZATION_YEARS[1]
    ]
    if implausible:  # a typo like 0001 or 9999; the 12-month windows below are not even defined near those
        return implausible
    if end < start:
        return [Problem("U-5", "end", f"The end date {end} is before the start date {start} (U-5).")]
    problems: list[Problem] = []
    days = authorization_days(start, end)
    if days > limits.max_auth_days:
        problems.append(
            Problem(
                "U-7",
                "end",
                f"An authorization period is at most {limits.max_auth_days} days; {start} to {end} is {days} "
                f"days (U-7).",
            )
        )
    most, first, last = busiest_twelve_months((start, end), existing)
    if most > limits.max_auth_days_per_12_months:
        problems.append(
            Problem(
                "U-7",
                "start",
                f"This would make {most} authorized days in the 12 months {first} to {last}; at most "
                f"{limits.max_auth_days_per_12_months} are allowed in any 12 months (U-7).",
            )
        )
    return problems


def reauth_due(auth_end: date, as_of: date, lead_days: int = 14, has_later_auth: bool = False) -> bool:
    """U-8: `reauth-due` iff 0 <= auth_end - as_of <= lead_days and no later authorization exists.

    An authorization that has already ended is not "reauth due": 8G wants reauthorization requested "before
    the initial authorization expires"; after its end the member simply has no authorization (U-6
    unauthorized).
    """
    return not has_later_auth and 0 <= (auth_end - as_of).days <= lead_days


# --- unauthorized time (U-6)
# -------------------------------------------------------------------------------------


def fiscal_year_of(day: date, start_month: int = 7, start_day: int = 1) -> int:
    """U-6: the state fiscal year of a date, named by the calendar year it starts in (2026-07-01 .. 2027-06-30
    is 2026)."""
    return day.year if (day.month, day.day) >= (start_month, start_day) else day.year - 1


def unauthorized_units(units_outside_by_fiscal_year: Mapping[int, int], profile: PayerProfile) -> int:
    """U-6: units dated outside every authorization, less the payer's unmanaged allowance in each fiscal year
    (24 for nc-wellcare, 0 for the others); the allowance starts afresh every July 1."""
    return sum(max(0, used - profile.unmanaged_units) for used in units_outside_by_fiscal_year.values())


def allocate_unmanaged(items: Iterable[tuple[date, int]], profile: PayerProfile) -> list[int]:
    """U-6: for chronological (date, units) outside every authorization, the unauthorized units of each item,
    after the fiscal year's unmanaged allowance is used up in date order."""
    used: dict[int, int] = {}
    result: list[int] = []
    for day, units in items:
        fy = fiscal_year_of(day, profile.fiscal_year_start_month, profile.fiscal_year_start_day)
        left = max(0, profile.unmanaged_units - used.get(fy, 0))
        covered = min(units, left)
        used[fy] = used.get(fy, 0) + covered
        result.append(units - covered)
    return result
