"""W-1, W-2: weeks and agency-local dates, across DST changes and a leap day."""

from __future__ import annotations

from datetime import date
from zoneinfo import available_timezones

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpss_tui.rules.profiles import timezone_is_valid
from cpss_tui.rules.weeks import day_of_service, is_active_in_week, local_date, today_in, week_bounds

NY = "America/New_York"


def test_w1_week_monday_to_sunday_by_default() -> None:
    # 2026-11-22 is a Sunday: the last day of its Monday week.
    assert week_bounds(date(2026, 11, 22)) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week_bounds(date(2026, 11, 16), "monday") == (date(2026, 11, 16), date(2026, 11, 22))


def test_w1_week_starting_sunday() -> None:
    # With Sunday weeks the same Sunday opens the next week.
    assert week_bounds(date(2026, 11, 22), "sunday") == (date(2026, 11, 22), date(2026, 11, 28))
    assert week_bounds(date(2026, 11, 21), "sunday") == (date(2026, 11, 15), date(2026, 11, 21))


def test_w1_unknown_week_start_refused() -> None:
    with pytest.raises(ValueError, match="week_start"):
        week_bounds(date(2026, 1, 1), "friday")


def test_w1_week_over_leap_day_has_seven_dates() -> None:
    start, end = week_bounds(date(2028, 2, 29))  # a Tuesday
    assert (start, end) == (date(2028, 2, 28), date(2028, 3, 5))
    assert (end - start).days == 6
    assert week_bounds(date(2028, 2, 29), "sunday") == (date(2028, 2, 27), date(2028, 3, 4))


def test_w1_dst_weeks_are_seven_calendar_days() -> None:
    # 2026-03-08 and 2026-11-01 are DST changes in New York (both Sundays).
    assert week_bounds(date(2026, 3, 8)) == (date(2026, 3, 2), date(2026, 3, 8))
    assert week_bounds(date(2026, 3, 8), "sunday") == (date(2026, 3, 8), date(2026, 3, 14))
    assert week_bounds(date(2026, 11, 1)) == (date(2026, 10, 26), date(2026, 11, 1))


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        # spring forward, 2026-03-08 02:00 EST -> 03:00 EDT
        ("2026-03-08T04:30:00+00:00", date(2026, 3, 7)),  # 23:30 EST Saturday
        ("2026-03-08T05:30:00+00:00", date(2026, 3, 8)),  # 00:30 EST Sunday
        ("2026-03-08T23:59:00-04:00", date(2026, 3, 8)),  # late Sunday, already EDT
        ("2026-03-09T03:59:00+00:00", date(2026, 3, 8)),  # 23:59 EDT Sunday = last minute of the Monday week
        ("2026-03-09T04:00:00+00:00", date(2026, 3, 9)),  # 00:00 EDT Monday: the next week
        # fall back, 2026-11-01 02:00 EDT -> 01:00 EST
        ("2026-11-01T03:30:00+00:00", date(2026, 10, 31)),  # 23:30 EDT Saturday
        ("2026-11-01T05:30:00+00:00", date(2026, 11, 1)),  # 01:30 EDT (first 01:30)
        ("2026-11-01T06:30:00+00:00", date(2026, 11, 1)),  # 01:30 EST (second 01:30)
        ("2026-11-02T04:59:00+00:00", date(2026, 11, 1)),  # 23:59 EST Sunday
        ("2026-11-02T05:00:00+00:00", date(2026, 11, 2)),  # 00:00 EST Monday
        ("2028-02-29T04:59:00+00:00", date(2028, 2, 28)),  # leap day: 23:59 EST the day before
        ("2028-03-01T04:59:00+00:00", date(2028, 2, 29)),
    ],
)
def test_w1_attempt_local_date_is_dst_correct(stamp: str, expected: date) -> None:
    assert local_date(stamp, NY) == expected


def test_w1_naive_timestamp_is_wall_clock() -> None:
    assert local_date("2026-03-08T23:30:00", NY) == date(2026, 3, 8)


def test_w2_active_when_admitted_by_last_day_and_not_discharged_before_first_day() -> None:
    start, end = date(2026, 11, 16), date(2026, 11, 22)
    assert is_active_in_week(date(2026, 11, 22), None, start, end)  # admitted on the last day
    assert not is_active_in_week(date(2026, 11, 23), None, start, end)  # admitted the day after
    assert is_active_in_week(date(2026, 1, 1), date(2026, 11, 16), start, end)  # discharged on the first day
    assert not is_active_in_week(
        date(2026, 1, 1), date(2026, 11, 15), start, end
    )  # discharged the day before


def test_day_of_service_counts_admission_as_day_one() -> None:
    assert day_of_service(date(2026, 9, 1), date(2026, 9, 1)) == 1
    assert day_of_service(date(2026, 9, 1), date(2026, 9, 30)) == 30


@pytest.mark.parametrize("tz", ["local", "", NY, "America/Los_Angeles", "Pacific/Kiritimati", "Etc/GMT+12", "UTC"])
def test_w1_today_is_pendulums_today_in_the_agency_zone(tz: str) -> None:
    """today_in reads the clock through zoneinfo (no pendulum import at start-up); it must agree with
    pendulum.now(tz), whose zones are ZoneInfo objects over the same database."""
    before = pendulum.now(None if tz in ("", "local") else tz).date()
    today = today_in(tz)
    after = pendulum.now(None if tz in ("", "local") else tz).date()
    assert today in (before, after)


@given(st.one_of(st.sampled_from(sorted(available_timezones())), st.text(max_size=30)))
@settings(max_examples=300, deadline=None)
def test_w1_a_timezone_setting_is_valid_exactly_when_pendulum_accepts_it(name: str) -> None:
    try:
        pendulum.Timezone(name)
        accepted = True
    except Exception:
        accepted = False
    assert timezone_is_valid(name) == (accepted or name == "local")
