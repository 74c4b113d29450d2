"""The demo agency (cpss_tui.data.demo): deterministic, refuses a non-empty database, and every guaranteed
situation of its docstring is really in the rows, checked here with plain SQL rather than with the app's own
rule code (so a bug in the rules cannot hide a bug in the demo, or the other way round).

Two `as_of` dates show the situations are relative to the date: 2026-11-22 (a Sunday, the last day of a Monday
week, in Eastern Standard Time) and 2027-03-10 (a Wednesday, four days before the switch to daylight time).
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from cpss_tui import vocab
from cpss_tui.data.demo import DemoError, DemoSummary, generate
from cpss_tui.data.migrate import open_database

AS_OF = date(2026, 11, 22)
AS_OF_DST = date(2027, 3, 10)
NY = ZoneInfo("America/New_York")
DIRECT = ("face-to-face", "telehealth", "audio-only", "group")  # C-1
TABLES = (
    "staff",
    "member",
    "prior_authorization",
    "pcp",
    "goal",
    "intervention",
    "goal_status_change",
    "note",
    "note_goal",
    "note_addendum",
    "attempt",
    "supervisor_visit",
    "supervision_session",
    "app_setting",
)


def _new_engine(path: Path) -> Engine:
    return open_database(path).engine


@pytest.fixture(scope="module", params=[AS_OF, AS_OF_DST], ids=["2026-11-22", "2027-03-10"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, date]]:
    """One default demo agency per as_of date, shared by the read-only checks below (keeps the module fast)."""
    as_of: date = request.param
    engine = _new_engine(tmp_path_factory.mktemp("demo") / "demo.db")
    generate(engine, as_of=as_of)
    yield engine, as_of
    engine.dispose()


def rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def d(value: str) -> date:
    return date.fromisoformat(value)


def weeks(as_of: date) -> tuple[date, date]:
    """(current week start, previous week start), weeks Monday..Sunday (W-1 default)."""
    current = as_of - timedelta(days=as_of.weekday())
    return current, current - timedelta(days=7)


def active_members(engine: Engine, first: date, last: date) -> list[Any]:
    """W-2: admitted on or before the last day and not discharged before the first day."""
    return rows(
        engine,
        "SELECT id, specialist_id, admitted_on, discharged_on FROM member "
        "WHERE admitted_on <= :last AND (discharged_on IS NULL OR discharged_on >= :first)",
        first=first.isoformat(),
        last=last.isoformat(),
    )


def week_counts(engine: Engine, first: date, last: date) -> dict[str, tuple[int, int]]:
    """Per member: (direct contacts, distinct days with attempts) between first and last (inclusive)."""
    direct = dict(
        rows(
            engine,
            f"SELECT member_id, count(*) FROM note WHERE date BETWEEN :a AND :b "
            f"AND contact_type IN ({', '.join(repr(c) for c in DIRECT)}) GROUP BY member_id",
            a=first.isoformat(),
            b=last.isoformat(),
        )
    )
    attempt_days = dict(
        rows(
            engine,
            "SELECT member_id, count(DISTINCT on_date) FROM attempt WHERE on_date BETWEEN :a AND :b GROUP BY member_id",
            a=first.isoformat(),
            b=last.isoformat(),
        )
    )
    return {m: (direct.get(m, 0), attempt_days.get(m, 0)) for m in set(direct) | set(attempt_days)}


def table_rows(engine: Engine, table: str) -> list[tuple[Any, ...]]:
    """Every row of a table without the wall-clock columns, in a stable order."""
    with engine.connect() as conn:
        cols = [r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")]
        keep = [c for c in cols if c not in ("created_at", "updated_at")]
        return sorted(tuple(r) for r in conn.exec_driver_sql(f"SELECT {', '.join(keep)} FROM {table}"))


# --- determinism, refusal -----------------------------------------------------------------------------------


def test_same_seed_gives_identical_rows_and_another_seed_does_not(tmp_path: Path) -> None:
    engines = [_new_engine(tmp_path / f"{name}.db") for name in ("a", "b", "c")]
    try:
        summary = generate(engines[0], seed=7, as_of=AS_OF)
        generate(engines[1], seed=7, as_of=AS_OF)
        generate(engines[2], seed=8, as_of=AS_OF)
        assert isinstance(summary, DemoSummary) and summary.counts["note"] > 0
        for table in TABLES:
            assert table_rows(engines[0], table) == table_rows(engines[1], table), table
        assert table_rows(engines[0], "note") != table_rows(engines[2], "note")
        assert table_rows(engines[0], "member") != table_rows(engines[2], "member")
    finally:
        for engine in engines:
            engine.dispose()


def test_refuses_a_database_that_has_staff_or_members(engine: Engine) -> None:
    generate(engine, as_of=AS_OF)
    before = {t: len(table_rows(engine, t)) for t in TABLES}
    with pytest.raises(DemoError, match="only fills an empty database"):
        generate(engine, as_of=AS_OF, seed=2)
    assert {t: len(table_rows(engine, t)) for t in TABLES} == before


def test_refuses_an_agency_too_small_to_show_every_situation(engine: Engine) -> None:
    with pytest.raises(DemoError, match="at least 8 members"):
        generate(engine, members=5, as_of=AS_OF)
    with pytest.raises(DemoError, match=r"0\.25 years"):
        generate(engine, years=0.1, as_of=AS_OF)
    assert rows(engine, "SELECT count(*) FROM staff")[0][0] == 0


def test_summary_counts_match_the_tables(demo: tuple[Engine, date]) -> None:
    engine, _ = demo
    counts = {t: rows(engine, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}
    assert counts["member"] == 26
    assert rows(engine, "SELECT count(*) FROM staff WHERE role = 'specialist'")[0][0] == 3
    settings = dict(rows(engine, "SELECT key, value FROM app_setting"))
    assert settings["agency.name"] == '"Hope Peer Services (demo)"'
    assert settings["agency.week_start"] == '"monday"'
    assert settings["agency.timezone"] == '"America/New_York"'


# --- the guaranteed situations (module docstring of cpss_tui.data.demo) ------------------------------------


def test_previous_week_met_by_attempts_only(demo: tuple[Engine, date]) -> None:
    """C-3 `attempted`: no direct contact, >= 2 attempts on >= 2 different days of the previous week."""
    engine, as_of = demo
    _, previous = weeks(as_of)
    end = previous + timedelta(days=6)
    counts = week_counts(engine, previous, end)
    active = {m.id for m in active_members(engine, previous, end)}
    attempted = [m for m in active if counts.get(m, (0, 0))[0] == 0 and counts.get(m, (0, 0))[1] >= 2]
    assert len(attempted) >= 1


def test_exactly_one_missed_week_in_the_whole_history(demo: tuple[Engine, date]) -> None:
    """C-3 `missed` happens once: the previous full week of one member; every other finished week is met or
    attempted, and everyone but that member has a direct contact in the current week on or before as_of."""
    engine, as_of = demo
    current, previous = weeks(as_of)
    direct = defaultdict(set)
    for member_id, day in rows(
        engine,
        f"SELECT member_id, date FROM note WHERE contact_type IN ({', '.join(repr(c) for c in DIRECT)})",
    ):
        direct[member_id].add(d(day))
    attempt_days = defaultdict(set)
    for member_id, day in rows(engine, "SELECT member_id, on_date FROM attempt"):
        attempt_days[member_id].add(d(day))
    missed = []
    for m in rows(engine, "SELECT id, admitted_on, discharged_on FROM member"):
        admitted = d(m.admitted_on)
        end = d(m.discharged_on) if m.discharged_on else as_of
        ws = admitted - timedelta(days=admitted.weekday())
        while ws < current:  # finished weeks only
            week = {ws + timedelta(days=i) for i in range(7)}
            if ws <= end and not (week & direct[m.id]) and len(week & attempt_days[m.id]) < 2:
                missed.append((m.id, ws))
            ws += timedelta(days=7)
    assert len(missed) == 1
    missed_member, missed_week = missed[0]
    assert missed_week == previous
    assert 0 < len({previous + timedelta(days=i) for i in range(7)} & attempt_days[missed_member]) < 2
    # Everyone else active now has already been met this week (good standing; C-4 needs no attention).
    week_days = {current + timedelta(days=i) for i in range((as_of - current).days + 1)}
    for m in active_members(engine, current, as_of):
        if m.id != missed_member and (not m.discharged_on or d(m.discharged_on) >= as_of):
            assert week_days & direct[m.id], m.id


def _visit_states(engine: Engine, as_of: date) -> dict[str, tuple[date, str]]:
    """V-1..V-5 by hand: due date and state of every member active at as_of."""
    members = {m.id: m for m in active_members(engine, as_of, as_of)}
    last: dict[str, date] = {}
    for member_id, day in rows(
        engine,
        "SELECT v.member_id, max(v.date) FROM supervisor_visit v JOIN member m ON m.id = v.member_id "
        "JOIN staff s ON s.id = v.supervisor_id WHERE s.role = 'supervisor' AND v.face_to_face "
        "AND v.date >= m.admitted_on AND v.date <= :as_of GROUP BY v.member_id",
        as_of=as_of.isoformat(),
    ):
        last[member_id] = d(day)
    states = {}
    for member_id, m in members.items():
        if m.discharged_on and d(m.discharged_on) < as_of:
            continue
        due = (
            last[member_id] + timedelta(days=60)
            if member_id in last
            else d(m.admitted_on) + timedelta(days=30)
        )
        gap = (due - as_of).days
        states[member_id] = (due, "overdue" if gap < 0 else "due-soon" if gap <= 7 else "ok")
    return states


def test_one_visit_overdue_one_due_soon_everyone_else_ok(demo: tuple[Engine, date]) -> None:
    engine, as_of = demo
    states = [state for _, state in _visit_states(engine, as_of).values()]
    assert states.count("overdue") == 1
    assert states.count("due-soon") == 1
    assert states.count("ok") == len(states) - 2


def test_visit_chain_has_first_visit_within_30_days_and_no_gap_over_60(demo: tuple[Engine, date]) -> None:
    """V-2/V-3 for the history: only the OVERDUE member's chain ever breaks, and only at as_of."""
    engine, as_of = demo
    by_member = defaultdict(list)
    for member_id, day in rows(engine, "SELECT member_id, date FROM supervisor_visit ORDER BY date"):
        by_member[member_id].append(d(day))
    for m in rows(engine, "SELECT id, admitted_on FROM member"):
        visits = by_member[m.id]
        if visits:
            assert 0 <= (visits[0] - d(m.admitted_on)).days <= 30
            assert all((b - a).days <= 60 for a, b in itertools.pairwise(visits))
    assert (
        rows(
            engine,
            "SELECT count(*) FROM supervisor_visit WHERE NOT face_to_face OR date > :a",
            a=as_of.isoformat(),
        )[0][0]
        == 0
    )


def test_one_authorization_ends_within_14_days_with_no_later_one(demo: tuple[Engine, date]) -> None:
    """U-8 `reauth-due` for exactly one member (others' authorizations run on or pause)."""
    engine, as_of = demo
    due = rows(
        engine,
        "SELECT a.member_id FROM prior_authorization a JOIN member m ON m.id = a.member_id "
        "WHERE a.end_date BETWEEN :as_of AND :lead AND m.discharged_on IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM prior_authorization b WHERE b.member_id = a.member_id "
        "AND b.start_date > a.start_date)",
        as_of=as_of.isoformat(),
        lead=(as_of + timedelta(days=14)).isoformat(),
    )
    assert len(due) == 1


def test_authorizations_at_most_90_days_and_180_per_12_months(demo: tuple[Engine, date]) -> None:
    """U-7, and plausible units (16 per week)."""
    engine, _ = demo
    by_member = defaultdict(list)
    for member_id, start, end, units in rows(
        engine, "SELECT member_id, start_date, end_date, units FROM prior_authorization"
    ):
        s, e = d(start), d(end)
        days = (e - s).days + 1
        assert 1 <= days <= 90
        assert units == 16 * math.ceil(days / 7)
        by_member[member_id].append((s, e))
    for periods in by_member.values():
        for window_start in [s for s, _ in periods] + [e + timedelta(days=1) for _, e in periods]:
            window_end = window_start + timedelta(days=364)
            covered = sum(max(0, (min(e, window_end) - max(s, window_start)).days + 1) for s, e in periods)
            assert covered <= 180


def test_one_member_without_crisis_plan(demo: tuple[Engine, date]) -> None:
    """P-2: every crisis column NULL for exactly one PCP; the others have all four parts."""
    engine, _ = demo
    empty = rows(
        engine,
        "SELECT count(*) FROM pcp WHERE crisis_triggers IS NULL AND crisis_coping IS NULL "
        "AND crisis_supports IS NULL AND crisis_contacts IS NULL AND crisis_wrap IS NULL",
    )
    partial = rows(
        engine,
        "SELECT count(*) FROM pcp WHERE crisis_triggers IS NOT NULL AND (crisis_coping IS NULL "
        "OR crisis_supports IS NULL OR crisis_contacts IS NULL)",
    )
    assert empty[0][0] == 1 and partial[0][0] == 0
    assert (
        rows(
            engine,
            "SELECT count(*) FROM member m WHERE NOT EXISTS (SELECT 1 FROM pcp p WHERE p.member_id = m.id)",
        )[0][0]
        == 0
    )


def test_discharged_member_and_recent_admission(demo: tuple[Engine, date]) -> None:
    engine, as_of = demo
    discharged = rows(
        engine, "SELECT discharge_reason FROM member WHERE discharged_on < :a", a=as_of.isoformat()
    )
    assert ("goals-met",) in [tuple(r) for r in discharged]
    assert all(r[0] in vocab.DISCHARGE_REASONS for r in discharged)
    recent = rows(
        engine,
        "SELECT count(*) FROM member WHERE admitted_on > :a AND admitted_on <= :b",
        a=(as_of - timedelta(days=30)).isoformat(),
        b=as_of.isoformat(),
    )
    assert recent[0][0] >= 1


def test_one_specialist_without_supervision_last_week(demo: tuple[Engine, date]) -> None:
    """S-4: a session every week for every specialist, except one gap in the previous full week."""
    engine, as_of = demo
    current, previous = weeks(as_of)
    specialists = {r[0] for r in rows(engine, "SELECT id FROM staff WHERE role = 'specialist'")}

    def supervised(first: date, last: date) -> set[str]:
        return {
            r[0]
            for r in rows(
                engine,
                "SELECT specialist_id FROM supervision_session WHERE date BETWEEN :a AND :b",
                a=first.isoformat(),
                b=last.isoformat(),
            )
        }

    assert len(specialists - supervised(previous, previous + timedelta(days=6))) == 1
    assert supervised(current, as_of) == specialists
    assert supervised(previous - timedelta(days=7), previous - timedelta(days=1)) == specialists


# --- invariants -------------------------------------------------------------------------------------------


def test_no_overlapping_notes_of_a_specialist(demo: tuple[Engine, date]) -> None:
    """N-6 by SQL self-join on start minute and duration."""
    engine, _ = demo
    start = (
        "(CAST(substr({t}.start_time, 1, 2) AS INTEGER) * 60 + CAST(substr({t}.start_time, 4, 2) AS INTEGER))"
    )
    a, b = start.format(t="a"), start.format(t="b")
    overlaps = rows(
        engine,
        f"SELECT count(*) FROM note a JOIN note b ON a.staff_id = b.staff_id AND a.date = b.date AND a.id < b.id "
        f"AND {a} < {b} + b.minutes AND {b} < {a} + a.minutes",
    )
    assert overlaps[0][0] == 0


def test_notes_inside_service_and_never_after_as_of(demo: tuple[Engine, date]) -> None:
    engine, as_of = demo
    outside = rows(
        engine,
        "SELECT count(*) FROM note n JOIN member m ON m.id = n.member_id WHERE n.date < m.admitted_on "
        "OR (m.discharged_on IS NOT NULL AND n.date > m.discharged_on) OR n.date > :a "
        "OR n.staff_id != m.specialist_id OR n.date < m.service_order_date",
        a=as_of.isoformat(),
    )
    assert outside[0][0] == 0
    assert (
        rows(
            engine,
            "SELECT count(*) FROM attempt t JOIN member m ON m.id = t.member_id "
            "WHERE t.on_date > :a OR t.staff_id != m.specialist_id",
            a=as_of.isoformat(),
        )[0][0]
        == 0
    )


def test_caseload_within_capacity_every_month(demo: tuple[Engine, date]) -> None:
    """S-1 at as_of and on the first of every month of the history; S-3 span of control."""
    engine, as_of = demo
    capacity = {
        r[0]: math.floor(10 * r[1] + 1e-9)
        for r in rows(engine, "SELECT id, fte FROM staff WHERE role = 'specialist'")
    }
    day = as_of
    for _ in range(8):
        load = defaultdict(int)
        for m in rows(
            engine,
            "SELECT specialist_id FROM member WHERE admitted_on <= :d AND "
            "(discharged_on IS NULL OR discharged_on > :d)",
            d=day.isoformat(),
        ):
            load[m[0]] += 1
        assert all(load[s] <= capacity[s] for s in load), day
        day = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
    if len(capacity) == 3:  # the default agency: one half-time specialist
        assert sorted(capacity.values()) == [5, 10, 10]
    assert (
        max(
            r[0]
            for r in rows(
                engine, "SELECT count(*) FROM staff WHERE role = 'specialist' GROUP BY supervisor_id"
            )
        )
        <= 8
    )


def test_notes_are_complete_and_signed_with_the_right_offset(demo: tuple[Engine, date]) -> None:
    """N-1, N-5, P-3, U-2, and signatures with the New York offset of their day (DST-aware)."""
    engine, as_of = demo
    notes = rows(engine, "SELECT * FROM note")
    assert {n.contact_type for n in notes} == set(vocab.CONTACT_TYPES)
    assert {n.place for n in notes} == set(vocab.PLACES)
    assert all(15 <= n.minutes <= 120 and "08:00" <= n.start_time <= "17:00" for n in notes)
    assert all(n.purpose and n.interventions and n.effectiveness for n in notes)
    for n in notes:
        if n.contact_type == "audio-only":
            assert n.identity_verified == 1 and n.consent in ("verbal", "written")
        if not n.billable:
            assert n.nonbillable_reason == "transportation"
        if n.signed_at is not None:
            signed = datetime.fromisoformat(n.signed_at)
            assert signed.utcoffset() == signed.replace(tzinfo=None).replace(tzinfo=NY).utcoffset()
            assert signed.date() == d(n.date) and n.signed_by_name and n.signed_by_credentials == "NC CPSS"
    unsigned = [n for n in notes if n.signed_at is None]
    assert unsigned and all(d(n.date) >= as_of - timedelta(days=2) for n in unsigned)
    assert any(not n.billable for n in notes)
    # P-3: every note links to goals of the member's own PCP.
    assert (
        rows(
            engine,
            "SELECT count(*) FROM note n WHERE NOT EXISTS (SELECT 1 FROM note_goal g WHERE g.note_id = n.id)",
        )[0][0]
        == 0
    )
    assert (
        rows(
            engine,
            "SELECT count(*) FROM note_goal ng JOIN note n ON n.id = ng.note_id "
            "JOIN goal g ON g.id = ng.goal_id JOIN pcp p ON p.id = g.pcp_id "
            "WHERE p.member_id != n.member_id",
        )[0][0]
        == 0
    )
    addenda = rows(
        engine,
        "SELECT count(*) FROM note_addendum a JOIN note n ON n.id = a.note_id WHERE n.signed_at IS NOT NULL",
    )
    assert addenda[0][0] >= 1


def test_attempt_times_agree(demo: tuple[Engine, date]) -> None:
    """C-2: `at` with the New York offset, `at_utc` the same instant, `on_date` the local day."""
    engine, _ = demo
    for at, at_utc, on_date in rows(engine, "SELECT at, at_utc, on_date FROM attempt"):
        local = datetime.fromisoformat(at)
        assert local.utcoffset() == local.replace(tzinfo=None).replace(tzinfo=NY).utcoffset()
        assert local.astimezone(UTC).replace(tzinfo=None) == datetime.fromisoformat(at_utc)
        assert local.date() == d(on_date)


def test_members_are_obviously_fake_adults_with_pcp_goals(demo: tuple[Engine, date]) -> None:
    engine, _ = demo
    members = rows(engine, "SELECT * FROM member")
    assert all(m.medicaid_id.startswith("DEMO") for m in members)
    assert {m.payer for m in members} == set(vocab.PAYERS)
    for m in members:
        born, admitted = d(m.birth_date), d(m.admitted_on)
        age = admitted.year - born.year - ((admitted.month, admitted.day) < (born.month, born.day))
        assert age >= 21
        assert 2 <= (admitted - d(m.service_order_date)).days <= 10
    goals = rows(engine, "SELECT p.member_id, count(*) FROM goal g JOIN pcp p ON p.id = g.pcp_id GROUP BY 1")
    assert len(goals) == len(members) and all(2 <= n <= 3 for _, n in goals)
    per_goal = rows(
        engine, "SELECT goal_id, count(*), min(position), max(position) FROM intervention GROUP BY 1"
    )
    assert all(2 <= n <= 3 and lo == 1 and hi == n for _, n, lo, hi in per_goal)
    assert (
        rows(
            engine,
            "SELECT count(*) FROM goal g WHERE NOT EXISTS "
            "(SELECT 1 FROM goal_status_change c WHERE c.goal_id = g.id AND c.status = g.status)",
        )[0][0]
        == 0
    )


# --- scale --------------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("CPSS_SLOW_TESTS") != "1", reason="scale test; set CPSS_SLOW_TESTS=1")
def test_scale_500_members_50_specialists_5_years_under_a_minute(engine: Engine) -> None:
    began = time.perf_counter()
    summary = generate(engine, members=500, specialists=50, years=5, seed=1, as_of=AS_OF)
    elapsed = time.perf_counter() - began
    print(f"\nscale demo: {summary.describe()} (wall {elapsed:.1f} s)")
    assert summary.counts["member"] == 500
    assert summary.counts["note"] > 100_000
    assert elapsed < 60
