"""The writing commands with arbitrary input (issue 7): `import` of mutated bundles, `backup -o` to arbitrary
paths, `restore` of arbitrary files. Each input ends in exit 0 or 2 from `cpss_tui.cli.run` (argparse's own
refusal counts as 2), never another exception; a refusal changes nothing (the database's rows as `iterdump`
prints them, and for a broken current file its bytes); an acceptance leaves a sound file.

In-process on real files: a small demo agency, copied fresh for every input from a self-contained backup, so
one accepted import or restore never changes what the next input meets. `CPSS_FUZZ_EXAMPLES` raises the counts.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpss_tui.cli import run
from cpss_tui.data import backup
from cpss_tui.data.bundle import export_bundle
from cpss_tui.data.db import make_engine
from cpss_tui.data.demo import generate
from cpss_tui.data.migrate import open_database, upgrade
from cpss_tui.locations import backup_dir_for
from cpss_tui.services.audit import audit_entries
from tests.safety.fuzz_counter import examples, tried
from tests.ui.conftest import AS_OF


def fuzz(default_examples: int) -> settings:
    return settings(
        max_examples=examples(default_examples),
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
LISTS = (
    "staff",
    "members",
    "authorizations",
    "pcps",
    "goals",
    "notes",
    "attempts",
    "supervisor_visits",
    "supervision_sessions",
)


class Agency:
    """A pristine self-contained database file, its rows' digest, its bundle, and an older-schema file.

    A plain class with a short repr: hypothesis prints a failing example's arguments, and the bundle is large.
    """

    def __init__(
        self, pristine: Path, digest: str, bundle: dict[str, Any], ids: list[str], old: Path, other: Path
    ) -> None:
        self.pristine, self.digest, self.bundle, self.ids = pristine, digest, bundle, ids
        self.old_schema, self.other_sqlite = old, other

    def __repr__(self) -> str:
        return f"Agency({self.pristine})"


def digest(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()
    finally:
        con.close()


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agency]:
    folder = tmp_path_factory.mktemp("fuzzwrite")
    live = folder / "build.db"
    engine = open_database(live).engine
    generate(engine, members=8, specialists=2, years=0.25, as_of=AS_OF)
    bundle = json.loads(export_bundle(engine))
    pristine = backup.backup_to(engine, folder / "pristine.db")  # one file, no -wal
    engine.dispose()
    old = folder / "old.db"
    engine = make_engine(old)
    upgrade(engine, "0003")
    engine.dispose()
    other = folder / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.commit()
    con.close()
    ids = sorted({r["id"] for name in LISTS for r in bundle[name] if isinstance(r, dict) and "id" in r})
    yield Agency(pristine, digest(pristine), bundle, ids, old, other)


def fresh(agency: Agency, folder: Path) -> Path:
    """A new working copy of the pristine database (and no backup folder yet)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    db = folder / "work.db"
    shutil.copyfile(agency.pristine, db)
    return db


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = run(argv)
    except SystemExit as exc:  # argparse refusing what it cannot parse: exit 2 with its usage line
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def sound(db: Path) -> bool:
    con = sqlite3.connect(db)
    try:
        return (
            con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            and con.execute("PRAGMA foreign_key_check").fetchall() == []
        )
    finally:
        con.close()


# --- import: mutated bundles --------------------------------------------------------------------------------


def json_values(agency: Agency) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        TEXT,
        st.sampled_from(agency.ids),  # a real id in the wrong place
        st.sampled_from(
            ["2026-02-30", "0001-01-01", "9999-12-31", "2026-11-22", "25:61", "10:00", "", " ", "-1", "1e309"]
        ),
        st.sampled_from(["specialist", "supervisor", "face-to-face", "audio-only", "home", "nc-medicaid", "met"]),
    )
    return st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=6
    )


def mutate(data: st.DataObject, agency: Agency) -> tuple[str, str]:
    """A copy of the demo bundle with 1 to 4 mutations; returns (bundle text, what was done, for the report)."""
    bundle = copy.deepcopy(agency.bundle)
    done = []
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(
            st.sampled_from(["set", "delete-field", "swap-id", "duplicate", "drop", "not-a-record", "top-level"])
        )
        name = data.draw(st.sampled_from(LISTS))
        records = bundle.get(name)
        if op == "top-level" or not isinstance(records, list) or not records:
            key = data.draw(st.sampled_from(["format", "version", "agency", *LISTS, "extra"]))
            if data.draw(st.booleans()):
                bundle.pop(key, None)
            else:
                bundle[key] = data.draw(json_values(agency))
            done.append(f"top-level {key}")
            continue
        i = data.draw(st.integers(0, len(records) - 1))
        record = records[i]
        if not isinstance(record, dict):
            continue
        if op == "set":
            field = data.draw(st.sampled_from(sorted(record) or ["id"]) | TEXT)
            record[field] = data.draw(json_values(agency))
        elif op == "delete-field" and record:
            record.pop(data.draw(st.sampled_from(sorted(record))))
        elif op == "swap-id":
            record["id"] = data.draw(st.sampled_from(agency.ids))
        elif op == "duplicate":
            records.append(copy.deepcopy(record))
        elif op == "drop":
            records.pop(i)
        elif op == "not-a-record":
            records[i] = data.draw(json_values(agency))
        done.append(f"{op} {name}")
    text = json.dumps(bundle)
    if data.draw(st.integers(0, 9)) == 0:  # now and then, damage the text itself
        cut = data.draw(st.integers(0, len(text)))
        text = text[:cut] + data.draw(TEXT)
        done.append("text cut")
    return text, ", ".join(done)


@fuzz(40)
@given(data=st.data())
def test_import_of_a_mutated_bundle_is_all_or_nothing(
    agency: Agency, tmp_path: Path, capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    db = fresh(agency, tmp_path / "import")
    text, done = mutate(data, agency)
    source = tmp_path / "import" / "bundle.json"
    source.write_text(text, encoding="utf-8")
    code, out, err = cli(["--db", str(db), "--as-of", AS_OF.isoformat(), "import", str(source)], capsys)
    assert code in (0, 2), (done, code, err[-500:])
    assert "Traceback" not in out + err, done
    if code == 2:
        assert err.strip(), done  # refused in words
        assert digest(db) == agency.digest, f"a refused import changed the database: {done}"
        tried("cli import (mutated bundle)", "refused, unchanged")
    else:
        assert sound(db), done
        tried("cli import (mutated bundle)", "accepted")


# --- backup -o: arbitrary paths ---------------------------------------------------------------------------------

SEGMENT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), max_size=30
).filter(lambda s: s != "..")  # never climbs out of the test's folder


@fuzz(40)
@given(
    special=st.sampled_from(
        ["fuzzed", "fuzzed", "fuzzed", "the database", "its folder", "under a file", "too long", "existing file"]
    ),
    segments=st.lists(SEGMENT, min_size=1, max_size=4),
)
def test_backup_to_an_arbitrary_path_writes_a_backup_or_refuses(
    agency: Agency, tmp_path: Path, capsys: pytest.CaptureFixture[str], special: str, segments: list[str]
) -> None:
    folder = tmp_path / "backup"
    db = fresh(agency, folder)
    out_dir = folder / "out"
    out_dir.mkdir()
    (out_dir / "existing.db").write_bytes(b"old contents")
    target = {
        "fuzzed": str(out_dir.joinpath(*segments)),
        "the database": str(db),
        "its folder": str(folder),
        "under a file": str(db / "x.db"),
        "too long": str(out_dir / ("n" * 300 + ".db")),
        "existing file": str(out_dir / "existing.db"),
    }[special]
    code, out, err = cli(["--db", str(db), "backup", "-o", target], capsys)
    assert code in (0, 2), (target, code, err)
    assert "Traceback" not in out + err
    assert digest(db) == agency.digest
    assert not list(folder.rglob("*.part")), "a half-written backup was left behind"
    if code == 0:
        written = Path(out.split("backup written: ", 1)[1].removesuffix("\n"))  # names may end in spaces
        assert written.is_file() and written.stat().st_mode & 0o777 == 0o600
        assert digest(written) == agency.digest  # a whole copy
        tried("cli backup -o (arbitrary path)", "written")
    else:
        assert err.startswith("-o: ") or "usage:" in err, err
        tried("cli backup -o (arbitrary path)", "refused")


# --- restore: arbitrary files -------------------------------------------------------------------------------------

KINDS = [
    "valid backup",
    "bytes flipped",
    "cut short",
    "random bytes",
    "SQLite header then noise",
    "text",
    "empty",
    "missing",
    "a folder",
    "the database itself",
    "older schema",
    "another program's SQLite",
    "a name too long",
]


def _make_source(kind: str, data: st.DataObject, agency: Agency, db: Path, folder: Path) -> Path:
    source = folder / "source.db"
    original = agency.pristine.read_bytes()
    if kind == "valid backup":
        source.write_bytes(original)
    elif kind == "bytes flipped":
        raw = bytearray(original)
        for _ in range(data.draw(st.integers(1, 8))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        source.write_bytes(bytes(raw))
    elif kind == "cut short":
        source.write_bytes(original[: data.draw(st.integers(0, len(original) - 1))])
    elif kind == "random bytes":
        source.write_bytes(data.draw(st.binary(max_size=20_000)))
    elif kind == "SQLite header then noise":
        source.write_bytes(b"SQLite format 3\x00" + data.draw(st.binary(max_size=8192)))
    elif kind == "text":
        source.write_text(data.draw(TEXT), encoding="utf-8")
    elif kind == "empty":
        source.write_bytes(b"")
    elif kind == "a folder":
        source.mkdir()
    elif kind == "the database itself":
        return db
    elif kind == "older schema":
        shutil.copyfile(agency.old_schema, source)
    elif kind == "another program's SQLite":
        shutil.copyfile(agency.other_sqlite, source)
    elif kind == "a name too long":
        return folder / ("n" * 300 + ".db")
    return source  # "missing": never written


@fuzz(50)
@given(kind=st.sampled_from(KINDS), broken_current=st.booleans(), data=st.data())
def test_restore_of_an_arbitrary_file_restores_or_changes_nothing(
    agency: Agency,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    broken_current: bool,
    data: st.DataObject,
) -> None:
    folder = tmp_path / "restore"
    db = fresh(agency, folder)
    if broken_current:
        db.write_bytes(data.draw(st.binary(min_size=1, max_size=4096)).ljust(100, b"\x01"))
    before_bytes = db.read_bytes()
    source = _make_source(kind, data, agency, db, folder)
    code, out, err = cli(["--db", str(db), "restore", str(source)], capsys)
    outcome = f"{kind}{' over a broken file' if broken_current else ''}"
    assert code in (0, 2), (outcome, code, err[-500:])
    assert "Traceback" not in out + err, outcome
    assert not db.with_name(db.name + ".restoring").exists()
    if code == 2:
        assert err.startswith("restore: "), err
        assert db.read_bytes() == before_bytes, f"a refused restore changed the file: {outcome}"
        assert not backup_dir_for(db).exists() or not [
            p for p in backup_dir_for(db).iterdir() if "pre-restore" in p.name or "damaged" in p.name
        ]
        tried("cli restore (arbitrary file)", f"refused: {kind}")
        return
    assert sound(db), outcome
    engine = make_engine(db)
    try:
        last = list(audit_entries(engine))[-1]
    finally:
        engine.dispose()
    assert last.table == "database_restore" and last.changes["source"] == str(source.resolve())
    code, out, err = cli(["--db", str(db), "check"], capsys)
    assert code in (0, 1) and "Traceback" not in out + err, outcome
    if kind in ("valid backup", "older schema"):
        assert code == 0, out
    tried("cli restore (arbitrary file)", f"restored: {kind}")
