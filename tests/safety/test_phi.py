"""No PHI leaks (issue 7, item 7): an unexpected error shows one short line, never a traceback, and writes a
log that holds no record contents; terminal titles never carry member data.

Each test forces a real error whose message *and* local variables hold a member's name, Medicaid id, birth date
and note text (what Textual's default crash screen and Python's tracebacks would print), then reads everything
the user could see (captured output, the bytes a real terminal received) and the error log.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy import select as sql_select

from cpss_tui import cli
from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import Member, Note
from cpss_tui.services.demo import start_demo
from cpss_tui.services.staff import set_current_user
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.home import HomeScreen
from cpss_tui.ui.screens.member import MemberScreen
from cpss_tui.ui.screens.note_form import NoteForm
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle, type_text

DRIVER = Path(__file__).with_name("phi_driver.py")


@dataclass(frozen=True)
class Phi:
    """One member's identifying data and a note's words, as stored in the demo database."""

    name: str
    medicaid_id: str
    birth_date: str
    note_text: str

    def values(self) -> list[str]:
        return [self.name, self.medicaid_id, self.birth_date, self.note_text]

    def found_in(self, output: str) -> list[str]:
        return [v for v in self.values() if v in output]


def read_phi(engine: Engine) -> Phi:
    with read_session(engine) as session:
        note = session.scalars(sql_select(Note).order_by(Note.id).limit(1)).one()
        member = session.get(Member, note.member_id)
        assert member is not None
        return Phi(member.name, member.medicaid_id, member.birth_date.isoformat(), note.purpose)


def phi_error(phi: Phi) -> ValueError:
    """A realistic unexpected error: record contents in the message and in the frame's local variables."""

    def failing(member_name: str, medicaid_id: str, birth_date: str, note_text: str) -> None:
        raise ValueError(f"cannot save {member_name} ({medicaid_id}, born {birth_date}): {note_text}")

    try:
        failing(*phi.values())
    except ValueError as exc:
        return exc
    raise AssertionError("unreachable")


@pytest.fixture
def log_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The error log goes to platformdirs' user log dir: point XDG_STATE_HOME at a fresh folder."""
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state / "cpss-tui" / "log" / "errors.log"


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    engine = open_database(path).engine
    set_current_user(engine, start_demo(engine, AS_OF))
    engine.dispose()
    return path


def assert_scrubbed_log(log: Path, phi: Phi, exc_name: str) -> str:
    assert log.exists(), "an unexpected error must leave a log for the developers"
    assert (log.stat().st_mode & 0o777) == 0o600
    body = log.read_text(encoding="utf-8")
    assert exc_name in body and ".py:" in body  # the type and the stack, file:line in function
    assert phi.found_in(body) == []
    return body


# --- the command line ---------------------------------------------------------------------------------------------


def test_cli_unexpected_error_is_one_line_and_the_log_holds_no_phi(
    demo_db: Path, log_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = open_database(demo_db).engine
    phi = read_phi(engine)
    engine.dispose()
    error = phi_error(phi)

    def compute_status(*args: object, **kwargs: object) -> None:
        member_name, note_text = phi.name, phi.note_text  # locals a "show locals" traceback would print
        assert member_name and note_text
        raise error

    monkeypatch.setattr("cpss_tui.services.status.compute_status", compute_status)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--db", str(demo_db), "--as-of", "2026-11-22", "status"])
    assert exit_info.value.code == cli.EXIT_ERROR
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("cpss-tui: unexpected error (ValueError)")
    assert "Traceback" not in err and phi.found_in(err) == []
    assert str(log_home) in err  # where the details are
    assert_scrubbed_log(log_home, phi, "ValueError")


def test_cli_database_error_with_bound_parameters_logs_no_phi(
    demo_db: Path, log_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An IntegrityError from the real engine, its parameters a member's data (a second member with the same
    id): the parameters are hidden in the message (hide_parameters) and the log keeps no message at all."""
    engine = open_database(demo_db).engine
    phi = read_phi(engine)
    engine.dispose()

    def compute_status(engine: Engine, as_of: object) -> None:
        with write_session(engine, "nobody") as session:
            existing = session.scalar(sql_select(Member.id).limit(1))
            session.execute(
                text(
                    "INSERT INTO member (id, name, medicaid_id, birth_date, payer, specialist_id, admitted_on,"
                    " epsdt, created_at, updated_at) VALUES (:id, :name, :mid, :dob, 'nc-medicaid', 'x',"
                    " '2026-01-01', 0, '2026-01-01', '2026-01-01')"
                ),
                {"id": existing, "name": phi.name, "mid": phi.medicaid_id, "dob": phi.birth_date},
            )

    monkeypatch.setattr("cpss_tui.services.status.compute_status", compute_status)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--db", str(demo_db), "--as-of", "2026-11-22", "status"])
    assert exit_info.value.code == cli.EXIT_ERROR
    _, err = capsys.readouterr()
    assert err.startswith("cpss-tui: unexpected error (IntegrityError)") and err.count("\n") == 1
    assert phi.found_in(err) == []
    assert_scrubbed_log(log_home, phi, "IntegrityError")
    # The database is as it was: the failed unit of work rolled back.
    engine = open_database(demo_db).engine
    with read_session(engine) as session:
        assert session.scalar(sql_select(Member.id).where(Member.name == phi.name)) is not None
        assert len(session.scalars(sql_select(Member.id).where(Member.name == phi.name)).all()) == 1
    engine.dispose()


# --- the TUI ---------------------------------------------------------------------------------------------------------


async def test_tui_error_in_a_handler_is_one_line_and_the_log_holds_no_phi(
    demo_db: Path, log_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failure while the note form checks what is typed: the app exits with one line (no traceback with
    locals), the scrubbed stack is in the log, and what was typed up to then is in the draft."""
    engine = open_database(demo_db).engine
    phi = read_phi(engine)
    error = phi_error(phi)
    app = create_app(engine, as_of=AS_OF)
    with pytest.raises(ValueError):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            assert isinstance(app.screen, NoteForm)
            await pilot.press("tab")
            await type_text(pilot, "10:00")
            await pilot.pause(1.3)  # the draft is saved a second after the last key

            def check_note(*args: object, **kwargs: object) -> None:
                member, typed = phi.name, phi.note_text
                assert member and typed
                raise error

            monkeypatch.setattr("cpss_tui.services.records.check_note", check_note)
            await pilot.press("1")
            await pilot.pause()
    assert app.return_code == 1
    assert app.crash_message is not None
    assert app.crash_message.startswith("cpss-tui: unexpected error (ValueError); details in ")
    assert phi.found_in(app.crash_message) == []
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and phi.found_in(out + err) == []
    assert_scrubbed_log(log_home, phi, "ValueError")
    with read_session(engine) as session:
        drafts = session.execute(text("SELECT fields_json FROM note_draft")).scalars().all()
    # Even the keystroke that met the error is kept: the form stores the fields before checking them.
    assert any('"start_time": "10:001"' in d for d in drafts), drafts
    engine.dispose()


async def test_tui_titles_never_hold_member_data(demo_db: Path) -> None:
    """The header shows the app and the signed-in staff member only, on every screen that shows a member."""
    engine = open_database(demo_db).engine
    phi = read_phi(engine)
    app = create_app(engine, as_of=AS_OF)
    seen: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        names = [m.name for m in app.screen.shown] + [m.medicaid_id for m in app.screen.shown]
        for keys, kind in ((("enter",), MemberScreen), (("escape", "n"), NoteForm)):
            await pilot.press(*keys)
            await settle(pilot)
            assert isinstance(app.screen, kind)
            seen += [app.title, app.sub_title, app.screen.title or "", app.screen.sub_title or ""]
    engine.dispose()
    titles = " | ".join(seen)
    assert "cpss-tui" in titles
    assert [n for n in [*names, *phi.values()] if n in titles] == []


def test_real_terminal_shows_one_line_after_a_crash(demo_db: Path, tmp_path: Path) -> None:
    """The real `cpss-tui` in a pseudo-terminal, a handler failing with member data in its locals: every byte
    the terminal receives (screen, title escapes, what is printed after exit) is free of that data."""
    engine = open_database(demo_db).engine
    phi = read_phi(engine)
    engine.dispose()
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "TERM": "xterm-256color"}
    env.pop("TEXTUAL", None)
    master, slave = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, str(DRIVER), str(demo_db), *phi.values()],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        os.close(master)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert code == cli.EXIT_ERROR, screen[-2000:]
    assert "unexpected error (ValueError)" in screen
    assert "Traceback" not in screen and "locals" not in screen
    assert phi.found_in(screen) == []
    assert_scrubbed_log(tmp_path / "state" / "cpss-tui" / "log" / "errors.log", phi, "ValueError")
