"""How many bad inputs the safety tests tried, for the issue's "N inputs tried, 0 tracebacks, 0 partial writes".

Every fuzz test calls `tried(area, outcome)` once per input it fed; `conftest.py` prints the totals at the end of
the run (and writes them as JSON to `$CPSS_FUZZ_REPORT` when set). A traceback or a partial write fails the test
that met it, so a green run with these totals is the claim. `examples(n)` is hypothesis' example count: `n` by
default (the suite stays fast), `$CPSS_FUZZ_EXAMPLES` for a long run.
"""

from __future__ import annotations

import os
from collections import Counter

COUNTS: Counter[tuple[str, str]] = Counter()


def tried(area: str, outcome: str) -> None:
    """One input fed to `area` ended as `outcome` (e.g. "refused", "saved", "exit 2")."""
    COUNTS[(area, outcome)] += 1


def examples(default: int) -> int:
    """Hypothesis examples per test: `default`, or `$CPSS_FUZZ_EXAMPLES` (at least the default) for long runs."""
    return max(default, int(os.environ.get("CPSS_FUZZ_EXAMPLES", "0") or 0))


def summary() -> list[str]:
    """Lines for the terminal: total, then per area with its outcomes."""
    if not COUNTS:
        return []
    areas: dict[str, Counter[str]] = {}
    for (area, outcome), n in sorted(COUNTS.items()):
        areas.setdefault(area, Counter())[outcome] += n
    total = sum(COUNTS.values())
    lines = [f"bad input: {total} inputs tried (failures above, if any, are tracebacks or partial writes)"]
    for area, outcomes in areas.items():
        parts = ", ".join(f"{o} {n}" for o, n in sorted(outcomes.items()))
        lines.append(f"  {area}: {sum(outcomes.values())} ({parts})")
    return lines
