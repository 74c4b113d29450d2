"""The one exception a service raises when a rule or a missing field refuses a write."""

from __future__ import annotations

from cpss_tui.rules.problems import Problem


class RecordRefused(Exception):
    """A write refused; every `Problem` names its field and rule, and nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems
