"""The command line as other programs use it (spec/interface.md): exit codes, stderr lines, round trips."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cpss_tui import cli
from cpss_tui.cli import run

AS_OF = "2026-11-22"


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a child process (what a script would do)."""
    return subprocess.run(
        [sys.executable, "-m", "cpss_tui", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def _files(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(db.parent.glob(db.name + "*"))}


def test_demo_export_import_round_trip_is_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert run(["--db", str(first), "--as-of", AS_OF, "demo"]) == 0
    bundle = tmp_path / "bundle.json"
    assert run(["--db", str(first), "export", "-o", str(bundle)]) == 0
    assert bundle.stat().st_mode & 0o777 == 0o600  # a bundle holds PHI
    assert run(["--db", str(second), "--as-of", AS_OF, "import", str(bundle)]) == 0
    capsys.readouterr()
    assert run(["--db", str(second), "export"]) == 0
    assert capsys.readouterr().out == bundle.read_text(encoding="utf-8")
    # Importing the same bundle again changes nothing.
    audit_before = _audit_count(second)
    assert run(["--db", str(second), "--as-of", AS_OF, "import", str(bundle)]) == 0
    assert _audit_count(second) == audit_before
    capsys.readouterr()
    assert run(["--db", str(second), "export"]) == 0
    assert capsys.readouterr().out == bundle.read_text(encoding="utf-8")


def _audit_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    finally:
        conn.close()


def test_bad_bundle_exit_2_every_problem_one_line_and_database_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "agency.db"
    assert _cli("--db", str(db), "--as-of", AS_OF, "demo").returncode == 0
    before = _files(db)
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "cpss-bundle",
                "version": 1,
                "notes": [{"id": "n1", "member_id": "nobody", "minutes": -5, "colour": "blue"}],
                "staff": [{"id": "s1", "name": "X", "role": "wizard", "fte": True}],
            }
        )
    )
    result = _cli("--db", str(db), "--as-of", AS_OF, "import", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) >= 4
    assert any(line.startswith("notes[n1].minutes") for line in lines)
    assert any(line.startswith("notes[n1].colour") for line in lines)
    assert any(line.startswith("staff[s1].role") for line in lines)
    assert any(line.startswith("staff[s1].fte") for line in lines)
    assert _files(db) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        (
            '{"format": "cpss-bundle", "version": 1, "members": [{"id": "m1", "birth_date": "2026-02-30"}]}',
            "birth_date",
        ),
    ],
)
def test_malformed_input_exit_2_without_traceback(tmp_path: Path, content: str, expected: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = _cli("--db", str(tmp_path / "x.db"), "import", str(bad))
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr


def test_missing_file_and_bad_as_of_are_bad_input(tmp_path: Path) -> None:
    result = _cli("--db", str(tmp_path / "x.db"), "import", str(tmp_path / "nope.json"))
    assert result.returncode == 2 and "nope.json" in result.stderr and "Traceback" not in result.stderr
    result = _cli("--db", str(tmp_path / "x.db"), "--as-of", "2026-02-30", "status")
    assert result.returncode == 2 and "--as-of" in result.stderr and "Traceback" not in result.stderr


def test_cpss_db_environment_variable_and_options_after_the_command(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    assert _cli("demo", "--as-of", AS_OF, env={"CPSS_DB": str(db)}).returncode == 0
    assert db.exists() and db.stat().st_mode & 0o777 == 0o600
    result = _cli("status", "--json", "--as-of", AS_OF, env={"CPSS_DB": str(db)})
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["as_of"] == AS_OF
    assert document["week"] == {"start": "2026-11-16", "end": "2026-11-22"}
    assert set(document) == {"as_of", "week", "members", "staff", "program"}
    assert [m["id"] for m in document["members"]] == sorted(m["id"] for m in document["members"])


def test_demo_refuses_a_database_that_has_records(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    assert _cli("--db", str(db), "--as-of", AS_OF, "demo").returncode == 0
    result = _cli("--db", str(db), "--as-of", AS_OF, "demo")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_not_a_database_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff" + b"x" * 5000)
    result = _cli("--db", str(path), "status")
    assert (
        result.returncode == 2
        and "not a cpss-tui database" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_audit_shows_a_notes_whole_life(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The audit log, by the database's triggers, shows who inserted and changed a note, with old and new."""
    db = tmp_path / "a.db"
    bundle = {
        "format": "cpss-bundle",
        "version": 1,
        "staff": [
            {"id": "s1", "name": "Dana Reyes", "role": "specialist", "credentials": "NC CPSS", "fte": 1.0}
        ],
        "members": [
            {
                "id": "m1",
                "name": "Alex Doe",
                "medicaid_id": "123456789K",
                "birth_date": "1985-04-02",
                "payer": "nc-medicaid",
                "specialist_id": "s1",
                "admitted_on": "2026-09-01",
            }
        ],
        "notes": [
            {
                "id": "n1",
                "member_id": "m1",
                "staff_id": "s1",
                "date": "2026-09-02",
                "start_time": "10:00",
                "minutes": 60,
                "billable": True,
                "contact_type": "face-to-face",
                "place": "home",
            }
        ],
    }
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    assert run(["--db", str(db), "--as-of", AS_OF, "import", str(path)]) == 0
    bundle["notes"][0]["minutes"] = 45
    path.write_text(json.dumps(bundle))
    assert run(["--db", str(db), "--as-of", AS_OF, "import", str(path)]) == 0
    capsys.readouterr()
    assert run(["--db", str(db), "audit", "--member", "m1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    note_lines = [line for line in lines if "note/n1" in line]
    assert [line.split("  ")[2].split()[0] for line in note_lines] == ["insert", "update"], lines
    assert "minutes: 60 -> 45" in note_lines[1]
    assert not any("staff/s1" in line for line in lines)  # staff rows concern no member
    assert run(["--db", str(db), "audit", "--member", "nobody"]) == 2


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "x.db"],
        ["--db=x.db", "--as-of", "2026-11-22"],
        ["--d", "x", "--as", "2026-01-01"],  # abbreviations
        ["--as-of", "not-a-date"],
        ["--db"],
        ["--db", "status"],  # a file named like a command
        ["--db", "demo", "demo"],
        ["status", "--json"],
        ["-h"],
        ["--version"],
        ["--vers"],
        ["--foo"],
        ["stauts"],
        ["--", "x"],
        ["-"],
    ],
)
def test_the_tui_start_parses_exactly_as_the_whole_parser(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """cli.parse_args skips building every command's parser when argv starts the TUI (issue 8); what it
    returns, prints and exits with is what build_parser().parse_args gives, for every kind of argv."""

    def outcome(parse: Any) -> tuple[Any, ...]:
        try:
            return ("parsed", vars(parse(argv)))
        except SystemExit as exc:
            captured = capsys.readouterr()
            return ("exit", exc.code, captured.out, captured.err)

    assert outcome(cli.parse_args) == outcome(lambda a: cli.build_parser().parse_args(a))
