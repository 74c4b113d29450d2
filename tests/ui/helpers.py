"""Small helpers for driving the app with Textual's Pilot."""

from __future__ import annotations

from textual.pilot import Pilot


async def settle(pilot: Pilot) -> None:  # type: ignore[type-arg]
    """Let pending messages and thread workers finish, twice (a worker's result posts more messages)."""
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:  # type: ignore[type-arg]
    """Type `text` key by key into the focused widget."""
    keys = ["space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)
