"""First run: set up my profile, or explore a demo caseload (issue "Specialist workflow", item 1).

It is also where encryption at rest is offered (issue 7, item 5): an unencrypted database gets one notice that
the disk must then be encrypted by the operating system, and a button that encrypts it right away (the file is
still empty, so this takes a second). A profile set up on an unencrypted database is then asked for the lock
PIN (item 6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cpss_tui.ui.app import CpssApp

WELCOME_TEXT = """\
[b]Welcome to cpss-tui[/b]

It keeps your caseload, service notes and contact attempts on this computer, works offline, and tells you at a
glance who still needs a contact this week and what is due.

This database is empty. Set up your own profile, or explore a demo agency with made-up members first.
"""

PLAIN_NOTICE = (
    "[b]Not encrypted.[/b] These are health records: encrypt this database (e), or make sure the disk is "
    "encrypted by the operating system (FileVault, BitLocker, LUKS)."
)
ENCRYPTED_NOTICE = "Encrypted: the passphrase is asked at every start and when the app locks itself."


class Welcome(Screen[None]):
    """The screen of an empty database."""

    BINDINGS = [
        Binding("p", "profile", "Set up my profile", id="profile"),
        Binding("d", "demo", "Explore a demo", id="demo"),
        Binding("e", "encrypt", "Encrypt", id="encrypt"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome-box"):
            yield Static(WELCOME_TEXT)
            yield Static(ENCRYPTED_NOTICE if self._encrypted() else PLAIN_NOTICE, id="welcome-crypto")
            yield Button("Set up my profile  (p)", id="profile", variant="primary", compact=True)
            yield Button("Explore a demo caseload  (d)", id="demo", compact=True)
            yield Button("Encrypt this database  (e)", id="encrypt", compact=True, disabled=self._encrypted())
            yield Static("", id="welcome-status", classes="muted")
        yield Footer(compact=True)

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    @on(Button.Pressed, "#profile")
    def action_profile(self) -> None:
        from cpss_tui.ui.screens.profile import ProfileForm

        self.app.push_screen(ProfileForm(), self._profile_done)

    def _profile_done(self, staff_id: str | None) -> None:
        if not staff_id:
            return
        if self._encrypted():
            self.cpss.sign_in(staff_id)
            return
        from cpss_tui.ui.screens.lock import SetPinDialog

        # Unencrypted: the lock screen asks for a PIN; choose it now (esc skips, the palette sets it later).
        self.app.push_screen(SetPinDialog(), lambda _set: self.cpss.sign_in(staff_id))

    def _encrypted(self) -> bool:
        from cpss_tui.data import sqlite

        return sqlite.engine_key(self.cpss.engine) is not None

    @on(Button.Pressed, "#encrypt")
    def action_encrypt(self) -> None:
        if self._encrypted():
            return
        from cpss_tui.ui.screens.lock import NewPassphraseDialog

        def chosen(passphrase: str | None) -> None:
            if passphrase:
                self.query_one("#welcome-status", Static).update("Encrypting…")
                self._encrypt(passphrase)

        self.app.push_screen(NewPassphraseDialog(), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="encrypt")
    def _encrypt(self, passphrase: str) -> None:
        from cpss_tui.cli_crypto import encrypt_file
        from cpss_tui.data import crypto, sqlite
        from cpss_tui.data.migrate import open_database

        path = sqlite.engine_path(self.cpss.engine)
        assert path is not None
        self.cpss.engine.dispose()  # the file is swapped: no connection of ours may stay open on it
        try:
            encrypt_file(path, passphrase)
            key = crypto.derive_key(passphrase, crypto.read_key_file(path))
            engine = open_database(path, key=key, auto_backup=False).engine
        except Exception as exc:  # BadInput / DatabaseError carry one line each; never record contents here
            lines = getattr(exc, "problems", None) or [str(exc) or exc.__class__.__name__]
            self.app.call_from_thread(self._encrypt_done, None, "Not encrypted: " + "; ".join(lines))
            return
        self.app.call_from_thread(self._encrypt_done, engine, f"Keep {crypto.key_file_for(path).name} beside it.")

    def _encrypt_done(self, engine: Engine | None, message: str) -> None:
        if engine is not None:
            self.cpss.use_engine(engine)
            self.query_one("#welcome-crypto", Static).update(ENCRYPTED_NOTICE)
            self.query_one("#encrypt", Button).disabled = True
        self.query_one("#welcome-status", Static).update(message)

    @on(Button.Pressed, "#demo")
    def action_demo(self) -> None:
        self.query_one("#welcome-status", Static).update("Writing the demo agency…")
        self.query_one("#demo", Button).disabled = True
        self._build_demo()

    @work(thread=True, exclusive=True, exit_on_error=False, group="demo")
    def _build_demo(self) -> None:
        from cpss_tui.services.demo import start_demo

        staff_id = start_demo(self.cpss.engine, self.cpss.as_of)
        self.app.call_from_thread(self.cpss.sign_in, staff_id)
