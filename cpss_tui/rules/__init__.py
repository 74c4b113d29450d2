"""The compliance engine: pure functions over dates and numbers, one module per family of rules.

Why pure: every rule of spec/rules.md (W-1, W-2, C-1..C-4, V-1..V-5, U-1..U-9, S-1..S-5, P-1..P-5, N-1..N-7,
M-1..M-4, Q-1, Q-2) must be testable at its boundaries without a database, and must give the same answer to
the dashboards, the note form and `status --json`. No I/O, no database, no UI here: the stdlib and pendulum
only. Policy numbers live in `profiles` as data an agency can override. N-2 (drafts are never lost) and N-3
(signed notes are locked by triggers) are the data layer's; `notes.missing_fields` and
`notes.locked_note_problem` give their verdicts.
"""

from __future__ import annotations

from cpss_tui.rules.contact import (
    DIRECT_CONTACT_TYPES,
    STATUS_RANK,
    count_attempts,
    is_direct_contact,
    needs_attention,
    weekly_status,
)
from cpss_tui.rules.members import (
    age_at,
    age_flag,
    concurrent_service_flag,
    discharge_problems,
    family_member_problem,
)
from cpss_tui.rules.notes import (
    REQUIRED_NOTE_FIELDS,
    audio_only_problems,
    before_service_order,
    locked_note_problem,
    missing_fields,
    modifiers,
    validate_note_dates,
)
from cpss_tui.rules.pcp import (
    GOAL_STATUSES,
    GOAL_TRANSITIONS,
    PcpResult,
    crisis_plan_missing,
    goal_transition_problem,
    is_current_goal,
    note_goal_problems,
    pcp_state,
    review_due,
)
from cpss_tui.rules.problems import Problem
from cpss_tui.rules.profiles import (
    DISCHARGE_REASONS,
    PROFILE_NAMES,
    PROFILES,
    AgencySettings,
    PayerProfile,
    get_profile,
    profile_with_overrides,
    settings_from_mapping,
)
from cpss_tui.rules.quality import Benchmark, face_to_face_share, outside_facility_share
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
from cpss_tui.rules.units import (
    CapInput,
    CapResult,
    allocate_unmanaged,
    apply_caps,
    billable_units,
    fiscal_year_of,
    reauth_due,
    unauthorized_units,
    units_for_minutes,
    validate_authorization,
    week_cap_for,
)
from cpss_tui.rules.visits import (
    counts_as_visit,
    latest_counting_visit,
    next_visit_due,
    supervisor_visit_status,
    visit_state,
)
from cpss_tui.rules.weeks import day_of_service, is_active_in_week, local_date, today_in, week_bounds

__all__ = [
    "DIRECT_CONTACT_TYPES",
    "DISCHARGE_REASONS",
    "GOAL_STATUSES",
    "GOAL_TRANSITIONS",
    "MAX_SPECIALISTS_PER_SUPERVISOR",
    "PROFILES",
    "PROFILE_NAMES",
    "REQUIRED_NOTE_FIELDS",
    "STATUS_RANK",
    "AgencySettings",
    "Benchmark",
    "CapInput",
    "CapResult",
    "PayerProfile",
    "PcpResult",
    "Problem",
    "age_at",
    "age_flag",
    "allocate_unmanaged",
    "apply_caps",
    "audio_only_problems",
    "before_service_order",
    "billable_units",
    "can_add_specialist",
    "can_assign",
    "capacity",
    "concurrent_service_flag",
    "count_attempts",
    "counts_as_visit",
    "crisis_plan_missing",
    "day_of_service",
    "discharge_problems",
    "face_to_face_share",
    "family_member_problem",
    "fiscal_year_of",
    "get_profile",
    "goal_transition_problem",
    "is_active_in_week",
    "is_current_goal",
    "is_direct_contact",
    "latest_counting_visit",
    "local_date",
    "locked_note_problem",
    "missing_fields",
    "modifiers",
    "needs_attention",
    "next_visit_due",
    "note_goal_problems",
    "outside_facility_share",
    "pcp_state",
    "profile_with_overrides",
    "program_ratio",
    "reauth_due",
    "review_due",
    "settings_from_mapping",
    "shared_fte_problem",
    "supervision_state",
    "supervisor_visit_status",
    "today_in",
    "training_flags",
    "unauthorized_units",
    "units_for_minutes",
    "validate_authorization",
    "validate_note_dates",
    "visit_state",
    "week_bounds",
    "week_cap_for",
    "weekly_status",
]
