"""The merge preview (issue 5 item 5): new, changed and conflicting records of a bundle from a second laptop,
listed by record and field before anything is written; apply is the ordinary all-or-nothing import.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from cpss_tui.data.bundle import BundleError, export_bundle, import_bundle
from cpss_tui.data.bundle_preview import apply_preview, preview_bundle
from cpss_tui.data.demo import generate
from cpss_tui.data.migrate import open_database

AS_OF = date(2026, 11, 22)


def _demo(path: Path, seed: int = 1) -> Engine:
    engine = open_database(path).engine
    generate(engine, as_of=AS_OF, seed=seed)
    return engine


@pytest.fixture
def here(tmp_path: Path) -> Iterator[Engine]:
    engine = _demo(tmp_path / "supervisor.db")
    yield engine
    engine.dispose()


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Engine]:
    engine = _demo(tmp_path / "laptop.db")
    yield engine
    engine.dispose()


def _audit_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM audit_log")).scalar() or 0)


def _signed_note(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT id FROM note WHERE signed_at IS NOT NULL ORDER BY date DESC, id LIMIT 1")
            ).scalar()
        )


def _raw(engine: Engine, *statements: str) -> None:
    """Change the laptop's copy behind the app's back (as another program could), for the test only."""
    with engine.begin() as conn:
        for s in statements:
            conn.exec_driver_sql(s)


def test_the_same_data_previews_as_unchanged_and_writes_nothing(here: Engine, laptop: Engine) -> None:
    bundle = export_bundle(laptop)
    preview = preview_bundle(here, bundle, as_of=AS_OF)
    assert (preview.new, preview.changed, preview.conflicts, preview.problems) == ([], [], [], [])
    assert preview.unchanged > 800 and preview.writes_nothing and preview.refusal is None
    before = _audit_rows(here)
    apply_preview(here, bundle, preview, as_of=AS_OF)
    assert _audit_rows(here) == before


def test_a_differing_signed_note_is_a_conflict_named_by_field_and_refused_N3(
    here: Engine, laptop: Engine
) -> None:
    note = _signed_note(laptop)
    _raw(
        laptop,
        "DROP TRIGGER trg_note_locked_update",
        f"UPDATE note SET minutes = minutes + 15, purpose = 'Edited on the laptop' WHERE id = '{note}'",
    )
    bundle = export_bundle(laptop)
    preview = preview_bundle(here, bundle, as_of=AS_OF)
    assert len(preview.conflicts) == 1
    conflict = preview.conflicts[0]
    assert conflict.kind == "signed" and conflict.blocks
    assert conflict.change.record_id == note and conflict.change.label == f"notes[{note}]"
    assert {d.key for d in conflict.change.diffs} == {"minutes", "purpose"}
    purpose = next(d for d in conflict.change.diffs if d.key == "purpose")
    assert purpose.bundle == "Edited on the laptop" and purpose.here != purpose.bundle
    assert preview.problems == []  # the conflict is listed once, field by field, not again as a line
    assert preview.refusal is not None and "signed note" in preview.refusal and "N-3" in preview.refusal
    before = _audit_rows(here)
    with pytest.raises(BundleError, match="not applied"):
        apply_preview(here, bundle, preview, as_of=AS_OF)
    # The CLI's import refuses the same bundle with its own line, as interface.md fixes it.
    with pytest.raises(BundleError) as refused:
        import_bundle(here, bundle, as_of=AS_OF)
    assert any(f"notes[{note}]: conflict" in p for p in refused.value.problems)
    assert _audit_rows(here) == before


def test_new_changed_and_edited_on_both_sides(here: Engine, laptop: Engine, tmp_path: Path) -> None:
    with laptop.connect() as conn:
        members = [r[0] for r in conn.execute(text("SELECT id FROM member ORDER BY id LIMIT 2"))]
    # On the laptop: one member renamed, another's phone-free field changed; a new visit recorded.
    _raw(
        laptop,
        f"UPDATE member SET name = 'Laptop Name' WHERE id = '{members[0]}'",
        f"UPDATE member SET name = 'Also Laptop' WHERE id = '{members[1]}'",
    )
    # Here: the second member was also edited since it was written (updated_at moves past created_at).
    _raw(
        here,
        f"UPDATE member SET medicaid_id = '999999999Z', updated_at = '2099-01-01 00:00:00.000000' "
        f"WHERE id = '{members[1]}'",
    )
    other = _demo(tmp_path / "other.db", seed=7)  # different ids: all of its records are new here
    try:
        extra_staff = export_bundle(other)
    finally:
        other.dispose()
    preview = preview_bundle(here, export_bundle(laptop), as_of=AS_OF)
    assert [c.record_id for c in preview.changed] == [members[0]]
    assert [(d.key, d.bundle) for d in preview.changed[0].diffs] == [("name", "Laptop Name")]
    both = [c for c in preview.conflicts if c.kind == "both"]
    assert [c.change.record_id for c in both] == [members[1]]
    assert {d.key for d in both[0].change.diffs} == {"name", "medicaid_id"}
    assert (
        preview.refusal is None and preview.overwrites == both
    )  # allowed, but only when confirmed in the UI
    assert preview_bundle(here, extra_staff, as_of=AS_OF).new  # another agency's records are new here


def test_apply_imports_once_then_the_same_file_changes_nothing(here: Engine, laptop: Engine) -> None:
    with laptop.connect() as conn:
        member = conn.execute(text("SELECT id FROM member ORDER BY id LIMIT 1")).scalar()
    _raw(laptop, f"UPDATE member SET name = 'Laptop Name' WHERE id = '{member}'")
    bundle = export_bundle(laptop)
    preview = preview_bundle(here, bundle, as_of=AS_OF)
    report = apply_preview(here, bundle, preview, as_of=AS_OF)
    assert report.updated == 1 and report.inserted == 0
    again = preview_bundle(here, bundle, as_of=AS_OF)
    assert again.writes_nothing and not again.conflicts
    before = _audit_rows(here)
    assert import_bundle(here, bundle, as_of=AS_OF).updated == 0
    assert _audit_rows(here) == before


def test_apply_refuses_when_the_database_changed_since_the_preview(here: Engine, laptop: Engine) -> None:
    with laptop.connect() as conn:
        member = conn.execute(text("SELECT id FROM member ORDER BY id LIMIT 1")).scalar()
    _raw(laptop, f"UPDATE member SET name = 'Laptop Name' WHERE id = '{member}'")
    bundle = export_bundle(laptop)
    preview = preview_bundle(here, bundle, as_of=AS_OF)
    _raw(here, "UPDATE staff SET training_hours = training_hours + 1 WHERE role = 'supervisor'")
    with pytest.raises(BundleError, match="changed since the preview"):
        apply_preview(here, bundle, preview, as_of=AS_OF)


def test_a_file_that_is_not_a_bundle_raises_and_field_problems_are_listed(here: Engine) -> None:
    with pytest.raises(BundleError):
        preview_bundle(here, "not json", as_of=AS_OF)
    bad = '{"format": "cpss-bundle", "version": 1, "members": [{"id": "m1", "name": ""}]}'
    preview = preview_bundle(here, bad, as_of=AS_OF)
    assert preview.problems and all(p.startswith("members[m1]") for p in preview.problems)
    assert preview.refusal is not None and "problem" in preview.refusal
