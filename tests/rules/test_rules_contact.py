"""C-1..C-4: weekly contact status and who needs attention."""

from __future__ import annotations

from datetime import date, timedelta

from cpss_tui.rules.contact import (
    DIRECT_CONTACT_TYPES,
    count_attempts,
    is_direct_contact,
    needs_attention,
    weekly_status,
)

WEEK_START = date(2026, 11, 16)
WEEK_END = date(2026, 11, 22)


def status(
    direct: int = 0, attempts: int = 0, days: int = 0, as_of: date = WEEK_END, active: bool = True
) -> object:
    return weekly_status(
        active=active, direct_contacts=direct, attempts=attempts, attempt_days=days, min_attempts=2,
        week_end=WEEK_END, as_of=as_of,
    )  # fmt: skip


def test_c1_direct_contact_types() -> None:
    for kind in ("face-to-face", "telehealth", "audio-only", "group"):
        assert is_direct_contact(kind)
    assert not is_direct_contact("collateral")
    assert "collateral" not in DIRECT_CONTACT_TYPES


def test_c1_collateral_only_week_is_not_met() -> None:
    # A collateral contact is not counted as a direct contact by the caller (C-1), so the week is not met.
    direct = sum(1 for kind in ["collateral", "collateral"] if is_direct_contact(kind))
    assert status(direct=direct, as_of=WEEK_END + timedelta(days=1)) == "missed"


def test_c3_met_with_one_direct_contact() -> None:
    assert status(direct=1) == "met"
    assert status(direct=1, as_of=WEEK_END + timedelta(days=30)) == "met"


def test_c2_c3_two_attempts_on_two_days_is_attempted() -> None:
    assert status(attempts=2, days=2, as_of=WEEK_END + timedelta(days=1)) == "attempted"


def test_c3_attempts_on_one_day_only_are_not_attempted() -> None:
    assert status(attempts=5, days=1, as_of=WEEK_END + timedelta(days=1)) == "missed"
    assert status(attempts=5, days=1) == "pending"


def test_c3_min_attempts_respected() -> None:
    got = weekly_status(direct_contacts=0, attempts=2, attempt_days=2, min_attempts=3, week_end=WEEK_END,
                        as_of=WEEK_END + timedelta(days=1))  # fmt: skip
    assert got == "missed"
    # min_attempts 1 still needs two days
    got = weekly_status(direct_contacts=0, attempts=1, attempt_days=1, min_attempts=1, week_end=WEEK_END,
                        as_of=WEEK_END + timedelta(days=1))  # fmt: skip
    assert got == "missed"


def test_c3_pending_on_last_day_missed_the_day_after() -> None:
    assert status(as_of=WEEK_END) == "pending"
    assert status(as_of=WEEK_END + timedelta(days=1)) == "missed"
    assert status(as_of=WEEK_START) == "pending"


def test_c3_inactive_week_has_no_status() -> None:
    assert status(direct=3, active=False) is None


def test_c2_attempt_days_counted_in_local_time_across_dst() -> None:
    # Sunday-start week 2026-03-08 .. 2026-03-14 in New York. Two attempts near midnight on the DST night:
    # 04:30Z on Mar 8 is Mar 7 23:30 EST (previous week); 05:30Z is Mar 8 00:30 (this week).
    stamps = ["2026-03-08T04:30:00+00:00", "2026-03-08T05:30:00+00:00", "2026-03-09T03:30:00+00:00"]
    attempts, days = count_attempts(stamps, "America/New_York", date(2026, 3, 8), date(2026, 3, 14))
    # Mar 8 00:30 EST and Mar 8 23:30 EDT are the same local day.
    assert (attempts, days) == (2, 1)
    got = weekly_status(direct_contacts=0, attempts=attempts, attempt_days=days, week_end=date(2026, 3, 14),
                        as_of=date(2026, 3, 15))  # fmt: skip
    assert got == "missed"


def test_c2_attempts_on_two_local_days_across_fall_back() -> None:
    stamps = ["2026-11-01T05:30:00+00:00", "2026-11-02T04:30:00+00:00", "2026-11-02T05:30:00+00:00"]
    # 01:30 EDT Nov 1, 23:30 EST Nov 1, 00:30 EST Nov 2 (next Monday week)
    assert count_attempts(stamps, "America/New_York", date(2026, 10, 26), date(2026, 11, 1)) == (2, 1)
    assert count_attempts(stamps, "America/New_York", date(2026, 11, 1), date(2026, 11, 7)) == (3, 2)


def test_c4_pending_and_last_contact_7_days_before_needs_attention() -> None:
    as_of = date(2026, 11, 20)
    assert needs_attention("pending", as_of - timedelta(days=7), as_of, "met")
    assert not needs_attention("pending", as_of - timedelta(days=6), as_of, "met")
    assert needs_attention("pending", None, as_of, "met")
    assert needs_attention("pending", None, as_of, None)


def test_c4_previous_week_missed_needs_attention() -> None:
    as_of = date(2026, 11, 20)
    assert needs_attention("met", as_of, as_of, "missed")
    assert not needs_attention("met", as_of - timedelta(days=20), as_of, "attempted")
    assert not needs_attention("attempted", None, as_of, "met")
