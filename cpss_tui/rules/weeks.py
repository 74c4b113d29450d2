"""Weeks and local calendar dates (W-1, W-2).

Why a module of its own: every weekly rule (C-3 contact, U-4 week cap, S-4 supervision) needs the same week,
and attempts are stored as instants with an offset while the rules speak of calendar dates in the agency's
time zone. Getting the date of an attempt made at 23:30 on the night clocks change wrong would move it into
another week, so the conversion goes through pendulum's tz database here, once.

pendulum is imported where it is used, not at the top: importing it costs ~25 ms (it loads dateutil's parser),
and the start-up read of the home screen (data/start_read.py) needs none of it. Its time zones are
`zoneinfo.ZoneInfo`s, so "today in the agency's zone" reads the same tz database through zoneinfo directly.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from cpss_tui.rules.profiles import WEEK_STARTS

if TYPE_CHECKING:
    import pendulum

_FIRST_WEEKDAY = {"monday": 0, "sunday": 6}  # date.weekday(): Monday 0 … Sunday 6


def week_bounds(day: date, week_start: str = "monday") -> tuple[date, date]:
    """W-1: the first and last calendar day of the week holding `day` (Monday–Sunday, or Sunday–Saturday).

    Plain date arithmetic: a calendar week always has 7 dates, DST changes only the hours in a day.
    """
    if week_start not in WEEK_STARTS:
        raise ValueError(f"week_start: must be one of {', '.join(WEEK_STARTS)}, not {week_start!r}")
    back = (day.weekday() - _FIRST_WEEKDAY[week_start]) % 7
    start = day - timedelta(days=back)
    return start, start + timedelta(days=6)


def is_active_in_week(
    admitted: date, discharged: date | None, week_start_date: date, week_end_date: date
) -> bool:
    """W-2: active when admitted on or before the week's last day and not discharged before its first day."""
    return admitted <= week_end_date and (discharged is None or discharged >= week_start_date)


def day_of_service(admitted: date, day: date) -> int:
    """Day N of service, counting the admission date as day 1 (rules.md preamble; V-2, U-4)."""
    return (day - admitted).days + 1


def _zone(tz: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    import pendulum
    from pendulum.tz import get_local_timezone

    return get_local_timezone() if tz in ("", "local") else pendulum.Timezone(tz)


def local_date(timestamp: str | datetime, tz: str = "local") -> date:
    """W-1/C-2: the agency-local calendar date of an instant (an attempt's ISO 8601 time with offset).

    DST-correct through pendulum: "2026-03-08T04:30:00+00:00" is 23:30 EST on March 7 in America/New_York.
    A timestamp without an offset is taken as wall-clock time in the agency's zone already.
    """
    moment = datetime.fromisoformat(timestamp) if isinstance(timestamp, str) else timestamp
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.date()
    import pendulum

    return pendulum.instance(moment).in_timezone(_zone(tz)).date()


def today_in(tz: str = "local") -> date:
    """W-1: today's calendar date in the agency's time zone (the only place the rules read the clock).

    What `pendulum.now(tz).date()` gives, through the same tz database (pendulum's zones are ZoneInfo), without
    importing pendulum at start-up; "local" is the machine's zone (TZ, then /etc/localtime), as in pendulum.
    """
    if tz in ("", "local"):
        return datetime.now().astimezone().date()
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(tz)).date()
