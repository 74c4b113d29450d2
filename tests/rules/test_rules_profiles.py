"""Payer profiles and agency settings as data (U-1..U-8, M-1..M-3, N-4; W-1, C-3, V-4, U-8, P-5 settings)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cpss_tui.rules.profiles import (
    PROFILE_NAMES,
    PROFILES,
    AgencySettings,
    get_profile,
    profile_with_overrides,
    settings_from_mapping,
)


def test_every_payer_has_a_profile() -> None:
    assert (
        set(PROFILES)
        == set(PROFILE_NAMES)
        == {"nc-medicaid", "nc-state", "nc-wellcare", "la-lhcc", "ct-waiver"}
    )
    for name, profile in PROFILES.items():
        assert profile.name == name
        assert (profile.day_cap, profile.early_week_cap, profile.week_cap, profile.early_days) == (
            16,
            32,
            16,
            30,
        )
        assert (profile.max_auth_days, profile.max_auth_days_per_12_months) == (90, 180)
        assert (profile.fiscal_year_start_month, profile.fiscal_year_start_day) == (7, 1)


def test_u6_m1_m2_m3_profile_differences() -> None:
    assert PROFILES["nc-wellcare"].unmanaged_units == 24
    assert all(PROFILES[n].unmanaged_units == 0 for n in PROFILE_NAMES if n != "nc-wellcare")
    assert PROFILES["nc-medicaid"].min_age == 21 and PROFILES["nc-medicaid"].epsdt_allowed
    assert PROFILES["nc-state"].min_age == 18 and not PROFILES["nc-state"].epsdt_allowed
    assert PROFILES["la-lhcc"].min_age == 21 and PROFILES["la-lhcc"].requires_continuing_care_plan
    ct = PROFILES["ct-waiver"]
    assert ct.rate_per_unit == Decimal("12.33") and ct.act_transition_days == 30 and ct.rounding == "floor"
    assert "audio-only" in ct.nonbillable_contact_types
    assert PROFILES["nc-medicaid"].modifier_map == {"group": "HQ", "telehealth": "GT", "audio-only": "KX"}


def test_overrides_change_numbers_without_code() -> None:
    p = profile_with_overrides("nc-medicaid", {"day_cap": 12, "rounding": "midpoint", "rate_per_unit": 10.5,
                                               "nonbillable_activities": ["transportation"]})  # fmt: skip
    assert (p.day_cap, p.rounding, p.rate_per_unit, p.nonbillable_activities) == (
        12, "midpoint", Decimal("10.5"), ("transportation",)
    )  # fmt: skip
    assert PROFILES["nc-medicaid"].day_cap == 16  # defaults untouched


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"day_cap": "16"}, "day_cap"),
        ({"day_cap": True}, "day_cap"),
        ({"day_cap": -1}, "day_cap"),
        ({"rounding": "up"}, "rounding"),
        ({"colour": 1}, "colour"),
        ({"name": "x"}, "name"),
        ({"epsdt_allowed": "yes"}, "epsdt_allowed"),
        ({"nonbillable_activities": "transportation"}, "nonbillable_activities"),
        ({"rate_per_unit": "abc"}, "rate_per_unit"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
        ({"fiscal_year_start_month": 2, "fiscal_year_start_day": 30}, "fiscal_year_start_day"),
        ({"modifiers": ["HQ"]}, "modifiers"),
    ],
)
def test_bad_override_names_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=f"profile.nc-medicaid.{field}"):
        profile_with_overrides("nc-medicaid", overrides)


def test_unknown_payer_refused() -> None:
    with pytest.raises(ValueError, match="payer"):
        get_profile("aetna")


def test_agency_settings_defaults_and_overrides() -> None:
    assert settings_from_mapping({}) == AgencySettings()
    s = AgencySettings()
    assert (s.week_start, s.timezone, s.min_attempts, s.due_soon_days, s.reauth_lead_days, s.pcp_review_days,
            s.pcp_due_soon_days) == ("monday", "local", 2, 7, 14, 365, 30)  # fmt: skip
    s = settings_from_mapping({"week_start": "sunday", "timezone": "America/New_York", "min_attempts": 3})
    assert (s.week_start, s.timezone, s.min_attempts) == ("sunday", "America/New_York", 3)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"week_start": "friday"}, "week_start"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"min_attempts": 0}, "min_attempts"),
        ({"due_soon_days": 7.5}, "due_soon_days"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_agency_setting_names_the_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=f"agency.{field}"):
        settings_from_mapping(values)
