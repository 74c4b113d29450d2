"""Small helpers for driving the app with Textual's Pilot."""

from __future__ import annotations

from textual.pilot import Pilot


async def settle(pilot: Pilot) -> None:  # type: ignore[type-arg]
    """Let pending messages and thread workers finish, then let idle-time layout (DataTable column widths are
    measured on idle) settle, so snapshots do not depend on timing."""
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for _ in range(3):
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.05)


async def type_text(pilot: Pilot, text: str) -> None:  # type: ignore[type-arg]
    """Type `text` key by key into the focused widget."""
    keys = ["space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)
