"""A draft survives a kill of the app (issue 7): the real `cpss-tui` in a pseudo-terminal, SIGKILLed while a
note is being written, loses nothing the autosave had written.

The test drives the app by keystrokes, as a person would: on a database built by `cpss-tui demo`, it signs in
as a specialist, opens the first member of the caseload, starts a note (`n`), types a distinctive purpose and
waits for the autosave by polling the database through the services (the form writes a draft
`AUTOSAVE_SECONDS` after the last keystroke: the test measures that delay rather than sleeping). Then SIGKILL
to the whole process group, no warning. The file must pass `integrity_check`, the draft must be found by
`records.find_draft`, and a restarted app must list it on the member's record and reopen it with the text.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from cpss_tui import cli
from cpss_tui.data.db import make_engine, read_session
from cpss_tui.data.models import Member
from cpss_tui.services import records
from cpss_tui.services.staff import current_user
from cpss_tui.ui.screens.note_form import AUTOSAVE_SECONDS

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

AS_OF = "2026-11-22"
MARKER = "ZEBRA-QUOKKA-4711 rent plan"
ROOT = Path(__file__).resolve().parents[2]
# CSI, OSC, DCS/PM/APC and two-byte escapes: what is left is the text the terminal shows, line segments joined.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_].*?\x1b\\|\x1b[@-Z\\-_]")
KEY = {"down": b"\x1b[B", "enter": b"\r", "tab": b"\t", "ctrl+q": b"\x11"}


class Terminal:
    """`cpss-tui --db DB --as-of AS_OF` on a 100x30 pseudo-terminal; a thread keeps reading what it draws."""

    def __init__(self, db: Path, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cpss_tui", "--db", str(db), "--as-of", AS_OF],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,  # its own process group: the kill reaches every thread and child
        )
        os.close(slave)
        self.master = master
        self._raw = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.2)
                if not ready:
                    if self.proc.poll() is not None:
                        return
                    continue
                data = os.read(self.master, 65536)
            except OSError:  # the other side closed (the app exited or was killed)
                return
            if not data:
                return
            with self._lock:
                self._raw += data

    def text(self) -> str:
        with self._lock:
            raw = bytes(self._raw)
        return _ESCAPES.sub(b"", raw).decode("utf-8", "replace")

    def mark(self) -> int:
        """A position in the text: `wait_for(..., since=mark)` looks only at what was drawn after it."""
        return len(self.text())

    def wait_for(self, words: str, since: int = 0, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if words in self.text()[since:]:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{words!r} never appeared; the screen ended with: {self.text()[-1500:]!r}")

    def press(self, *keys: str, pause: float = 0.15) -> None:
        """Keys with a person's pauses between them: Textual routes a key to the widget focused when the key is
        read, so a burst of tabs and letters can outrun the focus changes the tabs make."""
        for key in keys:
            os.write(self.master, KEY.get(key, key.encode()))
            time.sleep(pause)

    def type(self, text: str) -> None:
        for ch in text:  # one keystroke at a time, as typed
            os.write(self.master, ch.encode())
            time.sleep(0.03)

    def kill(self) -> int:
        os.killpg(self.proc.pid, signal.SIGKILL)
        return self.proc.wait(timeout=10)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._reader.join(timeout=5)
        os.close(self.master)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "TERM": "xterm-256color"}
    for name in ("TEXTUAL", "CPSS_DB", "CPSS_PASSPHRASE_FD"):
        env.pop(name, None)
    return env


def _drafts_with_marker(db: Path) -> list[records.DraftView]:
    """Every draft of the signed-in user whose purpose is the marker, read through the services."""
    engine = make_engine(db)
    try:
        user = current_user(engine)
        if user is None:
            return []
        return [d for d in records.list_drafts(engine, user.id) if d.fields.get("purpose") == MARKER]
    finally:
        engine.dispose()


def test_a_draft_typed_in_the_real_app_survives_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "agency.db"
    assert cli.run(["--db", str(db), "--as-of", AS_OF, "demo"]) == cli.EXIT_OK
    env = _env(tmp_path)

    app = Terminal(db, env)
    try:
        app.wait_for("Switch user")  # a new demo: nobody is signed in on this machine yet
        at = app.mark()
        app.press("down", "enter")  # the first specialist (the supervisor is listed first)
        app.wait_for("caseload", since=at)
        at = app.mark()
        app.press("enter")  # the first member of the caseload
        app.wait_for("admitted", since=at)
        at = app.mark()
        app.press("n")
        app.wait_for("to fix before signing", since=at)  # the form is mounted, the date field focused
        app.press(*["tab"] * 6)  # date -> start -> minutes -> contact type -> place -> goals -> purpose
        time.sleep(0.5)
        app.type(MARKER)
        typed = time.monotonic()
        assert _drafts_with_marker(db) == [] or AUTOSAVE_SECONDS == 0
        saved_after = None
        while time.monotonic() - typed < 15:
            if _drafts_with_marker(db):
                saved_after = time.monotonic() - typed
                break
            time.sleep(0.05)
        assert saved_after is not None, f"no autosave within 15 s; screen: {app.text()[-800:]!r}"
        # The autosave waits for a pause in typing: never sooner than AUTOSAVE_SECONDS after the last key.
        assert saved_after >= AUTOSAVE_SECONDS * 0.9
        code = app.kill()
        assert code == -signal.SIGKILL
    finally:
        app.close()

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    drafts = _drafts_with_marker(db)
    assert len(drafts) == 1
    draft = drafts[0]
    engine = make_engine(db)
    try:
        user = current_user(engine)
        assert user is not None and user.role == "specialist"
        found = records.find_draft(engine, user.id, draft.member_id)
        assert found is not None and found.id == draft.id and found.fields["purpose"] == MARKER
        with read_session(engine) as session:
            member = session.get(Member, draft.member_id)
            assert member is not None
            member_name = member.name
    finally:
        engine.dispose()

    again = Terminal(db, env)
    try:
        again.wait_for("caseload")  # the user is remembered: straight to the caseload
        at = again.mark()
        again.press("enter")
        again.wait_for(member_name, since=at)
        again.wait_for("DRAFT", since=at)  # the member's record lists the draft
        at = again.mark()
        again.press("n")
        again.wait_for("Draft reopened", since=at)
        again.wait_for(MARKER, since=at)  # the purpose field holds what was typed before the kill
        again.press("ctrl+q")
        assert again.proc.wait(timeout=20) == 0
    finally:
        again.close()
    print(f"\ndraft kill: autosave {saved_after:.2f} s after the last key (timer {AUTOSAVE_SECONDS} s), 1 kill, "
          f"draft found after restart")
