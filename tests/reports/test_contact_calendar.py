"""The contact calendar (issue 6, item 3; C-1..C-3, W-1, W-2) on the hand-computed agency of chart_agency.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from cpss_tui.cli import run
from cpss_tui.data import settings
from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.migrate import open_database
from cpss_tui.reports.contact_calendar import calendar_text, contact_calendar
from cpss_tui.services.status import compute_status
from tests.reports.chart_agency import AS_OF, chart_agency_bundle


@pytest.fixture
def chart_db(tmp_path: Path) -> Path:
    path = tmp_path / "calendar.db"
    engine = open_database(path).engine
    import_bundle(engine, chart_agency_bundle(), as_of=AS_OF)
    engine.dispose()
    return path


@pytest.fixture
def chart_engine(chart_db: Path) -> Iterator[Engine]:
    engine = open_database(chart_db).engine
    yield engine
    engine.dispose()


def test_fifty_two_weeks_with_their_status(chart_engine: Engine) -> None:
    cal = contact_calendar(chart_engine, "m1", AS_OF)
    assert cal is not None
    assert len(cal.weeks) == 52
    assert cal.weeks[-1].start == date(2026, 3, 16) and cal.weeks[-1].end == date(2026, 3, 22)
    assert cal.weeks[0].start == date(2025, 3, 24)
    assert all(b.start - a.start == timedelta(days=7) for a, b in zip(cal.weeks, cal.weeks[1:], strict=False))
    # Weeks before the admission (02-04, a Wednesday) are not active (W-2); the week holding it is.
    assert {w.status for w in cal.weeks if w.end < date(2026, 2, 4)} == {"inactive"}
    active = [(w.start, w.status, w.direct_contacts, w.attempts, w.attempt_days) for w in cal.weeks[-7:]]
    assert active == [
        (date(2026, 2, 2), "met", 3, 0, 0),
        (date(2026, 2, 9), "attempted", 0, 2, 2),  # only attempts, on two days
        (date(2026, 2, 16), "missed", 0, 2, 1),  # two attempts on one day are not enough (C-3)
        (date(2026, 2, 23), "missed", 0, 0, 0),  # a collateral note is not a direct contact (C-1)
        (date(2026, 3, 2), "attempted", 0, 2, 2),  # DST week: the 23:30 EDT Sunday attempt stays in it
        (date(2026, 3, 9), "met", 2, 0, 0),
        (date(2026, 3, 16), "pending", 0, 0, 0),  # not over on 03-20
    ]
    assert cal.counts() == {"met": 2, "attempted": 2, "missed": 2, "pending": 1, "inactive": 45}


def test_last_two_weeks_agree_with_status(chart_engine: Engine) -> None:
    for as_of in (AS_OF, date(2026, 3, 9), date(2026, 2, 18)):
        cal = contact_calendar(chart_engine, "m1", as_of)
        member = next(m for m in compute_status(chart_engine, as_of).members if m.id == "m1")
        assert cal is not None
        assert cal.weeks[-1].status == member.weekly_contact.status
        assert cal.weeks[-2].status == member.previous_week


def test_as_of_in_the_dst_week_is_pending_until_it_ends(chart_engine: Engine) -> None:
    """As of Saturday 03-07 the week of 03-02 has one attempt: pending; as of Sunday 03-08 (23:30 EDT counted)
    it is attempted."""
    saturday = contact_calendar(chart_engine, "m1", date(2026, 3, 7))
    sunday = contact_calendar(chart_engine, "m1", date(2026, 3, 8))
    monday = contact_calendar(chart_engine, "m1", date(2026, 3, 9))
    assert saturday is not None and sunday is not None and monday is not None
    assert (saturday.weeks[-1].status, saturday.weeks[-1].attempts) == ("pending", 1)
    assert (sunday.weeks[-1].status, sunday.weeks[-1].attempts) == ("attempted", 2)
    assert monday.weeks[-2].status == "attempted" and monday.weeks[-1].status == "pending"


def test_sunday_weeks(chart_engine: Engine) -> None:
    """W-1 setting: Sunday-Saturday weeks; the 03-08 attempt (local date) now opens the week of 03-08."""
    settings.put(chart_engine, "agency.week_start", "sunday")
    cal = contact_calendar(chart_engine, "m1", AS_OF)
    assert cal is not None and cal.week_start == "sunday"
    assert cal.weeks[-1].start == date(2026, 3, 15)
    assert [(w.start, w.status) for w in cal.weeks[-7:]] == [
        (date(2026, 2, 1), "met"),
        (date(2026, 2, 8), "attempted"),
        (date(2026, 2, 15), "missed"),
        (date(2026, 2, 22), "missed"),
        (date(2026, 3, 1), "missed"),  # only the 03-03 attempt
        (date(2026, 3, 8), "met"),  # the 03-08 attempt and the notes of 03-10, 03-12
        (date(2026, 3, 15), "pending"),
    ]
    assert cal.weeks[-3].attempts == 1 and cal.weeks[-2].attempts == 1


def test_after_discharge_weeks_are_not_active(chart_engine: Engine) -> None:
    from cpss_tui.data.db import write_session
    from cpss_tui.data.models import Member

    with write_session(chart_engine) as session:
        member = session.get(Member, "m1")
        assert member is not None
        member.discharged_on = date(2026, 2, 20)
        member.discharge_reason = "goals-met"
    cal = contact_calendar(chart_engine, "m1", AS_OF)
    assert cal is not None
    assert [w.status for w in cal.weeks[-7:]] == [
        "met",
        "attempted",
        "missed",  # discharged on its Friday: still active in it
        "inactive",
        "inactive",
        "inactive",
        "inactive",
    ]


def test_a_bounded_number_of_statements(chart_engine: Engine) -> None:
    """Two grouped statements read the window, whatever its length (plus settings and the member)."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(chart_engine, "before_cursor_execute", count)
    try:
        contact_calendar(chart_engine, "m1", AS_OF, weeks=4)
        short = len(statements)
        statements.clear()
        contact_calendar(chart_engine, "m1", AS_OF)
        assert len(statements) == short <= 4
    finally:
        event.remove(chart_engine, "before_cursor_execute", count)


def test_text_form_and_cli(chart_engine: Engine, chart_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cal = contact_calendar(chart_engine, "m1", AS_OF)
    assert cal is not None
    text = calendar_text(cal)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    grid = [line for line in lines if line[:4].isdigit()]
    assert [g[:10] for g in grid] == ["2025-03-24", "2025-06-23", "2025-09-22", "2025-12-22"]
    assert grid[-1][11:].split()[:13] == ["·"] * 6 + ["M", "A", "X", "X", "A", "M", "P"]
    assert grid[-1].endswith("◂ week of 03-20")
    # Month labels sit over the week holding the 1st: February 1 is in the week of 01-26 (5th cell of row 4).
    months = lines[lines.index(grid[-1]) - 1]
    assert months.index("Feb") == 11 + 4 * 5
    flat = " ".join(line.strip() for line in lines)
    assert "M = met (a direct contact, C-1): 2; A = attempts documented (C-3): 2; X = missed: 2" in flat
    assert "P = pending (week not over): 1; · = not active (before admission or after discharge): 45" in flat

    assert (
        run(["--db", str(chart_db), "--as-of", AS_OF.isoformat(), "report", "calendar", "--member", "m1"])
        == 0
    )
    assert capsys.readouterr().out.strip() == text.strip()
    assert run(["--db", str(chart_db), "report", "calendar", "--member", "nobody"]) == 2
    assert "--member: no member with id 'nobody'" in capsys.readouterr().err
    assert contact_calendar(chart_engine, "nobody", AS_OF) is None
