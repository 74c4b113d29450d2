"""Printing the service record from the member record (issue 6, item 5): key p or the palette opens the dialog,
prefilled in the user's Documents folder; ctrl+s writes the PDF (private to the user) and the dialog says what
was written; a path that cannot be written is refused under the field, in words, and nothing is written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from textual.widgets import Input, Static

from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.member import MemberScreen
from cpss_tui.ui.screens.print_dialog import PrintDialog
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of our own, with a Documents folder, so the default path is known and nothing leaks."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    return home


def _text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


async def test_p_prints_the_record_to_a_private_pdf(demo_engine: Engine, home: Path) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        member = app.screen
        assert isinstance(member, MemberScreen) and member.record is not None
        name, medicaid_id = member.record.name, member.record.medicaid_id

        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PrintDialog)
        path = Path(dialog.query_one("#path", Input).value)
        assert path.parent == home / "Documents" and path.suffix == ".pdf"
        assert AS_OF.isoformat() in path.name

        await pilot.press("ctrl+s")  # accept the proposed file
        await settle(pilot)
        assert app.screen is dialog and dialog.written == path
        assert path.read_bytes().startswith(b"%PDF-")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        pages = PdfReader(path).pages
        said = _text(dialog, "#print-result")
        assert f"Service record of {name} written to {path} ({len(pages)} pages" in said
        assert all(name in page.extract_text() and medicaid_id in page.extract_text() for page in pages)

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is member


async def test_an_unwritable_path_is_refused_in_words(demo_engine: Engine, home: Path) -> None:
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PrintDialog)
        missing = home / "no-such-folder" / "record.pdf"
        dialog.query_one("#path", Input).value = str(missing)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"path: the folder {missing.parent} does not exist." in _text(dialog, "#path-error")
        assert not missing.parent.exists()

        existing = home / "Documents" / "taken.pdf"
        existing.write_bytes(b"keep")
        dialog.query_one("#path", Input).value = str(existing)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "taken.pdf exists; press ctrl+s again to replace it." in _text(dialog, "#path-error")
        assert existing.read_bytes() == b"keep"
        await pilot.press("ctrl+s")  # the second time replaces it
        await settle(pilot)
        assert existing.read_bytes().startswith(b"%PDF-")
        assert stat.S_IMODE(os.stat(existing).st_mode) == 0o600


async def test_palette_offers_print_service_record(demo_engine: Engine, home: Path) -> None:
    from cpss_tui.ui.commands import CpssCommands

    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        commands = {name: callback for name, _help, callback in CpssCommands(app.screen)._commands()}
        app.call_later(commands["Print service record"])
        await settle(pilot)
        assert isinstance(app.screen, PrintDialog)
