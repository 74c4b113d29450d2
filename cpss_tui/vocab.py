"""Controlled vocabularies of the bundle format (spec/interface.md).

One place for every closed list of words the records use, so the database CHECK constraints, the bundle
validator, the rules and the forms can never disagree. Pure data: no imports beyond the standard library.
"""

from typing import Final

ROLES: Final = ("specialist", "supervisor")
PAYERS: Final = ("nc-medicaid", "nc-state", "nc-wellcare", "la-lhcc", "ct-waiver")
CONTACT_TYPES: Final = ("face-to-face", "telehealth", "audio-only", "group", "collateral")
PLACES: Final = ("home", "community", "agency-office", "remote", "other")
ATTEMPT_METHODS: Final = ("phone", "text", "home-visit", "letter", "email", "collateral")
ATTEMPT_OUTCOMES: Final = (
    "no-answer",
    "left-message",
    "wrong-number",
    "not-home",
    "declined",
    "rescheduled",
    "other",
)
GOAL_STATUSES: Final = ("active", "achieved", "revised", "discontinued")
CONSENT_KINDS: Final = ("verbal", "written")
CONSENT_NOT_OBTAINED_PREFIX: Final = "not-obtained:"
WEEK_STARTS: Final = ("monday", "sunday")
# M-2: services that may not run concurrently with peer support (NC 8G, Service Exclusions), plus the
# Connecticut ACT/CSP services that allow a 30-day transition (CT waiver).
CONCURRENT_SERVICES: Final = ("actt", "cst", "psr", "act", "csp")
AUDIT_ACTIONS: Final = ("insert", "update", "delete")
# M-3: the discharge criteria of NC 8G ("Discharge Criteria", A-E) as short codes the forms offer.
DISCHARGE_REASONS: Final = (
    "goals-met",  # A. functioning improved with respect to the PCP goals
    "natural-supports",  # B. network of natural supports, no longer requires PSS
    "needs-more-intensive",  # C. not progressing, requires more intensive services
    "declined",  # D. individual or legally responsible person no longer wishes PSS
    "other-modality",  # E. requires a more appropriate best-practice modality
)
