"""Q-1, Q-2: face-to-face share and time outside the facility."""

from __future__ import annotations

from cpss_tui.rules.quality import face_to_face_share, outside_facility_share


def test_q1_exactly_80_percent_meets_target() -> None:
    got = face_to_face_share({"face-to-face": 60, "group": 20, "telehealth": 10, "collateral": 10})
    assert (got.figure, got.target, got.met) == (0.8, 0.8, True)


def test_q1_just_under_80_percent_fails_and_only_f2f_and_group_count() -> None:
    got = face_to_face_share({"face-to-face": 79, "telehealth": 11, "audio-only": 10})
    assert got.figure == 0.79 and not got.met
    assert not face_to_face_share({"telehealth": 100}).met


def test_q1_nothing_delivered() -> None:
    got = face_to_face_share({})
    assert got.figure is None and got.met


def test_q2_70_percent_outside_facility() -> None:
    got = outside_facility_share({"home": 40, "community": 30, "agency-office": 30})
    assert (got.figure, got.target, got.met) == (0.7, 0.7, True)
    assert not outside_facility_share({"home": 69, "agency-office": 31}).met
    assert outside_facility_share({"remote": 70, "other": 1, "agency-office": 29}).met
