"""Quality benchmarks Q-1 and Q-2 over a period, program-wide and per specialist, against hand-computed counts
(tests/reports/small_agency.py), in the terminal and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from cpss_tui.cli import run
from cpss_tui.data.bundle import import_bundle
from cpss_tui.reports.period import Period
from cpss_tui.reports.quality import CSV_COLUMNS, quality_report, quality_text

MARCH = Period(date(2026, 3, 3), date(2026, 4, 1))


def test_counts_per_scope_match_the_hand_computed_figures(small_engine: Engine) -> None:
    report = quality_report(small_engine, MARCH)
    p = report.program
    # Units before caps of signed notes: face-to-face/group 4+2+5+0+4 (m1) + 4 (m2) + 12 (m3) = 31 of 43
    # (telehealth n2 is 12; n6 is under a unit; n9 is non-billable; ct-waiver telephone n11 is 0; unsigned n7
    # does not count).
    assert (p.face_to_face_units, p.units) == (31, 43)
    # Minutes of signed notes, billable or not: 749, of which 75 (n5) + 180 (n13) at the agency office.
    assert (p.outside_minutes, p.minutes) == (494, 749)
    assert not p.q1.met and not p.q2.met
    dana, eli = report.specialists
    assert (dana.staff_name, dana.face_to_face_units, dana.units, dana.outside_minutes, dana.minutes) == (
        "Dana Reyes",
        19,
        31,
        494,
        569,
    )
    assert (eli.staff_name, eli.face_to_face_units, eli.units, eli.outside_minutes, eli.minutes) == (
        "Eli Stone",
        12,
        12,
        0,
        180,
    )
    assert eli.q1.met and not eli.q2.met and dana.q2.met and not dana.q1.met


def test_exactly_the_target_meets_it(small_engine: Engine) -> None:
    """Q-1 is met at exactly 80%: 4 face-to-face units of 5 (a one-day period holding n10 and a telehealth)."""
    import json

    extra = {
        "format": "cpss-bundle",
        "version": 1,
        "notes": [
            {
                "id": "t1",
                "member_id": "m2",
                "staff_id": "s1",
                "date": "2026-05-05",
                "start_time": "09:00",
                "minutes": 60,
                "billable": True,
                "contact_type": "face-to-face",
                "place": "home",
                "purpose": "p",
                "interventions": "i",
                "effectiveness": "e",
                "goal_ids": ["g2"],
                "signed_at": "2026-05-05T12:00:00-04:00",
            },
            {
                "id": "t2",
                "member_id": "m2",
                "staff_id": "s1",
                "date": "2026-05-05",
                "start_time": "11:00",
                "minutes": 15,
                "billable": True,
                "contact_type": "telehealth",
                "place": "remote",
                "purpose": "p",
                "interventions": "i",
                "effectiveness": "e",
                "goal_ids": ["g2"],
                "signed_at": "2026-05-05T12:00:00-04:00",
            },
        ],
    }
    import_bundle(small_engine, json.dumps(extra), as_of=date(2026, 5, 20))
    report = quality_report(small_engine, Period(date(2026, 5, 5), date(2026, 5, 5)))
    assert (report.program.face_to_face_units, report.program.units) == (4, 5)
    assert report.program.q1.met and report.program.q1.figure == 0.8


def test_an_empty_period_says_so_and_fails_no_one(small_engine: Engine) -> None:
    report = quality_report(small_engine, Period(date(2025, 1, 1), date(2025, 1, 31)))
    assert report.specialists == () and report.program.q1.figure is None
    assert "No signed notes in this period." in quality_text(report)


def test_text_puts_the_target_beside_each_figure(small_engine: Engine) -> None:
    text = quality_text(quality_report(small_engine, MARCH))
    assert "Q-1 face-to-face units     72.1%  target ≥ 80.0%  BELOW TARGET  (31 of 43 units)" in text
    assert "Q-2 time outside office     0.0%  target ≥ 70.0%  BELOW TARGET  (0 of 180 minutes)" in text


def test_cli_prints_and_writes_csv(small_db: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "q.csv"
    assert (
        run(
            [
                "--db",
                str(small_db),
                "report",
                "quality",
                "--from",
                "2026-03-03",
                "--to",
                "2026-04-01",
                "--csv",
                str(out),
            ]
        )
        == 0
    )
    assert "Program (site)" in capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [
        (
            r["scope"],
            r["staff_name"],
            r["rule"],
            r["numerator"],
            r["denominator"],
            r["figure_percent"],
            r["target_percent"],
            r["met"],
        )
        for r in rows
    ] == [
        ("program", "Small Agency", "Q-1", "31", "43", "72.1", "80", "no"),
        ("program", "Small Agency", "Q-2", "494", "749", "66.0", "70", "no"),
        ("specialist", "Dana Reyes", "Q-1", "19", "31", "61.3", "80", "no"),
        ("specialist", "Dana Reyes", "Q-2", "494", "569", "86.8", "70", "yes"),
        ("specialist", "Eli Stone", "Q-1", "12", "12", "100.0", "80", "yes"),
        ("specialist", "Eli Stone", "Q-2", "0", "180", "0.0", "70", "no"),
    ]


def test_cli_refuses_a_backwards_period(small_db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        run(["--db", str(small_db), "report", "quality", "--from", "2026-03-03", "--to", "2026-03-01"]) == 2
    )
    assert "--to: 2026-03-01 is before --from 2026-03-03" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:  # argparse: usage and the option named, exit 2
        run(["--db", str(small_db), "report", "quality", "--from", "2026-02-30", "--to", "2026-03-01"])
    assert exited.value.code == 2
    assert "argument --from: not a date YYYY-MM-DD: '2026-02-30'" in capsys.readouterr().err
