"""Every command-line argument with arbitrary text (issue 7 item 8): argparse's own refusal (SystemExit 2) or an
exit status of 0, 1 or 2 from `cpss_tui.cli.run`; never another exception, never a traceback on the terminal,
and a read-only command never changes the file.

Runs in-process on one real database file (the demo agency) so that hundreds of inputs stay fast.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpss_tui.cli import run
from cpss_tui.data.demo import generate
from cpss_tui.data.migrate import open_database
from tests.safety.fuzz_counter import examples, tried
from tests.ui.conftest import AS_OF

READ_ONLY = ("status", "audit", "export", "check")
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("fuzzcli") / "demo.db"
    engine = open_database(path).engine
    generate(engine, as_of=AS_OF)
    engine.dispose()
    yield path


def _digest(path: Path) -> str:
    """The rows as SQLite would dump them (the file's bytes move with checkpoints; the content must not)."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()
    finally:
        con.close()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = run(argv)
    except SystemExit as exc:  # argparse refusing an option it cannot parse: its usage line, exit 2
        code = int(exc.code or 0)
        assert code == 2, argv
    out = capsys.readouterr()
    return code, out.out + out.err


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    command=st.sampled_from(READ_ONLY),
    options=st.lists(
        st.one_of(
            TEXT,
            # No -o: export must not write files wherever hypothesis points it.
            st.sampled_from(["--json", "--member", "--as-of", "--db", "--help-me", "-"]),
        ),
        max_size=4,
    ),
)
def test_read_only_commands_take_arbitrary_arguments(
    demo_db: Path, capsys: pytest.CaptureFixture[str], command: str, options: list[str]
) -> None:
    before = _digest(demo_db)
    # --db must stay the demo file: a stray --db in `options` is overridden by the last one, as argparse keeps
    # the last value.
    argv = [command, *options, "--db", str(demo_db)]
    code, text = _run(argv, capsys)
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in text, argv
    assert _digest(demo_db) == before, argv
    tried(f"cli {command}", f"exit {code}")


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(as_of=TEXT, member=TEXT)
def test_dates_and_ids_are_refused_in_words(
    demo_db: Path, capsys: pytest.CaptureFixture[str], as_of: str, member: str
) -> None:
    before = _digest(demo_db)
    code, text = _run(["--db", str(demo_db), "--as-of", as_of, "audit", "--member", member], capsys)
    assert code in (0, 2), (as_of, member, code)
    assert "Traceback" not in text
    assert _digest(demo_db) == before
    tried("cli --as-of/--member", f"exit {code}")
