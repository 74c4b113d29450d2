"""Safety tests' shared hooks: the bad-input totals at the end of the run (see fuzz_counter.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.safety.fuzz_counter import COUNTS, summary


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = summary()
    for line in lines:
        terminalreporter.write_line(line)
    target = os.environ.get("CPSS_FUZZ_REPORT")
    if target and lines:
        report = [{"area": a, "outcome": o, "inputs": n} for (a, o), n in sorted(COUNTS.items())]
        Path(target).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
