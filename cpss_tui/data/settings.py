"""App settings stored in the database (`app_setting`): agency settings, payer-profile overrides, UI choices.

Keeping them in the file (not in a config file beside it) means a settings change travels with the data and
takes effect without code changes (issue "Compliance engine", item 2). Values are JSON.

Keys: `agency.name`, `agency.week_start`, `agency.timezone`, `agency.min_attempts`, `agency.due_soon_days`,
`agency.reauth_lead_days`, `agency.pcp_review_days`, `agency.pcp_due_soon_days`, `profile.<payer>` (an object of
overrides of that payer profile's numbers), `ui.current_staff`, `ui.theme`, `backup.keep_daily` and
`backup.keep_weekly` (how many daily and weekly backups rotation keeps; see data/backup.py), `backup.restored_at`,
`ui.lock_minutes` (idle minutes before the app locks itself), `lock.pin` (salted scrypt hash of the lock-screen PIN
of an unencrypted database; see data/crypto.py).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.models import AppSetting, utcnow
from cpss_tui.data.setting_values import (
    AGENCY_PREFIX,
    BACKUP_KEEP_DAILY,
    BACKUP_KEEP_WEEKLY,
    BACKUP_RESTORED_AT,
    LOCK_MINUTES,
    LOCK_MINUTES_DEFAULT,
    LOCK_PIN,
    PROFILE_PREFIX,
    agency_settings_from,
    decode,
    lock_minutes,
    profiles_from,
)
from cpss_tui.rules.profiles import AgencySettings, PayerProfile

# The keys and decoders live in data/setting_values.py (no SQLAlchemy); callers keep reading them here.
__all__ = [
    "AGENCY_PREFIX",
    "BACKUP_KEEP_DAILY",
    "BACKUP_KEEP_WEEKLY",
    "BACKUP_RESTORED_AT",
    "LOCK_MINUTES",
    "LOCK_MINUTES_DEFAULT",
    "LOCK_PIN",
    "PROFILE_PREFIX",
    "agency_settings_from",
    "decode",
    "get",
    "get_all",
    "load_agency_settings",
    "load_profiles",
    "lock_minutes",
    "profiles_from",
    "put",
    "read_all",
]


def get_all(engine: Engine) -> dict[str, Any]:
    """Every setting, decoded."""
    with read_session(engine) as session:
        return read_all(session)


def read_all(session: Session) -> dict[str, Any]:
    """Every setting, decoded, read inside the caller's unit of work (a write checks what it saves)."""
    return decode((key, value) for key, value in session.execute(select(AppSetting.key, AppSetting.value)))


def get(engine: Engine, key: str, default: Any = None) -> Any:
    """One setting, decoded, or `default`."""
    with read_session(engine) as session:
        row = session.get(AppSetting, key)
        return default if row is None else json.loads(row.value)


def put(engine: Engine, key: str, value: Any, actor: str | None = None) -> None:
    """Store one setting (JSON-encoded)."""
    encoded = json.dumps(value, sort_keys=True)
    with write_session(engine, actor) as session:
        row = session.get(AppSetting, key)
        if row is None:
            session.add(AppSetting(key=key, value=encoded))
        elif row.value != encoded:
            row.value = encoded
            row.updated_at = utcnow()


def load_agency_settings(engine: Engine) -> AgencySettings:
    """The agency settings in force (W-1 week start, time zone, C-3 minimum attempts, ...)."""
    return agency_settings_from(get_all(engine))


def load_profiles(engine: Engine) -> dict[str, PayerProfile]:
    """The payer profiles in force, keyed by payer name."""
    return profiles_from(get_all(engine))
