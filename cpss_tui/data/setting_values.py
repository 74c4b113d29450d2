"""The setting keys and the pure decoding of setting values (no database access, no SQLAlchemy).

`data.settings` reads and writes them; `data.start_read` decodes them at start-up without the data layer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from cpss_tui.rules.profiles import (
    AgencySettings,
    PayerProfile,
    profile_with_overrides,
    settings_from_mapping,
)
from cpss_tui.vocab import PAYERS

AGENCY_PREFIX = "agency."
PROFILE_PREFIX = "profile."
BACKUP_KEEP_DAILY = "backup.keep_daily"
BACKUP_KEEP_WEEKLY = "backup.keep_weekly"
BACKUP_RESTORED_AT = "backup.restored_at"  # set by a restore: older backups are of another history
LOCK_MINUTES = "ui.lock_minutes"
LOCK_MINUTES_DEFAULT = 10.0
LOCK_PIN = "lock.pin"
CURRENT_STAFF_KEY = "ui.current_staff"  # who uses the app on this machine (services/staff.py)
THEME_KEY = "ui.theme"


def lock_minutes(values: dict[str, Any]) -> float:
    """Idle minutes before the app locks (a missing or bad value means the default of 10)."""
    value = values.get(LOCK_MINUTES)
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return float(value) if ok else LOCK_MINUTES_DEFAULT


def agency_settings_from(values: dict[str, Any]) -> AgencySettings:
    """AgencySettings from decoded settings (defaults where absent); ValueError names a bad field."""
    agency = {
        k[len(AGENCY_PREFIX) :]: v
        for k, v in values.items()
        if k.startswith(AGENCY_PREFIX) and k != "agency.name"
    }
    return settings_from_mapping(agency)


def profiles_from(values: dict[str, Any]) -> dict[str, PayerProfile]:
    """Every payer profile with the agency's overrides applied."""
    return {
        payer: profile_with_overrides(payer, values.get(PROFILE_PREFIX + payer) or {}) for payer in PAYERS
    }


def decode(rows: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Every setting from its (key, JSON text) rows, decoded."""
    return {key: json.loads(value) for key, value in rows}
