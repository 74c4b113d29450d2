"""The base of the screens start-up can show before the database is open: a specialist's home screen and a
supervisor's due board.

Why: the quick read of start-up (data/start_read.py) puts the first screen's rows up while the data layer is
still loading (well under a second). Searching and filtering those rows work at once; a key that needs the
database (open a record, write a note, record a visit …) is remembered, said in words, and run by
`CpssApp._begin` through `run_pending` once the file is open, instead of failing or being lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class FirstScreen(Screen[None]):
    """A screen whose actions that need the database wait for it (see the module docstring)."""

    _pending: str | None = None  # the action of a key pressed before the database was open

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def action_refresh(self) -> None:
        """Reload the rows through the data layer (each first screen loads its own)."""
        raise NotImplementedError

    def _ready_for(self, action: str) -> bool:
        """True when the database is open; else remember `action` (the last key wins) and say so."""
        if self.cpss.ready:
            return True
        self._pending = action
        self.notify("Opening the database… this runs in a moment.", timeout=2)
        return False

    def run_pending(self) -> None:
        """The database is open: run the key pressed while it was opening, if any."""
        action, self._pending = self._pending, None
        if action is not None:
            getattr(self, f"action_{action}")()
