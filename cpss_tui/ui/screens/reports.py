"""The reports menu (F2, or "Reports" in the command palette): every report in one list, each with what it shows
and the command line that writes the same file, so a new user finds them without a manual.

Reports about one member ask which member first (MemberPicker); they are also keys on the member record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from textual.screen import Screen as AnyScreen

    from cpss_tui.ui.app import CpssApp


@dataclass(frozen=True)
class ReportEntry:
    """One line of the menu. `per` says what must be picked first: "member", "specialist" or None; then
    `open_for(id, name)` builds the screen (both None when nothing is picked)."""

    id: str
    title: str
    what: str
    command: str
    per: str | None
    open_for: Callable[[str | None, str | None], AnyScreen[object]]


def _quality(_: str | None, __: str | None) -> AnyScreen[object]:
    from cpss_tui.ui.screens.quality_report import QualityScreen

    return cast("AnyScreen[object]", QualityScreen())


def _billing(_: str | None, __: str | None) -> AnyScreen[object]:
    from cpss_tui.ui.screens.billing_export import BillingExportDialog

    return cast("AnyScreen[object]", BillingExportDialog())


def _unit_use(member_id: str | None, name: str | None) -> AnyScreen[object]:
    from cpss_tui.ui.screens.unit_use import UnitUseScreen

    assert member_id is not None
    return cast("AnyScreen[object]", UnitUseScreen(member_id, name))


def _specialist_units(staff_id: str | None, name: str | None) -> AnyScreen[object]:
    from cpss_tui.ui.screens.unit_use import SpecialistUnitsScreen

    assert staff_id is not None
    return cast("AnyScreen[object]", SpecialistUnitsScreen(staff_id, name))


def _calendar(member_id: str | None, name: str | None) -> AnyScreen[object]:
    from cpss_tui.ui.screens.contact_calendar import ContactCalendarScreen

    assert member_id is not None
    return cast("AnyScreen[object]", ContactCalendarScreen(member_id, name))


def _print(member_id: str | None, name: str | None) -> AnyScreen[object]:
    from cpss_tui.ui.screens.print_dialog import PrintDialog

    assert member_id is not None
    return cast("AnyScreen[object]", PrintDialog(member_id, name))


REPORTS: tuple[ReportEntry, ...] = (
    ReportEntry(
        "quality",
        "Quality benchmarks (Q-1, Q-2)",
        "Face-to-face units, time outside the office, per specialist, targets",
        "cpss-tui report quality --from D --to D [--csv FILE]",
        None,
        _quality,
    ),
    ReportEntry(
        "billing",
        "Billing export (H0038 claims CSV)",
        "Claim lines of signed notes after caps; the units left out, with reasons",
        "cpss-tui export billing --from D --to D -o FILE.csv",
        None,
        _billing,
    ),
    ReportEntry(
        "units",
        "Unit use of a member",
        "Units used and remaining per authorization; weeks against the caps",
        "cpss-tui report units --member ID",
        "member",
        _unit_use,
    ),
    ReportEntry(
        "calendar",
        "Contact calendar of a member",
        "52 weeks by weekly contact status (C-3), with letters and a legend",
        "cpss-tui report calendar --member ID",
        "member",
        _calendar,
    ),
    ReportEntry(
        "specialist-units",
        "Units per week of a specialist",
        "Units a specialist delivered each week, 12 weeks at a time",
        "cpss-tui report units --specialist ID",
        "specialist",
        _specialist_units,
    ),
    ReportEntry(
        "print",
        "Printed service record (PDF)",
        "Demographics, plan, authorizations, every signed note with its addenda",
        "cpss-tui print member ID -o FILE.pdf",
        "member",
        _print,
    ),
)


def entry_prompt(entry: ReportEntry) -> Text:
    text = Text(entry.title, style="bold")
    if entry.per is not None:
        text.append(f"  (asks for a {entry.per})", style="dim")
    text.append(f"\n  {entry.what}\n")
    text.append(f"  {entry.command}", style="dim italic")
    return text


class ReportsScreen(Screen[None]):
    """Enter opens the highlighted report."""

    DEFAULT_CSS = """
    ReportsScreen OptionList { height: 1fr; }
    ReportsScreen #reports-hint { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reports · for auditors, billing and supervision", classes="screen-title")
        yield OptionList(*[Option(entry_prompt(e), id=e.id) for e in REPORTS], id="reports")
        yield Static(
            "Enter opens a report; the grey line is the same report from the command line.",
            id="reports-hint",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#reports", OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        open_report(self.app, str(event.option.id))


def open_report(app: object, report_id: str) -> None:
    """Open one report by id: straight away, or after a member or specialist is picked."""
    from textual.app import App

    assert isinstance(app, App)
    entry = next(e for e in REPORTS if e.id == report_id)
    if entry.per is None:
        app.push_screen(entry.open_for(None, None))
    elif entry.per == "member":
        from cpss_tui.ui.screens.member_picker import MemberPicker

        def member_picked(choice: tuple[str, str] | None) -> None:
            if choice:
                app.push_screen(entry.open_for(*choice))

        app.push_screen(MemberPicker(entry.title), member_picked)
    else:
        from cpss_tui.ui.screens.staff_picker import StaffPicker

        def staff_picked(choice: tuple[str, str] | None) -> None:
            if choice:
                app.push_screen(entry.open_for(*choice))

        app.push_screen(StaffPicker(entry.title), staff_picked)
