"""U-1..U-9: units, caps, authorizations and unauthorized time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpss_tui.rules.profiles import PROFILES, profile_with_overrides
from cpss_tui.rules.units import (
    CapInput,
    add_twelve_months,
    allocate_unmanaged,
    apply_caps,
    authorization_days,
    billable_units,
    busiest_twelve_months,
    fiscal_year_of,
    reauth_due,
    unauthorized_units,
    units_for_minutes,
    validate_authorization,
    week_cap_for,
)
from cpss_tui.rules.weeks import week_bounds

NC = PROFILES["nc-medicaid"]
CT = PROFILES["ct-waiver"]
WELLCARE = PROFILES["nc-wellcare"]
ADMITTED = date(2026, 9, 2)  # a Wednesday


@pytest.mark.parametrize(("minutes", "units"), [(0, 0), (14, 0), (15, 1), (29, 1), (30, 2), (44, 2), (45, 3)])
def test_u1_floor_rounding(minutes: int, units: int) -> None:
    assert units_for_minutes(minutes, "floor") == units


@pytest.mark.parametrize(("minutes", "units"), [(1, 0), (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3)])
def test_u1_midpoint_rounding(minutes: int, units: int) -> None:
    assert units_for_minutes(minutes, "midpoint") == units


def test_u1_ct_waiver_under_15_minutes_not_billable() -> None:
    assert CT.rounding == "floor"
    assert billable_units(minutes=14, contact_type="face-to-face", profile=CT) == 0
    assert billable_units(minutes=15, contact_type="face-to-face", profile=CT) == 1


def test_u1_bad_input_refused() -> None:
    with pytest.raises(ValueError, match="minutes"):
        units_for_minutes(-1)
    with pytest.raises(ValueError, match="rounding"):
        units_for_minutes(15, "ceiling")


def test_u1_midpoint_profile_override() -> None:
    mid = profile_with_overrides("nc-medicaid", {"rounding": "midpoint"})
    assert billable_units(minutes=8, contact_type="face-to-face", profile=mid) == 1
    assert billable_units(minutes=8, contact_type="face-to-face", profile=NC) == 0


def test_u2_nonbillable_time_produces_zero_units() -> None:
    for reason in ("transportation", "recreation", "clerical", "supervision", "no-show"):
        assert reason in NC.nonbillable_activities
        assert billable_units(minutes=60, nonbillable_reason=reason, profile=NC) == 0
    assert billable_units(minutes=60, billable=False, profile=NC) == 0
    assert billable_units(minutes=60, nonbillable_reason="  ", profile=NC) == 4


def test_u2_ct_waiver_telephone_is_nonbillable() -> None:
    assert "telephone" in CT.nonbillable_activities
    assert billable_units(minutes=60, contact_type="audio-only", profile=CT) == 0
    assert billable_units(minutes=60, contact_type="audio-only", profile=NC) == 4
    assert billable_units(minutes=60, contact_type="face-to-face", profile=CT) == 4


def cap(key: str, day: date, units: int, start: str = "09:00", auth: bool = True) -> CapInput:
    return CapInput(key=key, day=day, units=units, start_time=start, in_authorization=auth)


def test_u3_16_units_a_day_then_over_cap() -> None:
    d = date(2026, 11, 3)
    res = apply_caps([cap("a", d, 16)], admitted=ADMITTED, profile=NC)
    assert (res[0].billable, res[0].excess) == (16, 0)
    res = apply_caps([cap("a", d, 10, "09:00"), cap("b", d, 7, "14:00")], admitted=ADMITTED, profile=NC)
    assert [(r.billable, r.excess) for r in res] == [(10, 0), (6, 1)]
    assert res[1].over_cap and "U-3" in res[1].reason
    assert not res[0].over_cap


def test_u3_day_cap_resets_next_day() -> None:
    d = date(2026, 11, 8)  # a Sunday: the next day opens a new (Monday) week, so only the day cap bites
    res = apply_caps([cap("a", d, 17), cap("b", d + timedelta(days=1), 5)], admitted=ADMITTED, profile=NC)
    assert [(r.billable, r.excess) for r in res] == [(16, 1), (5, 0)]
    assert "U-3" in res[0].reason


def test_u4_week_holding_day_30_has_cap_32_next_week_16() -> None:
    day30 = ADMITTED + timedelta(days=29)  # 2026-10-01, a Thursday
    ws, we = week_bounds(day30)
    assert week_cap_for(ws, we, ADMITTED, NC) == 32
    assert week_cap_for(ws + timedelta(days=7), we + timedelta(days=7), ADMITTED, NC) == 16
    # Sunday weeks: the week holding day 30 is different, but still 32, and the next 16.
    ws, we = week_bounds(day30, "sunday")
    assert week_cap_for(ws, we, ADMITTED, NC) == 32
    assert week_cap_for(ws + timedelta(days=7), we + timedelta(days=7), ADMITTED, NC) == 16


def test_u4_day_31_alone_is_a_later_week() -> None:
    # A week whose first day is day 31 (admission + 30) holds none of the first 30 days.
    admitted = date(2026, 9, 7)  # a Monday: day 31 is Tuesday 2026-10-07? compute: +30 days
    day31 = admitted + timedelta(days=30)
    assert week_cap_for(day31, day31 + timedelta(days=6), admitted, NC) == 16
    day30 = admitted + timedelta(days=29)
    assert week_cap_for(day30, day30 + timedelta(days=6), admitted, NC) == 32


def test_u4_week_cap_applied_by_apply_caps() -> None:
    late = ADMITTED + timedelta(days=60)
    ws, _ = week_bounds(late)
    notes = [cap(f"n{i}", ws + timedelta(days=i), 8) for i in range(3)]
    res = apply_caps(notes, admitted=ADMITTED, profile=NC)
    assert [r.billable for r in res] == [8, 8, 0]
    assert "U-4" in res[2].reason
    early_ws, _ = week_bounds(ADMITTED)
    notes = [cap(f"e{i}", early_ws + timedelta(days=2 + i), 8) for i in range(5)]
    res = apply_caps(notes, admitted=ADMITTED, profile=NC)
    assert [r.billable for r in res] == [8, 8, 8, 8, 0]


def test_u5_u9_authorization_remaining_caps_units() -> None:
    d = date(2026, 11, 2)
    notes = [
        cap("a", d, 6),
        cap("b", d + timedelta(days=1), 6),
        cap("c", d + timedelta(days=2), 6, auth=False),
    ]
    res = apply_caps(notes, admitted=ADMITTED, profile=NC, authorized=10)
    # the third note is outside the authorization: only the week cap (16 - 10 billable so far) applies
    assert [(r.billable, r.excess) for r in res] == [(6, 0), (4, 2), (6, 0)]
    assert "U-5" in res[1].reason
    assert [r.in_authorization for r in res] == [True, True, False]


def test_u5_several_authorizations_by_id() -> None:
    d = date(2026, 11, 2)
    notes = [
        CapInput("a", d, 5, authorization_id="A1"),
        CapInput("b", d + timedelta(days=1), 5, authorization_id="A2"),
    ]
    res = apply_caps(notes, admitted=ADMITTED, profile=NC, authorized={"A1": 3, "A2": 10})
    assert [r.billable for r in res] == [3, 5]
    with pytest.raises(ValueError, match="authorization_id"):
        apply_caps([CapInput("x", d, 1, authorization_id="A9")], admitted=ADMITTED, profile=NC, authorized={})


def test_u9_results_in_input_order_processed_chronologically() -> None:
    d = date(2026, 11, 3)
    res = apply_caps(
        [cap("late", d, 10, "15:00"), cap("early", d, 10, "08:00")], admitted=ADMITTED, profile=NC
    )
    assert [(r.key, r.billable) for r in res] == [("late", 6), ("early", 10)]


def test_u7_authorization_of_90_days_accepted_91_refused() -> None:
    start = date(2026, 9, 1)
    assert authorization_days(start, date(2026, 11, 29)) == 90
    assert validate_authorization(start, date(2026, 11, 29)) == []
    problems = validate_authorization(start, date(2026, 11, 30))
    assert [p.rule for p in problems] == ["U-7"]
    assert "91 days" in problems[0].message


def test_u5_end_before_start_refused() -> None:
    assert [p.rule for p in validate_authorization(date(2026, 9, 2), date(2026, 9, 1))] == ["U-5"]


@given(
    start=st.dates(min_value=date.min, max_value=date.max),
    end=st.dates(min_value=date.min, max_value=date.max),
    existing=st.lists(
        st.tuples(st.dates(date(2024, 1, 1), date(2027, 1, 1)), st.integers(0, 120)).map(
            lambda t: (t[0], t[0] + timedelta(days=t[1]))
        ),
        max_size=3,
    ),
)
@settings(max_examples=200, deadline=None)
def test_u5_u7_any_dates_get_problems_with_fields_never_an_exception(
    start: date, end: date, existing: list[tuple[date, date]]
) -> None:
    """Found by the form fuzzer: a start of 0001-01-01 overflowed the 12-month windows. A year outside
    1900..2199 is a typo, refused by U-5 naming the field, before any window is computed."""
    problems = validate_authorization(start, end, existing)
    assert all(p.rule in ("U-5", "U-7") and p.field in ("start", "end") for p in problems)
    if not 1900 <= start.year <= 2199:
        assert any(p.rule == "U-5" and p.field == "start" and "check the year" in p.message for p in problems)


def test_u5_a_year_that_is_a_typo_is_refused() -> None:
    problems = validate_authorization(date(1, 1, 1), date(2026, 12, 15))
    assert [(p.rule, p.field) for p in problems] == [("U-5", "start")]
    assert [(p.rule, p.field) for p in validate_authorization(date(2026, 9, 1), date(9999, 12, 31))] == [
        ("U-5", "end")
    ]
    assert validate_authorization(date(1900, 1, 1), date(1900, 3, 1)) == []


def test_u7_180_days_in_12_months_ok_181_refused() -> None:
    a = (date(2026, 1, 1), date(2026, 3, 31))  # 90 days
    start = date(2026, 4, 1)
    assert authorization_days(start, date(2026, 6, 29)) == 90
    assert validate_authorization(start, date(2026, 6, 29), [a]) == []  # 180
    problems = validate_authorization(start, date(2026, 6, 30), [a])  # 91 days alone too
    assert {p.rule for p in problems} == {"U-7"}
    b = (date(2026, 1, 2), date(2026, 3, 31))  # 89 days
    problems = validate_authorization(start, date(2026, 6, 30), [b])  # 89 + 91
    assert len(problems) == 1 and "at most 90" in problems[0].message
    c = (date(2026, 1, 1), date(2026, 3, 31))
    d = (date(2026, 7, 1), date(2026, 7, 1))  # one more day later in the year
    problems = validate_authorization(start, date(2026, 6, 29), [c, d])  # 90 + 90 + 1 = 181
    assert [p.rule for p in problems] == ["U-7"] and "181 authorized days" in problems[0].message


def test_u7_window_straddles_years() -> None:
    # 90 days ending 2026-12-31 and 90 days from 2027-06-01: within one rolling 12 months, though in two
    # calendar years.
    old = (date(2026, 10, 3), date(2026, 12, 31))
    assert authorization_days(*old) == 90
    new_start = date(2027, 6, 1)
    new_end = new_start + timedelta(days=89)
    assert validate_authorization(new_start, new_end, [old]) == []  # 180 exactly
    extra = (date(2026, 10, 2), date(2026, 10, 2))
    problems = validate_authorization(new_start, new_end, [old, extra])
    assert [p.rule for p in problems] == ["U-7"]
    # Once the old days fall out of every 12-month window, the same request is fine again.
    later = date(2027, 10, 3)
    assert validate_authorization(later, later + timedelta(days=89), [old, extra]) == []


def test_u7_window_is_twelve_calendar_months() -> None:
    # Window [d, d + 12 months): from 2027-03-01 it runs to 2028-02-29 (366 days in a leap year).
    assert add_twelve_months(date(2027, 3, 1)) == date(2028, 3, 1)
    assert add_twelve_months(date(2028, 2, 29)) == date(2029, 2, 28)
    # First authorized day 2027-03-01 and last 2028-02-29: same window.
    a = (date(2027, 3, 1), date(2027, 5, 29))  # 90
    new = (date(2027, 12, 2), date(2028, 2, 29))  # 90
    assert authorization_days(*new) == 90
    extra = (date(2028, 2, 29), date(2028, 2, 29))
    assert validate_authorization(*new, [a]) == []
    most, first, _last = busiest_twelve_months(new, [a, (date(2027, 3, 1), date(2027, 3, 1))])
    assert most == 180
    assert extra[0] - first <= timedelta(days=366)
    b = (date(2027, 2, 28), date(2027, 2, 28))  # one day before: 2027-02-28 .. 2028-02-27 misses Feb 28/29
    assert validate_authorization(*new, [a, b]) == []


def test_u7_overlapping_days_count_once() -> None:
    a = (date(2026, 1, 1), date(2026, 3, 31))
    assert validate_authorization(date(2026, 3, 1), date(2026, 3, 31), [a]) == []


def test_u7_limits_are_profile_numbers() -> None:
    strict = profile_with_overrides("nc-medicaid", {"max_auth_days": 60})
    assert validate_authorization(date(2026, 1, 1), date(2026, 3, 2), profile=strict)  # 61 days
    assert not validate_authorization(date(2026, 1, 1), date(2026, 3, 1), profile=strict)  # 60 days
    assert not validate_authorization(date(2026, 1, 1), date(2026, 3, 2), profile=NC)


def test_u8_reauth_due_within_lead_days() -> None:
    end = date(2026, 11, 29)
    assert reauth_due(end, end - timedelta(days=14), 14, False)
    assert not reauth_due(end, end - timedelta(days=15), 14, False)
    assert reauth_due(end, end, 14, False)
    assert not reauth_due(end, end + timedelta(days=1), 14, False)  # already ended: lapsed, not reauth-due
    assert not reauth_due(end, end - timedelta(days=3), 14, True)  # a later authorization exists


def test_u6_fiscal_year_runs_july_to_june() -> None:
    assert fiscal_year_of(date(2026, 6, 30)) == 2025
    assert fiscal_year_of(date(2026, 7, 1)) == 2026
    assert fiscal_year_of(date(2027, 6, 30)) == 2026


def test_u6_unauthorized_without_allowance() -> None:
    assert unauthorized_units({2026: 10}, NC) == 10
    assert unauthorized_units({}, NC) == 0


def test_u6_wellcare_24_unmanaged_units_reset_on_july_1() -> None:
    assert WELLCARE.unmanaged_units == 24
    assert unauthorized_units({2025: 24}, WELLCARE) == 0
    assert unauthorized_units({2025: 25}, WELLCARE) == 1
    assert unauthorized_units({2025: 30, 2026: 20}, WELLCARE) == 6
    items = [(date(2026, 6, 29), 20), (date(2026, 6, 30), 8), (date(2026, 7, 1), 8), (date(2026, 7, 2), 20)]
    assert allocate_unmanaged(items, WELLCARE) == [0, 4, 0, 4]
    assert allocate_unmanaged(items, NC) == [20, 8, 8, 20]
