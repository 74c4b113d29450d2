"""Snapshots of the unit-use charts and the contact calendar on the demo agency at a fixed `--as-of`, at 80x24
(issue 6, items 2 and 3). Same conventions as test_snapshots.py: regenerate after an intended change with
`pytest tests/ui/test_chart_snapshots.py --snapshot-update` and look at the SVGs before committing them.
"""

from __future__ import annotations

from sqlalchemy import Engine

from cpss_tui.ui.app import create_app
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle


def _member_then(*keys: str):  # type: ignore[no-untyped-def]
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("enter")  # the first member of the caseload
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


def test_contact_calendar(snap_compare, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        create_app(demo_engine, as_of=AS_OF), terminal_size=(80, 24), run_before=_member_then("c")
    )


def test_unit_use_authorization(snap_compare, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        create_app(demo_engine, as_of=AS_OF), terminal_size=(80, 24), run_before=_member_then("g")
    )


def test_unit_use_weeks(snap_compare, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        create_app(demo_engine, as_of=AS_OF), terminal_size=(80, 24), run_before=_member_then("g", "w")
    )


def test_specialist_units(snap_compare, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.app.screen.run_action("my_units")  # "My units per week" in the home screen's palette
        await settle(pilot)

    assert snap_compare(create_app(demo_engine, as_of=AS_OF), terminal_size=(80, 24), run_before=run)
