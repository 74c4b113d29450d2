"""Quality benchmarks (Q-1, Q-2), from NC 8G Program Requirements: "At least 80% of PSS shall be delivered
face-to-face by staff with the individual" and "At least 70% of staff time shall be spent working outside of
the agency's facility".

Why fractions: "exactly 80%" must meet the target, and 0.8 in floating point is not exactly 4/5.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

FACE_TO_FACE_TARGET: Final = Fraction(80, 100)
OUTSIDE_FACILITY_TARGET: Final = Fraction(70, 100)
FACE_TO_FACE_TYPES: Final = ("face-to-face", "group")  # telehealth, audio-only, collateral do not count
FACILITY_PLACES: Final = ("agency-office", "agency office")


@dataclass(frozen=True)
class Benchmark:
    """Q-1/Q-2: the share achieved (None when nothing was delivered), the target, and whether it is met."""

    figure: float | None
    target: float
    met: bool


def _share(part: int, whole: int, target: Fraction) -> Benchmark:
    if whole <= 0:
        return Benchmark(None, float(target), True)  # nothing delivered: nothing fell short
    share = Fraction(part, whole)
    return Benchmark(float(share), float(target), share >= target)


def face_to_face_share(
    units_by_contact_type: Mapping[str, int], target: Fraction = FACE_TO_FACE_TARGET
) -> Benchmark:
    """Q-1: share of delivered units that were face-to-face (face-to-face and group count); met at exactly
    80%."""
    whole = sum(units_by_contact_type.values())
    part = sum(u for kind, u in units_by_contact_type.items() if kind in FACE_TO_FACE_TYPES)
    return _share(part, whole, target)


def outside_facility_share(
    minutes_by_place: Mapping[str, int], target: Fraction = OUTSIDE_FACILITY_TARGET
) -> Benchmark:
    """Q-2: share of staff time whose place of service is not the agency office; met at exactly 70%."""
    whole = sum(minutes_by_place.values())
    part = sum(m for place, m in minutes_by_place.items() if place not in FACILITY_PLACES)
    return _share(part, whole, target)
