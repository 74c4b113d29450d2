"""Unit use over time (issue 6, item 2): per member and authorization, units used and remaining day by day;
per member, units delivered per week against the week cap; per specialist, units delivered per week.

Units *used* are counted exactly as the member record counts them (U-5/U-9: after the day cap U-3, the week
cap U-4 and the authorization's remaining units), by calling the member record's own
`_units_used_per_authorization` as of each day: caps consume notes in date order, so the figure as of a day is
the prefix of the figure as of a later day, and the last point of a series is the member record's `Used`.
Units *delivered* per week are the rounded units of the notes (U-1/U-2) before caps, as `status` reports
`units.week` against its cap.

The computations return frozen dataclasses. The text form (a plotext chart built to a string, plus a legend in
words so the chart reads without colour) is shared by the TUI widgets and `cpss-tui report units`; plotext is
imported only when a chart is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any, Final

from sqlalchemy import Engine, select

from cpss_tui.data import settings
from cpss_tui.data.db import read_session
from cpss_tui.data.models import Authorization, Member, Note, Staff
from cpss_tui.reports.period import Period
from cpss_tui.rules import units as unit_rules
from cpss_tui.rules.weeks import week_bounds
from cpss_tui.services.member_record import (
    NoteView,
    _units_used_per_authorization,
    load_member_record,
)

# The weeks shown when no period is given (a member without authorization, a specialist).
DEFAULT_WEEKS: Final = 12

# Chart markers: each series has its own character, so the chart reads without colour.
USED_MARKER: Final = "●"
REMAINING_MARKER: Final = "○"
BAR_MARKER: Final = "▇"
CAP_MARKER: Final = "─"


@dataclass(frozen=True)
class UsePoint:
    """Units used (after caps) and remaining of one authorization at the end of `day`."""

    day: date
    used: int
    remaining: int


@dataclass(frozen=True)
class AuthorizationSeries:
    """One authorization (U-5) with its day-by-day use, from its start to its end or `as_of`, whichever is
    first (empty when it starts after `as_of`)."""

    id: str
    number: str
    start: date
    end: date
    authorized: int
    used: int
    remaining: int
    days_left: int  # days after as_of up to the end date (0 once it has ended)
    points: tuple[UsePoint, ...]

    def describe(self, as_of: date) -> str:
        """The key figures in words."""
        if as_of > self.end:
            when = f"ended on {self.end}"
        elif as_of < self.start:
            when = f"starts on {self.start}, ends on {self.end}"
        else:
            when = f"ends on {self.end}, {self.days_left} day{'s' if self.days_left != 1 else ''} left"
        return (
            f"{self.number} ({self.start} to {self.end}): authorized {self.authorized} units, used {self.used}, "
            f"remaining {self.remaining}; {when}."
        )


@dataclass(frozen=True)
class WeekUnits:
    """Units delivered in one week (U-1/U-2 rounding, before caps) against the week cap in force (U-4)."""

    start: date
    end: date
    units: int
    cap: int
    notes: int

    @property
    def over(self) -> int:
        return max(0, self.units - self.cap)


@dataclass(frozen=True)
class MemberUnitUse:
    """A member's authorizations over a period, and units per week against the caps."""

    member_id: str
    name: str
    payer: str
    admitted_on: date
    as_of: date
    period: Period
    week_start: str
    day_cap: int
    early_week_cap: int
    week_cap: int
    early_days: int
    authorizations: tuple[AuthorizationSeries, ...]  # oldest first
    weeks: tuple[WeekUnits, ...]
    days_over_day_cap: tuple[tuple[date, int], ...]  # (day, units delivered) over the U-3 day cap

    @property
    def last_early_day(self) -> date:
        """U-4: the last of the first `early_days` days of service (admission + 0..29)."""
        return self.admitted_on + timedelta(days=self.early_days - 1)

    @property
    def current_index(self) -> int:
        """The authorization to show first: the one holding as_of, else the latest started, else the first."""
        for i, a in enumerate(self.authorizations):
            if a.start <= self.as_of <= a.end:
                return i
        started = [i for i, a in enumerate(self.authorizations) if a.start <= self.as_of]
        return started[-1] if started else 0


@dataclass(frozen=True)
class SpecialistWeek:
    """Units one specialist delivered in one week (U-1/U-2 rounding, before caps)."""

    start: date
    end: date
    units: int
    notes: int
    members: int


@dataclass(frozen=True)
class SpecialistUnitUse:
    staff_id: str
    name: str
    as_of: date
    period: Period
    weeks: tuple[SpecialistWeek, ...]

    @property
    def total(self) -> int:
        return sum(w.units for w in self.weeks)


# --- computations
# -------------------------------------------------------------------------------------------------


def _weeks_of(period: Period, week_start: str) -> list[tuple[date, date]]:
    """W-1: the weeks touching the period, oldest first."""
    first, _ = week_bounds(period.first, week_start)
    result = []
    while first <= period.last:
        result.append((first, first + timedelta(days=6)))
        first += timedelta(days=7)
    return result


def _default_member_period(auths: Sequence[Authorization], as_of: date, week_start: str) -> Period:
    """The current authorization's days up to as_of (the latest started one, else the next one); without any,
    the last DEFAULT_WEEKS weeks up to as_of."""
    holding = [a for a in auths if a.start_date <= as_of <= a.end_date]
    started = [a for a in auths if a.start_date <= as_of]
    chosen = holding[-1] if holding else started[-1] if started else auths[0] if auths else None
    if chosen is None:
        return _default_weeks_period(as_of, week_start)
    if chosen.start_date > as_of:
        return Period(chosen.start_date, chosen.end_date)
    return Period(chosen.start_date, min(chosen.end_date, as_of))


def _default_weeks_period(as_of: date, week_start: str) -> Period:
    first = week_bounds(as_of, week_start)[0] - timedelta(days=7 * (DEFAULT_WEEKS - 1))
    return Period(first, as_of)


def _series(
    notes: tuple[NoteView, ...],
    auths: Sequence[Authorization],
    auth: Authorization,
    admitted: date,
    as_of: date,
    profile: Any,
    week_start: str,
) -> AuthorizationSeries:
    """U-5/U-9: the authorization's use as of each of its days up to as_of, counted by the member record's own
    function as of each day a note falls on (the days between carry the figure forward)."""
    last = min(auth.end_date, as_of)
    # Notes before the week holding the start cannot change any cap inside the authorization (day and week caps
    # are per day and week, the authorization's cap counts only its own notes): leaving them out keeps the
    # repeated count small without changing it.
    first_week = week_bounds(auth.start_date, week_start)[0]
    relevant = tuple(n for n in notes if first_week <= n.date <= last)
    used_on: dict[date, int] = {}
    for day in sorted({n.date for n in relevant if n.date >= auth.start_date}):
        used_on[day] = _units_used_per_authorization(relevant, auths, admitted, day, profile, week_start).get(
            auth.id, 0
        )
    points = []
    used = 0
    day = auth.start_date
    while day <= last:
        used = used_on.get(day, used)
        points.append(UsePoint(day, used, auth.units - used))
        day += timedelta(days=1)
    return AuthorizationSeries(
        auth.id,
        auth.number,
        auth.start_date,
        auth.end_date,
        auth.units,
        used,
        auth.units - used,
        max(0, (auth.end_date - as_of).days),
        tuple(points),
    )


def member_unit_use(
    engine: Engine, member_id: str, as_of: date, period: Period | None = None
) -> MemberUnitUse | None:
    """The member's authorizations overlapping the period (default: the current authorization up to as_of)
    with their day-by-day use, and units delivered per week of the period against the caps; None for an
    unknown member. Notes dated after as_of are not known yet."""
    record = load_member_record(engine, member_id, "", as_of)
    if record is None:
        return None
    values = settings.get_all(engine)
    profile = settings.profiles_from(values)[record.payer]
    week_start = settings.agency_settings_from(values).week_start
    with read_session(engine) as session:
        auths = list(
            session.scalars(
                select(Authorization)
                .where(Authorization.member_id == member_id)
                .order_by(Authorization.start_date, Authorization.id)
            )
        )
    period = period or _default_member_period(auths, as_of, week_start)
    series = tuple(
        _series(record.notes, auths, a, record.admitted_on, as_of, profile, week_start)
        for a in auths
        if a.start_date <= period.last and a.end_date >= period.first
    )
    known = [n for n in record.notes if n.date <= as_of]
    weeks = []
    for ws, we in _weeks_of(period, week_start):
        if ws > as_of:
            break
        inside = [n for n in known if ws <= n.date <= we]
        weeks.append(
            WeekUnits(
                ws,
                we,
                sum(n.units for n in inside),
                unit_rules.week_cap_for(ws, we, record.admitted_on, profile),
                len(inside),
            )
        )
    per_day: dict[date, int] = {}
    for n in known:
        if period.first <= n.date <= period.last:
            per_day[n.date] = per_day.get(n.date, 0) + n.units
    over_day = tuple(sorted((d, u) for d, u in per_day.items() if u > profile.day_cap))
    return MemberUnitUse(
        record.id,
        record.name,
        record.payer,
        record.admitted_on,
        as_of,
        period,
        week_start,
        profile.day_cap,
        profile.early_week_cap,
        profile.week_cap,
        profile.early_days,
        series,
        tuple(weeks),
        over_day,
    )


def specialist_weekly_units(
    engine: Engine, staff_id: str, as_of: date, period: Period | None = None
) -> SpecialistUnitUse | None:
    """Units the specialist delivered per week of the period (default: the last DEFAULT_WEEKS weeks up to
    as_of), each note rounded under its member's payer profile (U-1/U-2); None for unknown staff. One
    statement reads the notes."""
    values = settings.get_all(engine)
    profiles = settings.profiles_from(values)
    week_start = settings.agency_settings_from(values).week_start
    period = period or _default_weeks_period(as_of, week_start)
    last = min(period.last, as_of)
    with read_session(engine) as session:
        staff = session.get(Staff, staff_id)
        if staff is None:
            return None
        rows = session.execute(
            select(
                Note.date,
                Note.minutes,
                Note.billable,
                Note.nonbillable_reason,
                Note.contact_type,
                Note.member_id,
                Member.payer,
            )
            .join(Member, Member.id == Note.member_id)
            .where(Note.staff_id == staff_id, Note.date >= period.first, Note.date <= last)
        ).all()
    weeks = []
    for ws, we in _weeks_of(period, week_start):
        if ws > as_of:
            break
        inside = [r for r in rows if ws <= r.date <= we]
        weeks.append(
            SpecialistWeek(
                ws,
                we,
                sum(
                    unit_rules.billable_units(
                        minutes=r.minutes,
                        billable=r.billable,
                        nonbillable_reason=r.nonbillable_reason,
                        contact_type=r.contact_type,
                        profile=profiles[r.payer],
                    )
                    for r in inside
                ),
                len(inside),
                len({r.member_id for r in inside}),
            )
        )
    return SpecialistUnitUse(staff.id, staff.name, as_of, period, tuple(weeks))


# --- text form: charts drawn on a plotext figure, legends in words
# ------------------------------------------------------------------


def _short(day: date) -> str:
    return f"{day:%m-%d}"


def _spread_ticks(count: int, labels: Callable[[int], str], width: int) -> tuple[list[int], list[str]]:
    """At most one tick label every ~12 columns of an axis holding `count` positions."""
    most = max(2, width // 12)
    step = max(1, -(-count // most))
    ticks = list(range(0, count, step))
    return ticks, [labels(i) for i in ticks]


def _int_ticks(top: int, most: int = 4) -> list[int]:
    """Whole-number axis ticks 0, step, 2·step … up to `top`, with a round step (1, 2, 5 × 10^k)."""
    step = 1
    while top / step > most:
        for factor in (2, 5 / 2, 2):
            step = round(step * factor)
            if top / step <= most:
                break
    return list(range(0, top + 1, step))


def draw_authorization(fig: Any, a: AuthorizationSeries, width: int = 80) -> None:
    """Used (●) and remaining (○) per day, the authorized units (─) and the end date (│)."""
    days = (a.end - a.start).days + 1
    xs = [(p.day - a.start).days for p in a.points]
    if a.points:
        fig.plot(xs, [p.used for p in a.points], marker=USED_MARKER, color="green")
        fig.plot(xs, [p.remaining for p in a.points], marker=REMAINING_MARKER, color="blue")
    fig.hline(a.authorized, color="orange")
    fig.vline(days - 1, color="red")
    fig.xlim(0, days - 1 + max(2, days // 12))
    fig.ylim(0, max(1, round(a.authorized * 1.1)))
    fig.yticks(sorted({*(t for t in _int_ticks(a.authorized) if t <= a.authorized * 0.85), a.authorized}))
    ticks, labels = _spread_ticks(days, lambda i: _short(a.start + timedelta(days=i)), width)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else days
    kept = [(t, label) for t, label in zip(ticks, labels, strict=True) if days - 1 - t >= step / 2]
    fig.xticks([t for t, _ in kept] + [days - 1], [label for _, label in kept] + [_short(a.end)])
    fig.title(f"{a.number}: units used and remaining")


def draw_weeks(
    fig: Any,
    starts: Sequence[date],
    units: Sequence[int],
    caps: Sequence[int] | None,
    title: str,
    width: int = 80,
) -> None:
    """Bars (▇) of units per week; with `caps`, the week cap as a line (─) over each week."""
    xs = list(range(len(starts)))
    if xs:
        fig.bar(xs, list(units), marker=BAR_MARKER, color="blue", width=0.6)
    top = max([1, *units])
    if caps:
        cx: list[float] = []
        cy: list[int] = []
        for x, cap in zip(xs, caps, strict=True):
            cx += [x - 0.45, x + 0.45]
            cy += [cap, cap]
        fig.plot(cx, cy, marker=CAP_MARKER, color="red")
        top = max(top, *caps)
        fig.yticks(sorted({0, *caps, *([top] if top > max(caps) else [])}))
    else:
        fig.yticks(_int_ticks(top))
    fig.ylim(0, round(top * 1.15) + 1)
    if xs:
        ticks, labels = _spread_ticks(len(xs), lambda i: _short(starts[i]), width)
        fig.xticks(ticks, labels)
        fig.xlim(-0.7, len(xs) - 0.3)
    fig.title(title)


def draw_member_weeks(fig: Any, use: MemberUnitUse, width: int = 80) -> None:
    draw_weeks(
        fig,
        [w.start for w in use.weeks],
        [w.units for w in use.weeks],
        [w.cap for w in use.weeks],
        "units delivered per week against the week cap",
        width,
    )


def draw_specialist_weeks(fig: Any, use: SpecialistUnitUse, width: int = 80) -> None:
    draw_weeks(
        fig,
        [w.start for w in use.weeks],
        [w.units for w in use.weeks],
        None,
        f"{use.name}: units per week",
        width,
    )


def build_chart(draw: Callable[[Any], None], width: int = 80, height: int = 14, colour: bool = False) -> str:
    """A chart as text: a fresh plotext figure, drawn, built; without colour, plain characters only."""
    from plotext._figure import _figure_class
    from plotext._utility import uncolorize

    fig = _figure_class()
    fig.plotsize(width, height)
    fig.theme("pro" if colour else "clear")
    draw(fig)
    text: str = fig.build()
    lines = (uncolorize(text) if not colour else text).splitlines()
    return "\n".join(line.rstrip() for line in lines)


def authorization_legend(a: AuthorizationSeries, use: MemberUnitUse) -> list[str]:
    """What each line is, and the figures in words."""
    return [
        a.describe(use.as_of),
        f"{USED_MARKER} used after caps (U-3..U-5) · {REMAINING_MARKER} remaining · ─ authorized "
        f"{a.authorized} · │ end date {a.end}"
        + (f" · lines stop at as of {use.as_of}" if a.start <= use.as_of < a.end else ""),
    ]


def member_weeks_legend(use: MemberUnitUse) -> list[str]:
    lines = [
        f"{BAR_MARKER} units delivered per week (rounded, before caps) · {CAP_MARKER} week cap (U-4): "
        f"{use.early_week_cap} in weeks holding admission + 0..{use.early_days - 1} (to {use.last_early_day}), "
        f"{use.week_cap} later · day cap {use.day_cap} (U-3).",
    ]
    over = [w for w in use.weeks if w.over]
    if over:
        lines.append(
            f"{len(over)} week(s) over the cap: "
            + ", ".join(f"{w.start} ({w.units} > {w.cap})" for w in over)
            + "; the excess is not billable (U-9)."
        )
    elif use.weeks:
        lines.append(
            f"No week over the cap; {sum(w.units for w in use.weeks)} units in {len(use.weeks)} week(s) "
            f"from {use.weeks[0].start}."
        )
    if use.days_over_day_cap:
        lines.append(
            "Days over the day cap: "
            + ", ".join(f"{d} ({u} > {use.day_cap})" for d, u in use.days_over_day_cap)
        )
    return lines


def specialist_legend(use: SpecialistUnitUse) -> list[str]:
    busiest = max(use.weeks, key=lambda w: (w.units, w.start), default=None)
    lines = [
        f"{BAR_MARKER} units {use.name} delivered per week (each note rounded under its member's payer, before "
        f"caps), {use.period.first} to {min(use.period.last, use.as_of)}.",
        f"Total {use.total} units in {len(use.weeks)} week(s)"
        + (
            f"; busiest week {busiest.start} with {busiest.units} units."
            if busiest and busiest.units
            else "."
        ),
    ]
    return lines


def _wrap(lines: list[str], width: int) -> list[str]:
    import textwrap

    return [part for line in lines for part in textwrap.wrap(line, width, subsequent_indent="  ")]


def member_units_text(use: MemberUnitUse, width: int = 80, colour: bool = False) -> str:
    """The whole unit-use report of a member as text (`cpss-tui report units --member`)."""
    out = [
        f"Unit use · {use.name} ({use.payer}) · admitted {use.admitted_on} · as of {use.as_of}",
        f"Period {use.period.describe()}",
        "",
    ]
    if not use.authorizations:
        out += [
            "No authorization in the period (U-5): time outside every authorization is unauthorized (U-6).",
            "",
        ]
    for a in use.authorizations:
        out.append(build_chart(partial(draw_authorization, a=a, width=width), width, 14, colour))
        out += [*_wrap(authorization_legend(a, use), width), ""]
    out.append(build_chart(lambda fig: draw_member_weeks(fig, use, width), width, 12, colour))
    out += _wrap(member_weeks_legend(use), width)
    return "\n".join(out)


def specialist_units_text(use: SpecialistUnitUse, width: int = 80, colour: bool = False) -> str:
    out = [f"Units per week · {use.name} · as of {use.as_of}", f"Period {use.period.describe()}", ""]
    out.append(build_chart(lambda fig: draw_specialist_weeks(fig, use, width), width, 14, colour))
    out += _wrap(specialist_legend(use), width)
    return "\n".join(out)
