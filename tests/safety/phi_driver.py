"""Child process of test_phi.py: the real command-line app in a pseudo-terminal, with the home screen failing
on mount by an error whose message and local variables hold member data (argv: DB NAME MEDICAID DOB NOTE)."""

from __future__ import annotations

import sys

from cpss_tui import cli
from cpss_tui.ui.screens.home import HomeScreen


def main() -> None:
    db, name, medicaid_id, birth_date, note_text = sys.argv[1:6]

    def on_mount(self: HomeScreen) -> None:
        member_name, member_medicaid_id, member_birth_date, typed = name, medicaid_id, birth_date, note_text
        raise ValueError(f"{member_name} {member_medicaid_id} {member_birth_date} {typed}")

    HomeScreen.on_mount = on_mount  # type: ignore[method-assign]
    cli.main(["--db", db, "--as-of", "2026-11-22"])


if __name__ == "__main__":
    main()
