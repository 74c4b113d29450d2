"""Payer profiles and agency settings: every policy number in one place, as data.

Why: rules.md says each policy number (16 units a day, 32 then 16 a week, 90-day authorizations, age 21 …) is
"the default of a payer profile setting, not a constant buried in code". The five profiles below are the
defaults read from the policy files in shared/policy/ (see README.md there and cpss_tui/rules/README.md for
the places where the policy text overrides rules.md); an agency changes numbers through
`profile_with_overrides` and `settings_from_mapping`, fed from its database, without code changes. Validation
raises `ValueError` naming the field, so a bad stored setting is reported, never silently used.

Rule ids served here: W-1 (week_start), C-3 (min_attempts), V-4 (due_soon_days), U-1..U-8, M-1..M-3, N-4,
P-5 (pcp_review_days, pcp_due_soon_days).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal, cast

from cpss_tui import vocab

Rounding = Literal["floor", "midpoint"]
WeekStart = Literal["monday", "sunday"]

ROUNDINGS: Final = ("floor", "midpoint")
WEEK_STARTS: Final = ("monday", "sunday")
PROFILE_NAMES: Final = ("nc-medicaid", "nc-state", "nc-wellcare", "la-lhcc", "ct-waiver")
DEFAULT_PROFILE: Final = "nc-medicaid"

# N-4: WNC.CP.231 coding table and the 8G training slides ("HQ: Group, GT: Telehealth, KX: Audio-only").
DEFAULT_MODIFIERS: Final[tuple[tuple[str, str], ...]] = (
    ("group", "HQ"),
    ("telehealth", "GT"),
    ("audio-only", "KX"),
)

# U-2: reasons a note's time is recorded but not billed. The words are the vocabulary a form offers; any
# non-empty reason makes a note produce 0 units.
_COMMON_NONBILLABLE: Final = ("transportation", "recreation", "clerical", "supervision", "no-show")
# NC 8G "Service Exclusions and Limitations" and slides "Criteria Not Covered" (section 4.2.1); WNC.CP.231 II.
_NC_NONBILLABLE: Final = (
    *_COMMON_NONBILLABLE,
    "habilitation",
    "childcare",
    "academic",
    "not-in-pcp",
    "room-and-board",
)
# LA.CP.BH.505c II: "purely recreational", "integral part of another covered service", "Transportation",
# "General office/clerical tasks", "Attendance in meetings or sessions without a documented purpose".
_LA_NONBILLABLE: Final = (*_COMMON_NONBILLABLE, "integral-to-other-service", "meeting-without-purpose")
# CT waiver "Non-billable Activities" (1)-(9) and "Limitations" (7).
_CT_NONBILLABLE: Final = (
    *_COMMON_NONBILLABLE,
    "telephone",  # (3) "Telephone contact with the participant"
    "monitoring",  # (1) day-to-day monitoring
    "coordination",  # (2) communication and coordination with the Support Coordinator and other providers
    "documentation",  # (5) progress notes or billing documentation
    "credentialing",  # (9) activities required by a credentialing or oversight entity
)

# M-2: services that may not run in the same authorization period (NC 8G, Service Exclusions: ACTT, Community
# Support Team, Psychosocial Rehabilitation). "act" is accepted as a synonym of ACTT.
_NC_EXCLUDED_SERVICES: Final = ("actt", "act", "cst", "psr")
# CT waiver Limitations (3): ACT or CSP, "except during a brief transition phase (not to exceed 30 days)".
_CT_EXCLUDED_SERVICES: Final = ("act", "actt", "csp")

# M-3: NC 8G Discharge Criteria A-E as short codes (one vocabulary with the database and the forms); README.md
# maps the WellCare and LA criteria onto them.
DISCHARGE_REASONS: Final[tuple[str, ...]] = tuple(vocab.DISCHARGE_REASONS)


@dataclass(frozen=True)
class PayerProfile:
    """One payer's numbers and word lists (U-1..U-8, M-1..M-3, N-4). Frozen: a rule never changes a
    profile."""

    name: str
    rounding: Rounding = "floor"  # U-1
    day_cap: int = 16  # U-3
    early_week_cap: int = 32  # U-4
    week_cap: int = 16  # U-4
    early_days: int = 30  # U-4: admission date + 0..29
    unmanaged_units: int = 0  # U-6: 24 for nc-wellcare
    fiscal_year_start_month: int = 7  # U-6: state fiscal year July 1 – June 30
    fiscal_year_start_day: int = 1
    min_age: int = 21  # M-1
    epsdt_allowed: bool = True  # M-1: under min_age is fine when EPSDT is recorded
    nonbillable_activities: tuple[str, ...] = _COMMON_NONBILLABLE  # U-2
    nonbillable_contact_types: tuple[str, ...] = ()  # U-2: contact types that never bill under this payer
    max_auth_days: int = 90  # U-7
    max_auth_days_per_12_months: int = 180  # U-7
    rate_per_unit: Decimal | None = None  # CT waiver: $12.33 per 15-minute unit
    excluded_concurrent_services: tuple[str, ...] = _NC_EXCLUDED_SERVICES  # M-2
    act_transition_days: int = 0  # M-2: ct-waiver allows 30 days of overlap with ACT/CSP
    requires_continuing_care_plan: bool = False  # M-3: la-lhcc
    discharge_reasons: tuple[str, ...] = DISCHARGE_REASONS  # M-3
    modifiers: tuple[tuple[str, str], ...] = field(default=DEFAULT_MODIFIERS)  # N-4

    @property
    def modifier_map(self) -> dict[str, str]:
        """N-4: contact type -> billing modifier, as a dict."""
        return dict(self.modifiers)


PROFILES: Final[dict[str, PayerProfile]] = {
    # NC 8G: age 21 for Medicaid "unless the individual is eligible through EPSDT".
    "nc-medicaid": PayerProfile(name="nc-medicaid", nonbillable_activities=_NC_NONBILLABLE),
    # NC 8G: "State-funded services begin at age 18"; EPSDT is a Medicaid provision.
    "nc-state": PayerProfile(
        name="nc-state", min_age=18, epsdt_allowed=False, nonbillable_activities=_NC_NONBILLABLE
    ),
    # WNC.CP.231: "Medicaid-eligible adult beneficiary" (NC Medicaid adult = 21) with its EPSDT Special
    # Provision; I.A "twenty-four (24) unmanaged units once per episode of care per state fiscal year".
    "nc-wellcare": PayerProfile(
        name="nc-wellcare", unmanaged_units=24, nonbillable_activities=_NC_NONBILLABLE
    ),
    # LA.CP.BH.505c I.A.i "Member/enrollee must be 21 years of age or older". rules.md M-1 allows EPSDT for
    # la-lhcc and the acceptance cases follow rules.md, so EPSDT stays allowed by default; an agency that reads
    # the LA text strictly sets profile.la-lhcc.epsdt_allowed = false (see README.md).
    # Description: "PSS are face-to-face interventions with the member/enrollee present": a collateral
    # contact (member absent) is not PSS; telehealth and audio-only have the member present.
    # I.C.i continuing care plan for discharge.
    "la-lhcc": PayerProfile(
        name="la-lhcc",
        nonbillable_activities=_LA_NONBILLABLE,
        nonbillable_contact_types=("collateral",),
        requires_continuing_care_plan=True,
        # I.C: "Criteria i and either ii, iii or iv": goals substantially met, member/family requests
        # discharge, transfer to another service/level. No "natural supports" criterion.
        discharge_reasons=("goals-met", "declined", "needs-more-intensive", "other-modality"),
    ),
    # CT waiver: 15-minute unit, $12.33, "under 15 minutes" not billable (floor), "(3) Telephone contact"
    # non-billable (audio-only, U-2), "(2) Communication and coordination with ... other service providers"
    # non-billable (collateral), 30-day ACT/CSP transition. Telehealth (audio-video, participant present)
    # stays billable as rules.md U-2 lists only telephone. No participant age in the text: 18 (adult).
    "ct-waiver": PayerProfile(
        name="ct-waiver",
        min_age=18,
        epsdt_allowed=False,
        nonbillable_activities=_CT_NONBILLABLE,
        nonbillable_contact_types=("audio-only", "collateral"),
        rate_per_unit=Decimal("12.33"),
        excluded_concurrent_services=_CT_EXCLUDED_SERVICES,
        act_transition_days=30,
    ),
}


def get_profile(name: str) -> PayerProfile:
    """The default profile of a payer (U-1..U-8, M-1..M-3); `ValueError` for an unknown payer."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(
            f"payer: unknown payer profile {name!r}; one of {', '.join(PROFILE_NAMES)}"
        ) from None


@dataclass(frozen=True)
class AgencySettings:
    """Agency-wide settings: W-1 week_start and time zone, C-3 min_attempts, V-4 due_soon_days, U-8
    reauth_lead_days, P-5 pcp_review_days and pcp_due_soon_days."""

    week_start: WeekStart = "monday"
    timezone: str = "local"
    min_attempts: int = 2
    due_soon_days: int = 7
    reauth_lead_days: int = 14
    pcp_review_days: int = 365
    pcp_due_soon_days: int = 30


# --- validation --------------------------------------------------------------------------------------------

_PROFILE_INT_MIN: Final[dict[str, int]] = {
    "day_cap": 0,
    "early_week_cap": 0,
    "week_cap": 0,
    "early_days": 0,
    "unmanaged_units": 0,
    "fiscal_year_start_month": 1,
    "fiscal_year_start_day": 1,
    "min_age": 0,
    "max_auth_days": 1,
    "max_auth_days_per_12_months": 1,
    "act_transition_days": 0,
}
_PROFILE_BOOLS: Final = ("epsdt_allowed", "requires_continuing_care_plan")
_PROFILE_STR_TUPLES: Final = (
    "nonbillable_activities",
    "nonbillable_contact_types",
    "excluded_concurrent_services",
    "discharge_reasons",
)


def _int(where: str, key: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}.{key}: must be a whole number, not {value!r}")
    if value < minimum:
        raise ValueError(f"{where}.{key}: must be at least {minimum}, not {value}")
    return value


def _bool(where: str, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where}.{key}: must be true or false, not {value!r}")
    return value


def _choice(where: str, key: str, value: object, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{where}.{key}: must be one of {', '.join(choices)}, not {value!r}")
    return value


def _str_tuple(where: str, key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValueError(f"{where}.{key}: must be a list of words, not {value!r}")
    items = cast(list[object] | tuple[object, ...], value)
    if not all(isinstance(v, str) and v.strip() for v in items):
        raise ValueError(f"{where}.{key}: every entry must be a non-empty word, not {value!r}")
    return tuple(cast(str, v) for v in items)


def _rate(where: str, key: str, value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{where}.{key}: must be an amount like 12.33 or null, not {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{where}.{key}: must be an amount like 12.33 or null, not {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{where}.{key}: must be a non-negative amount, not {value!r}")
    return amount


def _modifiers(where: str, key: str, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}.{key}: must map contact types to modifiers, not {value!r}")
    pairs = cast(Mapping[object, object], value)
    if not all(isinstance(k, str) and isinstance(v, str) and v for k, v in pairs.items()):
        raise ValueError(f"{where}.{key}: every contact type and modifier must be a word, not {value!r}")
    return tuple((cast(str, k), cast(str, v)) for k, v in pairs.items())


@functools.lru_cache(maxsize=64)
def timezone_is_valid(name: str) -> bool:
    """W-1 dates are calendar dates in the agency's time zone: "local" or an IANA name like
    America/New_York. (Cached: loading a zone file costs more than a note's whole check.)"""
    if name == "local":
        return True
    # pendulum.Timezone(name) is a zoneinfo.ZoneInfo(name): the same tz database and the same names, read
    # directly so that start-up (data/start_read.py) does not import pendulum (~25 ms) to check a setting.
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError for a path-like key, and others for odd input
        return False
    return True


def profile_with_overrides(name: str, overrides: Mapping[str, object]) -> PayerProfile:
    """A payer profile with an agency's stored numbers applied (U-1..U-8, M-1..M-3, N-4).

    Every key must be a profile field (except `name`), every value of the right type; otherwise `ValueError`
    names `profile.<payer>.<field>`, so a bad setting in the database is reported rather than half-applied.
    """
    base = get_profile(name)
    where = f"profile.{name}"
    fields = {f.name for f in dataclasses.fields(PayerProfile)} - {"name"}
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key not in fields:
            raise ValueError(f"{where}.{key}: unknown setting; known: {', '.join(sorted(fields))}")
        if key in _PROFILE_INT_MIN:
            changes[key] = _int(where, key, value, _PROFILE_INT_MIN[key])
        elif key in _PROFILE_BOOLS:
            changes[key] = _bool(where, key, value)
        elif key in _PROFILE_STR_TUPLES:
            changes[key] = _str_tuple(where, key, value)
        elif key == "rounding":
            changes[key] = _choice(where, key, value, ROUNDINGS)
        elif key == "rate_per_unit":
            changes[key] = _rate(where, key, value)
        elif key == "modifiers":
            changes[key] = _modifiers(where, key, value)
    result = dataclasses.replace(base, **changes)
    if result.fiscal_year_start_month > 12:
        raise ValueError(
            f"{where}.fiscal_year_start_month: must be 1-12, not {result.fiscal_year_start_month}"
        )
    try:
        date(2001, result.fiscal_year_start_month, result.fiscal_year_start_day)
    except ValueError:
        raise ValueError(
            f"{where}.fiscal_year_start_day: {result.fiscal_year_start_day} is not a day of month "
            f"{result.fiscal_year_start_month}"
        ) from None
    return result


_SETTINGS_INT_MIN: Final[dict[str, int]] = {
    "min_attempts": 1,
    "due_soon_days": 0,
    "reauth_lead_days": 0,
    "pcp_review_days": 1,
    "pcp_due_soon_days": 0,
}


def settings_from_mapping(values: Mapping[str, object]) -> AgencySettings:
    """AgencySettings from stored values, defaults where absent (W-1, C-3, V-4, U-8, P-5).

    Raises `ValueError` naming `agency.<field>` for an unknown key, a wrong type, a week start other than
    monday/sunday, or a time zone that is neither "local" nor a known IANA name.
    """
    fields = {f.name for f in dataclasses.fields(AgencySettings)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in fields:
            raise ValueError(f"agency.{key}: unknown setting; known: {', '.join(sorted(fields))}")
        if key in _SETTINGS_INT_MIN:
            changes[key] = _int("agency", key, value, _SETTINGS_INT_MIN[key])
        elif key == "week_start":
            changes[key] = _choice("agency", key, value, WEEK_STARTS)
        elif key == "timezone":
            if not isinstance(value, str) or not timezone_is_valid(value):
                raise ValueError(f"agency.timezone: not a known time zone: {value!r} (try America/New_York)")
            changes[key] = value
    return AgencySettings(**changes)
