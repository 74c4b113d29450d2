"""Every rule id of spec/rules.md is named by the code of cpss_tui/rules and by a test under tests/rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RULES_MD = ROOT.parent / "shared" / "spec" / "rules.md"

# The ids of rules.md, kept here too so the check runs where the shared spec is not checked out.
KNOWN_IDS = (
    ["W-1", "W-2"] + [f"C-{i}" for i in range(1, 5)] + [f"V-{i}" for i in range(1, 6)]
    + [f"U-{i}" for i in range(1, 10)] + [f"S-{i}" for i in range(1, 6)] + [f"P-{i}" for i in range(1, 6)]
    + [f"N-{i}" for i in range(1, 8)] + [f"M-{i}" for i in range(1, 5)] + ["Q-1", "Q-2"]
)  # fmt: skip


def _test_ids() -> set[str]:
    """Ids named in test names and docstrings (test_u7_... names U-7), not by the range notation."""
    ids: set[str] = set()
    for path in HERE.glob("test_*.py"):
        if path.name == Path(__file__).name:
            continue
        text = path.read_text()
        for name in re.findall(r"def (test_\w+)", text):
            ids |= {f"{m[0].upper()}-{m[1]}" for m in re.findall(r"(?<=_)([wcvuspnmq])(\d)(?=_)", name + "_")}
        ids |= set(f"{a}-{b}" for a, b in re.findall(r"\b([A-Z])-(\d)\b", text))
    return ids


def test_rule_ids_match_rules_md() -> None:
    if not RULES_MD.exists():
        pytest.skip("shared/spec/rules.md is not next to this checkout")
    ids = set(re.findall(r"\*\*([A-Z]-\d)\*\*", RULES_MD.read_text()))
    assert ids == set(KNOWN_IDS)


def test_every_rule_id_named_in_code() -> None:
    code = "\n".join(p.read_text() for p in (ROOT / "cpss_tui" / "rules").glob("*.py"))
    named = set(re.findall(r"\b([A-Z]-\d)\b", code))
    assert set(KNOWN_IDS) - named == set()


def test_every_rule_id_named_by_a_test() -> None:
    assert set(KNOWN_IDS) - _test_ids() == set()
