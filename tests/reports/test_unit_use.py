"""Unit use over time (issue 6, item 2; U-3, U-4, U-5, U-9) on the hand-computed agency of chart_agency.py."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from cpss_tui.cli import run
from cpss_tui.data import settings
from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.migrate import open_database
from cpss_tui.reports.period import Period
from cpss_tui.reports.unit_use import (
    member_unit_use,
    member_units_text,
    specialist_units_text,
    specialist_weekly_units,
)
from cpss_tui.services.member_record import load_member_record
from tests.reports.chart_agency import AS_OF, chart_agency_bundle


@pytest.fixture
def chart_db(tmp_path: Path) -> Path:
    path = tmp_path / "charts.db"
    engine = open_database(path).engine
    import_bundle(engine, chart_agency_bundle(), as_of=AS_OF)
    engine.dispose()
    return path


@pytest.fixture
def chart_engine(chart_db: Path) -> Iterator[Engine]:
    engine = open_database(chart_db).engine
    yield engine
    engine.dispose()


def _expected_used(day: date) -> int:
    """By hand (chart_agency.py): 16 on 02-04 (day cap), +12 on 02-05, +4 on 02-06 (week cap 32), +4 on 02-24,
    +4 on 03-10 (the authorization's last 4), +0 on 03-12."""
    steps = [
        (date(2026, 2, 4), 16),
        (date(2026, 2, 5), 28),
        (date(2026, 2, 6), 32),
        (date(2026, 2, 24), 36),
        (date(2026, 3, 10), 40),
    ]
    used = 0
    for when, value in steps:
        if day >= when:
            used = value
    return used


def test_used_and_remaining_per_day_after_caps(chart_engine: Engine) -> None:
    use = member_unit_use(chart_engine, "m1", AS_OF)
    assert use is not None
    assert use.period == Period(date(2026, 2, 4), AS_OF)  # the current authorization up to as_of
    (a1,) = use.authorizations
    assert (a1.number, a1.start, a1.end, a1.authorized) == ("PA-1", date(2026, 2, 4), date(2026, 3, 31), 40)
    # One point per day from the start to as_of, none after as_of.
    assert [p.day for p in a1.points] == [date(2026, 2, 4) + timedelta(days=i) for i in range(45)]
    for p in a1.points:
        assert (p.used, p.remaining) == (_expected_used(p.day), 40 - _expected_used(p.day)), p.day
    assert (a1.used, a1.remaining, a1.days_left) == (40, 0, 11)
    assert a1.describe(AS_OF) == (
        "PA-1 (2026-02-04 to 2026-03-31): authorized 40 units, used 40, remaining 0; ends on 2026-03-31, "
        "11 days left."
    )


def test_used_is_the_member_records_figure_at_every_as_of(chart_engine: Engine) -> None:
    """The series is counted as the member record counts (its Authorizations tab), as of any day."""
    for as_of in (date(2026, 2, 5), date(2026, 2, 24), AS_OF, date(2026, 4, 10)):
        use = member_unit_use(chart_engine, "m1", as_of)
        record = load_member_record(chart_engine, "m1", "", as_of)
        assert use is not None and record is not None
        (view,) = record.authorizations
        (series,) = use.authorizations
        assert (
            (series.used, series.remaining)
            == (view.used, view.remaining)
            == (
                _expected_used(as_of),
                40 - _expected_used(as_of),
            )
        )
        assert series.points[-1].day == min(as_of, date(2026, 3, 31))


def test_units_per_week_against_the_week_cap(chart_engine: Engine) -> None:
    use = member_unit_use(chart_engine, "m1", AS_OF)
    assert use is not None
    weeks = [(w.start, w.units, w.cap, w.over) for w in use.weeks]
    assert weeks == [
        (date(2026, 2, 2), 40, 32, 8),  # holds admission: early cap (U-4)
        (date(2026, 2, 9), 0, 32, 0),
        (date(2026, 2, 16), 0, 32, 0),
        (date(2026, 2, 23), 4, 32, 0),
        (date(2026, 3, 2), 0, 32, 0),  # holds 03-05, day 30 of service
        (date(2026, 3, 9), 20, 16, 4),  # later weeks: 16
        (date(2026, 3, 16), 0, 16, 0),
    ]
    assert use.last_early_day == date(2026, 3, 5)
    assert use.days_over_day_cap == ((date(2026, 2, 4), 20),)  # U-3: 20 units on one day


def test_week_start_setting_moves_the_weeks(chart_engine: Engine) -> None:
    settings.put(chart_engine, "agency.week_start", "sunday")
    use = member_unit_use(chart_engine, "m1", AS_OF)
    assert use is not None
    assert [(w.start, w.units, w.cap) for w in use.weeks] == [
        (date(2026, 2, 1), 40, 32),
        (date(2026, 2, 8), 0, 32),
        (date(2026, 2, 15), 0, 32),
        (date(2026, 2, 22), 4, 32),
        (date(2026, 3, 1), 0, 32),
        (date(2026, 3, 8), 20, 16),  # 03-08..03-14 holds no day of service 1-30
        (date(2026, 3, 15), 0, 16),
    ]
    (a1,) = use.authorizations
    assert a1.used == 40  # the caps still let 40 through


def test_no_authorization_still_shows_weeks(chart_engine: Engine) -> None:
    use = member_unit_use(chart_engine, "m2", AS_OF)
    assert use is not None and use.authorizations == ()
    assert len(use.weeks) == 12 and use.weeks[-1].start == date(2026, 3, 16)
    assert {w.start: w.units for w in use.weeks}[date(2026, 2, 9)] == 2 + 4  # s1's 0 + 2, s2's 4 (U-2)
    assert "No authorization in the period" in member_units_text(use)


def test_specialist_units_per_week(chart_engine: Engine) -> None:
    use = specialist_weekly_units(chart_engine, "s1", AS_OF, Period(date(2026, 2, 2), AS_OF))
    assert use is not None
    assert [(w.start, w.units, w.notes, w.members) for w in use.weeks] == [
        (date(2026, 2, 2), 40, 3, 1),
        (
            date(2026, 2, 9),
            2,
            2,
            1,
        ),  # m2: audio-only is 0 under ct-waiver (U-2), 30 min is 2; s2's note not here
        (date(2026, 2, 16), 0, 0, 0),
        (date(2026, 2, 23), 4, 1, 1),
        (date(2026, 3, 2), 0, 0, 0),
        (date(2026, 3, 9), 20, 2, 1),
        (date(2026, 3, 16), 0, 0, 0),
    ]
    assert use.total == 66
    default = specialist_weekly_units(chart_engine, "s1", AS_OF)
    assert default is not None and len(default.weeks) == 12 and default.weeks[-1].start == date(2026, 3, 16)
    assert specialist_weekly_units(chart_engine, "nobody", AS_OF) is None
    assert member_unit_use(chart_engine, "nobody", AS_OF) is None


def test_text_form_reads_without_colour(chart_engine: Engine) -> None:
    use = member_unit_use(chart_engine, "m1", AS_OF)
    assert use is not None
    text = member_units_text(use)
    assert "\x1b" not in text
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "PA-1: units used and remaining" in text
    assert "authorized 40 units, used 40, remaining 0; ends on 2026-03-31, 11 days left." in " ".join(
        line.strip() for line in text.splitlines()
    )
    assert "2 week(s) over the cap: 2026-02-02 (40 > 32), 2026-03-09 (20 > 16)" in " ".join(
        line.strip() for line in text.splitlines()
    )
    for marker in ("●", "○", "▇", "─", "│"):
        assert marker in text
    staff = specialist_weekly_units(chart_engine, "s1", AS_OF)
    assert staff is not None
    assert "Total 66 units in 12 week(s)" in specialist_units_text(staff)


def test_cli_units(chart_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--db", str(chart_db), "--as-of", AS_OF.isoformat(), "report", "units"]
    assert run([*base, "--member", "m1"]) == 0
    out = capsys.readouterr().out
    assert "Unit use · Alex Doe (nc-medicaid)" in out and "\x1b" not in out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert run([*base, "--specialist", "s1", "--from", "2026-02-02", "--to", "2026-03-20"]) == 0
    assert "Total 66 units in 7 week(s)" in capsys.readouterr().out
    for args, message in (
        (["--member", "nobody"], "--member: no member with id 'nobody'"),
        (["--specialist", "nobody"], "--specialist: no staff member with id 'nobody'"),
        ([], "--member/--specialist: give exactly one of them"),
        (["--member", "m1", "--specialist", "s1"], "--member/--specialist: give exactly one of them"),
        (["--member", "m1", "--from", "2026-02-01"], "--to: give --from and --to together"),
        (
            ["--member", "m1", "--from", "2026-03-01", "--to", "2026-02-01"],
            "--to: 2026-02-01 is before --from",
        ),
    ):
        assert run([*base, *args]) == 2, args
        assert message in capsys.readouterr().err


def test_cli_units_through_a_pipe_is_plain(chart_db: Path) -> None:
    """Not a terminal: 80 columns, no escape codes (the real entry point, in a child process)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cpss_tui",
            "--db",
            str(chart_db),
            "--as-of",
            AS_OF.isoformat(),
            "report",
            "units",
            "--member",
            "m1",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "PA-1: units used and remaining" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
