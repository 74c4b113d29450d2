"""The one shape every rule finding takes: which rule, which field, and words a person can act on.

Why one shared type: the forms, the CLI (exit 2, one problem per line naming the record and field) and the
status flags all print rule findings, and they must never disagree about which rule (W-1 … Q-2) refused what.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Short names the `status` document uses in `flags` (spec/interface.md), by rule id. Rules not listed here
# fall
# back to the field name with dashes (M-3: "discharge-reason", "continuing-care-plan").
FLAG_NAMES: Final[dict[str, str]] = {
    "U-3": "over-cap",
    "U-4": "over-cap",
    "U-9": "over-cap",
    "U-6": "unauthorized",
    "U-8": "reauth-due",
    "M-1": "age",
    "M-2": "concurrent-service",
    "M-4": "family-member",
    "N-7": "before-service-order",
    "S-4": "supervision-missing",
}


@dataclass(frozen=True)
class Problem:
    """A refusal or a flag raised by a rule (any id W-1 … Q-2): `rule` id, the `field` it concerns, a
    message."""

    rule: str
    field: str
    message: str

    @property
    def rule_flag(self) -> str:
        """The short flag name for `status --json` `flags` (U-9 over-cap, M-1 age, N-7 before-service-order
        …)."""
        return FLAG_NAMES.get(self.rule, self.field.replace("_", "-"))

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"
