"""Hypothesis properties: caps never exceeded (U-3, U-4, U-5, U-9), contact status monotone (C-3), visit due
dates never move later when a visit is removed (V-3, V-4), rounding monotone (U-1), U-7 window search agrees
with brute force."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cpss_tui.rules.contact import STATUS_RANK, weekly_status
from cpss_tui.rules.profiles import PROFILES
from cpss_tui.rules.units import (
    CapInput,
    add_twelve_months,
    apply_caps,
    authorized_days_in,
    busiest_twelve_months,
    units_for_minutes,
    week_cap_for,
)
from cpss_tui.rules.visits import latest_counting_visit, next_visit_due
from cpss_tui.rules.weeks import week_bounds

NC = PROFILES["nc-medicaid"]
ADMITTED = date(2026, 9, 2)

notes_strategy = st.lists(
    st.tuples(st.integers(0, 80), st.integers(0, 23), st.integers(0, 20), st.booleans()), max_size=40
)


@given(notes_strategy, st.sampled_from(["monday", "sunday"]), st.one_of(st.none(), st.integers(0, 200)))
@settings(max_examples=300)
def test_u3_u4_u5_u9_billable_after_caps_never_exceeds_any_cap(
    raw: list[tuple[int, int, int, bool]], week_start: str, authorized: int | None
) -> None:
    inputs = [
        CapInput(
            key=str(i),
            day=ADMITTED + timedelta(days=d),
            start_time=f"{h:02d}:00",
            units=u,
            in_authorization=a,
        )
        for i, (d, h, u, a) in enumerate(raw)
    ]
    results = apply_caps(inputs, admitted=ADMITTED, week_start=week_start, profile=NC, authorized=authorized)
    per_day: dict[date, int] = defaultdict(int)
    per_week: dict[date, int] = defaultdict(int)
    in_auth = 0
    for note, res in zip(inputs, results, strict=True):
        assert res.key == note.key
        assert 0 <= res.billable <= note.units and res.billable + res.excess == note.units
        per_day[note.day] += res.billable
        per_week[week_bounds(note.day, week_start)[0]] += res.billable
        in_auth += res.billable if note.in_authorization else 0
    assert all(v <= NC.day_cap for v in per_day.values())
    for ws, used in per_week.items():
        assert used <= week_cap_for(ws, ws + timedelta(days=6), ADMITTED, NC)
    if authorized is not None:
        assert in_auth <= authorized


@given(st.integers(0, 3), st.integers(0, 6), st.integers(0, 10), st.integers(1, 4), st.booleans())
def test_c3_adding_a_direct_contact_never_makes_status_worse(
    direct: int, days: int, attempts: int, min_attempts: int, week_over: bool
) -> None:
    week_end = date(2026, 11, 22)
    as_of = week_end + timedelta(days=1 if week_over else 0)
    days = min(days, attempts)
    before = weekly_status(direct_contacts=direct, attempts=attempts, attempt_days=days, min_attempts=min_attempts,
                           week_end=week_end, as_of=as_of)  # fmt: skip
    after = weekly_status(direct_contacts=direct + 1, attempts=attempts, attempt_days=days,
                          min_attempts=min_attempts, week_end=week_end, as_of=as_of)  # fmt: skip
    assert before is not None and after is not None
    assert STATUS_RANK[after] >= STATUS_RANK[before]
    assert after == "met"


@given(st.lists(st.integers(0, 400), max_size=12), st.integers(0, 400), st.data())
def test_v3_v4_removing_a_visit_never_moves_due_date_later(
    offsets: list[int], as_of_offset: int, data: st.DataObject
) -> None:
    as_of = ADMITTED + timedelta(days=as_of_offset)
    visits = [(ADMITTED + timedelta(days=o), "supervisor", True) for o in offsets]
    due = next_visit_due(ADMITTED, latest_counting_visit(visits, ADMITTED, as_of))
    if visits:
        i = data.draw(st.integers(0, len(visits) - 1))
        fewer = visits[:i] + visits[i + 1 :]
        due_fewer = next_visit_due(ADMITTED, latest_counting_visit(fewer, ADMITTED, as_of))
        assert due_fewer <= due


@given(st.integers(0, 2000), st.integers(0, 2000), st.sampled_from(["floor", "midpoint"]))
def test_u1_rounding_is_monotone_in_minutes(a: int, b: int, rounding: str) -> None:
    lo, hi = sorted((a, b))
    assert units_for_minutes(lo, rounding) <= units_for_minutes(hi, rounding)
    assert units_for_minutes(hi, rounding) - units_for_minutes(lo, rounding) <= (hi - lo) // 15 + 1


periods = st.tuples(st.integers(0, 1200), st.integers(0, 120)).map(
    lambda t: (date(2026, 1, 1) + timedelta(days=t[0]), date(2026, 1, 1) + timedelta(days=t[0] + t[1]))
)


@given(periods, st.lists(periods, max_size=5))
@settings(max_examples=60, deadline=None)
def test_u7_busiest_window_matches_brute_force(
    new: tuple[date, date], existing: list[tuple[date, date]]
) -> None:
    most, first, last = busiest_twelve_months(new, existing)
    covered = set()
    for s, e in [*existing, new]:
        covered |= {s + timedelta(days=i) for i in range((e - s).days + 1)}
    best = 0
    day = new[0] - timedelta(days=400)
    while day <= new[1]:
        end = add_twelve_months(day) - timedelta(days=1)
        if end >= new[0]:
            best = max(best, sum(1 for d in covered if day <= d <= end))
        day += timedelta(days=1)
    assert most == best
    assert authorized_days_in([*existing, new], first, last) == most
