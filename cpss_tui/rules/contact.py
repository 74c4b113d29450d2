"""Weekly contact (C-1..C-4), from NC 8G, Program Requirements: "PSS staff shall meet with each individual on
his or her caseload at least weekly; otherwise all reasonable attempts by the Peer Support Specialist to
contact the individual must be clearly documented in the service record."

Why counts instead of records: the dashboards evaluate hundreds of members; the data layer counts direct
contacts, attempts and distinct attempt days per week with index-only queries and hands the numbers here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Final, Literal

from cpss_tui.rules.weeks import local_date

WeeklyStatus = Literal["met", "attempted", "pending", "missed"]

# C-1: contact types with the member present. `collateral` is not a direct contact.
DIRECT_CONTACT_TYPES: Final = ("face-to-face", "telehealth", "audio-only", "group")

# C-3 order used by the "adding a contact never makes it worse" property and by sorting.
STATUS_RANK: Final[dict[str, int]] = {"missed": 0, "pending": 1, "attempted": 2, "met": 3}

ATTENTION_DAYS: Final = 7  # C-4: last direct contact 7 or more days before as_of


def is_direct_contact(contact_type: str) -> bool:
    """C-1: face-to-face, telehealth (audio-video), audio-only and group notes are direct; collateral is
    not."""
    return contact_type in DIRECT_CONTACT_TYPES


def count_attempts(
    attempt_times: Iterable[str | datetime], tz: str, week_start_date: date, week_end_date: date
) -> tuple[int, int]:
    """C-2/C-3 with W-1: (attempts, distinct local days with an attempt) dated inside the week.

    Each attempt's instant is turned into the agency-local date first, so an attempt at 23:50 on Sunday stays
    in its week across a DST change.
    """
    days = [local_date(t, tz) for t in attempt_times]
    inside = [d for d in days if week_start_date <= d <= week_end_date]
    return len(inside), len(set(inside))


def weekly_status(
    *,
    active: bool = True,
    direct_contacts: int,
    attempt_days: int,
    attempts: int,
    min_attempts: int = 2,
    week_end: date,
    as_of: date,
) -> WeeklyStatus | None:
    """C-3: a week's contact status as of `as_of`; None when the member was not active in the week (W-2).

    - `met`: at least one direct contact (C-1) dated in the week;
    - `attempted`: none, but at least `min_attempts` documented attempts (C-2) on at least two different days;
    - `pending`: neither, and the week is not over (`as_of` on or before `week_end`);
    - `missed`: neither, and the week is over.

    Keyword-only: three small integers side by side are too easy to swap. Attempts all on one day are never
    `attempted`, whatever `min_attempts` says (so `min_attempts` 1 behaves as 2).
    """
    if not active:
        return None
    if direct_contacts >= 1:
        return "met"
    if attempts >= min_attempts and attempt_days >= 2:
        return "attempted"
    return "pending" if as_of <= week_end else "missed"


def needs_attention(
    current_status: str | None,
    last_direct_contact: date | None,
    as_of: date,
    previous_status: str | None,
) -> bool:
    """C-4: the current week is `pending` and the last direct contact is 7 or more days before `as_of` (or
    there is none), or the previous week is `missed`."""
    if previous_status == "missed":
        return True
    if current_status != "pending":
        return False
    return last_direct_contact is None or (as_of - last_direct_contact).days >= ATTENTION_DAYS
