"""Regenerate the SVG screenshots in screenshots/ from the demo agency at a fixed date (`make screenshots`).

Each screen is driven the way a user would drive it (keys through Textual's Pilot) at 80x24, the size the
app must fit, plus the home screen at 200x50.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import select

from cpss_tui.data.db import read_session
from cpss_tui.data.demo import generate
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import Staff
from cpss_tui.services.demo import start_demo
from cpss_tui.services.staff import set_current_user
from cpss_tui.ui.app import create_app

AS_OF = date(2026, 11, 22)
OUT = Path(__file__).resolve().parent.parent / "screenshots"


async def shoot(db: Path, name: str, keys: list[str], size: tuple[int, int] = (80, 24)) -> Path:
    """Open the app on `db`, press `keys` as a user would, and save the screen as screenshots/<name>.svg."""
    engine = open_database(db).engine
    app = create_app(engine, as_of=AS_OF)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
        path = OUT / f"{name}.svg"
        app.save_screenshot(str(path))
    engine.dispose()
    return path


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.db"
        print(await shoot(empty, "welcome", []))
        db = Path(tmp) / "demo.db"
        engine = open_database(db).engine
        staff_id = start_demo(engine, AS_OF)
        set_current_user(engine, staff_id)
        engine.dispose()
        print(await shoot(db, "home", []))
        print(await shoot(db, "home-wide", [], size=(200, 50)))
        print(await shoot(db, "member-record", ["enter"]))
        print(await shoot(db, "member-plan", ["enter", "right", "right"]))
        print(await shoot(db, "note-form", ["n"]))
        print(await shoot(db, "attempt-form", ["down", "a"]))
        print(await shoot(db, "help", ["f1"]))
        print(await shoot(db, "unit-use", ["enter", "g"]))
        print(await shoot(db, "contact-calendar", ["enter", "c"]))
        supervisor_db = Path(tmp) / "supervisor.db"
        engine = open_database(supervisor_db).engine
        generate(engine, as_of=AS_OF)
        with read_session(engine) as session:
            supervisor = session.scalars(select(Staff.id).where(Staff.role == "supervisor")).one()
        set_current_user(engine, supervisor)
        engine.dispose()
        print(await shoot(supervisor_db, "due-board", []))
        print(await shoot(supervisor_db, "staffing", ["f"]))
        print(await shoot(supervisor_db, "review-queue", ["w"]))
        print(await shoot(supervisor_db, "reports", ["f2"]))
        print(await shoot(supervisor_db, "quality", ["f2", "enter"]))
        print(await shoot(supervisor_db, "billing-export", ["f2", "down", "enter"], size=(80, 30)))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
