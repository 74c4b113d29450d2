"""Small helpers for driving the app with Textual's Pilot."""

from __future__ import annotations

from textual.pilot import Pilot

LONG_LIVED_GROUPS = frozenset({"_loader"})


async def settle(pilot: Pilot) -> None:  # type: ignore[type-arg]
    """Let pending messages and thread workers finish, then let idle-time layout (DataTable column widths are
    measured on idle) settle, so snapshots do not depend on timing."""
    for _ in range(2):
        await pilot.pause()
        # Every worker but the long-lived ones: a DirectoryTree's "_loader" waits on its queue for as long as
        # the tree is mounted. (An empty list would mean "every worker" to wait_for_complete, hence the guard.)
        finite = [w for w in pilot.app.workers if w.group not in LONG_LIVED_GROUPS]
        if finite:
            await pilot.app.workers.wait_for_complete(finite)
        await pilot.pause()
    for _ in range(3):
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.05)


async def type_text(pilot: Pilot, text: str) -> None:  # type: ignore[type-arg]
    """Type `text` key by key into the focused widget."""
    keys = ["space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)
