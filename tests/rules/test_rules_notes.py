"""N-1..N-7: note contents, locking, modifiers, audio-only, dates and overlaps, service order."""

from __future__ import annotations

from datetime import date, time

from cpss_tui.rules.notes import (
    REQUIRED_NOTE_FIELDS,
    audio_only_problems,
    before_service_order,
    locked_note_problem,
    missing_fields,
    modifiers,
    validate_note_dates,
)
from cpss_tui.rules.profiles import profile_with_overrides

COMPLETE = {
    "member_name": "Alex Doe", "medicaid_id": "123456789K", "service": "H0038", "date": "2026-09-02",
    "start_time": "10:00", "minutes": 60, "place": "home", "contact_type": "face-to-face", "purpose": "p",
    "interventions": "i", "effectiveness": "e", "goal_ids": ["g1"], "signer_name": "Dana Reyes",
    "signer_credentials": "NC CPSS",
}  # fmt: skip


def test_n1_n2_complete_note_has_no_missing_fields() -> None:
    assert missing_fields(COMPLETE) == []


def test_n1_n2_every_empty_field_named() -> None:
    for key, _label in REQUIRED_NOTE_FIELDS:
        note = dict(COMPLETE)
        note[key] = [] if key == "goal_ids" else ""
        problems = missing_fields(note)
        assert [(p.rule, p.field) for p in problems] == [("N-1", key)], key
        assert "N-2" in problems[0].message
    assert len(missing_fields({})) == len(REQUIRED_NOTE_FIELDS)
    assert [p.field for p in missing_fields({**COMPLETE, "minutes": 0})] == ["minutes"]


def test_n3_signed_note_locked() -> None:
    problem = locked_note_problem(True)
    assert problem is not None and problem.rule == "N-3"
    assert locked_note_problem(False) is None


def test_n4_modifiers() -> None:
    assert modifiers("group") == ("HQ",)
    assert modifiers("telehealth") == ("GT",)
    assert modifiers("audio-only") == ("KX",)
    assert modifiers("face-to-face") == ()
    assert modifiers("collateral") == ()
    custom = profile_with_overrides("nc-medicaid", {"modifiers": {"group": "HQ", "telehealth": "95"}})
    assert modifiers("telehealth", custom) == ("95",)


def test_n5_audio_only_needs_identity_and_consent() -> None:
    assert audio_only_problems(True, "verbal") == []
    assert audio_only_problems(True, "written") == []
    assert audio_only_problems(True, "not-obtained: member in crisis, called back later") == []
    assert [p.field for p in audio_only_problems(False, "verbal")] == ["identity_verified"]
    assert [p.field for p in audio_only_problems(True, None)] == ["consent"]
    assert [p.field for p in audio_only_problems(True, "not-obtained:  ")] == ["consent"]
    assert {p.rule for p in audio_only_problems(False, "maybe")} == {"N-5"}


ADMITTED = date(2026, 9, 1)


def check(day: date = date(2026, 9, 10), start: str = "10:00", minutes: int = 60, others=(), discharged=None):  # type: ignore[no-untyped-def]
    return validate_note_dates(note_date=day, start=start, minutes=minutes, as_of=date(2026, 9, 10),
                               admitted=ADMITTED, discharged=discharged, others=others)  # fmt: skip


def test_n6_future_before_admission_after_discharge_refused() -> None:
    assert check() == []
    assert [p.rule for p in check(day=date(2026, 9, 11))] == ["N-6"]  # future
    assert [p.rule for p in check(day=date(2026, 8, 31))] == ["N-6"]  # before admission
    assert check(day=ADMITTED) == []
    assert check(day=date(2026, 9, 5), discharged=date(2026, 9, 5)) == []  # on the discharge date
    assert [p.rule for p in check(day=date(2026, 9, 6), discharged=date(2026, 9, 5))] == ["N-6"]


def test_n6_overlap_boundaries_back_to_back_allowed() -> None:
    d = date(2026, 9, 10)
    assert check(start="10:00", minutes=60, others=[(d, "09:00", 60)]) == []  # ends 10:00
    assert check(start="10:00", minutes=60, others=[(d, "11:00", 30)]) == []  # starts 11:00
    assert [p.field for p in check(start="10:00", minutes=60, others=[(d, "09:00", 61)])] == ["start_time"]
    assert [p.rule for p in check(start="10:00", minutes=60, others=[(d, "10:59", 5)])] == ["N-6"]
    assert [p.rule for p in check(start="10:00", minutes=60, others=[(d, time(9, 30), 120)])] == ["N-6"]
    assert check(start="10:00", minutes=60, others=[(date(2026, 9, 9), "10:00", 60)]) == []


def test_n6_overlap_across_midnight() -> None:
    late = [(date(2026, 9, 9), "23:30", 60)]  # until 00:30 on the 10th
    assert [p.rule for p in check(start="00:15", minutes=30, others=late)] == ["N-6"]
    assert check(start="00:30", minutes=30, others=late) == []


def test_n7_note_before_service_order_flagged() -> None:
    flag = before_service_order(date(2026, 8, 27), date(2026, 8, 28))
    assert flag is not None and flag.rule == "N-7" and flag.rule_flag == "before-service-order"
    assert before_service_order(date(2026, 8, 28), date(2026, 8, 28)) is None
    assert before_service_order(date(2026, 8, 1), None) is None
