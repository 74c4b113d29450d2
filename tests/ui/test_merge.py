"""Merging a field laptop by keyboard at 80x24 (issue 5 item 5): a specialist exports from the app to a private
file; the supervisor picks a bundle, sees the preview with the conflict named by record and field before anything
is written, and Apply is refused; a clean bundle applies in one step and a second import changes nothing.
"""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import Engine, text
from textual.widgets import DataTable, Input, Static

from cpss_tui.data.bundle import export_bundle
from cpss_tui.data.demo import generate
from cpss_tui.data.migrate import open_database
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.due_board import DueBoard
from cpss_tui.ui.screens.export_dialog import ExportDialog
from cpss_tui.ui.screens.merge_preview import ImportPicker, MergePreview
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle, type_text


def _demo(path: Path) -> Engine:
    engine = open_database(path).engine
    generate(engine, as_of=AS_OF)
    return engine


def _laptop_bundle(tmp_path: Path, *statements: str) -> Path:
    """A second demo database changed with raw SQL (its lock trigger dropped: only this copy), exported."""
    laptop = _demo(tmp_path / "laptop.db")
    try:
        with laptop.begin() as conn:
            for s in statements:
                conn.exec_driver_sql(s)
        path = tmp_path / "laptop.json"
        path.write_text(export_bundle(laptop), encoding="utf-8")
    finally:
        laptop.dispose()
    return path


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            int(conn.execute(text("SELECT count(*) FROM audit_log")).scalar() or 0),
            int(conn.execute(text("SELECT sum(minutes) FROM note")).scalar() or 0),
        )


async def _preview(pilot, app, path: Path) -> MergePreview:  # type: ignore[no-untyped-def]
    await settle(pilot)
    assert isinstance(app.screen, DueBoard)
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(app.screen, ImportPicker)
    await type_text(pilot, str(path))
    await pilot.press("enter")
    await settle(pilot)
    preview = app.screen
    assert isinstance(preview, MergePreview)
    return preview


async def test_merge_preview_names_the_conflict_and_refuses_apply(
    supervisor_engine: Engine, tmp_path: Path
) -> None:
    with supervisor_engine.connect() as conn:
        note = conn.execute(
            text("SELECT id FROM note WHERE signed_at IS NOT NULL ORDER BY date DESC, id LIMIT 1")
        ).scalar()
    path = _laptop_bundle(
        tmp_path,
        "DROP TRIGGER trg_note_locked_update",
        f"UPDATE note SET minutes = minutes + 15 WHERE id = '{note}'",
    )
    before = _counts(supervisor_engine)
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        preview = await _preview(pilot, app, path)
        summary = str(preview.query_one("#merge-summary", Static).render())
        assert "0 new · 0 changed · 1 conflicting" in summary
        table = preview.query_one("#merge", DataTable)
        assert str(table.get_row_at(0)[0]) == "CONFLICT" and str(table.get_row_at(0)[3]) == "minutes"
        detail = str(preview.query_one("#merge-detail", Static).render())
        assert f"notes[{note}]" in detail and "minutes: here" in detail
        refusal = str(preview.query_one("#merge-refusal", Static).render())
        assert refusal.startswith("Apply refused") and "signed note" in refusal and "N-3" in refusal
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is preview
    assert _counts(supervisor_engine) == before


async def test_clean_bundle_applies_once_and_again_changes_nothing(
    supervisor_engine: Engine, tmp_path: Path
) -> None:
    with supervisor_engine.connect() as conn:
        member = conn.execute(text("SELECT id FROM member ORDER BY id LIMIT 1")).scalar()
    path = _laptop_bundle(tmp_path, f"UPDATE member SET name = 'Laptop Name' WHERE id = '{member}'")
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        preview = await _preview(pilot, app, path)
        assert "0 new · 1 changed · 0 conflicting" in str(
            preview.query_one("#merge-summary", Static).render()
        )
        await pilot.press("a")
        await settle(pilot)
        assert "Applied: imported: 0 inserted, 1 updated" in str(
            preview.query_one("#merge-refusal", Static).render()
        )
        await pilot.press("escape")
        await settle(pilot)
        after = _counts(supervisor_engine)
        again = await _preview(pilot, app, path)
        assert "0 new · 0 changed · 0 conflicting" in str(again.query_one("#merge-summary", Static).render())
        assert "Nothing to import" in str(again.query_one("#merge-refusal", Static).render())
        await pilot.press("a")
        await settle(pilot)
    with supervisor_engine.connect() as conn:
        assert (
            conn.execute(text("SELECT name FROM member WHERE id = :m"), {"m": member}).scalar()
            == "Laptop Name"
        )
    assert _counts(supervisor_engine) == after


async def test_picker_names_an_unreadable_path(supervisor_engine: Engine, tmp_path: Path) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ImportPicker)
        await type_text(pilot, str(tmp_path / "missing.json"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is picker
        assert "path: cannot read" in str(picker.query_one("#path-error", Static).render())


async def test_specialist_exports_a_private_bundle_from_the_app(demo_engine: Engine, tmp_path: Path) -> None:
    target = tmp_path / "out" / "mine.json"
    target.parent.mkdir()
    app = create_app(demo_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ExportDialog())
        await settle(pilot)
        dialog = app.screen
        path_input = dialog.query_one("#path", Input)
        path_input.value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not dialog
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8") == export_bundle(demo_engine)
