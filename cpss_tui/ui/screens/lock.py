"""Auto-lock (issue 7, item 6; HIPAA §164.312 automatic logoff): an opaque screen over everything until the
passphrase (encrypted database) or the PIN (unencrypted) is typed.

Why it looks like this:
- It is a ModalScreen pushed on top of whatever is open, so the screen underneath (a half-typed note, with its
  draft autosave) stays mounted and is found exactly as it was; the lock only hides it. The CSS makes the
  lock fully opaque (a ModalScreen is translucent by default), and the app refuses its own bindings (help,
  command palette, theme, switch user) while locked, so nothing can be opened over or under it.
- An encrypted database is unlocked by the passphrase: it is derived with the stored salt and compared in
  constant time with the key in memory (no database read). An unencrypted database is unlocked by the PIN,
  whose salted scrypt hash is in `app_setting` (`lock.pin`). Without a PIN set (a demo) the screen says so
  and Enter unlocks: there is nothing to check against.
- The check runs in a thread worker: scrypt takes about 0.15 s, which would freeze typing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cpss_tui.ui.app import CpssApp

NO_PIN = "none"
PIN = "pin"
PASSPHRASE = "passphrase"


def lock_kind(engine: Engine) -> str:
    """What unlocks this database: its passphrase, the PIN, or nothing (no PIN set yet)."""
    from cpss_tui.data import settings, sqlite

    if sqlite.engine_key(engine) is not None:
        return PASSPHRASE
    return PIN if settings.get(engine, settings.LOCK_PIN) else NO_PIN


def unlocks(engine: Engine, secret: str) -> bool:
    """True when `secret` is the database's passphrase, or the PIN of an unencrypted one."""
    from cpss_tui.data import crypto, settings, sqlite

    key = sqlite.engine_key(engine)
    if key is not None:
        path = sqlite.engine_path(engine)
        assert path is not None
        return crypto.passphrase_matches(secret, crypto.read_key_file(path), key)
    record = settings.get(engine, settings.LOCK_PIN)
    return record is None or crypto.pin_matches(secret, record)


class LockScreen(ModalScreen[None]):
    """Covers the app until unlocked; dismissed only by a correct passphrase or PIN."""

    DEFAULT_CSS = """
    LockScreen { background: $background 100%; align: center middle; }
    LockScreen #lock-box { width: 60; height: auto; border: round $primary; padding: 1 2; }
    LockScreen #lock-error { color: $error; }
    """
    AUTO_FOCUS = "#lock-secret"

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        what = {PASSPHRASE: "the database passphrase", PIN: "your PIN"}.get(self.kind)
        with Vertical(id="lock-box"):
            yield Static("[b]cpss-tui is locked[/b]", classes="screen-title")
            if what is None:
                yield Static(
                    "Locked after being left idle. No PIN is set for this database, so Enter unlocks.\n"
                    "Set a PIN from the command palette (ctrl+p, 'Set lock PIN').",
                    id="lock-help",
                )
            else:
                yield Static(f"Locked after being left idle. Type {what} and press Enter.", id="lock-help")
            yield Input(id="lock-secret", password=True, placeholder=what or "")
            yield Static("", id="lock-error")

    @on(Input.Submitted, "#lock-secret")
    def _submitted(self, event: Input.Submitted) -> None:
        field = self.query_one("#lock-secret", Input)
        field.disabled = True
        self._check(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="unlock")
    def _check(self, secret: str) -> None:
        ok = unlocks(cast("CpssApp", self.app).engine, secret)
        self.app.call_from_thread(self._checked, ok)

    def _checked(self, ok: bool) -> None:
        if ok:
            self.dismiss(None)
            return
        field = self.query_one("#lock-secret", Input)
        field.value = ""
        field.disabled = False
        field.focus()
        what = "passphrase" if self.kind == PASSPHRASE else "PIN"
        self.query_one("#lock-error", Static).update(f"Wrong {what}. Try again.")


class SetPinDialog(ModalScreen[bool]):
    """Choose the lock-screen PIN of an unencrypted database (typed twice, at least 4 characters)."""

    DEFAULT_CSS = """
    SetPinDialog { align: center middle; }
    SetPinDialog #pin-box { width: 60; height: auto; border: round $primary; padding: 1 2; }
    SetPinDialog #pin-error { color: $error; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box"):
            yield Static("[b]Lock PIN[/b]  (asked when the app locks itself after being idle)")
            yield Input(id="pin", password=True, placeholder="PIN (at least 4 characters)")
            yield Input(id="pin-again", password=True, placeholder="the same PIN again")
            yield Static("", id="pin-error")

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        from cpss_tui.data import crypto, settings

        pin = self.query_one("#pin", Input).value
        if event.input.id == "pin":
            self.query_one("#pin-again", Input).focus()
            return
        error = self.query_one("#pin-error", Static)
        if len(pin) < crypto.MIN_PIN:
            error.update(f"PIN: at least {crypto.MIN_PIN} characters.")
            return
        if self.query_one("#pin-again", Input).value != pin:
            error.update("PIN: the two entries differ.")
            return
        app = cast("CpssApp", self.app)
        settings.put(
            app.engine, settings.LOCK_PIN, crypto.hash_pin(pin), actor=app.user.id if app.user else None
        )
        self.dismiss(True)


class NewPassphraseDialog(ModalScreen[str | None]):
    """Choose the passphrase that encrypts the database (first run): typed twice, at least 8 characters.

    Dismisses with the passphrase (the caller encrypts and then forgets it), or None when cancelled.
    """

    DEFAULT_CSS = """
    NewPassphraseDialog { align: center middle; }
    NewPassphraseDialog #pass-box { width: 64; height: auto; border: round $primary; padding: 1 2; }
    NewPassphraseDialog #pass-error { color: $error; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="pass-box"):
            yield Static(
                "[b]Encrypt this database[/b]\nThe passphrase is asked at every start and cannot be recovered: "
                "without it the records are lost. Enter moves on; esc cancels."
            )
            yield Input(id="pass", password=True, placeholder="passphrase (at least 8 characters)")
            yield Input(id="pass-again", password=True, placeholder="the same passphrase again")
            yield Static("", id="pass-error")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        from cpss_tui.cli_crypto import MIN_PASSPHRASE

        passphrase = self.query_one("#pass", Input).value
        if event.input.id == "pass":
            self.query_one("#pass-again", Input).focus()
            return
        error = self.query_one("#pass-error", Static)
        if len(passphrase) < MIN_PASSPHRASE:
            error.update(f"Passphrase: at least {MIN_PASSPHRASE} characters.")
            return
        if self.query_one("#pass-again", Input).value != passphrase:
            error.update("Passphrase: the two entries differ.")
            return
        self.dismiss(passphrase)
