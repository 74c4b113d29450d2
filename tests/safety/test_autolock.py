"""Auto-lock (issue 7, item 6): left idle, the real app covers the screen and asks for the PIN (unencrypted) or
the passphrase (encrypted) before showing anything again, and the note being typed underneath survives.

The idle interval is injected (`create_app(lock_after=seconds)`) so the tests wait a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from textual.widgets import Input, Static

from cpss_tui.data import crypto, settings
from cpss_tui.data.migrate import open_database
from cpss_tui.services.demo import start_demo
from cpss_tui.services.staff import set_current_user
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.home import HomeScreen
from cpss_tui.ui.screens.lock import LockScreen
from cpss_tui.ui.screens.note_form import NoteForm
from tests.ui.helpers import settle, type_text

AS_OF = date(2026, 11, 22)
PIN = "2468"
PASSPHRASE = "correct horse battery"
IDLE = 0.3  # seconds


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(tmp_path / "demo.db").engine
    set_current_user(engine, start_demo(engine, AS_OF))
    yield engine
    engine.dispose()


async def _wait_for_lock(pilot, app) -> None:  # type: ignore[no-untyped-def]
    for _ in range(40):
        await pilot.pause(0.05)
        if isinstance(app.screen, LockScreen):
            break
    assert isinstance(app.screen, LockScreen), "the app did not lock itself when idle"
    app.lock_after = 3600  # no second lock while the test types the PIN slowly
    await settle(pilot)


def _screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """Everything on the terminal right now, as text (the SVG screenshot holds every visible character)."""
    import html

    return html.unescape(app.export_screenshot()).replace("\u00a0", " ")


async def test_idle_app_locks_hides_the_note_and_keeps_the_draft_pin(demo: Engine) -> None:
    settings.put(demo, settings.LOCK_PIN, crypto.hash_pin(PIN))
    app = create_app(demo, as_of=AS_OF, lock_after=IDLE)
    async with app.run_test(size=(80, 24)) as pilot:
        app.lock_after = 3600  # the check runs every IDLE / 4 s from start; armed once the form is typed
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        member = home.shown[0]
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        await pilot.press("tab")
        await type_text(pilot, "07:45")
        await pilot.press("tab")
        await type_text(pilot, "35")
        assert member.name in _screen_text(app)  # the note form names its member while unlocked
        app.lock_after = IDLE
        await _wait_for_lock(pilot, app)

        shown = _screen_text(app)
        assert "locked" in shown and "PIN" in shown
        assert member.name not in shown and "07:45" not in shown
        for other in home.shown:
            assert other.name not in shown

        # While locked the app's own keys open nothing over or under the lock.
        await pilot.press("f1")
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)

        await type_text(pilot, "1111")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert "Wrong PIN" in str(app.screen.query_one("#lock-error", Static).render())
        assert app.screen.query_one("#lock-secret", Input).value == ""

        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form  # the same form, never unmounted
        assert form.query_one("#start_time", Input).value == "07:45"
        assert form.query_one("#minutes", Input).value == "35"
        assert not app.locked


async def test_encrypted_database_unlocks_with_its_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "enc.db"
    params = crypto.KdfParams.new()
    crypto.write_key_file(path, params)
    engine = open_database(path, key=crypto.derive_key(PASSPHRASE, params)).engine
    try:
        set_current_user(engine, start_demo(engine, AS_OF))
        app = create_app(engine, as_of=AS_OF, lock_after=IDLE)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await _wait_for_lock(pilot, app)
            assert "passphrase" in _screen_text(app)
            await type_text(pilot, "not it at all")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, LockScreen)
            assert "Wrong passphrase" in str(app.screen.query_one("#lock-error", Static).render())
            await type_text(pilot, PASSPHRASE)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
    finally:
        engine.dispose()


async def test_typing_keeps_the_app_unlocked(demo: Engine) -> None:
    """Keys every 0.1 s for three idle intervals: the lock never comes (it would after one without them)."""
    import time

    idle = 0.8
    app = create_app(demo, as_of=AS_OF, lock_after=idle)
    async with app.run_test(size=(80, 24)) as pilot:
        app.lock_after = 3600
        await settle(pilot)
        app.lock_after = idle
        began = time.monotonic()
        while time.monotonic() - began < 3 * idle:
            await pilot.press("down")
            await pilot.pause(0.1)
            assert not isinstance(app.screen, LockScreen)
        await _wait_for_lock(pilot, app)  # and once the keys stop, it does lock


async def test_lock_minutes_setting_is_read_at_start(demo: Engine) -> None:
    settings.put(demo, settings.LOCK_MINUTES, 2)
    app = create_app(demo, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.lock_after == 120
    settings.put(demo, settings.LOCK_MINUTES, "soon")  # a bad value means the default, 10 minutes
    app = create_app(demo, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.lock_after == 600


async def test_set_pin_dialog_stores_a_hash_never_the_pin(demo: Engine) -> None:
    app = create_app(demo, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_set_pin()
        await settle(pilot)
        await type_text(pilot, "97531")
        await pilot.press("enter")
        await type_text(pilot, "97530")
        await pilot.press("enter")
        await settle(pilot)
        assert "differ" in str(app.screen.query_one("#pin-error", Static).render())
        app.screen.query_one("#pin-again", Input).value = "97531"
        app.screen.query_one("#pin-again", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
    record = settings.get(demo, settings.LOCK_PIN)
    assert "97531" not in str(record)
    assert crypto.pin_matches("97531", record) and not crypto.pin_matches("97530", record)


async def test_first_run_profile_asks_for_the_lock_pin(tmp_path: Path) -> None:
    from cpss_tui.ui.screens.lock import SetPinDialog
    from cpss_tui.ui.screens.profile import ProfileForm

    engine = open_database(tmp_path / "new.db").engine
    try:
        app = create_app(engine, as_of=AS_OF, lock_after=3600)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("p")
            await settle(pilot)
            assert isinstance(app.screen, ProfileForm)
            app.screen.query_one("#name", Input).value = "Pat Example"
            app.screen.query_one("#credentials", Input).value = "NC CPSS"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, SetPinDialog)
            await type_text(pilot, "8642")
            await pilot.press("enter")
            await type_text(pilot, "8642")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        assert crypto.pin_matches("8642", settings.get(engine, settings.LOCK_PIN))
    finally:
        engine.dispose()
