"""The reports in the app (issue "Reports"): F2 opens the menu; quality benchmarks show each figure beside its
target and save the CSV; the billing export writes both files and says what was left out; the palette reaches
each report."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine
from textual.widgets import DataTable, Input, OptionList, Static

from cpss_tui.reports.billing import CLAIM_COLUMNS, billing_export
from cpss_tui.reports.period import Period
from cpss_tui.reports.quality import quality_report
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.billing_export import BillingExportDialog
from cpss_tui.ui.screens.quality_report import QualityScreen, benchmark_bar
from cpss_tui.ui.screens.reports import REPORTS, ReportsScreen
from cpss_tui.ui.screens.save_report import SaveReportDialog
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle

OCTOBER = Period(AS_OF.replace(month=10, day=1), AS_OF.replace(month=10, day=31))


async def _set(pilot, selector: str, value: str) -> None:  # type: ignore[no-untyped-def]
    field = pilot.app.screen.query_one(selector, Input)
    field.value = value
    await pilot.pause()


async def test_f2_menu_lists_every_report_with_its_command(supervisor_engine: Engine) -> None:
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        options = app.screen.query_one("#reports", OptionList)
        assert options.option_count == len(REPORTS)
        for i, entry in enumerate(REPORTS):
            prompt = str(options.get_option_at_index(i).prompt)
            assert entry.title in prompt and entry.command in prompt


async def test_quality_screen_shows_the_figures_of_the_last_month_and_saves_csv(
    supervisor_engine: Engine, tmp_path: Path
) -> None:
    expected = quality_report(supervisor_engine, OCTOBER)
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "enter")  # the first entry: quality benchmarks
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QualityScreen)
        table = screen.query_one("#quality", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][0] == "Program (site)"
        assert rows[0][1].startswith(f"{expected.program.q1.figure * 100:5.1f}%")  # type: ignore[operator]
        assert [r[0] for r in rows[1:]] == [f.staff_name for f in expected.specialists]
        assert all(r[1].endswith(("met", "BELOW")) for r in rows)
        assert "2026-10-01 to 2026-10-31" in str(screen.query_one("#quality-title", Static).render())

        await _set(pilot, "#to", "2026-09-31")  # no such day: refused, naming the field
        screen.query_one("#to", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "to: not a date YYYY-MM-DD: '2026-09-31'" in str(
            screen.query_one("#period-error", Static).render()
        )
        await _set(pilot, "#to", "2026-10-31")

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SaveReportDialog)
        out = tmp_path / "quality.csv"
        await _set(pilot, "#path", str(out))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QualityScreen)
        rows_csv = list(csv.DictReader(io.StringIO(out.read_text())))
        assert rows_csv[0]["scope"] == "program" and rows_csv[0]["numerator"] == str(
            expected.program.face_to_face_units
        )
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


async def test_billing_dialog_writes_both_files_and_counts_what_was_left_out(
    supervisor_engine: Engine, tmp_path: Path
) -> None:
    expected = billing_export(supervisor_engine, OCTOBER)
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BillingExportDialog)
        assert app.screen.query_one("#from", Input).value == "2026-10-01"
        out = tmp_path / "claims.csv"
        await _set(pilot, "#path", str(out))
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = str(app.screen.query_one("#billing-summary", Static).render())
        assert f"{len(expected.lines)} claim lines" in said and "Left out by reason" in said
        claims = list(csv.DictReader(io.StringIO(out.read_text())))
        assert list(claims[0]) == list(CLAIM_COLUMNS) and len(claims) == len(expected.lines)
        assert (tmp_path / "claims-excluded.csv").exists()

        await pilot.press("ctrl+s")  # the same path again: replaced on purpose, not refused
        await settle(pilot)
        assert "exists" not in str(app.screen.query_one("#path-error", Static).render())

        await _set(pilot, "#from", "2026-11-01")
        await _set(pilot, "#to", "2026-10-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "is before from" in str(app.screen.query_one("#to-error", Static).render())


@pytest.mark.parametrize("entry_id", [e.id for e in REPORTS])
async def test_each_report_is_in_the_command_palette(supervisor_engine: Engine, entry_id: str) -> None:
    from cpss_tui.ui.commands import CpssCommands

    entry = next(e for e in REPORTS if e.id == entry_id)
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        provider = CpssCommands(app.screen)
        names = [name for name, _, _ in provider._commands()]
        assert f"Report: {entry.title}" in names and "Reports" in names


def test_bar_marks_the_target_and_reads_without_colour() -> None:
    from cpss_tui.rules.quality import Benchmark

    assert benchmark_bar(Benchmark(0.842, 0.8, True)).plain == "████████│··"
    assert benchmark_bar(Benchmark(0.75, 0.8, False)).plain == "███████▌│··"
    assert benchmark_bar(Benchmark(None, 0.8, True)).plain.startswith("no signed notes")


async def test_member_reports_ask_which_member_then_open(supervisor_engine: Engine) -> None:
    from cpss_tui.services.members import member_choices
    from cpss_tui.ui.screens.contact_calendar import ContactCalendarScreen
    from cpss_tui.ui.screens.member_picker import MemberPicker
    from cpss_tui.ui.screens.unit_use import UnitUseScreen
    from tests.ui.helpers import type_text

    target = member_choices(supervisor_engine)[3]
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        from cpss_tui.ui.screens.print_dialog import PrintDialog

        for entry_id, screen_type in (
            ("units", UnitUseScreen),
            ("calendar", ContactCalendarScreen),
            ("print", PrintDialog),
        ):
            await pilot.press("f2")
            await settle(pilot)
            await pilot.press(*["down"] * [e.id for e in REPORTS].index(entry_id), "enter")
            await settle(pilot)
            picker = app.screen
            assert isinstance(picker, MemberPicker)
            await type_text(pilot, target.medicaid_id)
            await settle(pilot)
            assert picker.query_one("#members", OptionList).option_count == 1
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            assert app.screen.member_id == target.id
            await pilot.press("escape", "escape")
            await settle(pilot)

        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*["down"] * [e.id for e in REPORTS].index("units"), "enter")
        await settle(pilot)
        await type_text(pilot, "no such person")
        await settle(pilot)
        assert "No member matches." in str(app.screen.query_one("#picker-status", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)  # nothing opened


async def test_specialist_report_asks_which_specialist(supervisor_engine: Engine) -> None:
    from cpss_tui.ui.screens.staff_picker import StaffPicker
    from cpss_tui.ui.screens.unit_use import SpecialistUnitsScreen

    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*["down"] * [e.id for e in REPORTS].index("specialist-units"), "enter")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, StaffPicker)
        chosen = picker.query_one("#staff", OptionList).get_option_at_index(1)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SpecialistUnitsScreen)
        assert app.screen.staff_id == chosen.id


async def test_charts_and_calendar_save_the_same_text_as_the_command_line(
    supervisor_engine: Engine, tmp_path: Path
) -> None:
    """ctrl+s on unit use, units per week and the calendar writes what `cpss-tui report ...` prints."""
    from textual.screen import Screen

    from cpss_tui.reports.contact_calendar import calendar_text, contact_calendar
    from cpss_tui.reports.unit_use import member_unit_use, member_units_text
    from cpss_tui.services.members import member_choices
    from cpss_tui.services.staff import list_staff
    from cpss_tui.ui.screens.contact_calendar import ContactCalendarScreen
    from cpss_tui.ui.screens.unit_use import SpecialistUnitsScreen, UnitUseScreen

    member = member_choices(supervisor_engine)[0]
    expected = {
        "units": member_units_text(member_unit_use(supervisor_engine, member.id, AS_OF)),  # type: ignore[arg-type]
        "calendar": calendar_text(contact_calendar(supervisor_engine, member.id, AS_OF)),  # type: ignore[arg-type]
    }
    staff = next(p for p in list_staff(supervisor_engine) if p.role == "specialist")
    app = create_app(supervisor_engine, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screens: tuple[tuple[str, Screen[None]], ...] = (
            ("units", UnitUseScreen(member.id, member.name)),
            ("calendar", ContactCalendarScreen(member.id, member.name)),
            ("specialist", SpecialistUnitsScreen(staff.id, staff.name)),
        )
        for key, screen in screens:
            app.push_screen(screen)
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, SaveReportDialog)
            out = tmp_path / f"{key}.txt"
            await _set(pilot, "#path", str(out))
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen
            if key in expected:
                assert out.read_text() == expected[key]
            else:
                assert staff.name in out.read_text()
            assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
            await pilot.press("escape")
            await settle(pilot)
