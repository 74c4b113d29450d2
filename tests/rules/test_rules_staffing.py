"""S-1..S-5: caseload capacity, supervisor span, weekly supervision, training."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cpss_tui.rules.staffing import (
    MAX_SPECIALISTS_PER_SUPERVISOR,
    can_add_specialist,
    can_assign,
    capacity,
    program_ratio,
    shared_fte_problem,
    supervision_state,
    training_flags,
)


@pytest.mark.parametrize(
    ("fte", "cap"), [(1.0, 10), (0.5, 5), (0.75, 7), (0.7, 7), (0.3, 3), (0.1, 1), ("0.9", 9)]
)
def test_s1_capacity_is_floor_of_ten_times_fte(fte: float | str, cap: int) -> None:
    assert capacity(fte) == cap


@pytest.mark.parametrize("fte", [0, 0.0, -0.5, 1.1, 2])
def test_s1_fte_out_of_range_refused(fte: float) -> None:
    with pytest.raises(ValueError, match="fte"):
        capacity(fte)


def test_s1_at_most_two_people_share_an_fte() -> None:
    assert shared_fte_problem(2) is None
    problem = shared_fte_problem(3)
    assert problem is not None and problem.rule == "S-1"


def test_s2_assigning_at_capacity_refused_naming_ratio() -> None:
    assert can_assign(9, 1.0) is None
    problem = can_assign(10, 1.0)
    assert problem is not None and problem.rule == "S-2" and "1:10" in problem.message
    assert can_assign(6, 0.7) is None
    assert can_assign(7, 0.7) is not None


def test_s2_program_ratio() -> None:
    assert program_ratio(30, 3.0) == 10.0
    assert program_ratio(25, 2.5) == 10.0
    assert program_ratio(7, 0.7) == 10.0
    assert program_ratio(10, 3) == 3.33
    assert program_ratio(5, 0) is None


def test_s3_ninth_specialist_refused() -> None:
    assert MAX_SPECIALISTS_PER_SUPERVISOR == 8
    assert can_add_specialist(7) is None
    problem = can_add_specialist(8)
    assert problem is not None and problem.rule == "S-3"


def test_s4_week_without_supervision_flagged() -> None:
    ws, we = date(2026, 11, 16), date(2026, 11, 22)
    assert supervision_state([date(2026, 11, 22)], ws, we, we) == "met"
    assert supervision_state([date(2026, 11, 23)], ws, we, we) == "pending"
    assert supervision_state([date(2026, 11, 15)], ws, we, we + timedelta(days=1)) == "missed"


def test_s5_20_hours_within_first_30_days_of_service() -> None:
    first = date(2026, 9, 1)
    day30 = first + timedelta(days=29)

    def flags(hours: float, as_of: date) -> list[str]:
        return training_flags(
            role="specialist",
            training_hours=hours,
            first_service=first,
            supervisor_training_on=None,
            as_of=as_of,
        )

    assert flags(10, day30) == []  # still inside the 30 days
    assert flags(10, day30 + timedelta(days=1)) == ["training-hours"]
    assert flags(20, day30 + timedelta(days=1)) == []
    assert flags(19.5, day30 + timedelta(days=1)) == ["training-hours"]
    none = training_flags(role="specialist", training_hours=0, first_service=None, supervisor_training_on=None,
                          as_of=day30)  # fmt: skip
    assert none == []


def test_s5_supervisor_training_before_delivering_service() -> None:
    first = date(2026, 9, 1)
    ok = training_flags(role="supervisor", training_hours=20, first_service=first,
                        supervisor_training_on=first - timedelta(days=1), as_of=first)  # fmt: skip
    assert ok == []
    late = training_flags(role="supervisor", training_hours=20, first_service=first,
                          supervisor_training_on=first + timedelta(days=1), as_of=first + timedelta(days=2))  # fmt: skip
    assert late == ["supervisor-training"]
    missing = training_flags(role="supervisor", training_hours=20, first_service=first, supervisor_training_on=None,
                             as_of=first)  # fmt: skip
    assert missing == ["supervisor-training"]
