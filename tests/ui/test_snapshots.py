"""Snapshot tests of the main screens on the demo agency at a fixed `--as-of` (80x24, the size they must fit).

The note form has no snapshot: its live checks render in two orders between runs (a flake to fix); its
behaviour is covered by the Pilot tests in test_specialist_flow.py.

Regenerate after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update` and look at
the SVGs before committing them.
"""

from __future__ import annotations

from sqlalchemy import Engine

from cpss_tui.ui.app import create_app
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle


async def _ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)


def test_home_screen(snap_compare, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(create_app(demo_engine, as_of=AS_OF), terminal_size=(80, 24), run_before=_ready)


def test_home_screen_wide(snap_compare, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(create_app(demo_engine, as_of=AS_OF), terminal_size=(200, 50), run_before=_ready)


def test_member_record(snap_compare, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    async def open_member(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(create_app(demo_engine, as_of=AS_OF), terminal_size=(80, 24), run_before=open_member)


def test_due_board(snap_compare, supervisor_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    """The supervisor's home: the overdue visit first (issue 5)."""
    assert snap_compare(create_app(supervisor_engine, as_of=AS_OF), terminal_size=(80, 24), run_before=_ready)


def test_staffing_panel(snap_compare, supervisor_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    async def open_staffing(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(
        create_app(supervisor_engine, as_of=AS_OF), terminal_size=(80, 24), run_before=open_staffing
    )


def test_quality_benchmarks(snap_compare, supervisor_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    """Q-1/Q-2 of October, a bar per figure with the target ticked (issue "Reports")."""

    async def open_quality(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("f2", "enter")
        await settle(pilot)

    assert snap_compare(
        create_app(supervisor_engine, as_of=AS_OF), terminal_size=(80, 24), run_before=open_quality
    )
