"""Billing export (issue "Reports", item 4) against hand-computed figures (tests/reports/small_agency.py).

The claim file bills the under-cap units of signed notes (U-3/U-4/U-5/U-9), with the authorization number or the
unmanaged allowance (U-6), the modifiers (N-4) and the ct-waiver amount; the second file lists every unit left
out with its reason. A property test replays random histories through the same code and checks the invariants a
biller relies on.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from cpss_tui.cli import run
from cpss_tui.reports import billing
from cpss_tui.reports.billing import CLAIM_COLUMNS, EXCLUDED_COLUMNS, billing_export
from cpss_tui.reports.period import Period
from cpss_tui.rules.profiles import PROFILES
from cpss_tui.rules.weeks import week_bounds

MARCH = Period(date(2026, 3, 3), date(2026, 4, 1))


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_claim_lines_match_the_hand_computed_figures(small_engine: Engine) -> None:
    export = billing_export(small_engine, MARCH)
    got = [
        (c.note_id, c.date.isoformat(), c.modifiers, c.units, c.authorization_number, c.amount)
        for c in export.lines
    ]
    assert got == [
        ("n2", "2026-03-03", ("GT",), 8, "PA-1", None),  # 12 units, 8 left in the week (n1 used 8 on 03-02)
        ("n10", "2026-03-05", (), 4, "PA-2", Decimal("49.32")),  # ct-waiver: 4 x $12.33
        ("n4", "2026-03-09", ("HQ",), 2, "PA-1", None),
        ("n5", "2026-03-10", (), 2, "PA-1", None),  # PA-1's last 2 of 20 units
        ("n13", "2026-03-16", (), 8, billing.UNMANAGED, None),  # 24 unmanaged - 16 used in February
    ]
    assert export.units == 24
    assert export.amount == Decimal("49.32")
    assert {c.rendering_staff for c in export.lines} == {"Dana Reyes", "Eli Stone"}
    assert {c.credentials for c in export.lines} == {"NC CPSS"}


def test_every_unit_left_out_is_listed_with_its_reason(small_engine: Engine) -> None:
    export = billing_export(small_engine, MARCH)
    got = sorted((e.note_id, e.units, e.reason, e.rule) for e in export.exclusions)
    assert got == sorted(
        [
            ("n2", 4, "over-cap", "U-4"),
            ("n3", 4, "over-cap", "U-4"),  # the week cap was used up: no claim line at all
            ("n5", 3, "over-cap", "U-5"),
            ("n6", 0, "non-billable", "U-1"),  # 14 minutes
            ("n7", 4, "unsigned", "N-2"),
            ("n9", 0, "non-billable", "U-2"),  # transportation
            ("n11", 0, "non-billable", "U-2"),  # ct-waiver telephone contact
            ("n13", 4, "unauthorized", "U-6"),
            ("n8", 4, "unauthorized", "U-6"),  # after PA-1 ended
        ]
    )
    assert "n3" not in {c.note_id for c in export.lines}
    assert "n1" not in {e.note_id for e in export.exclusions}  # before the period: consumed, not reported


def test_a_period_starting_mid_week_still_sees_the_notes_before_it(small_engine: Engine) -> None:
    """n2 alone in a one-day period bills 8, not 12: n1, the day before, used 8 of the week's 16 units."""
    export = billing_export(small_engine, Period(date(2026, 3, 3), date(2026, 3, 3)))
    assert [(c.note_id, c.units) for c in export.lines] == [("n2", 8)]


def test_cli_writes_both_files_private_with_the_documented_columns(
    small_db: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "claims.csv"
    code = run(
        [
            "--db",
            str(small_db),
            "export",
            "billing",
            "--from",
            "2026-03-03",
            "--to",
            "2026-04-01",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    excluded = tmp_path / "claims-excluded.csv"
    claims = _rows(out.read_text())
    assert list(claims[0]) == list(CLAIM_COLUMNS)
    assert [
        (r["note_id"], r["hcpcs"], r["modifiers"], r["units"], r["authorization_number"], r["amount"])
        for r in claims
    ] == [
        ("n2", "H0038", "GT", "8", "PA-1", ""),
        ("n10", "H0038", "", "4", "PA-2", "49.32"),
        ("n4", "H0038", "HQ", "2", "PA-1", ""),
        ("n5", "H0038", "", "2", "PA-1", ""),
        ("n13", "H0038", "", "8", "unmanaged (U-6)", ""),
    ]
    assert claims[0]["medicaid_id"] == "111111111A" and claims[0]["rendering_staff"] == "Dana Reyes"
    left = _rows(excluded.read_text())
    assert list(left[0]) == list(EXCLUDED_COLUMNS)
    assert len(left) == 9
    for path in (out, excluded):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # member ids: private to the user
    said = capsys.readouterr().out
    assert "5 claim lines, 24 units of H0038" in said and str(excluded) in said


def test_cli_refuses_bad_periods_and_options_naming_them(small_db: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "c.csv"
    base = ["--db", str(small_db), "export", "billing", "-o", str(out)]
    assert run([*base, "--from", "2026-03-10", "--to", "2026-03-01"]) == 2
    assert "--to: 2026-03-01 is before --from 2026-03-10" in capsys.readouterr().err
    assert run([*base, "--to", "2026-03-01"]) == 2
    assert "--from: required by `export billing`" in capsys.readouterr().err
    assert (
        run(["--db", str(small_db), "export", "billing", "--from", "2026-03-01", "--to", "2026-03-31"]) == 2
    )
    assert "-o: required by `export billing`" in capsys.readouterr().err
    assert run(["--db", str(small_db), "export", "--from", "2026-03-01", "-o", str(out)]) == 2
    assert "--from: only `export billing` takes it" in capsys.readouterr().err
    assert run([*base, "--from", "2026-03-01", "--to", "2026-03-31", "--excluded", str(out)]) == 2
    assert "must differ" in capsys.readouterr().err
    assert not out.exists()
    assert (
        run(
            [
                "--db",
                str(small_db),
                "export",
                "billing",
                "--from",
                "2026-03-01",
                "--to",
                "2026-03-31",
                "-o",
                str(tmp_path / "no-such-folder" / "c.csv"),
            ]
        )
        == 2
    )
    assert "-o: cannot write" in capsys.readouterr().err
    assert list(tmp_path.glob("*.part")) == [] and list(tmp_path.glob(".*")) == []


def test_the_bundle_export_is_unchanged(small_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    assert run(["--db", str(small_db), "export", "-o", str(out)]) == 0
    assert out.read_text().startswith("{") and '"cpss-bundle"' in out.read_text()


# --- property: whatever the history, what bills respects every cap and nothing is lost ----------------------

_note = st.tuples(
    st.integers(0, 41),  # day offset from 2026-03-02
    st.sampled_from(["08:00", "10:00", "13:00", "16:00"]),
    st.integers(0, 300),  # minutes
    st.booleans(),  # signed
)


@settings(max_examples=150, deadline=None)
@given(
    notes=st.lists(_note, max_size=25),
    authorized=st.integers(0, 60),
    first=st.integers(0, 41),
    length=st.integers(0, 20),
)
def test_billing_never_exceeds_a_cap_and_accounts_for_every_unit(notes, authorized, first, length) -> None:  # type: ignore[no-untyped-def]
    profile = PROFILES["nc-medicaid"]
    start = date(2026, 3, 2)
    period = Period(start + timedelta(days=first), start + timedelta(days=first + length))
    auth = billing._Auth("a", "PA", date(2026, 3, 9), date(2026, 4, 5), authorized)
    facts = [
        billing._NoteFacts(
            f"n{i}",
            "m",
            start + timedelta(days=d),
            t,
            minutes,
            True,
            None,
            "face-to-face",
            signed,
            "Dana",
            "NC CPSS",
        )
        for i, (d, t, minutes, signed) in enumerate(notes)
    ]
    member = billing._MemberFacts("m", "X", "nc-medicaid", date(2026, 1, 5))
    lines, excluded = billing._member_claims(member, list(facts), [auth], profile, "monday", period)
    by_day: dict[date, int] = {}
    by_week: dict[date, int] = {}
    for line in lines:
        assert line.units > 0 and line.date in period
        by_day[line.date] = by_day.get(line.date, 0) + line.units
        week = week_bounds(line.date, "monday")[0]
        by_week[week] = by_week.get(week, 0) + line.units
        assert line.authorization_number == "PA"  # nc-medicaid has no unmanaged units
    assert all(u <= profile.day_cap for u in by_day.values())  # U-3
    assert all(u <= profile.week_cap for u in by_week.values())  # U-4 (all weeks are late)
    assert sum(line.units for line in lines) <= authorized  # U-5
    in_period = [f for f in facts if f.date in period]
    assert {line.note_id for line in lines} <= {f.id for f in in_period if f.signed}
    raw = sum(f.minutes // 15 for f in in_period)
    assert sum(line.units for line in lines) + sum(e.units for e in excluded) == raw
