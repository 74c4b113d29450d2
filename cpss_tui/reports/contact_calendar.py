"""The contact calendar (issue 6, item 3): one member's last 52 weeks, ending with the week holding as_of, each
week with its C-3 weekly status, laid out like a contribution graph (rows of 13 weeks, month labels above).

The statuses are the ones `status` computes for the current and previous week, for every week of the year:
direct contacts (C-1) counted by note date, documented attempts (C-2) and their distinct days counted by the
attempt's agency-local date (`attempt.on_date`, so an attempt at 23:30 on the night clocks change stays in its
week), W-2 activity judged as `status` does (an admission after as_of has not happened yet), then
`rules.contact.weekly_status`. Two grouped statements read the whole window (notes per day, attempts per day),
whatever the number of weeks.

Every cell has a letter as well as a colour, and the legend counts each status, so the calendar reads without
colour.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

from rich.text import Text
from sqlalchemy import Engine, func, select

from cpss_tui.data import settings
from cpss_tui.data.db import read_session
from cpss_tui.data.models import Attempt, Member, Note
from cpss_tui.rules import contact
from cpss_tui.rules.weeks import is_active_in_week, week_bounds

WEEKS: Final = 52
PER_ROW: Final = 13

CalendarStatus = Literal["met", "attempted", "missed", "pending", "inactive"]
STATUSES: Final[tuple[CalendarStatus, ...]] = ("met", "attempted", "missed", "pending", "inactive")

SYMBOLS: Final[dict[str, str]] = {
    "met": "M",
    "attempted": "A",
    "missed": "X",
    "pending": "P",
    "inactive": "·",
}
MEANINGS: Final[dict[str, str]] = {
    "met": "met (a direct contact, C-1)",
    "attempted": "attempts documented (C-3)",
    "missed": "missed",
    "pending": "pending (week not over)",
    "inactive": "not active (before admission or after discharge)",
}
# Cell colours; the letter carries the meaning when colour is absent.
STYLES: Final[dict[str, str]] = {
    "met": "bold #ffffff on #1a7f37",
    "attempted": "bold #000000 on #d4a72c",
    "missed": "bold #ffffff on #cf222e",
    "pending": "bold #000000 on #8c959f",
    "inactive": "#8c959f",
}


@dataclass(frozen=True)
class CalendarWeek:
    """One week (W-1) and its C-3 status; the counts are those dated in the week up to as_of."""

    start: date
    end: date
    status: CalendarStatus
    direct_contacts: int
    attempts: int
    attempt_days: int


@dataclass(frozen=True)
class ContactCalendar:
    member_id: str
    name: str
    as_of: date
    admitted_on: date
    discharged_on: date | None
    week_start: str
    min_attempts: int
    weeks: tuple[CalendarWeek, ...]  # oldest first; the last holds as_of

    def counts(self) -> dict[str, int]:
        """Weeks per status, every status present (0 when none)."""
        found = Counter(w.status for w in self.weeks)
        return {s: found.get(s, 0) for s in STATUSES}


def contact_calendar(
    engine: Engine, member_id: str, as_of: date, weeks: int = WEEKS
) -> ContactCalendar | None:
    """C-3 for each of the `weeks` weeks ending with the week holding as_of; None for an unknown member."""
    values = settings.get_all(engine)
    agency = settings.agency_settings_from(values)
    last_start, _ = week_bounds(as_of, agency.week_start)
    first = last_start - timedelta(days=7 * (weeks - 1))
    with read_session(engine) as session:
        member = session.get(Member, member_id)
        if member is None:
            return None
        direct_by_day: dict[date, int] = dict(
            session.execute(
                select(Note.date, func.count())
                .where(
                    Note.member_id == member_id,
                    Note.date >= first,
                    Note.date <= as_of,
                    Note.contact_type.in_(contact.DIRECT_CONTACT_TYPES),
                )
                .group_by(Note.date)
            ).all()
        )
        attempts_by_day: dict[date, int] = dict(
            session.execute(
                select(Attempt.on_date, func.count())
                .where(Attempt.member_id == member_id, Attempt.on_date >= first, Attempt.on_date <= as_of)
                .group_by(Attempt.on_date)
            ).all()
        )
        admitted, discharged, name = member.admitted_on, member.discharged_on, member.name
    result = []
    for i in range(weeks):
        start = first + timedelta(days=7 * i)
        end = start + timedelta(days=6)
        days = [start + timedelta(days=d) for d in range(7)]
        direct = sum(direct_by_day.get(d, 0) for d in days)
        attempt_days = [d for d in days if attempts_by_day.get(d, 0)]
        attempts = sum(attempts_by_day[d] for d in attempt_days)
        # W-2 as `status` judges it: an admission dated after as_of has not happened yet.
        active = is_active_in_week(admitted, discharged, start, min(end, as_of))
        status = contact.weekly_status(
            active=active,
            direct_contacts=direct,
            attempts=attempts,
            attempt_days=len(attempt_days),
            min_attempts=agency.min_attempts,
            week_end=end,
            as_of=as_of,
        )
        result.append(CalendarWeek(start, end, status or "inactive", direct, attempts, len(attempt_days)))
    return ContactCalendar(
        member_id, name, as_of, admitted, discharged, agency.week_start, agency.min_attempts, tuple(result)
    )


# --- text form
# -----------------------------------------------------------------------------------------------------

_LABEL = 11  # "2026-01-05 "
_CELL = 4  # " M " and a space


def _month_label(start: date, end: date) -> str:
    """The month a week begins, when the week holds that month's first day."""
    first_of_month = end.replace(day=1)
    return f"{first_of_month:%b}" if start <= first_of_month <= end else ""


def calendar_renderable(cal: ContactCalendar, per_row: int = PER_ROW, colour: bool = True) -> Text:
    """The grid: for each row of `per_row` weeks a line of month labels and a line of cells, each cell its
    status letter (coloured when `colour`); the last cell is marked as the week of as_of."""
    out = Text()
    rows = [cal.weeks[i : i + per_row] for i in range(0, len(cal.weeks), per_row)]
    for r, row in enumerate(rows):
        if r:
            out.append("\n")
        months = "".join(_month_label(w.start, w.end).ljust(_CELL) for w in row)
        out.append(" " * _LABEL + months.rstrip() + "\n", style="dim" if colour else "")
        out.append(f"{row[0].start.isoformat()} ", style="bold" if colour else "")
        for w in row:
            out.append(f" {SYMBOLS[w.status]} ", style=STYLES[w.status] if colour else "")
            out.append(" ")
        if r == len(rows) - 1:
            out.append(f"◂ week of {cal.as_of:%m-%d}", style="bold" if colour else "")
        out.append("\n")
    return out


def calendar_legend(cal: ContactCalendar) -> list[str]:
    """What each letter means with its count, and the figures in words."""
    counts = cal.counts()
    first, last = cal.weeks[0], cal.weeks[-1]
    active = len(cal.weeks) - counts["inactive"]
    lines = [
        "; ".join(f"{SYMBOLS[s]} = {MEANINGS[s]}: {counts[s]}" for s in STATUSES),
        f"{len(cal.weeks)} weeks ({cal.week_start} to {'saturday' if cal.week_start == 'sunday' else 'sunday'}) "
        f"from {first.start} to {last.end}; active in {active}, met in {counts['met']}, attempts documented in "
        f"{counts['attempted']}, missed {counts['missed']}. Attempts count when at least {cal.min_attempts} "
        f"fall on at least two different days (C-3). Admitted {cal.admitted_on}"
        + (f", discharged {cal.discharged_on}." if cal.discharged_on else "."),
    ]
    return lines


def calendar_text(cal: ContactCalendar, width: int = 80) -> str:
    """The whole calendar report as plain text (`cpss-tui report calendar`)."""
    import textwrap

    head = [f"Contact calendar · {cal.name} · as of {cal.as_of} (C-3 weekly status)", ""]
    grid = calendar_renderable(cal, colour=False).plain.rstrip("\n").splitlines()
    legend = [
        part for line in calendar_legend(cal) for part in textwrap.wrap(line, width, subsequent_indent="  ")
    ]
    return "\n".join([*head, *(g.rstrip() for g in grid), "", *legend])
